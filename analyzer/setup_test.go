package analyzer_test

import (
	"context"
	"net"
	"net/http"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// attempts counts the requests a client sends, every retry included.
type attempts struct {
	n    atomic.Int32
	next http.RoundTripper
}

func (a *attempts) RoundTrip(r *http.Request) (*http.Response, error) {
	a.n.Add(1)
	return a.next.RoundTrip(r)
}

// standardRetryer is the SDK's default retryer (3 attempts), without the
// waits between them.
func standardRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

// TestSetupProblemsAreNotRetried: a setup problem is returned at its first
// attempt, whatever the client's retryer (here the SDK's standard one,
// which retries a refused connection three times), and AnalyzeAll stops
// at the first bucket that meets one instead of trying every bucket. Before,
// a library user without the command-line tool's preflight waited through
// the retries, and AnalyzeAll read every bucket with revoked credentials.
func TestSetupProblemsAreNotRetried(t *testing.T) {
	ctx := t.Context()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refused := "http://" + l.Addr().String()
	require.NoError(t, l.Close())
	static := credentials.NewStaticCredentialsProvider("AKIAEXAMPLE000000001", "secret", "")

	t.Run("refused connection, offline", func(t *testing.T) {
		n := &attempts{next: &http.Transport{Proxy: nil}}
		c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(refused), UsePathStyle: true, Credentials: static,
			HTTPClient: &http.Client{Transport: n}, Retryer: standardRetryer()})
		_, err := analyzer.AnalyzeAll(ctx, c, &analyzer.FetchOptions{Owner: owner})
		var ae *analyzer.Error
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "ListBuckets", ae.Op)
		assert.Equal(t, int32(1), n.n.Load(), "one attempt")
	})
	t.Run("refused connection, Access Analyzer", func(t *testing.T) {
		n := &attempts{next: &http.Transport{Proxy: nil}}
		c := accessanalyzer.New(accessanalyzer.Options{Region: "us-east-1", BaseEndpoint: aws.String(refused), Credentials: static,
			HTTPClient: &http.Client{Transport: n}, Retryer: standardRetryer()})
		_, err := analyzer.EnsureAnalyzer(ctx, c, nil)
		require.Error(t, err)
		assert.Equal(t, int32(1), n.n.Load(), "one attempt")
	})
	t.Run("credentials that cannot be retrieved", func(t *testing.T) {
		var calls atomic.Int32
		unreachable := aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
			calls.Add(1)
			_, err := (&net.Dialer{}).DialContext(ctx, "tcp", refused[len("http://"):])
			return aws.Credentials{}, err
		})
		c := s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String(refused), UsePathStyle: true, Credentials: unreachable,
			Retryer: standardRetryer()})
		_, err := analyzer.Fetch(ctx, c, "some-bucket", &analyzer.FetchOptions{Owner: owner})
		require.Error(t, err)
		assert.Equal(t, int32(1), calls.Load(), "one attempt")
	})
	t.Run("credentials refused in the middle of AnalyzeAll", func(t *testing.T) {
		c, sf := fleetFake(t, 12)
		sf.InjectFault("GetBucketPolicy", s3fake.Fault{Code: "ExpiredToken", StatusCode: 400})
		_, err := analyzer.AnalyzeAll(ctx, c, &analyzer.FetchOptions{Owner: owner, Concurrency: 1})
		var ae *analyzer.Error
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "GetBucketPolicy", ae.Op)
		assert.Equal(t, "fleet-000", ae.Resource)
		assert.Equal(t, 1, sf.Count("GetBucketPolicy"), "the first bucket only")

		// Any other failure of a bucket is that bucket's.
		sf.InjectFault("GetBucketPolicy", s3fake.Fault{Code: "AccessDenied", StatusCode: 403})
		sf.ResetCounts()
		res, err := analyzer.AnalyzeAll(ctx, c, &analyzer.FetchOptions{Owner: owner, Concurrency: 1})
		require.NoError(t, err)
		require.Len(t, res, 12)
		for _, r := range res {
			assert.ErrorIs(t, r.Err, analyzer.ErrAccessDenied, r.Bucket)
		}
		assert.Equal(t, 12, sf.Count("GetBucketPolicy"))
	})
}
