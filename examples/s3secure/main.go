// Command s3secure audits, hardens and inspects S3 buckets, lints policies,
// presigns URLs and runs a local S3 that enforces policies.
//
// Usage:
//
//	s3secure [global flags] <command> [command flags] [arguments]
//
// Global flags (before the command):
//
//	-endpoint URL   any S3-compatible endpoint (path-style addressing)
//	-region R       the AWS Region (default: from the environment, else us-east-1)
//	-local          run against an embedded in-memory S3 (no AWS account needed)
//	-format F       json (one JSON object per line) or text (a table); default text
//
// Credentials come from the AWS SDK's default chain (environment, shared
// config, SSO, instance roles). Exit codes: 0 success and nothing blocking
// found; 1 findings that block (FAIL, ERROR, SECURITY_WARNING); 2 usage,
// input or I/O error, with a one-line message on stderr.
//
// Run "s3secure help" for the list of commands.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sort"
	"strings"
)

// Exit codes shared by every command.
const (
	exitOK       = 0 // success, nothing blocking found
	exitFindings = 1 // findings that block: FAIL, ERROR, SECURITY_WARNING
	exitUsage    = 2 // usage, input or I/O error
)

// command is one subcommand. Each lives in its own file and registers itself
// from an init function with [register].
type command struct {
	name    string
	usage   string // one line: "audit -bucket B | -all"
	summary string // one line: what it does
	// run executes the command with the arguments after its name and returns
	// the exit code. Errors are reported through g.fail, which prints one
	// line on stderr and returns exitUsage.
	run func(ctx context.Context, g *globals, args []string) int
}

// registry holds the commands; it is filled by init functions before main
// runs and never changed afterwards.
var registry = map[string]*command{}

func register(c *command) {
	if _, dup := registry[c.name]; dup {
		panic("s3secure: command registered twice: " + c.name) // programming error
	}
	registry[c.name] = c
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	code := run(ctx, os.Args[1:], os.Stdin, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run is main without the process: tests call it directly.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) int {
	g := &globals{stdin: stdin, stdout: stdout, stderr: stderr}
	fs := flag.NewFlagSet("s3secure", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&g.endpoint, "endpoint", "", "any S3-compatible endpoint URL (path-style addressing)")
	fs.StringVar(&g.region, "region", "", "AWS Region (default: from the environment, else us-east-1)")
	fs.BoolVar(&g.local, "local", false, "run against an embedded in-memory S3 (no AWS account needed)")
	fs.StringVar(&g.format, "format", "text", "output format: json (one object per line) or text")
	fs.Usage = func() { printUsage(stderr) }
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK
		}
		return exitUsage
	}
	if g.format != "json" && g.format != "text" {
		return g.fail(fmt.Errorf("-format must be json or text, not %q", g.format))
	}
	if g.local && g.endpoint != "" {
		return g.fail(errors.New("-local and -endpoint cannot be used together"))
	}
	rest := fs.Args()
	if len(rest) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	name := rest[0]
	if name == "help" || name == "-h" || name == "--help" {
		printUsage(stdout)
		return exitOK
	}
	c, ok := registry[name]
	if !ok {
		return g.fail(fmt.Errorf("unknown command %q (run \"s3secure help\")", name))
	}
	defer g.close()
	return c.run(ctx, g, rest[1:])
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: s3secure [-endpoint URL] [-region R] [-local] [-format json|text] <command> [flags]")
	fmt.Fprintln(w, "\ncommands:")
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		c := registry[n]
		fmt.Fprintf(w, "  %-12s %s\n      %s\n", n, c.summary, c.usage)
	}
	fmt.Fprintln(w, "\nexit codes: 0 ok, 1 blocking findings, 2 usage/input/I/O error")
}

// newFlagSet returns a flag set for a subcommand that reports errors on the
// command's stderr and prints the command's usage line.
func (g *globals) newFlagSet(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(g.stderr)
	fs.Usage = func() {
		fmt.Fprintf(g.stderr, "usage: s3secure %s\n", c.usage)
		fs.PrintDefaults()
	}
	return fs
}

// parseFlags parses a subcommand's flags; ok is false when the command should
// return code at once (usage error, or -h).
func (g *globals) parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return exitOK, false
		}
		return exitUsage, false
	}
	return exitOK, true
}

// fail prints err on one line on stderr and returns exitUsage.
func (g *globals) fail(err error) int {
	msg := redactSecrets(strings.ReplaceAll(err.Error(), "\n", " "))
	fmt.Fprintf(g.stderr, "s3secure: %s\n", msg)
	return exitUsage
}
