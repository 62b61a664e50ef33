package securebucket_test

import (
	"context"
	"net"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/securebucket"
)

// requestCounter counts the requests a client sends, every retry
// included, by method and URL (the sub-resource says which call it is).
type requestCounter struct {
	mu   sync.Mutex
	n    map[string]int
	next http.RoundTripper
}

func (c *requestCounter) RoundTrip(r *http.Request) (*http.Response, error) {
	c.mu.Lock()
	c.n[r.Method+" "+r.URL.Path+"?"+r.URL.RawQuery]++
	c.mu.Unlock()
	return c.next.RoundTrip(r)
}

// noWaitStandardRetryer is the SDK's default retryer (3 attempts, which
// retries a refused connection and an unreachable credential source),
// without its waits.
func noWaitStandardRetryer() aws.Retryer {
	return retry.NewStandard(func(o *retry.StandardOptions) {
		o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
	})
}

// refusedAddr returns a loopback address nothing listens on.
func refusedAddr(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := l.Addr().String()
	require.NoError(t, l.Close())
	return addr
}

// TestSetupProblemsAreNotRetried: a setup problem (internal/setuperr: a
// refused connection, credentials that cannot be retrieved) is never
// retried, whatever the client's retryer (here the SDK's standard one)
// and whatever securebucket's own Retry, since retrying cannot fix it:
// every call sends each request as often as with retries switched off
// (the SDK's NopRetryer and Retry.MaxAttempts 1), that is once. Before,
// each request was tried three times by the SDK's retryer, and each of
// those failures again by Retry: Harden sent 107 requests where 6 fail
// the same way.
func TestSetupProblemsAreNotRetried(t *testing.T) {
	ctx := t.Context()
	addr := refusedAddr(t)
	static := credentials.NewStaticCredentialsProvider("AKIAEXAMPLE000000001", "secret", "")
	s3Client := func(cred aws.CredentialsProvider, retryer aws.Retryer) (*s3.Client, *requestCounter) {
		n := &requestCounter{n: map[string]int{}, next: &http.Transport{Proxy: nil}}
		return s3.New(s3.Options{Region: "us-east-1", BaseEndpoint: aws.String("https://" + addr), UsePathStyle: true, Credentials: cred,
			HTTPClient: &http.Client{Transport: n}, Retryer: retryer}), n
	}
	controlClient := func(cred aws.CredentialsProvider, n *requestCounter, retryer aws.Retryer) *s3control.Client {
		n.next = s3controlfake.LoopbackHTTPClient(addr).Transport
		return s3controlfake.NewClient("https://"+addr, addr, "us-east-1", func(o *s3control.Options) {
			o.Credentials = cred
			o.HTTPClient = &http.Client{Transport: n}
			o.Retryer = retryer
		})
	}
	noRetry := securebucket.Retry{MaxAttempts: 1}
	for _, tc := range []struct {
		name string
		run  func(c *s3.Client, control *s3control.Client, r securebucket.Retry) error
	}{
		{"Harden", func(c *s3.Client, _ *s3control.Client, r securebucket.Retry) error {
			_, err := securebucket.Harden(ctx, c, "setup-bucket", &securebucket.Options{Retry: r})
			return err
		}},
		{"Create", func(c *s3.Client, _ *s3control.Client, r securebucket.Retry) error {
			_, err := securebucket.Create(ctx, c, "setup-bucket", &securebucket.Options{Retry: r})
			return err
		}},
		{"Audit", func(c *s3.Client, _ *s3control.Client, r securebucket.Retry) error {
			_, err := securebucket.Audit(ctx, c, "setup-bucket", &securebucket.AuditOptions{Retry: r})
			return err
		}},
		{"AuditAll", func(c *s3.Client, _ *s3control.Client, r securebucket.Retry) error {
			_, err := securebucket.AuditAll(ctx, c, &securebucket.AuditOptions{Retry: r})
			return err
		}},
		{"DelegateToAccessPoints", func(c *s3.Client, _ *s3control.Client, _ securebucket.Retry) error {
			_, err := securebucket.DelegateToAccessPoints(ctx, c, "setup-bucket", account)
			return err
		}},
		{"SetAccountPublicAccessBlock", func(c *s3.Client, control *s3control.Client, _ securebucket.Retry) error {
			_, err := securebucket.SetAccountPublicAccessBlock(ctx, control, c, account, nil)
			return err
		}},
		{"CreateAccessPoint", func(c *s3.Client, control *s3control.Client, _ securebucket.Retry) error {
			_, err := securebucket.CreateAccessPoint(ctx, control, c, account, "us-east-1", "setup-bucket", "setup-ap", &securebucket.AccessPointOptions{VPCID: "vpc-1a2b3c4d"})
			return err
		}},
		{"AuditAccessPoints", func(_ *s3.Client, control *s3control.Client, _ securebucket.Retry) error {
			_, err := securebucket.AuditAccessPoints(ctx, control, account, nil)
			return err
		}},
	} {
		t.Run(tc.name+", refused connection", func(t *testing.T) {
			sent := func(retryer aws.Retryer, r securebucket.Retry) (map[string]int, error) {
				c, n := s3Client(static, retryer)
				err := tc.run(c, controlClient(static, n, retryer), r)
				return n.n, err
			}
			want, _ := sent(aws.NopRetryer{}, noRetry)
			got, err := sent(noWaitStandardRetryer(), fastRetry)
			t.Logf("%v", err)
			require.NotEmpty(t, got)
			assert.Equal(t, want, got, "as often as without retries")
			for k, n := range got {
				assert.Equal(t, 1, n, "%s: once", k)
			}
		})
		t.Run(tc.name+", credentials that cannot be retrieved", func(t *testing.T) {
			sent := func(retryer aws.Retryer, r securebucket.Retry) (map[string]int, error) {
				var mu sync.Mutex
				calls := map[string]int{}
				unreachable := aws.CredentialsProviderFunc(func(ctx context.Context) (aws.Credentials, error) {
					mu.Lock()
					calls[awsmiddleware.GetOperationName(ctx)]++
					mu.Unlock()
					_, err := (&net.Dialer{}).DialContext(ctx, "tcp", addr)
					return aws.Credentials{}, err
				})
				c, _ := s3Client(unreachable, retryer)
				err := tc.run(c, controlClient(unreachable, &requestCounter{n: map[string]int{}}, retryer), r)
				require.NotEmpty(t, calls)
				return calls, err
			}
			want, _ := sent(aws.NopRetryer{}, noRetry)
			got, err := sent(noWaitStandardRetryer(), fastRetry)
			t.Logf("%v", err)
			assert.Equal(t, want, got, "as often as without retries")
			for k, n := range got {
				assert.Equal(t, 1, n, "%s: once", k)
			}
		})
	}
	t.Run("AuditDataEvents, refused connection", func(t *testing.T) {
		sent := func(retryer aws.Retryer) map[string]int {
			n := &requestCounter{n: map[string]int{}, next: &http.Transport{Proxy: nil}}
			c := cloudtrail.New(cloudtrail.Options{Region: "us-east-1", BaseEndpoint: aws.String("https://" + addr), Credentials: static,
				HTTPClient: &http.Client{Transport: n}, Retryer: retryer})
			_, err := securebucket.AuditDataEvents(ctx, c, nil)
			t.Logf("%v", err)
			return n.n
		}
		want, got := sent(aws.NopRetryer{}), sent(noWaitStandardRetryer())
		require.NotEmpty(t, got)
		assert.Equal(t, want, got, "as often as without retries")
		for k, n := range got {
			assert.Equal(t, 1, n, "%s: once", k)
		}
	})
}
