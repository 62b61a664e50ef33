package cffake

import (
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/internal/fakeutil"
)

// APIVersion is the CloudFront API version the fake serves under.
const APIVersion = "2020-05-31"

// Namespace is the XML namespace of CloudFront API version 2020-05-31.
const Namespace = "http://cloudfront.amazonaws.com/doc/2020-05-31/"

// DefaultAccountID is the account the fake's ARNs are minted in when
// Options.AccountID is empty.
const DefaultAccountID = "111122223333"

// Options configures a [Fake]. The zero value is usable.
type Options struct {
	// AccountID is the account in distribution ARNs. By default
	// DefaultAccountID.
	AccountID string
	// Partition is the ARN partition of distribution ARNs ("aws-cn" for
	// CloudFront in China). By default "aws".
	Partition string
	// Now is the fake's clock. By default time.Now.
	Now func() time.Time
	// DeployDelay is how long a created or updated distribution stays
	// InProgress on the fake's clock. By default 0: the response to the write
	// itself says InProgress and the next read says Deployed. Set it high and
	// call [Fake.Deploy] to control the transition from a test.
	DeployDelay time.Duration
	// Credentials, when set, are the only access keys the fake accepts
	// (a table shared by the fakes of one local AWS, internal/localaws).
	// By default, a table of [TestAccessKeyID] and the fake account
	// owner's key.
	Credentials *fakeutil.Credentials
}

// Fault is an error the fake returns instead of performing an operation
// (Times 0: every request until [Fake.ClearFaults]).
type Fault = fakeutil.Fault

// Fake is an in-memory CloudFront. It implements http.Handler. Its methods
// are safe for concurrent use.
type Fake struct {
	opts Options
	ops  fakeutil.Ops
	auth fakeutil.Auth

	mu         sync.Mutex
	seq        uint64
	oacs       map[string]*oac
	oais       map[string]*oai
	dists      map[string]*distribution
	tags       map[string][]tag // by ARN
	publicKeys map[string]*publicKey
	keyGroups  map[string]*keyGroup
}

// New returns an empty fake. A nil opts means the defaults.
func New(opts *Options) *Fake {
	f := &Fake{
		oacs:       map[string]*oac{},
		oais:       map[string]*oai{},
		dists:      map[string]*distribution{},
		tags:       map[string][]tag{},
		publicKeys: map[string]*publicKey{},
		keyGroups:  map[string]*keyGroup{},
	}
	if opts != nil {
		f.opts = *opts
	}
	if f.opts.AccountID == "" {
		f.opts.AccountID = DefaultAccountID
	}
	if f.opts.Partition == "" {
		f.opts.Partition = "aws"
	}
	if f.opts.Now == nil {
		f.opts.Now = time.Now
	}
	f.auth = fakeutil.Auth{Service: SigningName, Codes: fakeutil.QueryAuth, Credentials: f.opts.Credentials}
	if f.auth.Credentials == nil {
		f.auth.Credentials = fakeutil.NewCredentials(aws.Credentials{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey})
	}
	return f
}

// SigningName is CloudFront's SigV4 signing name.
const SigningName = "cloudfront"

// AddCredential makes the fake accept requests signed with c, besides
// [TestAccessKeyID] and the fake account owner's (fakeutil.OwnerAccessKeyID).
func (f *Fake) AddCredential(c aws.Credentials) { f.auth.Credentials.Add(c) }

// writeOps are the operations that change state; [Fake.Writes] sums them.
var writeOps = map[string]bool{
	"CreateOriginAccessControl":            true,
	"UpdateOriginAccessControl":            true,
	"DeleteOriginAccessControl":            true,
	"CreateCloudFrontOriginAccessIdentity": true,
	"UpdateCloudFrontOriginAccessIdentity": true,
	"DeleteCloudFrontOriginAccessIdentity": true,
	"CreateDistribution":                   true,
	"CreateDistributionWithTags":           true,
	"UpdateDistribution":                   true,
	"DeleteDistribution":                   true,
	"CreatePublicKey":                      true,
	"CreateKeyGroup":                       true,
	"TagResource":                          true,
	"UntagResource":                        true,
}

// Count returns how many requests for the operation (the SDK's operation
// name, such as "UpdateDistribution") the fake has received, including ones
// that failed.
func (f *Fake) Count(op string) int { return f.ops.Count(op) }

