// Package testretry holds the retryer that SDK clients use against the
// in-memory fakes in tests and examples.
package testretry

import (
	"context"
	"errors"
	"net"
	"net/http"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// ClosedConn is the retryer for SDK clients talking to local fakes: like
// aws.NopRetryer it retries no service error, so injected throttling, 5xx
// and 409 OperationAborted reach the code under test (which must do its own
// retrying), but it retries, at once and up to twice, a request whose
// connection the client's transport closed under it ("use of closed network
// connection", aws/aws-sdk-go-v2#1825 and #2737; the SDK's standard retryer
// retries net.ErrClosed too). Reproduced here under load with -race: a 200
// response whose body read fails because the transport's write loop closed
// the connection after the server had already answered (#2737's trace shows
// the same). The fakes do not count such a resend twice (fakeutil.Resent).
type ClosedConn struct{ aws.NopRetryer }

var _ aws.Retryer = ClosedConn{}

// IsErrorRetryable reports whether err is net.ErrClosed.
func (ClosedConn) IsErrorRetryable(err error) bool { return errors.Is(err, net.ErrClosed) }

// MaxAttempts allows two retries.
func (ClosedConn) MaxAttempts() int { return 3 }

// RetryDelay retries at once.
func (ClosedConn) RetryDelay(int, error) (time.Duration, error) { return 0, nil }

// GetRetryToken grants every retry (there are at most two).
func (ClosedConn) GetRetryToken(context.Context, error) (func(error) error, error) {
	return func(error) error { return nil }, nil
}

// FreshConnClient returns an HTTP client for SDK clients talking to
// plain-HTTP fakes: its transport is wrapped by [Transport], and it opens a
// new connection for every request (no keep-alive), so that no request can
// meet a kept-alive connection a test server is closing. On loopback a new
// connection costs microseconds.
func FreshConnClient() *http.Client {
	return Client(&http.Client{Transport: &http.Transport{DisableKeepAlives: true, Proxy: nil}})
}
