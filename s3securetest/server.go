package s3securetest

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/internal/accountfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/orgfake"
)

// Services the server answers, by the names [Server.InjectFault] and
// [Server.Count] take. They are the services' SigV4 signing names, except
// S3 Control, which signs as s3.
const (
	ServiceS3             = localaws.ServiceS3
	ServiceS3Control      = localaws.ServiceS3Control
	ServiceSTS            = localaws.ServiceSTS
	ServiceCloudFront     = localaws.ServiceCloudFront
	ServiceCloudTrail     = localaws.ServiceCloudTrail
	ServiceAccessAnalyzer = localaws.ServiceAccessAnalyzer
	ServiceIAM            = localaws.ServiceIAM
	// ServiceOrganizations answers with Options.Organization only.
	ServiceOrganizations = localaws.ServiceOrganizations
	// ServiceAccount is the Account Management API (ListRegions).
	ServiceAccount = localaws.ServiceAccount
)

// DefaultAccountID and DefaultRegion are the owner account and the Region
// of a server started without Options: AWS's documentation example account
// and us-east-1.
const (
	DefaultAccountID = localaws.DefaultAccountID
	DefaultRegion    = localaws.DefaultRegion
)

// Options configure a [Server]. The nil value means the defaults: HTTPS,
// account DefaultAccountID in DefaultRegion, new buckets as AWS creates
// them today, the wall clock, no added latency.
type Options struct {
	// AccountID is the owner account's 12-digit id. By default,
	// DefaultAccountID.
	AccountID string
	// Region is the Config's Region and the Region of the server's
	// services (trails, analyzers, access point ARNs). As on S3, a bucket
	// created outside us-east-1 names its Region in CreateBucket's
	// LocationConstraint. By default, DefaultRegion.
	Region string
	// LegacyBuckets makes buckets created through the API start with
	// nothing configured, like buckets from before 2023: no Block Public
	// Access, ACLs enabled (Object Ownership not set), no default
	// encryption configuration. By default a new bucket has what AWS gives
	// one today: all four Block Public Access settings, Object Ownership
	// BucketOwnerEnforced, SSE-S3 with SSE-C blocked.
	LegacyBuckets bool
	// InsecureHTTP serves plain HTTP instead of HTTPS. Requests then carry
	// aws:SecureTransport=false, so a bucket policy that denies insecure
	// transport (securebucket.Harden writes one) refuses them all, as on
	// AWS. Use it only to test exactly that.
	InsecureHTTP bool
	// Now is the server's clock: presigned URL and temporary credential
	// expiry, creation and modification times. By default, time.Now.
	// Header-signed S3 requests are checked against it with S3's
	// 15-minute clock skew, and the SDK signs with the wall clock, so keep
	// it within minutes of the wall clock ([Server.Advance] by minutes).
	// Every answer's Date header is this clock, as AWS's is AWS's: after
	// a larger step, an SDK client's next request is refused with
	// RequestTimeTooSkewed (the Config's retryer retries no service
	// error), the client takes its clock offset from that answer, and its
	// later requests are signed with it.
	Now func() time.Time
	// Latency is added to every request, whatever the service, as a round
	// trip to AWS would. By default, none.
	Latency time.Duration
	// Organization makes the owner account the management account of an
	// AWS Organization served on the endpoint (Organizations
	// DescribeOrganization, ListAccounts and DescribeAccount; the Account
	// Management API's ListRegions for any member): add its member
	// accounts with [Server.AddMember]. By default the owner account is in
	// no organization, and Organizations answers
	// AWSOrganizationsNotInUseException.
	Organization bool
}

// Server is a running in-memory AWS. Use [NewServer] in tests and [Start]
// elsewhere.
type Server struct {
	// URL is the endpoint, for example "https://127.0.0.1:41234".
	URL string
	// Config is an aws.Config for the owner account's root user that every
	// service client accepts: s3, s3control, sts, cloudfront, cloudtrail,
	// accessanalyzer, iam, organizations and account
	// (X.NewFromConfig(srv.Config)). It reads
	// nothing from the environment or shared files, and it retries no
	// service error, so an injected fault reaches the code under test.
	Config aws.Config
	// AccountID is the owner account's id.
	AccountID string
	// CAFile is the path of the PEM certificate of the server's own
	// certificate authority, for clients outside this process
	// (AWS_CA_BUNDLE, aws --ca-bundle); "" with Options.InsecureHTTP.
	// Close removes it.
	CAFile string

	ep *localaws.Endpoint
}

