package localaws

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/orgfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/internal/stsfake"
)

// Defaults. Each is pinned by TestDefaults.
const (
	// DefaultAccountID is the owner account: AWS's documentation example
	// account, the S3 fake's default.
	DefaultAccountID = s3fake.DefaultAccountID
	// DefaultRegion is the region buckets and trails live in unless a
	// request says otherwise.
	DefaultRegion = s3fake.DefaultRegion
	// DefaultOwnerAccessKeyID and DefaultOwnerSecretAccessKey are the owner
	// account root's credentials: fixed (the S3 fake's, which every fake
	// also knows), so a local server is scriptable. They grant nothing
	// outside this process.
	DefaultOwnerAccessKeyID     = fakeutil.OwnerAccessKeyID
	DefaultOwnerSecretAccessKey = fakeutil.OwnerSecretAccessKey
)

// Signing names of the services the endpoint serves, as they appear in a
// SigV4 credential scope. S3 Control signs as s3 and is told apart from S3
// by its request shape (see [Server.ServeHTTP]).
const (
	ServiceS3             = "s3"
	ServiceS3Control      = "s3control" // a routing name only: S3 Control signs as "s3"
	ServiceSTS            = stsfake.SigningName
	ServiceCloudFront     = cffake.SigningName
	ServiceCloudTrail     = cloudtrailfake.SigningName
	ServiceAccessAnalyzer = aafake.SigningName
	ServiceIAM            = iamfake.SigningName
)

// Options configure a [Server]. The nil value means the defaults.
type Options struct {
	// AccountID is the owner account. By default, DefaultAccountID.
	AccountID string
	// Region is the server's region. By default, DefaultRegion.
	Region string
	// OwnerAccessKeyID and OwnerSecretAccessKey are the owner account
	// root's credentials. By default, DefaultOwnerAccessKeyID and
	// DefaultOwnerSecretAccessKey. Set both or neither.
	OwnerAccessKeyID     string
	OwnerSecretAccessKey string
	// Now is the clock of every fake that keeps one (S3, CloudFront, Access
	// Analyzer): presigned URL and temporary credential expiry, creation
	// dates. By default, time.Now. [Server.Advance] moves it forward.
	// Header-signed S3 requests are checked against it with S3's
	// 15-minute skew, so keep it near the wall clock the SDK signs with.
	Now func() time.Time
	// LegacyBuckets makes buckets created through the API start with
	// nothing configured (s3fake.StateLegacy), like buckets from before
	// 2023. By default they start as AWS creates them today.
	LegacyBuckets bool
	// Latency is added to every request before it is served, whatever the
	// service (a benchmark's round trip to AWS). By default, none.
	Latency time.Duration
}

// Server is the local AWS: one http.Handler for every service, routed by
// the service in each request's SigV4 credential scope, over a registry of
// accounts. All methods are safe for concurrent use.
type Server struct {
	region  string
	latency time.Duration
	baseNow func() time.Time
	offset  atomic.Int64

	s3    *s3fake.Server
	sts   *stsfake.Server
	creds *fakeutil.Credentials // every key of every account, for the fakes' SigV4 checks
	owner *Account

	mu       sync.RWMutex
	accounts map[string]*Account
	keys     map[string]s3fake.Credential // by access key id
	services map[string]http.Handler      // added with Handle

	org *orgState // roles, the organization, Regions, per-account S3 faults (org.go)
}

