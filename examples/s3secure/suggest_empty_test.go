package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestSuggestLocationWithoutLogs: a -server-logs or -cloudtrail location
// with no log object in it (an empty folder, an S3 prefix with a typo) is
// an input error, exit 2, one line naming the flag and the location and
// saying what to check: it read as "0 requests ...; nothing breaks", exit
// 0, a proposal from no evidence. A location with objects whose records
// fall outside the window is not this error: the logs were found.
func TestSuggestLocationWithoutLogs(t *testing.T) {
	empty := t.TempDir()
	for _, args := range [][]string{
		{"-server-logs", empty},
		{"-cloudtrail", empty},
		{"-server-logs", "s3://local-logs/no-such-prefix/"},
	} {
		code, stdout, stderr := runCLI(t, "", append([]string{"-local", "suggest", "-bucket", "local-logs"}, args...)...)
		assert.Equal(t, exitUsage, code, args)
		assert.Empty(t, stdout, args)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		assert.Contains(t, stderr, "suggest: "+args[0]+" "+args[1]+": no log object there", args)
		assert.Contains(t, stderr, "(hint: check the location", args)
	}

	// An old log, outside the window: read, and the run goes on.
	code, _, stderr := runCLI(t, "", "-local", "suggest", "-bucket", "local-logs", "-server-logs", oldLogFolder(t, "local-logs"))
	assert.NotEqual(t, exitUsage, code, stderr)
}

// oldLogFolder returns a folder with one server access log object of
// bucket, from 2020: outside any window that ends today.
func oldLogFolder(t *testing.T, bucket string) string {
	t.Helper()
	dir := t.TempDir()
	require.NoError(t, os.WriteFile(filepath.Join(dir, "2020-02-06-00-00-00-0000000000000000"), []byte(
		`79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be `+bucket+` [06/Feb/2020:00:00:38 +0000] 192.0.2.3 `+
			`79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be 3E57427F3EXAMPLE REST.GET.VERSIONING - "GET /`+bucket+`?versioning HTTP/1.1" `+
			`200 - 113 - 7 - "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 `+
			`ECDHE-RSA-AES128-GCM-SHA256 AuthHeader `+bucket+`.s3.us-west-1.amazonaws.com TLSV1.2`+"\n"), 0o600))
	return dir
}
