// Package securebucket makes an S3 bucket private and hardened in one call,
// and tells you where a bucket, or every bucket, stands against the checks
// of AWS Security Hub and the CIS AWS Foundations Benchmark.
//
// For most uses, call [Harden] on an existing bucket or [Create] for a new
// one, with a *s3.Client and nil options:
//
//	res, err := securebucket.Harden(ctx, client, "my-bucket", nil)
//
// [Plan] shows what Harden would change without changing anything (it
// needs only read permissions). [Audit] checks one bucket and [AuditAll]
// every bucket the caller can list, returning PASS, FAIL, UNKNOWN or
// NOT_APPLICABLE per control with its Security Hub id, severity and CIS
// recommendation. Account-wide controls (account Block Public Access,
// access points, Multi-Region Access Points, CloudTrail data events) are in
// the same package: [AuditAccount] checks them all,
// [SetAccountPublicAccessBlock], [CreateAccessPoint] and [PlanDataEvents]
// change them. With
// [AuditOptions].AccountControl, Audit and AuditAll also report S3.1 and
// judge public access with the account's Block Public Access settings
// combined with the bucket's, as S3 does.
//
// Security Hub's controls keep Security Hub's verdicts. Checks it does not
// make have s3secure ids: S3Secure.SSECBlocked (SSE-C blocked),
// S3Secure.DenyOutdatedTLS (TLS older than 1.2 denied) and
// S3Secure.ServicePrincipalScoped among the [DefaultControls]. The last
// fails a bucket policy whose Allow statement names an AWS service
// principal (cloudfront.amazonaws.com, logging.s3.amazonaws.com, …)
// without an aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or
// aws:SourceOrgPaths condition that names one account, organization or
// bucket (a String or ARN operator, not IfExists, not a pattern open in
// the account, not a policy variable; Null only asks whether the key is
// there: the policy package's RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL rule),
// or in a public
// statement,
// naming each statement and principal: the service would act on the
// bucket for any AWS customer (the confused deputy), and S3.2 and S3.3
// pass it, as a service principal is not public. A Deny grants nothing
// and is not counted; it is NOT_APPLICABLE without a bucket policy, and
// the statements Harden writes (the log-delivery grant carries
// aws:SourceArn and aws:SourceAccount) pass it.
//
// S3Secure.KMSKeyAccount is in [AllControls]: S3.17 passes SSE-KMS with
// any key, and this one fails a default encryption key
// of another account than the bucket owner's ([AuditOptions].AccountID),
// which that account can disable or stop sharing, leaving the objects
// unreadable, and can let others decrypt. It passes the owner's key, the
// AWS managed key aws/s3 and the keys of
// [AuditOptions].TrustedKMSKeyAccounts; it is UNKNOWN when the key is a
// bare key id or alias (its account cannot be known, and S3 resolves an
// alias in each writer's account) or the owner's account is not given,
// and NOT_APPLICABLE without SSE-KMS or DSSE-KMS. Harden, Plan and Create
// apply the same rule to the key they are given (see "Security
// defaults"), so a bucket they configured passes it.
//
// Harden is idempotent: it reads each setting, changes only what differs,
// and a second call on a hardened bucket makes no write request. It never
// weakens what it finds and never drops what others wrote: foreign bucket
// policy statements and lifecycle rules are kept in order, an existing
// SSE-KMS or DSSE-KMS configuration and its key are kept, versioning is
// never suspended, Block Public Access settings are never turned off, and
// fields it does not manage (Bucket Key, BlockedEncryptionTypes, the
// lifecycle's TransitionDefaultMinimumObjectSize, the server access log key
// format, Object Lock's default event hold) are carried through the
// whole-replace PUTs (see [Writes]). An
// infrastructure-as-code tool that owns the bucket policy or lifecycle
// configuration (Terraform, CloudFormation, CDK) will remove merged
// additions on its next apply: add them there too.
//
// # Security defaults
//
// Each default and the field that leaves it out (a field never makes
// Harden turn a setting off; it only leaves the setting as it is):
//
//   - Block Public Access: all four bucket settings on, written first (see
//     "Protection first" under [Writes]). Opt-out:
//     [Options].AllowPublicAccess.
//   - Object Ownership BucketOwnerEnforced (ACLs disabled). If the bucket ACL
//     grants anyone but the owner, Harden stops with an [*ACLGrantsError]
//     listing the grants, before writing anything; [Options].AllowACLGrantRemoval
//     accepts their removal. Object ACLs stop applying too, and Harden
//     cannot check every object's ACL: move object-ACL sharing to the
//     bucket policy first. Opt-out: [Options].AllowACLs.
//   - Default encryption SSE-S3, or SSE-KMS with [Options].KMSKeyARN and S3
//     Bucket Keys; never downgraded. The key must be in the bucket's Region
//     (S3 accepts any key here, and uploads then fail), which is checked
//     before it is written. It must be named by its key or alias ARN (a
//     bare key id or alias name resolves in each writer's account, and is
//     refused with [ErrInvalidOptions]) and be of the bucket owner's
//     account, [Options].ExpectedBucketOwner, which KMSKeyARN therefore
//     needs: the rule of S3Secure.KMSKeyAccount. A key of another account,
//     or any key without ExpectedBucketOwner, is refused before any
//     request with a [*KMSKeyAccountError] ([ErrKMSKeyAccount]), unless
//     its account is listed in [Options].TrustedKMSKeyAccounts (pass the
//     audit the same list). An existing SSE-KMS or DSSE-KMS key is never
//     changed, whatever its account (readers and writers without access to
//     a new key would be cut off); when the rule does not pass it, the
//     encryption step's Notes say so, in Plan and in Harden's Result.
//     SSE-C blocked with BlockedEncryptionTypes. Opt-out:
//     [Options].AllowSSEC.
//   - Versioning enabled (noncurrent versions are kept until a lifecycle
//     rule of the owner's expires them). Opt-out: [Options].AllowUnversioned.
//   - Bucket policy statements that deny requests without TLS
//     (aws:SecureTransport false, Security Hub S3.5) and with TLS older
//     than 1.2 (s3:TlsVersion), on the bucket and its objects, merged with
//     policy.Merge, which recognises an equivalent statement someone else
//     wrote. The merged policy is checked against the 20 KB limit before it
//     is sent; ConfirmRemoveSelfBucketAccess is never set. Statements that
//     make the existing policy public are kept (Block Public Access
//     neutralises them) and reported in the step's Notes;
//     [Options].AllowPublicStatementRemoval removes them. Our own statement,
//     made stricter since (S3SecureDenyOutdatedTLS with NumericLessThan
//     "1.3"), is kept as it is, and someone else's statement under our
//     Sid stops Harden, before any write, with a [*SidConflictError] (see
//     "Ours, made stricter" and "Whose statement is under our Sid" under
//     [Writes]). Because the TLS statement refuses plain HTTP, Plan,
//     Harden and Create
//     refuse a client whose endpoint is plain HTTP with a
//     [*PlainHTTPError] before sending anything: the statement would lock
//     the caller out half way. Opt-outs: [Options].AllowInsecureTransport
//     (which also lets them run over plain HTTP, for a local test server),
//     [Options].AllowOutdatedTLS.
//   - A lifecycle rule ([LifecycleRuleID]) that aborts incomplete multipart
//     uploads after [DefaultAbortIncompleteMultipartDays] days, merged by
//     rule ID. A rule that carries that ID but has settings of its own
//     (expiration, transitions, a filter) is never overwritten: Harden stops
//     with [ErrIncompatible]; one that aborts sooner is kept. A bucket whose
//     owner turned MFA delete on gets no rule: S3 does not support a
//     lifecycle configuration with MFA delete, and Harden never turns it
//     off (the step says so, and its Failing names S3.13 and S3.10). Opt-out:
//     [Options].AllowNoLifecycleRule.
//   - [Options].ExpectedBucketOwner, when set, is sent with every request, so
//     a bucket of the same name owned by someone else is refused with 403.
//   - The audits ([Audit], [AuditAll], [AuditAccount], [AuditAccessPoints],
//     [AuditMultiRegionAccessPoints], [AuditDataEvents],
//     [AuditAccountPublicAccessBlock]), [ReadAccountPublicAccessBlock] and
//     the account Block Public Access change
//     ([PlanAccountPublicAccessBlock], [SetAccountPublicAccessBlock],
//     [ApplyAccountPublicAccessBlock], whose reads decide whether public
//     buckets would be cut off) and the access point writers
//     ([DelegateToAccessPoints], [PlanAccessPoint], [CreateAccessPoint],
//     which write back the bucket policy they read) and of data events
//     ([PlanDataEvents], [ApplyDataEvents], which write back a trail's
//     selectors) read over TLS, or
//     over plain HTTP from a loopback host only (127.0.0.0/8, ::1,
//     localhost: the in-memory fakes, s3secure serve, moto). A client (or
//     AuditOptions.AccountControl) whose requests would go over plain HTTP
//     to any other host is refused before any request with a
//     [*RemotePlainHTTPError] ([ErrPlainHTTPEndpoint]): SigV4 signs the
//     requests, but nothing authenticates the answers, so anyone on the
//     network path could forge a PASS. The endpoint judged is the one the
//     SDK resolves (BaseEndpoint, AWS_ENDPOINT_URL and
//     AWS_ENDPOINT_URL_<SERVICE>, a custom resolver, DisableHTTPS) for
//     a *Client, or a wrapper that passes the per-call options on; a
//     client that does not let the audit see it (a wrapper that drops
//     the per-call options, a test double) is refused the same way, with
//     an empty Endpoint: the audit fails closed. A bucket's reads, which
//     go to its Region's endpoint, are each checked too (AuditAll gives a
//     bucket whose Region's requests would go over plain HTTP to a remote
//     host the error as Report.Err). Opt-out:
//     AllowInsecureTransport of the audit's options ([AccountReadOptions]
//     for the account Block Public Access read and audit,
//     [AccountPublicAccessBlockOptions] for its plan and apply).
//
// Optional settings, only when asked for: server access logging
// ([Options].Logging: a same-Region target without a default Object Lock
// retention and not Requester Pays, as S3 delivers logs into no other,
// checked on every run, also when logging into it is already configured; a
// log-delivery statement for
// logging.s3.amazonaws.com scoped by aws:SourceArn and aws:SourceAccount is
// merged into the target's policy; ACL grants are never used), Object Lock
// ([Options].ObjectLock; it cannot be undone), and MFA delete
// ([Options].MFADelete; only the bucket owner's root user can enable it,
// and it cannot be combined with lifecycle rules).
//
// # Writes
//
// Every setting Harden writes is one that S3 replaces whole and cannot
// write conditionally (no ETag, no If-Match): Block Public Access, Object
// Ownership, default encryption, versioning, lifecycle, the bucket policy
// (and a logging target's), Object Lock and server access logging. Each is
// written at the moment of the write, not from the plan's read, with the
// library's one write discipline, described in full in
// [github.com/s3secure/s3secure/internal/rmw]:
//
//  1. Fresh read: the setting is read again one request before the write.
//  2. Merge: the step's decision is taken again on that read, with the
//     same rules as the plan (ours added or replaced, everything else
//     carried through; never weaker than what was read). If the read
//     already holds our part, nothing is written.
//  3. Write: the merged value, with all its fields. A retryable failure
//     goes back to 1 ([Retry]), never resends an old merge.
//  4. Verify: the setting is read again. If another writer replaced it,
//     Harden merges again (up to 5 writes, then [ErrConflict]); it never
//     overwrites what it has not read. If the endpoint does not keep part
//     of the write, the step ends with [ActionNotKept] naming what was
//     dropped, rather than an endless update.
//
// [CreateAccessPoint] and [DelegateToAccessPoints] write the access point
// policy and the bucket policy the same way,
// [ApplyAccountPublicAccessBlock] the account's Block Public Access, and
// [ApplyDataEvents] a trail's event selectors; a change the endpoint does
// not keep fails them with [ErrConflict].
//
// Within one process, writes to the same setting of the same bucket take
// turns. Between processes the window in which a
// concurrent change can be lost is the one round trip between 1 and 3,
// which S3's API cannot close; verification catches every later change.
//
// Protection first. The writes are ordered so that a failure at any point
// leaves the bucket more protected than before and S3 accepts each write:
// Block Public Access comes first (BlockPublicAcls, IgnorePublicAcls and
// RestrictPublicBuckets neutralise public ACLs and public policies at once
// and refuse none of Harden's writes), then ACLs are disabled, then
// encryption, versioning, lifecycle and the merged policy. BlockPublicPolicy
// is written with the others, unless the merged policy keeps a public
// statement, which S3 would refuse to store once it is on: then
// [StepBlockPublicPolicy] turns it on right after the policy. [Create] has
// no policy to wait for: the request right after CreateBucket switches all
// four settings on, and the bucket never exists without them.
//
// Ours, made stricter. A statement or rule under the library's own Sid or
// ID is Harden's, but its owner may have tightened it since; Harden never
// replaces it with something weaker. "At least as strict" is, per setting:
//
//   - S3SecureDenyInsecureTransport: a Deny of every S3 action for every
//     principal on the bucket and its objects whose only condition is Bool
//     or BoolIfExists aws:SecureTransport false;
//   - S3SecureDenyOutdatedTLS: the same Deny with NumericLessThan or
//     NumericLessThanEquals s3:TlsVersion v, v ≥ 1.2 ("1.3", or "1.2" with
//     NumericLessThanEquals, which refuses TLS 1.2 too, is stricter; v
//     must be a number IAM reads, so "Infinity" is weaker);
//   - either of these two: also any Deny that applies wherever ours does
//     (the same or more principals, actions and resources, and no
//     condition but ours): a Deny of everything with no condition, such as
//     a lockdown during an incident, is kept. Audit still reports S3.5 and
//     S3Secure.DenyOutdatedTLS as FAIL for it: AWS Config's
//     s3-bucket-ssl-requests-only, which S3.5 runs, documents as compliant
//     a statement that denies when aws:SecureTransport is false, not a
//     Deny without that condition;
//   - the log-delivery statement in a logging target's policy,
//     S3SecureDelegateToAccessPoints ([DelegateToAccessPoints],
//     [CreateAccessPoint]) and the access point policy statements of
//     [CreateAccessPoint] ([AccessPointSidPrefix]): an Allow that grants
//     nothing ours does not (the same or fewer principals, actions and
//     resources, and our conditions with the same or fewer values;
//     conditions of its own only narrow it);
//   - the [LifecycleRuleID] rule: enabled, for the whole bucket, aborting
//     incomplete multipart uploads after 1 to AbortIncompleteMultipartDays
//     days (fewer days is stricter);
//   - Object Lock default retention: a mode at least as strict
//     (COMPLIANCE over GOVERNANCE) and a period at least as long in any
//     calendar (a period in days replaces one in years only if it is as
//     long as 366-day years), and its default event hold kept;
//   - default encryption: SSE-KMS and DSSE-KMS over SSE-S3, any key kept;
//     SSE-C blocked stays blocked;
//   - Block Public Access: a setting that is on stays on; versioning that
//     is enabled stays enabled.
//
// A lifecycle rule under our ID that does more than ours stops Harden with
// [ErrIncompatible]; any other setting under our ID that is weaker is
// replaced with ours.
//
// Whose statement is under our Sid. A policy statement under one of our
// Sids that is not ours made stricter is replaced with ours only when it is
// a version of ours that ours strengthens: the same effect, principals,
// actions and resources as ours, conditions only on keys ours has, and
// ours denies everything it denies (policy.DeniesAtLeast, comparing
// numeric bounds as numbers: NumericLessThan s3:TlsVersion "1.1" is
// replaced with "1.2") or grants nothing it does not (policy.AllowsNoMoreThan):
// an older log-delivery statement without aws:SourceAccount, the
// delegation statement without its account condition. Anything else under
// our Sid is someone else's statement, which replacing would drop, and
// which may deny more than ours in another way (a lockdown of the bucket
// that spares incident responders by aws:PrincipalArn, under the TLS
// Sid): Harden, Plan, DelegateToAccessPoints, PlanAccessPoint and
// CreateAccessPoint refuse it before any write with a [*SidConflictError]
// ([ErrSidConflict], also [ErrIncompatible]) naming the policy, the Sid
// and how the statement differs; give it another Sid and run again. A
// statement s3secure wrote for other options (an access point policy's
// earlier principal or prefix) cannot be told from someone else's and is
// refused too: remove it, or give it another Sid, first.
// Removing a statement of ours that an access point no longer needs
// follows the same rule (against our statement of the same principal and
// prefix with readwrite access), and a Sid under [AccessPointSidPrefix]
// that s3secure never writes is someone else's too. The same judgement is
// made again on the fresh read before each write, so a statement put
// under our Sid after the plan is never replaced either. Audit judges the
// statements themselves, whatever their Sids: such a bucket keeps its
// FAIL for S3.5 or S3Secure.DenyOutdatedTLS until it has the TLS deny.
// The rule is policy.JudgeSid, which cloudfront's writers share.
//
// 409 OperationAborted, throttling (503 SlowDown), 5xx responses and
// dropped connections are retried with exponential backoff and jitter
// ([Retry]). When a bucket lives in another Region than the client's, the
// requests follow the Region S3 names in its error.
//
// [Options].PolicyCheck adds a pre-flight check of every policy Harden
// writes; analyzer.Gate (IAM Access Analyzer's custom policy checks) is
// one. It is off by default because each check is a billed call.
//
// The account-level calls have secure defaults of their own, each with the
// field that weakens it:
//
//   - [ApplyAccountPublicAccessBlock] and [SetAccountPublicAccessBlock]
//     refuse, with a [*PublicBucketsError], to switch on account Block
//     Public Access while the plan lists buckets that are public today (or
//     could not be checked). Opt-in:
//     [AccountPublicAccessBlockOptions].AllowBlockingPublicBuckets.
//   - [CreateAccessPoint] needs a VPC id (network origin VPC) and turns on
//     all four Block Public Access settings, which cannot change after
//     creation. Opt-in: [AccessPointOptions].AllowInternetOrigin. It also
//     merges the S3SecureDelegateToAccessPoints statement into the bucket
//     policy; [AccessPointOptions].DisableBucketDelegation leaves the bucket
//     policy alone.
//   - [PlanDataEvents] logs both read and write S3 data events, and its
//     plan says what will be logged before [ApplyDataEvents] writes it.
//     Opt-in: [DataEventsOptions].AllowWriteOnly (reads then leave no trace
//     and S3.23 fails).
//
// # Errors
//
// Invalid input is refused before any request with an error wrapping
// [ErrInvalidBucketName] or [ErrInvalidOptions]; a KMSKeyARN that
// S3Secure.KMSKeyAccount would not pass is a [*KMSKeyAccountError], which
// wraps both [ErrKMSKeyAccount] and ErrInvalidOptions. A step that cannot be
// planned or applied is a [*StepError] (bucket, step, cause) that wraps the
// SDK's error (reach it with errors.As and smithy.APIError) or one of
// [ErrACLGrants] ([*ACLGrantsError]), [ErrPublicPolicyBlocked],
// [ErrPolicyTooLarge], [ErrIncompatible], [ErrSidConflict]
// ([*SidConflictError]), [ErrConflict], [ErrPolicyCheck]. Harden's Result
// says which steps were applied before a failure; calling Harden again
// continues. A client whose endpoint is plain HTTP is refused with a
// [*PlainHTTPError] ([ErrPlainHTTPEndpoint]) before any request, unless
// AllowInsecureTransport. A setting the endpoint did not keep is not an
// error: its step in the Result has [ActionNotKept]. [Create] reports a taken name as [ErrBucketAlreadyExists] or
// [ErrBucketAlreadyOwnedByYou] (in us-east-1, where S3 answers a re-create
// by the owner with 200 OK, Create looks for the bucket first). [Audit] does not fail on unreadable
// settings: the controls that need them are UNKNOWN, with the cause in
// [ControlResult].Err. A setup problem is not an unreadable setting:
// credentials that cannot be retrieved or that AWS refuses
// (InvalidAccessKeyId, SignatureDoesNotMatch, ExpiredToken, …), a
// machine clock AWS refuses (RequestTimeTooSkewed, RequestExpired) after the
// SDK's clock skew correction, a refused
// connection, a host name that does not resolve, a TLS failure. Every
// other request would fail the same way, so the audits stop at the first
// read that meets one and return it as their error: [Audit] a [*StepError]
// (Step [StepAudit]) and no Report; [AuditAll] the same error with the
// reports finished before it, starting no other bucket (credentials that
// expire during the run stop it there). Except a setup problem that is
// one Region's: met by a bucket of another Region than the client's while
// the client's Region still answers (an opt-in Region not enabled for the
// account, a session token not valid there: S3 answers 400 InvalidToken),
// it makes AuditAll report that Region's buckets as not audited (a
// [*RegionError] in Report.Err, never PASS) and go on with the others.
// [Harden], [Plan] and [Create]'s hardening stop at a setup problem's
// first read too: a [*StepError] naming the first step that needs it,
// nothing written. A bucket all access to which has been disabled (S3
// answers 403 AllAccessDisabled, "Contact Amazon Web Services Support")
// is not a setup problem, but every read of it is refused alike: the
// audits stop reading it at the first such answer, [Audit] returns a
// [*StepError] and no Report, and [AuditAll] reports it as not audited
// and goes on.
// [Harden], [Plan] and [Create] stop there too, after one request, with a
// [*StepError] naming their first step and saying the bucket is disabled,
// nothing written (Create sends no CreateBucket for the name); so does
// hardening a bucket whose logging target is disabled.
//
// A credentials provider's failure is named by the types of its error
// chain, never by its text, which can quote the credentials (aws-sdk-go-v2's
// credential_process provider puts its whole output into its error when
// the output does not parse): every request wraps the client's
// credentials so, and the package's error types print an SDK error that
// holds one the same way. errors.As still reaches the provider's error.
//
// The account-level calls refuse invalid input before any request:
// [ErrInvalidAccountID], [ErrInvalidAccessPoint], [ErrAccessPointOrigin]
// and [ErrInvalidDataEvents]. A failed S3 Control request is an
// [*AccountError] and a failed CloudTrail request a [*TrailError]; both
// wrap the SDK's error. [ErrBucketsRelyOnPublicAccess] ([*PublicBucketsError])
// lists the buckets that account Block Public Access would cut off;
// [ErrAccessPointMismatch] means an existing access point differs in a
// setting that cannot change after creation; [ErrDataEventsSelectorLimit]
// means the trail has no room for another event selector and
// [ErrDataEventsChanged] that its selectors changed since the plan.
// [AuditAccount] reports a setting it cannot read as UNKNOWN, never PASS;
// it, [AuditAccessPoints] and [AuditDataEvents] return a setup problem as
// their error ([*AccountError], [*TrailError]) with no results.
//
// AWS documentation:
//   - Block Public Access: https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html
//   - Object Ownership: https://docs.aws.amazon.com/AmazonS3/latest/userguide/about-object-ownership.html
//   - Default encryption and SSE-C blocking: https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucket-encryption.html
//   - Security Hub S3 controls: https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html
//   - Server access logging: https://docs.aws.amazon.com/AmazonS3/latest/userguide/enable-server-access-logging.html
//   - MFA delete: https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiFactorAuthenticationDelete.html
//   - Object Lock: https://docs.aws.amazon.com/AmazonS3/latest/userguide/object-lock.html
//
// [Writes]: https://pkg.go.dev/github.com/s3secure/s3secure/securebucket#hdr-Writes
package securebucket
