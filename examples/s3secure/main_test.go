package main

import (
	"bytes"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// runCLI runs the command line in-process and returns the exit code and
// both output streams.
func runCLI(t *testing.T, stdin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	code = run(t.Context(), args, strings.NewReader(stdin), &out, &errb)
	return code, out.String(), errb.String()
}

func TestUsageErrors(t *testing.T) {
	tests := []struct {
		name    string
		args    []string
		code    int
		stderr  string
		noStdio bool
	}{
		{name: "no command", args: nil, code: exitUsage, stderr: "usage: s3secure"},
		{name: "unknown command", args: []string{"frobnicate"}, code: exitUsage, stderr: `unknown command "frobnicate"`},
		{name: "bad format", args: []string{"-format", "yaml", "help"}, code: exitUsage, stderr: "-format must be json or text"},
		{name: "local with endpoint", args: []string{"-local", "-endpoint", "http://127.0.0.1:1", "help"}, code: exitUsage, stderr: "cannot be used together"},
		{name: "unknown global flag", args: []string{"-nope"}, code: exitUsage, stderr: "flag provided but not defined"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, _, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, tt.code, code)
			assert.Contains(t, stderr, tt.stderr)
		})
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	code, stdout, _ := runCLI(t, "", "help")
	assert.Equal(t, exitOK, code)
	for name, c := range registry {
		assert.Contains(t, stdout, name)
		assert.Contains(t, stdout, c.usage)
	}
}

func TestPrinterFormats(t *testing.T) {
	var out bytes.Buffer
	g := &globals{format: "json", stdout: &out}
	p := g.newPrinter("bucket", "status", "count")
	p.Row("b1", "PASS", 3)
	p.Row("b2", "FAIL\tx", nil)
	p.Flush()
	assert.Equal(t, "{\"bucket\":\"b1\",\"status\":\"PASS\",\"count\":3}\n{\"bucket\":\"b2\",\"status\":\"FAIL\\tx\",\"count\":null}\n", out.String())

	out.Reset()
	g.format = "text"
	p = g.newPrinter("bucket", "status")
	p.Row("b1", "PASS")
	p.Row("longer-bucket", "FAIL\tx")
	p.Flush()
	assert.Equal(t, "BUCKET         STATUS\nb1             PASS\nlonger-bucket  FAIL x\n", out.String())
}
