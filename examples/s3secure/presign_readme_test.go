package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMEPresignTextOutput holds the README's row for presign to what
// its text output is: the URL alone on one line for GET (for $(...)), and
// for PUT the URL then each header the uploader must send, one "Name:
// value" line each, so $(...) of a PUT takes more than the URL.
func TestREADMEPresignTextOutput(t *testing.T) {
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIACLITEST000000001")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "cli/secret+key")
	t.Setenv("AWS_CONFIG_FILE", "/dev/null")
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", "/dev/null")

	code, stdout, stderr := runCLI(t, "", "-endpoint", "http://127.0.0.1:9000", "presign", "-bucket", "my-bucket", "-key", "a.txt")
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	require.Len(t, lines, 1, "GET: the URL alone")
	assert.True(t, strings.HasPrefix(lines[0], "http://127.0.0.1:9000/my-bucket/a.txt?"), stdout)

	code, stdout, stderr = runCLI(t, "", "-endpoint", "http://127.0.0.1:9000", "presign", "-method", "PUT", "-bucket", "my-bucket", "-key", "a.txt",
		"-content-type", "text/plain", "-content-length", "12")
	require.Equal(t, exitOK, code, stderr)
	lines = strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	require.Len(t, lines, 3, stdout)
	assert.True(t, strings.HasPrefix(lines[0], "http://127.0.0.1:9000/my-bucket/a.txt?"), stdout)
	assert.Equal(t, []string{"Content-Type: text/plain", "Content-Length: 12"}, lines[1:])

	sections := readmeSections(t)
	text := strings.Join(strings.Fields(sections["The command-line tool"]), " ")
	assert.Contains(t, text, "| `presign` | `method`, `url`, `expires`, `headers` (text output is the URL alone, for `$(...)`; "+
		"for PUT, the headers the uploader must send follow it, one `Name: value` line each) |")
}
