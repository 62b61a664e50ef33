// Package iamfake is an in-memory IAM for tests, speaking IAM's awsQuery
// protocol (form-encoded POST with Action and Version, XML responses in the
// 2010-05-08 namespace, <ErrorResponse> errors), so the real aws-sdk-go-v2
// iam client talks to it unchanged. It implements the read operations the
// key-hygiene checks use: ListUsers, ListAccessKeys and
// GetAccessKeyLastUsed; and those that read identity policies (usage
// compares them with observed use): ListRolePolicies, GetRolePolicy,
// ListAttachedRolePolicies, their User twins, GetPolicy and
// GetPolicyVersion (policies.go); and GetRole, whose roles can live under
// a path (roles.go). Lists are paginated with
// Marker/MaxItems where IAM's are.
//
// Every request's SigV4 signature (signing name iam, any region, the form
// body hashed into it) is verified with presign.Verify against
// [TestAccessKeyID], the fake account owner's key
// (fakeutil.OwnerAccessKeyID) and keys added with [Server.AddCredential].
// Refusals are IAM's <ErrorResponse>, HTTP 403: MissingAuthenticationToken
// (unsigned), InvalidClientTokenId (unknown key or token),
// SignatureDoesNotMatch (wrong secret, expired or skewed signature),
// IncompleteSignature (malformed authentication).
package iamfake

import (
	"encoding/xml"
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/testretry"
)

// DefaultAccount is the account the fake's users live in.
const DefaultAccount = "111122223333"

// DefaultMaxItems is IAM's default page size.
const DefaultMaxItems = 100

// Key is an access key as the fake stores it. There is no secret: the fake
// never needs one, and so cannot leak one.
type Key struct {
	// ID is the access key id, for example "AKIA…".
	ID string
	// Created is the key's CreateDate.
	Created time.Time
	// Inactive marks the key Inactive (default Active).
	Inactive bool
	// LastUsed is when the key was last used; zero means never.
	LastUsed time.Time
	// Service and Region are where it was last used ("N/A" when never).
	Service, Region string
}

type user struct {
	name, id string
	created  time.Time
	keys     []Key
}

// Server is the fake IAM. It is safe for concurrent use.
type Server struct {
	ops     fakeutil.Ops // calls, and Deny's faults
	auth    fakeutil.Auth
	account string
	// region is Options.Region; arnPrefix arn:PARTITION:iam::ACCOUNT:,
	// the start of the fake's ARNs.
	region, arnPrefix string

	mu    sync.Mutex
	users map[string]*user
	seq   int
	// PageSize overrides IAM's default page size (100) when > 0.
	PageSize int
	policies *policyStore     // identity policies (policies.go)
	roles    map[string]*role // by name (roles.go)
}

// Options configure a [Server] made with [NewWith]. The zero value is
// what [New] makes.
type Options struct {
	// AccountID is the account the users live in. By default,
	// DefaultAccount.
	AccountID string
	// Credentials, when set, are the only access keys the fake accepts
	// (shared with other fakes of one local AWS). By default, a table of
	// [TestAccessKeyID] and the fake account owner's key.
	Credentials *fakeutil.Credentials
	// Region is a Region of the partition the fake's IAM serves: its ARNs
	// are in that partition (arn:aws-cn:iam::ACCOUNT:role/NAME for
	// cn-north-1, fakeutil.RegionPartition), as IAM names users, roles and
	// policies in its own partition. By default, us-east-1 (aws).
	Region string
}

// New returns an empty fake IAM.
func New() *Server { return NewWith(nil) }

// NewWith returns an empty fake IAM configured by opts (nil means the
// defaults).
func NewWith(opts *Options) *Server {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.AccountID == "" {
		o.AccountID = DefaultAccount
	}
	if o.Credentials == nil {
		o.Credentials = fakeutil.NewCredentials(aws.Credentials{AccessKeyID: TestAccessKeyID, SecretAccessKey: TestSecretAccessKey})
	}
	if o.Region == "" {
		o.Region = "us-east-1"
	}
	return &Server{users: map[string]*user{}, account: o.AccountID, region: o.Region, arnPrefix: "arn:" + fakeutil.RegionPartition(o.Region) + ":iam::" + o.AccountID + ":",
		auth: fakeutil.Auth{Service: SigningName, Codes: fakeutil.QueryAuth, Credentials: o.Credentials}}
}

// SigningName is IAM's SigV4 signing name.
const SigningName = "iam"

// Test credentials the client from [Start] signs with. The fake verifies
// every request's SigV4 signature against them, the fake account owner's
// (fakeutil.OwnerAccessKeyID) and keys added with [Server.AddCredential].
// They are not secrets.
const (
	TestAccessKeyID     = "AKIAIAMFAKEEXAMPLE"
	TestSecretAccessKey = "iamfake-secret"
)

