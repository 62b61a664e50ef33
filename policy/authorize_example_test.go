package policy_test

import (
	"fmt"

	"github.com/s3secure/s3secure/policy"
)

// compileJSON parses and compiles a policy written in an example.
func compileJSON(src string) *policy.Compiled {
	doc, err := policy.Parse([]byte(src))
	if err != nil {
		panic(err)
	}
	c, err := policy.Compile(doc)
	if err != nil {
		panic(err)
	}
	return c
}

// A bucket policy that names the account delegates to the account: a user
// of that account still needs an identity policy that allows. Naming the
// user itself is enough on its own.
func ExampleAuthorize_sameAccountDelegation() {
	bucket := compileJSON(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Account","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"},
	 {"Sid":"Alice","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:PutObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	readAll := compileJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":"*"}]}`)

	req := &policy.AccessRequest{BucketOwner: "111122223333"}
	req.Caller = policy.Caller{ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"}
	req.Resource = "arn:aws:s3:::reports/q1.csv"

	req.Action = "s3:GetObject"
	fmt.Println(policy.Authorize(req, &policy.Chain{Bucket: bucket}))
	fmt.Println(policy.Authorize(req, &policy.Chain{Bucket: bucket, Identity: []*policy.Compiled{readAll}}))
	req.Action = "s3:PutObject"
	fmt.Println(policy.Authorize(req, &policy.Chain{Bucket: bucket}))
	// Output:
	// ImplicitDeny by Identity (the resource policy names only the account, and no identity policy allows)
	// Allow by Identity statement 0 "Read" (granted by an identity policy)
	// Allow by BucketPolicy statement 1 "Alice" (granted by the resource policy)
}

// Across accounts both sides must allow: the bucket policy in the bucket
// owner's account and an identity policy in the caller's.
func ExampleAuthorize_crossAccount() {
	bucket := compileJSON(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)
	identity := compileJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"ReadReports","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::reports/*"}]}`)

	req := &policy.AccessRequest{BucketOwner: "111122223333"}
	req.Caller = policy.Caller{ARN: "arn:aws:sts::444455556666:assumed-role/Analyst/bob", Account: "444455556666"}
	req.Action, req.Resource = "s3:GetObject", "arn:aws:s3:::reports/q1.csv"

	fmt.Println(policy.Authorize(req, &policy.Chain{Bucket: bucket}))
	fmt.Println(policy.Authorize(req, &policy.Chain{Identity: []*policy.Compiled{identity}}))
	fmt.Println(policy.Authorize(req, &policy.Chain{Bucket: bucket, Identity: []*policy.Compiled{identity}}))
	// Output:
	// ImplicitDeny by Identity (cross-account: both sides must allow)
	// ImplicitDeny by BucketPolicy (cross-account: both sides must allow)
	// Allow by BucketPolicy statement 0 "Partner" (granted by the resource policy)
}

// A bucket policy can delegate access control to the access points of the
// owner's account; the access point policy then decides.
func ExampleAuthorize_accessPointDelegation() {
	bucket := compileJSON(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"DelegateToAccessPoints","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::reports","arn:aws:s3:::reports/*"],
	  "Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}]}`)
	ap := compileJSON(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:role/Analyst"},"Action":"s3:GetObject",
	  "Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/finance/object/*"}]}`)
	identity := compileJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"UseAccessPoint","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/finance/object/*"}]}`)
	chain := &policy.Chain{Bucket: bucket, AccessPoint: ap, Identity: []*policy.Compiled{identity}}

	req := &policy.AccessRequest{BucketOwner: "111122223333"}
	req.Caller = policy.Caller{ARN: "arn:aws:sts::444455556666:assumed-role/Analyst/bob", Account: "444455556666"}
	req.Action, req.Resource = "s3:GetObject", "arn:aws:s3:::reports/q1.csv"
	// Directly to the bucket: the bucket policy grants only through access
	// points.
	fmt.Println(policy.Authorize(req, chain))
	req.SetAccessPoint("arn:aws:s3:us-east-1:111122223333:accesspoint/finance", "111122223333")
	fmt.Println(req.AccessPointResource)
	a := policy.Authorize(req, chain)
	fmt.Println(a)
	fmt.Println("bucket policy:", a.Layer(policy.LayerBucketPolicy).Outcome)
	// Output:
	// ImplicitDeny by BucketPolicy (cross-account: both sides must allow)
	// arn:aws:s3:us-east-1:111122223333:accesspoint/finance/object/q1.csv
	// Allow by AccessPointPolicy statement 0 "Partner" (granted by the resource policy)
	// bucket policy: Allow
}

// A service control policy of the caller's organization denies, whatever
// the identity and bucket policies allow; and every level of the
// organization must allow.
func ExampleAuthorize_scpDeny() {
	full := compileJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"FullAWSAccess","Effect":"Allow","Action":"*","Resource":"*"}]}`)
	noDelete := compileJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"DenyDeleteBucket","Effect":"Deny","Action":"s3:DeleteBucket","Resource":"*"}]}`)
	admin := compileJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"Admin","Effect":"Allow","Action":"*","Resource":"*"}]}`)
	chain := &policy.Chain{
		SCPs:     []policy.OrgLevel{{full}, {full, noDelete}}, // the root, then the account
		Identity: []*policy.Compiled{admin},
	}
	req := &policy.AccessRequest{BucketOwner: "111122223333"}
	req.Caller = policy.Caller{ARN: "arn:aws:iam::111122223333:user/admin", Account: "111122223333"}
	req.Resource = "arn:aws:s3:::reports"

	req.Action = "s3:DeleteBucket"
	a := policy.Authorize(req, chain)
	fmt.Println(a, "at level", a.Deciding().Level)
	req.Action = "s3:ListBucket"
	fmt.Println(policy.Authorize(req, chain))
	chain.SCPs = []policy.OrgLevel{{full}, {noDelete}} // nothing allows at the account level
	fmt.Println(policy.Authorize(req, chain))
	// Output:
	// ExplicitDeny by SCP statement 0 "DenyDeleteBucket" (explicit deny) at level 1
	// Allow by Identity statement 0 "Admin" (granted by an identity policy)
	// ImplicitDeny by SCP (no allow in a limiting policy)
}

// RestrictPublicBuckets makes a public bucket policy grant only AWS
// services and the owner's account, so an anonymous read it allows is
// refused.
func ExampleAuthorize_blockPublicAccess() {
	bucket := compileJSON(`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)
	req := &policy.AccessRequest{BucketOwner: "111122223333"}
	req.Action, req.Resource = "s3:GetObject", "arn:aws:s3:::site/index.html" // anonymous

	fmt.Println(policy.Authorize(req, &policy.Chain{Bucket: bucket}))
	a := policy.Authorize(req, &policy.Chain{Bucket: bucket, AccountBlock: policy.AllBlocked()})
	fmt.Println(a)
	fmt.Println("bucket policy:", a.Layer(policy.LayerBucketPolicy).Outcome)
	// Output:
	// Allow by BucketPolicy statement 0 "PublicRead" (granted by the resource policy)
	// ImplicitDeny by BlockPublicAccess (blocked by Block Public Access as public)
	// bucket policy: BlockedPublic
}
