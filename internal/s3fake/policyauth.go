package s3fake

import (
	"context"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/s3secure/s3secure/policy"
)

// NewPolicyAuthorizer returns an AuthorizeFunc that decides requests the way
// S3 does, with package policy's authorization chain ([policy.Authorize]):
//
//   - The bucket policy is evaluated with the request's condition context:
//     aws:SecureTransport and s3:TlsVersion from the connection, aws:SourceIp
//     from the peer, aws:CurrentTime and aws:EpochTime from the fake clock,
//     s3:authType, s3:signatureAge, s3:signatureversion, the principal keys
//     (aws:PrincipalArn, aws:PrincipalAccount, aws:PrincipalType, aws:userid,
//     aws:username), s3:ResourceAccount, the request keys S3 defines from
//     headers and query (s3:prefix, s3:delimiter, s3:max-keys, s3:versionid,
//     s3:x-amz-acl, s3:x-amz-server-side-encryption, …), and the object tag
//     keys (s3:ExistingObjectTag/<key> from the object's tags, a copy's
//     source's for its read; s3:RequestObjectTag/<key> and
//     s3:RequestObjectTagKeys from x-amz-tagging or PutObjectTagging's
//     body).
//   - An explicit Deny refuses the request for everyone, the owner account
//     included. The owner account's root user can still read, replace and
//     delete the bucket policy, as in S3, so it cannot lock itself out.
//   - The fake has no IAM: every signed principal is taken to have an
//     identity policy that allows everything. So principals of the bucket
//     owner's account are allowed unless a Deny applies, and principals of
//     other accounts need an Allow in the bucket policy (naming them or
//     their account) or an ACL grant, as the chain's cross-account rule
//     requires. Anonymous callers need an Allow for everyone.
//   - Block Public Access (account and bucket): RestrictPublicBuckets makes a
//     public policy grant only AWS service principals and the owner's
//     account; IgnorePublicAcls ignores grants to AllUsers and
//     AuthenticatedUsers.
//   - ACLs count only when the bucket's Object Ownership is not
//     BucketOwnerEnforced.
//   - Bucket-policy operations from another account get 405
//     MethodNotAllowed, as S3 answers.
func NewPolicyAuthorizer() AuthorizeFunc {
	a := &policyAuthorizer{cache: map[string]*compiledPolicy{}}
	doc := &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{
		Effect: policy.Allow, Action: policy.Strings("*"), Resource: policy.Strings("*"),
	}}}
	a.identity, _ = policy.Compile(doc)
	return a.authorize
}

// PolicyIsPublic is a PublicPolicyFunc that applies S3's definition of a
// public bucket policy (package policy's IsPublic). It fails for a policy
// that does not parse.
func PolicyIsPublic(p string) (bool, error) {
	doc, err := policy.Parse([]byte(p))
	if err != nil {
		return false, err
	}
	return policy.IsPublic(doc, policy.KindBucket).IsPublic, nil
}

type compiledPolicy struct {
	compiled *policy.Compiled // nil when the policy does not parse or compile
}

type policyAuthorizer struct {
	// identity stands for the identity policies the fake does not have:
	// it allows everything.
	identity *policy.Compiled

	mu    sync.Mutex
	cache map[string]*compiledPolicy // by policy text
}

// maxCachedPolicies bounds the cache; it is cleared when full.
const maxCachedPolicies = 256

func (a *policyAuthorizer) compile(text string) *compiledPolicy {
	a.mu.Lock()
	defer a.mu.Unlock()
	if c, ok := a.cache[text]; ok {
		return c
	}
	c := &compiledPolicy{}
	if doc, err := policy.Parse([]byte(text)); err == nil {
		c.compiled, _ = policy.Compile(doc)
	}
	if len(a.cache) >= maxCachedPolicies {
		clear(a.cache)
	}
	a.cache[text] = c
	return c
}

