package fakeutil

import (
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
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

// ProcessEnv returns the environment for a process a test starts
// (moto_server, a boto3 script, the command-line tool): this process's
// environment without any of the user's AWS settings (every AWS_* and
// BOTO_* variable: profiles, endpoints, regions, keys, CA bundles, config
// files) or proxy settings, and with shared configuration and credential
// files and instance metadata switched off, then set (KEY=VALUE entries)
// on top. The process sees only the AWS environment the test gives it.
func ProcessEnv(set ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); !userAWSSetting(k) {
			env = append(env, kv)
		}
	}
	for k, v := range isolatedAWSEnv {
		env = append(env, k+"="+v)
	}
	return append(env, set...)
}

// isolatedAWSEnv is the AWS environment ProcessEnv and IsolateAWSEnv
// give: no shared configuration or credential files, no instance
// metadata.
var isolatedAWSEnv = map[string]string{
	"AWS_CONFIG_FILE":             "/dev/null",
	"AWS_SHARED_CREDENTIALS_FILE": "/dev/null",
	"AWS_EC2_METADATA_DISABLED":   "true",
}

// IsolateAWSEnv removes the user's AWS and proxy settings from this
// process's environment and switches off shared files and instance
// metadata, as ProcessEnv does for a child, for the tests of a program
// that reads the environment by design (the command-line tool): call it
// from an init function of the package's tests, before any test runs;
// tests then t.Setenv what they need. It panics if the environment cannot
// be changed.
func IsolateAWSEnv() {
	for _, kv := range os.Environ() {
		if k, _, _ := strings.Cut(kv, "="); userAWSSetting(k) {
			if err := os.Unsetenv(k); err != nil {
				panic(err)
			}
		}
	}
	for k, v := range isolatedAWSEnv {
		if err := os.Setenv(k, v); err != nil {
			panic(err)
		}
	}
}

// userAWSSetting reports whether an environment variable is an AWS SDK,
// botocore or proxy setting.
func userAWSSetting(k string) bool {
	u := strings.ToUpper(k)
	return strings.HasPrefix(u, "AWS_") || strings.HasPrefix(u, "BOTO_") ||
		u == "HTTP_PROXY" || u == "HTTPS_PROXY" || u == "ALL_PROXY" || u == "NO_PROXY"
}
