package cloudfront_test

import (
	"crypto/rand"
	"crypto/rsa"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// requestCounter counts the requests a client sends, every retry
// included, by method and URL.
type requestCounter struct {
	mu sync.Mutex
	n  map[string]int
}

func (c *requestCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery]++
	c.mu.Unlock()
	return (&http.Transport{Proxy: nil}).RoundTrip(r)
}

// TestSetupProblemsAreNotRetried: a request that meets a setup problem
// (internal/setuperr; here a refused connection) is sent once, whatever
// the client's retryer (here the SDK's standard one, which retries a
// refused connection three times): exactly as often as with the SDK's
// NopRetryer. Each row points one client at an address nothing listens on
// and leaves the others on their fakes.
func TestSetupProblemsAreNotRetried(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	refused := "https://" + l.Addr().String()
	require.NoError(t, l.Close())
	static := credentials.NewStaticCredentialsProvider("AKIAEXAMPLE000000001", "secret", "")
	standard := func() aws.Retryer {
		return retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		})
	}
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	for _, tc := range []struct {
		name string
		run  func(t *testing.T, e *env, cf *cfsdk.Client, s3c *s3.Client, kc *kms.Client) error
	}{
		{"ServeBucket, CloudFront refused", func(t *testing.T, e *env, cf *cfsdk.Client, _ *s3.Client, _ *kms.Client) error {
			_, err := cloudfront.ServeBucket(t.Context(), cf, e.s3c, testBucket, nil)
			return err
		}},
		{"ServeBucket, S3 refused", func(t *testing.T, e *env, _ *cfsdk.Client, s3c *s3.Client, _ *kms.Client) error {
			_, err := cloudfront.ServeBucket(t.Context(), e.cfc, s3c, testBucket, nil)
			return err
		}},
		{"ServeBucket, KMS refused", func(t *testing.T, e *env, _ *cfsdk.Client, _ *s3.Client, kc *kms.Client) error {
			e.useKMS(t, keyARN)
			_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{KMS: kc, ApplyKeyPolicy: true})
			return err
		}},
		{"Migrate, CloudFront refused", func(t *testing.T, e *env, cf *cfsdk.Client, _ *s3.Client, _ *kms.Client) error {
			_, err := cloudfront.Migrate(t.Context(), cf, e.s3c, testBucket, "E2EXAMPLE0000", nil)
			return err
		}},
		{"CreateKeyGroup, CloudFront refused", func(t *testing.T, _ *env, cf *cfsdk.Client, _ *s3.Client, _ *kms.Client) error {
			_, err := cloudfront.CreateKeyGroup(t.Context(), cf, "signers", &key.PublicKey)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			sent := func(retryer aws.Retryer) map[string]int {
				n := &requestCounter{n: map[string]int{}}
				hc := &http.Client{Transport: n}
				cf := cfsdk.New(cfsdk.Options{Region: "us-east-1", BaseEndpoint: aws.String(refused), Credentials: static, HTTPClient: hc, Retryer: retryer})
				s3c := s3.New(s3.Options{Region: testRegion, BaseEndpoint: aws.String(refused), UsePathStyle: true, Credentials: static, HTTPClient: hc, Retryer: retryer})
				kc := kms.New(kms.Options{Region: testRegion, BaseEndpoint: aws.String(refused), Credentials: static, HTTPClient: hc, Retryer: retryer})
				err := tc.run(t, newEnv(t, s3fake.StateAWSDefault), cf, s3c, kc)
				t.Logf("%v", err)
				require.Error(t, err)
				return n.n
			}
			want, got := sent(aws.NopRetryer{}), sent(standard())
			require.NotEmpty(t, got)
			assert.Equal(t, want, got, "as often as without retries")
			for k, n := range got {
				assert.Equal(t, 1, n, "%s: once", k)
			}
		})
	}
}