// New returns a Server with the owner account (opts nil means the
// defaults).
//
// Errors: when opts sets only one of the owner key fields, or an account
// id that is not 12 digits.
func New(opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if (o.OwnerAccessKeyID == "") != (o.OwnerSecretAccessKey == "") {
		return nil, errors.New("localaws: set both OwnerAccessKeyID and OwnerSecretAccessKey, or neither")
	}
	if o.AccountID == "" {
		o.AccountID = DefaultAccountID
	}
	if !accountIDRE.MatchString(o.AccountID) {
		return nil, fmt.Errorf("localaws: account id %q is not 12 digits", o.AccountID)
	}
	if o.Region == "" {
		o.Region = DefaultRegion
	}
	if o.OwnerAccessKeyID == "" {
		o.OwnerAccessKeyID, o.OwnerSecretAccessKey = DefaultOwnerAccessKeyID, DefaultOwnerSecretAccessKey
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	s := &Server{
		region:   o.Region,
		latency:  o.Latency,
		baseNow:  o.Now,
		creds:    &fakeutil.Credentials{},
		accounts: map[string]*Account{},
		keys:     map[string]s3fake.Credential{},
		services: map[string]http.Handler{},
	}
	state := s3fake.StateAWSDefault
	if o.LegacyBuckets {
		state = s3fake.StateLegacy
	}
	var err error
	s.s3, err = s3fake.New(&s3fake.Options{
		AccountID: o.AccountID, Region: o.Region, Now: s.Now, CreateBucketState: state,
		OwnerAccessKeyID: o.OwnerAccessKeyID, OwnerSecretAccessKey: o.OwnerSecretAccessKey,
	})
	if err != nil {
		return nil, fmt.Errorf("localaws: %w", err)
	}
	s.sts = stsfake.New(stsfake.Options{Credentials: s.creds, Directory: directory{s}, Roles: directory{s}})
	s.org = newOrgState(s)
	s.services[ServiceAccount] = s.org.regions
	s.services[ServiceOrganizations] = organizations{st: s.org, notInUse: orgfake.NotInUse(s.creds)}
	s.owner = s.newAccount(o.AccountID)
	s.owner.root = s.s3.OwnerCredential() // already in the S3 fake's table
	s.remember(s.owner.root)
	s.accounts[o.AccountID] = s.owner
	return s, nil
}

var accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)

// Now returns the server's clock: Options.Now plus every [Server.Advance].
func (s *Server) Now() time.Time { return s.baseNow().Add(time.Duration(s.offset.Load())) }

// Advance moves the clock forward by d (for example past a presigned URL's
// expiry).
func (s *Server) Advance(d time.Duration) { s.offset.Add(int64(d)) }

// partition is the ARN partition of the server's Region (aws-cn for
// cn-north-1), which its accounts and their principals are in.
func (s *Server) partition() string { return fakeutil.RegionPartition(s.region) }

// Region returns the server's region.
func (s *Server) Region() string { return s.region }

// S3 returns the S3 fake. Bucket names are global, as in AWS, so one S3
// serves every account: each bucket has an owner account, and each
// account's principals see and may use what S3's rules allow them.
func (s *Server) S3() *s3fake.Server { return s.s3 }

// STS returns the STS fake.
func (s *Server) STS() *stsfake.Server { return s.sts }

// Owner returns the owner account (Options.AccountID).
func (s *Server) Owner() *Account { return s.owner }

// Account returns the account with the given id.
func (s *Server) Account(id string) (*Account, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	a, ok := s.accounts[id]
	return a, ok
}

// Accounts returns every account, sorted by id (the owner among them).
func (s *Server) Accounts() []*Account {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]*Account, 0, len(s.accounts))
	for _, a := range s.accounts {
		out = append(out, a)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out
}

// AddAccount adds an account with its own services (S3 Control, CloudFront,
// CloudTrail, Access Analyzer, IAM; its buckets live in the one S3) and new
// root credentials ([Account.Root]).
//
// Errors: when id is not 12 digits or the account exists.
func (s *Server) AddAccount(id string) (*Account, error) {
	if !accountIDRE.MatchString(id) {
		return nil, fmt.Errorf("localaws: account id %q is not 12 digits", id)
	}
	s.mu.Lock()
	if _, ok := s.accounts[id]; ok {
		s.mu.Unlock()
		return nil, fmt.Errorf("localaws: account %s exists", id)
	}
	a := s.newAccount(id)
	s.accounts[id] = a
	s.mu.Unlock()
	root, err := a.issue(s3fake.RootPrincipalIn(s.partition(), id), false, time.Time{})
	if err != nil {
		return nil, err
	}
	a.root = root
	return a, nil
}

// Credentials returns the table of every access key the server has issued,
// in every account: what a service added with [Server.Handle] verifies
// signatures against (fakeutil.Auth).
func (s *Server) Credentials() *fakeutil.Credentials { return s.creds }

// Identity returns the credential (and so the principal and account) an
// access key belongs to. ok is false for a key the server never issued or
// has revoked.
func (s *Server) Identity(accessKeyID string) (c s3fake.Credential, ok bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	c, ok = s.keys[accessKeyID]
	return c, ok
}

// Revoke forgets an access key in every service.
func (s *Server) Revoke(accessKeyID string) {
	s.mu.Lock()
	delete(s.keys, accessKeyID)
	s.mu.Unlock()
	s.creds.Remove(accessKeyID)
	s.s3.RemoveCredential(accessKeyID)
}

// remember records c as known to every service but S3 (whose table the
// caller has filled).
func (s *Server) remember(c s3fake.Credential) {
	s.mu.Lock()
	s.keys[c.AccessKeyID] = c
	s.mu.Unlock()
	s.creds.Add(aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken})
}

