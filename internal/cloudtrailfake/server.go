// Package cloudtrailfake is an in-memory fake of AWS CloudTrail for the
// operations s3secure uses to audit and configure S3 data events: trails
// (CreateTrail, DeleteTrail, DescribeTrails, GetTrail, ListTrails,
// GetTrailStatus, StartLogging, StopLogging) and event selectors
// (GetEventSelectors, PutEventSelectors, basic and advanced).
//
// It speaks CloudTrail's JSON 1.1 protocol (POST /, X-Amz-Target:
// CloudTrail_20131101.<Operation> as aws-sdk-go-v2 sends it, or with
// com.amazonaws.cloudtrail.v20131101. before it as the AWS CLI does,
// Content-Type application/x-amz-json-1.1, errors as {"__type": …,
// "message": …}), so the real aws-sdk-go-v2 cloudtrail client and the AWS
// CLI can be pointed at it. It validates event selectors as
// CloudTrail does (limits, field names, basic and advanced selectors are
// mutually exclusive) and answers operations it does not implement with
// UnknownOperationException, never a wrong success.
//
// Every request's SigV4 signature (signing name cloudtrail, any region) is
// verified with presign.Verify against [TestAccessKeyID], the fake account
// owner's key and keys added with [Server.AddCredential]. Refusals are
// CloudTrail's (coral JSON) answers, HTTP 400 with __type:
// MissingAuthenticationTokenException (unsigned),
// UnrecognizedClientException (unknown key or token),
// InvalidSignatureException (wrong secret, expired or skewed signature),
// IncompleteSignatureException (malformed authentication).
package cloudtrailfake

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/testretry"
)

// DefaultAccountID is the account in trail ARNs when Options.AccountID is empty.
const DefaultAccountID = "111122223333"

// DefaultRegion is the fake's region when Options.Region is empty.
const DefaultRegion = "us-east-1"

const targetPrefix = "CloudTrail_20131101."

// qualifiedTargetNamespace is what the AWS CLI's X-Amz-Target has before
// targetPrefix (botocore's cloudtrail model: targetPrefix
// "com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101").
const qualifiedTargetNamespace = "com.amazonaws.cloudtrail.v20131101."

// Limits from the PutEventSelectors API reference.
const (
	maxEventSelectors    = 5
	maxDataResources     = 250
	maxAdvancedSelectors = 500 // conditions across all advanced selectors
)

// Options configure a [Server]; the zero value is account
// [DefaultAccountID] in [DefaultRegion].
type Options struct {
	AccountID string
	Region    string
	// AllowUnsigned accepts requests without any SigV4 authentication
	// (signed requests are still verified). It lets anyone call the fake:
	// for tests of unsigned clients only. By default they are refused with
	// 400 MissingAuthenticationTokenException.
	AllowUnsigned bool
	// Credentials, when set, are the only access keys the fake accepts
	// (a table shared by the fakes of one local AWS, internal/localaws).
	// By default, a table of [TestAccessKeyID] and the fake account
	// owner's key.
	Credentials *fakeutil.Credentials
}

// SigningName is CloudTrail's SigV4 signing name.
const SigningName = "cloudtrail"

// Test credentials the clients from [NewClient] sign with. The fake
// verifies every request's SigV4 signature against them, the fake account
// owner's (fakeutil.OwnerAccessKeyID) and keys added with
// [Server.AddCredential]. They are not secrets.
const (
	TestAccessKeyID     = "AKIACLOUDTRAILFAKE"
	TestSecretAccessKey = "cloudtrailfake-secret"
)

// Fault is an error the fake returns instead of performing an operation.
type Fault = fakeutil.Fault

// DataResource is a basic selector's data resource.
type DataResource struct {
	Type   string   `json:"Type,omitempty"`
	Values []string `json:"Values"`
}

