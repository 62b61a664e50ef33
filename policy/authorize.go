package policy

import (
	"strconv"
	"strings"
)

// This file decides an S3 request the way AWS does, from every policy that
// takes part in it, each in its role. The sources, cited in doc.go:
//
//   - IAM user guide, "Policy evaluation logic" and "Determining whether a
//     request is allowed or denied within an account": an explicit Deny in
//     any policy wins; SCPs and RCPs must allow; in the same account a
//     resource-based policy that names the user or the role session allows
//     on its own ("not limited by an implicit deny in an identity-based
//     policy, permissions boundary, or session policy"), one that names the
//     role is still limited by the boundary and the session policy, and
//     otherwise the identity policies must allow, within the boundary and
//     the session policy.
//   - IAM user guide, "Cross-account policy evaluation logic": the
//     resource-based policy in the trusting account and the identity-based
//     policies in the trusted account must both allow.
//   - IAM user guide, "AWS JSON policy elements: Principal": naming an
//     account "delegates" to it; "the identity-based policies in that
//     account must grant access", also in the bucket owner's own account.
//   - S3 user guide, "How Amazon S3 authorizes a request" (user, bucket and
//     object contexts): the bucket owner's bucket policy and ACL for the
//     bucket context, the object owner's ACL when another account owns the
//     object.
//   - S3 user guide, "Blocking public access to your Amazon S3 storage"
//     (RestrictPublicBuckets, IgnorePublicAcls) and "Delegating access
//     control to access points".
//   - AWS Organizations user guide, "Resource control policies (RCPs)" and
//     "SCP evaluation": every level of the hierarchy must allow; SCPs limit
//     the principals of member accounts, RCPs the resources, whoever calls.

// Layer is one part of the authorization chain of an S3 request.
type Layer uint8

// Layers of the chain, in the order [Authorize] reports them.
const (
	// LayerNone is no layer: the zero value.
	LayerNone Layer = iota
	// LayerSCP is the service control policies of the caller's
	// organization.
	LayerSCP
	// LayerRCP is the resource control policies of the bucket owner's
	// organization.
	LayerRCP
	// LayerAccessPointPolicy is the policy of the access point the request
	// came through.
	LayerAccessPointPolicy
	// LayerBucketPolicy is the bucket policy.
	LayerBucketPolicy
	// LayerACL is the bucket's or the object's access control list.
	LayerACL
	// LayerIdentity is the caller's identity-based policies.
	LayerIdentity
	// LayerBoundary is the caller's permissions boundary.
	LayerBoundary
	// LayerSession is the session policy of a role or federated session.
	LayerSession
	// LayerBlockPublicAccess is S3 Block Public Access (account, bucket and
	// access point).
	LayerBlockPublicAccess

	numLayers
)

var layerNames = [numLayers]string{"None", "SCP", "RCP", "AccessPointPolicy", "BucketPolicy", "ACL", "Identity", "Boundary", "Session", "BlockPublicAccess"}

// String returns the layer's name, for example "BucketPolicy".
func (l Layer) String() string {
	if l < numLayers {
		return layerNames[l]
	}
	return "Layer(" + strconv.Itoa(int(l)) + ")"
}

// Outcome is what one layer of the chain says about a request.
type Outcome uint8

// Outcomes of a layer.
const (
	// OutcomeNotApplicable: the layer has no policy, or does not apply to
	// this caller (SCPs to an anonymous caller or an AWS service, identity
	// policies to the account root). It is the zero value.
	OutcomeNotApplicable Outcome = iota
	// OutcomeAllow: an Allow statement applies; in a resource policy, one
	// that names the caller itself, its role, or everyone.
	OutcomeAllow
	// OutcomeAllowAccount: a resource policy or ACL allows the caller's
	// account, not the caller: it delegates to the account's identity
	// policies.
	OutcomeAllowAccount
	// OutcomeNoAllow: the layer has policies, and none allows the request
	// (the implicit deny).
	OutcomeNoAllow
	// OutcomeExplicitDeny: a Deny statement applies.
	OutcomeExplicitDeny
	// OutcomeBlockedPublic: an Allow applied, but Block Public Access
	// removed it (RestrictPublicBuckets on a public policy, or
	// IgnorePublicAcls on a public grant). On LayerBlockPublicAccess: Block
	// Public Access removed a grant.
	OutcomeBlockedPublic
)

