// Package s3controlfake is an in-memory fake of the S3 Control API
// (service/s3control) for the operations s3secure uses: the account-level
// Block Public Access configuration, access points with their policies,
// and Multi-Region Access Points with theirs (see mrap.go).
//
// It speaks the real wire protocol (REST-XML under /v20180820/, the
// x-amz-account-id header, the account-prefixed host, S3 Control's
// <ErrorResponse><Error>… error documents), so the real aws-sdk-go-v2
// s3control client can be pointed at it. Because the SDK prefixes the
// endpoint host with the account id (111122223333.127.0.0.1:PORT), a client
// needs a transport that dials the fake's address whatever the host: use
// [TestServer.Client], [NewClient] or [LoopbackHTTPClient].
//
// Every request's SigV4 signature is verified with presign.Verify (signing
// name s3, any region) against [TestAccessKeyID], the fake account owner's
// key, the S3 fake's owner (with Options.S3) and keys added with
// [Server.AddCredential]; refusals are S3's codes in S3 Control's error
// document: 403 AccessDenied (unsigned), SignatureDoesNotMatch,
// InvalidAccessKeyId, RequestTimeTooSkewed; 400 AuthorizationHeaderMalformed.
//
// Account-level Block Public Access can be kept by the fake itself or in an
// [AccountBPAStore]; with Options.S3 it is the in-memory S3 fake, so that PutPublicAccessBlock
// through s3control changes what the S3 fake enforces.
package s3controlfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/policy"
)

// DefaultAccountID is the account the fake serves when Options.AccountID is empty.
const DefaultAccountID = "111122223333"

// DefaultRegion is the region used in access point ARNs when Options.Region is empty.
const DefaultRegion = "us-east-1"

const xmlns = "http://awss3control.amazonaws.com/doc/2018-08-20/"

// maxAccessPointPolicyBytes is the access point policy size limit (20 KB).
const maxAccessPointPolicyBytes = 20 * 1024

// PublicAccessBlock is a Block Public Access configuration: four flags.
type PublicAccessBlock struct {
	BlockPublicAcls       bool
	IgnorePublicAcls      bool
	BlockPublicPolicy     bool
	RestrictPublicBuckets bool
}

// AccountBPAStore holds the account-level Block Public Access configuration
// outside the fake (in the S3 fake, which enforces it). ok is false when the
// configuration is not set; Set with nil deletes it.
type AccountBPAStore interface {
	AccountPublicAccessBlock() (cfg PublicAccessBlock, ok bool)
	SetAccountPublicAccessBlock(cfg *PublicAccessBlock)
}

// BucketChecker reports whether a bucket exists; the fake uses it to refuse
// access points on missing buckets (NoSuchBucket) when it is set.
type BucketChecker interface {
	BucketExists(name string) bool
}

// PolicyJudge decides whether an access point policy is public. vpc is true
// for an access point with VPC network origin.
type PolicyJudge func(policy string, vpc bool) (public bool, err error)

// Options configure a [Server]. The zero value serves account
// [DefaultAccountID] in [DefaultRegion] and keeps account BPA itself.
type Options struct {
	// AccountID is the only account the fake serves; requests for another
	// account get 403 AccessDenied.
	AccountID string
	// Region appears in access point ARNs, and is the Region whose access
	// points the fake holds: a request about an access point, or a
	// listing, signed for another Region finds none.
	Region string
	// S3, when set, is the in-memory S3 fake of the same account: the
	// account-level Block Public Access configuration is kept there (so
	// PutPublicAccessBlock through s3control changes what the S3 fake
	// enforces), access points need an existing bucket of it, and AccountID
	// and Region default to its own.
	S3 *s3fake.Server
	// AccountBPA, when set (and S3 is not), stores the account-level Block
	// Public Access configuration.
	AccountBPA AccountBPAStore
	// Buckets, when set (and S3 is not), is asked whether an access
	// point's bucket exists.
	Buckets BucketChecker
	// PolicyIsPublic judges access point policies for
	// GetAccessPointPolicyStatus and BlockPublicPolicy. By default it is the
	// policy package's rule for access point policies (policy.IsPublic with
	// KindAccessPoint), and a VPC access point is never public.
	PolicyIsPublic PolicyJudge
	// AllowUnsigned accepts requests without any SigV4 authentication
	// (signed requests are still verified). It lets anyone call the fake:
	// for tests of unsigned clients only. By default they are refused with
	// 403 AccessDenied, as S3 Control does.
	AllowUnsigned bool
	// Credentials, when set, are the only access keys the fake accepts
	// (a table shared by the fakes of one local AWS, internal/localaws).
	// By default, a table of [TestAccessKeyID] and the fake account
	// owner's key.
	Credentials *fakeutil.Credentials
}