// EventSelector is a basic event selector.
type EventSelector struct {
	ReadWriteType                 string         `json:"ReadWriteType"`
	IncludeManagementEvents       *bool          `json:"IncludeManagementEvents"`
	DataResources                 []DataResource `json:"DataResources"`
	ExcludeManagementEventSources []string       `json:"ExcludeManagementEventSources"`
}

// FieldSelector is one condition of an advanced event selector.
type FieldSelector struct {
	Field         string   `json:"Field"`
	Equals        []string `json:"Equals,omitempty"`
	StartsWith    []string `json:"StartsWith,omitempty"`
	EndsWith      []string `json:"EndsWith,omitempty"`
	NotEquals     []string `json:"NotEquals,omitempty"`
	NotStartsWith []string `json:"NotStartsWith,omitempty"`
	NotEndsWith   []string `json:"NotEndsWith,omitempty"`
}

// AdvancedEventSelector is an advanced event selector.
type AdvancedEventSelector struct {
	Name           string          `json:"Name,omitempty"`
	FieldSelectors []FieldSelector `json:"FieldSelectors"`
}

// Trail is a trail as the fake stores it; use [Server.AddTrail] to seed one
// directly (for example a shadow of a trail whose home is another region).
type Trail struct {
	Name                       string
	S3BucketName               string
	S3KeyPrefix                string
	HomeRegion                 string
	IsMultiRegionTrail         bool
	IncludeGlobalServiceEvents bool
	IsOrganizationTrail        bool
	Logging                    bool
	EventSelectors             []EventSelector
	AdvancedEventSelectors     []AdvancedEventSelector
	custom                     bool
	started, stopped           time.Time
}

// Server is the fake; it is an http.Handler. Use [Start] in tests.
type Server struct {
	account, region string
	auth            fakeutil.Auth

	ops fakeutil.Ops

	mu     sync.Mutex
	trails map[string]*Trail // by name
	now    func() time.Time
}

// New returns a fake with opts (nil = defaults).
func New(opts *Options) *Server {
	if opts == nil {
		opts = &Options{}
	}
	s := &Server{account: opts.AccountID, region: opts.Region,
		auth: fakeutil.Auth{Service: SigningName, Codes: fakeutil.JSONAuth, AllowUnsigned: opts.AllowUnsigned,
			Credentials: opts.Credentials},
		trails: map[string]*Trail{}, now: time.Now}
	if s.auth.Credentials == nil {
		s.auth.Credentials = fakeutil.NewCredentials(aws.Credentials{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey})
	}
	if s.account == "" {
		s.account = DefaultAccountID
	}
	if s.region == "" {
		s.region = DefaultRegion
	}
	return s
}

// AddCredential makes the fake accept requests signed with c.
func (s *Server) AddCredential(c aws.Credentials) { s.auth.Credentials.Add(c) }

// AccountID returns the account in trail ARNs.
func (s *Server) AccountID() string { return s.account }

// SetFault makes operation op fail with f; a zero Fault clears it.
func (s *Server) SetFault(op string, f Fault) { s.ops.SetFault(op, f) }

// Count returns how many requests for op the fake received.
func (s *Server) Count(op string) int { return s.ops.Count(op) }

// AddTrail stores t as is (HomeRegion defaults to the fake's region; a new
// trail's default selector is added when it has none).
func (s *Server) AddTrail(t Trail) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if t.HomeRegion == "" {
		t.HomeRegion = s.region
	}
	if len(t.EventSelectors) == 0 && len(t.AdvancedEventSelectors) == 0 {
		t.EventSelectors = defaultSelectors()
	}
	s.trails[t.Name] = &t
}

// defaultSelectors is what CloudTrail gives a new trail: all management
// events, read and write, no data events.
func defaultSelectors() []EventSelector {
	return []EventSelector{{ReadWriteType: "All", IncludeManagementEvents: aws.Bool(true), DataResources: []DataResource{}, ExcludeManagementEventSources: []string{}}}
}

