package securebucket

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
)

// Retry says how requests that fail with a retryable error are retried:
// 409 OperationAborted (a conflicting configuration change is in progress),
// throttling (503 SlowDown and the SDK's throttle codes), 5xx responses,
// timeouts and dropped connections. Delays grow exponentially with full
// jitter. The zero value means the defaults.
//
// These retries come on top of the client's own retryer, which does not
// retry OperationAborted.
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

func (r Retry) withDefaults() Retry {
	if r.MaxAttempts == 0 {
		r.MaxAttempts = DefaultMaxAttempts
	}
	if r.BaseDelay == 0 {
		r.BaseDelay = DefaultRetryBaseDelay
	}
	if r.MaxDelay == 0 {
		r.MaxDelay = DefaultRetryMaxDelay
	}
	if r.MaxDelay < r.BaseDelay {
		r.MaxDelay = r.BaseDelay
	}
	return r
}

// staleBudget is how long, in all, a write's verification re-reads a
// setting that still shows its value from before the write: 50 times
// BaseDelay, at most staleReadBudget.
func (r Retry) staleBudget() time.Duration {
	return min(staleReadBudget, 50*r.BaseDelay)
}

// retryables are the SDK's own retryable classes plus OperationAborted,
// which S3 documents as "please try again" but the SDK does not retry.
var retryables = retry.IsErrorRetryables(append([]retry.IsErrorRetryable{
	retry.RetryableErrorCode{Codes: map[string]struct{}{"OperationAborted": {}, "InternalError": {}, "ServiceUnavailable": {}}},
}, retry.DefaultRetryables...))

// retryable reports whether err is worth another attempt.
func retryable(err error) bool {
	return retryables.IsErrorRetryable(err) == aws.TrueTernary
}

// call runs fn until it succeeds, fails with an error that is not
// retryable, runs out of attempts, or ctx ends. It returns fn's last error
// unchanged, so the SDK error is wrapped only once, by the caller.
func call[T any](ctx context.Context, r Retry, fn func(context.Context) (T, error)) (T, error) {
	var (
		out T
		err error
	)
	for attempt := 0; ; attempt++ {
		out, err = fn(ctx)
		if err == nil || !retryable(err) || attempt+1 >= r.MaxAttempts || ctx.Err() != nil {
			return out, err
		}
		if werr := sleep(ctx, backoff(r, attempt)); werr != nil {
			return out, err
		}
	}
}

// backoff is the delay before retry number attempt+1: uniformly random in
// [0, min(MaxDelay, BaseDelay·2^attempt)] ("full jitter").
func backoff(r Retry, attempt int) time.Duration {
	d := r.BaseDelay
	for i := 0; i < attempt && d < r.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, r.MaxDelay)
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

func sleep(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
