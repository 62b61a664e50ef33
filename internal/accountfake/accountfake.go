// Package accountfake is an in-memory AWS Account Management API serving
// ListRegions (restJson1: POST /listRegions with a JSON body; errors in
// X-Amzn-ErrorType with a JSON message), so the real aws-sdk-go-v2
// account client talks to it unchanged. Each account has its own Regions
// with their opt-in status (ENABLED_BY_DEFAULT, ENABLED, ENABLING,
// DISABLING, DISABLED); the caller's account comes from the request's
// access key through a [Directory]. Like AWS, it answers for the calling
// account, or, with AccountId, for a member account when the caller is the
// management account ([Server.SetManagementAccount]); AccessDeniedException
// otherwise.
//
// Every request's SigV4 signature (signing name account) is verified with
// presign.Verify against Options.Credentials; refusals use the restJson1
// codes (fakeutil.RESTJSONAuth).
package accountfake

import (
	"encoding/json"
	"io"
	"net/http"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/sigv4"
)

// SigningName is the Account Management API's SigV4 signing name.
const SigningName = "account"

// Region opt-in statuses.
const (
	EnabledByDefault = "ENABLED_BY_DEFAULT"
	Enabled          = "ENABLED"
	Enabling         = "ENABLING"
	Disabling        = "DISABLING"
	Disabled         = "DISABLED"
)

// Directory tells the fake whose an access key is.
type Directory interface {
	Principal(accessKeyID string) (p s3fake.Principal, ok bool)
}

// Options configure [New]; every field is required.
type Options struct {
	Credentials *fakeutil.Credentials
	Directory   Directory
	// DefaultRegions are the Regions (name to status) of an account whose
	// Regions were never set.
	DefaultRegions map[string]string
}

// Server is the fake; an http.Handler, safe for concurrent use.
type Server struct {
	auth fakeutil.Auth
	dir  Directory
	ops  fakeutil.Ops

	mu       sync.Mutex
	defaults map[string]string
	regions  map[string]map[string]string // account → Region → status
	mgmt     string
}

// New returns a fake. It panics when an option is missing (a programming
// error).
func New(opts Options) *Server {
	if opts.Credentials == nil || opts.Directory == nil || len(opts.DefaultRegions) == 0 {
		panic("accountfake: Options.Credentials, Directory and DefaultRegions are required")
	}
	return &Server{dir: opts.Directory, defaults: opts.DefaultRegions, regions: map[string]map[string]string{},
		auth: fakeutil.Auth{Service: SigningName, Codes: fakeutil.RESTJSONAuth, Credentials: opts.Credentials}}
}

// SetRegions sets an account's Regions and their opt-in statuses.
func (s *Server) SetRegions(accountID string, regions map[string]string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	cp := make(map[string]string, len(regions))
	for k, v := range regions {
		cp[k] = v
	}
	s.regions[accountID] = cp
}

// SetManagementAccount names the organization's management account, which
// may ask for any account's Regions with AccountId.
func (s *Server) SetManagementAccount(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mgmt = id
}

// SetFault makes calls of the operation ("ListRegions") fail with f; a
// zero Fault clears it.
func (s *Server) SetFault(op string, f fakeutil.Fault) { s.ops.SetFault(op, f) }

// Count returns how many requests the operation has received.
func (s *Server) Count(op string) int { return s.ops.Count(op) }

func writeError(w http.ResponseWriter, status int, code, msg string) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("X-Amzn-ErrorType", code)
	w.WriteHeader(status)
	b, _ := json.Marshal(map[string]string{"message": msg})
	_, _ = w.Write(b)
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/listRegions" {
		writeError(w, http.StatusNotFound, "UnknownOperationException", "accountfake serves only ListRegions (POST /listRegions)")
		return
	}
	if ae := s.auth.Check(r); ae != nil {
		writeError(w, ae.Status, ae.Code, ae.Message)
		return
	}
	if f, failed := s.ops.Hit("ListRegions", r); failed {
		writeError(w, f.Status, f.Code, f.MessageOrStatus())
		return
	}
	sc, _ := sigv4.RequestScope(r)
	caller, ok := s.dir.Principal(sc.AccessKeyID)
	if !ok {
		writeError(w, http.StatusForbidden, "UnrecognizedClientException", "The security token included in the request is invalid.")
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, 1<<20))
	if err != nil {
		writeError(w, http.StatusBadRequest, "ValidationException", "cannot read body")
		return
	}
	var in struct {
		AccountId               *string
		MaxResults              *int
		NextToken               *string
		RegionOptStatusContains []string
	}
	if len(body) > 0 {
		if err := json.Unmarshal(body, &in); err != nil {
			writeError(w, http.StatusBadRequest, "ValidationException", "accountfake: "+err.Error())
			return
		}
	}
	s.mu.Lock()
	acct := caller.AccountID
	if in.AccountId != nil && *in.AccountId != acct {
		if acct != s.mgmt {
			s.mu.Unlock()
			writeError(w, http.StatusForbidden, "AccessDeniedException", "only the organization's management account may name another account")
			return
		}
		acct = *in.AccountId
	}
	regions := s.regions[acct]
	if regions == nil {
		regions = s.defaults
	}
	var names []string
	for name, st := range regions {
		if len(in.RegionOptStatusContains) == 0 || slices.Contains(in.RegionOptStatusContains, st) {
			names = append(names, name)
		}
	}
	sort.Strings(names)
	list := make([]map[string]string, len(names))
	for i, n := range names {
		list[i] = map[string]string{"RegionName": n, "RegionOptStatus": regions[n]}
	}
	s.mu.Unlock()
	start, size := 0, 50
	if in.MaxResults != nil {
		if *in.MaxResults < 1 || *in.MaxResults > 50 {
			writeError(w, http.StatusBadRequest, "ValidationException", "MaxResults must be between 1 and 50")
			return
		}
		size = *in.MaxResults
	}
	if in.NextToken != nil {
		n, err := strconv.Atoi(strings.TrimPrefix(*in.NextToken, "accountfake-"))
		if err != nil || n <= 0 || n >= len(list) {
			writeError(w, http.StatusBadRequest, "ValidationException", "invalid NextToken")
			return
		}
		start = n
	}
	end := min(start+size, len(list))
	out := map[string]any{"Regions": list[start:end]}
	if end < len(list) {
		out["NextToken"] = "accountfake-" + strconv.Itoa(end)
	}
	b, _ := json.Marshal(out)
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(b)
}
