package aafake

import (
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/s3secure/s3secure/internal/fakeutil"
)

// Defaults of the fake.
const (
	// DefaultAccount is the account that owns the analyzers.
	DefaultAccount = "111122223333"
	// DefaultRegion is the Region used for unsigned requests.
	DefaultRegion = "us-east-1"
	// DefaultPageSize is the page size when a request sets no maxResults.
	DefaultPageSize = 100
)

// CheckResult is what a test-injected custom policy check returns.
type CheckResult struct {
	// Pass is the result: PASS when true, FAIL when false.
	Pass bool
	// Message explains the result.
	Message string
	// Reasons lists the statements that caused a FAIL.
	Reasons []types.ReasonSummary
}

// ValidateInput is the request a test-injected ValidatePolicy function sees.
type ValidateInput struct {
	PolicyDocument, PolicyType, ResourceType, Locale string
}

// Options configures a [Server]. A nil *Options means the defaults.
type Options struct {
	// Account is the account id of the caller; DefaultAccount when empty.
	Account string
	// Region is used for requests whose SigV4 credential scope is not in
	// an Authorization header (presigned requests); DefaultRegion when
	// empty. Signed requests use their signing Region,
	// and analyzers are Regional, as in AWS.
	Region string
	// Now is the clock; time.Now when nil.
	Now func() time.Time
	// PageSize is the default page size; DefaultPageSize when zero.
	PageSize int
	// ValidatePolicy produces ValidatePolicy findings for a document that
	// is valid JSON. When nil there are none. Malformed JSON always gets
	// one ERROR finding, JSON_SYNTAX_ERROR, as from Access Analyzer.
	ValidatePolicy func(ValidateInput) []types.ValidatePolicyFinding
	// CheckNoPublicAccess decides CheckNoPublicAccess. When nil the call
	// fails with InternalServerException (the fake does not guess).
	CheckNoPublicAccess func(policyDocument, resourceType string) CheckResult
	// CheckAccessNotGranted decides CheckAccessNotGranted. When nil the call
	// fails with InternalServerException.
	CheckAccessNotGranted func(policyDocument, policyType string, access []types.Access) CheckResult
	// Scan, when set, is called by StartResourceScan and returns the
	// findings the resource now has; they replace the resource's findings
	// (unchanged ones keep their id and status, vanished ones become
	// RESOLVED, new ones go through the archive rules).
	Scan func(analyzerArn, resourceArn string) []types.Finding
	// Resources, with Scan, lists the resources (ARNs) an external-access
	// analyzer of the Region analyzes. The fake then analyzes them on its
	// own, as Access Analyzer does: all of them when an ACCOUNT or
	// ORGANIZATION analyzer is created ([Server.AddAnalyzer] too), and
	// again, with every resource Scan found access to before (a deleted
	// bucket's findings are resolved), before each read of its findings
	// (ListFindings, ListFindingsV2, GetFinding, GetFindingV2). So
	// findings follow the resources' current state without
	// StartResourceScan: AWS updates them within about 30 minutes of a
	// change, the fake by the next read. Seeded findings of a resource
	// that is not listed are left as they are.
	Resources func(region string) []string
	// Credentials, when set, are the only access keys the fake accepts
	// (a table shared by the fakes of one local AWS, internal/localaws).
	// By default, a table of [TestAccessKeyID] and the fake account
	// owner's key.
	Credentials *fakeutil.Credentials
	// DetailsMember, when set, is the union member GetFindingV2 names
	// every finding's access details under, in place of
	// externalAccessDetails or internalAccessDetails: a kind of details
	// AWS adds later, which a client must not read as no access.
	DetailsMember string
}

type rule struct {
	name             string
	filter           map[string]types.Criterion
	created, updated time.Time
}

type finding struct {
	f           types.Finding
	findingType types.FindingType
	// scanned is set for a finding made by Options.Scan (not seeded).
	scanned bool
}

type analyzer struct {
	arn, name, region string
	typ               types.Type
	status            types.AnalyzerStatus
	created           time.Time
	tags              map[string]string
	config            map[string]any
	rules             []*rule
	findings          []*finding
	lastResource      string
	lastAt            time.Time
}

// Server is an in-memory IAM Access Analyzer speaking restJson1. It is safe
// for concurrent use.
type Server struct {
	opts Options
	mux  *http.ServeMux
	auth fakeutil.Auth

	// ops counts calls and holds the Deny faults; faults are FailNext's
	// one-shot queue.
	ops fakeutil.Ops

	mu        sync.Mutex
	analyzers map[string]*analyzer // key: region + "/" + name
	tokens    map[string]string    // CreateAnalyzer clientToken → arn
	seq       int
	faults    map[string][]fault
	scans     []Scan
}

type fault struct {
	status int
	code   string
}

// Scan records one StartResourceScan call.
type Scan struct {
	AnalyzerArn, ResourceArn, ResourceOwnerAccount string
}

