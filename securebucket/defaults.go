package securebucket

import "github.com/s3secure/s3secure/internal/rmw"

// Defaults. Each is pinned by TestDefaults; change one only with a reason
// written next to it.
const (
	// DefaultAbortIncompleteMultipartDays is how long an unfinished
	// multipart upload may sit before the lifecycle rule aborts it: parts of
	// abandoned uploads are billed and invisible in listings, and a week is
	// longer than any legitimate upload takes.
	DefaultAbortIncompleteMultipartDays = 7

	// LifecycleRuleID is the ID of the lifecycle rule Harden owns. Rules
	// with other IDs are never changed.
	LifecycleRuleID = "S3SecureAbortIncompleteMultipartUploads"

	// DefaultConcurrency is how many buckets AuditAll audits at once: enough
	// to hide request latency, few enough to stay well under S3's
	// per-account control-plane throttling.
	DefaultConcurrency = 16

	// DefaultMaxAttempts is how many times a request that failed with a
	// retryable error (409 OperationAborted, throttling, 5xx, a dropped
	// connection) is tried in all. S3 returns OperationAborted for seconds
	// after a bucket is created or while another configuration change runs.
	DefaultMaxAttempts = rmw.DefaultMaxAttempts

	// DefaultRetryBaseDelay is the first backoff delay; each retry doubles
	// it (with full jitter) up to DefaultRetryMaxDelay.
	DefaultRetryBaseDelay = rmw.DefaultBaseDelay

	// DefaultRetryMaxDelay caps one backoff delay.
	DefaultRetryMaxDelay = rmw.DefaultMaxDelay

	// MaxPolicySize is S3's bucket policy limit: 20 KB, measured as 20,480
	// bytes with whitespace removed.
	MaxPolicySize = 20480
)
