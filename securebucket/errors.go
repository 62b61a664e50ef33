package securebucket

import (
	"errors"
	"fmt"
	"strings"

	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// Sentinel errors. Match them with [errors.Is]; the errors returned carry
// more context ([*StepError], [*ACLGrantsError]) and wrap these.
var (
	// ErrInvalidBucketName means the bucket name breaks S3's naming rules.
	// No request was sent.
	ErrInvalidBucketName = errors.New("securebucket: invalid bucket name")

	// ErrInvalidOptions means an option value is out of range or two options
	// contradict each other. No request was sent.
	ErrInvalidOptions = errors.New("securebucket: invalid options")

	// ErrACLGrants means the bucket ACL grants access to someone other than
	// the bucket owner, so disabling ACLs would silently revoke that access.
	// Harden stops before any write; see [Options.AllowACLGrantRemoval].
	ErrACLGrants = errors.New("securebucket: bucket ACL grants access to others")

	// ErrPublicPolicyBlocked means the bucket policy is public and Block
	// Public Access already refuses public policies, so the merged policy
	// cannot be written until the public statements go; see
	// [Options.AllowPublicStatementRemoval].
	ErrPublicPolicyBlocked = errors.New("securebucket: public bucket policy refused by BlockPublicPolicy")

	// ErrConflict means another writer kept changing the same bucket
	// setting while Harden tried to merge into it, and Harden gave up
	// rather than overwrite the other writer's change. The account-level
	// writes ([ApplyAccountPublicAccessBlock], [CreateAccessPoint],
	// [DelegateToAccessPoints]) also fail with it when the endpoint
	// accepted a write and did not keep it (Harden reports that as
	// [ActionNotKept] instead).
	ErrConflict = errors.New("securebucket: concurrent modification did not settle")

	// ErrIncompatible means the bucket's current state rules out a requested
	// change (for example MFA delete on a bucket with lifecycle rules,
	// Object Lock when versioning is disabled by option, or a logging
	// target S3 delivers no logs into: another Region, a default Object
	// Lock retention, Requester Pays).
	ErrIncompatible = errors.New("securebucket: requested setting is incompatible with the bucket")

	// ErrSidConflict means a policy holds, under the Sid of a statement
	// this package writes, a statement that is not a version of it (see
	// [*SidConflictError]): replacing it would drop someone's statement
	// and could weaken the bucket, so nothing was written.
	ErrSidConflict = errors.New("securebucket: another statement under one of s3secure's Sids")

	// ErrPolicyCheck means Options.PolicyCheck refused a bucket policy
	// Harden was about to write; the checker's error is wrapped too.
	ErrPolicyCheck = errors.New("securebucket: policy check refused the policy")

	// ErrKMSKeyAccount means Options.KMSKeyARN is a key that
	// S3Secure.KMSKeyAccount would not pass (another account's, or the
	// bucket owner's account is not known); see [*KMSKeyAccountError]. No
	// request was sent.
	ErrKMSKeyAccount = errors.New("securebucket: KMS key of an account that is not the bucket owner's")

	// ErrBucketAlreadyExists means Create's bucket name is taken by another
	// account (S3 names are global). It wraps the SDK's
	// *types.BucketAlreadyExists.
	ErrBucketAlreadyExists = errors.New("securebucket: bucket name is owned by another account")

	// ErrBucketAlreadyOwnedByYou means Create's bucket already exists in
	// the caller's account. It wraps the SDK's *types.BucketAlreadyOwnedByYou.
	// Use [Harden] to harden an existing bucket.
	ErrBucketAlreadyOwnedByYou = errors.New("securebucket: bucket already exists and is owned by you")

	// ErrMRAPOutsidePartition means Multi-Region Access Points were not
	// read because the S3 Control client is in another partition than
	// us-west-2's, the only Region that serves them (see
	// [AuditMultiRegionAccessPoints]). No request was sent.
	ErrMRAPOutsidePartition = errors.New("securebucket: Multi-Region Access Points are served in another partition than the client's")
)

// StepError reports the step that failed, for which bucket, and why. The
// cause is an SDK error (a smithy.APIError, reachable with [errors.As]) or
// one of this package's sentinels.
type StepError struct {
	Bucket string
	Step   StepName
	Err    error
}

func (e *StepError) Error() string {
	return fmt.Sprintf("securebucket: bucket %s: step %s: %s", e.Bucket, e.Step, trimPrefix(e.Err))
}

func (e *StepError) Unwrap() error { return e.Err }

// disabledError is err, S3's 403 AllAccessDisabled for the bucket a call
// works on (setuperr.Disabled): "All access to this Amazon S3 resource has
// been disabled. Contact Amazon Web Services Support for further
// assistance." (S3 API reference, list of error codes). It says so, and
// what the call did not do. Every request to that bucket is refused alike,
// so the call stops at the first.
func disabledError(err error, notDone string) error {
	return fmt.Errorf("all access to the bucket has been disabled (S3's AllAccessDisabled: contact AWS Support); %s: %w", notDone, err)
}

// trimPrefix drops a leading "securebucket: " from a wrapped error's text so
// the package prefix appears once in a message. The text is
// credsafe.Text's: a credentials provider's error is named by its types.
func trimPrefix(err error) string {
	return strings.TrimPrefix(credsafe.Text(err), "securebucket: ")
}

// ACLGrantsError lists the ACL grants that disabling ACLs would remove. It
// matches [ErrACLGrants] with [errors.Is].
type ACLGrantsError struct {
	Bucket string
	Grants []Grant
}

// Grant is one ACL grant to someone other than the bucket owner.
type Grant struct {
	// Grantee names who is granted: a canonical user id, an e-mail address
	// or a group URI (for example
	// "http://acs.amazonaws.com/groups/global/AllUsers").
	Grantee string
	// Permission is READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL.
	Permission string
}

func (g Grant) String() string { return g.Permission + " to " + g.Grantee }

func (e *ACLGrantsError) Error() string {
	parts := make([]string, len(e.Grants))
	hint := "move these grants to the bucket policy, or set AllowACLGrantRemoval"
	for i, g := range e.Grants {
		parts[i] = g.String()
		if g.Grantee == logDeliveryURI {
			hint = "server access logs are delivered through the ACL: grant logging.s3.amazonaws.com in this bucket's policy instead (Options.Logging on each source bucket does), then set AllowACLGrantRemoval"
		}
	}
	return fmt.Sprintf("securebucket: bucket %s: ACL grants access to others (%s); disabling ACLs would revoke it: %s", e.Bucket, strings.Join(parts, ", "), hint)
}

func (e *ACLGrantsError) Is(target error) bool { return target == ErrACLGrants }

// SidConflictError reports a statement under the Sid of one of this
// package's statements that is someone else's: not what s3secure writes
// there, nor a version of it that s3secure may replace, nor s3secure's made
// stricter (see "Whose statement is under our Sid" under Writes in the
// package documentation). Harden, Plan, DelegateToAccessPoints,
// PlanAccessPoint and CreateAccessPoint return it, when their plan finds
// it, before any write, and never write that policy over it when it
// appears later (the fresh read before the write finds it). It matches
// [ErrSidConflict] and [ErrIncompatible] with [errors.Is]. Give the
// statement another Sid, then run again.
type SidConflictError struct {
	// Policy names the policy: "bucket policy of B", "policy of access
	// point N".
	Policy string
	// Sid is the Sid the statement shares with s3secure's.
	Sid string
	// Reason says, in a few words, how it differs from s3secure's.
	Reason string
}

func (e *SidConflictError) Error() string {
	return fmt.Sprintf("securebucket: %s: statement %q is not s3secure's (%s), and replacing it with s3secure's would drop it, so the policy was not written: give that statement another Sid, then run again",
		e.Policy, e.Sid, e.Reason)
}

// Is reports whether target is [ErrSidConflict] or [ErrIncompatible].
func (e *SidConflictError) Is(target error) bool {
	return target == ErrSidConflict || target == ErrIncompatible
}

// existsError joins a Create sentinel with the SDK error that caused it, so
// both errors.Is(err, ErrBucketAlreadyExists) and errors.As(err,
// *types.BucketAlreadyExists) work.
type existsError struct {
	sentinel error
	cause    error
}

func (e *existsError) Error() string   { return e.sentinel.Error() + ": " + credsafe.Text(e.cause) }
func (e *existsError) Unwrap() []error { return []error{e.sentinel, e.cause} }

// errorCode returns the API error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// hasCode reports whether err is an API error with one of the codes.
func hasCode(err error, codes ...string) bool {
	c := errorCode(err)
	if c == "" {
		return false
	}
	for _, want := range codes {
		if c == want {
			return true
		}
	}
	return false
}

// RegionError reports a Region whose buckets [AuditAll] could not audit:
// a setup problem met at that Region's S3 endpoint (an opt-in Region not
// enabled for the account, a session token not valid there) while the
// client's own Region still answered. Its fields: Call
// ("securebucket.AuditAll"), Region, ClientRegion, and Err, the first
// bucket's [*StepError] in that Region, wrapping the SDK error.
type RegionError = setuperr.RegionError
