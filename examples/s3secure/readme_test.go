package main

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// serveInBackground runs "s3secure serve" with args on a free port until
// the test ends and returns its first line's endpoint and the variables of
// its export lines (unset ones map to "").
func serveInBackground(t *testing.T, args ...string) (string, map[string]string) {
	t.Helper()
	vals := startServe(t, args...)
	ep := vals["endpoint"]
	delete(vals, "endpoint")
	return ep, vals
}

var (
	readmeCommandRe = regexp.MustCompile(`^(\./s3secure [^#]*?|aws s3 mb s3://[a-z0-9.-]+)\s*(?:#\s*(?:exit (\d))?.*)?$`)
)

// hostileAWSEnv sets, for the rest of t, the AWS settings of a machine the
// README's commands must work on: a profile that does not exist, endpoints
// elsewhere (global and for S3), the switch that ignores configured
// endpoints, a session token, a Region for the AWS CLI v1 and a CA bundle
// that does not exist (left from an earlier serve -tls).
func hostileAWSEnv(t *testing.T) {
	t.Helper()
	for k, v := range map[string]string{
		"AWS_PROFILE":                         "nonexistent",
		"AWS_DEFAULT_PROFILE":                 "nonexistent",
		"AWS_ENDPOINT_URL":                    "http://127.0.0.1:1",
		"AWS_ENDPOINT_URL_S3":                 "http://127.0.0.1:1",
		"AWS_ENDPOINT_URL_STS":                "http://127.0.0.1:1",
		"AWS_IGNORE_CONFIGURED_ENDPOINT_URLS": "true",
		"AWS_SESSION_TOKEN":                   "a-token-of-another-account",
		"AWS_DEFAULT_REGION":                  "eu-west-1",
		"AWS_CA_BUNDLE":                       filepath.Join(t.TempDir(), "gone.pem"),
	} {
		t.Setenv(k, v)
	}
	os.Unsetenv("AWS_REGION")
}

// pasteExports does what a user does with serve's output in another shell:
// each export line sets its variable, each unset line removes its
// variables from the environment (for the rest of t).
func pasteExports(t *testing.T, exports map[string]string) {
	t.Helper()
	for k, v := range exports {
		t.Setenv(k, v)
		if v == "" {
			os.Unsetenv(k)
		}
	}
}

// createBucketAsREADME does "aws s3 mb s3://BUCKET" in the environment of
// the test: with the AWS CLI when it is installed, else with an SDK client
// configured only from that environment, as the CLI would be.
func createBucketAsREADME(t *testing.T, bucket string) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	if awsCLI, err := exec.LookPath("aws"); err == nil {
		cmd := exec.CommandContext(ctx, awsCLI, "s3", "mb", "s3://"+bucket)
		// The guard proxy refuses what leaves the machine; unlike Go,
		// botocore proxies loopback addresses unless NO_PROXY names them.
		cmd.Env = append(os.Environ(), "AWS_MAX_ATTEMPTS=1", "NO_PROXY=127.0.0.1,localhost")
		out, err := cmd.CombinedOutput()
		require.NoError(t, err, "aws s3 mb s3://%s in the environment serve's export lines made:\n%s", bucket, out)
		return
	}
	cfg, err := config.LoadDefaultConfig(ctx)
	require.NoError(t, err, "the SDK's configuration, from the environment serve's export lines made")
	_, err = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx,
		&s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err, "aws s3 mb s3://%s", bucket)
}

// TestREADMEWalkthrough runs the README's local-server walk-through as
// written, on a machine whose AWS settings point elsewhere
// (hostileAWSEnv): serve -tls -legacy in the background, its export and
// unset lines pasted into the environment, then every command of the
// block, each with the exit code its comment promises; "aws s3 mb" is run
// with the AWS CLI when it is installed (else an SDK client configured only
// from the environment). Over plain HTTP, harden refuses before sending
// anything, in a shell where the earlier -tls lines were pasted too.
func TestREADMEWalkthrough(t *testing.T) {
	expectNoAWS(t)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	start := strings.Index(string(readme), "./s3secure serve -tls -legacy")
	require.Positive(t, start, "the README's walk-through starts with ./s3secure serve -tls -legacy")
	block := string(readme)[start:]
	block = block[:strings.Index(block, "```")]

	hostileAWSEnv(t)
	_, exports := serveInBackground(t, "-tls", "-legacy")
	pasteExports(t, exports)
	ran := 0
	sc := bufio.NewScanner(strings.NewReader(block))
	sc.Scan() // serve itself
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		m := readmeCommandRe.FindStringSubmatch(line)
		require.NotNil(t, m, "a README command the test does not know: %q", line)
		cmd := strings.TrimSpace(m[1])
		if bucket, ok := strings.CutPrefix(cmd, "aws s3 mb s3://"); ok {
			createBucketAsREADME(t, bucket)
			continue
		}
		require.NotEmpty(t, m[2], "README line %q does not say its exit code", line)
		want, _ := strconv.Atoi(m[2])
		code, stdout, stderr := runCLI(t, "", strings.Fields(cmd)[1:]...)
		assert.Equal(t, want, code, "%s\n%s%s", line, stdout, stderr)
		ran++
	}
	assert.GreaterOrEqual(t, ran, 5)

	// Plain HTTP: harden refuses before any request. The shell still has
	// the -tls server's AWS_CA_BUNDLE, whose file is gone once that
	// server stops: the plain server's lines unset it.
	t.Setenv("AWS_CA_BUNDLE", filepath.Join(t.TempDir(), "gone.pem"))
	_, plain := serveInBackground(t, "-legacy")
	pasteExports(t, plain)
	createBucketAsREADME(t, "plain")
	code, stdout, stderr := runCLI(t, "", "harden", "-bucket", "plain")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Regexp(t, `^s3secure: harden: http://127\.0\.0\.1:\d+ is plain HTTP, and the bucket policy harden writes denies every request without TLS: `+
		`its own next request would be refused and the bucket locked; nothing was sent \(hint: use the endpoint's https:// URL \(s3secure serve -tls prints one, with AWS_CA_BUNDLE\)\)\n$`, stderr)
}
