package s3fake

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"sync"
	"sync/atomic"
	"time"

	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/internal/fakeutil"
)

// Options configure a Server. The nil value means the defaults.
type Options struct {
	// AccountID is the owner account. By default, DefaultAccountID.
	AccountID string
	// Region is the server's region: buckets created without a
	// LocationConstraint live here. By default, DefaultRegion. Its ARN
	// partition (policy.PartitionOfRegion; aws for a name no partition
	// claims) is the partition of the server's bucket and object ARNs, in
	// the policies it accepts and the requests it authorizes: aws-cn for
	// cn-north-1, as one S3 endpoint serves one partition.
	Region string
	// OwnerAccessKeyID and OwnerSecretAccessKey are the owner account root's
	// credentials. By default, DefaultOwnerAccessKeyID and
	// DefaultOwnerSecretAccessKey. Set both or neither.
	OwnerAccessKeyID     string
	OwnerSecretAccessKey string
	// Now is the clock. By default, time.Now. Server.Advance moves the clock
	// forward on top of it.
	Now func() time.Time
	// CreateBucketState is the state of buckets created through the API
	// (CreateBucket). By default, StateAWSDefault, like AWS today.
	CreateBucketState BucketState
	// Authorize decides every request. By default, NewPolicyAuthorizer():
	// bucket policies, ACLs and Block Public Access decide as in S3.
	// OwnerOnlyAuthorize takes policies out of the picture.
	Authorize AuthorizeFunc
	// IsPublicPolicy decides whether a bucket policy is public. By default,
	// PolicyIsPublic (S3's definition, from package policy).
	IsPublicPolicy PublicPolicyFunc
	// FaultSeed seeds the RNG of rate-based faults. By default, 1.
	FaultSeed int64
	// KnownPrincipal, when set, says whether an IAM user or role ARN
	// (arn:aws:iam::ACCOUNT:user/… or :role/…, path included) names a
	// principal that exists: PutBucketPolicy refuses a policy naming one
	// that does not with 400 MalformedPolicy "Invalid principal in
	// policy", as S3 does (it resolves such ARNs to the principals' unique
	// IDs when it stores the policy). iamfake.Server.HasPrincipal is one.
	// By default no such check is made.
	KnownPrincipal func(arn string) bool
}

// Server is the in-memory S3: an http.Handler that verifies SigV4, decides
// each request with an Authorizer, serves every bucket sub-resource with S3's
// real XML and error codes, and keeps objects in gofakes3's s3mem backend.
// All methods are safe for concurrent use.
type Server struct {
	accountID string
	region    string
	partition string
	owner     Credential

	baseNow func() time.Time
	offset  atomic.Int64

	backend *s3mem.Backend
	objects http.Handler

	mu         sync.RWMutex
	buckets    map[string]*bucket
	accountBPA map[string]*PublicAccessBlock
	mfa        map[string]string
	authorize  AuthorizeFunc
	isPublic   PublicPolicyFunc
	createAs   BucketState
	known      func(arn string) bool // Options.KnownPrincipal

	credMu  sync.RWMutex
	creds   map[string]Credential
	nextKey uint64
	// afterVerify, when set (by tests, before any request), runs after a
	// request's signature has been checked.
	afterVerify func()

	faults *faultTable
	counts *counters
	reqID  atomic.Uint64
	logs   accessLogs // server access logs awaiting delivery (accesslog.go)
}

type timeSource struct{ s *Server }

func (t timeSource) Now() time.Time                   { return t.s.Now() }
func (t timeSource) Since(at time.Time) time.Duration { return t.s.Now().Sub(at) }