// AddCredential makes the fake accept requests signed with c.
func (s *Server) AddCredential(c aws.Credentials) { s.auth.Credentials.Add(c) }

// AddUser adds a user (created at the given time) with its keys.
func (s *Server) AddUser(name string, created time.Time, keys ...Key) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	s.users[name] = &user{name: name, id: fmt.Sprintf("AIDAFAKE%012d", s.seq), created: created, keys: keys}
}

// Deny makes every later call of the operation fail with 403 AccessDenied.
func (s *Server) Deny(op string) {
	s.ops.SetFault(op, fakeutil.Fault{Status: http.StatusForbidden, Code: "AccessDenied",
		Message: "User: " + s.arnPrefix + "user/caller is not authorized to perform: iam:" + op})
}

// Calls returns how many requests the operation has received.
func (s *Server) Calls(op string) int { return s.ops.Count(op) }

// SetFault makes calls of the operation fail with f (f.Times of them, or
// every one until cleared); a zero Fault clears it.
func (s *Server) SetFault(op string, f fakeutil.Fault) { s.ops.SetFault(op, f) }

// Start serves the fake on a loopback port for the test and returns it with
// a real iam client (static test credentials, no retries of service errors).
func Start(t testing.TB) (*Server, *iam.Client) {
	t.Helper()
	return StartWith(t, nil)
}

// StartWith is Start with a fake configured by opts; the client signs for
// Options.Region.
func StartWith(t testing.TB, opts *Options) (*Server, *iam.Client) {
	t.Helper()
	s := NewWith(opts)
	return s, iam.New(iam.Options{
		Region:       s.region,
		BaseEndpoint: aws.String(fakeutil.Serve(t, s).URL),
		Credentials:  credentials.NewStaticCredentialsProvider(TestAccessKeyID, TestSecretAccessKey, ""),
		// No retries of service errors; see aafake.ClosedConnRetryer for
		// why a closed connection is retried.
		Retryer:    testretry.ClosedConn{},
		HTTPClient: testretry.FreshConnClient(),
	})
}

const ns = "https://iam.amazonaws.com/doc/2010-05-08/"

type xmlUser struct {
	Path       string `xml:"Path"`
	UserName   string `xml:"UserName"`
	UserID     string `xml:"UserId"`
	Arn        string `xml:"Arn"`
	CreateDate string `xml:"CreateDate"`
}

type xmlKey struct {
	UserName    string `xml:"UserName"`
	AccessKeyID string `xml:"AccessKeyId"`
	Status      string `xml:"Status"`
	CreateDate  string `xml:"CreateDate"`
}

type apiErr struct {
	status      int
	code, msg   string
	senderFault bool
}