// Fault is an error the fake returns instead of performing an operation.
type Fault = fakeutil.Fault

// SigningName is S3 Control's SigV4 signing name: S3's, with S3's
// canonical request rules (its endpoint rules disable double encoding).
const SigningName = "s3"

// AddCredential makes the fake accept requests signed with c, besides
// [TestAccessKeyID], the fake account owner's (fakeutil.OwnerAccessKeyID)
// and, with Options.S3, the S3 fake's owner.
func (s *Server) AddCredential(c aws.Credentials) { s.auth.Credentials.Add(c) }

type accessPoint struct {
	name      string
	bucket    string
	bucketAcc string
	vpcID     string
	bpa       PublicAccessBlock
	created   time.Time
	policy    string
	hasPolicy bool
}

// Server is the fake. It is an http.Handler; use [Start] for a test server.
type Server struct {
	account string
	region  string
	store   AccountBPAStore
	buckets BucketChecker
	judge   PolicyJudge
	auth    fakeutil.Auth

	ops fakeutil.Ops

	mu       sync.Mutex
	ownBPA   *PublicAccessBlock
	aps      map[string]*accessPoint
	mraps    map[string]*mrapState
	asyncOps map[string]*asyncOp
	aliasSeq int
	opSeq    int
	now      func() time.Time
	lastHost string
}

// New returns a fake with opts (nil = defaults).
func New(opts *Options) *Server {
	if opts == nil {
		opts = &Options{}
	}
	s := &Server{
		account: opts.AccountID,
		region:  opts.Region,
		store:   opts.AccountBPA,
		buckets: opts.Buckets,
		judge:   opts.PolicyIsPublic,
		auth: fakeutil.Auth{Service: SigningName, Codes: fakeutil.S3Auth, AllowUnsigned: opts.AllowUnsigned,
			Credentials: opts.Credentials},
		aps:      map[string]*accessPoint{},
		mraps:    map[string]*mrapState{},
		asyncOps: map[string]*asyncOp{},
		now:      time.Now,
	}
	if s.auth.Credentials == nil {
		s.auth.Credentials = fakeutil.NewCredentials(aws.Credentials{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey})
	}
	if opts.S3 != nil {
		if s.account == "" {
			s.account = opts.S3.AccountID()
		}
		if s.region == "" {
			s.region = opts.S3.Region()
		}
		// The S3 fake's owner may call S3 Control of the same account.
		owner := opts.S3.OwnerCredential()
		s.auth.Credentials.Add(aws.Credentials{AccessKeyID: owner.AccessKeyID, SecretAccessKey: owner.SecretAccessKey, SessionToken: owner.SessionToken})
		s.store = s3Store{opts.S3, s.account}
		s.buckets = s3Store{opts.S3, s.account}
	}
	if s.account == "" {
		s.account = DefaultAccountID
	}
	if s.region == "" {
		s.region = DefaultRegion
	}
	if s.judge == nil {
		s.judge = policyJudge
	}
	return s
}

// s3Store adapts the S3 fake to AccountBPAStore and BucketChecker.
type s3Store struct {
	srv     *s3fake.Server
	account string
}

func (a s3Store) AccountPublicAccessBlock() (PublicAccessBlock, bool) {
	p := a.srv.AccountPublicAccessBlock(a.account)
	if p == nil {
		return PublicAccessBlock{}, false
	}
	return PublicAccessBlock{p.BlockPublicAcls, p.IgnorePublicAcls, p.BlockPublicPolicy, p.RestrictPublicBuckets}, true
}