// Counts returns a copy of the per-operation request counters.
func (f *Fake) Counts() map[string]int { return f.ops.Counts() }

// Writes returns how many state-changing requests (create, update, delete,
// tag, untag) the fake has received, including ones that failed.
func (f *Fake) Writes() int {
	n := 0
	for op, c := range f.ops.Counts() {
		if writeOps[op] {
			n += c
		}
	}
	return n
}

// ResetCounts sets every request counter to zero.
func (f *Fake) ResetCounts() { f.ops.ResetCounts() }

// InjectFault makes the operation (the SDK's operation name) fail with the
// fault. It replaces any fault already set for the operation.
// A zero Status is 500 and an empty Code "InternalError".
func (f *Fake) InjectFault(op string, fault Fault) {
	if fault.Status == 0 {
		fault.Status = http.StatusInternalServerError
	}
	if fault.Code == "" {
		fault.Code = "InternalError"
	}
	f.ops.SetFault(op, fault)
}

// ClearFaults removes every injected fault.
func (f *Fake) ClearFaults() { f.ops.ClearFaults() }

// SetFault makes requests for op fail with fault as given (no defaults); a
// zero Fault clears op's fault.
func (f *Fake) SetFault(op string, fault Fault) { f.ops.SetFault(op, fault) }

// Deploy moves a distribution from InProgress to Deployed now, whatever the
// clock says. It reports whether the distribution exists.
func (f *Fake) Deploy(id string) bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	d, ok := f.dists[id]
	if ok {
		d.deployAt = time.Time{}
	}
	return ok
}

// DistributionIDs returns the IDs of every distribution, in creation order.
func (f *Fake) DistributionIDs() []string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.sortedDistIDs()
}

// apiError is an error answered in CloudFront's XML error shape.
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.code + ": " + e.message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

// response is what an operation handler returns on success.
type response struct {
	status  int
	etag    string
	loc     string
	body    []byte // XML document without the declaration, or nil
	noBody  bool
	headers map[string]string
}

type handlerFunc func(r *http.Request, body []byte, ids []string) (*response, *apiError)

type route struct {
	method  string
	pattern []string // path segments after /2020-05-31/; "*" matches one id
	query   string   // a query key that must be present ("" = none required)
	op      string
	h       func(f *Fake) handlerFunc
}

