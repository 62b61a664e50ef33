package organization

import (
	"fmt"

	"github.com/s3secure/s3secure/policy"
)

// auditOperations are the S3 API operations the audit calls in a member
// account; the s3: actions they need come from AWS's Service Authorization
// Reference (policy.LookupOperation). TestRolePolicyCoversEveryCall runs
// the audit and fails when it calls an operation this list lacks.
var auditOperations = []string{
	"ListBuckets", "GetBucketPolicy", "GetPublicAccessBlock", "GetBucketOwnershipControls", "GetBucketEncryption",
	"GetBucketLogging", "GetBucketVersioning", "GetBucketAcl", "GetObjectLockConfiguration", "GetBucketLocation",
	"GetBucketLifecycleConfiguration",
}

// unmappedActions are the actions of the calls the reference's operation
// list does not map: S3 Control's account Block Public Access and access
// points, and GetBucketLifecycleConfiguration (listed without actions).
// Each is checked against the catalog (policy.LookupAction) when the
// policy is built.
var unmappedActions = []string{
	"s3:GetLifecycleConfiguration", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints", "s3:GetAccessPoint", "s3:GetAccessPointPolicy",
}

// RolePolicy returns the identity policy the member role (Options.Role)
// needs, and nothing more: read-only S3 configuration (the bucket controls,
// account Block Public Access, access points), CloudTrail's trail
// settings (S3.22/S3.23), account:ListRegions (the enabled Regions), and
// the IAM listings of the access-key report. It is built with
// [policy.Builder], which refuses wildcard actions; Resource is "*"
// (AllowWildcardResources) because the audit reads every bucket and
// account-level setting, which no narrower ARN names. Attach it to a role
// in every member account whose trust policy names the management (or
// delegated administrator) account, with an sts:ExternalId condition if
// you use one.
//
// Errors: none in practice; the error is the builder's, should the
// catalog stop knowing an action.
func RolePolicy() (*policy.Document, error) {
	var s3Actions []string
	seen := map[string]bool{}
	add := func(a string) {
		if !seen[a] {
			seen[a] = true
			s3Actions = append(s3Actions, a)
		}
	}
	for _, op := range auditOperations {
		o, ok := policy.LookupOperation(op)
		if !ok {
			return nil, fmt.Errorf("organization: the S3 catalog has no operation %s", op)
		}
		for _, a := range o.Required {
			add(a)
		}
	}
	for _, a := range unmappedActions {
		if _, ok := policy.LookupAction(a); !ok {
			return nil, fmt.Errorf("organization: the S3 catalog has no action %s", a)
		}
		add(a)
	}
	b := policy.NewBuilder(&policy.BuildOptions{AllowWildcardResources: true})
	for _, st := range []policy.Statement{
		{Sid: "S3ReadConfiguration", Effect: policy.Allow, Action: s3Actions, Resource: policy.Values{"*"}},
		{Sid: "CloudTrailReadTrails", Effect: policy.Allow, Action: policy.Values{"cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors"}, Resource: policy.Values{"*"}},
		{Sid: "AccountListRegions", Effect: policy.Allow, Action: policy.Values{"account:ListRegions"}, Resource: policy.Values{"*"}},
		{Sid: "IAMReadAccessKeys", Effect: policy.Allow, Action: policy.Values{"iam:ListUsers", "iam:ListAccessKeys", "iam:GetAccessKeyLastUsed"}, Resource: policy.Values{"*"}},
	} {
		if err := b.Add(st); err != nil {
			return nil, err
		}
	}
	return b.Document()
}