func (a s3Store) SetAccountPublicAccessBlock(c *PublicAccessBlock) {
	if c == nil {
		a.srv.SetAccountPublicAccessBlock(a.account, nil)
		return
	}
	a.srv.SetAccountPublicAccessBlock(a.account, &s3fake.PublicAccessBlock{
		BlockPublicAcls: c.BlockPublicAcls, IgnorePublicAcls: c.IgnorePublicAcls,
		BlockPublicPolicy: c.BlockPublicPolicy, RestrictPublicBuckets: c.RestrictPublicBuckets,
	})
}

func (a s3Store) BucketExists(name string) bool {
	_, ok := a.srv.Bucket(name)
	return ok
}

// AccountID returns the account the fake serves.
func (s *Server) AccountID() string { return s.account }

// Region returns the region used in access point ARNs.
func (s *Server) Region() string { return s.region }

// SetFault makes operation op (for example "GetPublicAccessBlock") fail
// with f. A zero Fault clears it.
func (s *Server) SetFault(op string, f Fault) { s.ops.SetFault(op, f) }

// Count returns how many requests for operation op the fake has received
// (including those that failed).
func (s *Server) Count(op string) int { return s.ops.Count(op) }

// LastHost returns the Host header of the last request, so tests can check
// the SDK's account-prefixed host.
func (s *Server) LastHost() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.lastHost
}

// AccountPublicAccessBlock returns the stored account configuration.
func (s *Server) AccountPublicAccessBlock() (PublicAccessBlock, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.getBPA()
}

func (s *Server) getBPA() (PublicAccessBlock, bool) {
	if s.store != nil {
		return s.store.AccountPublicAccessBlock()
	}
	if s.ownBPA == nil {
		return PublicAccessBlock{}, false
	}
	return *s.ownBPA, true
}

func (s *Server) setBPA(c *PublicAccessBlock) {
	if s.store != nil {
		s.store.SetAccountPublicAccessBlock(c)
		return
	}
	s.ownBPA = c
}

