package main

import (
	"bytes"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
		name   string
		args   []string
		stderr string
	}{
		{name: "no command", args: nil, stderr: "usage: s3secure"},
		{name: "unknown command", args: []string{"frobnicate"}, stderr: `unknown command "frobnicate"; commands: accesspoint, account-bpa, analyze, audit,`},
		{name: "bad format", args: []string{"-format", "yaml", "audit", "-all"}, stderr: "-format yaml: audit writes text, json or ocsf"},
		{name: "bad format after the command", args: []string{"keys", "-format", "sarif"}, stderr: "-format sarif: keys writes text or json"},
		{name: "json for serve", args: []string{"serve", "-format", "json"}, stderr: "-format json: serve writes text"},
		{name: "local with endpoint", args: []string{"-local", "audit", "-all", "-endpoint", "http://127.0.0.1:1"}, stderr: "cannot be used together"},
		{name: "unknown global flag", args: []string{"-nope"}, stderr: "flag provided but not defined: -nope"},
		{name: "unknown command flag", args: []string{"audit", "-nope"}, stderr: `audit: flag provided but not defined: -nope (run "s3secure help audit")`},
		{name: "help for an unknown command", args: []string{"help", "nope"}, stderr: `help: unknown command "nope"; commands: accesspoint,`},
		{name: "misspelt command", args: []string{"audti", "-all"}, stderr: `unknown command "audti" (did you mean audit?); commands: accesspoint,`},
		{name: "misspelt command in help", args: []string{"help", "hardn"}, stderr: `help: unknown command "hardn" (did you mean harden?)`},
		{name: "command in capitals", args: []string{"LINT"}, stderr: `unknown command "LINT" (did you mean lint?)`},
		{name: "control in lower case", args: []string{"-local", "audit", "-all", "-controls", "S3.2,s3.5"},
			stderr: `audit: -controls: unknown control "s3.5" (did you mean S3.5?); the bucket controls are S3.2,`},
		{name: "misspelt control", args: []string{"-local", "audit", "-all", "-controls", "S3Secure.SSECBlock"},
			stderr: `unknown control "S3Secure.SSECBlock" (did you mean S3Secure.SSECBlocked?)`},
		{name: "online analyze with -local", args: []string{"-local", "analyze", "-all"},
			stderr: "analyze: -local starts an empty in-memory AWS for this one run, whose Access Analyzer would find nothing; run s3secure serve"},
		{name: "invalid bucket name with -local", args: []string{"-local", "harden", "-bucket", "My_Bucket"},
			stderr: `harden: -bucket: invalid bucket name "My_Bucket": a new bucket's name is 3 to 63 lower-case letters`},
		{name: "presign lifetime zero", args: []string{"presign", "-bucket", "b", "-key", "k", "-expires", "0s"},
			stderr: "presign: -expires 0s: the lifetime must be positive, at most 168h"},
		{name: "presign lifetime negative", args: []string{"presign", "-bucket", "b", "-key", "k", "-expires", "-5m"},
			stderr: "presign: -expires -5m0s: the lifetime must be positive"},
		{name: "account control in -controls", args: []string{"-local", "audit", "-all", "-controls", "S3.22"},
			stderr: `audit: -controls: S3.22 is an account control, not a bucket control: -account-controls adds the account controls`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.stderr)
			assert.Empty(t, stdout)
			if tt.args != nil {
				assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			}
		})
	}
}

// TestGlobalFlagsAnywhere: the global flags are accepted before the
// command, after it, or both, with the same result.
func TestGlobalFlagsAnywhere(t *testing.T) {
	want := -1
	for _, args := range [][]string{
		{"-local", "-format", "json", "audit", "-bucket", "b-anywhere"},
		{"audit", "-bucket", "b-anywhere", "-local", "-format", "json"},
		{"-format", "json", "audit", "-local", "-bucket", "b-anywhere"},
	} {
		code, stdout, stderr := runCLI(t, "", args...)
		assert.Equal(t, exitFindings, code, "%v: %s", args, stderr)
		rows := jsonRows(t, stdout)
		if want < 0 {
			want = len(rows)
			require.Positive(t, want)
		}
		assert.Len(t, rows, want, args)
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"help"}, {"-h"}, {"--help"}} {
		code, stdout, stderr := runCLI(t, "", args...)
		assert.Equal(t, exitOK, code)
		assert.Empty(t, stderr)
		for name, c := range registry {
			assert.Contains(t, stdout, name)
			assert.Contains(t, stdout, c.usage)
		}
		for _, f := range globalFlagNames {
			assert.Contains(t, stdout, "  -"+f)
		}
		assert.Contains(t, stdout, "1 blocking findings (FAIL, UNKNOWN, ERROR, SECURITY_WARNING)")
		// Every -format value some command writes is named, with the commands.
		for name, c := range registry {
			for _, f := range c.outputFormats() {
				if f != "text" && f != "json" {
					assert.Regexp(t, `(?m)^\s+output format: .*; `+f+` for [a-z, -]*\b`+name+`\b`, stdout)
				}
			}
		}
	}
}

