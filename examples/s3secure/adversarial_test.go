package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// checkErrorLine asserts the contract of every failed run: exit 2, one line
// on stderr starting "s3secure: " with a hint, no panic, no SDK chatter,
// and none of the given secrets.
func checkErrorLine(t *testing.T, code int, stderr string, secrets ...string) {
	t.Helper()
	assert.Equal(t, exitUsage, code, stderr)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	assert.True(t, strings.HasPrefix(stderr, "s3secure: "), stderr)
	for _, junk := range append([]string{"panic", "goroutine", "RequestID", "HostID", "operation error", "attempts"}, secrets...) {
		if junk != "" {
			assert.NotContains(t, stderr, junk)
		}
	}
}

// TestWrongSecretEveryCommand: with a secret key the endpoint refuses,
// every command that calls AWS stops at its first request with exit 2 and
// the hint for a wrong secret. account-bpa's hint was "give -account-id"
// (its first request is STS GetCallerIdentity), which does not help.
func TestWrongSecretEveryCommand(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("adv-bucket", s3fake.StateLegacy))
	const wrong = "wrongSecretKeyThatMustNotPrint0123456789"
	t.Setenv("AWS_SECRET_ACCESS_KEY", wrong)
	for _, args := range [][]string{
		{"audit", "-all"},
		{"audit", "-bucket", "adv-bucket"},
		{"harden", "-bucket", "adv-bucket", "-dry-run"},
		{"cloudfront", "-bucket", "adv-bucket"},
		{"analyze", "-all"},
		{"keys"},
		{"account-bpa"},
		{"data-events", "-trail", "t"},
		{"accesspoint", "create", "-bucket", "adv-bucket", "-name", "ap", "-vpc", "vpc-1"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, _, stderr := runCLI(t, "", append([]string{"-endpoint", a.URL}, args...)...)
			checkErrorLine(t, code, stderr, wrong)
			assert.Contains(t, stderr, "(hint: the secret key does not match the access key")
		})
	}
}

// TestCABundleNotPEM: an AWS_CA_BUNDLE that is no PEM certificate is named
// in the hint (it said "check AWS_PROFILE, AWS_CONFIG_FILE and
// ~/.aws/config").
func TestCABundleNotPEM(t *testing.T) {
	a := startAWS(t, nil)
	bad := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(bad, []byte("not a certificate\n"), 0o600))
	t.Setenv("AWS_CA_BUNDLE", bad)
	code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "audit", "-all")
	checkErrorLine(t, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "(hint: AWS_CA_BUNDLE names a file that is not a PEM certificate")
}

// TestAdversarialInputs: inputs a script or a careless hand gives the tool
// each end in one line on stderr and exit 2 (README, "Exit codes"), never
// a panic: files that are directories or cannot be opened, files over the
// size limits, flag values out of range, endpoints that are not URLs.
func TestAdversarialInputs(t *testing.T) {
	cliEnv(t, "", "")
	dir := t.TempDir()
	file := writeFile(t, "policy.json", lintGood)
	huge := filepath.Join(dir, "huge.json")
	require.NoError(t, os.WriteFile(huge, []byte(`{"Statement": "`+strings.Repeat("a", 2<<20)+`"}`), 0o600))
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"lint", dir}, "lint: " + dir + " is a directory: give the files in it"},
		{[]string{"lint", filepath.Join(dir, "missing.json")}, "no such file or directory"},
		{[]string{"lint", file + "/x"}, "not a directory"},
		{[]string{"lint", huge}, "is larger than 1 MiB"},
		{[]string{"lint", "-service-reference", dir, file}, "lint: -service-reference"},
		{[]string{"lint", "-type", "nonsense", file}, "-type"},
		{[]string{"-endpoint", "not a url", "audit", "-all"}, "is not an endpoint URL"},
		{[]string{"-endpoint", "https://127.0.0.1:1/path", "audit", "-all"}, "-endpoint"},
		{[]string{"-region", "../etc", "audit", "-all"}, "is not an AWS Region name"},
		{[]string{"-local", "audit", "-all", "-concurrency", "99999999999999999999"}, "-concurrency"},
		{[]string{"-local", "keys", "-max-age", "-5d"}, "must be positive"},
		{[]string{"-local", "presign", "-bucket", "b", "-key", "k"}, "run s3secure serve"},
		{[]string{"-local", "audit", "-organization", "-role", "R", "-checkpoint", filepath.Join(file, "ckpt"), "-insecure-unsigned-checkpoint"}, "checkpoint"},
		{[]string{"-local", "audit", "-organization", "-role", "R", "-checkpoint", "ckpt", "-checkpoint-key-file", filepath.Join(file, "key")}, "-checkpoint-key-file"},
		{[]string{"-local", "audit", "-organization", "-role", "R", "-account-controls", "-regions", "us-east-1,bad_region"},
			`audit: -regions: "bad_region" is not an AWS Region name`},
		{[]string{"-local", "audit", "-organization", "-role", "R", "-account-controls", "-regions", ",,"}, `audit: -regions: no Region in ",,"`},
		// The European Sovereign Cloud's Region is one (its partition's
		// data says so); the first name refused is the bad one.
		{[]string{"-local", "audit", "-organization", "-role", "R", "-account-controls", "-regions", "eusc-de-east-1,bad_region"},
			`audit: -regions: "bad_region" is not an AWS Region name`},
	} {
		t.Run(strings.Join(tc.args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tc.args...)
			checkErrorLine(t, code, stderr)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.want)
		})
	}
	// Standard input over the largest limit.
	code, _, stderr := runCLI(t, strings.Repeat(" ", 64<<20+1), "lint", "-")
	checkErrorLine(t, code, stderr)
	assert.Contains(t, stderr, "<stdin> is larger than 64 MiB")
}

// TestBrokenTemplateLint: a YAML template that does not parse is one
// finding with the YAML error and its line (exit 1, like any policy that
// does not parse); it was read as a policy file and reported as "unexpected
// 'R'" at line 1.
func TestBrokenTemplateLint(t *testing.T) {
	tmpl := writeFile(t, "template.yaml", "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n  Policy: [\n")
	code, stdout, stderr := runCLI(t, "", "lint", "-format", "json", tmpl)
	assert.Equal(t, 1, code, stderr)
	lines := parseLines(t, stdout)
	require.Len(t, lines, 1, stdout)
	assert.Equal(t, "JSON_SYNTAX_ERROR", lines[0].Code)
	assert.GreaterOrEqual(t, lines[0].Line, 4)
	assert.NotContains(t, lines[0].Message, "unexpected 'R'")
}

// TestInvalidTrailNameHint: a trail name CloudTrail refuses gets CloudTrail's
// naming rules as its hint (it had none).
func TestInvalidTrailNameHint(t *testing.T) {
	a := startAWS(t, nil)
	code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "data-events", "-trail", "t")
	checkErrorLine(t, code, stderr)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "InvalidTrailNameException")
	assert.Contains(t, stderr, "(hint: trail names are 3 to 128 ASCII letters, digits")
}

// TestHelpOfHelp: "s3secure help help" and "s3secure help -h" print the
// general help and exit 0, as "s3secure help" does (they were unknown
// commands, exit 2).
func TestHelpOfHelp(t *testing.T) {
	_, want, _ := runCLI(t, "", "help")
	for _, arg := range []string{"help", "-h", "-help", "--help"} {
		code, stdout, stderr := runCLI(t, "", "help", arg)
		assert.Equal(t, exitOK, code, arg)
		assert.Equal(t, want, stdout, arg)
		assert.Empty(t, stderr, arg)
	}
}
