// Package policy reads, writes, builds and merges IAM and S3 policy
// documents. It depends on no AWS client: everything that writes or judges a
// policy in s3secure goes through it.
//
// To grant access, describe the intent and let [Build] (or a [Builder])
// write the statements:
//
//	doc, err := policy.Build([]policy.Grant{{
//		Intent:    policy.ReadOnly,
//		Bucket:    "reports",
//		Prefix:    "2024/",
//		Principal: policy.AWSPrincipal("arn:aws:iam::111122223333:role/reader"),
//	}}, nil)
//
// To add our ready-made statements ([DenyInsecureTransport],
// [DenyOutdatedTLS], [AllowCloudFrontOAC], [AllowCloudFrontOAI],
// [ServerAccessLogsDelivery], [DenyOutsideVPCEndpoint],
// [DenyOutsideOrganization], [DelegateToAccessPoints],
// [RequireMFAForDeletes]) to a bucket's existing policy, [Parse] it and
// [Merge]; [Remove] takes ours out again. To read a policy, [Parse] it;
// [Document.Marshal] writes it back.
//
// # Documents
//
// [Document], [Statement], [Principal] and [Condition] are plain Go values
// that are easy to build in code ([AnyPrincipal], [AWSPrincipal],
// [ServicePrincipal], [Strings], [NewCondition]). A document read with
// [Parse] keeps its source's shape (key order, single string or list, JSON
// types of condition values), so [Document.Marshal] returns the source with
// its whitespace removed and a policy changed by [Merge] diffs cleanly.
// [Document.Pos] gives the line and column of every element, by a JSON path
// such as "Statement[0].Condition.IpAddress.aws:SourceIp[1]".
// [Document.CheckSize] checks the size limit of each [Kind] of policy
// before anything is sent.
//
// # Security defaults
//
//   - The [Builder] places each action on the resource type AWS's Service
//     Authorization Reference gives it ([LookupAction]): bucket actions on
//     "arn:aws:s3:::bucket", object actions on "arn:aws:s3:::bucket/prefix*",
//     the s3:prefix condition on s3:ListBucket only.
//   - It refuses, with a [*BuildError], Allow statements with action
//     patterns (AllowWildcardActions), "*" or wildcard-bucket resources
//     (AllowWildcardResources), everyone as principal without a condition S3
//     counts as limiting (AllowPublic), NotPrincipal (AllowNotPrincipal),
//     NotAction or NotResource (AllowNotActionOrNotResource) and
//     Permissions-management actions (AllowPermissionsManagement). Each
//     [BuildOptions] field allows one and says what it risks; the zero value
//     allows none. Deny statements are never refused.
//   - [Merge] never reorders, changes or drops anyone else's statement; ours
//     carry Sids starting with [SidPrefix]; an equivalent statement written
//     by someone else (Security Hub's AllowSSLRequestsOnly, CDK's unnamed
//     deny) is recognised instead of duplicated.
//   - Ready-made statements validate their arguments, so a bucket name or
//     prefix can never smuggle a wildcard into a policy.
//   - [Parse] refuses duplicate keys, which IAM and S3 would resolve in a
//     way the reader of the JSON does not see, and unknown elements.
//
// See the S3 user guide's "Bucket policy examples" and "Blocking public
// access" (https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html)
// and the IAM JSON policy element reference
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements.html).
//
// # Errors
//
// [Parse] returns a [*ParseError] with line and column, wrapping
// [ErrSyntax], [ErrDuplicateKey], [ErrUnknownField] or [ErrWrongType].
// [Document.CheckSize] returns a [*SizeError] wrapping [ErrPolicyTooLarge].
// The [Builder] returns [*BuildError]s wrapping [ErrWildcardAction],
// [ErrWildcardResource], [ErrPublicGrant], [ErrNotPrincipalAllow],
// [ErrNotActionOrResourceAllow], [ErrPermissionsManagement],
// [ErrInvalidGrant] or [ErrDuplicateSid]. [Merge] and [Remove] return
// [*MergeError]s wrapping [ErrMissingSid] or [ErrDuplicateSid]. Ready-made
// statements return errors wrapping [ErrInvalidArgument]; marshalling a
// value that cannot be JSON returns [ErrInvalidValue].
package policy
