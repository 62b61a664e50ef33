package rmw

import (
	"context"
	"math/rand/v2"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"

	"github.com/s3secure/s3secure/internal/setuperr"
)

// Defaults of [Policy].
const (
	// DefaultMaxAttempts is how many times a request that failed with a
	// retryable error is tried in all. S3 returns OperationAborted for
	// seconds after a bucket is created or while another configuration
	// change runs.
	DefaultMaxAttempts = 8
	// DefaultBaseDelay is the first backoff delay; each retry doubles it
	// (with full jitter) up to DefaultMaxDelay.
	DefaultBaseDelay = 100 * time.Millisecond
	// DefaultMaxDelay caps one backoff delay.
	DefaultMaxDelay = 5 * time.Second
	// DefaultRounds is how many writes a cycle makes before it gives up
	// with its conflict error. Re-reading and re-merging converges unless
	// another writer keeps removing our part.
	DefaultRounds = 5
	// DefaultStaleBudget caps how long, in all, a verification re-reads a
	// setting that still shows its value from before the write, before it
	// concludes that the endpoint did not keep the write (S3's lag is
	// normally well under a second).
	DefaultStaleBudget = 5 * time.Second
)

// Policy says how a [Cycle] and [Do] retry and verify. The zero value
// means the defaults.
type Policy struct {
	// MaxAttempts is how many times a request is tried in all when it
	// fails with a retryable error. 1 means no retries.
	MaxAttempts int
	// BaseDelay is the first backoff delay, and the first delay before a
	// possibly stale read is read again.
	BaseDelay time.Duration
	// MaxDelay caps one backoff delay and one stale-read delay.
	MaxDelay time.Duration
	// Rounds is how many writes a cycle makes in all before its conflict
	// error.
	Rounds int
	// StaleBudget is how long, in all, a verification waits for a write to
	// become visible. By default 50 times BaseDelay, at most
	// DefaultStaleBudget.
	StaleBudget time.Duration
}

// WithDefaults returns p with each zero field set to its default, and
// MaxDelay raised to BaseDelay when it is smaller.
func (p Policy) WithDefaults() Policy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = DefaultMaxAttempts
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = DefaultBaseDelay
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = DefaultMaxDelay
	}
	if p.MaxDelay < p.BaseDelay {
		p.MaxDelay = p.BaseDelay
	}
	if p.Rounds <= 0 {
		p.Rounds = DefaultRounds
	}
	if p.StaleBudget <= 0 {
		p.StaleBudget = min(DefaultStaleBudget, 50*p.BaseDelay)
	}
	return p
}

// retryables are the SDK's own retryable classes plus OperationAborted,
// which S3 documents as "please try again" but the SDK does not retry.
var retryables = retry.IsErrorRetryables(append([]retry.IsErrorRetryable{
	retry.RetryableErrorCode{Codes: map[string]struct{}{"OperationAborted": {}, "InternalError": {}, "ServiceUnavailable": {}}},
}, retry.DefaultRetryables...))

// Retryable reports whether err is worth another attempt: 409
// OperationAborted (a conflicting configuration change is in progress),
// throttling (503 SlowDown and the SDK's throttle codes), 5xx responses,
// timeouts and dropped connections. A canceled context is not, and
// neither is a setup problem ([setuperr.Is]: credentials that cannot be
// retrieved or are refused, a refused connection, a host that does not
// resolve, a TLS failure), which the SDK's classes would retry but which
// fails the same way until someone changes the configuration.
func Retryable(err error) bool {
	return !setuperr.Is(err) && retryables.IsErrorRetryable(err) == aws.TrueTernary
}

// Do runs fn until it succeeds, fails with an error that is not
// [Retryable], has been tried p.MaxAttempts times, or ctx ends. It
// returns fn's last error unchanged, so the caller wraps the SDK error
// once.
func Do[T any](ctx context.Context, p Policy, fn func(context.Context) (T, error)) (T, error) {
	p = p.WithDefaults()
	for attempt := 0; ; attempt++ {
		out, err := fn(ctx)
		if err == nil || !Retryable(err) || attempt+1 >= p.MaxAttempts || ctx.Err() != nil {
			return out, err
		}
		if werr := Sleep(ctx, Backoff(p, attempt)); werr != nil {
			return out, err
		}
	}
}

// Backoff is the delay before retry number attempt+1: uniformly random in
// [0, min(MaxDelay, BaseDelay·2^attempt)] ("full jitter"). p must have
// its defaults.
func Backoff(p Policy, attempt int) time.Duration {
	d := p.BaseDelay
	for i := 0; i < attempt && d < p.MaxDelay; i++ {
		d *= 2
	}
	d = min(d, p.MaxDelay)
	if d <= 0 {
		return 0
	}
	return time.Duration(rand.Int64N(int64(d) + 1))
}

// Sleep waits for d or until ctx ends, and then returns ctx's error.
func Sleep(ctx context.Context, d time.Duration) error {
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