var (
	apNameRE   = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{1,48})[a-z0-9]$`)
	accountRE  = regexp.MustCompile(`^[0-9]{12}$`)
	pathPrefix = "/v20180820/"
)

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op, name := route(r)
	fault, faulted := s.ops.Hit(op, r)
	s.mu.Lock()
	s.lastHost = r.Host
	s.mu.Unlock()

	if op == "" {
		writeError(w, http.StatusNotImplemented, "NotImplemented", "A header or query you provided implies functionality that is not implemented.")
		return
	}
	if ae := s.auth.Check(r); ae != nil {
		writeError(w, ae.Status, ae.Code, ae.Message)
		return
	}
	acct := r.Header.Get("x-amz-account-id")
	if acct == "" {
		writeError(w, http.StatusBadRequest, "InvalidRequest", "Missing required header for this request: x-amz-account-id")
		return
	}
	if !accountRE.MatchString(acct) {
		writeError(w, http.StatusBadRequest, "InvalidAccountId", "Account id is not valid")
		return
	}
	host := r.Host
	if i := strings.IndexByte(host, '.'); i <= 0 || host[:i] != acct {
		writeError(w, http.StatusBadRequest, "InvalidRequest", "The host does not start with the account id in x-amz-account-id")
		return
	}
	if acct != s.account {
		writeError(w, http.StatusForbidden, "AccessDenied", "Access Denied")
		return
	}
	if isMRAPOp(op) && !s.mrapRegionOK(w, r) {
		return
	}
	if faulted {
		writeError(w, fault.Status, fault.Code, fault.MessageOrStatus())
		return
	}
	if isMRAPOp(op) {
		s.serveMRAP(w, r, op, name)
		return
	}
	if s.otherRegionAccessPoint(w, r, op) {
		return
	}
	switch op {
	case "GetPublicAccessBlock":
		s.getPublicAccessBlock(w)
	case "PutPublicAccessBlock":
		s.putPublicAccessBlock(w, r)
	case "DeletePublicAccessBlock":
		s.mu.Lock()
		s.setBPA(nil)
		s.mu.Unlock()
		w.WriteHeader(http.StatusNoContent)
	case "CreateAccessPoint":
		s.createAccessPoint(w, r, name)
	case "GetAccessPoint":
		s.getAccessPoint(w, name)
	case "DeleteAccessPoint":
		s.deleteAccessPoint(w, name)
	case "ListAccessPoints":
		s.listAccessPoints(w, r)
	case "PutAccessPointPolicy":
		s.putAccessPointPolicy(w, r, name)
	case "GetAccessPointPolicy":
		s.getAccessPointPolicy(w, name)
	case "DeleteAccessPointPolicy":
		s.deleteAccessPointPolicy(w, name)
	case "GetAccessPointPolicyStatus":
		s.getAccessPointPolicyStatus(w, name)
	}
}

// route maps a request to its operation name and access point name.
func route(r *http.Request) (op, name string) {
	p := r.URL.Path
	if !strings.HasPrefix(p, pathPrefix) {
		return "", ""
	}
	rest := strings.TrimPrefix(p, pathPrefix)
	if rest == "configuration/publicAccessBlock" {
		switch r.Method {
		case http.MethodGet:
			return "GetPublicAccessBlock", ""
		case http.MethodPut:
			return "PutPublicAccessBlock", ""
		case http.MethodDelete:
			return "DeletePublicAccessBlock", ""
		}
		return "", ""
	}
	if strings.HasPrefix(rest, "mrap/") || strings.HasPrefix(rest, "async-requests/mrap/") {
		return routeMRAP(r, rest)
	}
	if rest == "accesspoint" {
		if r.Method == http.MethodGet {
			return "ListAccessPoints", ""
		}
		return "", ""
	}
	if !strings.HasPrefix(rest, "accesspoint/") {
		return "", ""
	}
	rest = strings.TrimPrefix(rest, "accesspoint/")
	sub := ""
	if i := strings.IndexByte(rest, '/'); i >= 0 {
		rest, sub = rest[:i], rest[i+1:]
	}
	name, err := url.PathUnescape(rest)
	if err != nil {
		return "", ""
	}
	switch {
	case sub == "" && r.Method == http.MethodPut:
		return "CreateAccessPoint", name
	case sub == "" && r.Method == http.MethodGet:
		return "GetAccessPoint", name
	case sub == "" && r.Method == http.MethodDelete:
		return "DeleteAccessPoint", name
	case sub == "policy" && r.Method == http.MethodPut:
		return "PutAccessPointPolicy", name
	case sub == "policy" && r.Method == http.MethodGet:
		return "GetAccessPointPolicy", name
	case sub == "policy" && r.Method == http.MethodDelete:
		return "DeleteAccessPointPolicy", name
	case sub == "policyStatus" && r.Method == http.MethodGet:
		return "GetAccessPointPolicyStatus", name
	}
	return "", ""
}

type xmlBPA struct {
	BlockPublicAcls       *bool `xml:"BlockPublicAcls"`
	IgnorePublicAcls      *bool `xml:"IgnorePublicAcls"`
	BlockPublicPolicy     *bool `xml:"BlockPublicPolicy"`
	RestrictPublicBuckets *bool `xml:"RestrictPublicBuckets"`
}

func (x *xmlBPA) value() PublicAccessBlock {
	if x == nil {
		return PublicAccessBlock{}
	}
	b := func(p *bool) bool { return p != nil && *p }
	// An omitted flag is false: PutPublicAccessBlock replaces all four.
	return PublicAccessBlock{b(x.BlockPublicAcls), b(x.IgnorePublicAcls), b(x.BlockPublicPolicy), b(x.RestrictPublicBuckets)}
}

func bpaXML(c PublicAccessBlock) string {
	return fmt.Sprintf("<BlockPublicAcls>%t</BlockPublicAcls><IgnorePublicAcls>%t</IgnorePublicAcls><BlockPublicPolicy>%t</BlockPublicPolicy><RestrictPublicBuckets>%t</RestrictPublicBuckets>",
		c.BlockPublicAcls, c.IgnorePublicAcls, c.BlockPublicPolicy, c.RestrictPublicBuckets)
}

func (s *Server) getPublicAccessBlock(w http.ResponseWriter) {
	s.mu.Lock()
	c, ok := s.getBPA()
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, "NoSuchPublicAccessBlockConfiguration", "The public access block configuration was not found")
		return
	}
	// The configuration is the response's payload: it is the root element.
	writeXML(w, http.StatusOK, `<PublicAccessBlockConfiguration xmlns="`+xmlns+`">`+bpaXML(c)+`</PublicAccessBlockConfiguration>`)
}

func (s *Server) putPublicAccessBlock(w http.ResponseWriter, r *http.Request) {
	var body xmlBPA
	if !decodeBody(w, r, &body) {
		return
	}
	c := body.value()
	s.mu.Lock()
	s.setBPA(&c)
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

type createAPRequest struct {
	Bucket                         string  `xml:"Bucket"`
	BucketAccountID                string  `xml:"BucketAccountId"`
	PublicAccessBlockConfiguration *xmlBPA `xml:"PublicAccessBlockConfiguration"`
	VpcConfiguration               *struct {
		VpcID string `xml:"VpcId"`
	} `xml:"VpcConfiguration"`
}

func (s *Server) createAccessPoint(w http.ResponseWriter, r *http.Request, name string) {
	if !apNameRE.MatchString(name) || strings.Contains(name, "--") || strings.HasPrefix(name, "xn--") || strings.HasSuffix(name, "-s3alias") {
		writeError(w, http.StatusBadRequest, "InvalidURI", "Couldn't parse the specified URI.")
		return
	}
	var req createAPRequest
	if !decodeBody(w, r, &req) {
		return
	}
	if req.Bucket == "" {
		writeError(w, http.StatusBadRequest, "InvalidRequest", "Bucket is required")
		return
	}
	if s.buckets != nil && !s.buckets.BucketExists(req.Bucket) {
		writeError(w, http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist")
		return
	}
	if req.VpcConfiguration != nil && !strings.HasPrefix(req.VpcConfiguration.VpcID, "vpc-") {
		writeError(w, http.StatusBadRequest, "InvalidRequest", "Invalid VpcId")
		return
	}
	// New access points have all four settings on; a configuration in the
	// request replaces them (an omitted flag is false).
	bpa := PublicAccessBlock{true, true, true, true}
	if req.PublicAccessBlockConfiguration != nil {
		bpa = req.PublicAccessBlockConfiguration.value()
	}
	ap := &accessPoint{name: name, bucket: req.Bucket, bucketAcc: req.BucketAccountID, bpa: bpa}
	if ap.bucketAcc == "" {
		ap.bucketAcc = s.account
	}
	if req.VpcConfiguration != nil {
		ap.vpcID = req.VpcConfiguration.VpcID
	}
	s.mu.Lock()
	if _, exists := s.aps[name]; exists {
		s.mu.Unlock()
		writeError(w, http.StatusConflict, "AccessPointAlreadyOwnedByYou", "Your previous request to create the named accesspoint succeeded and you already own it.")
		return
	}
	ap.created = s.now().UTC()
	s.aps[name] = ap
	s.mu.Unlock()
	writeXML(w, http.StatusOK, `<CreateAccessPointResult xmlns="`+xmlns+`"><AccessPointArn>`+esc(s.arn(name))+`</AccessPointArn><Alias>`+esc(s.alias(name))+`</Alias></CreateAccessPointResult>`)
}

// arn is the access point's ARN, in the partition of the fake's Region
// (arn:aws-cn:s3:cn-north-1:… in China): an access point has an ARN in its
// own partition only.
func (s *Server) arn(name string) string {
	return "arn:" + fakeutil.RegionPartition(s.region) + ":s3:" + s.region + ":" + s.account + ":accesspoint/" + name
}

// alias derives the access point alias (NAME-<random>-s3alias) from the
// name, deterministically.
func (s *Server) alias(name string) string {
	sum := sha256.Sum256([]byte(s.account + "/" + name))
	return name + "-" + hex.EncodeToString(sum[:])[:30] + "-s3alias"
}

// otherRegionAccessPoint answers NoSuchAccessPoint, and reports true, for
// a request about one access point signed for another Region than the
// fake's: access point names are per Region ("The same AWS account may
// create access points with the same name in different AWS Regions",
// S3 user guide, Naming rules for access points), and the fake holds the
// access points of its Region only. CreateAccessPoint is left alone: what
// AWS answers for a bucket of another Region is not documented ("The
// access point must be created in the same Region as the associated
// bucket", S3 user guide, Creating access points).
func (s *Server) otherRegionAccessPoint(w http.ResponseWriter, r *http.Request, op string) bool {
	switch op {
	case "GetAccessPoint", "DeleteAccessPoint", "PutAccessPointPolicy", "GetAccessPointPolicy", "DeleteAccessPointPolicy", "GetAccessPointPolicyStatus":
	default:
		return false
	}
	sc, signed := sigv4.RequestScope(r)
	if !signed || sc.Region == "" || sc.Region == s.region {
		return false
	}
	writeError(w, http.StatusNotFound, "NoSuchAccessPoint", "The specified accesspoint does not exist")
	return true
}

// lookup returns the access point, or writes NoSuchAccessPoint and returns
// nil. Call with s.mu held.
func (s *Server) lookup(w http.ResponseWriter, name string) *accessPoint {
	ap := s.aps[name]
	if ap == nil {
		writeError(w, http.StatusNotFound, "NoSuchAccessPoint", "The specified accesspoint does not exist")
	}
	return ap
}

// snapshot returns a copy of the access point taken under s.mu, or writes
// NoSuchAccessPoint and returns false.
func (s *Server) snapshot(w http.ResponseWriter, name string) (accessPoint, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ap := s.lookup(w, name)
	if ap == nil {
		return accessPoint{}, false
	}
	return *ap, true
}

// withPolicy is snapshot for an access point that must have a policy: one
// without gets NoSuchAccessPointPolicy.
func (s *Server) withPolicy(w http.ResponseWriter, name string) (accessPoint, bool) {
	ap, ok := s.snapshot(w, name)
	if ok && !ap.hasPolicy {
		writeError(w, http.StatusNotFound, "NoSuchAccessPointPolicy", "The specified accesspoint does not have an accesspoint policy")
		return accessPoint{}, false
	}
	return ap, ok
}

// AccessPoint is an access point as the fake holds it, for readers in the
// same process (the local Access Analyzer).
type AccessPoint struct {
	// Name, ARN and Bucket identify it; BucketAccount owns the bucket.
	Name, ARN, Bucket, BucketAccount string
	// NetworkOrigin is "Internet" or "VPC".
	NetworkOrigin string
	// PublicAccessBlock is the access point's own setting.
	PublicAccessBlock PublicAccessBlock
	// Policy is the access point policy, "" when it has none.
	Policy string
}

// AccessPoints returns the access points of bucket, sorted by name.
func (s *Server) AccessPoints(bucket string) []AccessPoint {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []AccessPoint
	for _, ap := range s.aps {
		if ap.bucket != bucket {
			continue
		}
		no, _ := origin(ap)
		out = append(out, AccessPoint{Name: ap.name, ARN: s.arn(ap.name), Bucket: ap.bucket, BucketAccount: ap.bucketAcc,
			NetworkOrigin: no, PublicAccessBlock: ap.bpa, Policy: ap.policy})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Name < out[j].Name })
	return out
}

func origin(ap *accessPoint) (string, string) {
	if ap.vpcID != "" {
		return "VPC", "<VpcConfiguration><VpcId>" + esc(ap.vpcID) + "</VpcId></VpcConfiguration>"
	}
	return "Internet", ""
}

func (s *Server) getAccessPoint(w http.ResponseWriter, name string) {
	cp, ok := s.snapshot(w, name)
	if !ok {
		return
	}
	no, vpc := origin(&cp)
	writeXML(w, http.StatusOK, `<GetAccessPointResult xmlns="`+xmlns+`"><Name>`+esc(cp.name)+`</Name><Bucket>`+esc(cp.bucket)+`</Bucket><NetworkOrigin>`+no+`</NetworkOrigin>`+vpc+
		`<PublicAccessBlockConfiguration>`+bpaXML(cp.bpa)+`</PublicAccessBlockConfiguration><CreationDate>`+cp.created.Format(time.RFC3339)+`</CreationDate><Alias>`+esc(s.alias(cp.name))+`</Alias><AccessPointArn>`+esc(s.arn(cp.name))+`</AccessPointArn><BucketAccountId>`+esc(cp.bucketAcc)+`</BucketAccountId></GetAccessPointResult>`)
}

func (s *Server) deleteAccessPoint(w http.ResponseWriter, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lookup(w, name) == nil {
		return
	}
	delete(s.aps, name)
	w.WriteHeader(http.StatusNoContent)
}

// listPage reads a listing's maxResults (at most max; absent or 0 means
// max) and nextToken (the hex of prefix and the last name listed), or
// answers InvalidArgument and returns false.
func listPage(w http.ResponseWriter, q url.Values, max int, prefix string) (limit int, after string, ok bool) {
	limit = max
	if v := q.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 || n > max {
			writeError(w, http.StatusBadRequest, "InvalidArgument", fmt.Sprintf("maxResults must be between 0 and %d", max))
			return 0, "", false
		}
		if n > 0 {
			limit = n
		}
	}
	if tok := q.Get("nextToken"); tok != "" {
		b, err := hex.DecodeString(tok)
		if err != nil || !strings.HasPrefix(string(b), prefix) {
			writeError(w, http.StatusBadRequest, "InvalidArgument", "The continuation token provided is incorrect")
			return 0, "", false
		}
		after = strings.TrimPrefix(string(b), prefix)
	}
	return limit, after, true
}

// cutPage sorts names and returns the first limit of them, with the
// nextToken of the page after them ("" when there is none).
func cutPage(names []string, limit int, prefix string) ([]string, string) {
	sort.Strings(names)
	if len(names) <= limit {
		return names, ""
	}
	names = names[:limit]
	return names, hex.EncodeToString([]byte(prefix + names[limit-1]))
}

// maxListResults is ListAccessPoints' page size when maxResults is absent.
const maxListResults = 1000

func (s *Server) listAccessPoints(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	bucket := q.Get("bucket")
	limit, after, ok := listPage(w, q, maxListResults, "ap:")
	if !ok {
		return
	}
	// Access points live in one Region (the fake's); AWS lists those of
	// the Region the request is sent to, and refuses to list a bucket's
	// from another Region than the bucket's (the fake's buckets are all in
	// its Region): "api error InvalidRequest: Amazon S3 AccessPoint can
	// only be listed for bucket in the same region", as AWS answered
	// ListAccessPoints with a bucket of another Region
	// (turbot/steampipe-plugin-aws#1394).
	sc, signed := sigv4.RequestScope(r)
	otherRegion := signed && sc.Region != "" && sc.Region != s.region
	if otherRegion && bucket != "" {
		writeError(w, http.StatusBadRequest, "InvalidRequest", "Amazon S3 AccessPoint can only be listed for bucket in the same region")
		return
	}
	s.mu.Lock()
	var names []string
	for n, ap := range s.aps {
		if (bucket == "" || ap.bucket == bucket) && n > after && !otherRegion {
			names = append(names, n)
		}
	}
	names, next := cutPage(names, limit, "ap:")
	var b strings.Builder
	b.WriteString(`<ListAccessPointsResult xmlns="` + xmlns + `"><AccessPointList>`)
	for _, n := range names {
		ap := s.aps[n]
		no, vpc := origin(ap)
		b.WriteString(`<AccessPoint><Name>` + esc(n) + `</Name><NetworkOrigin>` + no + `</NetworkOrigin>` + vpc + `<Bucket>` + esc(ap.bucket) + `</Bucket><AccessPointArn>` + esc(s.arn(n)) + `</AccessPointArn><Alias>` + esc(s.alias(n)) + `</Alias><BucketAccountId>` + esc(ap.bucketAcc) + `</BucketAccountId></AccessPoint>`)
	}
	s.mu.Unlock()
	b.WriteString(`</AccessPointList>`)
	if next != "" {
		b.WriteString(`<NextToken>` + next + `</NextToken>`)
	}
	b.WriteString(`</ListAccessPointsResult>`)
	writeXML(w, http.StatusOK, b.String())
}

func (s *Server) putAccessPointPolicy(w http.ResponseWriter, r *http.Request, name string) {
	var req struct {
		Policy string `xml:"Policy"`
	}
	if !decodeBody(w, r, &req) {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.lookup(w, name) == nil {
		return
	}
	if msg := checkAccessPointPolicy(req.Policy, s.arn(name)); msg != "" {
		writeError(w, http.StatusBadRequest, "MalformedPolicy", msg)
		return
	}
	// What the policy grammar refuses (duplicate keys, unknown elements,
	// wrong types), S3 refuses too.
	if _, err := policy.Parse([]byte(req.Policy)); err != nil {
		writeError(w, http.StatusBadRequest, "MalformedPolicy", "Policy has an invalid condition key or element")
		return
	}
	ap := s.aps[name]
	// With BlockPublicPolicy on the access point (or the account), a public
	// policy is refused, as S3 does.
	acct, _ := s.getBPA()
	if ap.bpa.BlockPublicPolicy || acct.BlockPublicPolicy {
		public, err := s.judge(req.Policy, ap.vpcID != "")
		if err != nil {
			writeError(w, http.StatusBadRequest, "MalformedPolicy", err.Error())
			return
		}
		if public {
			writeError(w, http.StatusForbidden, "AccessDenied", "Access Denied")
			return
		}
	}
	ap.policy, ap.hasPolicy = req.Policy, true
	w.WriteHeader(http.StatusOK)
}

func (s *Server) getAccessPointPolicy(w http.ResponseWriter, name string) {
	ap, ok := s.withPolicy(w, name)
	if !ok {
		return
	}
	writeXML(w, http.StatusOK, `<GetAccessPointPolicyResult xmlns="`+xmlns+`"><Policy>`+esc(ap.policy)+`</Policy></GetAccessPointPolicyResult>`)
}

func (s *Server) deleteAccessPointPolicy(w http.ResponseWriter, name string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ap := s.lookup(w, name)
	if ap == nil {
		return
	}
	ap.policy, ap.hasPolicy = "", false
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) getAccessPointPolicyStatus(w http.ResponseWriter, name string) {
	ap, ok := s.withPolicy(w, name)
	if !ok {
		return
	}
	public, err := s.judge(ap.policy, ap.vpcID != "")
	if err != nil {
		writeError(w, http.StatusInternalServerError, "InternalError", "We encountered an internal error. Please try again.")
		return
	}
	writeXML(w, http.StatusOK, `<GetAccessPointPolicyStatusResult xmlns="`+xmlns+`"><PolicyStatus><IsPublic>`+strconv.FormatBool(public)+`</IsPublic></PolicyStatus></GetAccessPointPolicyStatusResult>`)
}

func decodeBody(w http.ResponseWriter, r *http.Request, v any) bool {
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "IncompleteBody", "The request body could not be read")
		return false
	}
	if err := xml.Unmarshal(body, v); err != nil {
		writeError(w, http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
		return false
	}
	return true
}

func esc(s string) string {
	var b strings.Builder
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}

func writeXML(w http.ResponseWriter, status int, body string) {
	w.Header().Set("Content-Type", "application/xml")
	w.Header().Set("x-amz-request-id", "S3CONTROLFAKE")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+body)
}

// writeError writes S3 Control's error document, which (unlike S3's) wraps
// <Error> in <ErrorResponse>.
func writeError(w http.ResponseWriter, status int, code, msg string) {
	writeXML(w, status, `<ErrorResponse><Error><Code>`+esc(code)+`</Code><Message>`+esc(msg)+`</Message></Error><RequestId>S3CONTROLFAKE</RequestId><HostId>s3controlfake</HostId></ErrorResponse>`)
}
