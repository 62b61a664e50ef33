// Package cloudfront serves a private S3 bucket through Amazon CloudFront
// while the bucket stays private, and signs CloudFront URLs and cookies.
//
// For most uses, call [ServeBucket]: it finds or creates an origin access
// control (OAC) for the bucket, creates a distribution with secure defaults
// (or secures an existing one), and adds to the bucket policy the one
// statement that lets that distribution, and nothing else, read objects.
// It is idempotent: run it again and nothing is written.
//
//	res, err := cloudfront.ServeBucket(ctx, cfClient, s3Client, "my-bucket", nil)
//	// res.DomainName serves the bucket's objects over HTTPS.
//
// Distributions that still use a legacy origin access identity (OAI) move
// to OAC with [Migrate], which never leaves the bucket unreadable for the
// distribution or readable for anyone new, and can be re-run after a
// failure. [CreateLegacyOAI] exists for set-ups that still need an OAI; AWS
// recommends OAC for everything new
// (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-restricting-access-to-s3.html).
//
// To hand out time-limited access to the distribution's content, upload a
// public key (RSA 2048 or ECDSA P-256) with [CreateKeyGroup], pass the key
// group in Options.TrustedKeyGroupIDs so that the distribution refuses
// unsigned requests, and create a [Signer] with the matching private key
// ([NewSigner] for RSA, [NewSignerFromKey] for ECDSA P-256 or a key behind
// a crypto.Signer; [ParseSigningKeyPEM] loads either); then call
// [Signer.SignURL], [Signer.SignURLWithPolicy] or [Signer.SignCookies].
// Signatures are SHA-256
// (https://docs.aws.amazon.com/AmazonCloudFront/latest/DeveloperGuide/private-content-creating-signed-url-canned-policy.html).
//
// # Writes
//
// S3 replaces a bucket policy whole and has no conditional write (KMS
// neither, for a key policy), and other tools write the same policy. Every
// policy change here ([ServeBucket]'s grant, [Migrate]'s grant and its
// removal of the OAI statements, [CreateLegacyOAI]'s statement, the
// SSE-KMS key statement) therefore follows the library's one write
// discipline, described in full in
// [github.com/s3secure/s3secure/internal/rmw]: the policy is read just
// before the write (never a copy taken earlier; Migrate reads again after
// waiting for the deployment), our statements are merged in with
// policy.Merge and retired ones removed, every other statement is kept as
// read, the result is written (again from a fresh read when S3 answers a
// retryable error such as 409 OperationAborted), and the policy is read
// again to verify. When another writer replaced it in between, the change
// is merged into what they wrote and written again, 5 writes at most;
// after that, or when the endpoint does not keep the change, the call
// fails with [ErrConflict].
//
// Whose statement is under our Sid. A statement found under the Sid of one
// of ours ([OACStatementSid], [OAIStatementSid], [KMSStatementSidPrefix] +
// the distribution ID) is judged by [policy.JudgeSid], the one rule of
// every s3secure writer that merges by Sid (securebucket's too): ours, or
// ours made stricter since (an OAC statement or OAI grant narrowed to
// public/, a key statement with a key administrator's extra condition), is
// kept as it is (an OAC statement only gains the distribution in its
// AWS:SourceArn list); a version of ours that ours strengthens (the same
// effect, principals, actions and resources, conditions only on keys ours
// has, and granting no less: the OAC statement without AWS:SourceArn) is
// replaced with ours; anything else is someone else's statement (a Deny of
// private/ for the OAI, a grant to the OAI and a role, an OAC or key
// statement that also allows uploads), which replacing would drop and
// could open what it closed, so the call refuses with a
// [*SidConflictError] ([ErrSidConflict], also [ErrPolicyConflict]) naming
// the policy, the Sid and how the statement differs; give it another Sid
// and run again. Both policies are judged before any write
// ([CreateLegacyOAI] before it creates an identity; the key policy of an
// existing distribution, as a new one has no statement under its Sid), and
// again on the fresh read before each write. [Migrate] removes only grants
// that exist only for the identity it retires; a Deny naming it is kept.
//
// Distribution configurations (and an origin access control's, when its
// signing is fixed) are written with If-Match on the ETag of the read the
// change was merged into, so CloudFront refuses with 412
// PreconditionFailed a write over a configuration someone changed since,
// instead of overwriting it. The configuration is then read again, checked
// and changed again from that read (what the other writer put there is
// kept; a read that needs nothing any more is not written) and written
// again, [MaxConfigWriteAttempts] writes at most; after that the call
// fails with [ErrConcurrentUpdate], which also wraps CloudFront's last
// *types.PreconditionFailed. The configuration a write leaves is then
// checked against the change (in CloudFront's answer to the write, or read
// again when the answer holds none): an endpoint that accepted the write
// without keeping the change (moto 5.2.1 drops an origin's
// OriginAccessControlId) fails the call with [ErrConflict].
// A setup problem (credentials that cannot be retrieved or that AWS
// refuses, a refused connection, a host name that does not resolve, a TLS
// failure) is never retried, by the write discipline or by the client's
// retryer, which every request wraps to skip them: retrying cannot fix it.
//
// The client's retryer sends a request again when its response is lost (a
// connection reset after CloudFront acted on it). A create sent again does
// not make a second resource; CloudFront refuses it (or, for an origin
// access identity, answers with the one already made), and the call goes
// on with the one the first request made, as if it had answered. A
// distribution is created with a CallerReference new to the call, which
// CloudFront answers DistributionAlreadyExists when sent again; the
// distribution is then found by listing the distributions whose origin is
// the bucket through the call's OAC and reading each one's configuration,
// and is wired (bucket policy statement included) only when it carries
// that CallerReference with the bucket's REST endpoint and the OAC as
// origin. Any other DistributionAlreadyExists stays the call's error, and
// no distribution is adopted. An OAC name is unique, so an OAC create sent
// again (by [ServeBucket] or [Migrate]) is answered
// OriginAccessControlAlreadyExists; the OAC of that name is then found and
// checked as one found by listing is (one another writer made in the
// meantime too). [CreateLegacyOAI] creates its identity under the
// bucket's CallerReference, which CloudFront answers, when sent again
// with the same content, with the identity already made; an identity
// with that CallerReference and other content
// (CloudFrontOriginAccessIdentityAlreadyExists), or with the library's
// comment and another CallerReference, is never used. [CreateKeyGroup]
// uses a public key of its name that CloudFront says exists
// (PublicKeyAlreadyExists) only when it carries the call's
// CallerReference and exactly the call's key, and a key group of its name
// (KeyGroupAlreadyExists) only when it trusts exactly that public key and
// no other; anything else stays CloudFront's error.
//
// Every listing the package reads (distributions, OACs, OAIs, public keys,
// key groups) fails with an error when a page names a NextMarker that an
// earlier page named, instead of going round for ever or being cut short.
//
// The package declares the narrow client interfaces it needs
// ([CloudFrontAPI], [S3API], [KMSAPI], [KeyGroupAPI]); pass
// *cloudfront.Client, *s3.Client and *kms.Client from aws-sdk-go-v2.
//
// # Security defaults
//
// [ServeBucket] and [Options]:
//   - every S3 request names the account that must own the bucket
//     (ExpectedBucketOwner): Options.ExpectedBucketOwner, else the
//     distribution's account, so S3 refuses with 403 a bucket of the same
//     name that someone else owns and no distribution is wired to it
//     ([MigrateOptions] and [LegacyOAIOptions] have the same field);
//   - the bucket's Block Public Access settings must all be on, or it
//     refuses before changing anything ([ErrPublicAccessBlockOff]; opt out
//     with Options.AllowPublicAccessBlockOff, which warns, and with
//     IgnorePublicAcls off names each public grant of the bucket's ACL:
//     [BucketACLReader]). It never changes them;
//   - the origin is the bucket's regional REST endpoint
//     ("BUCKET.s3.REGION.amazonaws.com", us-east-1 included, the format the
//     CloudFront developer guide recommends; in another partition its DNS
//     suffix, "BUCKET.s3.cn-north-1.amazonaws.com.cn" in China, where
//     CloudFront is operated separately: [RESTEndpoint]), never the
//     website endpoint (an existing website-endpoint origin is refused with
//     [ErrWebsiteEndpoint]), with
//     an OAC of origin type s3 that signs every request with SigV4
//     ("always"), and an empty OriginAccessIdentity: every origin of an
//     existing distribution for the bucket (an OAI on any of them is
//     refused with [ErrUsesOAI]), and every behavior that reaches the
//     bucket, through such an origin or an origin group holding one, gets
//     the behavior defaults below;
//   - the bucket policy grants s3:GetObject on "BUCKET/*" to
//     cloudfront.amazonaws.com only when AWS:SourceArn is this distribution
//     (statement Sid [OACStatementSid], merged with policy.Merge so every
//     other statement is kept byte for byte). A second distribution for the
//     same bucket is added to that one statement's AWS:SourceArn list, so
//     the first keeps reading; a statement under that Sid with anything the
//     rewrite would drop (another condition, an ARN pattern) is refused
//     with [ErrPolicyConflict], and someone else's (a Deny, NotResource and
//     the like: see "Whose statement is under our Sid" under Writes) with
//     a [*SidConflictError].
//     No s3:ListBucket: missing keys answer 403, and the root cannot list
//     keys;
//   - no other way in through CloudFront: a bucket policy that already
//     lets cloudfront.amazonaws.com read or write the bucket for
//     distributions it does not name one by one (a statement without
//     AWS:SourceArn, which any distribution of any account meets; an ARN
//     pattern; aws:SourceAccount alone; an organization or organizational
//     unit alone, aws:SourceOrgID or aws:SourceOrgPaths, which every
//     distribution of its accounts meets; only the bucket's own keys,
//     aws:ResourceAccount, s3:ResourceAccount, aws:ResourceOrgID or
//     aws:ResourceOrgPaths, the same in every request to it; only a header
//     any distribution can send, aws:Referer or aws:UserAgent) is refused
//     before any write with
//     [ErrUnscopedCloudFrontAccess], as [policy.Evaluate] decides for
//     made-up distributions, from outside and inside each organization
//     and unit the policy names (past 64 such combinations, every
//     statement that would let them in once its organization conditions
//     are set aside is refused, named "maybe", and the warnings below say
//     they were not all asked) (opt out with
//     Options.AllowUnscopedCloudFrontAccess, which warns); [Migrate]
//     warns about them. The ways in a bucket policy names and the wiring
//     keeps (another statement's distributions named exactly, a legacy
//     origin access identity or an S3 canonical user, a statement that
//     lets requests through the account's access points in, whose own
//     policies are not read here) are a warning each in Result.Warnings,
//     so a deploy can be gated on none; so is a policy that denies the
//     distribution the reads its statement grants (a Deny elsewhere, as
//     [policy.Evaluate] decides), which would answer viewers 403;
//   - viewers are redirected to HTTPS ([DefaultViewerProtocolPolicy]; opt
//     out with Options.InsecureAllowHTTPViewers, or go stricter with
//     Options.HTTPSOnly); with a custom certificate the TLS floor is
//     [DefaultMinimumProtocolVersion], or the stricter one an existing
//     distribution has (Options.InsecureMinimumProtocolVersion lowers it).
//     With the default *.cloudfront.net certificate (no
//     Options.CertificateARN) CloudFront uses its TLSv1 security policy
//     whatever MinimumProtocolVersion says (API reference,
//     ViewerCertificate.MinimumProtocolVersion), so the package sets none
//     there: only a custom certificate (ACM in us-east-1, SNI) enforces
//     TLS 1.2;
//   - only GET and HEAD are allowed and cached;
//   - the managed CachingOptimized cache policy ([DefaultCachePolicyID]) and
//     no origin request policy, so no viewer header, cookie or query string
//     reaches S3 (an existing behavior for the bucket with the managed
//     AllViewer origin request policy, which forwards Host, is refused with
//     [ErrForwardsHost]); the managed SecurityHeadersPolicy response headers policy
//     ([DefaultResponseHeadersPolicyID]; Options.AllowNoResponseHeadersPolicy
//     drops it);
//   - a default root object ([DefaultRootObject]; Options.AllowNoDefaultRootObject);
//   - HTTP/2 and HTTP/3 and IPv6 (performance, not security: plain options).
//
// With SSE-KMS, objects are unreadable through CloudFront until the key
// policy allows the distribution to decrypt. [ServeBucket] returns that
// statement ([KeyPolicyStatement]: kms:Decrypt only, for this distribution
// only) and adds it to the key policy only when asked
// (Options.ApplyKeyPolicy with Options.KMS).
//
// [ServeBucket], [Migrate] and [CreateLegacyOAI] read over TLS, or over
// plain HTTP from a loopback host only (127.0.0.0/8, ::1, localhost: the
// fakes, s3secure serve, moto). A CloudFront or S3 client (and, with
// Options.ApplyKeyPolicy, the KMS client) that would send
// its requests over plain HTTP to any other host is refused before any
// request with a [*RemotePlainHTTPError] ([ErrPlainHTTPEndpoint]): nothing
// authenticates the answers, so anyone on the network path could rewrite
// the distributions and bucket policies the refusals and warnings are
// read from. A client that does not let the call see its endpoint (a
// wrapper that drops the per-call options, a test double) is refused the
// same way, with an empty Endpoint: the check fails closed. Opt-out: AllowInsecureTransport of the call's options (not
// the viewers' protocol).
//
// [Signer]:
//   - an expiry is required ([ErrNoExpiry]), must be in the future
//     ([ErrExpired]) and within [DefaultMaxSignedExpiry] (1 hour;
//     SignerOptions.AllowExpiryUpTo raises it up to
//     [AbsoluteMaxSignedExpiry]), else [ErrExpiryTooLong];
//   - only https:// URLs are signed (SignerOptions.InsecureAllowHTTP);
//     a policy resource may hold wildcards ("*", "?") only after the "/"
//     that ends its host, and an empty resource never turns a "*" or "?"
//     of the URL into a wildcard;
//   - cookies are Secure, HttpOnly, SameSite=Lax and session cookies
//     (CookieOptions.InsecureAllowNonSecureCookie,
//     CookieOptions.AllowSameSiteNone, CookieOptions.AllowPersistentCookies);
//   - the policy is hashed with SHA-256 and the URL says so, after
//     Key-Pair-Id: Hash-Algorithm=SHA256 ("When you use SHA-256, include
//     the Hash-Algorithm=SHA256 query parameter in the signed URL",
//     developer guide), and the cookies in a fourth cookie,
//     CloudFront-Hash-Algorithm=SHA256. SHA-1, which CloudFront still
//     reads from URLs and cookies that name no hash, is broken for
//     signatures (chosen-prefix collisions are practical) and only signs
//     with SignerOptions.InsecureSHA1, what feature/cloudfront/sign
//     makes (byte for byte with an RSA key);
//   - keys are RSA of [MinRSAKeyBits] (2048) bits or ECDSA on P-256 (an
//     ASN.1 DER signature), what CloudFront verifies ("RSA 2048 or ECDSA
//     256 key signatures", API reference, PublicKey); any other key is
//     refused with [ErrInvalidKey] before anything is signed, and what a
//     crypto.Signer other than the standard library's keys signs is
//     verified with its public key before use; no error or String
//     output contains key material.
//
// # Errors
//
// Bad input is refused before any request with [ErrInvalidBucket] or
// [ErrInvalidOptions] (including a nil client or a nil *Client pointer). Failures of [ServeBucket], [Migrate] and
// [CreateLegacyOAI] are a [*StepError] naming the bucket, the distribution
// and the step, wrapping either one of this package's sentinels
// ([ErrPublicAccessBlockOff], [ErrAmbiguousDistribution],
// [ErrOriginNotFound], [ErrWebsiteEndpoint], [ErrUsesOAI],
// [ErrForwardsHost], [ErrPolicyConflict], [ErrSidConflict]
// ([*SidConflictError]), [ErrUnscopedCloudFrontAccess], [ErrConflict],
// [ErrConcurrentUpdate], [ErrNotDeployed], [ErrOACMisconfigured]) or the
// SDK's error, which errors.As reaches as a
// smithy.APIError or a typed error such as *types.PreconditionFailed. The
// partial Result is returned with the error. Signing errors wrap
// [ErrNoExpiry], [ErrExpired], [ErrExpiryTooLong], [ErrInvalidURL],
// [ErrInvalidPolicy], [ErrInvalidKey] (also for a nil or zero [Signer]) or
// [ErrInvalidOptions].
//
// A credentials provider's failure is named by the types of its error
// chain, never by its text, which can quote the credentials (aws-sdk-go-v2's
// credential_process provider puts its whole output into its error when
// the output does not parse): every request wraps the client's
// credentials so, and the package's error types print an SDK error that
// holds one the same way. errors.As still reaches the provider's error.
package cloudfront
