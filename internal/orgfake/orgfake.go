// Package orgfake is an in-memory AWS Organizations speaking its
// awsJson1_1 protocol (POST /, X-Amz-Target
// AWSOrganizationsV20161128.<Operation>, errors as {"__type", "Message"}),
// so the real aws-sdk-go-v2 organizations client talks to it unchanged. It
// serves DescribeOrganization, ListAccounts (paginated with NextToken,
// at most 20 accounts a page, as AWS) and DescribeAccount for one
// organization whose management account is Options.ManagementAccountID.
//
// Who may call what follows the Organizations User Guide: any member
// account may call DescribeOrganization; ListAccounts and DescribeAccount
// answer only the management account and delegated administrators
// (AccessDeniedException for other members); an account outside the
// organization gets AWSOrganizationsNotInUseException. The caller's
// account comes from the request's access key through a [Directory]
// (internal/localaws's account registry).
//
// Every request's SigV4 signature (signing name organizations, any
// region) is verified with presign.Verify against Options.Credentials;
// refusals use the coral JSON codes (fakeutil.JSONAuth). Suspended and
// closed accounts stay in the listing with their State, as on AWS. The
// organization's ARNs are in the partition of Options.Region.
package orgfake

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/sigv4"
)

// SigningName is Organizations' SigV4 signing name.
const SigningName = "organizations"

// targetPrefix is the X-Amz-Target prefix of every operation.
const targetPrefix = "AWSOrganizationsV20161128."

// maxPage is ListAccounts' largest page (the API's MaxResults limit).
const maxPage = 20

// Account states (Organizations' AccountState) and their legacy Status.
const (
	StateActive         = "ACTIVE"
	StateSuspended      = "SUSPENDED"
	StatePendingClosure = "PENDING_CLOSURE"
	StateClosed         = "CLOSED"
)

// Directory tells the fake whose an access key is.
type Directory interface {
	// Principal returns the principal accessKeyID belongs to; ok is false
	// for a key the directory does not know.
	Principal(accessKeyID string) (p s3fake.Principal, ok bool)
}

// Options configure [New]. Credentials, Directory and ManagementAccountID
// are required.
type Options struct {
	Credentials         *fakeutil.Credentials
	Directory           Directory
	ManagementAccountID string
	// ID is the organization id. By default, one derived from the
	// management account ("o-" and ten characters).
	ID string
	// Now stamps JoinedTimestamp. By default, time.Now.
	Now func() time.Time
	// Region is a Region of the partition the organization is in: its
	// ARNs, and its accounts', are in that partition
	// (arn:aws-cn:organizations::… for cn-north-1,
	// fakeutil.RegionPartition), as the Service Authorization Reference
	// writes them (arn:${Partition}:organizations::…). By default,
	// us-east-1 (aws).
	Region string
}

// Account is one account of the organization.
type Account struct {
	ID, Name, Email string
	// State is one of the State constants; by default, StateActive.
	State  string
	Joined time.Time
}

// Server is the fake Organizations; an http.Handler, safe for concurrent
// use.
type Server struct {
	auth fakeutil.Auth
	dir  Directory
	ops  fakeutil.Ops
	now  func() time.Time
	mgmt string
	id   string
	// arnPrefix is arn:PARTITION:organizations::MANAGEMENT:.
	arnPrefix string

	mu        sync.Mutex
	accounts  []Account // in joining order, the management account first
	delegated map[string]bool
}

var accountIDRE = regexp.MustCompile(`^[0-9]{12}$`)

