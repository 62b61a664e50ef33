package main

import (
	"net"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeAddressInUse: serve on a port something else holds (MinIO's
// default is 9000, serve's too) is one line and exit 2 with a hint that
// says what to do: -addr with another port, or port 0 for any free one.
func TestServeAddressInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	code, stdout, stderr := runCLI(t, "", "serve", "-addr", l.Addr().String())
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, "address already in use")
	assert.Contains(t, stderr, "(hint: another program listens on "+l.Addr().String()+": give serve -addr with another port, "+
		"or -addr 127.0.0.1:0 for any free one)")
}