// New returns a Server configured by opts (nil means defaults).
//
// Errors: an error when opts sets only one of the owner key fields.
func New(opts *Options) (*Server, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if (o.OwnerAccessKeyID == "") != (o.OwnerSecretAccessKey == "") {
		return nil, errors.New("s3fake: set both OwnerAccessKeyID and OwnerSecretAccessKey, or neither")
	}
	if o.AccountID == "" {
		o.AccountID = DefaultAccountID
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
	if o.Authorize == nil {
		o.Authorize = NewPolicyAuthorizer()
	}
	if o.IsPublicPolicy == nil {
		o.IsPublicPolicy = PolicyIsPublic
	}
	if o.FaultSeed == 0 {
		o.FaultSeed = 1
	}
	s := &Server{
		accountID:  o.AccountID,
		region:     o.Region,
		partition:  fakeutil.RegionPartition(o.Region),
		baseNow:    o.Now,
		buckets:    map[string]*bucket{},
		accountBPA: map[string]*PublicAccessBlock{},
		mfa:        map[string]string{},
		authorize:  o.Authorize,
		isPublic:   o.IsPublicPolicy,
		createAs:   o.CreateBucketState,
		known:      o.KnownPrincipal,
		creds:      map[string]Credential{},
		faults:     newFaultTable(o.FaultSeed),
		counts:     &counters{ops: map[string]int{}},
	}
	s.owner = Credential{AccessKeyID: o.OwnerAccessKeyID, SecretAccessKey: o.OwnerSecretAccessKey, Principal: RootPrincipalIn(s.partition, o.AccountID)}
	s.owner.Principal.AccessKeyID = o.OwnerAccessKeyID
	s.creds[s.owner.AccessKeyID] = s.owner
	ts := timeSource{s}
	s.backend = s3mem.New(s3mem.WithTimeSource(ts))
	s.objects = gofakes3.New(s.backend,
		gofakes3.WithTimeSource(ts),
		gofakes3.WithTimeSkewLimit(0), // the fake checks skew itself, in presign.Verify
	).Server()
	return s, nil
}

// MustNew is New for callers with constant options; it panics on error.
func MustNew(opts *Options) *Server {
	s, err := New(opts)
	if err != nil {
		panic(err)
	}
	return s
}

// AccountID returns the owner account ID.
func (s *Server) AccountID() string { return s.accountID }

// Region returns the server's region.
func (s *Server) Region() string { return s.region }

// OwnerCredential returns the owner account root's credential.
func (s *Server) OwnerCredential() Credential { return s.owner }

// Now returns the fake clock's time.
func (s *Server) Now() time.Time {
	return s.baseNow().Add(time.Duration(s.offset.Load()))
}

// Advance moves the fake clock forward by d (for example to expire a
// presigned URL).
func (s *Server) Advance(d time.Duration) { s.offset.Add(int64(d)) }

// SetAuthorizer replaces the authorizer (nil restores the default, a new
// NewPolicyAuthorizer()).
func (s *Server) SetAuthorizer(f AuthorizeFunc) {
	if f == nil {
		f = NewPolicyAuthorizer()
	}
	s.mu.Lock()
	s.authorize = f
	s.mu.Unlock()
}

// SetPublicPolicyFunc replaces the public-policy judge (nil restores the
// default, PolicyIsPublic).
func (s *Server) SetPublicPolicyFunc(f PublicPolicyFunc) {
	if f == nil {
		f = PolicyIsPublic
	}
	s.mu.Lock()
	s.isPublic = f
	s.mu.Unlock()
}

// AddCredential registers a credential. It fails when the access key ID is
// already taken or a field is empty.
func (s *Server) AddCredential(c Credential) error {
	if c.AccessKeyID == "" || c.SecretAccessKey == "" || c.Principal.AccountID == "" || c.Principal.ARN == "" {
		return errors.New("s3fake: credential needs an access key ID, a secret and a principal")
	}
	c.Principal.AccessKeyID = c.AccessKeyID
	s.credMu.Lock()
	defer s.credMu.Unlock()
	if _, ok := s.creds[c.AccessKeyID]; ok {
		return fmt.Errorf("s3fake: access key %s already exists", c.AccessKeyID)
	}
	s.creds[c.AccessKeyID] = c
	return nil
}

func (s *Server) newCredential(prefix string, p Principal, session bool) Credential {
	s.credMu.Lock()
	defer s.credMu.Unlock()
	s.nextKey++
	c := Credential{AccessKeyID: newAccessKeyID(prefix, s.nextKey), SecretAccessKey: randomSecret(), Principal: p}
	if session {
		c.SessionToken = randomSecret() + randomSecret()
	}
	c.Principal.AccessKeyID = c.AccessKeyID
	s.creds[c.AccessKeyID] = c
	return c
}

// AddUser creates an IAM user in accountID ("" means the owner account) and
// returns its new access key. The server names its principals in its
// Region's partition (arn:aws-cn:iam::ACCOUNT:user/NAME in cn-north-1), as
// do AddRole and AddAccountRoot, and the owner's root user.
func (s *Server) AddUser(accountID, name string) Credential {
	if accountID == "" {
		accountID = s.accountID
	}
	return s.newCredential("AKIA", UserPrincipalIn(s.partition, accountID, name), false)
}

// AddRole returns temporary credentials (with a session token) for a session
// of role in accountID ("" means the owner account).
func (s *Server) AddRole(accountID, role, session string) Credential {
	if accountID == "" {
		accountID = s.accountID
	}
	return s.newCredential("ASIA", RolePrincipalIn(s.partition, accountID, role, session), true)
}

// AddRoleUntil is AddRole with credentials that expire at expires (on the
// fake clock).
func (s *Server) AddRoleUntil(accountID, role, session string, expires time.Time) Credential {
	c := s.AddRole(accountID, role, session)
	c.Expires = expires
	s.credMu.Lock()
	s.creds[c.AccessKeyID] = c
	s.credMu.Unlock()
	return c
}

// AddAccountRoot returns new root credentials for another account.
func (s *Server) AddAccountRoot(accountID string) Credential {
	return s.newCredential("AKIA", RootPrincipalIn(s.partition, accountID), false)
}

// RemoveCredential forgets an access key; later requests signed with it get
// InvalidAccessKeyId.
func (s *Server) RemoveCredential(accessKeyID string) {
	s.credMu.Lock()
	defer s.credMu.Unlock()
	delete(s.creds, accessKeyID)
}

// keyLookup looks a request's access key up once, for presign.Verify or
// VerifyPost, and keeps the credential it found: the request is decided
// for that credential's principal even if the key is removed meanwhile
// (looking it up again would find no one).
type keyLookup struct {
	s    *Server
	cred Credential
}

func (k *keyLookup) lookup(id string) (aws.Credentials, bool) {
	k.s.credMu.RLock()
	c, ok := k.s.creds[id]
	k.s.credMu.RUnlock()
	k.cred = c
	return aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, ok
}

// SetMFADevice configures an MFA device: serial (the device ARN) and the
// one code the fake accepts for it. Only the owner account's root can use it.
func (s *Server) SetMFADevice(serial, code string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.mfa[serial] = code
}

// AccountPublicAccessBlock returns the account-level Block Public Access
// configuration of accountID, or nil when none is set. s3control fakes use it.
func (s *Server) AccountPublicAccessBlock(accountID string) *PublicAccessBlock {
	s.mu.RLock()
	defer s.mu.RUnlock()
	if p := s.accountBPA[accountID]; p != nil {
		c := *p
		return &c
	}
	return nil
}

// SetAccountPublicAccessBlock sets (or, with nil, deletes) the account-level
// Block Public Access configuration of accountID. It takes effect on the
// next request.
func (s *Server) SetAccountPublicAccessBlock(accountID string, p *PublicAccessBlock) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if p == nil {
		delete(s.accountBPA, accountID)
		return
	}
	c := *p
	s.accountBPA[accountID] = &c
}

