package localaws

// Organizations, IAM roles that STS AssumeRole assumes, the Account
// Management API's Regions, and per-account S3 throttling (issue #15).

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/s3secure/s3secure/internal/accountfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/orgfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/stsfake"
	"github.com/s3secure/s3secure/policy"
)

// Signing names of the services this file adds (registered with
// [Server.Handle]).
const (
	ServiceOrganizations = orgfake.SigningName
	ServiceAccount       = accountfake.SigningName
)

// orgState is the part of a Server this file keeps: roles, the
// organization, per-account S3 faults.
type orgState struct {
	mu       sync.Mutex
	roles    map[string]*policy.Compiled // "ACCOUNT/NAME" → trust policy
	org      *orgfake.Server
	s3Faults map[string]*fakeutil.Fault // account → fault for its S3 requests
	regions  *accountfake.Server
}

func newOrgState(s *Server) *orgState {
	st := &orgState{roles: map[string]*policy.Compiled{}, s3Faults: map[string]*fakeutil.Fault{}}
	st.regions = accountfake.New(accountfake.Options{Credentials: s.creds, Directory: directory{s},
		DefaultRegions: map[string]string{s.region: accountfake.EnabledByDefault}})
	return st
}

// Regions returns the Account Management API fake (account:ListRegions):
// set an account's Regions and their opt-in status with SetRegions. An
// account whose Regions were never set has one, the server's, enabled by
// default.
func (s *Server) Regions() *accountfake.Server { return s.org.regions }

// TrustPolicy returns the trust policy (AssumeRolePolicyDocument) of a
// role that the principals of account trusted may assume (as their
// identity policies allow), requiring sts:ExternalId to equal externalID
// when it is not empty, as AWS recommends for a third party's role.
func TrustPolicy(trusted, externalID string) *policy.Document {
	st := policy.Statement{
		Effect:    policy.Allow,
		Principal: policy.AWSPrincipal(trusted), // the account's root, in its partition
		Action:    policy.Values{"sts:AssumeRole"},
	}
	if externalID != "" {
		st.Condition = policy.NewCondition("StringEquals", "sts:ExternalId", externalID)
	}
	return &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{st}}
}

// AddRole creates (or replaces) the role name in the account, with trust
// as its trust policy: STS AssumeRole of the role succeeds when trust
// allows sts:AssumeRole to the caller, with the request's sts:ExternalId
// (identity policies are not modelled: every caller's allow everything),
// and the credentials it returns act as the role's session in this
// account in every service.
//
// Errors: an invalid role name, or a trust policy that does not compile.
func (a *Account) AddRole(name string, trust *policy.Document) error {
	if !roleNameOK(name) {
		return fmt.Errorf("localaws: role name %q is not valid (1-64 of letters, digits and +=,.@_-)", name)
	}
	c, err := policy.Compile(trust)
	if err != nil {
		return fmt.Errorf("localaws: role %s: trust policy: %w", name, err)
	}
	st := a.srv.org
	st.mu.Lock()
	defer st.mu.Unlock()
	st.roles[a.ID+"/"+name] = c
	return nil
}

// RemoveRole deletes the role name; AssumeRole of it is then AccessDenied.
func (a *Account) RemoveRole(name string) {
	st := a.srv.org
	st.mu.Lock()
	defer st.mu.Unlock()
	delete(st.roles, a.ID+"/"+name)
}

func roleNameOK(name string) bool {
	if len(name) < 1 || len(name) > 64 {
		return false
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("+=,.@_-", r)) {
			return false
		}
	}
	return true
}

// SetS3Fault makes the S3 and S3 Control requests signed with this
// account's keys fail with f (f.Times of them, or every one until cleared
// with a zero Fault), with S3's error document: for example 503 SlowDown,
// a busy account's throttling. Other accounts' requests are not affected.
func (a *Account) SetS3Fault(f fakeutil.Fault) {
	st := a.srv.org
	st.mu.Lock()
	defer st.mu.Unlock()
	if f.Status == 0 {
		delete(st.s3Faults, a.ID)
		return
	}
	st.s3Faults[a.ID] = &f
}

// s3Fault returns the fault the account's next S3 request fails with.
func (st *orgState) s3Fault(account string) (fakeutil.Fault, bool) {
	st.mu.Lock()
	defer st.mu.Unlock()
	f, ok := st.s3Faults[account]
	if !ok {
		return fakeutil.Fault{}, false
	}
	if f.Times > 0 {
		if f.Times--; f.Times == 0 {
			delete(st.s3Faults, account)
		}
	}
	return *f, true
}

