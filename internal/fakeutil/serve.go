package fakeutil

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/smithy-go"
)

// Serve runs h on a loopback httptest server that is closed when the test
// ends.
func Serve(tb testing.TB, h http.Handler) *httptest.Server {
	tb.Helper()
	hs := httptest.NewServer(h)
	tb.Cleanup(hs.Close)
	return hs
}

// ErrorCode returns the service error code of err (a smithy.APIError
// anywhere in its chain), or "" when there is none.
func ErrorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// MotoAccount returns a transport that adds moto's x-moto-account-id header
// to every request it passes to next, so that a test sharing one
// moto_server with others works in an account of its own.
func MotoAccount(account string, next http.RoundTripper) http.RoundTripper {
	return motoAccount{account, next}
}

// MotoAccountID returns a 12-digit account id of this run's own for
// [MotoAccount], starting with lead (0-9) so that packages sharing one
// moto_server pick from different ranges.
func MotoAccountID(lead int) string {
	return fmt.Sprintf("%d%011d", lead, time.Now().UnixNano()%100_000_000_000)
}

type motoAccount struct {
	account string
	next    http.RoundTripper
}

func (m motoAccount) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("x-moto-account-id", m.account)
	return m.next.RoundTrip(r)
}