// New returns an organization with only its management account. It
// panics when a required option is missing (a programming error).
func New(opts Options) *Server {
	if opts.Credentials == nil || opts.Directory == nil || !accountIDRE.MatchString(opts.ManagementAccountID) {
		panic("orgfake: Options.Credentials, Directory and a 12-digit ManagementAccountID are required")
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.ID == "" {
		sum := sha256.Sum256([]byte("orgfake " + opts.ManagementAccountID))
		opts.ID = "o-" + hex.EncodeToString(sum[:])[:10]
	}
	if opts.Region == "" {
		opts.Region = "us-east-1"
	}
	s := &Server{dir: opts.Directory, now: opts.Now, mgmt: opts.ManagementAccountID, id: opts.ID, delegated: map[string]bool{},
		arnPrefix: "arn:" + fakeutil.RegionPartition(opts.Region) + ":organizations::" + opts.ManagementAccountID + ":",
		auth:      fakeutil.Auth{Service: SigningName, Codes: fakeutil.JSONAuth, Credentials: opts.Credentials}}
	s.accounts = []Account{{ID: opts.ManagementAccountID, Name: "management", Email: "management@example.com", State: StateActive, Joined: s.now()}}
	return s
}

// ID returns the organization id.
func (s *Server) ID() string { return s.id }

// ManagementAccountID returns the management account's id.
func (s *Server) ManagementAccountID() string { return s.mgmt }

// AddAccount adds a member account (State defaults to ACTIVE, Name and
// Email to ones made from the id).
//
// Errors: an id that is not 12 digits, an account already a member, an
// unknown State.
func (s *Server) AddAccount(a Account) error {
	if !accountIDRE.MatchString(a.ID) {
		return fmt.Errorf("orgfake: account id %q is not 12 digits", a.ID)
	}
	switch a.State {
	case "":
		a.State = StateActive
	case StateActive, StateSuspended, StatePendingClosure, StateClosed:
	default:
		return fmt.Errorf("orgfake: unknown account state %q", a.State)
	}
	if a.Name == "" {
		a.Name = "account-" + a.ID
	}
	if a.Email == "" {
		a.Email = a.ID + "@example.com"
	}
	if a.Joined.IsZero() {
		a.Joined = s.now()
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, x := range s.accounts {
		if x.ID == a.ID {
			return fmt.Errorf("orgfake: account %s is already a member", a.ID)
		}
	}
	s.accounts = append(s.accounts, a)
	return nil
}

// SetState changes a member account's state (suspend or close it).
func (s *Server) SetState(id, state string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range s.accounts {
		if s.accounts[i].ID == id {
			s.accounts[i].State = state
			return nil
		}
	}
	return fmt.Errorf("orgfake: no account %s", id)
}

// AddDelegatedAdministrator lets a member account list the organization's
// accounts, as RegisterDelegatedAdministrator does.
func (s *Server) AddDelegatedAdministrator(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delegated[id] = true
}

// SetFault makes calls of the operation (for example "ListAccounts") fail
// with f; a zero Fault clears it.
func (s *Server) SetFault(op string, f fakeutil.Fault) { s.ops.SetFault(op, f) }

// Count returns how many requests the operation has received.
func (s *Server) Count(op string) int { return s.ops.Count(op) }

type apiError struct {
	status  int
	code    string
	message string
}

func writeError(w http.ResponseWriter, e apiError) {
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	w.Header().Set("X-Amzn-ErrorType", e.code)
	w.WriteHeader(e.status)
	b, _ := json.Marshal(map[string]string{"__type": e.code, "Message": e.message})
	_, _ = w.Write(b)
}

// NotInUse returns the Organizations of an endpoint whose accounts are in
// no organization: it answers every request signed with a key of creds
// AWSOrganizationsNotInUseException, as AWS answers an account outside any
// organization, and refuses the others as [Server] does.
func NotInUse(creds *fakeutil.Credentials) http.Handler {
	auth := fakeutil.Auth{Service: SigningName, Codes: fakeutil.JSONAuth, Credentials: creds}
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("X-Amz-Target"), targetPrefix) {
			writeError(w, apiError{http.StatusBadRequest, "UnknownOperationException", ""})
			return
		}
		if ae := auth.Check(r); ae != nil {
			writeError(w, apiError{ae.Status, ae.Code, ae.Message})
			return
		}
		writeError(w, notInUse)
	})
}