func (a *policyAuthorizer) authorize(_ context.Context, req *AccessRequest) error {
	p := req.Principal
	cfg := req.BucketConfig
	if cfg == nil {
		// ListBuckets, CreateBucket: any signed principal.
		if p.IsAnonymous() {
			return errAccessDenied()
		}
		return nil
	}
	owner := !p.IsAnonymous() && p.AccountID == cfg.OwnerAccountID
	policyOp := false
	switch req.Operation {
	case "GetBucketPolicy", "PutBucketPolicy", "DeleteBucketPolicy":
		policyOp = true
		if !owner {
			return errf(http.StatusMethodNotAllowed, "MethodNotAllowed", "The specified method is not allowed against this resource.")
		}
	}

	areq := &policy.AccessRequest{Request: *policyRequest(req), BucketOwner: cfg.OwnerAccountID}
	areq.ACLPermission, areq.ACLOnObject = aclPermission(req.Action)
	bpa := req.AccountPublicAccessBlock.Merge(cfg.PublicAccessBlock)
	chain := &policy.Chain{
		BucketBlock: policy.BlockPublicAccess{
			BlockPublicAcls: bpa.BlockPublicAcls, IgnorePublicAcls: bpa.IgnorePublicAcls,
			BlockPublicPolicy: bpa.BlockPublicPolicy, RestrictPublicBuckets: bpa.RestrictPublicBuckets,
		},
		ACLsEnabled: cfg.ACLsEnabled(),
		BucketACL:   aclGrants(&cfg.ACL),
		ObjectACL:   aclGrants(req.ObjectACL),
	}
	if !p.IsAnonymous() {
		chain.Identity = []*policy.Compiled{a.identity}
	}
	if cfg.Policy != "" {
		chain.Bucket = a.compile(cfg.Policy).compiled
	}
	az := policy.Authorize(areq, chain)
	switch {
	case az.Allowed():
		return nil
	case az.Decision == policy.DecisionExplicitDeny && policyOp && p.Type == AccountRoot:
		// The owner's root user can always manage the bucket policy.
		return nil
	case az.Decision == policy.DecisionExplicitDeny && az.DecidedBy == policy.LayerBucketPolicy:
		return errf(http.StatusForbidden, "AccessDenied", "User: "+principalName(p)+" is not authorized to perform: "+req.Action+
			" on resource: \""+req.Resource+"\" with an explicit deny in a resource-based policy")
	}
	return errAccessDenied()
}

// aclGrants converts the fake's ACL to policy's grants (nil for nil).
func aclGrants(acl *ACL) []policy.ACLGrant {
	if acl == nil {
		return nil
	}
	out := make([]policy.ACLGrant, 0, len(acl.Grants))
	for _, g := range acl.Grants {
		switch g.GranteeType {
		case GranteeGroup:
			out = append(out, policy.ACLGrant{GranteeURI: g.URI, Permission: g.Permission})
		case GranteeCanonicalUser:
			out = append(out, policy.ACLGrant{GranteeID: g.ID, Permission: g.Permission})
		}
	}
	return out
}

func principalName(p Principal) string {
	if p.IsAnonymous() {
		return "anonymous"
	}
	return p.ARN
}

