// Command s3secure audits, hardens and inspects S3 buckets, lints policies,
// presigns URLs and runs a local AWS (S3 and the other services s3secure
// uses) that verifies signatures and enforces policies.
//
// Usage:
//
//	s3secure [global flags] <command> [command flags] [arguments]
//	s3secure help [command]
//
// Global flags, accepted before or after the command:
//
//	-endpoint URL   send every AWS request of the command there (moto,
//	                LocalStack, "s3secure serve"; path-style for S3)
//	-region R       the AWS Region (default: from the environment, else us-east-1;
//	                with -local, us-east-1 whatever the environment says)
//	-local          run against an in-memory AWS started in this process for
//	                this one run (no AWS account needed; it ends with the run)
//	-format F       text (a table ending with a summary line) or json (one
//	                JSON object per line); some commands add sarif or ocsf
//
// Credentials come from the AWS SDK's default chain (environment, shared
// config, SSO, instance roles); the SDK's endpoint settings
// (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_<SERVICE>, endpoint_url in a profile)
// are honoured, and -endpoint overrides them. Exit codes: 0 success and
// nothing blocking found; 1 findings that block (FAIL, UNKNOWN, ERROR,
// SECURITY_WARNING); 2 usage, input, setup (credentials, TLS, endpoint,
// Region) or I/O error, with a one-line message and a hint on stderr; 3 an
// internal error (a bug in s3secure: a panic), one line on stderr, with the
// stack trace only when S3SECURE_DEBUG is set.
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
	"regexp"
	"runtime/debug"
	"slices"
	"sort"
	"strings"

	"github.com/s3secure/s3secure/internal/workers"
)

// Exit codes shared by every command.
const (
	exitOK       = 0 // success, nothing blocking found
	exitFindings = 1 // findings that block: FAIL, UNKNOWN, ERROR, SECURITY_WARNING
	exitUsage    = 2 // usage, input, setup or I/O error
	exitInternal = 3 // an internal error: a panic, a bug in s3secure
)

// debugEnv, when set (to anything), makes an internal error print its
// stack trace after the one line.
const debugEnv = "S3SECURE_DEBUG"

// exitCodesHelp is the exit code line every help text ends with.
const exitCodesHelp = "exit codes: 0 ok; 1 blocking findings (FAIL, UNKNOWN, ERROR, SECURITY_WARNING); " +
	"2 usage, input, setup (credentials, TLS, endpoint, Region) or I/O error; 3 internal error (a bug: please report it; " +
	debugEnv + "=1 adds the stack trace)"

// command is one subcommand. Each lives in its own file and registers itself
// from an init function with [register].
type command struct {
	name    string
	usage   string // one line listing every flag: "audit -bucket B | -all [-controls LIST] ..."
	summary string // one line: what it does
	// formats are the -format values the command writes; nil means text
	// and json. A command that writes another format (sarif, ocsf) lists
	// all of its formats here.
	formats []string
	// flagFor maps the library identifiers (options fields) that messages
	// of the command's library calls may name to the flag that sets each,
	// so that output names flags, never Go identifiers.
	flagFor map[string]string
	// run executes the command with the arguments after its name and returns
	// the exit code. It defines its flags on g.newFlagSet(c) (which adds the
	// global flags) and parses them with g.parseFlags. Errors are reported
	// through g.fail, which prints one line on stderr and returns exitUsage.
	run func(ctx context.Context, g *globals, args []string) int
}

// outputFormats returns the -format values c accepts.
func (c *command) outputFormats() []string {
	if c.formats == nil {
		return []string{"text", "json"}
	}
	return c.formats
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

// run is main without the process: tests call it directly. A panic in
// the command's goroutine is one line on stderr and exitInternal, never a
// trace (see internalError). Standard output that cannot be written whole
// (a full disk, a closed file) makes the run an I/O error, exitUsage, with
// one line on stderr, whatever the command found.
func run(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) (code int) {
	out := &outputWriter{w: stdout}
	g := &globals{stdin: stdin, stdout: out, stderr: stderr, format: "text", progressTo: terminal(stderr)}
	defer func() {
		if v := recover(); v != nil {
			code = internalError(stderr, v, debug.Stack())
			return
		}
		// A gate reads the exit code and the output together: output
		// that could not be written whole (a full disk) is an I/O error,
		// never the exit 0 or 1 of records that are not all there.
		if out.err != nil && (code == exitOK || code == exitFindings) {
			code = g.fail(fmt.Errorf("write the output: %w (what was written is incomplete)", out.err))
		}
	}()
	fs := flag.NewFlagSet("s3secure", flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.globalFlags(fs)
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			printUsage(stdout)
			return exitOK
		}
		return g.fail(fmt.Errorf("%v (run \"s3secure help\")", err))
	}
	rest := fs.Args()
	if len(rest) == 0 {
		printUsage(stderr)
		return exitUsage
	}
	name := rest[0]
	if name == "help" {
		return g.help(ctx, rest[1:])
	}
	c, ok := registry[name]
	if !ok {
		hint := ""
		if near := closest(name, commandNames()); near != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", near)
		}
		return g.fail(fmt.Errorf("unknown command %q%s; commands: %s (run \"s3secure help\")", name, hint, strings.Join(commandNames(), ", ")))
	}
	g.cmd = c
	defer g.close()
	return c.run(ctx, g, rest[1:])
}

