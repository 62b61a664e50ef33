package setuperr_test

import (
	"context"
	"errors"
	"io"
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
	"github.com/aws/smithy-go"
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

	owner := sf.OwnerCredential()
	good := credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, "")
	// S3 refuses every request as skewed, and its Date agrees with this
	// machine's clock: the SDK has no skew to correct from, and does not
	// retry; every request would be refused alike.
	sf.InjectFault("ListBuckets", s3fake.Fault{Code: "RequestTimeTooSkewed", StatusCode: http.StatusForbidden})
	skewed := list(must(client(sf.URL, good, sf.HTTPClient(), false)))
	sf.ClearFaults()

	for name, err := range map[string]error{
		"clock refused, nothing to correct": skewed,
		"request expired":                   &smithy.GenericAPIError{Code: "RequestExpired", Message: "Request has expired."},
		"credentials not retrieved":         list(must(client(sf.URL, noCreds, nil, false))),
		"unknown access key":                list(must(client(sf.URL, static, sf.HTTPClient(), false))),
		"connection refused":                list(must(client(refusedURL(t), static, nil, false))),
		"untrusted certificate":             list(must(client(tlsSrv.URL, static, nil, false))),
		"plain HTTP for https":              list(must(client("https://"+plain.Listener.Addr().String(), static, nil, false))),
		"no such host":                      &net.DNSError{Err: "no such host", Name: "s3.mars-1.amazonaws.com", IsNotFound: true},
	} {
		assert.True(t, setuperr.Is(err), "%s: %v", name, err)
	}

	_, err := must(client(sf.URL, good, sf.HTTPClient(), false)).GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("missing")})
	require.Error(t, err)
	sf.InjectFault("ListBuckets", s3fake.Fault{Code: "SlowDown", StatusCode: 503})
	throttled := list(must(client(sf.URL, good, sf.HTTPClient(), false)))
	cancelled, cancel := context.WithCancel(ctx)
	cancel()
	_, cerr := must(client(refusedURL(t), static, nil, false)).ListBuckets(cancelled, &s3.ListBucketsInput{})
	// S3's clock is an hour ahead of this machine's: the first request is
	// refused as skewed with a Date the SDK corrects from. With no retries
	// that error comes back, marked as probable skew, and the client's next
	// request is signed with S3's time and succeeds.
	sf.ClearFaults()
	sf.Advance(time.Hour)
	noRetry := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(sf.URL), UsePathStyle: true, Credentials: good,
		HTTPClient: sf.HTTPClient(), Retryer: aws.NopRetryer{}})
	_, correctable := noRetry.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.Error(t, correctable)
	var ae smithy.APIError
	require.ErrorAs(t, correctable, &ae)
	require.Equal(t, "RequestTimeTooSkewed", ae.ErrorCode())
	_, err2 := noRetry.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err2, "the SDK signs the next request with S3's time")
	sf.Advance(-time.Hour)
	for name, err := range map[string]error{
		"clock skew the SDK corrects": correctable,
		"no such bucket":              err, "throttled": throttled, "cancelled": cerr, "closed connection": net.ErrClosed,
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

// skewedServer is an S3-like endpoint whose clock is an hour ahead of this
// machine's, as STS answers a skewed request: 403 SignatureDoesNotMatch
// ("Signature expired"), with its own time in Date. A request signed
// within 15 minutes of its clock gets an empty bucket listing.
func skewedServer(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		now := time.Now().Add(time.Hour)
		w.Header().Set("Date", now.UTC().Format(http.TimeFormat))
		signed, err := time.Parse("20060102T150405Z", r.Header.Get("X-Amz-Date"))
		if err != nil || signed.Sub(now).Abs() > 15*time.Minute {
			w.WriteHeader(http.StatusForbidden)
			_, _ = io.WriteString(w, `<Error><Code>SignatureDoesNotMatch</Code><Message>Signature expired</Message></Error>`)
			return
		}
		_, _ = io.WriteString(w, `<ListAllMyBucketsResult><Buckets></Buckets></ListAllMyBucketsResult>`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestRetryerLetsTheSDKCorrectTheClock: a signature refused for a skewed
// clock (SignatureDoesNotMatch, a setup problem when it stays) is retried
// once by the SDK with the service's time, through the wrapped retryer as
// through the plain one. Before, the wrapper took the first refusal for a
// setup problem and stopped the SDK's correction: one attempt, an error.
func TestRetryerLetsTheSDKCorrectTheClock(t *testing.T) {
	for _, wrap := range []bool{false, true} {
		srv := skewedServer(t)
		c, n := client(srv.URL, static, nil, wrap)
		_, err := c.ListBuckets(t.Context(), &s3.ListBucketsInput{})
		require.NoError(t, err, "wrapped=%v", wrap)
		assert.Equal(t, int32(2), n.n.Load(), "refused once, corrected once, wrapped=%v", wrap)
	}
}

// TestDisabled: S3's 403 AllAccessDisabled, through the SDK, is Disabled
// and not a setup problem; AccessDenied, NoSuchBucket and a setup problem
// are not Disabled.
func TestDisabled(t *testing.T) {
	ctx := t.Context()
	sf := s3fake.Start(t, nil)
	require.NoError(t, sf.CreateBucket("shut", s3fake.StateAWSDefault))
	owner := sf.OwnerCredential()
	c := must(client(sf.URL, credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, ""), sf.HTTPClient(), false))
	sf.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultAllAccessDisabled, Bucket: "shut"})
	_, disabled := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("shut")})
	require.Error(t, disabled)
	assert.True(t, setuperr.Disabled(disabled), "%v", disabled)
	assert.False(t, setuperr.Is(disabled), "the bucket's state, not the caller's setup")

	_, missing := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("missing")})
	require.Error(t, missing)
	_, unknownKey := must(client(sf.URL, static, sf.HTTPClient(), false)).GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("shut")})
	require.True(t, setuperr.Is(unknownKey))
	for name, err := range map[string]error{
		"nil": nil, "no such bucket": missing, "unknown access key": unknownKey,
		"access denied": &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"},
	} {
		assert.False(t, setuperr.Disabled(err), "%s: %v", name, err)
	}
}