// policyRequest builds the evaluator's request from the fake's.
func policyRequest(req *AccessRequest) *policy.Request {
	p := req.Principal
	r := &policy.Request{Action: req.Action, Resource: req.Resource}
	if !p.IsAnonymous() {
		r.Caller = policy.Caller{ARN: p.ARN, Account: p.AccountID, CanonicalUser: CanonicalUserID(p.AccountID)}
	}
	c := &r.Context
	c.SetBool("aws:SecureTransport", req.SecureTransport)
	if req.TLSVersion != "" {
		c.Set("s3:TlsVersion", req.TLSVersion)
	}
	if req.SourceIP != "" {
		c.Set("aws:SourceIp", req.SourceIP)
	}
	if !req.Now.IsZero() {
		c.SetTime("aws:CurrentTime", req.Now)
	}
	if req.AuthType != "" {
		c.Set("s3:authType", req.AuthType)
		c.Set("s3:signatureversion", "AWS4-HMAC-SHA256")
		c.Set("s3:signatureAge", strconv.FormatInt(req.SignatureAge.Milliseconds(), 10))
	}
	switch p.Type {
	case AccountRoot:
		c.Set("aws:PrincipalType", "Account")
		c.Set("aws:userid", p.AccountID)
	case IAMUser:
		// aws:userid is IAM's unique ID (AIDA…/AROA…), which the fake does
		// not have, so it is absent for users and role sessions.
		c.Set("aws:PrincipalType", "User")
	case AssumedRole:
		c.Set("aws:PrincipalType", "AssumedRole")
	default:
		c.Set("aws:PrincipalType", "Anonymous")
		c.Set("aws:userid", "anonymous")
	}
	if req.BucketConfig != nil {
		c.Set("s3:ResourceAccount", req.BucketConfig.OwnerAccountID)
		c.Set("aws:ResourceAccount", req.BucketConfig.OwnerAccountID)
	}
	if ua := req.Header.Get("User-Agent"); ua != "" {
		c.Set("aws:UserAgent", ua)
	}
	if ref := req.Header.Get("Referer"); ref != "" {
		c.Set("aws:Referer", ref)
	}
	for _, h := range requestHeaderKeys {
		if v := req.Header.Get(h); v != "" {
			c.Set("s3:"+strings.ToLower(h), v)
		}
	}
	if a, ok := policy.LookupAction(req.Action); ok && a.SupportsConditionKey("s3:prefix") {
		// S3 sets s3:prefix (empty when absent) for the list requests whose
		// action supports it (s3:ListBucket, s3:ListBucketVersions).
		c.Set("s3:prefix", req.Query.Get("prefix"))
		if d := req.Query.Get("delimiter"); d != "" {
			c.Set("s3:delimiter", d)
		}
		if m := req.Query.Get("max-keys"); m != "" {
			c.Set("s3:max-keys", m)
		}
	}
	if v := req.Query.Get("versionId"); v != "" {
		c.Set("s3:versionid", v)
	}
	objectTagKeys(c, req)
	return r
}

// objectTagKeys sets the object tag condition keys of the actions that
// support them (Service Authorization Reference): s3:ExistingObjectTag/<key>
// from the tags of the object the request acts on, s3:RequestObjectTag/<key>
// and s3:RequestObjectTagKeys from the tags it gives the object
// (AccessRequest.RequestObjectTags).
func objectTagKeys(c *policy.Context, req *AccessRequest) {
	a, ok := policy.LookupAction(req.Action)
	if !ok {
		return
	}
	if len(req.ObjectTags) > 0 && a.SupportsConditionKey("s3:ExistingObjectTag/<key>") {
		for _, t := range req.ObjectTags {
			c.Set("s3:ExistingObjectTag/"+t.Key, t.Value)
		}
	}
	if len(req.RequestObjectTags) == 0 || !a.SupportsConditionKey("s3:RequestObjectTag/<key>") {
		return
	}
	values := map[string][]string{}
	for _, t := range req.RequestObjectTags {
		values[t.Key] = append(values[t.Key], t.Value)
	}
	keys := make([]string, 0, len(values))
	for k, vs := range values {
		keys = append(keys, k)
		c.Set("s3:RequestObjectTag/"+k, vs...)
	}
	sort.Strings(keys)
	c.Set("s3:RequestObjectTagKeys", keys...)
}

// requestHeaderKeys are the headers S3 exposes as s3: condition keys of the
// same (lower-case) name.
var requestHeaderKeys = []string{
	"x-amz-acl", "x-amz-content-sha256", "x-amz-copy-source", "x-amz-grant-full-control", "x-amz-grant-read",
	"x-amz-grant-read-acp", "x-amz-grant-write", "x-amz-grant-write-acp", "x-amz-metadata-directive",
	"x-amz-server-side-encryption", "x-amz-server-side-encryption-aws-kms-key-id",
	"x-amz-server-side-encryption-customer-algorithm", "x-amz-storage-class", "x-amz-website-redirect-location",
	"x-amz-object-ownership", "x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date", "x-amz-object-lock-legal-hold",
}

// aclPermission is the ACL permission an action needs, and whether the
// object's ACL (rather than the bucket's) decides it. "" means ACLs cannot
// grant the action.
func aclPermission(action string) (perm string, objectACL bool) {
	return policy.ACLPermissionFor(action)
}
