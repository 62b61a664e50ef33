package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/s3secure/s3secure/policy"
)

func init() {
	register(&command{
		name:    "lint",
		usage:   "lint [-type resource|identity|access-point] [-account-id ID] FILE... (- = stdin)",
		summary: "validate policy documents offline, with IAM Access Analyzer's issue codes",
		run:     runLint,
	})
}

// lintKinds maps -type values to policy kinds.
var lintKinds = map[string]policy.Kind{
	"resource":     policy.KindBucket,
	"bucket":       policy.KindBucket,
	"access-point": policy.KindAccessPoint,
	"identity":     policy.KindManaged,
}

// runLint prints one line per finding: file, severity, code, statement (the
// statement's index, -1 for the document), line, column, message. It exits 1
// when a finding is ERROR or SECURITY_WARNING, 2 when a file cannot be read.
func runLint(_ context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	typ := fs.String("type", "resource", "how the policies are used: resource (a bucket policy), access-point, or identity (an IAM policy)")
	account := fs.String("account-id", "", "the owning account's 12-digit ID, so grants to it are not reported as cross-account")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	kind, ok := lintKinds[*typ]
	if !ok {
		return g.fail(fmt.Errorf("lint: -type must be resource, access-point or identity, not %q", *typ))
	}
	if fs.NArg() == 0 {
		return g.fail(errors.New("lint: no files (give FILE... or - for standard input)"))
	}
	opts := &policy.ValidateOptions{Kind: kind, Account: *account}
	// Read everything first, so an unreadable file fails the run before
	// any output.
	inputs := make([][]byte, fs.NArg())
	stdinUsed := false
	for i, name := range fs.Args() {
		if name == "-" {
			if stdinUsed {
				return g.fail(errors.New("lint: standard input (-) given twice"))
			}
			stdinUsed = true
		}
		b, err := g.readInput(name)
		if err != nil {
			return g.fail(fmt.Errorf("lint: %w", err))
		}
		inputs[i] = b
	}
	p := g.newPrinter("file", "severity", "code", "statement", "line", "column", "message")
	code := exitOK
	for i, name := range fs.Args() {
		if name == "-" {
			name = "<stdin>"
		}
		for _, f := range policy.Validate(inputs[i], opts) {
			p.Row(name, string(f.Severity), f.Code, f.Statement, f.Line, f.Column, f.Message)
			if f.Severity.Blocking() {
				code = exitFindings
			}
		}
	}
	p.Flush()
	return code
}
