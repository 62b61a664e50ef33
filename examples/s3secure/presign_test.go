package main

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

func TestPresignCommand(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIACLITEST000000001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cli/secret+key")
	t.Setenv("AWS_SESSION_TOKEN", "")
	t.Setenv("AWS_CA_BUNDLE", "")
	t.Setenv("AWS_PROFILE", "")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")
	lookup := func(id string) (aws.Credentials, bool) {
		return aws.Credentials{AccessKeyID: id, SecretAccessKey: "cli/secret+key"}, id == "AKIACLITEST000000001"
	}
	verify := func(method, rawURL string, header http.Header) error {
		r, err := http.NewRequest(method, rawURL, nil)
		require.NoError(t, err)
		r.Header = header
		_, err = presign.Verify(r, lookup, &presign.VerifyOptions{AllowExpiryUpTo: presign.HardMaxExpiry})
		return err
	}

	code, stdout, stderr := runCLI(t, "", "-endpoint", "http://127.0.0.1:9000", "-region", "eu-west-1", "presign", "-bucket", "my-bucket", "-key", "a b.txt")
	require.Equal(t, exitOK, code, stderr)
	url := strings.TrimSpace(stdout)
	assert.True(t, strings.HasPrefix(url, "http://127.0.0.1:9000/my-bucket/a%20b.txt?"), url)
	assert.Contains(t, url, "X-Amz-Expires=900&")
	assert.NoError(t, verify("GET", url, http.Header{}))

	code, stdout, stderr = runCLI(t, "", "-endpoint", "http://127.0.0.1:9000", "-format", "json", "presign",
		"-bucket", "my-bucket", "-key", "up.png", "-method", "put", "-content-type", "image/png", "-expires", "48h")
	require.Equal(t, exitOK, code, stderr)
	var out struct {
		Method  string            `json:"method"`
		URL     string            `json:"url"`
		Expires string            `json:"expires"`
		Headers map[string]string `json:"headers"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &out))
	assert.Equal(t, "PUT", out.Method)
	assert.Equal(t, map[string]string{"Content-Type": "image/png"}, out.Headers)
	exp, err := time.Parse(time.RFC3339, out.Expires)
	require.NoError(t, err)
	assert.WithinDuration(t, time.Now().Add(48*time.Hour), exp, time.Minute)
	assert.NoError(t, verify("PUT", out.URL, http.Header{"Content-Type": {"image/png"}}))

	// The global -allow-insecure-transport, which the README and every
	// other command name for a plain-HTTP endpoint on another host,
	// accepts it for presign too; -insecure-allow-http, presign's own
	// former flag, still does.
	for _, args := range [][]string{
		{"-allow-insecure-transport", "-endpoint", "http://10.1.2.3:9000", "presign", "-bucket", "my-bucket", "-key", "k"},
		{"-endpoint", "http://10.1.2.3:9000", "presign", "-bucket", "my-bucket", "-key", "k", "-allow-insecure-transport"},
		{"-endpoint", "http://10.1.2.3:9000", "presign", "-insecure-allow-http", "-bucket", "my-bucket", "-key", "k"},
	} {
		code, stdout, stderr = runCLI(t, "", args...)
		require.Equal(t, exitOK, code, "%v: %s", args, stderr)
		assert.True(t, strings.HasPrefix(stdout, "http://10.1.2.3:9000/my-bucket/k?"), stdout)
	}

	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"presign", "-key", "k"}, "-bucket and -key are required"},
		{[]string{"presign", "-bucket", "my-bucket", "-key", "k", "-method", "DELETE"}, "-method must be GET, PUT or HEAD"},
		{[]string{"presign", "-bucket", "my-bucket", "-key", "k", "-method", "PUT"}, "content type is required"},
		{[]string{"presign", "-bucket", "my-bucket", "-key", "k", "-expires", "200h"}, "exceeds"},
		{[]string{"presign", "-bucket", "my-bucket", "-key", "../k"}, "invalid object key"},
		{[]string{"presign", "-bucket", "My_Bucket", "-key", "k"}, "invalid bucket name"},
		{[]string{"-endpoint", "http://10.1.2.3:9000", "presign", "-bucket", "my-bucket", "-key", "k"},
			"plain HTTP is allowed only for loopback hosts (set -allow-insecure-transport to override)"},
		{[]string{"-local", "presign", "-bucket", "my-bucket", "-key", "k"},
			"-local's in-memory AWS ends with this run, so the URL would point at nothing; run s3secure serve and give its endpoint with -endpoint"},
	} {
		args := tc.args
		if args[0] != "-endpoint" && args[0] != "-local" {
			args = append([]string{"-endpoint", "http://127.0.0.1:9000"}, args...)
		}
		code, _, stderr := runCLI(t, "", args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.stderr, tc.args)
		assert.NotContains(t, stderr, "cli/secret+key")
	}

	// The S3 endpoint from the SDK's settings is the URL's, path-style.
	t.Setenv("AWS_ENDPOINT_URL_S3", "http://127.0.0.1:9100")
	code, stdout, stderr = runCLI(t, "", "presign", "-bucket", "my-bucket", "-key", "k")
	require.Equal(t, exitOK, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "http://127.0.0.1:9100/my-bucket/k?"), stdout)
}

// TestPresignCredentialsExpireFirst: with credentials that expire before
// the URL would (SSO, an assumed role, a credential_process that says
// when), presign refuses, and says what to do with the command's flags:
// the library's "set ClampToCredentials" names an option the command does
// not have.
func TestPresignCredentialsExpireFirst(t *testing.T) {
	expires := time.Now().Add(10 * time.Minute).UTC().Format(time.RFC3339)
	out := `{"Version":1,"AccessKeyId":"ASIAEXPIRESSOON00001","SecretAccessKey":"expiring/secret/key/expiring/secret/key0",` +
		`"SessionToken":"expiringtoken","Expiration":"` + expires + `"}`
	dir := t.TempDir()
	script := filepath.Join(dir, "creds.sh")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s' '"+out+"'\n"), 0o700))
	path := filepath.Join(dir, "config")
	require.NoError(t, os.WriteFile(path, []byte("[profile sso]\ncredential_process = "+script+"\n"), 0o600))
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	t.Setenv("AWS_CONFIG_FILE", path)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_PROFILE", "sso")

	code, stdout, stderr := runCLI(t, "", "-endpoint", "http://127.0.0.1:9000", "-region", "us-east-1", "presign", "-bucket", "my-bucket", "-key", "k")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "presign: the credentials expire at "+expires+", before the URL would")
	assert.Contains(t, stderr, "give a shorter -expires (at most until the credentials expire), or renew the credentials first")
	assert.NotContains(t, stderr, "ClampToCredentials")
	assert.NotContains(t, stderr, "expiring/secret")

	code, stdout, stderr = runCLI(t, "", "-endpoint", "http://127.0.0.1:9000", "-region", "us-east-1", "presign", "-bucket", "my-bucket", "-key", "k", "-expires", "5m")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "X-Amz-Expires=300&")
}

// TestPresignFollowsFIPSSetting: with AWS_USE_FIPS_ENDPOINT=true the URL
// is for the s3-fips endpoint, as every other command's SDK client would
// use; with -endpoint as well, the clash is a
// setup error (exit 2) naming FIPS, not a URL for the other endpoint.
func TestPresignFollowsFIPSSetting(t *testing.T) {
	cliEnv(t, "AKIACLITEST000000001", "cli/secret+key")
	t.Setenv("AWS_USE_FIPS_ENDPOINT", "true")

	code, stdout, stderr := runCLI(t, "", "-region", "us-gov-west-1", "presign", "-bucket", "my-bucket", "-key", "k")
	require.Equal(t, exitOK, code, stderr)
	assert.True(t, strings.HasPrefix(stdout, "https://my-bucket.s3-fips.us-gov-west-1.amazonaws.com/k?"), stdout)

	code, stdout, stderr = runCLI(t, "", "-endpoint", "https://s3.example.com", "-region", "us-gov-west-1", "presign", "-bucket", "my-bucket", "-key", "k")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "FIPS")
}