// Handle serves requests whose credential scope names service (a SigV4
// signing name, for example "organizations") with h. h is shared by every
// account: it learns the caller with [CallerFrom] and verifies the
// signature itself against [Server.Credentials]. It replaces the built-in
// service of that name, if any. Call it before serving.
func (s *Server) Handle(service string, h http.Handler) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.services[service] = h
}

type callerKey struct{}

// CallerFrom returns the credential the router matched to the request's
// access key (its principal says who and which account). ok is false for
// an unsigned request or an unknown key; the signature is not verified yet
// when the handler is called.
func CallerFrom(ctx context.Context) (c s3fake.Credential, ok bool) {
	c, ok = ctx.Value(callerKey{}).(s3fake.Credential)
	return c, ok
}

// ServeHTTP routes r by the service in its SigV4 credential scope
// (Authorization header or X-Amz-Credential query): s3 to S3, except S3
// Control's requests (path under /v20180820/ with an x-amz-account-id
// header), and every other service to its fake. Unsigned requests,
// browser POST uploads among them, go to S3 (or S3 Control by shape), as on
// LocalStack and moto. Per-account services are those of the account the
// request's access key belongs to (the owner's for unknown keys, whose
// fake then refuses them in its own protocol).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.latency > 0 {
		t := time.NewTimer(s.latency)
		select {
		case <-t.C:
		case <-r.Context().Done():
			t.Stop()
			return
		}
	}
	// Every AWS service's Date is its own clock's time, from which the SDK
	// corrects a skewed machine clock; the fakes' clock is s.Now.
	w.Header().Set("Date", s.Now().UTC().Format(http.TimeFormat))
	service := ServiceS3
	acct := s.owner
	sc, signed := sigv4.RequestScope(r)
	if signed {
		service = sc.Service
		if c, ok := s.Identity(sc.AccessKeyID); ok {
			if !c.Expires.IsZero() && s.Now().After(c.Expires) {
				// Expired temporary credentials: S3 answers ExpiredToken
				// itself; the other fakes no longer know the key.
				s.creds.Remove(c.AccessKeyID)
			}
			if a, found := s.Account(c.Principal.AccountID); found {
				acct = a
			}
			r = r.WithContext(context.WithValue(r.Context(), callerKey{}, c))
		}
	}
	if service == ServiceS3 && isS3Control(r) {
		service = ServiceS3Control
	}
	if _, known := CallerFrom(r.Context()); known && (service == ServiceS3 || service == ServiceS3Control) {
		if f, failed := s.org.s3Fault(acct.ID); failed {
			writeS3Fault(w, f)
			return
		}
	}
	s.mu.RLock()
	h := s.services[service]
	s.mu.RUnlock()
	if h == nil {
		h = s.builtin(service, acct)
	}
	if h == nil {
		writeUnknownService(w, service)
		return
	}
	h.ServeHTTP(w, r)
}

// builtin returns the built-in handler of service for acct, or nil.
func (s *Server) builtin(service string, acct *Account) http.Handler {
	switch service {
	case ServiceS3:
		return s.s3
	case ServiceSTS:
		return s.sts
	}
	return acct.service(service)
}

// isS3Control reports whether an s3-signed (or unsigned) request is S3
// Control's: its REST paths live under /v20180820/ and carry the account
// in x-amz-account-id. (A bucket named v20180820 is reached without that
// header.)
func isS3Control(r *http.Request) bool {
	return strings.HasPrefix(r.URL.Path, "/v20180820/") && r.Header.Get("x-amz-account-id") != ""
}

// ServiceNames lists the signing names the endpoint routes to built-in
// fakes, in the order of the package documentation.
func ServiceNames() []string {
	return []string{ServiceS3, ServiceS3Control, ServiceSTS, ServiceCloudFront, ServiceCloudTrail, ServiceAccessAnalyzer, ServiceIAM}
}

func writeUnknownService(w http.ResponseWriter, service string) {
	fakeutil.WriteQueryError(w, "", "localaws", fakeutil.QueryError{Status: http.StatusNotImplemented, Code: "NotImplemented",
		Message: fmt.Sprintf("localaws: no service %q on this endpoint; it serves %s", service, strings.Join(ServiceNames(), ", "))})
}

// directory is the STS fake's view of the registry.
type directory struct{ s *Server }

func (d directory) Principal(accessKeyID string) (s3fake.Principal, bool) {
	c, ok := d.s.Identity(accessKeyID)
	return c.Principal, ok
}