// help prints the list of commands, or one command's help, on stdout.
func (g *globals) help(ctx context.Context, args []string) int {
	switch {
	case len(args) == 0, len(args) == 1 && (args[0] == "help" || args[0] == "-h" || args[0] == "-help" || args[0] == "--help"):
		printUsage(g.stdout)
		return exitOK
	case len(args) == 1:
		c, ok := registry[args[0]]
		if !ok {
			hint := ""
			if near := closest(args[0], commandNames()); near != "" {
				hint = fmt.Sprintf(" (did you mean %s?)", near)
			}
			return g.fail(fmt.Errorf("help: unknown command %q%s; commands: %s", args[0], hint, strings.Join(commandNames(), ", ")))
		}
		// Every command prints its help on -h before doing anything.
		g.cmd = c
		return c.run(ctx, g, []string{"-h"})
	default:
		return g.fail(errors.New("help: give at most one command"))
	}
}

func commandNames() []string {
	names := make([]string, 0, len(registry))
	for n := range registry {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func printUsage(w io.Writer) {
	fmt.Fprintln(w, "usage: s3secure [global flags] <command> [flags]")
	fmt.Fprintln(w, "       s3secure help <command>")
	fmt.Fprintln(w, "\ncommands:")
	for _, n := range commandNames() {
		c := registry[n]
		fmt.Fprintf(w, "  %-12s %s\n      s3secure %s\n", n, c.summary, c.usage)
	}
	fmt.Fprintln(w, "\nglobal flags (before or after the command):")
	gfs := globalFlagSet()
	if f := gfs.Lookup("format"); f != nil {
		f.Usage += extraFormats()
	}
	printFlags(w, gfs, nil)
	fmt.Fprintln(w, "\n"+exitCodesHelp)
}

// extraFormats names the formats besides text and json and the commands
// that write them: "; sarif for lint; ocsf for analyze, audit".
func extraFormats() string {
	by := map[string][]string{}
	var formats []string
	for _, n := range commandNames() {
		for _, f := range registry[n].outputFormats() {
			if f == "text" || f == "json" {
				continue
			}
			if by[f] == nil {
				formats = append(formats, f)
			}
			by[f] = append(by[f], n)
		}
	}
	sort.Strings(formats)
	var b strings.Builder
	for _, f := range formats {
		fmt.Fprintf(&b, "; %s for %s", f, strings.Join(by[f], ", "))
	}
	return b.String()
}

// globalFlagNames are the flags every command accepts.
var globalFlagNames = []string{"endpoint", "region", "local", "format", "allow-insecure-transport"}

// globalFlags defines the global flags on fs, bound to g. A flag's default
// is g's current value, so that a command's flag set (which defines them
// again) keeps what was given before the command.
func (g *globals) globalFlags(fs *flag.FlagSet) {
	fs.StringVar(&g.endpoint, "endpoint", g.endpoint,
		"send every AWS request of the command to this `URL` (moto, LocalStack, s3secure serve; path-style for S3); "+
			"overrides AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE>")
	fs.StringVar(&g.region, "region", g.region, "the AWS `Region` (default: from the environment or profile, else us-east-1; with -local, us-east-1 whatever the environment says)")
	fs.BoolVar(&g.local, "local", g.local,
		"run against an in-memory AWS started in this process for this one run (no AWS account needed; "+
			"it starts empty, but for a demo bucket of the -bucket name the command gives, and ends with the run: "+
			"use s3secure serve to keep state between commands)")
	fs.StringVar(&g.format, "format", g.format, "output `format`: text (a table ending with a summary line) or json (one object per line)")
	fs.BoolVar(&g.insecureTransport, "allow-insecure-transport", g.insecureTransport,
		"accept an endpoint that is plain HTTP to a host that is not loopback (http://localstack:4566): "+
			"nothing authenticates its answers, so anyone on the network path can forge the verdicts and read the policies; "+
			"for a test server on a network you trust only")
}

// globalFlagSet is the global flags with their defaults, for help texts.
func globalFlagSet() *flag.FlagSet {
	fs := flag.NewFlagSet("s3secure", flag.ContinueOnError)
	(&globals{format: "text"}).globalFlags(fs)
	return fs
}

// printFlags prints fs's flags like flag.PrintDefaults, leaving out the
// names in skip.
func printFlags(w io.Writer, fs *flag.FlagSet, skip []string) {
	fs.VisitAll(func(f *flag.Flag) {
		if slices.Contains(skip, f.Name) {
			return
		}
		name, usage := flag.UnquoteUsage(f)
		line := "  -" + f.Name
		if name != "" {
			line += " " + name
		}
		fmt.Fprintln(w, line)
		if f.DefValue != "" && f.DefValue != "false" && f.DefValue != "0" {
			usage += fmt.Sprintf(" (default %s)", f.DefValue)
		}
		fmt.Fprintf(w, "    \t%s\n", strings.ReplaceAll(usage, "\n", "\n    \t"))
	})
}

// newFlagSet returns a flag set for a subcommand with the global flags
// defined on it, so that they are accepted after the command name too.
func (g *globals) newFlagSet(c *command) *flag.FlagSet {
	fs := flag.NewFlagSet(c.name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	g.globalFlags(fs)
	return fs
}

// parseFlags parses a subcommand's flags and checks the global ones; ok is
// false when the command should return code at once: -h (the command's
// help on stdout, exit 0) or a usage error (one line on stderr, exit 2).
func (g *globals) parseFlags(fs *flag.FlagSet, args []string) (code int, ok bool) {
	c := g.cmd
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			g.printHelp(c, fs)
			return exitOK, false
		}
		return g.fail(fmt.Errorf("%s: %v (run \"s3secure help %s\")", c.name, err, c.name)), false
	}
	if err := g.checkGlobals(); err != nil {
		return g.fail(err), false
	}
	return exitOK, true
}

// printHelp prints c's help on stdout: usage line, summary, flags, the
// global flags and the exit codes.
func (g *globals) printHelp(c *command, fs *flag.FlagSet) {
	w := g.stdout
	fmt.Fprintf(w, "usage: s3secure %s\n\n%s\n\nflags:\n", c.usage, c.summary)
	printFlags(w, fs, globalFlagNames)
	fmt.Fprintln(w, "\nglobal flags (before or after the command):")
	gfs := globalFlagSet()
	if f := gfs.Lookup("format"); f != nil {
		f.Usage = "output `format`: " + strings.Join(c.outputFormats(), ", ")
	}
	printFlags(w, gfs, nil)
	fmt.Fprintln(w, "\n"+exitCodesHelp)
}

// fail prints err on one line on stderr, with the service's error code and
// message and a hint when it is an AWS error, and returns exitUsage.
func (g *globals) fail(err error) int {
	fmt.Fprintf(g.stderr, "s3secure: %s\n", g.cliText(describe(err)))
	return exitUsage
}

// cliText replaces, in a library message, the identifiers the command's
// flagFor names (also as Options.X) with their flags.
func (g *globals) cliText(s string) string {
	if g.cmd == nil || len(g.cmd.flagFor) == 0 {
		return s
	}
	if g.cliRE == nil {
		names := make([]string, 0, len(g.cmd.flagFor))
		for k := range g.cmd.flagFor {
			names = append(names, regexp.QuoteMeta(k))
		}
		sort.Slice(names, func(i, j int) bool { return len(names[i]) > len(names[j]) })
		g.cliRE = regexp.MustCompile(`\b(?:[A-Za-z]*Options\.)?(` + strings.Join(names, "|") + `)\b`)
	}
	re := g.cliRE
	return re.ReplaceAllStringFunc(s, func(m string) string {
		return g.cmd.flagFor[re.FindStringSubmatch(m)[1]]
	})
}

// closest returns the one candidate that name is a likely misspelling of:
// the same but for letter case, or at most two edits away (and fewer than
// half of name's letters); "" when there is none or more than one.
func closest(name string, candidates []string) string {
	best, bestDist, ties := "", 3, 0
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			return c
		}
		d := editDistance(strings.ToLower(name), strings.ToLower(c))
		switch {
		case d < bestDist:
			best, bestDist, ties = c, d, 0
		case d == bestDist:
			ties++
		}
	}
	if best == "" || ties > 0 || 2*bestDist >= len(name) {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b, in bytes, with
// a transposition of two neighbours counting as one edit.
func editDistance(a, b string) int {
	prev2, prev, cur := make([]int, len(b)+1), make([]int, len(b)+1), make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// internalError reports a recovered panic: "s3secure: internal error:
// VALUE (please report)" on one line, and the stack trace after it only
// when debugEnv is set. The value and the trace pass through the redaction
// every error message gets, and the secret key and session token of the
// environment are cut out wherever they appear (a panic value can be any
// value, credentials included). A panic in a goroutine a library call
// started arrives here too, raised again by the call in the command's
// goroutine (internal/workers); the trace is then followed by the
// worker's stack, where it happened.
func internalError(stderr io.Writer, v any, stack []byte) int {
	fmt.Fprintf(stderr, "s3secure: internal error: %s (please report)\n", redact(strings.Join(strings.Fields(fmt.Sprint(v)), " ")))
	if os.Getenv(debugEnv) != "" {
		fmt.Fprint(stderr, redact(string(stack)))
		if ws := workers.Stack(v); ws != nil {
			fmt.Fprint(stderr, "\nthe panic happened in a worker goroutine:\n"+redact(string(ws)))
		}
	}
	return exitInternal
}
