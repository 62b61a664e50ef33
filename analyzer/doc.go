// Package analyzer answers "who outside my account can reach this bucket,
// and how?" in two ways that give the same kind of answer: online, by
// querying IAM Access Analyzer, and offline, by reading the bucket's own
// settings and judging them with the policy package, with no Access
// Analyzer at all.
//
// For most uses:
//
//   - [EnsureAnalyzer] then [ListFindings] for the active S3 findings of
//     the Region's analyzer (public, cross-account, organization),
//     [EnsureArchiveRule] with [ExpectedAccountsRule] or [OrganizationRule]
//     to mark expected access, [Archive] and [Unarchive] for single
//     findings;
//   - [AnalyzeBucket] or [AnalyzeAll] for the offline analysis of one or
//     every bucket, or [Analyze] on a [BucketState] you already hold;
//   - [Validate] to run Access Analyzer's ValidatePolicy on a bucket policy
//     with findings of type [policy.Finding], like [policy.Validate];
//   - [Gate] as a pre-flight check before a bucket policy is written
//     (CheckNoPublicAccess and CheckAccessNotGranted);
//   - [KeyHygiene] for IAM users' access keys older than 90 days, never
//     used, unused for more than 45 days, or a second active key;
//   - [CheckBucketRegions] before asking about particular buckets: Access
//     Analyzer only knows the buckets of its own Region.
//
// Both paths return [Finding] values with the same fields (kind, public,
// principal, accounts, organization, actions, limiting conditions,
// sources), so results can be compared; the package's tests check both
// against one table of scenarios taken from Access Analyzer's
// documentation.
//
// # How the offline analysis decides
//
// For each Allow statement of the bucket policy, each grant of the bucket
// ACL and each statement of a delegated access point policy, the analysis
// reports a principal outside the zone of trust (the owner's account, plus
// AnalyzeOptions.TrustedAccounts and AnalyzeOptions.Organization):
//
//   - public when S3 counts the statement public ([policy.IsPublic]: "*",
//     NotPrincipal, wildcard or federated principals without a condition
//     that fixes a limiting key) or the ACL grants to AllUsers or
//     AuthenticatedUsers;
//   - organization for a "*" principal limited by aws:PrincipalOrgID (not
//     public, although "*" appears), cross-account for named accounts or
//     accounts fixed by aws:PrincipalAccount, aws:SourceAccount or
//     s3:DataAccessPointAccount, conditional for "*" limited by network
//     conditions (aws:SourceVpc, aws:SourceVpce, aws:SourceIp);
//   - AWS service principals (cloudtrail.amazonaws.com, the
//     logging.s3.amazonaws.com grant of server access logging, …) are not
//     reported: "IAM Access Analyzer does not currently report findings
//     from AWS service principals or internal service accounts" ("How IAM
//     Access Analyzer findings work",
//     https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html);
//   - each action of the statement is then judged on its own, by
//     authorizing requests that exercise it with [policy.Authorize] and
//     the bucket's whole chain: bucket policy, access point policy, Block
//     Public Access at account, bucket and access point level, the ACL
//     when Object Ownership allows ACLs. The outside principal's own side
//     (its identity policies, SCPs, permissions boundary) is taken as
//     allowing, since Access Analyzer "does not consider the state of any
//     external accounts" (same page). A Deny statement drops the actions
//     it removes, and only those: a grant is dropped only once every
//     action it covers is refused on every resource it names (in a
//     policy naming more resources than the analysis tries, a grant a
//     Deny refuses on those it tries is kept),
//     and a Deny such as "StringNotEquals aws:PrincipalOrgID" becomes the
//     limit it is for the actions it covers (so one statement may give two
//     findings: s3:GetObject public, s3:PutObject limited to the
//     organization); a Deny with NotPrincipal that spares an outside
//     account leaves that account's access, reported as cross-account; a
//     Deny that only demands a request shape the caller chooses (an
//     encryption header, the bucket-owner-full-control ACL, a Referer or
//     User-Agent, a header value other than one it refuses) removes no
//     access, nor does one that only demands what any outside caller's
//     requests carry (a source address, a VPC endpoint or an organization
//     of its own, "Null" "true" or a value other than one it refuses) or
//     what any account sets up on its own principal or session (a role
//     session rather than its root user, an IAM user of a given name, a
//     source identity, temporary credentials, a federated session, a
//     request made on its behalf through a service such as Athena,
//     aws:CalledVia);
//     a Deny on what the analysis does not know of the bucket or its
//     objects (their tags, the owner's organization, the Region) leaves
//     the grant to the resources it spares, with that as a condition;
//     a grant limited to several values (VPC endpoints, address ranges)
//     is probed with each of them, an address range also with its
//     addresses next to every range the policies name (one of more values
//     than the analysis tries is kept when a Deny refuses those it
//     tries);
//   - Block Public Access, as Authorize applies it: IgnorePublicAcls
//     removes public ACL grants; RestrictPublicBuckets leaves a public
//     policy only AWS services, the bucket owner's account and, through
//     an access point, the access point's account; BlockPublicAcls
//     and BlockPublicPolicy refuse new public settings and change no
//     existing access, so they change no finding;
//   - access points: a grant of an access point policy counts only when
//     the bucket policy lets the request through (it delegates with
//     s3:DataAccessPointAccount or s3:DataAccessPointArn, or allows it);
//     a delegation that holds only under conditions of its own (the
//     organization, say) adds them as limits; the access point's own Block
//     Public Access applies, and an access point with network origin VPC
//     is never public. Delegation to another account's access points,
//     whose policies Access Analyzer cannot read, is public unless
//     RestrictPublicBuckets (bucket or account) limits it to that account
//     and the bucket owner's,
//     as "IAM Access Analyzer resource types" describes for Amazon S3
//     buckets (https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-resources.html);
//   - Multi-Region Access Points in front of the bucket: analyzed as access
//     points, reported with source S3_ACCESS_POINT and their ARN
//     (arn:aws:s3::ACCOUNT:accesspoint/ALIAS). A request through one
//     carries s3:DataAccessPointArn and s3:DataAccessPointAccount, so a
//     bucket policy that delegates to the account's access points
//     delegates to its Multi-Region Access Points too, and S3 applies the
//     Block Public Access of the Multi-Region Access Point, the bucket and
//     the account ("Multi-Region Access Point permissions",
//     https://docs.aws.amazon.com/AmazonS3/latest/userguide/MultiRegionAccessPointPermissions.html).
//     [Fetch] reads them through S3 Control in us-west-2, the only Region
//     that serves them, and a bucket's access points in the bucket's
//     Region, whatever the S3 Control client's: S3 Control lists a
//     bucket's access points in its Region only. With an S3 Control
//     client of another partition than us-west-2's (China, GovCloud, …),
//     whose credentials are not valid there, it sends no request to
//     us-west-2 and the Multi-Region Access Points are unread. Access
//     points and Multi-Region Access Points that
//     FetchOptions gives no way to read are named in BucketState.Unread,
//     and a bucket policy statement that delegates access to them is then
//     a blocking finding with an Error ("UNREAD: …"): what they allow is
//     unknown, never "no finding".
//
// It is a model of Access Analyzer, not Access Analyzer. Actions are
// reported as the statement writes them: "s3:*" and "s3:Get*" stay
// wildcards, not the list of actions they expand to (which grows as S3
// adds actions); Allow with NotAction is reported as "*". Access Analyzer
// may list actions one by one, so compare findings with
// [Finding.Allows], which reads both forms. The analysis reports one
// finding per statement, principal and set of limits where Access
// Analyzer may merge or split them.
//
// # Security defaults
//
//   - Nothing is created or changed unless asked: [EnsureAnalyzer] creates
//     an analyzer only with EnsureOptions.AllowCreate; every offline call
//     is read-only.
//   - [ListFindings] lists ACTIVE findings; archived and resolved ones
//     only with ListOptions.IncludeArchived / IncludeResolved.
//   - [EnsureArchiveRule] never overwrites a rule of the same name with a
//     different filter ([ErrArchiveRuleConflict]).
//   - [Gate] checks both public access and the DefaultGateActions() that
//     would hand over control of the bucket. GateOptions.AllowPublicCheckOnly
//     is the one opt-out not named Allow…: it drops the second check, so a
//     policy that lets another account rewrite the bucket policy or ACLs
//     passes the gate.
//   - [KeyHygiene] reports keys older than DefaultKeyMaxAge (90 days; a
//     key exactly that old passes, as in CIS 1.14 "every 90 days or
//     less"), keys never used, keys last used more than
//     DefaultKeyUnusedAge (45 days, CIS 1.12) ago, and every active key of
//     a user with two (CIS 1.13); it handles key ids, never secrets.
//     KeyOptions.AllowAgeUpTo and AllowUnusedAgeUpTo let keys grow older
//     or stay unused longer (their former names MaxAge and UnusedAge still
//     work, deprecated; with both set, the smaller applies).
//   - Unknown account-level Block Public Access reads as all off, which
//     reports more, never less.
//   - [Fetch], [AnalyzeBucket], [AnalyzeAll], [ListFindings],
//     [KeyHygiene], [Validate] and the [Gate] read over TLS, or over plain
//     HTTP from a loopback host only (127.0.0.0/8, ::1, localhost: the
//     fakes, s3secure serve, moto). A client (or FetchOptions.Control's)
//     whose requests would go over plain HTTP to any other host is refused
//     before any request with a [*RemotePlainHTTPError]
//     ([ErrPlainHTTPEndpoint]): nothing authenticates the answers, so
//     anyone on the network path could forge "nothing public" or a passing
//     gate. The endpoint judged is the one the SDK resolves (BaseEndpoint,
//     AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>, a custom resolver);
//     a client that does not let the call see it (a wrapper that drops
//     the per-call options, a test double) is refused the same way, with
//     an empty Endpoint: the call fails closed. A bucket's S3 reads,
//     which go to its Region's endpoint, are each checked too: a bucket
//     whose Region's requests would go over plain HTTP to a remote host
//     is not analysed (its BucketResult.Err). Opt-out:
//     AllowInsecureTransport of the call's options. [EnsureAnalyzer],
//     [EnsureArchiveRule], [GetFinding], [BucketRegion] and
//     [CheckBucketRegions] check too (EnsureOptions, ArchiveRuleOptions,
//     FindingOptions, RegionOptions), and so do the calls that change
//     findings, [Archive], [Unarchive] and [Rescan] (UpdateOptions, given
//     to [ArchiveWith], [UnarchiveWith] or Rescan): a forged answer could
//     say that a finding was made ACTIVE again, or a bucket analysed
//     again, when it was not.
//
// # Errors
//
// No call is retried when it fails with a setup problem, whatever the
// client's retryer would do (the SDK's standard retryer retries a refused
// connection and an unreachable credential source): credentials that
// cannot be retrieved or that AWS refuses (InvalidAccessKeyId,
// SignatureDoesNotMatch, ExpiredToken, …), an untrusted TLS certificate or
// one for another host, a host name that does not resolve, a refused
// connection. Retrying cannot fix them, so the first error is returned at
// once, and [AnalyzeAll] stops at the first bucket that meets one, unless
// the problem is one Region's (met at another Region's endpoint while the
// client's Region still answers): that Region's buckets then have a
// [*RegionError] and the others are analyzed. Other failures are retried
// as the client's retryer decides.
//
// Failed AWS calls are [*Error] values (operation, resource, the SDK's
// smithy.APIError wrapped once); errors.Is(err, [ErrAccessDenied]) holds
// when permission is missing. [*WrongRegionError] ([ErrWrongRegion]) is
// returned before any request when an analyzer belongs to another Region
// than the client: Access Analyzer is Regional, and a bucket is analyzed
// only by an analyzer in its own Region. [ErrNoAnalyzer] means no active
// analyzer exists. Arguments are checked before anything is sent
// ([ErrInvalidInput]). [*GateError] ([ErrPublicAccess],
// [ErrAccessGranted]) is a refused policy, distinct from a check that
// could not run. [ErrBadPolicy] is a policy the offline analysis cannot
// parse. [GetFinding] returns an [*Error] wrapping [ErrNoDetails] when
// Access Analyzer answers with a finding that carries no access details.
// A nil client, including a nil *Client pointer, is [ErrInvalidInput].
//
// A credentials provider's failure is named by the types of its error
// chain, never by its text, which can quote the credentials (aws-sdk-go-v2's
// credential_process provider puts its whole output into its error when
// the output does not parse): every request wraps the client's
// credentials so, and the package's error types print an SDK error that
// holds one the same way. errors.As still reaches the provider's error.
//
// See https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-findings.html,
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-filter-keys.html
// and https://docs.aws.amazon.com/AmazonS3/latest/userguide/access-control-block-public-access.html#access-control-block-public-access-policy-status.
package analyzer