var outcomeNames = [...]string{"NotApplicable", "Allow", "AllowAccount", "NoAllow", "ExplicitDeny", "BlockedPublic"}

// String returns the outcome's name, for example "ExplicitDeny".
func (o Outcome) String() string {
	if int(o) < len(outcomeNames) {
		return outcomeNames[o]
	}
	return "Outcome(" + strconv.Itoa(int(o)) + ")"
}

// Reason says why [Authorize] decided as it did.
type Reason uint8

// Reasons for a decision.
const (
	// ReasonNone is the zero value.
	ReasonNone Reason = iota
	// ReasonExplicitDeny: a Deny statement in the deciding layer applies.
	ReasonExplicitDeny
	// ReasonGuardrail: a limiting layer (SCP, RCP, boundary, session
	// policy) has no Allow for the request.
	ReasonGuardrail
	// ReasonNotGranted: no identity policy, resource policy or ACL grants
	// the request.
	ReasonNotGranted
	// ReasonAccountDelegation: the resource policy (or ACL) names only the
	// caller's account, and no identity policy of the caller allows.
	ReasonAccountDelegation
	// ReasonCrossAccount: the caller is in another account than the
	// resource, and only one side allows; the deciding layer is the side
	// that does not.
	ReasonCrossAccount
	// ReasonBlockedPublic: the only grant was public, and Block Public
	// Access blocks it.
	ReasonBlockedPublic
	// ReasonAccessPointNotDelegated: the request came through an access
	// point, and the bucket policy neither allows it nor delegates to the
	// access point.
	ReasonAccessPointNotDelegated
	// ReasonResourceGrant: allowed by the resource policy or ACL, which
	// names the caller itself (same account), or names it or its account
	// while the caller's identity policies allow too (cross-account).
	ReasonResourceGrant
	// ReasonIdentityGrant: allowed by the caller's identity policies, in
	// the resource's account.
	ReasonIdentityGrant
	// ReasonRootUser: the resource owner's root user, whom no identity
	// policy limits.
	ReasonRootUser
)

var reasonNames = [...]string{"", "explicit deny", "no allow in a limiting policy", "no policy grants it", "the resource policy names only the account, and no identity policy allows",
	"cross-account: both sides must allow", "blocked by Block Public Access as public", "the bucket policy does not delegate to the access point",
	"granted by the resource policy", "granted by an identity policy", "the owner's root user"}

// String describes the reason, for example "explicit deny".
func (r Reason) String() string {
	if int(r) < len(reasonNames) {
		return reasonNames[r]
	}
	return "Reason(" + strconv.Itoa(int(r)) + ")"
}

// LayerResult is what one layer said.
type LayerResult struct {
	Outcome Outcome
	// By is the statement behind the outcome: the Deny for
	// OutcomeExplicitDeny, the Allow for OutcomeAllow, OutcomeAllowAccount
	// and OutcomeBlockedPublic. Policy is the index in the layer's list
	// (Identity, or the level's policies for SCP and RCP). It is
	// meaningful only when Matched.
	By      StatementRef
	Matched bool
	// Level is the index of the organization level (SCP, RCP) that
	// decided: the one with the Deny, or the first without an Allow.
	Level int
}

// OrgLevel is the policies attached at one level of an AWS Organizations
// hierarchy: the root, an OU, or the account. Every level from the root to
// the account must allow a request.
type OrgLevel []*Compiled

