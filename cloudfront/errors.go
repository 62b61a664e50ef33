package cloudfront

import (
	"errors"
	"fmt"
	"reflect"
	"strings"

	"github.com/s3secure/s3secure/internal/credsafe"
)

// Sentinel errors. Callers branch on them with errors.Is.
var (
	// ErrInvalidBucket means the bucket name is not a valid S3 bucket name
	// for a CloudFront S3 origin: 3 to 63 lower-case letters, digits, '.'
	// and '-', starting and ending with a letter or digit, no "..". (Dots
	// are accepted: CloudFront's S3 origin constraints allow them.)
	ErrInvalidBucket = errors.New("cloudfront: invalid bucket name")
	// ErrPublicAccessBlockOff means the bucket's Block Public Access settings
	// are missing or not all on, and Options.AllowPublicAccessBlockOff was
	// not set.
	ErrPublicAccessBlockOff = errors.New("cloudfront: bucket block public access is not fully on")
	// ErrAmbiguousDistribution means more than one distribution serves the
	// bucket and no distribution ID was given.
	ErrAmbiguousDistribution = errors.New("cloudfront: more than one distribution serves the bucket")
	// ErrOriginNotFound means the given distribution has no S3 origin for the
	// bucket.
	ErrOriginNotFound = errors.New("cloudfront: distribution has no origin for the bucket")
	// ErrUsesOAI means the bucket's origin still uses a legacy origin access
	// identity; [Migrate] moves it to origin access control.
	ErrUsesOAI = errors.New("cloudfront: origin uses a legacy origin access identity")
	// ErrNotDeployed means the distribution did not reach the Deployed state
	// before the wait ended; the step that needs it was not done and running
	// the same call again continues from there.
	ErrNotDeployed = errors.New("cloudfront: distribution is not deployed yet")
	// ErrInvalidOptions means an option value is out of range or two options
	// contradict each other.
	ErrInvalidOptions = errors.New("cloudfront: invalid options")
	// ErrOACMisconfigured means an origin access control with the expected
	// name exists but is not for S3 origins, so it cannot be reused or fixed
	// in place. (One for S3 that signs with other settings is updated to
	// SigV4, always.)
	ErrOACMisconfigured = errors.New("cloudfront: origin access control exists with an insecure configuration")
	// ErrWebsiteEndpoint means the distribution's origin for the bucket is
	// the S3 website endpoint ("BUCKET.s3-website-REGION.amazonaws.com" or
	// "BUCKET.s3-website.REGION.amazonaws.com", amazonaws.com.cn in China),
	// a plain-HTTP custom origin
	// that works only for a public bucket and cannot use origin access
	// control. Replace the origin with the REST endpoint ([RESTEndpoint]) by
	// hand: the wiring does not switch it, since website features (index
	// documents in folders, redirection rules) would stop working.
	ErrWebsiteEndpoint = errors.New("cloudfront: origin is the bucket's website endpoint, which cannot use origin access control")
	// ErrForwardsHost means a cache behavior that serves the bucket uses the
	// managed AllViewer origin request policy, which forwards the viewer's
	// Host header to S3: S3 then looks for a bucket named after the
	// distribution's domain and the OAC signature does not match. Replace
	// it by hand (AllViewerExceptHostHeader, CORS-S3Origin, or none).
	// Legacy forwarded headers need no such step: the cache policy the
	// wiring sets replaces them.
	ErrForwardsHost = errors.New("cloudfront: a cache behavior for the bucket forwards the viewer's Host header to S3")
	// ErrPolicyConflict means the bucket policy already has a statement
	// with Sid OACStatementSid holding something the wiring would drop when
	// it rewrites that statement's list of distributions (a negated or
	// IfExists operator on AWS:SourceArn, an ARN pattern with wildcards;
	// a condition on another key stays, see [policy.JudgeSid]); or someone
	// else's statement under one of
	// the package's Sids ([*SidConflictError], [ErrSidConflict]: a Deny,
	// NotPrincipal, NotAction or NotResource, other actions, principals or
	// resources); or, for [Migrate], that the bucket
	// policy limits the origin access identity in a way the OAC statement
	// cannot carry over (a Deny naming the OAI, several partial grants, or
	// origins for the bucket that use two identities), so the migration
	// would widen what the distribution reads. Nothing was written.
	ErrPolicyConflict = errors.New("cloudfront: the bucket policy's OAC statement has content the wiring cannot keep")
	// ErrSidConflict means a policy holds, under the Sid of a statement
	// this package writes (OACStatementSid, OAIStatementSid,
	// KMSStatementSidPrefix + the distribution ID), a statement that is
	// not a version of it (see [*SidConflictError]): replacing it would
	// drop someone's statement and could weaken the bucket or the key, so
	// nothing was written. It is an [ErrPolicyConflict].
	ErrSidConflict = errors.New("cloudfront: another statement under one of s3secure's Sids")
	// ErrUnscopedCloudFrontAccess means the bucket policy already lets
	// CloudFront read or write the bucket for distributions it does not
	// name one by one: a statement for cloudfront.amazonaws.com (or
	// everyone) without AWS:SourceArn, with an ARN pattern, or limited by
	// aws:SourceAccount, an organization (aws:SourceOrgID) or
	// organizational unit (aws:SourceOrgPaths) only, by the bucket's own
	// keys only (aws:ResourceAccount and the like, the same in every
	// request to it), or by a header any distribution can send
	// (aws:Referer, aws:UserAgent). Any such distribution (of any account, for a
	// statement without a source condition) reaches the bucket around the
	// one being wired, which the CloudFront developer guide calls access
	// "through an unintended CloudFront distribution". Nothing was written.
	// Name the distributions in AWS:SourceArn, or remove the statement; or
	// set Options.AllowUnscopedCloudFrontAccess to wire anyway with a
	// warning.
	ErrUnscopedCloudFrontAccess = errors.New("cloudfront: the bucket policy lets distributions it does not name reach the bucket")
	// ErrConflict means another writer kept replacing the bucket policy (or
	// the key policy) while the wiring merged its change in: after each of
	// its writes the change was gone again, or the endpoint accepted the
	// write and did not keep it (it does not support bucket policies, or
	// another writer puts the old policy back each time). What the other
	// writer wrote was kept; run the call again once they are done. It
	// also means the endpoint accepted a distribution or origin access
	// control configuration write and answered (or read back) a
	// configuration without the change: the endpoint does not support it.
	ErrConflict = errors.New("cloudfront: another writer kept replacing the policy")
	// ErrConcurrentUpdate means a distribution's (or an origin access
	// control's) configuration changed between each of the wiring's reads
	// and its write, MaxConfigWriteAttempts times in a row: CloudFront
	// refused every write with 412 PreconditionFailed (If-Match on the
	// read's ETag), so nothing the other writer put there was overwritten,
	// and the change the wiring wanted is not made. The error also wraps
	// the last *types.PreconditionFailed. Run the call again once the other
	// writer is done.
	ErrConcurrentUpdate = errors.New("cloudfront: the configuration kept changing while it was being written")

	// ErrNoExpiry means a signed URL or cookie was requested without an
	// expiry time.
	ErrNoExpiry = errors.New("cloudfront: expiry is required")
	// ErrExpired means the expiry time is not in the future.
	ErrExpired = errors.New("cloudfront: expiry is in the past")
	// ErrExpiryTooLong means the expiry is further away than the signer's
	// maximum.
	ErrExpiryTooLong = errors.New("cloudfront: expiry exceeds the maximum")
	// ErrInvalidURL means the URL or policy resource cannot be signed as
	// asked (not http(s), not ASCII, reserved query parameters, a wildcard
	// host, or plain http without the opt-in).
	ErrInvalidURL = errors.New("cloudfront: invalid url")
	// ErrInvalidPolicy means a custom policy's conditions are invalid (bad
	// IP range, start time after expiry).
	ErrInvalidPolicy = errors.New("cloudfront: invalid signing policy")
	// ErrInvalidKey means the key cannot be used: not PEM, encrypted, not
	// RSA 2048 or ECDSA P-256 (the keys CloudFront verifies; CreateKeyGroup
	// takes public keys of those kinds only), or a crypto.Signer whose
	// signature does not verify with its public key. The error never
	// contains key material.
	ErrInvalidKey = errors.New("cloudfront: invalid private key")
)