// BucketOptions seed a bucket with CreateBucketWith.
type BucketOptions struct {
	// State is the initial configuration. By default, StateAWSDefault.
	State BucketState
	// AccountID owns the bucket. By default, the owner account.
	AccountID string
	// Region is the bucket's region. By default, the server's region.
	Region string
	// ObjectLock enables Object Lock (and versioning).
	ObjectLock bool
}

// CreateBucket seeds a bucket owned by the owner account in the given state,
// without going through the API (no request is counted).
//
// Errors: an *Error with BucketAlreadyExists or InvalidBucketName.
func (s *Server) CreateBucket(name string, state BucketState) error {
	return s.CreateBucketWith(name, &BucketOptions{State: state})
}

// CreateBucketWith seeds a bucket as opts say (nil means defaults).
func (s *Server) CreateBucketWith(name string, opts *BucketOptions) error {
	var o BucketOptions
	if opts != nil {
		o = *opts
	}
	if o.AccountID == "" {
		o.AccountID = s.accountID
	}
	if o.Region == "" {
		o.Region = s.region
	}
	if err := gofakes3.ValidateBucketName(name); err != nil {
		return errf(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.", [2]string{"BucketName", name})
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.buckets[name]; ok {
		return errf(http.StatusConflict, "BucketAlreadyExists", "The requested bucket name is not available.", [2]string{"BucketName", name})
	}
	return s.createLocked(name, o, "")
}

// createLocked creates the bucket in the backend and the fake's state.
// s.mu must be held.
func (s *Server) createLocked(name string, o BucketOptions, ownership string) error {
	if err := s.backend.CreateBucket(name); err != nil {
		return errf(http.StatusConflict, "BucketAlreadyExists", "The requested bucket name is not available.", [2]string{"BucketName", name})
	}
	owner := CanonicalUserID(o.AccountID)
	b := &bucket{objects: map[string]*objectMeta{}}
	b.cfg = BucketConfig{
		Name: name, OwnerAccountID: o.AccountID, Region: o.Region, CreationDate: s.Now().UTC().Truncate(time.Second),
		ACL: privateACL(owner),
	}
	if o.State == StateAWSDefault {
		pab := allBlocked
		b.cfg.PublicAccessBlock = &pab
		b.cfg.ObjectOwnership = OwnershipBucketOwnerEnforced
		b.cfg.Encryption = &Encryption{SSEAlgorithm: "AES256", BlockedEncryptionTypes: []string{"SSE-C"}}
	}
	if ownership != "" {
		b.cfg.ObjectOwnership = ownership
	}
	if o.ObjectLock {
		b.cfg.ObjectLockEnabled = true
		b.cfg.VersioningStatus = "Enabled"
		b.lock = &objectLockConfig{}
		_ = s.backend.SetVersioningConfiguration(name, gofakes3.VersioningConfiguration{Status: gofakes3.VersioningEnabled})
	}
	s.buckets[name] = b
	return nil
}

// SetBucketPolicy stores a bucket policy without the checks PutBucketPolicy
// makes (validation, Block Public Access), and without a request (none is
// counted): a policy S3 accepted under rules the fake does not have, such
// as one naming an action AWS added after package policy's catalog, which
// PutBucketPolicy on the fake refuses as "Policy has invalid action". ""
// removes the policy.
//
// Errors: an *Error with NoSuchBucket.
func (s *Server) SetBucketPolicy(bucketName, policy string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.buckets[bucketName]
	if !ok {
		return errNoSuchBucket(bucketName)
	}
	b.cfg.Policy = policy
	return nil
}

// Bucket returns a snapshot of a bucket's configuration.
func (s *Server) Bucket(name string) (BucketConfig, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buckets[name]
	if !ok {
		return BucketConfig{}, false
	}
	return b.cfg, true
}

// BucketNames returns every bucket's name, sorted.
func (s *Server) BucketNames() []string {
	s.mu.RLock()
	defer s.mu.RUnlock()
	out := make([]string, 0, len(s.buckets))
	for n := range s.buckets {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// ObjectACL returns the ACL stored for an object, if any.
func (s *Server) ObjectACL(bucketName, key string) (ACL, bool) {
	s.mu.RLock()
	defer s.mu.RUnlock()
	b, ok := s.buckets[bucketName]
	if !ok || b.meta(key, "") == nil {
		return ACL{}, false
	}
	return b.meta(key, "").acl, true
}

// decide runs the authorizer and maps its answer to an S3 error.
func (s *Server) decide(ctx context.Context, req *AccessRequest) *Error {
	s.mu.RLock()
	f := s.authorize
	s.mu.RUnlock()
	err := f(ctx, req)
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return e
	}
	return errAccessDenied()
}

func validBucketName(name string) *Error {
	if err := gofakes3.ValidateBucketName(name); err != nil {
		return errf(http.StatusBadRequest, "InvalidBucketName", "The specified bucket is not valid.", [2]string{"BucketName", name})
	}
	return nil
}