// New returns a Server. opts may be nil.
func New(opts *Options) *Server {
	s := &Server{
		analyzers: map[string]*analyzer{},
		tokens:    map[string]string{},
		faults:    map[string][]fault{},
	}
	if opts != nil {
		s.opts = *opts
	}
	if s.opts.Account == "" {
		s.opts.Account = DefaultAccount
	}
	if s.opts.Region == "" {
		s.opts.Region = DefaultRegion
	}
	if s.opts.Now == nil {
		s.opts.Now = time.Now
	}
	if s.opts.PageSize <= 0 {
		s.opts.PageSize = DefaultPageSize
	}
	s.auth = fakeutil.Auth{Service: SigningName, Codes: fakeutil.RESTJSONAuth, Credentials: s.opts.Credentials}
	if s.auth.Credentials == nil {
		s.auth.Credentials = fakeutil.NewCredentials(aws.Credentials{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey})
	}
	m := http.NewServeMux()
	routes := []struct {
		pattern, op string
		h           func(*request) (any, error)
	}{
		{"PUT /analyzer", "CreateAnalyzer", s.createAnalyzer},
		{"GET /analyzer", "ListAnalyzers", s.listAnalyzers},
		{"GET /analyzer/{analyzerName}", "GetAnalyzer", s.getAnalyzer},
		{"DELETE /analyzer/{analyzerName}", "DeleteAnalyzer", s.deleteAnalyzer},
		{"PUT /analyzer/{analyzerName}/archive-rule", "CreateArchiveRule", s.createArchiveRule},
		{"GET /analyzer/{analyzerName}/archive-rule", "ListArchiveRules", s.listArchiveRules},
		{"GET /analyzer/{analyzerName}/archive-rule/{ruleName}", "GetArchiveRule", s.getArchiveRule},
		{"PUT /analyzer/{analyzerName}/archive-rule/{ruleName}", "UpdateArchiveRule", s.updateArchiveRule},
		{"DELETE /analyzer/{analyzerName}/archive-rule/{ruleName}", "DeleteArchiveRule", s.deleteArchiveRule},
		{"PUT /archive-rule", "ApplyArchiveRule", s.applyArchiveRule},
		{"POST /finding", "ListFindings", s.refreshing(s.listFindings)},
		{"PUT /finding", "UpdateFindings", s.updateFindings},
		{"GET /finding/{id}", "GetFinding", s.refreshing(s.getFinding)},
		{"POST /findingv2", "ListFindingsV2", s.refreshing(s.listFindingsV2)},
		{"GET /findingv2/{id}", "GetFindingV2", s.refreshing(s.getFindingV2)},
		{"POST /resource/scan", "StartResourceScan", s.startResourceScan},
		{"POST /policy/validation", "ValidatePolicy", s.validatePolicy},
		{"POST /policy/check-no-public-access", "CheckNoPublicAccess", s.checkNoPublicAccess},
		{"POST /policy/check-access-not-granted", "CheckAccessNotGranted", s.checkAccessNotGranted},
	}
	for _, r := range routes {
		m.HandleFunc(r.pattern, s.wrap(r.op, r.h))
	}
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		if ae := s.auth.Check(r); ae != nil {
			writeErr(w, &apiError{status: ae.Status, code: ae.Code, msg: ae.Message})
			return
		}
		writeErr(w, &apiError{status: 400, code: "ValidationException", msg: "aafake: operation not implemented: " + r.Method + " " + r.URL.Path, extra: map[string]any{"reason": "unknownOperation"}})
	})
	s.mux = m
	return s
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

// SigningName is Access Analyzer's SigV4 signing name.
const SigningName = "access-analyzer"

// AddCredential makes the fake accept requests signed with c, besides
// [TestAccessKeyID] and the fake account owner's (fakeutil.OwnerAccessKeyID).
func (s *Server) AddCredential(c aws.Credentials) { s.auth.Credentials.Add(c) }

// Account returns the account id the fake answers for.
func (s *Server) Account() string { return s.opts.Account }

// Deny makes every later call of the operation (for example
// "CreateAnalyzer") fail with 403 AccessDeniedException.
func (s *Server) Deny(op string) {
	s.ops.SetFault(op, fakeutil.Fault{Status: http.StatusForbidden, Code: "AccessDeniedException",
		Message: "User is not authorized to perform: access-analyzer:" + op})
}

// FailNext makes the next call of the operation fail with the given HTTP
// status and error code (for example 429, "ThrottlingException").
func (s *Server) FailNext(op string, status int, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults[op] = append(s.faults[op], fault{status, code})
}

// Calls returns how many requests the operation has received.
func (s *Server) Calls(op string) int { return s.ops.Count(op) }

// SetFault makes calls of the operation fail with f (f.Times of them, or
// every one until cleared); a zero Fault clears it.
func (s *Server) SetFault(op string, f fakeutil.Fault) { s.ops.SetFault(op, f) }

// Scans returns the StartResourceScan calls received so far.
func (s *Server) Scans() []Scan {
	s.mu.Lock()
	defer s.mu.Unlock()
	return slices.Clone(s.scans)
}

// ErrNoAnalyzer is returned by [Server.SeedFinding] for an unknown analyzer.
var ErrNoAnalyzer = errors.New("aafake: no such analyzer")

// AddAnalyzer creates an analyzer directly (as if created in the console)
// and returns its ARN.
func (s *Server) AddAnalyzer(region, name string, typ types.Type) string {
	s.mu.Lock()
	a := s.newAnalyzer(region, name, typ)
	s.mu.Unlock()
	s.refresh(region, a.arn)
	return a.arn
}

func (s *Server) newAnalyzer(region, name string, typ types.Type) *analyzer {
	kind := "analyzer"
	a := &analyzer{
		arn:     fmt.Sprintf("arn:%s:access-analyzer:%s:%s:%s/%s", fakeutil.RegionPartition(region), region, s.opts.Account, kind, name),
		name:    name,
		region:  region,
		typ:     typ,
		status:  types.AnalyzerStatusActive,
		created: s.opts.Now().UTC(),
	}
	s.analyzers[region+"/"+name] = a
	return a
}