// Chain is every policy that takes part in deciding an S3 request, each in
// its role. A nil or empty field is a layer that does not exist (no
// organization, no permissions boundary, no bucket policy, …). Compile
// each document with [Compile]; a Chain holds no mutable state, so one
// Chain may decide any number of requests concurrently.
type Chain struct {
	// SCPs are the service control policies of the caller's account, root
	// level first. They limit the IAM users and roles (and the root user)
	// of member accounts; they do not apply to anonymous callers and AWS
	// services. Nil for a caller outside an organization or in its
	// management account.
	SCPs []OrgLevel
	// RCPs are the resource control policies of the bucket owner's
	// account, root level first. They limit every request to the bucket,
	// whoever makes it. Nil outside an organization.
	RCPs []OrgLevel
	// Identity are the caller's identity-based policies (user or role
	// policies, inline and managed, and the user's groups' policies).
	Identity []*Compiled
	// Boundary is the caller's permissions boundary, nil for none.
	Boundary *Compiled
	// Session is the session policy of a role or federated user session,
	// nil for none.
	Session *Compiled
	// Bucket is the bucket policy, nil for none.
	Bucket *Compiled
	// AccessPoint is the access point's policy, for a request made through
	// an access point ([AccessRequest.SetAccessPoint]); nil for none.
	AccessPoint *Compiled
	// AccessPointVPC is true when the access point's network origin is
	// VPC. S3 counts such an access point non-public whatever its policy
	// says ("An access point that has a VPC network origin is always
	// considered non-public, regardless of the contents of its access
	// point policy"), so RestrictPublicBuckets leaves its policy's grants
	// in force; s3:AccessPointNetworkOrigin is then "VPC". False (the
	// zero value) is network origin Internet.
	AccessPointVPC bool
	// AccountBlock, BucketBlock and AccessPointBlock are the Block Public
	// Access settings at each level; S3 applies the most restrictive
	// combination ([Effective]). AccessPointBlock counts only for requests
	// through an access point.
	AccountBlock, BucketBlock, AccessPointBlock BlockPublicAccess
	// ACLsEnabled is true when the bucket's Object Ownership is not
	// BucketOwnerEnforced: only then do ACLs grant anything.
	ACLsEnabled bool
	// BucketACL and ObjectACL are the grants of the bucket's ACL and, for
	// an object request, the object's.
	BucketACL, ObjectACL []ACLGrant
}

// AccessRequest is an S3 request to authorize: the [Request] (caller,
// action, bucket or object ARN, condition context) and what S3 knows about
// the resource.
type AccessRequest struct {
	Request
	// BucketOwner is the 12-digit account that owns the bucket. Required:
	// it tells same-account from cross-account requests.
	BucketOwner string
	// ObjectOwner is the account that owns the object, for an object
	// request when ACLs are enabled and another account uploaded it; ""
	// means the bucket owner. The object owner's ACL then grants access to
	// the object, not the bucket policy.
	ObjectOwner string
	// ACLPermission is the ACL permission the action needs (READ, WRITE,
	// READ_ACP, WRITE_ACP), "" when no ACL can grant the action.
	// ACLOnObject says the object's ACL decides (object reads, object ACL
	// operations) rather than the bucket's.
	ACLPermission string
	ACLOnObject   bool
	// AccessPointARN and AccessPointAccount identify the access point the
	// request came through, "" for a request to the bucket itself.
	// AccessPointResource is the request's resource in the access point's
	// terms (the access point ARN, or ARN/object/KEY).
	// [AccessRequest.SetAccessPoint] sets all three.
	AccessPointARN, AccessPointAccount, AccessPointResource string
}

// SetAccessPoint marks the request as made through the access point arn
// ("arn:aws:s3:REGION:ACCOUNT:accesspoint/NAME"), owned by account. It
// derives the access point resource from Resource (the bucket ARN becomes
// the access point ARN, an object ARN ARN/object/KEY) and sets the
// condition keys s3:DataAccessPointArn and s3:DataAccessPointAccount that
// bucket policies delegating to access points test.
func (r *AccessRequest) SetAccessPoint(arn, account string) {
	r.AccessPointARN, r.AccessPointAccount = arn, account
	r.AccessPointResource = arn
	if i := strings.Index(r.Resource, ":::"); i >= 0 {
		if j := strings.IndexByte(r.Resource[i+3:], '/'); j >= 0 {
			r.AccessPointResource = arn + "/object/" + r.Resource[i+3+j+1:]
		}
	}
	r.Context.Set("s3:DataAccessPointArn", arn)
	r.Context.Set("s3:DataAccessPointAccount", account)
}

// Authorization is the answer of [Authorize].
type Authorization struct {
	// Decision is Allow, ExplicitDeny or the implicit Deny.
	Decision Decision
	// DecidedBy is the layer that decided: the one with the Deny, the one
	// that lacked an Allow, or the one whose Allow let the request through
	// (LayerNone for the owner's root user).
	DecidedBy Layer
	// Reason says why.
	Reason Reason
	// Layers holds each layer's own result, indexed by [Layer].
	Layers [numLayers]LayerResult
}

// Allowed reports whether the request is allowed.
func (a Authorization) Allowed() bool { return a.Decision == DecisionAllow }

