package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// startServe runs "s3secure serve" in the background and returns what it
// printed before serving: "endpoint" (from the first line, endpoint=URL)
// and the variables of its export lines; unset lines map to "".
func startServe(t *testing.T, args ...string) map[string]string {
	t.Helper()
	ctx, cancel := context.WithCancel(t.Context())
	pr, pw := io.Pipe()
	done := make(chan int, 1)
	go func() {
		code := run(ctx, append([]string{"serve", "-addr", "127.0.0.1:0"}, args...), strings.NewReader(""), pw, io.Discard)
		pw.Close()
		done <- code
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case code := <-done:
			assert.Equal(t, exitOK, code)
		case <-time.After(10 * time.Second):
			t.Error("serve did not stop")
		}
	})
	vals := map[string]string{}
	sc := bufio.NewScanner(pr)
	first := true
	for sc.Scan() {
		line := sc.Text()
		if first {
			ep, ok := strings.CutPrefix(line, "endpoint=")
			require.True(t, ok, "first line must be endpoint=URL, got %q", line)
			vals["endpoint"] = ep
			first = false
			continue
		}
		if strings.HasPrefix(line, "# account ") {
			require.Contains(t, line, "serving until Ctrl-C")
			go io.Copy(io.Discard, pr)
			return vals
		}
		switch {
		case strings.HasPrefix(line, "export "):
			k, v, ok := strings.Cut(strings.TrimPrefix(line, "export "), "=")
			require.True(t, ok, "unexpected line %q", line)
			require.Regexp(t, `^[A-Z_]+$`, k)
			require.NotContains(t, v, " ", "values are pasted unquoted")
			vals[k] = v
		case strings.HasPrefix(line, "unset "):
			for _, k := range strings.Fields(strings.TrimPrefix(line, "unset ")) {
				vals[k] = ""
			}
		default:
			require.True(t, strings.HasPrefix(line, "# "), "unexpected line %q", line)
		}
	}
	t.Fatal("serve ended before serving")
	return nil
}

// exerciseS3 uses an ordinary SDK client, configured only with what serve
// printed, for buckets, objects and bucket settings.
func exerciseS3(t *testing.T, c *s3.Client, overTLS bool) {
	ctx := t.Context()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("demo")})
	require.NoError(t, err)
	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("demo"), Key: aws.String("a/b.txt"), Body: strings.NewReader("hello")})
	require.NoError(t, err)
	got, err := c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("demo"), Key: aws.String("a/b.txt")})
	require.NoError(t, err)
	body, _ := io.ReadAll(got.Body)
	got.Body.Close()
	assert.Equal(t, "hello", string(body))

	// Buckets made through the API have today's AWS defaults.
	pab, err := c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("demo")})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy))

	_, err = c.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{Bucket: aws.String("demo"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled}})
	require.NoError(t, err)
	v, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("demo")})
	require.NoError(t, err)
	assert.Equal(t, types.BucketVersioningStatusEnabled, v.Status)

	policy := `{"Version":"2012-10-17","Statement":[{"Sid":"DenyHTTP","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::demo","arn:aws:s3:::demo/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("demo"), Policy: aws.String(policy)})
	require.NoError(t, err)
	gp, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("demo")})
	require.NoError(t, err)
	assert.JSONEq(t, policy, aws.ToString(gp.Policy))

}

func TestServeGeneratedCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	vals := startServe(t)
	require.True(t, strings.HasPrefix(vals["endpoint"], "http://127.0.0.1:"))
	assert.Equal(t, vals["endpoint"], vals["AWS_ENDPOINT_URL"])
	assert.Equal(t, s3fake.DefaultRegion, vals["AWS_REGION"])
	assert.Contains(t, vals, "AWS_SESSION_TOKEN", "a session token of the user's would not match the server's keys")
	assert.Regexp(t, `^AKIA[A-Z2-7]{16}$`, vals["AWS_ACCESS_KEY_ID"])
	assert.Len(t, vals["AWS_SECRET_ACCESS_KEY"], 40)

	creds := credentials.NewStaticCredentialsProvider(vals["AWS_ACCESS_KEY_ID"], vals["AWS_SECRET_ACCESS_KEY"], "")
	exerciseS3(t, s3fake.NewClient(vals["endpoint"], vals["AWS_REGION"], nil, creds), false)

	// A wrong secret is refused: the server checks signatures.
	bad := s3fake.NewClient(vals["endpoint"], vals["AWS_REGION"], nil,
		credentials.NewStaticCredentialsProvider(vals["AWS_ACCESS_KEY_ID"], "wrong"+vals["AWS_SECRET_ACCESS_KEY"][5:], ""))
	_, err := bad.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	var apiErr smithy.APIError
	require.ErrorAs(t, err, &apiErr)
	assert.Equal(t, "SignatureDoesNotMatch", apiErr.ErrorCode())
}

func TestServeTLSWithEnvironmentCredentials(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAENVIRONMENTKEY01")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "env-secret-value-that-is-never-printed")
	vals := startServe(t, "-tls")
	require.True(t, strings.HasPrefix(vals["endpoint"], "https://127.0.0.1:"))
	assert.Equal(t, "AKIAENVIRONMENTKEY01", vals["AWS_ACCESS_KEY_ID"])
	assert.NotContains(t, vals, "AWS_SECRET_ACCESS_KEY", "a secret from the environment is never printed")

	pemBytes, err := os.ReadFile(vals["AWS_CA_BUNDLE"])
	require.NoError(t, err)
	pool := x509.NewCertPool()
	require.True(t, pool.AppendCertsFromPEM(pemBytes))
	hc := &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
	creds := credentials.NewStaticCredentialsProvider("AKIAENVIRONMENTKEY01", "env-secret-value-that-is-never-printed", "")
	exerciseS3(t, s3fake.NewClient(vals["endpoint"], vals["AWS_REGION"], hc, creds), true)
}

func TestServeUsage(t *testing.T) {
	code, _, stderr := runCLI(t, "", "serve", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `unexpected argument "extra"`)
	code, _, stderr = runCLI(t, "", "serve", "-addr", "256.0.0.1:99999")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "listen on")
}

func TestLocalConfigUsesEmbeddedFake(t *testing.T) {
	g := &globals{local: true, format: "text", stdout: io.Discard, stderr: io.Discard}
	defer g.close()
	c, err := g.s3Client(t.Context())
	require.NoError(t, err)
	_, err = c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String("local-bucket")})
	require.NoError(t, err)
	out, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
	require.NoError(t, err)
	require.Len(t, out.Buckets, 1)
	assert.Equal(t, "local-bucket", aws.ToString(out.Buckets[0].Name))
	_, ok := g.localServer.Bucket("local-bucket")
	assert.True(t, ok)
}