func (s *Server) arn(t *Trail) string {
	return "arn:" + fakeutil.RegionPartition(t.HomeRegion) + ":cloudtrail:" + t.HomeRegion + ":" + s.account + ":trail/" + t.Name
}

type apiError struct {
	status        int
	code, message string
}

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status, code, fmt.Sprintf(format, args...)}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// The AWS CLI (botocore) sends the service model's full target
	// prefix, aws-sdk-go-v2 its last part; CloudTrail answers both.
	target := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), qualifiedTargetNamespace)
	op := strings.TrimPrefix(target, targetPrefix)
	fault, faulted := s.ops.Hit(op, r)

	if r.Method != http.MethodPost || r.URL.Path != "/" || !strings.HasPrefix(target, targetPrefix) {
		writeError(w, &apiError{http.StatusBadRequest, "UnknownOperationException", ""})
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/x-amz-json-1.1") {
		writeError(w, errorf(http.StatusBadRequest, "SerializationException", "unexpected content type %q", ct))
		return
	}
	if ae := s.auth.Check(r); ae != nil {
		writeError(w, &apiError{ae.Status, ae.Code, ae.Message})
		return
	}
	if faulted {
		writeError(w, &apiError{fault.Status, fault.Code, fault.MessageOrStatus()})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, errorf(http.StatusBadRequest, "SerializationException", "cannot read body"))
		return
	}
	if len(body) == 0 {
		body = []byte("{}")
	}
	h, ok := handlers[op]
	if !ok {
		writeError(w, &apiError{http.StatusBadRequest, "UnknownOperationException", ""})
		return
	}
	out, aerr := h(s, body)
	if aerr != nil {
		writeError(w, aerr)
		return
	}
	b, err := json.Marshal(out)
	if err != nil {
		writeError(w, errorf(http.StatusInternalServerError, "InternalFailure", "cannot encode response"))
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("x-amzn-RequestId", "cloudtrailfake")
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(b)
}

func writeError(w http.ResponseWriter, e *apiError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.code)
	w.Header().Set("x-amzn-RequestId", "cloudtrailfake")
	w.WriteHeader(e.status)
	b, _ := json.Marshal(map[string]string{"__type": e.code, "message": e.message})
	_, _ = w.Write(b)
}

type handler func(s *Server, body []byte) (any, *apiError)

var handlers = map[string]handler{
	"CreateTrail":       (*Server).createTrail,
	"DeleteTrail":       (*Server).deleteTrail,
	"DescribeTrails":    (*Server).describeTrails,
	"GetTrail":          (*Server).getTrail,
	"ListTrails":        (*Server).listTrails,
	"GetTrailStatus":    (*Server).getTrailStatus,
	"StartLogging":      (*Server).startLogging,
	"StopLogging":       (*Server).stopLogging,
	"GetEventSelectors": (*Server).getEventSelectors,
	"PutEventSelectors": (*Server).putEventSelectors,
}

func decode(body []byte, v any) *apiError {
	if err := json.Unmarshal(body, v); err != nil {
		return errorf(http.StatusBadRequest, "SerializationException", "cannot decode request: %v", err)
	}
	return nil
}

