package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// testCheckpointKey is a test key: DO NOT hardcode a real key, and never
// give one as a flag value (ps shows it).
const testCheckpointKey = "5f0c1d6e9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9c8d7e6f5a4b3c2d"

// TestOrganizationCheckpointKey: -checkpoint needs a key, from
// S3SECURE_CHECKPOINT_KEY or -checkpoint-key-file (never a flag value,
// which ps shows), refused before any request otherwise; a key file
// others can read is refused; a checkpoint edited to pass an account is
// refused in one line that never shows the key (exit 2), and the file is
// left as it is; -insecure-unsigned-checkpoint runs without a key.
func TestOrganizationCheckpointKey(t *testing.T) {
	a, args := orgEnv(t, 3, nil)
	dir := t.TempDir()
	cp := filepath.Join(dir, "org.ckpt")
	keyFile := filepath.Join(dir, "org.key")
	require.NoError(t, os.WriteFile(keyFile, []byte(testCheckpointKey+"\n"), 0o600))
	audit := func(extra ...string) (int, string, string) {
		return runCLI(t, "", append(append(args, "audit", "-organization", "-role", orgTestRole, "-checkpoint", cp), extra...)...)
	}

	t.Setenv(checkpointKeyEnv, "")
	code, stdout, stderr := audit()
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	checkErrorLine(t, code, stderr)
	assert.Contains(t, stderr, "-checkpoint needs a key")
	assert.Contains(t, stderr, checkpointKeyEnv)
	assert.Contains(t, stderr, "-checkpoint-key-file")
	assert.Zero(t, a.Requests()["sts"], "refused before any request")
	assert.NoFileExists(t, cp)

	loose := filepath.Join(dir, "loose.key")
	require.NoError(t, os.WriteFile(loose, []byte(testCheckpointKey), 0o644))
	code, _, stderr = audit("-checkpoint-key-file", loose)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "readable by others")
	assert.NotContains(t, stderr, testCheckpointKey[:12])

	code, _, stderr = audit("-checkpoint-key-file", filepath.Join(dir, "short.key"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "short.key")

	require.NoError(t, os.WriteFile(filepath.Join(dir, "short.key"), []byte("too short"), 0o600))
	code, _, stderr = audit("-checkpoint-key-file", filepath.Join(dir, "short.key"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "32 random bytes or more")
	assert.NotContains(t, stderr, "too short")

	// From the file, then from the environment: the same key resumes.
	code, first, stderr := audit("-checkpoint-key-file", keyFile)
	require.Equal(t, exitFindings, code, stderr)
	t.Setenv(checkpointKeyEnv, testCheckpointKey)
	code, second, stderr := audit()
	require.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, second, "from checkpoint")
	assert.Equal(t, first[:strings.LastIndex(first, "\n4 accounts")], second[:strings.LastIndex(second, "\n4 accounts")], "replayed")
	code, _, stderr = audit("-checkpoint-key-file", keyFile)
	assert.Equal(t, exitUsage, code, "both: which one is meant?")
	assert.Contains(t, stderr, "not both")

	// An edited checkpoint: the FAIL rows made PASS.
	data, err := os.ReadFile(cp)
	require.NoError(t, err)
	edited := strings.ReplaceAll(string(data), `"status":"FAIL"`, `"status":"PASS"`)
	require.NotEqual(t, string(data), edited)
	require.NoError(t, os.WriteFile(cp, []byte(edited), 0o600))
	code, stdout, stderr = audit()
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout, "nothing from it is printed")
	checkErrorLine(t, code, stderr, testCheckpointKey[:12])
	assert.Contains(t, stderr, "does not verify")
	assert.NotContains(t, stderr, testCheckpointKey[:12])
	after, _ := os.ReadFile(cp)
	assert.Equal(t, edited, string(after), "left as it is")

	// The opt-in: no key, an unsigned checkpoint.
	t.Setenv(checkpointKeyEnv, "")
	unsigned := filepath.Join(dir, "unsigned.ckpt")
	code, _, stderr = runCLI(t, "", append(args, "audit", "-organization", "-role", orgTestRole, "-checkpoint", unsigned, "-insecure-unsigned-checkpoint")...)
	assert.Equal(t, exitFindings, code, stderr)
	code, _, stderr = runCLI(t, "", append(args, "audit", "-organization", "-role", orgTestRole, "-checkpoint", unsigned, "-checkpoint-key-file", keyFile)...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-insecure-unsigned-checkpoint")
	assert.NotContains(t, stderr, "InsecureUnsignedCheckpoint")
}

