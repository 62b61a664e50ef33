package main

import (
	"bufio"
	"context"
	"os"
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

// TestREADMEWalkthrough runs the README's local-server walk-through as
// written: serve -tls -legacy in the background, its export lines pasted
// into the environment (nothing else set), then every command of the
// block, each with the exit code its comment promises; "aws s3 mb" is
// done by an SDK client configured only from that environment, as the AWS
// CLI would be. Over plain HTTP, harden refuses before sending anything.
func TestREADMEWalkthrough(t *testing.T) {
	expectNoAWS(t)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	start := strings.Index(string(readme), "./s3secure serve -tls -legacy")
	require.Positive(t, start, "the README's walk-through starts with ./s3secure serve -tls -legacy")
	block := string(readme)[start:]
	block = block[:strings.Index(block, "```")]

	_, exports := serveInBackground(t, "-tls", "-legacy")
	for k, v := range exports {
		t.Setenv(k, v)
	}
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
			cfg, err := config.LoadDefaultConfig(t.Context())
			require.NoError(t, err)
			_, err = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(t.Context(),
				&s3.CreateBucketInput{Bucket: aws.String(bucket)})
			require.NoError(t, err, line)
			continue
		}
		require.NotEmpty(t, m[2], "README line %q does not say its exit code", line)
		want, _ := strconv.Atoi(m[2])
		code, stdout, stderr := runCLI(t, "", strings.Fields(cmd)[1:]...)
		assert.Equal(t, want, code, "%s\n%s%s", line, stdout, stderr)
		ran++
	}
	assert.GreaterOrEqual(t, ran, 5)

	// Plain HTTP: harden refuses before any request.
	_, plain := serveInBackground(t, "-legacy")
	for k, v := range plain {
		t.Setenv(k, v)
	}
	t.Setenv("AWS_CA_BUNDLE", "")
	cfg, err := config.LoadDefaultConfig(t.Context())
	require.NoError(t, err)
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	_, err = s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("plain")})
	require.NoError(t, err)
	code, stdout, stderr := runCLI(t, "", "harden", "-bucket", "plain")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Regexp(t, `^s3secure: harden: http://127\.0\.0\.1:\d+ is plain HTTP, and the bucket policy harden writes denies every request without TLS: `+
		`its own next request would be refused and the bucket locked; nothing was sent \(hint: use the endpoint's https:// URL \(s3secure serve -tls prints one, with AWS_CA_BUNDLE\)\)\n$`, stderr)
}