var trailNameRE = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{1,126}[A-Za-z0-9]$`)

// find looks a trail up by name or ARN. Call with s.mu held.
func (s *Server) find(nameOrARN string) (*Trail, *apiError) {
	name := nameOrARN
	if strings.HasPrefix(nameOrARN, "arn:") {
		i := strings.LastIndex(nameOrARN, ":trail/")
		if i < 0 {
			return nil, errorf(http.StatusBadRequest, "CloudTrailARNInvalidException", "Invalid ARN: %s", nameOrARN)
		}
		name = nameOrARN[i+len(":trail/"):]
		if t := s.trails[name]; t != nil && s.arn(t) == nameOrARN {
			return t, nil
		}
		return nil, errorf(http.StatusBadRequest, "TrailNotFoundException", "Unknown trail: %s for the user: %s", nameOrARN, s.account)
	}
	if !trailNameRE.MatchString(name) || strings.Contains(name, "..") {
		return nil, errorf(http.StatusBadRequest, "InvalidTrailNameException", "Trail name %q is not valid", name)
	}
	t := s.trails[name]
	if t == nil {
		return nil, errorf(http.StatusBadRequest, "TrailNotFoundException", "Unknown trail: arn:%s:cloudtrail:%s:%s:trail/%s for the user: %s", fakeutil.RegionPartition(s.region), s.region, s.account, name, s.account)
	}
	return t, nil
}

type trailJSON struct {
	Name                       string `json:"Name"`
	S3BucketName               string `json:"S3BucketName"`
	S3KeyPrefix                string `json:"S3KeyPrefix,omitempty"`
	IncludeGlobalServiceEvents bool   `json:"IncludeGlobalServiceEvents"`
	IsMultiRegionTrail         bool   `json:"IsMultiRegionTrail"`
	HomeRegion                 string `json:"HomeRegion"`
	TrailARN                   string `json:"TrailARN"`
	LogFileValidationEnabled   bool   `json:"LogFileValidationEnabled"`
	HasCustomEventSelectors    bool   `json:"HasCustomEventSelectors"`
	HasInsightSelectors        bool   `json:"HasInsightSelectors"`
	IsOrganizationTrail        bool   `json:"IsOrganizationTrail"`
}

func (s *Server) view(t *Trail) trailJSON {
	return trailJSON{Name: t.Name, S3BucketName: t.S3BucketName, S3KeyPrefix: t.S3KeyPrefix,
		IncludeGlobalServiceEvents: t.IncludeGlobalServiceEvents, IsMultiRegionTrail: t.IsMultiRegionTrail,
		HomeRegion: t.HomeRegion, TrailARN: s.arn(t), HasCustomEventSelectors: t.custom, IsOrganizationTrail: t.IsOrganizationTrail}
}

func (s *Server) createTrail(body []byte) (any, *apiError) {
	var in struct {
		Name                       string
		S3BucketName               string
		S3KeyPrefix                string
		IncludeGlobalServiceEvents *bool
		IsMultiRegionTrail         bool
		IsOrganizationTrail        bool
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	if !trailNameRE.MatchString(in.Name) {
		return nil, errorf(http.StatusBadRequest, "InvalidTrailNameException", "Trail name %q is not valid", in.Name)
	}
	if in.S3BucketName == "" {
		return nil, errorf(http.StatusBadRequest, "InvalidS3BucketNameException", "S3 bucket name is required")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.trails[in.Name]; ok {
		return nil, errorf(http.StatusBadRequest, "TrailAlreadyExistsException", "Trail %s already exists for customer: %s", in.Name, s.account)
	}
	t := &Trail{Name: in.Name, S3BucketName: in.S3BucketName, S3KeyPrefix: in.S3KeyPrefix, HomeRegion: s.region,
		IsMultiRegionTrail: in.IsMultiRegionTrail, IsOrganizationTrail: in.IsOrganizationTrail,
		IncludeGlobalServiceEvents: in.IncludeGlobalServiceEvents == nil || *in.IncludeGlobalServiceEvents,
		EventSelectors:             defaultSelectors()}
	s.trails[t.Name] = t
	return s.view(t), nil
}

// trailInput is a request that names one trail (by name or ARN).
type trailInput interface{ trail() string }

// nameInput is the input of the operations that name the trail Name.
type nameInput struct {
	Name string `json:"Name"`
}

func (in nameInput) trail() string { return in.Name }

// trailNameInput is the input of the operations that name it TrailName.
type trailNameInput struct {
	TrailName string `json:"TrailName"`
}

func (in trailNameInput) trail() string { return in.TrailName }

// onTrail decodes body into an In and runs fn, with s.mu held, on the
// trail In names. When the body does not decode or the trail is not found,
// fn is not called and that error is returned.
func onTrail[In trailInput](s *Server, body []byte, fn func(t *Trail, in *In) (any, *apiError)) (any, *apiError) {
	var in In
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	t, e := s.find(in.trail())
	if e != nil {
		return nil, e
	}
	return fn(t, &in)
}

// checkHome refuses a change to a trail from outside its home region (a
// shadow trail), as CloudTrail does.
func (s *Server) checkHome(t *Trail) *apiError {
	if t.HomeRegion != s.region {
		return errorf(http.StatusBadRequest, "InvalidHomeRegionException", "This operation must be called from the trail's home region")
	}
	return nil
}

func (s *Server) deleteTrail(body []byte) (any, *apiError) {
	return onTrail(s, body, func(t *Trail, _ *nameInput) (any, *apiError) {
		delete(s.trails, t.Name)
		return struct{}{}, nil
	})
}

func (s *Server) describeTrails(body []byte) (any, *apiError) {
	var in struct {
		TrailNameList       []string `json:"trailNameList"`
		IncludeShadowTrails *bool    `json:"includeShadowTrails"`
	}
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	shadows := in.IncludeShadowTrails == nil || *in.IncludeShadowTrails
	s.mu.Lock()
	defer s.mu.Unlock()
	list := []trailJSON{}
	if len(in.TrailNameList) > 0 {
		// Named trails that do not exist are left out, as CloudTrail does.
		for _, n := range in.TrailNameList {
			if t, e := s.find(n); e == nil {
				list = append(list, s.view(t))
			}
		}
		return map[string]any{"trailList": list}, nil
	}
	for _, n := range s.sortedNames() {
		t := s.trails[n]
		if t.HomeRegion != s.region && (!t.IsMultiRegionTrail || !shadows) {
			continue
		}
		list = append(list, s.view(t))
	}
	return map[string]any{"trailList": list}, nil
}

func (s *Server) sortedNames() []string {
	names := make([]string, 0, len(s.trails))
	for n := range s.trails {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func (s *Server) getTrail(body []byte) (any, *apiError) {
	return onTrail(s, body, func(t *Trail, _ *nameInput) (any, *apiError) {
		return map[string]any{"Trail": s.view(t)}, nil
	})
}

func (s *Server) listTrails(body []byte) (any, *apiError) {
	var in struct{ NextToken string }
	if e := decode(body, &in); e != nil {
		return nil, e
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	type info struct{ TrailARN, Name, HomeRegion string }
	list := []info{}
	for _, n := range s.sortedNames() {
		if n <= in.NextToken {
			continue
		}
		t := s.trails[n]
		list = append(list, info{s.arn(t), t.Name, t.HomeRegion})
	}
	return map[string]any{"Trails": list}, nil
}

func (s *Server) getTrailStatus(body []byte) (any, *apiError) {
	return onTrail(s, body, func(t *Trail, _ *nameInput) (any, *apiError) {
		out := map[string]any{"IsLogging": t.Logging}
		if !t.started.IsZero() {
			out["StartLoggingTime"] = float64(t.started.UnixMilli()) / 1000
		}
		if !t.stopped.IsZero() {
			out["StopLoggingTime"] = float64(t.stopped.UnixMilli()) / 1000
		}
		return out, nil
	})
}

func (s *Server) setLogging(body []byte, on bool) (any, *apiError) {
	return onTrail(s, body, func(t *Trail, _ *nameInput) (any, *apiError) {
		if e := s.checkHome(t); e != nil {
			return nil, e
		}
		t.Logging = on
		if on {
			t.started = s.now()
		} else {
			t.stopped = s.now()
		}
		return struct{}{}, nil
	})
}

func (s *Server) startLogging(body []byte) (any, *apiError) { return s.setLogging(body, true) }
func (s *Server) stopLogging(body []byte) (any, *apiError)  { return s.setLogging(body, false) }

func (s *Server) selectorsOut(t *Trail) map[string]any {
	out := map[string]any{"TrailARN": s.arn(t)}
	if len(t.AdvancedEventSelectors) > 0 {
		out["AdvancedEventSelectors"] = t.AdvancedEventSelectors
	} else {
		out["EventSelectors"] = t.EventSelectors
	}
	return out
}

func (s *Server) getEventSelectors(body []byte) (any, *apiError) {
	return onTrail(s, body, func(t *Trail, _ *trailNameInput) (any, *apiError) {
		return s.selectorsOut(t), nil
	})
}

type putSelectorsInput struct {
	trailNameInput
	EventSelectors         []EventSelector
	AdvancedEventSelectors []AdvancedEventSelector
}

func (s *Server) putEventSelectors(body []byte) (any, *apiError) {
	return onTrail(s, body, s.putSelectors)
}

func (s *Server) putSelectors(t *Trail, in *putSelectorsInput) (any, *apiError) {
	if e := s.checkHome(t); e != nil {
		return nil, e
	}
	switch {
	case in.EventSelectors != nil && in.AdvancedEventSelectors != nil:
		return nil, errorf(http.StatusBadRequest, "InvalidEventSelectorsException", "You can use either AdvancedEventSelectors or EventSelectors, but not both.")
	case in.EventSelectors == nil && in.AdvancedEventSelectors == nil:
		return nil, errorf(http.StatusBadRequest, "InvalidEventSelectorsException", "You must specify either EventSelectors or AdvancedEventSelectors.")
	case in.EventSelectors != nil:
		sel, err := validateBasic(in.EventSelectors)
		if err != nil {
			return nil, err
		}
		t.EventSelectors, t.AdvancedEventSelectors = sel, nil
	default:
		if err := validateAdvanced(in.AdvancedEventSelectors); err != nil {
			return nil, err
		}
		t.EventSelectors, t.AdvancedEventSelectors = nil, in.AdvancedEventSelectors
	}
	t.custom = true
	return s.selectorsOut(t), nil
}

func invalidSelectors(format string, args ...any) *apiError {
	return errorf(http.StatusBadRequest, "InvalidEventSelectorsException", format, args...)
}

var dataResourceTypes = map[string]bool{"AWS::S3::Object": true, "AWS::Lambda::Function": true, "AWS::DynamoDB::Table": true}

var s3ValueRE = regexp.MustCompile(`^arn:aws[a-z-]*:s3(:::([a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/.*)?)?$`)

func validateBasic(in []EventSelector) ([]EventSelector, *apiError) {
	if len(in) == 0 || len(in) > maxEventSelectors {
		return nil, invalidSelectors("A trail can have between 1 and %d event selectors.", maxEventSelectors)
	}
	total := 0
	out := make([]EventSelector, len(in))
	for i, sel := range in {
		switch sel.ReadWriteType {
		case "":
			sel.ReadWriteType = "All"
		case "All", "ReadOnly", "WriteOnly":
		default:
			return nil, invalidSelectors("Value %s for parameter ReadWriteType is invalid.", sel.ReadWriteType)
		}
		if sel.IncludeManagementEvents == nil {
			sel.IncludeManagementEvents = aws.Bool(true)
		}
		if sel.DataResources == nil {
			sel.DataResources = []DataResource{}
		}
		if sel.ExcludeManagementEventSources == nil {
			sel.ExcludeManagementEventSources = []string{}
		}
		for _, dr := range sel.DataResources {
			if !dataResourceTypes[dr.Type] {
				return nil, invalidSelectors("Value %s for parameter DataResources.Type is invalid.", dr.Type)
			}
			for _, v := range dr.Values {
				if dr.Type == "AWS::S3::Object" && !s3ValueRE.MatchString(v) {
					return nil, invalidSelectors("Value %s for parameter DataResources.Values is invalid.", v)
				}
			}
			total += len(dr.Values)
		}
		out[i] = sel
	}
	if total > maxDataResources {
		return nil, invalidSelectors("A trail can have at most %d data resources across all event selectors.", maxDataResources)
	}
	return out, nil
}

var advancedFields = map[string]bool{
	"eventCategory": true, "resources.type": true, "readOnly": true, "eventSource": true, "eventName": true,
	"resources.ARN": true, "eventType": true, "sessionCredentialFromConsole": true, "userIdentity.arn": true,
	"errorCode": true, "vpcEndpointId": true,
}

func validateAdvanced(in []AdvancedEventSelector) *apiError {
	conditions := 0
	for i, sel := range in {
		if len(sel.Name) > 1000 {
			return invalidSelectors("Selector name is too long.")
		}
		if len(sel.FieldSelectors) == 0 {
			return invalidSelectors("Advanced event selector %d has no field selectors.", i)
		}
		fields := map[string]FieldSelector{}
		for _, f := range sel.FieldSelectors {
			if !advancedFields[f.Field] {
				return invalidSelectors("Value %s for parameter Field is invalid.", f.Field)
			}
			if _, dup := fields[f.Field]; dup {
				return invalidSelectors("Field %s is used more than once in a selector.", f.Field)
			}
			fields[f.Field] = f
			n := len(f.Equals) + len(f.StartsWith) + len(f.EndsWith) + len(f.NotEquals) + len(f.NotStartsWith) + len(f.NotEndsWith)
			if n == 0 {
				return invalidSelectors("Field selector %s has no operator.", f.Field)
			}
			conditions += n
			switch f.Field {
			case "eventCategory", "resources.type", "readOnly":
				if n != len(f.Equals) {
					return invalidSelectors("Field %s supports only the Equals operator.", f.Field)
				}
			}
			if f.Field == "readOnly" {
				for _, v := range f.Equals {
					if v != "true" && v != "false" {
						return invalidSelectors("Value %s for field readOnly is invalid.", v)
					}
				}
			}
		}
		cat, ok := fields["eventCategory"]
		if !ok {
			return invalidSelectors("Each advanced event selector must include the eventCategory field.")
		}
		for _, v := range cat.Equals {
			switch v {
			case "Management", "Data", "NetworkActivity":
			default:
				return invalidSelectors("Value %s for field eventCategory is invalid.", v)
			}
			if v == "Data" {
				if _, ok := fields["resources.type"]; !ok {
					return invalidSelectors("Data event selectors must include the resources.type field.")
				}
			}
		}
	}
	if conditions > maxAdvancedSelectors {
		return invalidSelectors("Advanced event selectors can have at most %d conditions.", maxAdvancedSelectors)
	}
	return nil
}

// TestServer is a running fake.
type TestServer struct {
	*Server
	// URL is the base URL to use as BaseEndpoint.
	URL string
}

// Start runs a fake on a loopback port until the test ends.
func Start(tb testing.TB, opts *Options) *TestServer {
	tb.Helper()
	s := New(opts)
	return &TestServer{Server: s, URL: fakeutil.Serve(tb, s).URL}
}

// Client returns the real cloudtrail client pointed at the fake (static
// credentials, no retries).
func (ts *TestServer) Client(optFns ...func(*cloudtrail.Options)) *cloudtrail.Client {
	return NewClient(ts.URL, ts.region, optFns...)
}

// NewClient returns a cloudtrail client for endpoint (a fake or moto_server).
func NewClient(endpoint, region string, optFns ...func(*cloudtrail.Options)) *cloudtrail.Client {
	o := cloudtrail.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(TestAccessKeyID, TestSecretAccessKey, ""),
		Retryer:      testretry.ClosedConn{},
		HTTPClient:   testretry.FreshConnClient(),
	}
	for _, fn := range optFns {
		fn(&o)
	}
	return cloudtrail.New(o)
}