// SetAnalyzerStatus sets an analyzer's status (ACTIVE, CREATING, DISABLED
// or FAILED); analyzers start ACTIVE. It reports whether the analyzer
// exists.
func (s *Server) SetAnalyzerStatus(arn string, status types.AnalyzerStatus) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.byArn(arn)
	if a == nil {
		return false
	}
	a.status = status
	return true
}

// SeedFinding adds a finding to the analyzer with the given ARN, as if the
// analyzer had just found it: the id, status and timestamps are set by the
// fake (an Id or Status in f is kept when set), and the analyzer's archive
// rules archive it when they match, as AWS does for new findings. It
// returns the finding id.
func (s *Server) SeedFinding(analyzerArn string, f types.Finding) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	a := s.byArn(analyzerArn)
	if a == nil {
		return "", fmt.Errorf("%w: %s", ErrNoAnalyzer, analyzerArn)
	}
	return s.addFinding(a, f), nil
}

func (s *Server) addFinding(a *analyzer, f types.Finding) string {
	now := s.opts.Now().UTC()
	if f.Id == nil {
		s.seq++
		id := fmt.Sprintf("%08x-aafa-4e00-8000-%012d", s.seq, s.seq)
		f.Id = &id
	}
	if f.ResourceType == "" {
		f.ResourceType = types.ResourceTypeAwsS3Bucket
	}
	if f.ResourceOwnerAccount == nil {
		f.ResourceOwnerAccount = aws.String(s.opts.Account)
	}
	if f.Condition == nil {
		f.Condition = map[string]string{}
	}
	for _, p := range []**time.Time{&f.CreatedAt, &f.AnalyzedAt, &f.UpdatedAt} {
		if *p == nil {
			*p = aws.Time(now)
		}
	}
	explicit := f.Status != ""
	if !explicit {
		f.Status = types.FindingStatusActive
	}
	ft := types.FindingTypeExternalAccess
	if a.typ == types.TypeAccountInternalAccess || a.typ == types.TypeOrganizationInternalAccess {
		ft = types.FindingTypeInternalAccess
	}
	fd := &finding{f: f, findingType: ft}
	if !explicit && f.Status == types.FindingStatusActive {
		for _, r := range a.rules {
			if matches(fd, r.filter) {
				fd.f.Status = types.FindingStatusArchived
				break
			}
		}
	}
	a.findings = append(a.findings, fd)
	if f.Resource != nil {
		a.lastResource, a.lastAt = *f.Resource, now
	}
	return *f.Id
}

func (s *Server) byArn(arn string) *analyzer {
	for _, a := range s.analyzers {
		if a.arn == arn {
			return a
		}
	}
	return nil
}

// request is one decoded call.
type request struct {
	r      *http.Request
	region string
	body   []byte
}

func (q *request) decode(v any) error {
	if len(q.body) == 0 {
		return nil
	}
	if err := json.Unmarshal(q.body, v); err != nil {
		return validation("cannotParse", "request body is not valid JSON: "+err.Error())
	}
	return nil
}

type apiError struct {
	status int
	code   string
	msg    string
	extra  map[string]any
}

func (e *apiError) Error() string { return e.code + ": " + e.msg }

func validation(reason, msg string) *apiError {
	return &apiError{status: 400, code: "ValidationException", msg: msg, extra: map[string]any{"reason": reason}}
}

func notFound(kind, id string) *apiError {
	return &apiError{status: 404, code: "ResourceNotFoundException", msg: kind + " " + id + " not found",
		extra: map[string]any{"resourceId": id, "resourceType": kind}}
}

func conflict(kind, id string) *apiError {
	return &apiError{status: 409, code: "ConflictException", msg: kind + " " + id + " already exists",
		extra: map[string]any{"resourceId": id, "resourceType": kind}}
}

var credentialScope = regexp.MustCompile(`Credential=[^/,\s]+/\d{8}/([a-z0-9-]+)/`)

func (s *Server) wrap(op string, h func(*request) (any, error)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("X-Amzn-Requestid", fmt.Sprintf("aafake-%d", time.Now().UnixNano()))
		deny, denied := s.ops.Hit(op, r)
		s.mu.Lock()
		var f *fault
		if q := s.faults[op]; len(q) > 0 {
			f = &q[0]
			s.faults[op] = q[1:]
		}
		s.mu.Unlock()
		if ae := s.auth.Check(r); ae != nil {
			writeErr(w, &apiError{status: ae.Status, code: ae.Code, msg: ae.Message})
			return
		}
		if denied {
			writeErr(w, &apiError{status: deny.Status, code: deny.Code, msg: deny.Message})
			return
		}
		if f != nil {
			writeErr(w, &apiError{status: f.status, code: f.code, msg: "aafake: injected fault"})
			return
		}
		body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
		if err != nil {
			writeErr(w, validation("cannotParse", err.Error()))
			return
		}
		region := s.opts.Region
		if m := credentialScope.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
			region = m[1]
		}
		out, err := h(&request{r: r, region: region, body: body})
		if err != nil {
			var ae *apiError
			if !errors.As(err, &ae) {
				ae = &apiError{status: 500, code: "InternalServerException", msg: err.Error()}
			}
			writeErr(w, ae)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		if out == nil {
			w.WriteHeader(http.StatusOK)
			return
		}
		b, _ := json.Marshal(out)
		_, _ = w.Write(b)
	}
}