var routes = []route{
	{"POST", []string{"origin-access-control"}, "", "CreateOriginAccessControl", func(f *Fake) handlerFunc { return f.createOAC }},
	{"GET", []string{"origin-access-control"}, "", "ListOriginAccessControls", func(f *Fake) handlerFunc { return f.listOACs }},
	{"GET", []string{"origin-access-control", "*"}, "", "GetOriginAccessControl", func(f *Fake) handlerFunc { return f.getOAC }},
	{"DELETE", []string{"origin-access-control", "*"}, "", "DeleteOriginAccessControl", func(f *Fake) handlerFunc { return f.deleteOAC }},
	{"GET", []string{"origin-access-control", "*", "config"}, "", "GetOriginAccessControlConfig", func(f *Fake) handlerFunc { return f.getOACConfig }},
	{"PUT", []string{"origin-access-control", "*", "config"}, "", "UpdateOriginAccessControl", func(f *Fake) handlerFunc { return f.updateOAC }},

	{"POST", []string{"origin-access-identity", "cloudfront"}, "", "CreateCloudFrontOriginAccessIdentity", func(f *Fake) handlerFunc { return f.createOAI }},
	{"GET", []string{"origin-access-identity", "cloudfront"}, "", "ListCloudFrontOriginAccessIdentities", func(f *Fake) handlerFunc { return f.listOAIs }},
	{"GET", []string{"origin-access-identity", "cloudfront", "*"}, "", "GetCloudFrontOriginAccessIdentity", func(f *Fake) handlerFunc { return f.getOAI }},
	{"DELETE", []string{"origin-access-identity", "cloudfront", "*"}, "", "DeleteCloudFrontOriginAccessIdentity", func(f *Fake) handlerFunc { return f.deleteOAI }},
	{"GET", []string{"origin-access-identity", "cloudfront", "*", "config"}, "", "GetCloudFrontOriginAccessIdentityConfig", func(f *Fake) handlerFunc { return f.getOAIConfig }},
	{"PUT", []string{"origin-access-identity", "cloudfront", "*", "config"}, "", "UpdateCloudFrontOriginAccessIdentity", func(f *Fake) handlerFunc { return f.updateOAI }},

	{"POST", []string{"distribution"}, "WithTags", "CreateDistributionWithTags", func(f *Fake) handlerFunc { return f.createDistributionWithTags }},
	{"POST", []string{"distribution"}, "", "CreateDistribution", func(f *Fake) handlerFunc { return f.createDistribution }},
	{"GET", []string{"distribution"}, "", "ListDistributions", func(f *Fake) handlerFunc { return f.listDistributions }},
	{"GET", []string{"distribution", "*"}, "", "GetDistribution", func(f *Fake) handlerFunc { return f.getDistribution }},
	{"DELETE", []string{"distribution", "*"}, "", "DeleteDistribution", func(f *Fake) handlerFunc { return f.deleteDistribution }},
	{"GET", []string{"distribution", "*", "config"}, "", "GetDistributionConfig", func(f *Fake) handlerFunc { return f.getDistributionConfig }},
	{"PUT", []string{"distribution", "*", "config"}, "", "UpdateDistribution", func(f *Fake) handlerFunc { return f.updateDistribution }},

	{"POST", []string{"public-key"}, "", "CreatePublicKey", func(f *Fake) handlerFunc { return f.createPublicKey }},
	{"GET", []string{"public-key"}, "", "ListPublicKeys", func(f *Fake) handlerFunc { return f.listPublicKeys }},
	{"GET", []string{"public-key", "*"}, "", "GetPublicKey", func(f *Fake) handlerFunc { return f.getPublicKey }},
	{"POST", []string{"key-group"}, "", "CreateKeyGroup", func(f *Fake) handlerFunc { return f.createKeyGroup }},
	{"GET", []string{"key-group"}, "", "ListKeyGroups", func(f *Fake) handlerFunc { return f.listKeyGroups }},
	{"GET", []string{"key-group", "*"}, "", "GetKeyGroup", func(f *Fake) handlerFunc { return f.getKeyGroup }},

	{"GET", []string{"tagging"}, "", "ListTagsForResource", func(f *Fake) handlerFunc { return f.listTags }},
	{"POST", []string{"tagging"}, "Operation", "", func(f *Fake) handlerFunc { return f.tagOrUntag }},
}

func match(r *http.Request) (route, []string, bool) {
	rest, ok := strings.CutPrefix(r.URL.Path, "/"+APIVersion+"/")
	if !ok {
		return route{}, nil, false
	}
	segs := strings.Split(strings.TrimSuffix(rest, "/"), "/")
	q := r.URL.Query()
	for _, rt := range routes {
		if rt.method != r.Method || len(rt.pattern) != len(segs) {
			continue
		}
		if rt.query != "" && !q.Has(rt.query) {
			continue
		}
		var ids []string
		ok := true
		for i, p := range rt.pattern {
			switch {
			case p == "*":
				if segs[i] == "" {
					ok = false
				}
				ids = append(ids, segs[i])
			case p != segs[i]:
				ok = false
			}
		}
		if ok {
			return rt, ids, true
		}
	}
	return route{}, nil, false
}

// ServeHTTP answers one CloudFront API request.
func (f *Fake) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := f.requestID()
	rt, ids, ok := match(r)
	if !ok {
		writeError(w, reqID, errorf(http.StatusNotImplemented, "NotImplemented",
			"cffake does not implement %s %s", r.Method, r.URL.Path))
		return
	}
	op := rt.op
	if op == "" { // tagging: the query decides
		switch r.URL.Query().Get("Operation") {
		case "Tag":
			op = "TagResource"
		case "Untag":
			op = "UntagResource"
		default:
			writeError(w, reqID, errorf(http.StatusBadRequest, "InvalidArgument", "unknown tagging operation"))
			return
		}
	}
	fault, faulted := f.ops.Hit(op, r)

	if ae := f.auth.Check(r); ae != nil {
		writeError(w, reqID, &apiError{status: ae.Status, code: ae.Code, message: ae.Message})
		return
	}
	if faulted {
		writeError(w, reqID, &apiError{status: fault.Status, code: fault.Code, message: fault.Message})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, reqID, errorf(http.StatusBadRequest, "MalformedInput", "reading body: %v", err))
		return
	}
	f.mu.Lock()
	resp, aerr := rt.h(f)(r, body, ids)
	f.mu.Unlock()
	if aerr != nil {
		writeError(w, reqID, aerr)
		return
	}
	h := w.Header()
	h.Set("x-amzn-RequestId", reqID)
	if resp.etag != "" {
		h.Set("ETag", resp.etag)
	}
	if resp.loc != "" {
		h.Set("Location", resp.loc)
	}
	for k, v := range resp.headers {
		h.Set(k, v)
	}
	status := resp.status
	if status == 0 {
		status = http.StatusOK
	}
	if resp.noBody || resp.body == nil {
		if status == http.StatusOK && resp.noBody {
			status = http.StatusNoContent
		}
		w.WriteHeader(status)
		return
	}
	h.Set("Content-Type", "text/xml")
	w.WriteHeader(status)
	_, _ = io.WriteString(w, xml.Header)
	_, _ = w.Write(resp.body)
}

