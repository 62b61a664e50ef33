package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

const owner = "111122223333"

func allowAll(t testing.TB) *policy.Compiled {
	return mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"*","Resource":"*"}]}`)
}

func bucketPolicy(t testing.TB, principal, action string) *policy.Compiled {
	return mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Grant","Effect":"Allow","Principal":`+principal+`,"Action":"`+action+`","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}]}`)
}

func accessReq(c policy.Caller, action, resource string) *policy.AccessRequest {
	r := &policy.AccessRequest{BucketOwner: owner}
	r.Caller, r.Action, r.Resource = c, action, resource
	return r
}

// TestAuthorizeChain pins the rules of Authorize, each with the sentence of
// the AWS documentation that decides it (see authorize.go for the pages).
func TestAuthorizeChain(t *testing.T) {
	roleSession := policy.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/Reader/s1", Account: owner}
	root := policy.Caller{ARN: "arn:aws:iam::111122223333:root", Account: owner}
	deny := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"No","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)
	onlyList := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"List","Effect":"Allow","Action":"s3:ListBucket","Resource":"*"}]}`)
	get := "arn:aws:s3:::b/k"
	tests := []struct {
		name   string
		req    *policy.AccessRequest
		chain  *policy.Chain
		want   policy.Decision
		by     policy.Layer
		reason policy.Reason
	}{
		{"same account, identity allows, no bucket policy", accessReq(alice, "s3:GetObject", get), &policy.Chain{Identity: []*policy.Compiled{allowAll(t)}},
			policy.DecisionAllow, policy.LayerIdentity, policy.ReasonIdentityGrant},
		{"same account, nothing grants", accessReq(alice, "s3:GetObject", get), &policy.Chain{},
			policy.DecisionDeny, policy.LayerIdentity, policy.ReasonNotGranted},
		// "Within the same account, resource-based policies that grant
		// permissions to an IAM user ARN ... are not limited by an implicit
		// deny in an identity-based policy, permissions boundary, or session
		// policy."
		{"user named in bucket policy, boundary without allow", accessReq(alice, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"AWS":"arn:aws:iam::111122223333:user/alice"}`, "s3:GetObject"), Boundary: onlyList},
			policy.DecisionAllow, policy.LayerBucketPolicy, policy.ReasonResourceGrant},
		// "Resource-based policies that grant permissions to an IAM role ARN
		// are limited by an implicit deny in a permissions boundary or
		// session policy."
		{"role named in bucket policy, boundary without allow", accessReq(roleSession, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"AWS":"arn:aws:iam::111122223333:role/Reader"}`, "s3:GetObject"), Boundary: onlyList},
			policy.DecisionDeny, policy.LayerBoundary, policy.ReasonGuardrail},
		{"role named in bucket policy, no identity policy", accessReq(roleSession, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"AWS":"arn:aws:iam::111122223333:role/Reader"}`, "s3:GetObject")},
			policy.DecisionAllow, policy.LayerBucketPolicy, policy.ReasonResourceGrant},
		{"role named in bucket policy, session policy without allow", accessReq(roleSession, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"AWS":"arn:aws:iam::111122223333:role/Reader"}`, "s3:GetObject"), Session: onlyList},
			policy.DecisionDeny, policy.LayerSession, policy.ReasonGuardrail},
		{"session named in bucket policy, session policy without allow", accessReq(roleSession, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"AWS":"arn:aws:sts::111122223333:assumed-role/Reader/s1"}`, "s3:GetObject"), Session: onlyList},
			policy.DecisionAllow, policy.LayerBucketPolicy, policy.ReasonResourceGrant},
		{"account named, identity allows, boundary without allow", accessReq(alice, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"AWS":"111122223333"}`, "s3:GetObject"), Identity: []*policy.Compiled{allowAll(t)}, Boundary: onlyList},
			policy.DecisionDeny, policy.LayerBoundary, policy.ReasonGuardrail},
		{"account root ARN named, no identity policy", accessReq(roleSession, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"AWS":"arn:aws:iam::111122223333:root"}`, "s3:GetObject")},
			policy.DecisionDeny, policy.LayerIdentity, policy.ReasonAccountDelegation},
		{"explicit deny in the bucket policy beats identity", accessReq(alice, "s3:GetObject", get),
			&policy.Chain{Bucket: mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"No","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}]}`), Identity: []*policy.Compiled{allowAll(t)}},
			policy.DecisionExplicitDeny, policy.LayerBucketPolicy, policy.ReasonExplicitDeny},
		{"explicit deny in the session policy", accessReq(roleSession, "s3:GetObject", get),
			&policy.Chain{Identity: []*policy.Compiled{allowAll(t)}, Session: deny},
			policy.DecisionExplicitDeny, policy.LayerSession, policy.ReasonExplicitDeny},
		{"RCP denies an anonymous caller", accessReq(anonymous, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `"*"`, "s3:GetObject"), RCPs: []policy.OrgLevel{{allowAll(t), deny}}},
			policy.DecisionExplicitDeny, policy.LayerRCP, policy.ReasonExplicitDeny},
		{"SCPs do not apply to an anonymous caller", accessReq(anonymous, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `"*"`, "s3:GetObject"), SCPs: []policy.OrgLevel{{deny}}},
			policy.DecisionAllow, policy.LayerBucketPolicy, policy.ReasonResourceGrant},
		{"SCPs do not apply to an AWS service", accessReq(cloudfrnt, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"Service":"cloudfront.amazonaws.com"}`, "s3:GetObject"), SCPs: []policy.OrgLevel{{deny}}},
			policy.DecisionAllow, policy.LayerBucketPolicy, policy.ReasonResourceGrant},
		{"the owner's root user needs no identity policy", accessReq(root, "s3:PutBucketTagging", "arn:aws:s3:::b"), &policy.Chain{},
			policy.DecisionAllow, policy.LayerNone, policy.ReasonRootUser},
		{"the owner's root user is limited by SCPs", accessReq(root, "s3:PutBucketTagging", "arn:aws:s3:::b"), &policy.Chain{SCPs: []policy.OrgLevel{{onlyList}}},
			policy.DecisionDeny, policy.LayerSCP, policy.ReasonGuardrail},
		{"cross-account, account named, identity allows", accessReq(bob, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"AWS":"444455556666"}`, "s3:GetObject"), Identity: []*policy.Compiled{allowAll(t)}},
			policy.DecisionAllow, policy.LayerBucketPolicy, policy.ReasonResourceGrant},
		{"cross-account, user named, no identity policy", accessReq(bob, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `{"AWS":"arn:aws:iam::444455556666:user/bob"}`, "s3:GetObject")},
			policy.DecisionDeny, policy.LayerIdentity, policy.ReasonCrossAccount},
		// RestrictPublicBuckets: "Only AWS service principals and
		// authorized users within the bucket owner's account" keep access;
		// it also cuts off accounts the same public policy names.
		{"RestrictPublicBuckets cuts off a named account of a public policy", accessReq(bob, "s3:GetObject", get),
			&policy.Chain{Bucket: mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"},{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`),
				Identity: []*policy.Compiled{allowAll(t)}, BucketBlock: policy.BlockPublicAccess{RestrictPublicBuckets: true}},
			policy.DecisionDeny, policy.LayerBlockPublicAccess, policy.ReasonBlockedPublic},
		{"RestrictPublicBuckets keeps the owner's account", accessReq(alice, "s3:GetObject", get),
			&policy.Chain{Bucket: bucketPolicy(t, `"*"`, "s3:GetObject"), BucketBlock: policy.BlockPublicAccess{RestrictPublicBuckets: true}},
			policy.DecisionAllow, policy.LayerBucketPolicy, policy.ReasonResourceGrant},
		{"ACLs count only when enabled", aclReq(anonymous, "READ", true), &policy.Chain{ObjectACL: []policy.ACLGrant{{GranteeURI: policy.AllUsersURI, Permission: "READ"}}},
			policy.DecisionDeny, policy.LayerBucketPolicy, policy.ReasonNotGranted},
		{"public-read object ACL", aclReq(anonymous, "READ", true), &policy.Chain{ACLsEnabled: true, ObjectACL: []policy.ACLGrant{{GranteeURI: policy.AllUsersURI, Permission: "READ"}}},
			policy.DecisionAllow, policy.LayerACL, policy.ReasonResourceGrant},
		// The scheme of a group URI in upper case: IsPublicGrantee (and so
		// S3.2 and IgnorePublicAcls) counted this grant public, the ACL
		// layer did not see it (it trimmed only a lower-case "http://").
		{"public-read object ACL, URI in upper case", aclReq(anonymous, "READ", true), &policy.Chain{ACLsEnabled: true, ObjectACL: []policy.ACLGrant{{GranteeURI: "HTTP://ACS.AMAZONAWS.COM/groups/global/AllUsers", Permission: "READ"}}},
			policy.DecisionAllow, policy.LayerACL, policy.ReasonResourceGrant},
		{"IgnorePublicAcls", aclReq(anonymous, "READ", true), &policy.Chain{ACLsEnabled: true, ObjectACL: []policy.ACLGrant{{GranteeURI: policy.AllUsersURI, Permission: "READ"}}, AccountBlock: policy.BlockPublicAccess{IgnorePublicAcls: true}},
			policy.DecisionDeny, policy.LayerBlockPublicAccess, policy.ReasonBlockedPublic},
		{"AuthenticatedUsers does not include anonymous callers", aclReq(anonymous, "READ", true), &policy.Chain{ACLsEnabled: true, ObjectACL: []policy.ACLGrant{{GranteeURI: policy.AuthenticatedUsersURI, Permission: "READ"}}},
			policy.DecisionDeny, policy.LayerBucketPolicy, policy.ReasonNotGranted},
		{"ACL grant to another account needs its identity policy", aclReq(bobCanonical, "WRITE", false), &policy.Chain{ACLsEnabled: true, BucketACL: []policy.ACLGrant{{GranteeID: "bob-canonical", Permission: "FULL_CONTROL"}}},
			policy.DecisionDeny, policy.LayerIdentity, policy.ReasonCrossAccount},
		{"ACL grant to another account with its identity policy", aclReq(bobCanonical, "WRITE", false), &policy.Chain{ACLsEnabled: true, BucketACL: []policy.ACLGrant{{GranteeID: "bob-canonical", Permission: "FULL_CONTROL"}}, Identity: []*policy.Compiled{allowAll(t)}},
			policy.DecisionAllow, policy.LayerACL, policy.ReasonResourceGrant},
		{"object owned by another account: the bucket policy cannot grant it", objectOwnedBy(aclReq(alice, "READ", true), "444455556666"),
			&policy.Chain{ACLsEnabled: true, Bucket: bucketPolicy(t, `"*"`, "s3:GetObject")},
			policy.DecisionDeny, policy.LayerACL, policy.ReasonCrossAccount},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := policy.Authorize(tt.req, tt.chain)
			assert.Equal(t, tt.want, a.Decision, "%v", a)
			assert.Equal(t, tt.by, a.DecidedBy, "%v", a)
			assert.Equal(t, tt.reason, a.Reason, "%v", a)
		})
	}
}

