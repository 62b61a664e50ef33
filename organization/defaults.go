package organization

import "time"

// Defaults. Each is pinned by TestDefaults.
const (
	// DefaultConcurrency is how many requests the whole run has in flight
	// at most, across every account and bucket: enough to hide AWS's
	// latency, few enough that no account's request rate is a burst.
	DefaultConcurrency = 64
	// DefaultBucketConcurrency is how many buckets of one account are
	// audited at once (securebucket.AuditOptions.Concurrency); the run's
	// request bound applies on top.
	DefaultBucketConcurrency = 8
	// DefaultSessionName names every role session, so that CloudTrail in
	// the member accounts shows s3secure as the caller.
	DefaultSessionName = "s3secure-organization-audit"
	// DefaultThrottleBackoff is how long an account's requests pause after
	// its first throttling answer; each further one in a row doubles it,
	// up to DefaultMaxThrottleBackoff, and a success resets it.
	DefaultThrottleBackoff = 200 * time.Millisecond
	// DefaultMaxThrottleBackoff caps one account's pause.
	DefaultMaxThrottleBackoff = 20 * time.Second
	// DefaultSessionDuration is the role sessions' lifetime; credentials
	// are renewed before they expire, so a long run never fails on it.
	DefaultSessionDuration = time.Hour
	// DefaultSessionRenewal is how long before its expiry a role session
	// is renewed: a request signed just before expiry must not reach AWS
	// (after a retry, or a throttling pause of up to
	// DefaultMaxThrottleBackoff) with expired credentials.
	DefaultSessionRenewal = 5 * time.Minute
	// MinCheckpointKeyLen is the shortest Options.CheckpointKey, in bytes:
	// 256 bits, HMAC-SHA256's own strength, so the MACs in a checkpoint
	// that an attacker can read do not let them guess the key.
	MinCheckpointKeyLen = 32
)
