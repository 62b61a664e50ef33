package testretry_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/http/httptrace"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/smithy-go/middleware"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/testretry"
)

// TestTransportRequestBodyClosedEarly makes the race Transport removes
// happen every time: the connection holds the transport's write goroutine
// after it has sent the request body, until the SDK has closed the body
// (which it does once http.Client.Do has returned, that is once the
// response headers are in). The write goroutine's
// last copy then meets the closed body. Through the SDK and net/http alone
// the transport sees io.EOF as a failed write (and closes the connection
// under the response); through Transport the write succeeds.
func TestTransportRequestBodyClosedEarly(t *testing.T) {
	for _, tc := range []struct {
		name string
		wrap func(http.RoundTripper) http.RoundTripper
		want error
	}{
		{"SDK and net/http alone", func(rt http.RoundTripper) http.RoundTripper { return rt }, io.EOF},
		{"Transport", testretry.Transport, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, _ = io.Copy(io.Discard, r.Body)
				w.Header().Set("Content-Type", "application/json")
				_, _ = io.WriteString(w, `{"findings":[]}`)
			}))
			t.Cleanup(srv.Close)

			bodyClosed := make(chan struct{})
			var d net.Dialer
			tr := &http.Transport{DisableKeepAlives: true, Proxy: nil,
				DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
					c, err := d.DialContext(ctx, network, addr)
					return &holdAfterHeaders{Conn: c, release: bodyClosed}, err
				}}
			c := accessanalyzer.New(accessanalyzer.Options{
				Region: "us-east-1", BaseEndpoint: aws.String(srv.URL), Retryer: aws.NopRetryer{},
				Credentials: credentials.NewStaticCredentialsProvider("AKIAEXAMPLE", "secret", ""),
				HTTPClient:  &http.Client{Transport: tc.wrap(tr)},
				APIOptions:  []func(*middleware.Stack) error{afterSend(func() { close(bodyClosed) })},
			})
			wrote := make(chan error, 1)
			ctx := httptrace.WithClientTrace(t.Context(), &httptrace.ClientTrace{
				WroteRequest: func(i httptrace.WroteRequestInfo) { wrote <- i.Err },
			})
			_, err := c.ListFindings(ctx, &accessanalyzer.ListFindingsInput{
				AnalyzerArn: aws.String("arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a")})
			if tc.want == nil {
				require.NoError(t, err)
			}
			assert.Equal(t, tc.want, <-wrote, "the transport's write of the request")
		})
	}
}

// holdAfterHeaders holds every write after the first (the request's
// headers, which net/http flushes before a body it cannot size in memory)
// until release is closed, or 10 seconds.
type holdAfterHeaders struct {
	net.Conn
	release <-chan struct{}
	writes  int
}

func (c *holdAfterHeaders) Write(p []byte) (int, error) {
	n, err := c.Conn.Write(p)
	if c.writes++; c.writes > 1 {
		select {
		case <-c.release:
		case <-time.After(10 * time.Second):
		}
	}
	return n, err
}

// afterSend returns an API option that calls fn once the SDK's send step
// (http.Client.Do, then the SDK's close of the request body) has returned.
func afterSend(fn func()) func(*middleware.Stack) error {
	return func(s *middleware.Stack) error {
		return s.Deserialize.Add(middleware.DeserializeMiddlewareFunc("afterSend",
			func(ctx context.Context, in middleware.DeserializeInput, next middleware.DeserializeHandler) (middleware.DeserializeOutput, middleware.Metadata, error) {
				out, md, err := next.HandleDeserialize(ctx, in)
				fn()
				return out, md, err
			}), middleware.After)
	}
}