// Layer returns the result of one layer.
func (a Authorization) Layer(l Layer) LayerResult {
	if l < numLayers {
		return a.Layers[l]
	}
	return LayerResult{}
}

// Deciding returns the deciding layer's result.
func (a Authorization) Deciding() LayerResult { return a.Layer(a.DecidedBy) }

// String describes the decision, for example
// `ExplicitDeny by SCP statement 0 "DenyDeleteBucket" (explicit deny)`.
func (a Authorization) String() string {
	var b strings.Builder
	b.WriteString(a.Decision.String())
	if a.DecidedBy != LayerNone {
		b.WriteString(" by ")
		b.WriteString(a.DecidedBy.String())
		if l := a.Layers[a.DecidedBy]; l.Matched {
			b.WriteString(" statement ")
			b.WriteString(strconv.Itoa(l.By.Index))
			if l.By.Sid != "" {
				b.WriteString(" ")
				b.WriteString(strconv.Quote(l.By.Sid))
			}
		}
	}
	if a.Reason != ReasonNone {
		b.WriteString(" (")
		b.WriteString(a.Reason.String())
		b.WriteString(")")
	}
	return b.String()
}

// callerKind classifies a caller for the chain.
type callerKind uint8

const (
	callerAnonymous callerKind = iota
	callerService
	callerRoot
	callerIAM // an IAM user, a role session, a federated user
)

func kindOf(c *Caller) callerKind {
	switch {
	case c.Service != "":
		return callerService
	case c.ARN == "" && c.Account == "" && c.CanonicalUser == "" && c.Federated == "":
		return callerAnonymous
	case c.Federated == "" && (c.ARN == "" || strings.HasSuffix(c.ARN, ":root")):
		return callerRoot // a federated identity is never the root user
	}
	return callerIAM
}