func iso(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	reqID := fmt.Sprintf("iamfake-%d", time.Now().UnixNano())
	if ae := s.auth.Check(r); ae != nil {
		writeErr(w, reqID, apiErr{ae.Status, ae.Code, ae.Message, true})
		return
	}
	if r.Method != http.MethodPost {
		writeErr(w, reqID, apiErr{405, "InvalidAction", "iamfake: only POST is supported", true})
		return
	}
	if err := r.ParseForm(); err != nil {
		writeErr(w, reqID, apiErr{400, "MalformedInput", err.Error(), true})
		return
	}
	action := r.PostForm.Get("Action")
	if r.PostForm.Get("Version") != "2010-05-08" {
		writeErr(w, reqID, apiErr{400, "InvalidParameterValue", "iamfake: Version must be 2010-05-08", true})
		return
	}
	if deny, denied := s.ops.Hit(action, r); denied {
		writeErr(w, reqID, apiErr{deny.Status, deny.Code, deny.Message, true})
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var result any
	var e *apiErr
	switch action {
	case "ListUsers":
		result, e = s.listUsers(r)
	case "ListAccessKeys":
		result, e = s.listAccessKeys(r)
	case "GetAccessKeyLastUsed":
		result, e = s.lastUsed(r)
	case "GetRole":
		result, e = s.getRole(r)
	default:
		var ok bool
		if result, e, ok = s.policyAction(action, r); !ok {
			e = &apiErr{400, "InvalidAction", "iamfake: action not implemented: " + action, true}
		}
	}
	if e != nil {
		writeErr(w, reqID, *e)
		return
	}
	fakeutil.WriteQueryResult(w, ns, action, reqID, result)
}

func writeErr(w http.ResponseWriter, reqID string, e apiErr) {
	fakeutil.WriteQueryError(w, ns, reqID, fakeutil.QueryError{Status: e.status, Code: e.code, Message: e.msg, Receiver: !e.senderFault})
}

// paginate returns [start, end) of n items and the next marker.
func (s *Server) paginate(r *http.Request, n int) (int, int, string, *apiErr) {
	start := 0
	if m := r.PostForm.Get("Marker"); m != "" {
		v, err := strconv.Atoi(m)
		if err != nil || v < 0 || v > n {
			return 0, 0, "", &apiErr{400, "InvalidInput", "Invalid Marker", true}
		}
		start = v
	}
	size := DefaultMaxItems
	if s.PageSize > 0 {
		size = s.PageSize
	}
	if m := r.PostForm.Get("MaxItems"); m != "" {
		v, err := strconv.Atoi(m)
		if err != nil || v < 1 || v > 1000 {
			return 0, 0, "", &apiErr{400, "ValidationError", "MaxItems must be between 1 and 1000", true}
		}
		size = v
	}
	end := min(start+size, n)
	next := ""
	if end < n {
		next = strconv.Itoa(end)
	}
	return start, end, next, nil
}

type listUsersResult struct {
	XMLName     xml.Name  `xml:"ListUsersResult"`
	Users       []xmlUser `xml:"Users>member"`
	IsTruncated bool      `xml:"IsTruncated"`
	Marker      string    `xml:"Marker,omitempty"`
}

func (s *Server) sortedUsers() []*user {
	list := make([]*user, 0, len(s.users))
	for _, u := range s.users {
		list = append(list, u)
	}
	sort.Slice(list, func(i, j int) bool { return list[i].name < list[j].name })
	return list
}

func (s *Server) listUsers(r *http.Request) (any, *apiErr) {
	users := s.sortedUsers()
	start, end, next, e := s.paginate(r, len(users))
	if e != nil {
		return nil, e
	}
	res := listUsersResult{Users: []xmlUser{}, IsTruncated: next != "", Marker: next}
	for _, u := range users[start:end] {
		res.Users = append(res.Users, xmlUser{Path: "/", UserName: u.name, UserID: u.id,
			Arn: s.arnPrefix + "user/" + u.name, CreateDate: iso(u.created)})
	}
	return res, nil
}

type listKeysResult struct {
	XMLName     xml.Name `xml:"ListAccessKeysResult"`
	UserName    string   `xml:"UserName"`
	Keys        []xmlKey `xml:"AccessKeyMetadata>member"`
	IsTruncated bool     `xml:"IsTruncated"`
	Marker      string   `xml:"Marker,omitempty"`
}

func (s *Server) listAccessKeys(r *http.Request) (any, *apiErr) {
	name := r.PostForm.Get("UserName")
	if name == "" {
		// Without UserName IAM lists the caller's keys; the fake's caller
		// has none.
		return listKeysResult{Keys: []xmlKey{}}, nil
	}
	u, ok := s.users[name]
	if !ok {
		return nil, &apiErr{404, "NoSuchEntity", "The user with name " + name + " cannot be found.", true}
	}
	start, end, next, e := s.paginate(r, len(u.keys))
	if e != nil {
		return nil, e
	}
	res := listKeysResult{UserName: name, Keys: []xmlKey{}, IsTruncated: next != "", Marker: next}
	for _, k := range u.keys[start:end] {
		status := "Active"
		if k.Inactive {
			status = "Inactive"
		}
		res.Keys = append(res.Keys, xmlKey{UserName: name, AccessKeyID: k.ID, Status: status, CreateDate: iso(k.Created)})
	}
	return res, nil
}

type lastUsedResult struct {
	XMLName  xml.Name `xml:"GetAccessKeyLastUsedResult"`
	UserName string   `xml:"UserName"`
	LastUsed struct {
		LastUsedDate string `xml:"LastUsedDate,omitempty"`
		ServiceName  string `xml:"ServiceName"`
		Region       string `xml:"Region"`
	} `xml:"AccessKeyLastUsed"`
}

func (s *Server) lastUsed(r *http.Request) (any, *apiErr) {
	id := r.PostForm.Get("AccessKeyId")
	for _, u := range s.users {
		for _, k := range u.keys {
			if k.ID != id {
				continue
			}
			res := lastUsedResult{UserName: u.name}
			// A key that was never used has no LastUsedDate and "N/A" for
			// service and Region (IAM API reference, AccessKeyLastUsed).
			res.LastUsed.ServiceName, res.LastUsed.Region = "N/A", "N/A"
			if !k.LastUsed.IsZero() {
				res.LastUsed.LastUsedDate = iso(k.LastUsed)
				res.LastUsed.ServiceName, res.LastUsed.Region = k.Service, k.Region
			}
			return res, nil
		}
	}
	// The fake's choice (not verified against IAM): an unknown key id is
	// NoSuchEntity.
	return nil, &apiErr{404, "NoSuchEntity", "The Access Key with id " + id + " cannot be found.", true}
}
