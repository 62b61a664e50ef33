package main

import (
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/internal/s3fake"
)

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestSetupErrors: a setup problem is one line on stderr with a hint and
// exit 2, found on the first request (no retries, no rows of UNKNOWN),
// for a command that would otherwise report per-control errors.
func TestSetupErrors(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String()
	closed.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()

	tests := []struct {
		name    string
		env     func(t *testing.T, a *testAWS)
		args    func(a *testAWS) []string
		want    string
		maxReqs int
	}{
		{"no credentials", func(t *testing.T, a *testAWS) {
			t.Setenv("AWS_ACCESS_KEY_ID", "")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "")
		}, nil, "s3secure: no credentials (hint: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or use -local)\n", 0},
		{"unknown access key", func(t *testing.T, a *testAWS) {
			t.Setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000001")
		}, nil, "S3 ListBuckets: InvalidAccessKeyId: ", 1},
		{"wrong secret", func(t *testing.T, a *testAWS) {
			t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
		}, nil, "S3 ListBuckets: SignatureDoesNotMatch: ", 1},
		{"untrusted certificate", func(t *testing.T, a *testAWS) {
			t.Setenv("AWS_CA_BUNDLE", "")
		}, nil, "S3 ListBuckets: the TLS certificate of 127.0.0.1:", 0},
		{"connection refused", nil, func(*testAWS) []string {
			return []string{"-endpoint", refused, "audit", "-bucket", "setup-data"}
		}, "S3 ListBuckets: connection refused by 127.0.0.1:", 0},
		{"http to an HTTPS server", nil, func(a *testAWS) []string {
			return []string{"-endpoint", strings.Replace(a.URL, "https:", "http:", 1), "audit", "-bucket", "setup-data"}
		}, "S3 ListBuckets: HTTP 400 without an AWS error document (hint: is the endpoint an AWS-compatible server, with the right scheme", 0},
		{"https to a plain HTTP server", nil, func(*testAWS) []string {
			return []string{"-endpoint", strings.Replace(plain.URL, "http:", "https:", 1), "audit", "-bucket", "setup-data"}
		}, "does not speak TLS (hint: the server is plain HTTP: use an http:// endpoint URL)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startAWS(t, nil)
			if err := a.CreateBucket("setup-data", s3fake.StateLegacy); err != nil {
				t.Fatal(err)
			}
			if tt.env != nil {
				tt.env(t, a)
			}
			args := []string{"-endpoint", a.URL, "audit", "-bucket", "setup-data"}
			if tt.args != nil {
				args = tt.args(a)
			}
			code, stdout, stderr := runCLI(t, "", args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout, "no UNKNOWN rows")
			assert.Contains(t, stderr, tt.want)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Contains(t, stderr, "(hint: ")
			for _, junk := range []string{"RequestID", "HostID", "operation error", "attempts", "https response error", a.OwnerCredential().SecretAccessKey} {
				assert.NotContains(t, stderr, junk)
			}
			assert.LessOrEqual(t, total(a.Requests()), tt.maxReqs, "no retries: %v", a.Requests())
		})
	}
}