// TestOrganizationCheckpointMaxAge: a checkpoint holding a result older
// than -checkpoint-max-age (24h by default) is refused before any request
// in one line (exit 2, an input problem) that says it is stale, when its
// result finished, and what to do, with the flag's name; nothing is
// printed and the file is left as it is. The same checkpoint resumes
// within the window; -checkpoint-max-age must be a positive age. keys
// -organization shares the flag.
func TestOrganizationCheckpointMaxAge(t *testing.T) {
	a, args := orgEnv(t, 3, nil)
	dir := t.TempDir()
	t.Setenv(checkpointKeyEnv, testCheckpointKey)
	for _, cmd := range []string{"audit", "keys"} {
		t.Run(cmd, func(t *testing.T) {
			cp := filepath.Join(dir, cmd+".ckpt")
			run := func(extra ...string) (int, string, string) {
				return runCLI(t, "", append(append(args, cmd, "-organization", "-role", orgTestRole, "-checkpoint", cp), extra...)...)
			}
			code, first, stderr := run()
			require.Equal(t, exitFindings, code, stderr)
			written, err := os.ReadFile(cp)
			require.NoError(t, err)
			time.Sleep(20 * time.Millisecond) // every result is now older than 1ms

			before := a.Requests()
			code, stdout, stderr := run("-checkpoint-max-age", "1ms")
			checkErrorLine(t, code, stderr, testCheckpointKey[:12])
			assert.Empty(t, stdout, "nothing from it is printed")
			assert.Contains(t, stderr, "checkpoint "+cp+" is stale")
			assert.Regexp(t, `finished at 20\d\d-\d\d-\d\dT[0-9:]+Z, [0-9.]+ms before this run, more than -checkpoint-max-age 1ms`, stderr)
			assert.Contains(t, stderr, "delete it, or give another file")
			assert.Contains(t, stderr, "or set a longer -checkpoint-max-age")
			assert.NotRegexp(t, `\bCheckpointMaxAge\b`, stderr, "the flag, not the library's field")
			assert.Equal(t, before["sts"], a.Requests()["sts"], "refused before any request")
			assert.Equal(t, before["organizations"], a.Requests()["organizations"], "refused before any request")
			after, err := os.ReadFile(cp)
			require.NoError(t, err)
			assert.Equal(t, string(written), string(after), "left as it is")

			code, second, stderr := run() // the default, 24h
			require.Equal(t, exitFindings, code, stderr)
			assert.Contains(t, second, "from checkpoint")
			cut := func(s string) string { return s[:strings.LastIndex(s, "\n4 accounts")] }
			assert.Equal(t, cut(first), cut(second), "replayed")
			code, _, stderr = run("-checkpoint-max-age", "1d")
			require.Equal(t, exitFindings, code, stderr)

			for _, bad := range []string{"-1h", "0", "soon"} {
				code, _, stderr = run("-checkpoint-max-age", bad)
				checkErrorLine(t, code, stderr)
				assert.Contains(t, stderr, "-checkpoint-max-age")
			}
		})
	}
}

// TestShortDuration: the ages the organization messages print.
func TestShortDuration(t *testing.T) {
	for d, want := range map[time.Duration]string{24 * time.Hour: "24h", 90 * time.Minute: "1h30m", 5 * time.Minute: "5m",
		36 * time.Hour: "36h", 1500 * time.Millisecond: "1.5s", time.Hour + time.Second: "1h0m1s", time.Millisecond: "1ms"} {
		assert.Equal(t, want, shortDuration(d), "%v", d)
	}
}