// Authorize decides req against every policy of the chain, as AWS decides
// an S3 request:
//
//  1. An explicit Deny in any layer that applies denies (SCPs, RCPs, the
//     access point and bucket policies, identity policies, boundary,
//     session policy). A resource policy's Deny with NotPrincipal applies
//     to every IAM principal with a permissions boundary, whatever it
//     lists.
//  2. Every level of the SCPs (for IAM principals and the root user of a
//     member account) and of the RCPs (for every caller) must allow.
//  3. Block Public Access: with RestrictPublicBuckets on at any level, a
//     public bucket (or access point) policy grants only AWS services and
//     principals of the bucket owner's account and, through an access
//     point, of the access point's account ([BlockPublicAccess.PolicyReaches];
//     an access point with network origin VPC is never public); with
//     IgnorePublicAcls, ACL grants to AllUsers and AuthenticatedUsers are
//     ignored.
//  4. The grant. In the resource's account, a resource policy (or ACL)
//     that names the caller itself allows on its own; one that names its
//     role is still limited by the boundary and session policy; one that
//     names only the account delegates to the account, so an identity
//     policy must allow, within the boundary and the session policy, as it
//     must when no resource policy allows at all. Across accounts both the
//     resource side and the identity side must allow. The owner's root
//     user needs no identity policy; anonymous callers and AWS services
//     only the resource side. Through an access point, the access point
//     policy is the resource policy (in the access point's account) and
//     the bucket policy must also allow the request, or delegate to the
//     access point, unless the caller is in the bucket owner's account.
//     When another account owns the object (ACLs enabled), the object's
//     ACL is the resource side for the object and the bucket policy can
//     only deny.
//
// The [Authorization] names the deciding layer and statement and each
// layer's result. With compiled policies and a request through no access
// point (or one set up before), Authorize does not allocate.
func Authorize(req *AccessRequest, ch *Chain) Authorization {
	var a Authorization
	if ch == nil {
		ch = &Chain{}
	}
	rq := req.Request // a copy: the caller's request is not changed
	r := &rq
	r.resourceAccount = req.BucketOwner
	if req.AccessPointARN != "" {
		r.apOrigin = "Internet"
		if ch.AccessPointVPC {
			r.apOrigin = "VPC"
		}
	}
	action := actionIndex(r.Action)
	kind := kindOf(&r.Caller)
	// A Deny with NotPrincipal exempts no IAM principal with a permissions
	// boundary (IAM user guide, "Permissions boundaries for IAM entities").
	r.boundary = kind == callerIAM && ch.Boundary != nil
	// The caller's account, from its ARN when Account is not set; ""
	// (unknown) is no account's, so never the resource's.
	acct := r.Caller.Account
	if acct == "" {
		acct = arnAccount(r.Caller.ARN)
	}
	viaAP := req.AccessPointARN != ""

	// Each layer on its own.
	if kind == callerIAM || kind == callerRoot {
		a.Layers[LayerSCP] = orgLayer(ch.SCPs, r, action)
	}
	a.Layers[LayerRCP] = orgLayer(ch.RCPs, r, action)

	var bucketHit, apHit, aclHit, aclPublic principalHit
	a.Layers[LayerBucketPolicy], bucketHit = resourceLayer(ch.Bucket, r, action)
	idReq := r
	var apReq Request
	if viaAP {
		apReq = *r
		apReq.Resource = req.AccessPointResource
		apReq.resourceAccount = req.AccessPointAccount
		a.Layers[LayerAccessPointPolicy], apHit = resourceLayer(ch.AccessPoint, &apReq, action)
		// Identity policies grant access points by their ARN.
		idReq = &apReq
	}
	if ch.ACLsEnabled && req.ACLPermission != "" {
		a.Layers[LayerACL], aclHit, aclPublic = aclLayer(req, ch)
	}
	if kind == callerIAM {
		a.Layers[LayerIdentity] = identityLayer(ch.Identity, idReq, action)
		if ch.Boundary != nil {
			a.Layers[LayerBoundary] = singleLayer(ch.Boundary, idReq, action)
		}
		if ch.Session != nil {
			a.Layers[LayerSession] = singleLayer(ch.Session, idReq, action)
		}
	}

	// 1. Explicit deny, wherever it is.
	for _, l := range [...]Layer{LayerSCP, LayerRCP, LayerAccessPointPolicy, LayerBucketPolicy, LayerIdentity, LayerBoundary, LayerSession} {
		if a.Layers[l].Outcome == OutcomeExplicitDeny {
			return a.decide(DecisionExplicitDeny, l, ReasonExplicitDeny)
		}
	}
	// 2. Organization guardrails.
	for _, l := range [...]Layer{LayerSCP, LayerRCP} {
		if a.Layers[l].Outcome == OutcomeNoAllow {
			return a.decide(DecisionDeny, l, ReasonGuardrail)
		}
	}

	// 3. Block Public Access.
	bpa := Effective(ch.AccountBlock, ch.BucketBlock)
	if viaAP {
		bpa = Effective(bpa, ch.AccessPointBlock)
	}
	blocked := false
	if bpa.RestrictPublicBuckets {
		// A public policy, the bucket's or the access point's, still
		// reaches the bucket owner's account and the access point's
		// (req.AccessPointAccount is "" without an access point).
		owners := [...]string{req.BucketOwner, req.AccessPointAccount}
		if bucketHit != hitNone && !bpa.PolicyReaches(ch.Bucket.public, r.Caller, owners[:]...) {
			a.Layers[LayerBucketPolicy].Outcome = OutcomeBlockedPublic
			bucketHit, blocked = hitNone, true
		}
		if viaAP && apHit != hitNone && !bpa.PolicyReaches(ch.AccessPoint.apPublic && !ch.AccessPointVPC, r.Caller, owners[:]...) {
			a.Layers[LayerAccessPointPolicy].Outcome = OutcomeBlockedPublic
			apHit, blocked = hitNone, true
		}
	}
	if aclPublic != hitNone {
		if bpa.IgnorePublicAcls {
			if aclHit == hitNone {
				a.Layers[LayerACL].Outcome = OutcomeBlockedPublic
				blocked = true
			}
		} else {
			aclHit = aclPublic
			a.Layers[LayerACL].Outcome = OutcomeAllow
		}
	}
	if blocked {
		a.Layers[LayerBlockPublicAccess] = LayerResult{Outcome: OutcomeBlockedPublic}
	}

	// 4. The grant: the resource side and the identity side.
	resAccount := req.BucketOwner
	resHit, resLayer := bucketHit, LayerBucketPolicy
	if viaAP {
		resAccount, resHit, resLayer = req.AccessPointAccount, apHit, LayerAccessPointPolicy
		// The bucket must allow the request too, or delegate to the
		// access point, unless the caller is the bucket owner's.
		if bucketHit == hitNone && aclHit == hitNone && !(kind != callerAnonymous && kind != callerService && acct != "" && acct == req.BucketOwner) {
			if blocked && a.Layers[LayerBucketPolicy].Outcome == OutcomeBlockedPublic {
				return a.decide(DecisionDeny, LayerBlockPublicAccess, ReasonBlockedPublic)
			}
			return a.decide(DecisionDeny, LayerBucketPolicy, ReasonAccessPointNotDelegated)
		}
	} else if req.ObjectOwner != "" && req.ObjectOwner != req.BucketOwner && ch.ACLsEnabled && req.ACLOnObject {
		// Another account owns the object: its ACL grants, not the bucket
		// owner's policy.
		resAccount, resHit, resLayer = req.ObjectOwner, hitNone, LayerACL
	}
	if aclHit > resHit && !viaAP {
		resHit, resLayer = aclHit, LayerACL
	}
	if resHit != hitNone && a.Layers[resLayer].Outcome == OutcomeNoAllow {
		a.Layers[resLayer].Outcome = OutcomeAllow
	}

	noGrant := func(l Layer, why Reason) Authorization {
		if blocked && resHit == hitNone {
			return a.decide(DecisionDeny, LayerBlockPublicAccess, ReasonBlockedPublic)
		}
		return a.decide(DecisionDeny, l, why)
	}
	switch kind {
	case callerAnonymous, callerService:
		if resHit == hitNone {
			return noGrant(resLayer, ReasonNotGranted)
		}
		return a.decide(DecisionAllow, resLayer, ReasonResourceGrant)
	case callerRoot:
		if acct != "" && acct == resAccount {
			return a.decide(DecisionAllow, LayerNone, ReasonRootUser)
		}
		if resHit == hitNone {
			return noGrant(resLayer, ReasonCrossAccount)
		}
		return a.decide(DecisionAllow, resLayer, ReasonResourceGrant)
	}

	// An IAM principal.
	same := acct != "" && acct == resAccount
	// limits checks the boundary and the session policy.
	limits := func() (Layer, bool) {
		for _, l := range [...]Layer{LayerBoundary, LayerSession} {
			if a.Layers[l].Outcome == OutcomeNoAllow {
				return l, false
			}
		}
		return LayerNone, true
	}
	if same {
		switch resHit {
		case hitDirect:
			return a.decide(DecisionAllow, resLayer, ReasonResourceGrant)
		case hitRole:
			if l, ok := limits(); !ok {
				return a.decide(DecisionDeny, l, ReasonGuardrail)
			}
			return a.decide(DecisionAllow, resLayer, ReasonResourceGrant)
		}
		if a.Layers[LayerIdentity].Outcome != OutcomeAllow {
			if resHit == hitAccount {
				return a.decide(DecisionDeny, LayerIdentity, ReasonAccountDelegation)
			}
			return noGrant(LayerIdentity, ReasonNotGranted)
		}
		if l, ok := limits(); !ok {
			return a.decide(DecisionDeny, l, ReasonGuardrail)
		}
		return a.decide(DecisionAllow, LayerIdentity, ReasonIdentityGrant)
	}
	if resHit == hitNone {
		return noGrant(resLayer, ReasonCrossAccount)
	}
	if a.Layers[LayerIdentity].Outcome != OutcomeAllow {
		return a.decide(DecisionDeny, LayerIdentity, ReasonCrossAccount)
	}
	if l, ok := limits(); !ok {
		return a.decide(DecisionDeny, l, ReasonGuardrail)
	}
	return a.decide(DecisionAllow, resLayer, ReasonResourceGrant)
}

