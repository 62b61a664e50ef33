package aafake

import (
	"context"
	"errors"
	"net"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ClosedConnRetryer is the retryer for SDK clients in tests against local
// fakes: like aws.NopRetryer it retries no service error (so injected
// throttling and 5xx reach the test), but it retries, at once and up to
// twice, a request whose connection the SDK's own transport closed under
// it ("use of closed network connection", aws/aws-sdk-go-v2#1825 and
// #2737; the standard retryer retries net.ErrClosed since #2949). Under
// the race detector this client-side race shows up in a few percent of
// runs of a large response.
type ClosedConnRetryer struct{ aws.NopRetryer }

// IsErrorRetryable reports whether err is net.ErrClosed.
func (ClosedConnRetryer) IsErrorRetryable(err error) bool { return errors.Is(err, net.ErrClosed) }

// MaxAttempts allows two retries.
func (ClosedConnRetryer) MaxAttempts() int { return 3 }

// RetryDelay retries at once.
func (ClosedConnRetryer) RetryDelay(int, error) (time.Duration, error) { return 0, nil }

// GetRetryToken grants every retry (there are at most two).
func (ClosedConnRetryer) GetRetryToken(context.Context, error) (func(error) error, error) {
	return func(error) error { return nil }, nil
}
