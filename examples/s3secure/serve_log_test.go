package main

import (
	"context"
	"crypto/tls"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeLogsOneLineForTLSHandshakeFailures: serve's HTTP server logs
// to stderr through localaws' redacting error log: clients that fail the
// TLS handshake (here ones that do not trust the run's authority) make one
// line, prefixed like serve's other lines, not one each.
func TestServeLogsOneLineForTLSHandshakeFailures(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	var stdout, stderr syncBuffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"serve", "-tls", "-addr", "127.0.0.1:0"}, strings.NewReader(""), &stdout, &stderr)
	}()
	require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "serving until Ctrl-C") }, 10*time.Second, 10*time.Millisecond)
	ep, _, _ := strings.Cut(strings.TrimPrefix(stdout.String(), "endpoint="), "\n")
	u, err := url.Parse(ep)
	require.NoError(t, err)
	for range 3 {
		conn, err := tls.Dial("tcp", u.Host, &tls.Config{MinVersion: tls.VersionTLS12})
		require.Error(t, err, "the system roots do not hold the run's authority")
		if conn != nil {
			conn.Close()
		}
	}
	require.Eventually(t, func() bool { return strings.Contains(stderr.String(), "TLS handshake failed") }, 10*time.Second, 10*time.Millisecond)
	time.Sleep(200 * time.Millisecond) // let the later failures reach the log
	cancel()
	assert.Equal(t, exitOK, <-done)
	assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), stderr.String())
	assert.Regexp(t, `^s3secure serve: TLS handshake failed from 127\.0\.0\.1:\d+: .*; later handshake failures are not logged\n$`, stderr.String())
}