func writeErr(w http.ResponseWriter, e *apiError) {
	body := map[string]any{"message": e.msg}
	for k, v := range e.extra {
		body[k] = v
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", e.code)
	w.WriteHeader(e.status)
	b, _ := json.Marshal(body)
	_, _ = w.Write(b)
}

// page cuts items into a page; the token is an opaque offset.
func page[T any](items []T, maxResults *int, token *string, def int) ([]T, string, error) {
	start := 0
	if token != nil && *token != "" {
		raw, err := base64.RawURLEncoding.DecodeString(*token)
		n, err2 := strconv.Atoi(strings.TrimPrefix(string(raw), "aafake:"))
		if err != nil || err2 != nil || !strings.HasPrefix(string(raw), "aafake:") || n < 0 || n > len(items) {
			return nil, "", validation("fieldValidationFailed", "invalid nextToken")
		}
		start = n
	}
	size := def
	if maxResults != nil {
		if *maxResults < 1 || *maxResults > 1000 {
			return nil, "", validation("fieldValidationFailed", "maxResults must be between 1 and 1000")
		}
		size = *maxResults
	}
	end := min(start+size, len(items))
	next := ""
	if end < len(items) {
		next = base64.RawURLEncoding.EncodeToString([]byte("aafake:" + strconv.Itoa(end)))
	}
	return items[start:end], next, nil
}

// pageQuery returns the paging parameters of an operation that takes them
// in the query string: maxResults and nextToken, nil when absent.
func (q *request) pageQuery() (maxResults *int, token *string, err error) {
	query := q.r.URL.Query()
	if v := query.Get("maxResults"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil {
			return nil, nil, validation("fieldValidationFailed", "maxResults must be an integer")
		}
		maxResults = &n
	}
	if v := query.Get("nextToken"); v != "" {
		token = &v
	}
	return maxResults, token, nil
}

// pageOut answers a list operation: one page of items under key, and
// nextToken except on the last page (AWS leaves the key out there).
func pageOut[T any](key string, items []T, maxResults *int, token *string, def int) (any, error) {
	pg, next, err := page(items, maxResults, token, def)
	if err != nil {
		return nil, err
	}
	out := map[string]any{key: nonNil(pg)}
	if next != "" {
		out["nextToken"] = next
	}
	return out, nil
}

// ---- analyzers ----

var analyzerName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,254}$`)

func (s *Server) createAnalyzer(q *request) (any, error) {
	var in wireCreateAnalyzer
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if !analyzerName.MatchString(in.AnalyzerName) {
		return nil, validation("fieldValidationFailed", "invalid analyzerName")
	}
	typ := types.Type(in.Type)
	if !slices.Contains(types.Type("").Values(), typ) {
		return nil, validation("fieldValidationFailed", "invalid type "+in.Type)
	}
	arn, created, err := s.addAnalyzer(q.region, in, typ)
	if err != nil {
		return nil, err
	}
	if created {
		// Access Analyzer analyzes the zone of trust's resources once the
		// analyzer exists.
		s.refresh(q.region, arn)
	}
	return map[string]string{"arn": arn}, nil
}

// addAnalyzer creates the analyzer CreateAnalyzer asks for; created is
// false when the client token names one created before.
func (s *Server) addAnalyzer(region string, in wireCreateAnalyzer, typ types.Type) (arn string, created bool, err error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if in.ClientToken != "" {
		if arn, ok := s.tokens[in.ClientToken]; ok {
			return arn, false, nil
		}
	}
	if _, ok := s.analyzers[region+"/"+in.AnalyzerName]; ok {
		return "", false, conflict("Analyzer", in.AnalyzerName)
	}
	a := s.newAnalyzer(region, in.AnalyzerName, typ)
	a.tags, a.config = in.Tags, in.Configuration
	for _, r := range in.ArchiveRules {
		a.rules = append(a.rules, &rule{name: r.RuleName, filter: fromWireCriteria(r.Filter), created: a.created, updated: a.created})
	}
	if in.ClientToken != "" {
		s.tokens[in.ClientToken] = a.arn
	}
	return a.arn, true, nil
}

func toWireAnalyzer(a *analyzer) wireAnalyzer {
	return wireAnalyzer{Arn: a.arn, Name: a.name, Type: string(a.typ), Status: string(a.status),
		CreatedAt: ts(a.created), LastResourceAnalyzed: a.lastResource, LastResourceAnalyzedAt: ts(a.lastAt),
		Tags: a.tags, Configuration: a.config}
}

func (s *Server) listAnalyzers(q *request) (any, error) {
	maxResults, token, err := q.pageQuery()
	if err != nil {
		return nil, err
	}
	typ := q.r.URL.Query().Get("type")
	s.mu.Lock()
	defer s.mu.Unlock()
	var list []wireAnalyzer
	for _, a := range s.analyzers {
		if a.region == q.region && (typ == "" || string(a.typ) == typ) {
			list = append(list, toWireAnalyzer(a))
		}
	}
	sort.Slice(list, func(i, j int) bool { return list[i].Name < list[j].Name })
	return pageOut("analyzers", list, maxResults, token, s.opts.PageSize)
}

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// inAnalyzer runs fn, with s.mu held, on the analyzer the path names
// (analyzerName, in the request's Region); ResourceNotFoundException when
// there is none.
func (s *Server) inAnalyzer(q *request, fn func(a *analyzer) (any, error)) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	name := q.r.PathValue("analyzerName")
	a, ok := s.analyzers[q.region+"/"+name]
	if !ok {
		return nil, notFound("Analyzer", name)
	}
	return fn(a)
}

// arnInput is a request body that names its analyzer by analyzerArn.
type arnInput interface{ analyzerARN() string }

func (in wireApplyArchiveRule) analyzerARN() string { return in.AnalyzerArn }
func (in wireListFindings) analyzerARN() string     { return in.AnalyzerArn }

// inAnalyzerArn decodes the body into an In and runs fn, with s.mu held, on
// the analyzer it names. When the body does not decode or there is no such
// analyzer in the request's Region, fn is not called and that error is
// returned.
func inAnalyzerArn[In arnInput](s *Server, q *request, fn func(a *analyzer, in *In) (any, error)) (any, error) {
	var in In
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.analyzerByArn(q, in.analyzerARN())
	if err != nil {
		return nil, err
	}
	return fn(a, &in)
}

func (s *Server) analyzerByArn(q *request, arn string) (*analyzer, error) {
	if arn == "" {
		return nil, validation("fieldValidationFailed", "analyzerArn is required")
	}
	a := s.byArn(arn)
	if a == nil || a.region != q.region {
		return nil, notFound("Analyzer", arn)
	}
	return a, nil
}

func (s *Server) getAnalyzer(q *request) (any, error) {
	return s.inAnalyzer(q, func(a *analyzer) (any, error) {
		return map[string]any{"analyzer": toWireAnalyzer(a)}, nil
	})
}

func (s *Server) deleteAnalyzer(q *request) (any, error) {
	return s.inAnalyzer(q, func(a *analyzer) (any, error) {
		delete(s.analyzers, a.region+"/"+a.name)
		return nil, nil
	})
}

// ---- archive rules ----

// checkCriteria checks what a ListFindings filter and an archive rule's
// filter have in common: known keys, each with at least one condition.
func checkCriteria(f map[string]wireCriterion) error {
	for k, c := range f {
		if !knownKey(k) {
			return validation("fieldValidationFailed", "unsupported filter key "+k)
		}
		if c.Eq == nil && c.Neq == nil && c.Contains == nil && c.Exists == nil {
			return validation("fieldValidationFailed", "criterion for "+k+" is empty")
		}
	}
	return nil
}

// checkFilter checks an archive rule's filter: not empty, and at most 20
// values per condition, besides checkCriteria.
func checkFilter(f map[string]wireCriterion) error {
	if len(f) == 0 {
		return validation("fieldValidationFailed", "filter must not be empty")
	}
	if err := checkCriteria(f); err != nil {
		return err
	}
	for k, c := range f {
		for _, l := range [][]string{c.Eq, c.Neq, c.Contains} {
			if len(l) > 20 {
				return validation("fieldValidationFailed", "criterion for "+k+" has more than 20 values")
			}
		}
	}
	return nil
}

func (s *Server) createArchiveRule(q *request) (any, error) {
	var in wireCreateArchiveRule
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if in.RuleName == "" {
		return nil, validation("fieldValidationFailed", "ruleName is required")
	}
	if err := checkFilter(in.Filter); err != nil {
		return nil, err
	}
	return s.inAnalyzer(q, func(a *analyzer) (any, error) {
		if a.rule(in.RuleName) != nil {
			return nil, conflict("ArchiveRule", in.RuleName)
		}
		now := s.opts.Now().UTC()
		a.rules = append(a.rules, &rule{name: in.RuleName, filter: fromWireCriteria(in.Filter), created: now, updated: now})
		return nil, nil
	})
}

func (a *analyzer) rule(name string) *rule {
	for _, r := range a.rules {
		if r.name == name {
			return r
		}
	}
	return nil
}

// existingRule returns the named archive rule, or ResourceNotFoundException.
func (a *analyzer) existingRule(name string) (*rule, error) {
	r := a.rule(name)
	if r == nil {
		return nil, notFound("ArchiveRule", name)
	}
	return r, nil
}

// pathRule returns the archive rule the path names (ruleName), or
// ResourceNotFoundException.
func (a *analyzer) pathRule(q *request) (*rule, error) {
	return a.existingRule(q.r.PathValue("ruleName"))
}

func toWireRule(r *rule) wireArchiveRule {
	return wireArchiveRule{RuleName: r.name, Filter: toWireCriteria(r.filter), CreatedAt: ts(r.created), UpdatedAt: ts(r.updated)}
}

func (s *Server) listArchiveRules(q *request) (any, error) {
	maxResults, token, err := q.pageQuery()
	if err != nil {
		return nil, err
	}
	return s.inAnalyzer(q, func(a *analyzer) (any, error) {
		var list []wireArchiveRule
		for _, r := range a.rules {
			list = append(list, toWireRule(r))
		}
		return pageOut("archiveRules", list, maxResults, token, s.opts.PageSize)
	})
}

func (s *Server) getArchiveRule(q *request) (any, error) {
	return s.inAnalyzer(q, func(a *analyzer) (any, error) {
		r, err := a.pathRule(q)
		if err != nil {
			return nil, err
		}
		return map[string]any{"archiveRule": toWireRule(r)}, nil
	})
}

func (s *Server) updateArchiveRule(q *request) (any, error) {
	var in wireCreateArchiveRule
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if err := checkFilter(in.Filter); err != nil {
		return nil, err
	}
	return s.inAnalyzer(q, func(a *analyzer) (any, error) {
		r, err := a.pathRule(q)
		if err != nil {
			return nil, err
		}
		r.filter, r.updated = fromWireCriteria(in.Filter), s.opts.Now().UTC()
		return nil, nil
	})
}

func (s *Server) deleteArchiveRule(q *request) (any, error) {
	return s.inAnalyzer(q, func(a *analyzer) (any, error) {
		r, err := a.pathRule(q)
		if err != nil {
			return nil, err
		}
		a.rules = slices.DeleteFunc(a.rules, func(x *rule) bool { return x == r })
		return nil, nil
	})
}

// applyArchiveRule archives the existing ACTIVE findings that match the rule
// (AWS: "Retroactively applies the archive rule to existing findings").
func (s *Server) applyArchiveRule(q *request) (any, error) {
	return inAnalyzerArn(s, q, func(a *analyzer, in *wireApplyArchiveRule) (any, error) {
		r, err := a.existingRule(in.RuleName)
		if err != nil {
			return nil, err
		}
		now := s.opts.Now().UTC()
		for _, f := range a.findings {
			if f.f.Status == types.FindingStatusActive && matches(f, r.filter) {
				f.f.Status = types.FindingStatusArchived
				f.f.UpdatedAt = aws.Time(now)
			}
		}
		return nil, nil
	})
}

// ---- findings ----

func (s *Server) selectFindings(a *analyzer, in wireListFindings) ([]*finding, error) {
	if err := checkCriteria(in.Filter); err != nil {
		return nil, err
	}
	filter := fromWireCriteria(in.Filter)
	var out []*finding
	for _, f := range a.findings {
		if matches(f, filter) {
			out = append(out, f)
		}
	}
	if in.Sort != nil && in.Sort.AttributeName != "" {
		key := in.Sort.AttributeName
		desc := in.Sort.OrderBy == string(types.OrderByDesc)
		sort.SliceStable(out, func(i, j int) bool {
			vi, _ := attr(out[i], key)
			vj, _ := attr(out[j], key)
			if desc {
				return vi > vj
			}
			return vi < vj
		})
	}
	return out, nil
}

func (s *Server) listFindings(q *request) (any, error) {
	return listFindingsAs(s, q, true, toWireFinding)
}

func (s *Server) listFindingsV2(q *request) (any, error) {
	return listFindingsAs(s, q, false, toWireSummaryV2)
}

// listFindingsAs serves ListFindings (externalOnly: it refuses internal
// access analyzers) and ListFindingsV2, which differ in that and in the
// shape of a finding on the wire.
func listFindingsAs[T any](s *Server, q *request, externalOnly bool, wire func(*finding) T) (any, error) {
	return inAnalyzerArn(s, q, func(a *analyzer, in *wireListFindings) (any, error) {
		if externalOnly && a.typ != types.TypeAccount && a.typ != types.TypeOrganization {
			return nil, validation("notSupported", "ListFindings supports only external access analyzers; use ListFindingsV2")
		}
		sel, err := s.selectFindings(a, *in)
		if err != nil {
			return nil, err
		}
		list := make([]T, 0, len(sel))
		for _, f := range sel {
			list = append(list, wire(f))
		}
		return pageOut("findings", list, in.MaxResults, in.NextToken, s.opts.PageSize)
	})
}

func (a *analyzer) finding(id string) *finding {
	for _, f := range a.findings {
		if *f.f.Id == id {
			return f
		}
	}
	return nil
}

// pathFinding returns the finding GetFinding and GetFindingV2 name: the
// path's id, in the analyzer of the query's analyzerArn. Call with s.mu
// held.
func (s *Server) pathFinding(q *request) (*finding, error) {
	a, err := s.analyzerByArn(q, q.r.URL.Query().Get("analyzerArn"))
	if err != nil {
		return nil, err
	}
	id := q.r.PathValue("id")
	f := a.finding(id)
	if f == nil {
		return nil, notFound("Finding", id)
	}
	return f, nil
}

func (s *Server) getFinding(q *request) (any, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.pathFinding(q)
	if err != nil {
		return nil, err
	}
	return map[string]any{"finding": toWireFinding(f)}, nil
}

func (s *Server) getFindingV2(q *request) (any, error) {
	maxResults, token, err := q.pageQuery()
	if err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	f, err := s.pathFinding(q)
	if err != nil {
		return nil, err
	}
	key := "externalAccessDetails"
	if f.findingType == types.FindingTypeInternalAccess {
		key = "internalAccessDetails"
	}
	if s.opts.DetailsMember != "" {
		key = s.opts.DetailsMember
	}
	details := []map[string]wireAccessDetails{{key: {
		Action: f.f.Action, Condition: f.f.Condition, IsPublic: f.f.IsPublic,
		Principal: f.f.Principal, Sources: toWireSources(f.f.Sources),
	}}}
	pg, next, err := page(details, maxResults, token, s.opts.PageSize)
	if err != nil {
		return nil, err
	}
	return wireGetFindingV2{wireFindingSummaryV2: toWireSummaryV2(f), FindingDetails: nonNil(pg), NextToken: next}, nil
}

func (s *Server) updateFindings(q *request) (any, error) {
	var in wireUpdateFindings
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	status := types.FindingStatus(in.Status)
	if status != types.FindingStatusActive && status != types.FindingStatusArchived {
		return nil, validation("fieldValidationFailed", "status must be ACTIVE or ARCHIVED")
	}
	if (len(in.Ids) == 0) == (in.ResourceArn == "") {
		return nil, validation("fieldValidationFailed", "exactly one of ids and resourceArn is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	a, err := s.analyzerByArn(q, in.AnalyzerArn)
	if err != nil {
		return nil, err
	}
	var targets []*finding
	for _, id := range in.Ids {
		f := a.finding(id)
		if f == nil {
			return nil, notFound("Finding", id)
		}
		targets = append(targets, f)
	}
	if in.ResourceArn != "" {
		for _, f := range a.findings {
			if aws.ToString(f.f.Resource) == in.ResourceArn {
				targets = append(targets, f)
			}
		}
	}
	now := s.opts.Now().UTC()
	for _, f := range targets {
		if f.f.Status == types.FindingStatusResolved {
			continue // resolved findings cannot be archived or unarchived
		}
		f.f.Status = status
		f.f.UpdatedAt = aws.Time(now)
	}
	return nil, nil
}

func (s *Server) startResourceScan(q *request) (any, error) {
	var in wireScan
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if in.ResourceArn == "" {
		return nil, validation("fieldValidationFailed", "resourceArn is required")
	}
	s.mu.Lock()
	a, err := s.analyzerByArn(q, in.AnalyzerArn)
	if err != nil {
		s.mu.Unlock()
		return nil, err
	}
	s.scans = append(s.scans, Scan(in))
	scan := s.opts.Scan
	s.mu.Unlock()
	if scan == nil {
		return nil, nil
	}
	fresh := scan(in.AnalyzerArn, in.ResourceArn)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.applyScan(a, in.ResourceArn, fresh)
	return nil, nil
}

// applyScan replaces the findings of resource with fresh: unchanged ones
// keep their id and status, vanished ones become RESOLVED, new ones go
// through the archive rules. Call with s.mu held.
func (s *Server) applyScan(a *analyzer, resource string, fresh []types.Finding) {
	now := s.opts.Now().UTC()
	kept := map[*finding]bool{}
	for _, nf := range fresh {
		nf.Resource = aws.String(resource)
		var same *finding
		for _, old := range a.findings {
			if aws.ToString(old.f.Resource) == resource && old.f.Status != types.FindingStatusResolved && sameAccess(old.f, nf) && !kept[old] {
				same = old
				break
			}
		}
		if same != nil {
			kept[same] = true
			same.f.AnalyzedAt = aws.Time(now)
			continue
		}
		fd := a.finding(s.addFinding(a, nf))
		fd.scanned = true
		kept[fd] = true
	}
	for _, old := range a.findings {
		if aws.ToString(old.f.Resource) == resource && !kept[old] && old.f.Status != types.FindingStatusResolved {
			old.f.Status = types.FindingStatusResolved
			old.f.UpdatedAt = aws.Time(now)
		}
	}
	a.lastResource, a.lastAt = resource, now
}

// refresh analyzes again, with Options.Scan, every resource the
// external-access analyzer arn of region analyzes (Options.Resources) or
// has scanned findings for, when both options are set and the analyzer is
// active.
func (s *Server) refresh(region, arn string) {
	scan, list := s.opts.Scan, s.opts.Resources
	if scan == nil || list == nil {
		return
	}
	s.mu.Lock()
	a := s.byArn(arn)
	if a == nil || a.region != region || a.status != types.AnalyzerStatusActive ||
		(a.typ != types.TypeAccount && a.typ != types.TypeOrganization) {
		s.mu.Unlock()
		return
	}
	resources := map[string]bool{}
	for _, f := range a.findings {
		if f.scanned && f.f.Resource != nil && f.f.Status != types.FindingStatusResolved {
			resources[*f.f.Resource] = true
		}
	}
	s.mu.Unlock()
	for _, r := range list(region) {
		resources[r] = true
	}
	names := make([]string, 0, len(resources))
	for r := range resources {
		names = append(names, r)
	}
	sort.Strings(names)
	fresh := make([][]types.Finding, len(names))
	for i, r := range names {
		fresh[i] = scan(arn, r)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.byArn(arn) != a {
		return // deleted meanwhile
	}
	for i, r := range names {
		s.applyScan(a, r, fresh[i])
	}
}

// refreshing wraps a findings read: the analyzer it names (analyzerArn in
// the body or, for GetFinding and GetFindingV2, the query) is refreshed
// first.
func (s *Server) refreshing(h func(*request) (any, error)) func(*request) (any, error) {
	return func(q *request) (any, error) {
		arn := q.r.URL.Query().Get("analyzerArn")
		if arn == "" {
			var in struct {
				AnalyzerArn string `json:"analyzerArn"`
			}
			if json.Unmarshal(q.body, &in) == nil {
				arn = in.AnalyzerArn
			}
		}
		if arn != "" {
			s.refresh(q.region, arn)
		}
		return h(q)
	}
}

func sameAccess(a, b types.Finding) bool {
	key := func(f types.Finding) string {
		if len(f.Condition) == 0 {
			f.Condition = nil
		}
		b, _ := json.Marshal(wireAccessDetails{Principal: f.Principal, Action: f.Action, Condition: f.Condition, IsPublic: f.IsPublic, Sources: toWireSources(f.Sources)})
		return string(b)
	}
	return key(a) == key(b)
}

func toWireFinding(fd *finding) wireFinding {
	f := fd.f
	return wireFinding{
		ID: aws.ToString(f.Id), Resource: aws.ToString(f.Resource), ResourceType: string(f.ResourceType),
		ResourceOwnerAccount: aws.ToString(f.ResourceOwnerAccount), Status: string(f.Status), IsPublic: f.IsPublic,
		Principal: f.Principal, Action: f.Action, Condition: f.Condition, Sources: toWireSources(f.Sources),
		Error: aws.ToString(f.Error), CreatedAt: ts(aws.ToTime(f.CreatedAt)), AnalyzedAt: ts(aws.ToTime(f.AnalyzedAt)),
		UpdatedAt: ts(aws.ToTime(f.UpdatedAt)),
	}
}

func toWireSummaryV2(fd *finding) wireFindingSummaryV2 {
	f := fd.f
	return wireFindingSummaryV2{
		ID: aws.ToString(f.Id), Resource: aws.ToString(f.Resource), ResourceType: string(f.ResourceType),
		ResourceOwnerAccount: aws.ToString(f.ResourceOwnerAccount), Status: string(f.Status),
		FindingType: string(fd.findingType), Error: aws.ToString(f.Error),
		CreatedAt: ts(aws.ToTime(f.CreatedAt)), AnalyzedAt: ts(aws.ToTime(f.AnalyzedAt)), UpdatedAt: ts(aws.ToTime(f.UpdatedAt)),
	}
}

// ---- policy checks ----

func (s *Server) validatePolicy(q *request) (any, error) {
	maxResults, token, err := q.pageQuery()
	if err != nil {
		return nil, err
	}
	var in wireValidatePolicy
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if in.PolicyDocument == "" || in.PolicyType == "" {
		return nil, validation("fieldValidationFailed", "policyDocument and policyType are required")
	}
	if !slices.Contains(types.PolicyType("").Values(), types.PolicyType(in.PolicyType)) {
		return nil, validation("fieldValidationFailed", "invalid policyType "+in.PolicyType)
	}
	var found []types.ValidatePolicyFinding
	switch {
	case !json.Valid([]byte(in.PolicyDocument)):
		// Access Analyzer reports malformed JSON as a finding, not as a
		// request error.
		found = []types.ValidatePolicyFinding{{
			FindingType: types.ValidatePolicyFindingTypeError, IssueCode: aws.String("JSON_SYNTAX_ERROR"),
			FindingDetails: aws.String("Fix the JSON syntax error in the policy."),
			LearnMoreLink:  aws.String("https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html#access-analyzer-reference-policy-checks-error-json-syntax-error"),
		}}
	case s.opts.ValidatePolicy != nil:
		found = s.opts.ValidatePolicy(ValidateInput{in.PolicyDocument, in.PolicyType, in.ValidatePolicyResourceType, in.Locale})
	}
	list := make([]wireValidateFinding, 0, len(found))
	for _, f := range found {
		list = append(list, toWireValidate(f))
	}
	return pageOut("findings", list, maxResults, token, s.opts.PageSize)
}

// checkPolicyJSON is what CheckNoPublicAccess and CheckAccessNotGranted
// share once their required members are there: a policy that is not JSON is
// InvalidParameterException, and without the test's decision function (name)
// the fake answers InternalServerException rather than guess.
func checkPolicyJSON(doc string, configured bool, name string) error {
	if !json.Valid([]byte(doc)) {
		return &apiError{status: 400, code: "InvalidParameterException", msg: "policyDocument is not valid JSON"}
	}
	if !configured {
		return &apiError{status: 500, code: "InternalServerException", msg: "aafake: no " + name + " function configured"}
	}
	return nil
}

func checkResult(r CheckResult) wireCheckResult {
	w := wireCheckResult{Result: "PASS", Message: r.Message, Reasons: []wireReason{}}
	if !r.Pass {
		w.Result = "FAIL"
	}
	for _, x := range r.Reasons {
		w.Reasons = append(w.Reasons, wireReason{Description: aws.ToString(x.Description), StatementID: aws.ToString(x.StatementId), StatementIndex: x.StatementIndex})
	}
	return w
}

func (s *Server) checkNoPublicAccess(q *request) (any, error) {
	var in wireCheckNoPublicAccess
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if in.PolicyDocument == "" || in.ResourceType == "" {
		return nil, validation("fieldValidationFailed", "policyDocument and resourceType are required")
	}
	if err := checkPolicyJSON(in.PolicyDocument, s.opts.CheckNoPublicAccess != nil, "CheckNoPublicAccess"); err != nil {
		return nil, err
	}
	return checkResult(s.opts.CheckNoPublicAccess(in.PolicyDocument, in.ResourceType)), nil
}

func (s *Server) checkAccessNotGranted(q *request) (any, error) {
	var in wireCheckAccessNotGranted
	if err := q.decode(&in); err != nil {
		return nil, err
	}
	if in.PolicyDocument == "" || in.PolicyType == "" || len(in.Access) == 0 {
		return nil, validation("fieldValidationFailed", "policyDocument, policyType and access are required")
	}
	if err := checkPolicyJSON(in.PolicyDocument, s.opts.CheckAccessNotGranted != nil, "CheckAccessNotGranted"); err != nil {
		return nil, err
	}
	access := make([]types.Access, 0, len(in.Access))
	for _, a := range in.Access {
		access = append(access, types.Access{Actions: a.Actions, Resources: a.Resources})
	}
	return checkResult(s.opts.CheckAccessNotGranted(in.PolicyDocument, in.PolicyType, access)), nil
}