func writeS3Fault(w http.ResponseWriter, f fakeutil.Fault) {
	w.Header().Set("Content-Type", "application/xml")
	w.WriteHeader(f.Status)
	_, _ = fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><Error><Code>%s</Code><Message>%s</Message><RequestId>localaws</RequestId></Error>`,
		f.Code, f.MessageOrStatus())
}

// CreateOrganization makes the owner account the management account of a
// new organization and serves AWS Organizations for it on the endpoint
// (signing name organizations; before, Organizations answers every
// account AWSOrganizationsNotInUseException, as AWS does). Add member accounts with the returned
// fake's AddAccount (each an account of this server, [Server.AddAccount]).
// The account Regions API lets the management account ask for any
// account's Regions.
//
// Errors: when an organization exists.
func (s *Server) CreateOrganization() (*orgfake.Server, error) {
	st := s.org
	st.mu.Lock()
	defer st.mu.Unlock()
	if st.org != nil {
		return nil, errors.New("localaws: the organization exists")
	}
	st.org = orgfake.New(orgfake.Options{Credentials: s.creds, Directory: directory{s}, ManagementAccountID: s.owner.ID, Now: s.Now, Region: s.region})
	st.regions.SetManagementAccount(s.owner.ID)
	return st.org, nil
}

// organizations serves Organizations: the organization's fake once
// [Server.CreateOrganization] made one, before that AWS's answer to an
// account in no organization.
type organizations struct {
	st       *orgState
	notInUse http.Handler
}

func (o organizations) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	o.st.mu.Lock()
	org := o.st.org
	o.st.mu.Unlock()
	if org != nil {
		org.ServeHTTP(w, r)
		return
	}
	o.notInUse.ServeHTTP(w, r)
}

// Organization returns the organization's fake, or nil before
// [Server.CreateOrganization].
func (s *Server) Organization() *orgfake.Server {
	s.org.mu.Lock()
	defer s.org.mu.Unlock()
	return s.org.org
}

// AssumeRole implements stsfake.Roles: the role must exist in its account,
// in the caller's partition, and its trust policy must allow sts:AssumeRole to the caller with the
// request's ExternalId; the session's credentials expire after
// req.Duration on the server's clock.
func (d directory) AssumeRole(caller s3fake.Principal, req stsfake.AssumeRoleRequest) (s3fake.Credential, error) {
	// arn:PARTITION:iam::ACCOUNT:role/PATH/NAME
	parts := strings.SplitN(req.RoleARN, ":", 6)
	if len(parts) != 6 {
		return s3fake.Credential{}, stsfake.ErrAccessDenied
	}
	// A role of another partition than the caller's is none STS can
	// reach: partitions are separate (the caller's ARN names its own).
	if p, ok := policy.ARNPartition(caller.ARN); !ok || parts[1] != p {
		return s3fake.Credential{}, stsfake.ErrAccessDenied
	}
	account, name := parts[4], parts[5][strings.LastIndexByte(parts[5], '/')+1:]
	acct, ok := d.s.Account(account)
	if !ok {
		return s3fake.Credential{}, stsfake.ErrAccessDenied
	}
	d.s.org.mu.Lock()
	trust := d.s.org.roles[account+"/"+name]
	d.s.org.mu.Unlock()
	if trust == nil {
		return s3fake.Credential{}, stsfake.ErrAccessDenied
	}
	r := &policy.Request{Caller: policy.Caller{ARN: caller.ARN, Account: caller.AccountID}, Action: "sts:AssumeRole", Resource: req.RoleARN}
	if req.ExternalID != "" {
		r.Context.Set("sts:ExternalId", req.ExternalID)
	}
	if !policy.Decide(r, trust).Allowed() {
		return s3fake.Credential{}, stsfake.ErrAccessDenied
	}
	return acct.AddRoleSession(name, req.SessionName, d.s.Now().Add(req.Duration).Truncate(time.Second))
}

// Member describes an account that [Server.AddMember] adds to the
// organization. The zero value is an active member with no role, whose
// only Region is the server's.
type Member struct {
	// Name is the account's name in the organization. By default,
	// "account-" and its id.
	Name string
	// Role, when set, is a role of the account that the management
	// account may assume ([TrustPolicy] of the management account),
	// requiring ExternalID when that is set.
	Role, ExternalID string
	// State is the account's state in the organization (an orgfake State
	// constant). By default, ACTIVE.
	State string
	// Regions are the account's Regions and their opt-in statuses, as
	// account:ListRegions lists them. By default, the server's Region,
	// enabled by default.
	Regions map[string]string
}

// AddMember adds the account id (as [Server.AddAccount] does, unless the
// server has it) to the organization as m describes.
//
// Errors: no organization ([Server.CreateOrganization]); an id that is
// not 12 digits; an account already a member; an ExternalID without a
// Role; an invalid role name or state.
func (s *Server) AddMember(id string, m Member) (*Account, error) {
	org := s.Organization()
	if org == nil {
		return nil, errors.New("localaws: no organization: create it first")
	}
	if m.ExternalID != "" && m.Role == "" {
		return nil, errors.New("localaws: an ExternalID needs a Role")
	}
	if m.Role != "" && !roleNameOK(m.Role) {
		return nil, fmt.Errorf("localaws: role name %q is not valid (1-64 of letters, digits and +=,.@_-)", m.Role)
	}
	switch m.State {
	case "", orgfake.StateActive, orgfake.StateSuspended, orgfake.StatePendingClosure, orgfake.StateClosed:
	default:
		return nil, fmt.Errorf("localaws: unknown account state %q", m.State)
	}
	a, ok := s.Account(id)
	if !ok {
		var err error
		if a, err = s.AddAccount(id); err != nil {
			return nil, err
		}
	}
	if err := org.AddAccount(orgfake.Account{ID: id, Name: m.Name, State: m.State}); err != nil {
		return nil, errors.New("localaws: " + strings.TrimPrefix(err.Error(), "orgfake: "))
	}
	if m.Role != "" {
		if err := a.AddRole(m.Role, TrustPolicy(org.ManagementAccountID(), m.ExternalID)); err != nil {
			return nil, err
		}
	}
	if m.Regions != nil {
		s.Regions().SetRegions(id, m.Regions)
	}
	return a, nil
}