func writeError(w http.ResponseWriter, reqID string, e *apiError) {
	typ := "Sender"
	if e.status >= 500 {
		typ = "Receiver"
	}
	var b strings.Builder
	b.WriteString(xml.Header)
	b.WriteString(`<ErrorResponse xmlns="` + Namespace + `"><Error><Type>` + typ + `</Type><Code>`)
	_ = xml.EscapeText(&b, []byte(e.code))
	b.WriteString(`</Code><Message>`)
	_ = xml.EscapeText(&b, []byte(e.message))
	b.WriteString(`</Message></Error><RequestId>` + reqID + `</RequestId></ErrorResponse>`)
	w.Header().Set("Content-Type", "text/xml")
	w.Header().Set("x-amzn-RequestId", reqID)
	w.WriteHeader(e.status)
	_, _ = io.WriteString(w, b.String())
}

func (f *Fake) requestID() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.seq++
	return fmt.Sprintf("cffake-%08d-0000-0000-0000-000000000000", f.seq)
}

const idAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"

// newID returns a CloudFront-style identifier: "E" and 13 upper-case
// alphanumerics, deterministic per fake so test output is stable. The caller
// holds f.mu.
func (f *Fake) newID() string {
	f.seq++
	// A multiplicative hash spreads sequential numbers over the alphabet.
	n := f.seq*0x9E3779B97F4A7C15 + 0x1234567
	var b [14]byte
	b[0] = 'E'
	for i := 13; i >= 1; i-- {
		b[i] = idAlphabet[n%uint64(len(idAlphabet))]
		n /= uint64(len(idAlphabet))
	}
	return string(b[:])
}

// newETag returns a fresh ETag value. The caller holds f.mu.
func (f *Fake) newETag() string { return f.newID() }

// checkIfMatch enforces CloudFront's optimistic concurrency on updates and
// deletes.
func checkIfMatch(r *http.Request, current string) *apiError {
	got := strings.TrimSpace(r.Header.Get("If-Match"))
	if got == "" {
		return errorf(http.StatusBadRequest, "InvalidIfMatchVersion",
			"The If-Match version is missing or not valid for the resource.")
	}
	if got != current {
		return errorf(http.StatusPreconditionFailed, "PreconditionFailed",
			"The request failed because it didn't meet the preconditions in one or more request-header fields.")
	}
	return nil
}

func (f *Fake) sortedDistIDs() []string {
	return byCreation(f.dists, func(d *distribution) uint64 { return d.created })
}

// byCreation returns the ids of m in creation order (created is the fake's
// sequence number when the resource was created).
func byCreation[T any](m map[string]T, created func(T) uint64) []string {
	ids := make([]string, 0, len(m))
	for id := range m {
		ids = append(ids, id)
	}
	sort.Slice(ids, func(i, j int) bool { return created(m[ids[i]]) < created(m[ids[j]]) })
	return ids
}

// lookup returns the resource of m with the id, or CloudFront's 404 with
// the resource's own code and message.
func lookup[T any](m map[string]*T, id, code, message string) (*T, *apiError) {
	r, ok := m[id]
	if !ok {
		return nil, errorf(http.StatusNotFound, code, "%s", message)
	}
	return r, nil
}

// location is the Location header of a created resource: its URL under
// the API version, path being its collection ("key-group").
func location(path, id string) string {
	return "https://cloudfront.amazonaws.com/" + APIVersion + "/" + path + "/" + id
}
