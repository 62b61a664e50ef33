package setuperr_test

import (
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// counting counts the requests a client sends (every attempt).
type counting struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (c *counting) RoundTrip(r *http.Request) (*http.Response, error) {
	c.n.Add(1)
	return c.next.RoundTrip(r)
}

// refusedURL returns an http URL of a loopback port nothing listens on.
func refusedURL(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	u := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	return u
}

// client is an S3 client with the SDK's standard retryer (fast), counting
// its attempts.
func client(endpoint string, creds aws.CredentialsProvider, hc *http.Client, wrap bool) (*s3.Client, *counting) {
	if hc == nil {
		hc = &http.Client{Transport: &http.Transport{Proxy: nil}}
	}
	c := &counting{next: hc.Transport}
	hc.Transport = c
	var r aws.Retryer = retry.NewStandard(func(o *retry.StandardOptions) { o.Backoff = retry.BackoffDelayerFunc(noDelay) })
	if wrap {
		r = setuperr.Retryer(r)
	}
	return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(endpoint), UsePathStyle: true, Credentials: creds,
		HTTPClient: hc, Retryer: r}), c
}

func noDelay(int, error) (time.Duration, error) { return 0, nil }

var static = credentials.NewStaticCredentialsProvider("AKIAEXAMPLE000000001", "secret", "")

func TestIs(t *testing.T) {
	ctx := t.Context()
	list := func(c *s3.Client) error {
		_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.Error(t, err)
		return err
	}
	sf := s3fake.Start(t, nil)
	tlsSrv := httptest.NewTLSServer(http.NotFoundHandler())
	t.Cleanup(tlsSrv.Close)
	plain := httptest.NewServer(http.NotFoundHandler())
	t.Cleanup(plain.Close)
	noCreds := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{}, errors.New("no EC2 IMDS role found")
	})

	for name, err := range map[string]error{
		"credentials not retrieved": list(must(client(sf.URL, noCreds, nil, false))),
		"unknown access key":        list(must(client(sf.URL, static, sf.HTTPClient(), false))),
		"connection refused":        list(must(client(refusedURL(t), static, nil, false))),
		"untrusted certificate":     list(must(client(tlsSrv.URL, static, nil, false))),
		"plain HTTP for https":      list(must(client("https://"+plain.Listener.Addr().String(), static, nil, false))),
		"no such host":              &net.DNSError{Err: "no such host", Name: "s3.mars-1.amazonaws.com", IsNotFound: true},
	} {
		assert.True(t, setuperr.Is(err), "%s: %v", name, err)
	}

	owner := sf.OwnerCredential()
	good := credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, "")
	_, err := must(client(sf.URL, good, sf.HTTPClient(), false)).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("missing")})
	require.Error(t, err)
	sf.InjectFault("ListBuckets", s3fake.Fault{Code: "SlowDown", StatusCode: 503})
	throttled := list(must(client(sf.URL, good, sf.HTTPClient(), false)))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, cerr := must(client(refusedURL(t), static, nil, false)).ListBuckets(cancelled, &s3.ListBucketsInput{})
	for name, err := range map[string]error{
		"no such bucket": err, "throttled": throttled, "cancelled": cerr, "closed connection": net.ErrClosed,
		"temporary DNS failure": &net.DNSError{Err: "server misbehaving", Name: "s3.amazonaws.com", IsTemporary: true},
	} {
		assert.False(t, setuperr.Is(err), "%s: %v", name, err)
	}
}

func must(c *s3.Client, _ *counting) *s3.Client { return c }

// TestRetryer: the SDK's standard retryer retries a refused connection and
// a credential source that cannot be reached; wrapped, the first attempt's
// error comes back at once. Other errors are retried as before.
func TestRetryer(t *testing.T) {
	ctx := t.Context()
	for _, wrap := range []bool{false, true} {
		c, n := client(refusedURL(t), static, nil, wrap)
		_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.Error(t, err)
		want := int32(3)
		if wrap {
			want = 1
		}
		assert.Equal(t, want, n.n.Load(), "refused, wrapped=%v", wrap)

		var calls atomic.Int32
		unreachable := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			calls.Add(1)
			_, err := net.Dial("tcp", refusedURL(t)[len("http://"):])
			return aws.Credentials{}, err
		})
		c, _ = client(refusedURL(t), unreachable, nil, wrap)
		_, err = c.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.Error(t, err)
		assert.Equal(t, want, calls.Load(), "credentials, wrapped=%v", wrap)
	}

	sf := s3fake.Start(t, nil)
	owner := sf.OwnerCredential()
	sf.InjectFault("ListBuckets", s3fake.Fault{Code: "SlowDown", StatusCode: 503})
	c, n := client(sf.URL, credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, ""), sf.HTTPClient(), true)
	_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.Error(t, err)
	assert.Equal(t, int32(3), n.n.Load(), "throttling is still retried")
	assert.Nil(t, setuperr.Retryer(nil))
	r := setuperr.Retryer(aws.NopRetryer{})
	assert.Equal(t, r, setuperr.Retryer(r), "not wrapped twice")
}