var notInUse = apiError{http.StatusBadRequest, "AWSOrganizationsNotInUseException", "Your account is not a member of an organization."}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	op := strings.TrimPrefix(r.Header.Get("X-Amz-Target"), targetPrefix)
	if r.Method != http.MethodPost || !strings.HasPrefix(r.Header.Get("X-Amz-Target"), targetPrefix) {
		writeError(w, apiError{http.StatusBadRequest, "UnknownOperationException", ""})
		return
	}
	if ae := s.auth.Check(r); ae != nil {
		writeError(w, apiError{ae.Status, ae.Code, ae.Message})
		return
	}
	if f, failed := s.ops.Hit(op, r); failed {
		writeError(w, apiError{f.Status, f.Code, f.MessageOrStatus()})
		return
	}
	sc, _ := sigv4.RequestScope(r) // verified above
	caller, ok := s.dir.Principal(sc.AccessKeyID)
	if !ok {
		writeError(w, apiError{http.StatusBadRequest, "UnrecognizedClientException", "The security token included in the request is invalid."})
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, apiError{http.StatusBadRequest, "SerializationException", "cannot read body"})
		return
	}
	var in struct {
		NextToken  *string
		MaxResults *int
		AccountId  *string
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			writeError(w, apiError{http.StatusBadRequest, "SerializationException", "orgfake: " + err.Error()})
			return
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.member(caller.AccountID) {
		writeError(w, notInUse)
		return
	}
	switch op {
	case "DescribeOrganization":
		s.write(w, map[string]any{"Organization": map[string]any{
			"Id": s.id, "Arn": s.arnPrefix + "organization/" + s.id, "FeatureSet": "ALL",
			"MasterAccountArn": s.accountARN(s.mgmt),
			"MasterAccountId":  s.mgmt, "MasterAccountEmail": s.accounts[0].Email,
			"AvailablePolicyTypes": []any{},
		}})
	case "ListAccounts":
		if !s.administers(caller.AccountID) {
			writeError(w, denied(caller, op))
			return
		}
		start := 0
		if in.NextToken != nil {
			n, err := strconv.Atoi(strings.TrimPrefix(*in.NextToken, "orgfake-page-"))
			if err != nil || !strings.HasPrefix(*in.NextToken, "orgfake-page-") || n <= 0 || n >= len(s.accounts) {
				writeError(w, apiError{http.StatusBadRequest, "InvalidInputException", "You specified an invalid value for nextToken."})
				return
			}
			start = n
		}
		size := maxPage
		if in.MaxResults != nil {
			if *in.MaxResults < 1 || *in.MaxResults > maxPage {
				writeError(w, apiError{http.StatusBadRequest, "InvalidInputException", "MaxResults must be between 1 and 20."})
				return
			}
			size = *in.MaxResults
		}
		end := min(start+size, len(s.accounts))
		out := map[string]any{"Accounts": s.accountsJSON(s.accounts[start:end])}
		if end < len(s.accounts) {
			out["NextToken"] = "orgfake-page-" + strconv.Itoa(end)
		}
		s.write(w, out)
	case "DescribeAccount":
		if !s.administers(caller.AccountID) {
			writeError(w, denied(caller, op))
			return
		}
		for _, a := range s.accounts {
			if in.AccountId != nil && a.ID == *in.AccountId {
				s.write(w, map[string]any{"Account": s.accountsJSON([]Account{a})[0]})
				return
			}
		}
		writeError(w, apiError{http.StatusBadRequest, "AccountNotFoundException", "You specified an account that doesn't exist."})
	default:
		writeError(w, apiError{http.StatusBadRequest, "UnknownOperationException", ""})
	}
}

func denied(caller s3fake.Principal, op string) apiError {
	return apiError{http.StatusBadRequest, "AccessDeniedException",
		"You don't have permissions to access this resource. (" + caller.ARN + " may not call organizations:" + op +
			": only the management account and delegated administrators can)"}
}

// member and administers are called with s.mu held.
func (s *Server) member(id string) bool {
	for _, a := range s.accounts {
		if a.ID == id {
			return true
		}
	}
	return false
}

func (s *Server) administers(id string) bool { return id == s.mgmt || s.delegated[id] }

func (s *Server) accountsJSON(as []Account) []map[string]any {
	out := make([]map[string]any, len(as))
	for i, a := range as {
		status := a.State // the legacy Status has ACTIVE, SUSPENDED and PENDING_CLOSURE
		if status == StateClosed {
			status = StateSuspended
		}
		method := "CREATED"
		if i > 0 || a.ID != s.mgmt {
			method = "INVITED"
		}
		out[i] = map[string]any{
			"Id": a.ID, "Arn": s.accountARN(a.ID),
			"Name": a.Name, "Email": a.Email, "State": a.State, "Status": status, "JoinedMethod": method,
			"JoinedTimestamp": float64(a.Joined.UnixMilli()) / 1000,
		}
	}
	return out
}

// accountARN is the ARN of the organization's account id.
func (s *Server) accountARN(id string) string {
	return s.arnPrefix + "account/" + s.id + "/" + id
}

func (s *Server) write(w http.ResponseWriter, v any) {
	b, err := json.Marshal(v)
	if err != nil {
		writeError(w, apiError{http.StatusInternalServerError, "ServiceException", err.Error()})
		return
	}
	w.Header().Set("Content-Type", "application/x-amz-json-1.1")
	_, _ = w.Write(b)
}