// StepError reports which step of wiring, migration or OAI setup failed. It
// wraps the cause (an SDK smithy.APIError, reachable with errors.As, or one
// of this package's sentinels).
type StepError struct {
	// Bucket is the S3 bucket being served.
	Bucket string
	// Distribution is the distribution ID, when known.
	Distribution string
	// Step names the step, for example "update-distribution".
	Step string
	// Err is the cause.
	Err error
}

// Error implements error: the step, the bucket and distribution, the cause
// (a credentials provider's error in it named by its types, not its text,
// which can quote the credentials; without a leading "cloudfront: ", so the
// package prefix appears once in a message).
func (e *StepError) Error() string {
	where := "bucket " + e.Bucket
	if e.Distribution != "" {
		where += ", distribution " + e.Distribution
	}
	return fmt.Sprintf("cloudfront: %s (%s): %s", e.Step, where, strings.TrimPrefix(credsafe.Text(e.Err), "cloudfront: "))
}

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }

// SidConflictError reports a statement under the Sid of one of this
// package's statements that is someone else's: not what s3secure writes
// there, nor a version of it that s3secure may replace, nor s3secure's
// made stricter ([policy.JudgeSid], the rule securebucket's writers use
// too; see "Whose statement is under our Sid" in the package
// documentation). [ServeBucket], [Migrate] and [CreateLegacyOAI] return it
// before any write, and never write a policy over such a statement when it
// appears later (the fresh read before the write finds it). It matches
// [ErrSidConflict] and [ErrPolicyConflict] with [errors.Is]. Give the
// statement another Sid, then run again.
type SidConflictError struct {
	// Policy names the policy: "bucket policy of B", "key policy of K".
	Policy string
	// Sid is the Sid the statement shares with s3secure's.
	Sid string
	// Reason says, in a few words, how it differs from s3secure's.
	Reason string
}

// Error says which statement of which policy, why, and what to do.
func (e *SidConflictError) Error() string {
	return fmt.Sprintf("cloudfront: %s: statement %q is not s3secure's (%s), and replacing it with s3secure's would drop it, so the policy was not written: give that statement another Sid, then run again",
		e.Policy, e.Sid, e.Reason)
}

// Is reports whether target is [ErrSidConflict] or [ErrPolicyConflict].
func (e *SidConflictError) Is(target error) bool {
	return target == ErrSidConflict || target == ErrPolicyConflict
}

// isNil reports a nil client, including a typed nil pointer inside the
// interface (a nil *cloudfront.Client or *s3.Client), which would otherwise
// panic in the SDK on the first request.
func isNil(client any) bool {
	if client == nil {
		return true
	}
	v := reflect.ValueOf(client)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// checkClients refuses nil clients before any request.
func checkClients(cf CloudFrontAPI, s3c S3API) error {
	if isNil(cf) {
		return fmt.Errorf("%w: nil CloudFront client", ErrInvalidOptions)
	}
	if isNil(s3c) {
		return fmt.Errorf("%w: nil S3 client", ErrInvalidOptions)
	}
	return nil
}
