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
	// DefaultCheckpointMaxAge is how old a checkpoint's results may be for
	// a run to resume it (Options.AllowCheckpointAgeUpTo): a checkpoint resumes
	// an interrupted run, the same day, and a day is as old as AWS
	// Security Hub lets its own periodic checks of these controls get
	// ("Periodic security checks run automatically within 12 or 24 hours
	// after the most recent run"). A result older than that belongs to an
	// earlier audit, not to this one.
	DefaultCheckpointMaxAge = 24 * time.Hour
	// MaxCheckpointClockSkew is how far in the future of the run's clock a
	// checkpoint's result may be dated: the machines that write and resume
	// a checkpoint keep their clocks within seconds of each other (NTP),
	// and a result dated further ahead would take that much longer to grow
	// older than the window (one dated years ahead, never).
	MaxCheckpointClockSkew = 5 * time.Minute
)