// NewServer starts a server for the duration of tb: tb's cleanup closes
// it. opts nil means the defaults. It fails tb when the server cannot
// start (invalid Options, no free port).
func NewServer(tb testing.TB, opts *Options) *Server {
	tb.Helper()
	s, err := Start(opts)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := s.Close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// Start starts a server outside a test (a program, an example); the caller
// must Close it. opts nil means the defaults.
//
// Errors: an AccountID that is not 12 digits; a port, certificate or CA
// file that cannot be had.
func Start(opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	srv, err := localaws.New(&localaws.Options{AccountID: o.AccountID, Region: o.Region, Now: o.Now,
		LegacyBuckets: o.LegacyBuckets, Latency: o.Latency})
	if err != nil {
		return nil, errors.New("s3securetest: " + trimPrefix(err))
	}
	if o.Organization {
		if _, err := srv.CreateOrganization(); err != nil {
			return nil, errors.New("s3securetest: " + trimPrefix(err))
		}
	}
	ep, err := srv.Listen(&localaws.ListenOptions{InsecureHTTP: o.InsecureHTTP, WriteCAFile: true})
	if err != nil {
		return nil, errors.New("s3securetest: " + trimPrefix(err))
	}
	return &Server{URL: ep.URL, Config: ep.Config(srv.Owner().Root()), AccountID: srv.Owner().ID, CAFile: ep.CAFile, ep: ep}, nil
}

// trimPrefix drops localaws's own prefix from an error message.
func trimPrefix(err error) string {
	const p = "localaws: "
	m := err.Error()
	if len(m) > len(p) && m[:len(p)] == p {
		return m[len(p):]
	}
	return m
}

// String describes the server by URL, owner account and Region. No fmt
// verb prints the secret access key of Config's credentials, whether it
// formats the Server or the Config.
func (s Server) String() string {
	region := ""
	if s.ep != nil {
		region = s.Region()
	}
	return "s3securetest.Server{URL: " + s.URL + ", AccountID: " + s.AccountID + ", Region: " + region + "}"
}

// GoString is like String.
func (s Server) GoString() string { return s.String() }

// Format prints String for every verb.
func (s Server) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s.String())
		return
	}
	_, _ = io.WriteString(f, s.String())
}

// Close stops the server, closes its connections and removes the CA file.
// It is safe to call more than once.
func (s *Server) Close() error { return s.ep.Close() }

// Client returns an *http.Client for plain HTTP requests to the server
// (a presigned URL, an anonymous GET): it trusts the server's certificate
// and reaches only the server.
func (s *Server) Client() *http.Client { return s.ep.HTTPClient() }

// Region returns the server's Region.
func (s *Server) Region() string { return s.ep.Server().Region() }

// Now returns the server's clock: Options.Now plus every Advance.
func (s *Server) Now() time.Time { return s.ep.Server().Now() }

// Advance moves the server's clock by d (forward; a negative d moves it
// back), for example past a presigned URL's expiry. Header-signed
// requests are checked against this clock with S3's 15 minutes of clock
// skew, and SDK clients sign with the wall clock: after a step of more
// than 15 minutes either way, each SDK client's next request is refused
// with RequestTimeTooSkewed (the Config's retryer retries no service
// error), and its later requests are signed with the offset that answer
// gave. To test an expiry without that refusal, give the URL a short
// lifetime (a minute) and advance by a few minutes.
func (s *Server) Advance(d time.Duration) { s.ep.Server().Advance(d) }

// AddAccount adds an AWS account with its own services and returns a
// Config for its root user. Its buckets share the one S3 (bucket names
// are global, as on AWS): its principals reach another account's buckets
// only as that bucket's policy and ACLs allow.
//
// Errors: an id that is not 12 digits, or an account that exists.
func (s *Server) AddAccount(accountID string) (aws.Config, error) {
	a, err := s.ep.Server().AddAccount(accountID)
	if err != nil {
		return aws.Config{}, errors.New("s3securetest: " + trimPrefix(err))
	}
	return s.ep.Config(a.Root()), nil
}

// AddUser issues an access key for an IAM user of the account ("" means
// the owner account) and returns a Config signed with it. The server
// models no identity policies: a principal of the bucket owner's account
// may do what the bucket's policy does not deny, one of another account
// what the bucket's policy or ACL grants.
//
// Errors: an account the server does not have.
func (s *Server) AddUser(accountID, userName string) (aws.Config, error) {
	if accountID == "" {
		accountID = s.AccountID
	}
	a, ok := s.ep.Server().Account(accountID)
	if !ok {
		return aws.Config{}, fmt.Errorf("s3securetest: no account %s", accountID)
	}
	c, err := a.AddUser(userName)
	if err != nil {
		return aws.Config{}, errors.New("s3securetest: " + trimPrefix(err))
	}
	return s.ep.Config(c), nil
}

