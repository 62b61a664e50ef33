package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestPlainHTTPEndpointRefused: an endpoint (-endpoint, AWS_ENDPOINT_URL,
// AWS_ENDPOINT_URL_<SERVICE>) that is plain HTTP to a host that is not
// loopback is a setup problem: exit 2 with one line and a hint, before any
// request, since nothing authenticates its answers.
// -allow-insecure-transport accepts it; loopback needs nothing.
func TestPlainHTTPEndpointRefused(t *testing.T) {
	cliEnv(t, "AKIDEXAMPLE", "secret")
	cases := []struct {
		name string
		env  map[string]string
		args []string
		want string
	}{
		{"-endpoint", nil, []string{"-endpoint", "http://192.0.2.1:9", "audit", "-all"}, "-endpoint http://192.0.2.1:9 is plain HTTP"},
		{"-endpoint after the command", nil, []string{"keys", "-endpoint", "http://example.invalid"}, "-endpoint http://example.invalid is plain HTTP"},
		{"AWS_ENDPOINT_URL", map[string]string{"AWS_ENDPOINT_URL": "http://localstack:4566"}, []string{"analyze", "-all"},
			"(or AWS_ENDPOINT_URL, or endpoint_url in the profile) http://localstack:4566 is plain HTTP"},
		{"AWS_ENDPOINT_URL_S3", map[string]string{"AWS_ENDPOINT_URL_S3": "http://0.0.0.0:1"}, []string{"audit", "-bucket", "b-1"},
			"AWS_ENDPOINT_URL_S3 (or AWS_ENDPOINT_URL, or endpoint_url in the profile) http://0.0.0.0:1 is plain HTTP"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			code, stdout, stderr := runCLI(t, "", tc.args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
			assert.Contains(t, stderr, tc.want)
			assert.Contains(t, stderr, "nothing was sent (hint: use the endpoint's https:// URL (s3secure serve -tls prints one), "+
				"or, for a test server on a network you trust, -allow-insecure-transport)")
		})
	}

	// Loopback needs no flag.
	code, _, stderr := runCLI(t, "", "-endpoint", "http://127.0.0.1:1", "audit", "-all")
	assert.Equal(t, exitUsage, code)
	assert.NotContains(t, stderr, "plain HTTP")
	assert.Contains(t, stderr, "connection refused")
}

// TestAllowInsecureTransport: with -allow-insecure-transport (before or
// after the command) the requests go to the plain-HTTP endpoint (here the
// tests' guard proxy, which records them and answers 403).
func TestAllowInsecureTransport(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIDEXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "secret")
	for _, args := range [][]string{
		{"-allow-insecure-transport", "-endpoint", "http://192.0.2.1:9", "audit", "-all"},
		{"audit", "-all", "-endpoint", "http://192.0.2.1:9", "-allow-insecure-transport"},
		{"-allow-insecure-transport", "-endpoint", "http://192.0.2.1:9", "keys"},
		{"-allow-insecure-transport", "-endpoint", "http://192.0.2.1:9", "analyze", "-bucket", "b-1"}, // EnsureAnalyzer
	} {
		awsGuard.take()
		code, _, stderr := runCLI(t, "", args...)
		sent := awsGuard.take()
		assert.Equal(t, exitUsage, code)
		assert.NotContains(t, stderr, "plain HTTP", args)
		assert.Regexp(t, `Forbidden|HTTP 403`, stderr, args)
		assert.Contains(t, sent, "192.0.2.1:9", args)
	}
}