var bobCanonical = policy.Caller{ARN: "arn:aws:iam::444455556666:user/bob", Account: "444455556666", CanonicalUser: "bob-canonical"}

func aclReq(c policy.Caller, perm string, object bool) *policy.AccessRequest {
	r := accessReq(c, "s3:PutObject", "arn:aws:s3:::b/k")
	if object {
		r.Action = "s3:GetObject"
	}
	r.ACLPermission, r.ACLOnObject = perm, object
	return r
}

func objectOwnedBy(r *policy.AccessRequest, acct string) *policy.AccessRequest {
	r.ObjectOwner = acct
	return r
}

func TestAuthorizeAccessPoint(t *testing.T) {
	apARN := "arn:aws:s3:us-east-1:111122223333:accesspoint/ap"
	apPolicy := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:user/bob"},"Action":"s3:GetObject","Resource":"`+apARN+`/object/*"}]}`)
	identity := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"AP","Effect":"Allow","Action":"s3:GetObject","Resource":"`+apARN+`/object/*"}]}`)

	r := accessReq(bob, "s3:GetObject", "arn:aws:s3:::b/k")
	r.SetAccessPoint(apARN, owner)
	vs, ok := r.Context.Lookup("s3:DataAccessPointArn")
	require.True(t, ok)
	assert.Equal(t, []string{apARN}, vs)

	// Without delegation from the bucket policy, the access point policy
	// is not enough for another account.
	a := policy.Authorize(r, &policy.Chain{AccessPoint: apPolicy, Identity: []*policy.Compiled{identity}})
	assert.Equal(t, policy.DecisionDeny, a.Decision, "%v", a)
	assert.Equal(t, policy.ReasonAccessPointNotDelegated, a.Reason)
	assert.Equal(t, policy.OutcomeAllow, a.Layer(policy.LayerAccessPointPolicy).Outcome)

	// The bucket owner's own principals need no delegation.
	ra := accessReq(alice, "s3:GetObject", "arn:aws:s3:::b/k")
	ra.SetAccessPoint(apARN, owner)
	a = policy.Authorize(ra, &policy.Chain{Identity: []*policy.Compiled{identity}})
	assert.Equal(t, policy.DecisionAllow, a.Decision, "%v", a)

	// A Deny in the bucket policy applies through the access point.
	denyAP := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"NoAP","Effect":"Deny","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}]}`)
	a = policy.Authorize(ra, &policy.Chain{Bucket: denyAP, Identity: []*policy.Compiled{identity}})
	assert.Equal(t, policy.DecisionExplicitDeny, a.Decision, "%v", a)
	assert.Equal(t, policy.LayerBucketPolicy, a.DecidedBy)

	// A public access point policy under RestrictPublicBuckets (on for
	// every access point) grants no other account.
	public := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"`+apARN+`/object/*"}]}`)
	delegate := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"D","Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}]}`)
	a = policy.Authorize(r, &policy.Chain{Bucket: delegate, AccessPoint: public, Identity: []*policy.Compiled{identity}, AccessPointBlock: policy.AllBlocked()})
	assert.Equal(t, policy.DecisionDeny, a.Decision, "%v", a)
	assert.Equal(t, policy.OutcomeBlockedPublic, a.Layer(policy.LayerAccessPointPolicy).Outcome)

	// An access point with network origin VPC is never public ("An access
	// point that has a VPC network origin is always considered
	// non-public, regardless of the contents of its access point policy",
	// S3 user guide, "The meaning of public"), and RestrictPublicBuckets
	// restricts only "an access point or bucket with a public policy":
	// the same policy grants bob, from within the VPC.
	a = policy.Authorize(r, &policy.Chain{Bucket: delegate, AccessPoint: public, AccessPointVPC: true, Identity: []*policy.Compiled{identity}, AccessPointBlock: policy.AllBlocked()})
	assert.Equal(t, policy.DecisionAllow, a.Decision, "%v", a)
	assert.Equal(t, policy.OutcomeAllow, a.Layer(policy.LayerAccessPointPolicy).Outcome)
	// Through an access point, S3 puts its network origin in
	// s3:AccessPointNetworkOrigin: a bucket policy that refuses all but
	// VPC access points lets the request through this one only.
	onlyVPC := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"D","Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}},
	 {"Sid":"OnlyVPC","Effect":"Deny","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"s3:AccessPointNetworkOrigin":"VPC"}}}]}`)
	a = policy.Authorize(r, &policy.Chain{Bucket: onlyVPC, AccessPoint: apPolicy, AccessPointVPC: true, Identity: []*policy.Compiled{identity}})
	assert.Equal(t, policy.DecisionAllow, a.Decision, "%v", a)
	a = policy.Authorize(r, &policy.Chain{Bucket: onlyVPC, AccessPoint: apPolicy, Identity: []*policy.Compiled{identity}})
	assert.Equal(t, policy.DecisionExplicitDeny, a.Decision, "%v", a)
	a = policy.Authorize(accessReq(alice, "s3:GetObject", "arn:aws:s3:::b/k"), &policy.Chain{Bucket: onlyVPC, Identity: []*policy.Compiled{allowAll(t)}})
	assert.Equal(t, policy.DecisionExplicitDeny, a.Decision, "not through an access point: %v", a)
	// A public bucket policy is still restricted through it.
	publicBucket := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"P","Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/*"}]}`)
	a = policy.Authorize(r, &policy.Chain{Bucket: publicBucket, AccessPoint: public, AccessPointVPC: true, Identity: []*policy.Compiled{identity}, AccessPointBlock: policy.AllBlocked()})
	assert.Equal(t, policy.DecisionDeny, a.Decision, "%v", a)
	assert.Equal(t, policy.OutcomeBlockedPublic, a.Layer(policy.LayerBucketPolicy).Outcome)
}

// TestRestrictPublicBucketsAdmitsBothOwners pins which accounts a public
// policy still reaches under RestrictPublicBuckets when the request comes
// through another account's access point. S3 user guide, "Blocking public
// access to your Amazon S3 storage", RestrictPublicBuckets: "Setting this
// option to TRUE restricts access to an access point or bucket with a
// public policy to only AWS service principals and authorized users within
// the bucket owner's account and access point owner's account." Both
// accounts, for the access point's policy and for the bucket's; a
// request to the bucket itself has no access point owner.
func TestRestrictPublicBucketsAdmitsBothOwners(t *testing.T) {
	const apOwner = "444455556666" // bob's account; the bucket is owner's
	apARN := "arn:aws:s3:us-east-1:" + apOwner + ":accesspoint/ap"
	carol := policy.Caller{ARN: "arn:aws:iam::777788889999:user/carol", Account: "777788889999"}
	through := func(c policy.Caller) *policy.AccessRequest {
		r := accessReq(c, "s3:GetObject", "arn:aws:s3:::b/k")
		r.SetAccessPoint(apARN, apOwner)
		return r
	}
	identity := []*policy.Compiled{mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"AP","Effect":"Allow","Action":"s3:GetObject","Resource":"`+apARN+`/object/*"}]}`)}
	publicAP := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"`+apARN+`/object/*"}]}`)
	delegate := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"D","Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"`+apOwner+`"}}}]}`)
	publicBucket := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"P","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)

	// A public access point policy, the access point's own
	// RestrictPublicBuckets on: the bucket owner's user is still reached
	// through another account's access point, as is the access point
	// owner's; a third account is not.
	apChain := &policy.Chain{Bucket: delegate, AccessPoint: publicAP, Identity: identity, AccessPointBlock: policy.AllBlocked()}
	a := policy.Authorize(through(alice), apChain)
	assert.Equal(t, policy.DecisionAllow, a.Decision, "bucket owner's user: %v", a)
	assert.Equal(t, policy.OutcomeAllow, a.Layer(policy.LayerAccessPointPolicy).Outcome)
	a = policy.Authorize(through(bob), apChain)
	assert.Equal(t, policy.DecisionAllow, a.Decision, "access point owner's user: %v", a)
	a = policy.Authorize(through(carol), apChain)
	assert.Equal(t, policy.DecisionDeny, a.Decision, "third account: %v", a)
	assert.Equal(t, policy.OutcomeBlockedPublic, a.Layer(policy.LayerAccessPointPolicy).Outcome)

	// The mirror: a public bucket policy, the bucket's
	// RestrictPublicBuckets on, and no access point policy: the access
	// point owner's user is reached by the bucket policy through the
	// access point, a third account's is not, and without the access
	// point the bucket policy reaches the bucket owner's account only.
	bucketChain := &policy.Chain{Bucket: publicBucket, Identity: identity, BucketBlock: policy.BlockPublicAccess{RestrictPublicBuckets: true}}
	a = policy.Authorize(through(bob), bucketChain)
	assert.Equal(t, policy.DecisionAllow, a.Decision, "access point owner's user: %v", a)
	assert.Equal(t, policy.OutcomeAllow, a.Layer(policy.LayerBucketPolicy).Outcome)
	a = policy.Authorize(through(carol), bucketChain)
	assert.Equal(t, policy.DecisionDeny, a.Decision, "third account: %v", a)
	assert.Equal(t, policy.OutcomeBlockedPublic, a.Layer(policy.LayerBucketPolicy).Outcome)
	direct := accessReq(bob, "s3:GetObject", "arn:aws:s3:::b/k")
	a = policy.Authorize(direct, &policy.Chain{Bucket: publicBucket, Identity: []*policy.Compiled{allowAll(t)}, BucketBlock: policy.BlockPublicAccess{RestrictPublicBuckets: true}})
	assert.Equal(t, policy.DecisionDeny, a.Decision, "not through an access point: %v", a)
	assert.Equal(t, policy.OutcomeBlockedPublic, a.Layer(policy.LayerBucketPolicy).Outcome)

	// PolicyReaches, on its own: the principals of any of the owner
	// accounts it is given, and AWS services.
	rpb := policy.BlockPublicAccess{RestrictPublicBuckets: true}
	assert.True(t, rpb.PolicyReaches(true, alice, owner, apOwner))
	assert.True(t, rpb.PolicyReaches(true, bob, owner, apOwner))
	assert.False(t, rpb.PolicyReaches(true, carol, owner, apOwner))
	assert.False(t, rpb.PolicyReaches(true, anonymous, owner, ""), "an empty account is no one's")
	assert.True(t, rpb.PolicyReaches(true, cloudfrnt, owner, apOwner))
}

func TestAuthorizeDoesNotAllocate(t *testing.T) {
	chain := &policy.Chain{
		SCPs:     []policy.OrgLevel{{allowAll(t)}},
		RCPs:     []policy.OrgLevel{{allowAll(t)}},
		Bucket:   mustCompile(t, benchPolicy(t, 20)),
		Identity: []*policy.Compiled{allowAll(t)},
		Boundary: allowAll(t),
	}
	req, _ := benchRequest(t, "allow")
	r := &policy.AccessRequest{Request: *req, BucketOwner: owner}
	r.Caller = session
	assert.Equal(t, policy.DecisionAllow, policy.Authorize(r, chain).Decision)
	if n := testing.AllocsPerRun(100, func() { policy.Authorize(r, chain) }); n != 0 {
		t.Errorf("Authorize allocates %v times per call", n)
	}
	r.SetAccessPoint("arn:aws:s3:us-east-1:111122223333:accesspoint/ap", owner)
	if n := testing.AllocsPerRun(100, func() { policy.Authorize(r, chain) }); n != 0 {
		t.Errorf("Authorize through an access point allocates %v times per call", n)
	}
}

// TestAuthorizeNotPrincipalWithBoundary pins what the IAM user guide says
// of a resource policy's Deny with NotPrincipal for a caller with a
// permissions boundary ("Permissions boundaries for IAM entities", and the
// key points of "AWS JSON policy elements: NotPrincipal"): "The
// NotPrincipal element with a Deny effect will always deny any IAM
// principal that has a permissions boundary policy attached, regardless of
// the values specified in the NotPrincipal element." Authorize once
// exempted a listed user whatever its boundary, and allowed a request AWS
// denies.
func TestAuthorizeNotPrincipalWithBoundary(t *testing.T) {
	bucket := mustCompile(t, `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Grant","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
	 {"Sid":"OnlyAlice","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::111122223333:root"]},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	boundary := allowAll(t)
	get := accessReq(alice, "s3:GetObject", "arn:aws:s3:::b/k")

	// Without a boundary the listed user is exempt, and the grant allows.
	a := policy.Authorize(get, &policy.Chain{Bucket: bucket})
	assert.Equal(t, policy.DecisionAllow, a.Decision, a.String())

	// With one, even a boundary that allows everything, the Deny applies.
	a = policy.Authorize(get, &policy.Chain{Bucket: bucket, Boundary: boundary, Identity: []*policy.Compiled{allowAll(t)}})
	assert.Equal(t, policy.DecisionExplicitDeny, a.Decision, a.String())
	assert.Equal(t, policy.LayerBucketPolicy, a.DecidedBy)
	assert.Equal(t, "OnlyAlice", a.Deciding().By.Sid)

	// The statement still applies only to its actions and resources.
	a = policy.Authorize(accessReq(alice, "s3:PutObject", "arn:aws:s3:::b/k"), &policy.Chain{Bucket: bucket, Boundary: boundary})
	assert.Equal(t, policy.DecisionAllow, a.Decision, a.String())

	// A caller without a boundary in the same chain (the account root, to
	// which no boundary attaches) is still exempt when listed.
	root := policy.Caller{ARN: "arn:aws:iam::111122223333:root", Account: owner}
	a = policy.Authorize(accessReq(root, "s3:GetObject", "arn:aws:s3:::b/k"), &policy.Chain{Bucket: bucket, Boundary: boundary})
	assert.Equal(t, policy.DecisionAllow, a.Decision, a.String())

	// The caller's request is not changed by the evaluation.
	assert.Equal(t, policy.DecisionAllow, policy.Authorize(get, &policy.Chain{Bucket: bucket}).Decision)
}

// TestAuthorizeFederatedCallerIsNotRoot pins that a federated caller given
// without an ARN is not taken for the account's root user: only the root
// user "has full access" without a policy (IAM user guide, "How AWS
// enforcement code logic evaluates requests": "By default, all requests are
// implicitly denied with the exception of the AWS account root user"), and
// a federated identity is never it. Authorize read an empty ARN as the root
// user's whatever else the Caller held, and allowed
// Caller{Federated: …, Account: owner} s3:DeleteBucket with no policy at all.
func TestAuthorizeFederatedCallerIsNotRoot(t *testing.T) {
	fed := policy.Caller{Federated: "cognito-identity.amazonaws.com", Account: owner}
	a := policy.Authorize(accessReq(fed, "s3:DeleteBucket", "arn:aws:s3:::b"), &policy.Chain{})
	assert.Equal(t, policy.DecisionDeny, a.Decision, a.String())
	assert.NotEqual(t, policy.ReasonRootUser, a.Reason)

	// An identity policy grants it, as it grants any IAM principal.
	a = policy.Authorize(accessReq(fed, "s3:DeleteBucket", "arn:aws:s3:::b"), &policy.Chain{Identity: []*policy.Compiled{allowAll(t)}})
	assert.Equal(t, policy.DecisionAllow, a.Decision, a.String())

	// The account given alone is still its root user.
	a = policy.Authorize(accessReq(policy.Caller{Account: owner}, "s3:DeleteBucket", "arn:aws:s3:::b"), &policy.Chain{})
	assert.Equal(t, policy.ReasonRootUser, a.Reason, a.String())
}

// TestAuthorizeRootNeedsAKnownAccount pins that the root user's
// policy-free access is granted only when the caller's account is known
// and owns the resource: a caller known only by its canonical user ID, or
// a request whose BucketOwner is not set, compared "" with "" and was
// allowed everything as "the owner's root user".
func TestAuthorizeRootNeedsAKnownAccount(t *testing.T) {
	r := accessReq(policy.Caller{CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "s3:DeleteBucket", "arn:aws:s3:::b")
	r.BucketOwner = ""
	a := policy.Authorize(r, &policy.Chain{})
	assert.Equal(t, policy.DecisionDeny, a.Decision, a.String())

	r = accessReq(policy.Caller{ARN: "arn:aws:iam::111122223333:root"}, "s3:DeleteBucket", "arn:aws:s3:::b")
	assert.Equal(t, policy.ReasonRootUser, policy.Authorize(r, &policy.Chain{}).Reason, "the account from the root ARN")
}

// TestAuthorizeSameAccountNeedsAKnownAccount pins that an IAM caller is in
// the resource's account only when that account is known: with neither
// the caller's account nor BucketOwner set, "" equalled "" and an identity
// policy alone allowed, as it does only within one account; across
// accounts "the identity-based policy and the resource-based policy must
// both allow" (IAM user guide, "Cross-account policy evaluation logic").
// The caller's account comes from its ARN when Account is not set.
func TestAuthorizeSameAccountNeedsAKnownAccount(t *testing.T) {
	noAccount := policy.Caller{ARN: "arn:aws:iam::111122223333:user/alice"}
	r := accessReq(noAccount, "s3:GetObject", "arn:aws:s3:::b/k")
	r.BucketOwner = ""
	a := policy.Authorize(r, &policy.Chain{Identity: []*policy.Compiled{allowAll(t)}})
	assert.Equal(t, policy.DecisionDeny, a.Decision, a.String())

	a = policy.Authorize(accessReq(noAccount, "s3:GetObject", "arn:aws:s3:::b/k"), &policy.Chain{Identity: []*policy.Compiled{allowAll(t)}})
	assert.Equal(t, policy.DecisionAllow, a.Decision, "the account from the ARN: %s", a)
}

// TestAuthorizeAdversarialRows are the red-team rows of the chain that were
// already right, each the decision of the IAM user guide's "Policy
// evaluation logic" pages: an explicit Deny anywhere wins; SCP levels must
// each allow (policies of one level are a union); a resource policy naming
// an IAM user allows in its account past an identity policy, boundary or
// session policy without an Allow; across accounts both sides must allow,
// and the caller's boundary and SCPs still limit; RestrictPublicBuckets
// leaves a public policy only to the owner's account and AWS services
// (S3 user guide, "Blocking public access").
func TestAuthorizeAdversarialRows(t *testing.T) {
	bp := func(p string) *policy.Compiled { return bucketPolicy(t, p, "s3:*") }
	deny := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"No","Effect":"Deny","Action":"s3:*","Resource":"*"}]}`)
	none := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"L","Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}]}`)
	rootB := policy.Caller{ARN: "arn:aws:iam::444455556666:root", Account: "444455556666"}
	id := []*policy.Compiled{allowAll(t)}
	restrict := policy.BlockPublicAccess{RestrictPublicBuckets: true}
	A, N, D := policy.DecisionAllow, policy.DecisionDeny, policy.DecisionExplicitDeny
	rows := []struct {
		name string
		c    policy.Caller
		ch   *policy.Chain
		want policy.Decision
	}{
		{"other account's user named, identity allows", bob, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:iam::444455556666:user/bob"}`), Identity: id}, A},
		{"other account named, identity allows", bob, &policy.Chain{Bucket: bp(`{"AWS":"444455556666"}`), Identity: id}, A},
		{"other account's user named, no identity policy", bob, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:iam::444455556666:user/bob"}`)}, N},
		{"other account, identity policy only", bob, &policy.Chain{Identity: id}, N},
		{"other account, its SCP without an allow", bob, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:iam::444455556666:user/bob"}`), Identity: id, SCPs: []policy.OrgLevel{{none}}}, N},
		{"other account, the owner's RCP without an allow", bob, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:iam::444455556666:user/bob"}`), Identity: id, RCPs: []policy.OrgLevel{{none}}}, N},
		{"other account, its boundary without an allow", bob, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:iam::444455556666:user/bob"}`), Identity: id, Boundary: none}, N},
		{"anonymous, public policy", anonymous, &policy.Chain{Bucket: bp(`"*"`)}, A},
		{"anonymous, public policy, RestrictPublicBuckets", anonymous, &policy.Chain{Bucket: bp(`"*"`), BucketBlock: restrict}, N},
		{"owner's user, public policy, RestrictPublicBuckets", alice, &policy.Chain{Bucket: bp(`"*"`), BucketBlock: restrict}, A},
		{"other account, public policy, account RestrictPublicBuckets", bob, &policy.Chain{Bucket: bp(`"*"`), Identity: id, AccountBlock: restrict}, N},
		{"other account's root, its account named", rootB, &policy.Chain{Bucket: bp(`{"AWS":"444455556666"}`)}, A},
		{"other account's root, nothing grants", rootB, &policy.Chain{}, N},
		{"other account's root, its SCP denies", rootB, &policy.Chain{Bucket: bp(`{"AWS":"444455556666"}`), SCPs: []policy.OrgLevel{{deny}}}, D},
		{"user named, SCP denies", alice, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`), SCPs: []policy.OrgLevel{{deny}}}, D},
		{"session named, session policy denies", session, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:sts::111122223333:assumed-role/Reader/i-0abc"}`), Session: deny}, D},
		{"user named, boundary denies", alice, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`), Boundary: deny}, D},
		{"user named, boundary without an allow", alice, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`), Boundary: none}, A},
		{"user named, identity policy denies", alice, &policy.Chain{Bucket: bp(`{"AWS":"arn:aws:iam::111122223333:user/alice"}`), Identity: []*policy.Compiled{deny}}, D},
		{"service named, SCPs do not apply to it", cloudfrnt, &policy.Chain{Bucket: bp(`{"Service":"cloudfront.amazonaws.com"}`), SCPs: []policy.OrgLevel{{none}}}, A},
		{"SCP: a level without an allow", alice, &policy.Chain{Identity: id, SCPs: []policy.OrgLevel{{allowAll(t)}, {none}}}, N},
		{"SCP: a level's policies are a union", alice, &policy.Chain{Identity: id, SCPs: []policy.OrgLevel{{allowAll(t)}, {none, allowAll(t)}}}, A},
	}
	for _, row := range rows {
		t.Run(row.name, func(t *testing.T) {
			a := policy.Authorize(accessReq(row.c, "s3:GetObject", "arn:aws:s3:::b/k"), row.ch)
			assert.Equal(t, row.want, a.Decision, a.String())
		})
	}
}

// TestAuthorizeResourceAccount: Authorize supplies aws:ResourceAccount and
// s3:ResourceAccount from the bucket owner ("This key is always included
// in the request context for most service actions", IAM user guide, "AWS
// global condition context keys", aws:ResourceAccount), so the usual data
// perimeter Deny of resources outside one's accounts does not refuse a
// request to one's own bucket, and does refuse one to another's.
func TestAuthorizeResourceAccount(t *testing.T) {
	for _, key := range []string{"aws:ResourceAccount", "s3:ResourceAccount", "AWS:RESOURCEACCOUNT"} {
		t.Run(key, func(t *testing.T) {
			bucket := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
			 {"Sid":"Perimeter","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/*","Condition":{"StringNotEquals":{"`+key+`":"111122223333"}}}]}`)
			a := policy.Authorize(accessReq(anonymous, "s3:GetObject", "arn:aws:s3:::b/k"), &policy.Chain{Bucket: bucket})
			assert.Equal(t, policy.DecisionAllow, a.Decision, "%v", a)

			other := accessReq(anonymous, "s3:GetObject", "arn:aws:s3:::b/k")
			other.BucketOwner = "444455556666"
			a = policy.Authorize(other, &policy.Chain{Bucket: bucket})
			assert.Equal(t, policy.DecisionExplicitDeny, a.Decision, "%v", a)

			// A value the caller sets in Context is kept.
			set := accessReq(anonymous, "s3:GetObject", "arn:aws:s3:::b/k")
			set.Context.Set(key, "777788889999")
			a = policy.Authorize(set, &policy.Chain{Bucket: bucket})
			assert.Equal(t, policy.DecisionExplicitDeny, a.Decision, "%v", a)
		})
	}
	// In the access point's terms (its policy, the caller's identity
	// policies), the resource is the access point, its account's.
	apARN := "arn:aws:s3:us-east-1:444455556666:accesspoint/ap"
	ap := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"`+apARN+`/object/*","Condition":{"StringEquals":{"aws:ResourceAccount":"444455556666"}}}]}`)
	delegate := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"D","Effect":"Allow","Principal":"*","Action":"*","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"s3:DataAccessPointAccount":"444455556666","aws:ResourceAccount":"111122223333"}}}]}`)
	r := accessReq(bob, "s3:GetObject", "arn:aws:s3:::b/k")
	r.SetAccessPoint(apARN, "444455556666")
	a := policy.Authorize(r, &policy.Chain{Bucket: delegate, AccessPoint: ap, Identity: []*policy.Compiled{allowAll(t)}})
	assert.Equal(t, policy.DecisionAllow, a.Decision, "%v", a)
}
