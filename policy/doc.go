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
// To judge a policy before AWS sees it, [Validate] it: findings carry
// IAM Access Analyzer's issue codes and severities (ERROR, SECURITY_WARNING,
// WARNING, SUGGESTION), the statement, a JSON path, and the line and column,
// so they line up with Access Analyzer's ValidatePolicy. An ERROR means the
// policy is broken (AWS's own managed policies pass, except where they name
// an action that does not exist); what works but is unclean is a WARNING.
// AWS adds S3 actions after every release: [LoadServiceReference] reads a
// newer service reference file for [ValidateOptions].ServiceReference.
// [IsPublic] applies S3's definition of a public bucket or access point
// policy and says what each public statement grants, read or write by the
// action's access level ([IsReadLevel]), and
// [BlockPublicAccess] models the four Block Public Access settings at bucket
// and account level ([Effective] combines them).
//
// To decide requests, [Compile] a document once and call [Compiled.Decide]
// for each [Request] (a [Caller], an action, a resource and a [Context] of
// condition keys): explicit Deny beats Allow beats the implicit deny, with
// every condition operator family, IfExists, ForAnyValue and ForAllValues,
// and policy variables. A compiled decision does not allocate, and visits
// only the statements whose Action or NotAction can match the request's
// action (Compile indexes them by action), Denies first. [Evaluate]
// does the same from parsed documents in one call. The [Result] names the
// statements that decided. A Principal role ARN matches the role's
// sessions, but NotPrincipal exempts a caller only when its whole chain is
// listed (account, role and session, or account and user), as the IAM user
// guide's NotPrincipal page asks; a role ARN there does not exempt sessions.
//
// A policy variable without a value in the request (${aws:username} for a
// role session) makes its statement invalid for that request: it neither
// allows nor denies, with NotResource and negated operators too, unless an
// IfExists operator's key is absent (IAM user guide, "Variables and tags":
// "If AWS cannot resolve a variable this might cause the entire statement
// to be invalid"). Action names and condition keys fold ASCII letters only,
// as IAM does.
//
// ARNs name a partition ("arn:aws-cn:s3:::bucket"): [PartitionOfRegion]
// gives a Region's ([EndpointPartition] too, with aws for a name no
// partition claims, as the SDK resolves it), [IsPartition] and [ARNPartition] check one, and
// [DNSSuffix] gives the domain its endpoints end in ([IsAWSDomain] tells
// a host of AWS's own endpoints, dual-stack included), all from AWS's
// partition data as aws-sdk-go-v2 ships it (generated into this
// package), and none of them takes "aws" for a name it does not know.
// S3 in a partition matches only its own partition's ARNs, so a bucket in
// China is arn:aws-cn:s3:::bucket in every policy that names it.
// [BucketARN], [ObjectARN], the ready-made statements
// ([DenyInsecureTransport], …) and the [Builder] name buckets in aws by
// default; [BucketARNIn], [ObjectARNIn], [InPartition] (for a ready-made
// or any other statement) and BuildOptions.Partition name them in another
// partition.
//
// # The authorization chain
//
// [Decide] treats every document alike. To decide an S3 request as AWS
// does, give each policy its role in a [Chain] and call [Authorize] with an
// [AccessRequest]: the SCPs of the caller's organization and the RCPs of
// the bucket owner's ([OrgLevel]: every level must allow), the bucket
// policy, an access point policy ([AccessRequest.SetAccessPoint]), the
// caller's identity policies, permissions boundary and session policy,
// Block Public Access at account, bucket and access point level, and the
// ACLs when Object Ownership allows them. An explicit Deny anywhere wins.
// In the bucket owner's account a bucket policy that names the user or the
// role session allows on its own; one that names the role is still limited
// by the boundary and the session policy; one that names only the account
// ("AWS": "111122223333" or its root ARN) delegates to the account, whose
// identity policies must then allow. Across accounts both the bucket side
// and the identity side must allow. The [Authorization] names the deciding
// [Layer], its statement and the [Reason], with every layer's
// [LayerResult]; with compiled policies it does not allocate. The rules
// come from the IAM user guide's "Policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html)
// and "Cross-account policy evaluation logic"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic-cross-account.html),
// the S3 user guide's "How Amazon S3 authorizes a request"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/how-s3-evaluates-access-control.html)
// and "Delegating access control to access points", and AWS Organizations'
// "Resource control policies"
// (https://docs.aws.amazon.com/organizations/latest/userguide/orgs_manage_policies_rcps.html).
//
// The S3 action catalog ([LookupAction], [ExpandActions],
// [LookupResourceType], [LookupConditionKey]) and the API operations with
// the actions each needs ([LookupOperation], S3's and S3 Control's) are
// generated by go generate from AWS's Service Authorization Reference for S3
// (completed from the S3 API Reference where it lists an operation without
// its actions) and the global condition keys; a test fails when a generated
// file is stale.
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
//     "arn:aws:s3:::bucket", object actions on "arn:aws:s3:::bucket/prefix*"
//     (in BuildOptions.Partition, aws by default), the s3:prefix condition
//     on s3:ListBucket only.
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
//     deny) is recognised instead of duplicated. A statement with a policy
//     variable brings the policy to Version 2012-10-17, without which the
//     variable would be literal text.
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
// [ErrInvalidGrant] or [ErrDuplicateSid]. [Validate] reports problems as
// [Finding]s, never as an error. [Compile] returns a [*StatementError]
// wrapping [ErrInvalidStatement] for a statement it cannot evaluate (an
// unknown condition operator, for example). [Merge] and [Remove] return
// [*MergeError]s wrapping [ErrMissingSid] or [ErrDuplicateSid], and Merge
// [ErrVersionConflict] for a policy variable it cannot bring into an older
// policy without changing another statement. Ready-made
// statements return errors wrapping [ErrInvalidArgument]; a partition that
// is not an AWS partition ([BucketARNIn], [ObjectARNIn], [InPartition],
// BuildOptions.Partition), or a statement [InPartition] cannot move, is a
// [*PartitionError] matching [ErrInvalidPartition] and
// [ErrInvalidArgument]; marshalling a
// value that cannot be JSON returns [ErrInvalidValue].
// [LoadServiceReference] returns errors wrapping
// [ErrInvalidServiceReference].
package policy