var flagLineRe = regexp.MustCompile(`(?m)^  -([a-z0-9-]+)`)

// commandFlags returns the flags a command's help lists under "flags:",
// and the whole help text.
func commandFlags(t *testing.T, name string) ([]string, string) {
	t.Helper()
	code, stdout, stderr := runCLI(t, "", "help", name)
	require.Equal(t, exitOK, code, stderr)
	own, _, ok := strings.Cut(stdout, "\nglobal flags")
	require.True(t, ok, stdout)
	var flags []string
	for _, m := range flagLineRe.FindAllStringSubmatch(own, -1) {
		flags = append(flags, m[1])
	}
	return flags, stdout
}

// TestCommandHelp: "s3secure help CMD" and "s3secure CMD -h" print the same
// help on stdout and exit 0; it has the usage line, the summary, the
// command's flags, the global flags and the exit codes; and the usage
// line names every flag the command has.
func TestCommandHelp(t *testing.T) {
	for name, c := range registry {
		t.Run(name, func(t *testing.T) {
			flags, help := commandFlags(t, name)
			assert.True(t, strings.HasPrefix(help, "usage: s3secure "+c.usage+"\n"), help)
			assert.Contains(t, help, c.summary)
			assert.Contains(t, help, exitCodesHelp)
			for _, f := range globalFlagNames {
				assert.Contains(t, help, "\n  -"+f)
			}
			assert.Contains(t, help, "output format: "+strings.Join(c.outputFormats(), ", "))
			for _, f := range flags {
				assert.Regexp(t, `(^|[ \[|])-`+regexp.QuoteMeta(f)+`([ \]=|]|$)`, c.usage, "the usage line of %s does not name -%s", name, f)
				assert.NotContains(t, globalFlagNames, f)
			}
			for ident, flag := range c.flagFor {
				if line, ok := strings.CutPrefix(flag, "s3secure "); ok {
					// Another command: it exists and has the flags named.
					words := strings.Fields(line)
					other, ok := registry[words[0]]
					require.True(t, ok, "flagFor maps %s to %s, which is not a command", ident, flag)
					for _, w := range words[1:] {
						if strings.HasPrefix(w, "-") {
							assert.Contains(t, other.usage, w, "flagFor maps %s to %s, whose usage lacks %s", ident, flag, w)
						}
					}
					continue
				}
				if slices.Contains(globalFlagNames, strings.TrimPrefix(flag, "-")) {
					continue // every command has the global flags
				}
				assert.Contains(t, flags, strings.TrimPrefix(flag, "-"), "flagFor maps %s to %s, which %s does not have", ident, flag, name)
			}
			for _, args := range [][]string{{name, "-h"}, {name, "-help"}, {"-format", "text", name, "-h"}} {
				code, stdout, stderr := runCLI(t, "", args...)
				assert.Equal(t, exitOK, code, args)
				assert.Empty(t, stderr, args)
				assert.Equal(t, help, stdout, args)
			}
		})
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

func TestClosest(t *testing.T) {
	commands := commandNames()
	for name, want := range map[string]string{
		"audti": "audit", "lnit": "lint", "serv": "serve", "Harden": "harden", "acount-bpa": "account-bpa",
		"x": "", "frobnicate": "", "key": "keys", "data": "",
	} {
		assert.Equal(t, want, closest(name, commands), name)
	}
	assert.Equal(t, "", closest("ab", []string{"ac", "ad"}), "a tie suggests nothing")
	assert.Equal(t, 0, editDistance("", ""))
	assert.Equal(t, 3, editDistance("kitten", "sitting"))
	assert.Equal(t, 1, editDistance("ab", "ba"))
}
