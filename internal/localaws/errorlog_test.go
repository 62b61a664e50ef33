package localaws_test

import (
	"bytes"
	"crypto/tls"
	"fmt"
	"log"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// logBuffer is a bytes.Buffer the server logs into while the test reads it.
type logBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestErrorLogRedactsAPanic: a handler that panics with the request in its
// value (a header-signed request with a session token, and a presigned
// URL) has net/http log the panic; the log has the panic and its stack,
// but not the signatures or the session token. Both with
// ListenOptions.ErrorLog and with the standard logger (nil).
func TestErrorLogRedactsAPanic(t *testing.T) {
	const token = "FQoGZXIvYXdzEXAMPLESESSIONTOKEN//////////wEaDH"
	for _, own := range []bool{true, false} {
		t.Run(fmt.Sprintf("ErrorLog set %v", own), func(t *testing.T) {
			logged := &logBuffer{}
			opts := &localaws.ListenOptions{}
			if own {
				opts.ErrorLog = log.New(logged, "", 0)
			} else {
				prev, flags := log.Writer(), log.Flags()
				log.SetOutput(logged)
				t.Cleanup(func() { log.SetOutput(prev); log.SetFlags(flags) })
			}
			srv, err := localaws.New(nil)
			require.NoError(t, err)
			var mu sync.Mutex
			var signatures []string
			srv.Handle(localaws.ServiceS3, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				_, sig, _ := strings.Cut(r.Header.Get("Authorization"), "Signature=")
				if sig == "" {
					sig = r.URL.Query().Get("X-Amz-Signature")
				}
				mu.Lock()
				signatures = append(signatures, sig)
				mu.Unlock()
				panic(fmt.Sprintf("handler bug serving %s %v", r.URL, r.Header))
			}))
			ep, err := srv.Listen(opts)
			require.NoError(t, err)
			t.Cleanup(func() { ep.Close() })
			cfg := ep.Config(s3fake.Credential{AccessKeyID: "ASIAEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", SessionToken: token})
			c := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true })
			_, err = c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
			require.Error(t, err)
			req, err := s3.NewPresignClient(c).PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("bkt"), Key: aws.String("k")})
			require.NoError(t, err)
			require.Contains(t, req.URL, "X-Amz-Security-Token=")
			if resp, err := ep.HTTPClient().Get(req.URL); err == nil {
				resp.Body.Close()
			}
			require.Eventually(t, func() bool { return strings.Count(logged.String(), "handler bug serving") >= 2 }, 10*time.Second, 10*time.Millisecond)
			out := logged.String()
			assert.Contains(t, out, "http: panic serving")
			assert.Contains(t, out, "goroutine ", "the stack stays")
			assert.Contains(t, out, "Signature=REDACTED")
			assert.Contains(t, out, "X-Amz-Security-Token=REDACTED")
			assert.NotContains(t, out, token)
			assert.NotContains(t, out, url.QueryEscape(token))
			assert.NotContains(t, out, "wJalrXUtnFEMI")
			mu.Lock()
			defer mu.Unlock()
			require.NotEmpty(t, signatures)
			for _, sig := range signatures {
				require.Len(t, sig, 64)
				assert.NotContains(t, out, sig)
			}
		})
	}
}

// TestErrorLogQuietsTLSHandshakes: clients that fail the TLS handshake
// (here, ones that do not trust the authority) make one line in the error
// log, not one each; here the standard logger, as s3securetest's server
// (ErrorLog nil) logs.
func TestErrorLogQuietsTLSHandshakes(t *testing.T) {
	logged := &logBuffer{}
	prev, flags := log.Writer(), log.Flags()
	log.SetOutput(logged)
	log.SetFlags(0)
	t.Cleanup(func() { log.SetOutput(prev); log.SetFlags(flags) })
	srv, err := localaws.New(nil)
	require.NoError(t, err)
	ep, err := srv.Listen(nil)
	require.NoError(t, err)
	t.Cleanup(func() { ep.Close() })
	for range 3 {
		conn, err := tls.Dial("tcp", ep.Addr, &tls.Config{MinVersion: tls.VersionTLS12})
		require.Error(t, err, "the system roots do not hold the run's authority")
		if conn != nil {
			conn.Close()
		}
	}
	require.Eventually(t, func() bool { return strings.Contains(logged.String(), "TLS handshake failed") }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(200 * time.Millisecond) // let the later failures reach the log
	out := logged.String()
	assert.Equal(t, 1, strings.Count(out, "\n"), out)
	assert.Regexp(t, `^TLS handshake failed from 127\.0\.0\.1:\d+: .*bad certificate.* \(a client that does not trust this server's certificate authority, or does not speak TLS\); later handshake failures are not logged\n$`, out)
}
