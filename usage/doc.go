// Package usage turns the record of what was really done to a bucket (its
// S3 server access logs, or CloudTrail's S3 events) into a least-privilege
// policy, and proves that the narrowed policy still allows everything that
// was done.
//
// Use [Suggest]: give it the bucket, its logs as [Source]s ([Files] for
// local files and folders, [S3Location] for "s3://bucket/prefix", [Location]
// for either, [Stream] for anything else) and the bucket owner's account,
// and it returns a [Report]:
//
//   - what each principal used within the window (Options.Since, 90 days by
//     default): per action, per resource, keys merged into prefixes; and,
//     apart, what S3 denied;
//   - a proposed bucket policy and, per user and role, the S3 part of an
//     identity policy, built with [policy.Builder] and validated;
//   - the grants of the policies in force never used in the window, and the
//     grants the proposal adds to them (the bucket policy read from S3;
//     identity policies given as documents, or read through IAM for the
//     users and roles the logs show: Input.IAM);
//   - the proof: every request that succeeded is decided again with
//     [policy.Authorize] against the proposal, and the report says how many
//     are allowed, or lists those that would break and why. A request that
//     may have succeeded unproved (an operation no table knows, a line that
//     could not be read) keeps [Report.Proved] false.
//
// Principals are users, roles (a session, arn:aws:sts::…:assumed-role/R/S,
// counts as its role), root users, anonymous callers and AWS services. A
// server access log names a session without its role's path, and a role
// that lives under one (arn:aws:iam::…:role/service/R) is not
// arn:aws:iam::…:role/R: S3 refuses a bucket policy naming the latter
// ("Invalid principal in policy"). CloudTrail's sessionIssuer carries the
// path, and Suggest uses it for the role's requests in every log of the
// run; for the bucket owner's other roles it asks iam:GetRole (Input.IAM;
// role names are unique in an account, whatever the path) and names the
// role by the ARN IAM returns everywhere: uses, proposal, identity
// policies read, diff and proof. A role whose ARN neither gives (no
// Input.IAM, or another account's role) is proposed as role/R, which is
// right for a role at the root path, and listed in Report.UnresolvedRoles
// with how to learn its path; a role IAM does not have (NoSuchEntity) is
// listed there and withheld. The
// actions a logged request needed come from the S3 API operation it names,
// through policy's catalog ([policy.LookupOperation], generated from AWS's
// Service Authorization Reference); a server access log's operation names
// (REST.GET.OBJECT, …) map to API operations through a table generated from
// internal/s3log/data, and so do the CloudTrail event names that are not an
// API operation's (GetBucketPublicAccessBlock, PostObject: a browser upload,
// replayed with s3:authType POST). Memory is bounded by the number of (principal,
// action) pairs and Options.MaxTrackedKeys, never by the size of the logs,
// which are streamed, several objects at a time.
//
// The proposal, the report and the proof name the bucket in its ARN
// partition (arn:aws-cn:s3:::bucket in China, arn:aws-us-gov:s3:::bucket
// in GovCloud): S3 in a partition matches only its own ARNs. The partition
// is that of Input.Policy's client Region, else the one the bucket policy
// in force names the bucket in, else the one the logged callers' ARNs are
// in (accounts do not reach across partitions), else a log location
// client's Region, else aws. Logs whose callers are in another partition
// than the bucket's, or in two, are refused with [ErrInvalidInput].
//
// To read logs without proposing anything, use [ParseServerAccessLog] and
// [ParseCloudTrail]: both stream, read gzip as S3 and CloudTrail deliver
// it, and give one [Record] per request. A malformed line is counted and
// described, with its file and line, in the [ParseStats]; it never stops a
// run. [ServerAccessLogScanner] reads server access logs without copying
// (a record is valid until the next Scan, like [bufio.Scanner.Bytes]), with
// no allocation per line.
//
// It is a package of its own, beside policy and analyzer rather than in
// either: it reads logs and S3 objects (policy depends on no AWS client),
// and it proposes policies from observed use (analyzer judges the policies
// in force, with Access Analyzer or offline).
//
// # Security defaults
//
//   - Logs and policies are read over TLS, or over plain HTTP from a
//     loopback host only (127.0.0.0/8, ::1, localhost). A client that
//     would send its requests over plain HTTP to any other host (an
//     [S3Location]'s, Input.Policy, Input.IAM) is refused before any
//     request with a [*RemotePlainHTTPError] ([ErrPlainHTTPEndpoint]):
//     anyone on the network path could rewrite the logs and policies. A
//     client that does not let Suggest see its endpoint (a wrapper that
//     drops the per-call options, a test double) is refused too, with an
//     empty Endpoint: it fails closed. Opt-out:
//     Options.AllowInsecureTransport.
//   - Nothing is proposed that was not used: every grant of the proposal is
//     checked against the requests behind it (Report.Unbacked, empty), and
//     denied requests are never proposed.
//   - Keys become prefixes only to stay under Options.MaxResources per
//     statement, the deepest common folder first; the whole bucket only
//     when the use spans it. A key's *, ? and $ are escaped (${*}, ${?},
//     ${$}) so that a grant of one key is not a wildcard.
//   - Anonymous use is not proposed (it would make the bucket public)
//     unless Options.AllowPublic; permissions-management actions
//     (s3:PutBucketPolicy, …) are not proposed unless
//     Options.AllowPermissionsManagement. Both are reported as withheld and
//     their requests as broken by the proof. The bucket owner's root user
//     is never granted anything: S3 allows it whatever the policies say.
//   - The proposal keeps the Deny statements of the bucket policy in force
//     (a narrowing never drops a protection) and its grants to AWS
//     services only (they act without appearing in the logs). Its own
//     grants carry no condition but s3:prefix: a grant in force only
//     under a condition (from some addresses, through a VPC endpoint,
//     over TLS) is proposed without it, and Report.Added lists it with
//     the condition keys dropped (AddedGrant.DroppedConditions), so
//     Report.Widens is true: applying such a proposal widens access, and
//     the command-line tool exits 1 on it.
//   - A service principal's use is never proposed: it acts for any AWS
//     customer, so a grant needs aws:SourceAccount or aws:SourceArn (a
//     confused deputy otherwise), and the logs do not record them. It is
//     withheld; a request that a kept grant to the service allows but for
//     such a key is unverifiable, one that none allows is broken.
//   - A log that cannot be read stops the run ([*ReadError]): a proposal
//     from part of the logs could take away access the rest shows was used.
//   - Log content is data, never trusted: a server access log line longer
//     than 1 MiB is refused, and so is a CloudTrail record (or any value of
//     the file) larger than 1 MiB, which ends its file; a requester the
//     parser does not recognise is [Unknown] and granted nothing.
//
// The replay sets the condition keys a log records (aws:SecureTransport,
// s3:TlsVersion, aws:SourceIp, s3:signatureversion, s3:authType,
// aws:CurrentTime, s3:prefix, s3:versionid), and aws:PrincipalArn, path
// included, for a session of a role whose ARN is known; a kept Deny that tests a key
// the logs do not record (aws:SourceVpce, …) makes its requests
// Unverifiable rather than broken. So does a kept Deny on a key a record
// leaves out though the request had it (the transport or TLS version of a
// CloudTrail record without TLS details, a signed request's signature
// version or authentication type, the source IP) when it could refuse the
// request: a request is never allowed on a value the log does not give. Access point policies, ACLs and Block
// Public Access are not part of the proof.
//
// A request made through an access point (a server access log's Access
// Point ARN; CloudTrail's AWS::S3::AccessPoint resource, the record's
// bucket then read from its AWS::S3::Bucket resource, since what
// requestParameters.bucketName holds for it is not documented) or a
// Multi-Region Access Point (the host of either log,
// ALIAS.mrap.accesspoint.s3-global.amazonaws.com) is learnt
// from and proposed, and the diff reads it with s3:DataAccessPointArn and
// s3:DataAccessPointAccount, but the proof does not decide it: "both the
// access point and the underlying bucket must permit the request" (S3
// user guide, "Configuring IAM policies for using access points"), and
// Suggest neither reads the access point's policy nor proposes one (nor
// identity grants on the access point's ARN, which policy.Authorize
// matches such a request's identity policies against). Such requests are [Replay].ThroughAccessPoint, and the
// proposal is not proved while there are any. A CloudTrail record naming
// an access point (or a Multi-Region Access Point's host) and no bucket
// resource, whose bucketName is not the bucket, cannot be placed: it is counted
// ([Counts].UnplacedAccessPoint) and, when it succeeded, is
// Replay.Unreplayed. So is the source read of a CloudTrail copy whose
// x-amz-copy-source names the object through an access point
// (arn:…:accesspoint/NAME/object/KEY): it does not say the bucket.
//
// A log does not record a request's headers, so the actions an operation
// needs only for some of them (an ACL, tags or Object Lock on an upload, a
// governance bypass on a delete: s3:PutObjectAcl, s3:PutObjectTagging, …;
// policy.Operation.Actions beyond Required) are neither proposed nor
// replayed: an upload that set tags needed s3:PutObjectTagging, which
// neither the proposal nor the proof knows. The diff never lists such a
// grant in force as unused when an operation its principal used on a
// resource it covers may have needed it (UnusedGrant.MaybeUsed).
//
// A read of an object that does not exist (GetObject or HeadObject, no
// version named) answered 404 NoSuchKey counts as a request that
// succeeded ([Counts].NotFound): S3 answers 404 rather than 403 only to a
// caller allowed s3:ListBucket on the bucket as well as s3:GetObject (S3
// API reference, GetObject, "Permissions"), and an existence check that
// gets 403 fails. It is learnt from, proposed and replayed as needing
// both, s3:ListBucket with no s3:prefix condition (which prefix, if any,
// S3 asks about is not documented), so the diff never calls that listing
// unused.
//
// See the S3 user guide, "Amazon S3 server access log format"
// (https://docs.aws.amazon.com/AmazonS3/latest/userguide/LogFormat.html),
// "Logging Amazon S3 API calls using AWS CloudTrail", and the IAM user
// guide, "Policy evaluation logic".
//
// # Errors
//
// [Suggest] returns errors wrapping [ErrInvalidInput] before reading
// anything, a [*ReadError] for a log that cannot be listed or read, an
// [*Error] (wrapping the SDK error) when the bucket policy, an identity
// policy or a role (iam:GetRole, other than NoSuchEntity) cannot be read,
// and the context's error. A malformed line is a [*LineError] wrapping
// [ErrMalformed], kept in [ParseStats]; the parsers return an error only
// for a failed read ([*ReadError]) or the error of the caller's function.
// Every request Suggest sends wraps the client's credentials, and
// [*ReadError] and [*Error] name a credentials provider's error in their
// cause by the types of its chain, never by its text, which can quote the
// credentials (aws-sdk-go-v2's credential_process provider puts its whole
// output into its error when the output does not parse); errors.As still
// reaches it.
package usage