// MemberOptions describe a member account of the organization
// ([Server.AddMember]). The nil value means an active member named
// "account-" and its id, with no role, whose only Region is the server's.
type MemberOptions struct {
	// Name is the account's name in the organization. By default,
	// "account-" and its id.
	Name string
	// Role is the name of a role created in the account that the
	// management (owner) account may assume with STS AssumeRole, as an
	// organization-wide audit does: its trust policy allows sts:AssumeRole
	// to the owner account's principals. The session's credentials act as
	// the role in the member account in every service. By default the
	// account has no role, and AssumeRole answers AccessDenied, as it
	// does for a role that does not exist.
	Role string
	// ExternalID makes Role's trust policy require sts:ExternalId to equal
	// it, as a role for a third party should. It needs Role. By default,
	// none is required.
	ExternalID string
	// Suspended lists the account as SUSPENDED. By default, ACTIVE.
	Suspended bool
	// Regions are the account's enabled Regions, as the Account Management
	// API's ListRegions lists them (ENABLED_BY_DEFAULT), and
	// DisabledRegions its opt-in Regions that are not enabled (DISABLED).
	// By default the account has one Region, the server's.
	Regions, DisabledRegions []string
}

// AddMember adds an account to the organization of a server started with
// Options.Organization, and returns a Config for the account's root user
// (to create its buckets, say). The account is created as [Server.AddAccount]
// does, unless the server has it already. The owner account is the
// management account and lists the member with Organizations
// ListAccounts.
//
// Errors: a server without Options.Organization; an id that is not 12
// digits; an account already a member; an ExternalID without a Role; a
// role name that IAM would refuse; a Region name that is not one.
func (s *Server) AddMember(accountID string, opts *MemberOptions) (aws.Config, error) {
	var o MemberOptions
	if opts != nil {
		o = *opts
	}
	m := localaws.Member{Name: o.Name, Role: o.Role, ExternalID: o.ExternalID}
	if o.Suspended {
		m.State = orgfake.StateSuspended
	}
	if len(o.Regions)+len(o.DisabledRegions) > 0 {
		m.Regions = map[string]string{}
		for _, list := range []struct {
			names  []string
			status string
		}{{o.Regions, accountfake.EnabledByDefault}, {o.DisabledRegions, accountfake.Disabled}} {
			for _, r := range list.names {
				if !regionRE.MatchString(r) {
					return aws.Config{}, fmt.Errorf("s3securetest: %q is not a Region name", r)
				}
				m.Regions[r] = list.status
			}
		}
	}
	if s.ep.Server().Organization() == nil {
		return aws.Config{}, errors.New("s3securetest: no organization: start the server with Options.Organization")
	}
	a, err := s.ep.Server().AddMember(accountID, m)
	if err != nil {
		return aws.Config{}, errors.New("s3securetest: " + trimPrefix(err))
	}
	return s.ep.Config(a.Root()), nil
}

// regionRE is the shape of a Region name (us-east-1, eu-central-2, …).
var regionRE = regexp.MustCompile(`^[a-z]{2}(-[a-z]+)+-[0-9]+$`)

// Fault is an error the server answers instead of performing an
// operation.
type Fault struct {
	// Code is the service's error code, for example "SlowDown" (S3),
	// "ThrottlingException" (Access Analyzer, CloudTrail) or "Throttling"
	// (STS, IAM). An empty Code clears the operation's fault.
	Code string
	// Status is the HTTP status. By default, S3's for the code
	// (503 SlowDown, 409 OperationAborted, else 500) for S3, and 500
	// for the other services.
	Status int
	// Message is the error message (S3 answers its own for the code).
	Message string
	// Times is how many requests fail; 0 means every request until the
	// fault is cleared.
	Times int
}

// InjectFault makes requests for operation (the SDK's operation name, for
// example "PutBucketPolicy" or "ListDistributions") to service (a Service
// constant) fail with f, replacing any fault set for it. Faults apply to
// the owner account's services, and to every account's requests to S3,
// STS, Organizations and the Account Management API, which all accounts
// share.
//
// Errors: a service the server does not answer (Organizations without
// Options.Organization).
func (s *Server) InjectFault(service, operation string, f Fault) error {
	ff := fakeutil.Fault{Status: f.Status, Code: f.Code, Message: f.Message, Times: f.Times}
	switch {
	case f.Code == "":
		ff = fakeutil.Fault{}
	case ff.Status == 0 && service != ServiceS3:
		ff.Status = http.StatusInternalServerError
	}
	if err := s.ep.Server().Owner().SetFault(service, operation, ff); err != nil {
		return errors.New("s3securetest: " + trimPrefix(err))
	}
	return nil
}

// Count returns how many requests for operation service has received,
// failed and refused ones included (a resend of one operation by the SDK
// counts once): for S3, STS, Organizations and the Account Management API
// from every account, for the other services the owner account's. It is 0 for a service the server does not answer.
func (s *Server) Count(service, operation string) int {
	return s.ep.Server().Owner().Count(service, operation)
}
