package main

import (
	"bufio"
	"crypto/rand"
	"encoding/hex"
	"os"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLocalOrganization: with -local, audit -organization and keys
// -organization run against the demo organization the help describes,
// whose members have the role the command names (with a path, and with the
// ExternalId it gives); a role name the audit refuses is refused before
// any request, as without -local.
func TestLocalOrganization(t *testing.T) {
	code, out, errOut := runCLI(t, "", "-local", "audit", "-organization", "-role", "S3SecureAudit")
	assert.Equal(t, exitFindings, code, errOut)
	for _, want := range []string{
		"account 111122223333 (management): AUDITED: 0 PASS, 0 FAIL, 0 UNKNOWN, 1 NOT_APPLICABLE",
		"222200000001  us-east-1  demo-222200000001  S3.8 ",
		"account 222200000001 (member-1): AUDITED",
		"account 222200000002 (member-2): AUDITED",
		"account 222299999999 (suspended): SKIPPED",
	} {
		assert.Contains(t, out, want)
	}
	assert.True(t, strings.HasSuffix(out, "4 accounts: 3 audited, 0 unreachable, 1 skipped\n"), out)
	assert.Regexp(t, `demo-222200000001 +S3\.8 +FAIL`, out, "the first member's bucket is unconfigured")
	assert.Regexp(t, `demo-222200000002 +S3\.8 +PASS`, out, "the second member's is as AWS creates buckets today")

	for _, args := range [][]string{
		{"-role", "audit/S3SecureAudit"},
		{"-role", "VendorAudit", "-external-id", "vendor-7", "-account-controls"},
	} {
		code, out, errOut = runCLI(t, "", append([]string{"-local", "audit", "-organization"}, args...)...)
		assert.Equal(t, exitFindings, code, errOut)
		assert.Contains(t, out, "4 accounts: 3 audited, 0 unreachable, 1 skipped", args)
	}

	code, out, errOut = runCLI(t, "", "-local", "-format", "json", "keys", "-organization", "-role", "S3SecureAudit")
	assert.Equal(t, exitFindings, code, errOut)
	assert.Contains(t, out, `{"account_id":"222200000001","user":"ci-deploy","key_id":"AKIADEMOCIDEPLOY0001","status":"active"`)
	assert.Equal(t, 1, strings.Count(out, "\n"), out)

	code, out, errOut = runCLI(t, "", "-local", "audit", "-organization", "-role", "no spaces")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, out)
	assert.Contains(t, errOut, `Role "no spaces" is not a role name`)

	code, out, _ = runCLI(t, "", "help", "audit")
	assert.Equal(t, exitOK, code)
	assert.Contains(t, strings.Join(strings.Fields(out), " "), "with -local, the in-process AWS is a demo organization")
}

// TestServeOrganizationFlags: serve refuses an -organization-members count
// or a -member-role it cannot make, with one line.
func TestServeOrganizationFlags(t *testing.T) {
	for _, tc := range []struct{ args []string }{
		{[]string{"-organization-members", "-1"}},
		{[]string{"-organization-members", "10000"}},
		{[]string{"-organization-members", "2", "-member-role", "a/b"}},
	} {
		code, out, errOut := runCLI(t, "", append([]string{"serve", "-addr", "127.0.0.1:0"}, tc.args...)...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Empty(t, out)
		assert.Equal(t, 1, strings.Count(errOut, "\n"), errOut)
	}
}

// TestREADMEOrganizationWalkthrough runs the README's organization
// walk-through as written: the -local line, then serve with the line's
// flags in the background, its export lines pasted into the environment
// (nothing else set), and every other command of the block, each with the
// exit code its comment promises, in a scratch directory (the checkpoint
// file). The second checkpointed run prints the first one's rows.
func TestREADMEOrganizationWalkthrough(t *testing.T) {
	expectNoAWS(t)
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	start := strings.Index(string(readme), "./s3secure -local audit -organization")
	require.Positive(t, start, "the README's organization walk-through starts with ./s3secure -local audit -organization")
	block := string(readme)[start:]
	block = block[:strings.Index(block, "```")]
	t.Chdir(t.TempDir())

	lineRe := regexp.MustCompile(`^(\./s3secure [^#]*?)\s*(?:#\s*(?:exit (\d))?.*)?$`)
	keyLineRe := regexp.MustCompile(`^\(umask 077; openssl rand -hex 32 > (\S+)\)\s*(?:#.*)?$`)
	var outputs []string
	ran := 0
	sc := bufio.NewScanner(strings.NewReader(block))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		if km := keyLineRe.FindStringSubmatch(line); km != nil {
			// What the line does: 32 random bytes, hex, in a file of mode 0600.
			key := make([]byte, 32)
			_, err := rand.Read(key)
			require.NoError(t, err)
			require.NoError(t, os.WriteFile(km[1], []byte(hex.EncodeToString(key)+"\n"), 0o600))
			continue
		}
		m := lineRe.FindStringSubmatch(line)
		require.NotNil(t, m, "a README line the test does not know: %q", line)
		args := strings.Fields(m[1])[1:]
		if args[0] == "serve" {
			_, exports := serveInBackground(t, args[1:]...)
			for k, v := range exports {
				t.Setenv(k, v)
			}
			continue
		}
		require.NotEmpty(t, m[2], "README line %q does not say its exit code", line)
		want, _ := strconv.Atoi(m[2])
		code, stdout, stderr := runCLI(t, "", args...)
		assert.Equal(t, want, code, "%s\n%s%s", line, stdout, stderr)
		assert.Empty(t, stderr, line)
		outputs = append(outputs, stdout)
		ran++
	}
	require.Equal(t, 5, ran)
	rows := func(out string) string { return out[:strings.LastIndex(strings.TrimSuffix(out, "\n"), "\n")+1] }
	assert.Contains(t, outputs[1], "5 accounts: 4 audited, 0 unreachable, 1 skipped\n")
	assert.Equal(t, rows(outputs[1]), rows(outputs[2]), "the rerun replays the checkpoint")
	assert.Contains(t, outputs[2], "5 accounts: 4 audited, 0 unreachable, 1 skipped (5 from checkpoint org.ckpt)")
	assert.Contains(t, outputs[3], "ci-deploy")
	assert.Contains(t, outputs[4], "5 accounts: 1 audited, 3 unreachable, 1 skipped")
}