func (a *Authorization) decide(d Decision, l Layer, why Reason) Authorization {
	a.Decision, a.DecidedBy, a.Reason = d, l, why
	return *a
}

// orgLayer evaluates SCP or RCP levels: a Deny at any level denies, and
// every level must allow.
func orgLayer(levels []OrgLevel, r *Request, action int) LayerResult {
	if len(levels) == 0 {
		return LayerResult{}
	}
	var allow LayerResult
	for li, level := range levels {
		var res Result
		for pi, c := range level {
			res = decide(r, action, pi, c, res)
			if res.Decision == DecisionExplicitDeny {
				return LayerResult{Outcome: OutcomeExplicitDeny, By: res.By, Matched: true, Level: li}
			}
		}
		if res.Decision != DecisionAllow {
			// Keep looking for a Deny at the levels below: it is the
			// stronger answer.
			for lj := li + 1; lj < len(levels); lj++ {
				var deny Result
				for pi, c := range levels[lj] {
					if deny = decide(r, action, pi, c, deny); deny.Decision == DecisionExplicitDeny {
						return LayerResult{Outcome: OutcomeExplicitDeny, By: deny.By, Matched: true, Level: lj}
					}
				}
			}
			return LayerResult{Outcome: OutcomeNoAllow, Level: li}
		}
		allow = LayerResult{Outcome: OutcomeAllow, By: res.By, Matched: true, Level: li}
	}
	return allow
}

