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

// TestServeSaysWhoseKeysItUses: serve's help and the README say that the
// owner's keys are serve's own AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
// when both are set (TestServeTLSWithEnvironmentCredentials: the secret is
// then not printed) and a pair made for the run otherwise
// (TestServeGeneratedCredentials), so a shell with real AWS keys in it is
// not surprised to see its own key id in the export lines.
func TestServeSaysWhoseKeysItUses(t *testing.T) {
	_, help := commandFlags(t, "serve")
	assert.Contains(t, help, "the owner's keys are serve's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when both are set "+
		"(the secret is not printed), else a pair made for the run")
	text := strings.Join(strings.Fields(readmeSections(t)["The command-line tool"]), " ")
	assert.Contains(t, text, "The keys are serve's own `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` when both are set "+
		"(the secret is then not printed), else a pair made for the run.")
}
