package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
)

// writeRecords writes a command's records. With -format json: one JSON
// object per line, json.Marshal of the record (a struct whose json tags
// are the field names the README documents; lists are [] and maps {},
// never null). With text: an aligned table whose header and cells come
// from header and cells (a table with no record prints nothing), then the
// summary line, printed even when nothing was found. Text cells and the
// summary name flags, never library identifiers (globals.cliText).
func writeRecords[R any](g *globals, records []R, header []string, cells func(R) []any, summary string) {
	if g.json() {
		for _, r := range records {
			b, err := json.Marshal(r)
			if err != nil {
				panic("s3secure: record does not marshal: " + err.Error()) // programming error: records are plain data
			}
			g.stdout.Write(append(b, '\n'))
		}
		return
	}
	if len(records) > 0 {
		tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
		fmt.Fprintln(tw, strings.ToUpper(strings.Join(header, "\t")))
		for _, r := range records {
			vals := cells(r)
			texts := make([]string, len(vals))
			for i, v := range vals {
				texts[i] = strings.ReplaceAll(g.cliText(fmt.Sprint(v)), "\t", " ")
			}
			fmt.Fprintln(tw, strings.Join(texts, "\t"))
		}
		tw.Flush()
	}
	fmt.Fprintln(g.stdout, g.cliText(summary))
}

// orEmpty returns s, or an empty (not nil) slice.
func orEmpty[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// orEmptyMap returns m, or an empty (not nil) map.
func orEmptyMap(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}

// plural is "1 bucket" or "2 buckets".
func plural(n int, one string) string {
	if n == 1 {
		return "1 " + one
	}
	return fmt.Sprintf("%d %ss", n, one)
}

// progress returns a callback that shows "what: done/total buckets (last
// bucket)" on one line of stderr, rewriting it in place, when stderr is a
// terminal and the output is text, and a finish function that clears the
// line; both are no-ops otherwise (JSON output, a pipe or a file never
// gets progress lines).
func (g *globals) progress(what string) (report func(done, total int, bucket string), finish func()) {
	show, finish := g.statusLine()
	return func(done, total int, bucket string) {
		show(fmt.Sprintf("%s: %d/%d buckets (%s)", what, done, total, bucket))
	}, finish
}

// statusLine returns a function that shows a line on stderr, rewriting it
// in place, when stderr is a terminal and the output is text, and a finish
// function that clears it (call it before writing to stdout, which may be
// the same terminal, too); both are no-ops otherwise.
func (g *globals) statusLine() (show func(string), finish func()) {
	if g.progressTo == nil || g.format != "text" {
		return func(string) {}, func() {}
	}
	shown := false
	show = func(line string) {
		shown = true
		fmt.Fprint(g.progressTo, "\r\x1b[K"+line)
	}
	finish = func() {
		if shown {
			fmt.Fprint(g.progressTo, "\r\x1b[K")
			shown = false
		}
	}
	return show, finish
}

// outputWriter is the command's standard output. It keeps the first write
// error and writes nothing after it, so the output stops where it broke
// and run turns the exit code into exitUsage, whichever writer of the
// command met the error.
type outputWriter struct {
	w   io.Writer
	err error
}

func (o *outputWriter) Write(p []byte) (int, error) {
	if o.err != nil {
		return 0, o.err
	}
	n, err := o.w.Write(p)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	o.err = err
	return n, err
}
