package securebucket

import (
	"context"
	"fmt"
	"time"

	"github.com/s3secure/s3secure/internal/rmw"
)

// Retry says how requests that fail with a retryable error are retried:
// 409 OperationAborted (a conflicting configuration change is in progress),
// throttling (503 SlowDown and the SDK's throttle codes), 5xx responses,
// timeouts and dropped connections. Delays grow exponentially with full
// jitter. The zero value means the defaults.
//
// These retries come on top of the client's own retryer, which does not
// retry OperationAborted. Neither retries a setup problem, which fails the
// same way until someone changes the configuration: credentials that
// cannot be retrieved or that AWS refuses, a refused connection, a host
// name that does not resolve, a TLS failure (for every request this
// package sends, the client's retryer is wrapped to skip them).
//
// BaseDelay and MaxDelay also pace the re-reads with which Harden waits for
// its own write to become visible when it verifies it (S3's bucket
// configuration is eventually consistent), for up to 50 times BaseDelay in
// all (5 seconds by default).
type Retry struct {
	// MaxAttempts is how many times a request is tried in all. By default,
	// DefaultMaxAttempts. 1 means no retries.
	MaxAttempts int
	// BaseDelay is the first backoff delay. By default, DefaultRetryBaseDelay.
	BaseDelay time.Duration
	// MaxDelay caps one backoff delay. By default, DefaultRetryMaxDelay.
	MaxDelay time.Duration
}

func (r Retry) validate() error {
	if r.MaxAttempts < 0 || r.BaseDelay < 0 || r.MaxDelay < 0 {
		return fmt.Errorf("%w: Retry values must not be negative", ErrInvalidOptions)
	}
	if r.MaxAttempts > 100 {
		return fmt.Errorf("%w: Retry.MaxAttempts %d is more than 100", ErrInvalidOptions, r.MaxAttempts)
	}
	return nil
}

// policy returns r as the write discipline's retry policy, with the
// defaults filled in.
func (r Retry) policy() rmw.Policy {
	return rmw.Policy{MaxAttempts: r.MaxAttempts, BaseDelay: r.BaseDelay, MaxDelay: r.MaxDelay}.WithDefaults()
}

// withDefaults returns r with its defaults filled in.
func (r Retry) withDefaults() Retry {
	p := r.policy()
	return Retry{MaxAttempts: p.MaxAttempts, BaseDelay: p.BaseDelay, MaxDelay: p.MaxDelay}
}

// call runs fn until it succeeds, fails with an error that is not
// retryable, runs out of attempts, or ctx ends ([rmw.Do]). It returns fn's
// last error unchanged, so the SDK error is wrapped only once, by the
// caller.
func call[T any](ctx context.Context, r Retry, fn func(context.Context) (T, error)) (T, error) {
	return rmw.Do(ctx, r.policy(), fn)
}