// identityLayer evaluates identity policies together.
func identityLayer(ps []*Compiled, r *Request, action int) LayerResult {
	var res Result
	for i, c := range ps {
		if res = decide(r, action, i, c, res); res.Decision == DecisionExplicitDeny {
			break
		}
	}
	return layerOf(res)
}

// singleLayer evaluates a permissions boundary or a session policy.
func singleLayer(c *Compiled, r *Request, action int) LayerResult {
	return layerOf(decide(r, action, 0, c, Result{}))
}

func layerOf(res Result) LayerResult {
	switch res.Decision {
	case DecisionExplicitDeny:
		return LayerResult{Outcome: OutcomeExplicitDeny, By: res.By, Matched: true}
	case DecisionAllow:
		return LayerResult{Outcome: OutcomeAllow, By: res.By, Matched: true}
	}
	return LayerResult{Outcome: OutcomeNoAllow}
}

// resourceLayer evaluates a resource policy: the first Deny that applies,
// else the Allow that names the caller most closely.
func resourceLayer(c *Compiled, r *Request, action int) (LayerResult, principalHit) {
	if c == nil {
		return LayerResult{}, hitNone
	}
	best, ref := hitNone, StatementRef{}
	try := func(s *cStatement, h principalHit) (LayerResult, bool) {
		if h == hitNone {
			return LayerResult{}, false
		}
		sr := StatementRef{Index: s.index, Sid: s.sid}
		if s.deny {
			return LayerResult{Outcome: OutcomeExplicitDeny, By: sr, Matched: true}, true
		}
		if h > best {
			best, ref = h, sr
		}
		return LayerResult{}, false
	}
	if denies, allows, ok := c.byAction(action); ok {
		for _, i := range denies {
			if res, done := try(&c.statements[i], c.statements[i].matchRest(r)); done {
				return res, hitNone
			}
		}
		for _, i := range allows {
			if best == hitDirect {
				break
			}
			try(&c.statements[i], c.statements[i].matchRest(r))
		}
	} else {
		for i := range c.statements {
			s := &c.statements[i]
			if !s.deny && best == hitDirect {
				continue
			}
			if res, done := try(s, s.matchHit(r, action)); done {
				return res, hitNone
			}
		}
	}
	switch best {
	case hitNone:
		return LayerResult{Outcome: OutcomeNoAllow}, hitNone
	case hitAccount:
		return LayerResult{Outcome: OutcomeAllowAccount, By: ref, Matched: true}, best
	}
	return LayerResult{Outcome: OutcomeAllow, By: ref, Matched: true}, best
}

// aclLayer looks for ACL grants of the permission the request needs. A
// grant to the caller's canonical user ID names its account (the private
// hit); a grant to AllUsers, or to AuthenticatedUsers for a signed caller,
// names the caller like "*" does (the public hit, which IgnorePublicAcls
// removes).
func aclLayer(req *AccessRequest, ch *Chain) (res LayerResult, private, public principalHit) {
	grants := ch.BucketACL
	if req.ACLOnObject {
		grants = ch.ObjectACL
	}
	c := &req.Caller
	signed := kindOf(c) != callerAnonymous
	for i := range grants {
		g := &grants[i]
		if g.Permission != req.ACLPermission && g.Permission != "FULL_CONTROL" {
			continue
		}
		switch {
		case g.GranteeURI != "":
			if all, authenticated := publicGroup(g.GranteeURI); all || (signed && authenticated) {
				public = hitDirect
			}
		case g.GranteeID != "" && c.CanonicalUser != "" && g.GranteeID == c.CanonicalUser:
			private = hitAccount
		}
	}
	if private != hitNone {
		return LayerResult{Outcome: OutcomeAllowAccount}, private, public
	}
	return LayerResult{Outcome: OutcomeNoAllow}, hitNone, public
}
