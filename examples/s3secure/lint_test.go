package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const lintGood = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
 "Resource":["arn:aws:s3:::my-bucket","arn:aws:s3:::my-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

const lintPublic = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
  ]
}`

const lintSuggestion = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["s3:GetObject","s3:Get*"],"Resource":"arn:aws:s3:::my-bucket/*"}]}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

type lintLine struct {
	File      string `json:"file"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Statement int    `json:"statement"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	Message   string `json:"message"`
}

func parseLines(t *testing.T, out string) []lintLine {
	t.Helper()
	var lines []lintLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var ll lintLine
		require.NoError(t, json.Unmarshal([]byte(l), &ll), l)
		lines = append(lines, ll)
	}
	return lines
}

func TestLintJSON(t *testing.T) {
	good := writeFile(t, "good.json", lintGood)
	public := writeFile(t, "public.json", lintPublic)
	code, stdout, stderr := runCLI(t, "", "-format", "json", "lint", good, public)
	assert.Equal(t, exitFindings, code, stderr)
	lines := parseLines(t, stdout)
	require.Len(t, lines, 1)
	assert.Equal(t, lintLine{File: public, Severity: "SECURITY_WARNING", Code: "S3SECURE_PUBLIC_ACCESS", Statement: 0, Line: 4, Column: 59,
		Message: lines[0].Message}, lines[0])
	assert.Contains(t, lines[0].Message, "public")
	// Keys come in the documented order.
	assert.True(t, strings.HasPrefix(stdout, `{"file":`))
	assert.Contains(t, stdout, `"statement":0,"line":4,"column":59,"message":`)
}

func TestLintExitCodes(t *testing.T) {
	good := writeFile(t, "good.json", lintGood)
	sugg := writeFile(t, "sugg.json", lintSuggestion)
	code, stdout, _ := runCLI(t, "", "lint", good)
	assert.Equal(t, exitOK, code)
	assert.Empty(t, stdout)

	code, stdout, _ = runCLI(t, "", "lint", sugg)
	assert.Equal(t, exitOK, code, "a SUGGESTION does not block")
	assert.Contains(t, stdout, "REDUNDANT_ACTION")
	assert.Contains(t, stdout, "FILE", "text mode has a header row")

	code, _, stderr := runCLI(t, "", "lint", filepath.Join(t.TempDir(), "missing.json"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "lint:")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one-line message")

	code, _, stderr = runCLI(t, "", "lint")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "no files")

	code, _, stderr = runCLI(t, "", "lint", "-type", "scp", good)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-type")
}

func TestLintStdinAndTypes(t *testing.T) {
	identity := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}`
	code, stdout, _ := runCLI(t, identity, "-format", "json", "lint", "-type", "identity", "-")
	assert.Equal(t, exitFindings, code)
	lines := parseLines(t, stdout)
	require.NotEmpty(t, lines)
	assert.Equal(t, "<stdin>", lines[0].File)
	assert.Equal(t, "UNSUPPORTED_PRINCIPAL", lines[0].Code)

	code, stdout, _ = runCLI(t, "{\"Version\": \"2012-10-17\",\n \"Statement\": [}", "-format", "json", "lint", "-")
	assert.Equal(t, exitFindings, code)
	lines = parseLines(t, stdout)
	require.Len(t, lines, 1)
	assert.Equal(t, "JSON_SYNTAX_ERROR", lines[0].Code)
	assert.Equal(t, -1, lines[0].Statement)
	assert.Equal(t, 2, lines[0].Line)
}
