package organization

import (
	"fmt"

	"github.com/s3secure/s3secure/policy"
)

// auditOperations are the API operations the audit calls in a member
// account, S3 Control's qualified by their SDK service; the s3: actions they
// need come from AWS's Service Authorization Reference
// (policy.LookupOperation). TestRolePolicyCoversEveryCall runs the audit and
// fails when it calls an operation this list lacks.
var auditOperations = []string{
	"ListBuckets", "GetBucketPolicy", "GetPublicAccessBlock", "GetBucketOwnershipControls", "GetBucketEncryption",
	"GetBucketLogging", "GetBucketVersioning", "GetBucketAcl", "GetObjectLockConfiguration", "GetBucketLocation",
	"GetBucketLifecycleConfiguration",
	"s3control:GetPublicAccessBlock", "s3control:ListAccessPoints", "s3control:GetAccessPoint", "s3control:GetAccessPointPolicy",
	"s3control:ListMultiRegionAccessPoints", "s3control:GetMultiRegionAccessPoint",
}

// RolePolicy returns the identity policy the member role (Options.Role)
// needs, and nothing more: read-only S3 configuration (the bucket controls,
// account Block Public Access, access points, Multi-Region Access Points),
// CloudTrail's trail settings (S3.22/S3.23), account:ListRegions (the
// enabled Regions), and the IAM listings of the access-key report. It is built with
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
	for _, op := range auditOperations {
		if o, ok := policy.LookupOperation(op); !ok || len(o.Required) == 0 {
			return nil, fmt.Errorf("organization: the S3 catalog has no action for operation %s", op)
		}
	}
	s3Actions := policy.RequiredActions(false, auditOperations...)
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
