package organization

import (
	"context"
	"errors"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws/retry"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	"github.com/aws/smithy-go/middleware"
)

// limiter bounds the requests in flight across the whole run. A request
// holds a slot only while it is on the wire: the SDK's retry delays and an
// account's throttling pause are spent without one, so a busy account
// never holds back the others.
type limiter struct {
	slots chan struct{}
}

func newLimiter(n int) *limiter { return &limiter{slots: make(chan struct{}, n)} }

// gate is one account's shared throttling backoff: after a throttling
// answer to any of the account's requests, every request of the account
// waits until the gate opens; consecutive throttles double the pause, a
// success resets it.
type gate struct {
	base, max time.Duration

	mu     sync.Mutex
	until  time.Time
	streak int
	// throttles counts throttling answers (for Result.Throttled).
	throttles int
}

func newGate(base, max time.Duration) *gate { return &gate{base: base, max: max} }

// wait blocks until the gate is open or ctx ends.
func (g *gate) wait(ctx context.Context) error {
	for {
		g.mu.Lock()
		d := time.Until(g.until)
		g.mu.Unlock()
		if d <= 0 {
			return ctx.Err()
		}
		t := time.NewTimer(d)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
	}
}

// throttled closes the gate for the next backoff: base·2^streak, capped,
// with jitter in [d/2, d] so that an account's requests do not return all
// at once.
func (g *gate) throttled() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.throttles++
	d := g.base
	for i := 0; i < g.streak && d < g.max; i++ {
		d *= 2
	}
	d = min(d, g.max)
	if d > 1 {
		d = d/2 + time.Duration(rand.Int64N(int64(d/2)+1))
	}
	if until := time.Now().Add(d); until.After(g.until) {
		g.until = until
	}
	g.streak++
}

func (g *gate) succeeded() {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.streak = 0
}

func (g *gate) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.throttles
}

// throttleCodes are the error codes AWS services answer when they throttle:
// the SDK's list (Throttling, ThrottlingException, TooManyRequestsException,
// RequestLimitExceeded, SlowDown, …) and TooManyRequests.
var throttleCodes = func() map[string]bool {
	m := map[string]bool{"TooManyRequests": true}
	for c := range retry.DefaultThrottleErrorCodes {
		m[c] = true
	}
	return m
}()

// maxThrottledCalls is how many times a call of the management account
// (GetCallerIdentity, a ListAccounts page, AssumeRole) is made while it is
// answered with throttling; each call is the SDK's attempts, and each
// attempt waits for the management gate.
const maxThrottledCalls = 10

// untilNotThrottled calls fn again while it fails with throttling (the
// gate of its client's middleware paces the calls), up to
// maxThrottledCalls times, and returns its last error.
func untilNotThrottled(ctx context.Context, fn func() error) error {
	for n := 1; ; n++ {
		err := fn()
		if err == nil || n == maxThrottledCalls || ctx.Err() != nil || !isThrottle(err) {
			return err
		}
	}
}

// isThrottle reports whether err is a throttling answer (by code, or HTTP
// 429).
func isThrottle(err error) bool {
	var ae smithy.APIError
	if errors.As(err, &ae) && throttleCodes[ae.ErrorCode()] {
		return true
	}
	var re *awshttp.ResponseError
	return errors.As(err, &re) && re.HTTPStatusCode() == 429
}

// middleware returns the stack option that puts every attempt of a client
// built from an account's configuration through the account's gate and the
// run's limiter. It sits first in the Deserialize step, so it wraps one
// attempt (after signing, inside the SDK's retry loop) and sees the
// deserialized error.
func (l *limiter) middleware(g *gate) func(*middleware.Stack) error {
	return func(st *middleware.Stack) error {
		return st.Deserialize.Add(middleware.DeserializeMiddlewareFunc("S3SecureOrganizationLimit",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				if g != nil {
					if err := g.wait(ctx); err != nil {
						return middleware.DeserializeOutput{}, middleware.Metadata{}, err
					}
				}
				if err := ctx.Err(); err != nil {
					return middleware.DeserializeOutput{}, middleware.Metadata{}, err
				}
				select {
				case l.slots <- struct{}{}:
				case <-ctx.Done():
					return middleware.DeserializeOutput{}, middleware.Metadata{}, ctx.Err()
				}
				out, md, err := next.HandleDeserialize(ctx, in)
				<-l.slots
				if g != nil {
					if isThrottle(err) {
						g.throttled()
					} else if err == nil {
						g.succeeded()
					}
				}
				return out, md, err
			}), middleware.Before)
	}
}
