package plainhttp_test

import (
	"context"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/plainhttp"
)

// noSend is an HTTP client that fails the test if a request is sent.
type noSend struct{ t *testing.T }

func (n noSend) Do(r *http.Request) (*http.Response, error) {
	n.t.Errorf("request sent to %s", r.URL)
	return nil, http.ErrHandlerTimeout
}

func probe(ctx context.Context, c *s3.Client) error {
	return plainhttp.Check(ctx, plainhttp.Error{Call: "pkg.Call", Option: "Options.AllowInsecureTransport"},
		func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("b")}, func(o *s3.Options) {
				o.Credentials = plainhttp.ProbeCredentials
				o.APIOptions = plainhttp.Append(o.APIOptions, add)
			})
			return err
		})
}

// TestCheck: Check sees the endpoint the SDK resolved (BaseEndpoint,
// AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_S3, DisableHTTPS) and refuses plain
// HTTP to a host that is not loopback, without sending anything.
func TestCheck(t *testing.T) {
	cases := []struct {
		name, base            string
		disableHTTPS, refused bool
		env                   map[string]string
	}{
		{name: "remote IP", base: "http://192.0.2.1:9", refused: true},
		{name: "remote name", base: "http://example.invalid", refused: true},
		{name: "container name", base: "http://localstack:4566", refused: true},
		{name: "upper-case scheme", base: "HTTP://192.0.2.1:9", refused: true},
		{name: "https", base: "https://192.0.2.1:9"},
		{name: "127.0.0.1", base: "http://127.0.0.1:9"},
		{name: "127.3.4.5", base: "http://127.3.4.5:9"},
		{name: "::1", base: "http://[::1]:9"},
		{name: "localhost", base: "http://LOCALHOST:9"},
		{name: "AWS default", base: ""},
		{name: "AWS default with DisableHTTPS", base: "", disableHTTPS: true, refused: true},
		{name: "AWS_ENDPOINT_URL", env: map[string]string{"AWS_ENDPOINT_URL": "http://192.0.2.1:9"}, refused: true},
		{name: "AWS_ENDPOINT_URL_S3", env: map[string]string{"AWS_ENDPOINT_URL": "https://192.0.2.1", "AWS_ENDPOINT_URL_S3": "http://192.0.2.1:9"}, refused: true},
		{name: "AWS_ENDPOINT_URL loopback", env: map[string]string{"AWS_ENDPOINT_URL": "http://127.0.0.1:9"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("AWS_CONFIG_FILE", "/nonexistent")
			t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/nonexistent")
			for k, v := range tc.env {
				t.Setenv(k, v)
			}
			cfg, err := config.LoadDefaultConfig(t.Context(), config.WithRegion("us-east-1"),
				config.WithCredentialsProvider(credentials.NewStaticCredentialsProvider("AKID", "SECRET", "")))
			require.NoError(t, err)
			c := s3.NewFromConfig(cfg, func(o *s3.Options) {
				if tc.base != "" {
					o.BaseEndpoint = aws.String(tc.base)
				}
				o.EndpointOptions.DisableHTTPS = tc.disableHTTPS
				o.HTTPClient = noSend{t}
			})
			err = probe(t.Context(), c)
			if !tc.refused {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, plainhttp.ErrEndpoint)
			var pe *plainhttp.Error
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "pkg.Call", pe.Call)
			assert.Regexp(t, `^http://`, pe.Endpoint)
			assert.Contains(t, err.Error(), "pkg: pkg.Call: the client sends requests to "+pe.Endpoint+" over plain HTTP")
			assert.Contains(t, err.Error(), "Options.AllowInsecureTransport")
		})
	}
}

// TestCheckFailsClosed: when the probe's APIOptions entry never reaches
// an SDK request (a client that is not an SDK client, a wrapper that
// drops the per-call options), the endpoint cannot be known and Check
// refuses with an *Error whose Endpoint is "", whatever the endpoint
// really is; an SDK request that fails before its endpoint is resolved
// (invalid input) is left to the real call.
func TestCheckFailsClosed(t *testing.T) {
	refused := plainhttp.Error{Call: "pkg.Call", Option: "Options.AllowInsecureTransport"}
	assertUnknown := func(t *testing.T, err error) {
		t.Helper()
		require.ErrorIs(t, err, plainhttp.ErrEndpoint)
		var pe *plainhttp.Error
		require.ErrorAs(t, err, &pe)
		assert.Empty(t, pe.Endpoint)
		assert.Equal(t, "pkg.Call", pe.Call)
		assert.Contains(t, err.Error(), "pkg: pkg.Call: cannot tell where the client sends its requests")
		assert.Contains(t, err.Error(), "Options.AllowInsecureTransport")
	}
	t.Run("not an SDK client", func(t *testing.T) {
		assertUnknown(t, plainhttp.Check(t.Context(), refused, func(context.Context, func(*middleware.Stack) error) error { return nil }))
	})
	for _, base := range []string{"https://192.0.2.1:9", "http://127.0.0.1:9", "http://192.0.2.1:9"} {
		t.Run("wrapper drops options "+base, func(t *testing.T) {
			sent := 0
			c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(base),
				Credentials: credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""),
				HTTPClient:  senderFunc(func(*http.Request) (*http.Response, error) { sent++; return nil, http.ErrHandlerTimeout }),
				Retryer:     aws.NopRetryer{}})
			err := plainhttp.Check(t.Context(), refused, func(ctx context.Context, add func(*middleware.Stack) error) error {
				_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("b")}) // add dropped
				return err
			})
			assertUnknown(t, err)
			assert.Equal(t, 1, sent, "the wrapper sent its own request")
		})
	}
	t.Run("SDK fails before the endpoint", func(t *testing.T) {
		c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String("http://192.0.2.1:9"), HTTPClient: noSend{t}})
		err := plainhttp.Check(t.Context(), refused, func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{}, func(o *s3.Options) {
				o.Credentials, o.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(o.APIOptions, add)
			})
			require.Error(t, err, "Bucket is required")
			return err
		})
		assert.NoError(t, err)
	})
}

type senderFunc func(*http.Request) (*http.Response, error)

func (f senderFunc) Do(r *http.Request) (*http.Response, error) { return f(r) }

// TestRemote: plain HTTP to a host that is not loopback; S3 Control's
// ACCOUNT.127.0.0.1 is the loopback endpoint with the account id in front.
func TestRemote(t *testing.T) {
	for raw, want := range map[string]bool{
		"http://192.0.2.1:9": true, "http://111122223333.192.0.2.1:9": true, "http://a.b.127.0.0.1": true,
		"http://localstack:4566": true, "http://127.0.0.1.example.com": true, "http://111122223333.localhost.example.com": true,
		"http://127.0.0.1:9": false, "http://111122223333.127.0.0.1:9": false, "http://[::1]:9": false,
		"https://192.0.2.1": false, "HTTPS://example.com": false,
	} {
		u, err := url.Parse(raw)
		require.NoError(t, err)
		assert.Equal(t, want, plainhttp.Remote(u), raw)
	}
	assert.False(t, plainhttp.Remote(nil))
}

func TestIsLoopback(t *testing.T) {
	for h, want := range map[string]bool{"localhost": true, "127.0.0.1": true, "127.255.0.1": true, "::1": true,
		"localhost.example.com": false, "10.0.0.1": false, "0.0.0.0": false, "::": false, "": false, "192.0.2.1": false} {
		assert.Equal(t, want, plainhttp.IsLoopback(h), h)
	}
}
