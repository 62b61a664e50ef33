package main

import (
	"os"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeSections returns README.md's text by "## " section, the section
// before the first heading under "".
func readmeSections(t *testing.T) map[string]string {
	t.Helper()
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	sections := map[string]string{}
	title := ""
	for _, line := range strings.SplitAfter(string(readme), "\n") {
		if h, ok := strings.CutPrefix(line, "## "); ok {
			title = strings.TrimSpace(h)
			continue
		}
		sections[title] += line
	}
	return sections
}

var (
	codeBlockRe  = regexp.MustCompile("(?s)```(?:sh)?\n(.*?)```")
	codeSpanRe   = regexp.MustCompile("`([^`\n]+)`")
	cliInvokeRe  = regexp.MustCompile(`\./s3secure\s+(.*)$`)
	shellStopRe  = regexp.MustCompile(`\s(?:#|>|\||&&|;)`)
	valueGlobals = map[string]bool{"endpoint": true, "region": true, "format": true}
)

// readmeInvocation is one s3secure command line the README shows: the
// command and every flag it names (global flags included).
type readmeInvocation struct {
	text    string
	command string
	flags   []string
}

// parseInvocation reads the words after "s3secure": global flags (and
// the values of those that take one), the command, then its flags.
// Brackets and "=value" are what a usage line writes around a flag.
func parseInvocation(text string) readmeInvocation {
	inv := readmeInvocation{text: text}
	words := strings.Fields(text)
	for i := 0; i < len(words); i++ {
		w := strings.Trim(words[i], "[]")
		if name, ok := strings.CutPrefix(w, "-"); ok && name != "" {
			name, _, _ = strings.Cut(name, "=")
			inv.flags = append(inv.flags, name)
			if inv.command == "" && valueGlobals[name] {
				i++
			}
			continue
		}
		if inv.command == "" {
			inv.command = w
		}
	}
	return inv
}

// TestREADMECommandsExist: every s3secure command line README.md shows
// (in its shell blocks, and in its code spans that start with a command
// or with s3secure) names a command the tool has and only flags that
// command (or every command) has; every flag a code span names on its own
// is one some command has; and the README's list of commands is the
// tool's. So a renamed or removed flag cannot leave the README telling
// readers to type what fails with "flag provided but not defined".
func TestREADMECommandsExist(t *testing.T) {
	sections := readmeSections(t)
	require.Contains(t, sections, "The command-line tool")

	own := map[string][]string{}
	all := slices.Clone(globalFlagNames)
	for name := range registry {
		flags, _ := commandFlags(t, name)
		own[name] = flags
		all = append(all, flags...)
	}

	var invocations []readmeInvocation
	var loneFlags []string
	for title, text := range sections {
		if title == "Speed" || title == "Set up" { // go test flags: -bench, -race, …
			continue
		}
		for _, block := range codeBlockRe.FindAllStringSubmatch(text, -1) {
			for _, line := range strings.Split(block[1], "\n") {
				m := cliInvokeRe.FindStringSubmatch(line)
				if m == nil {
					continue
				}
				cmd := m[1]
				if loc := shellStopRe.FindStringIndex(" " + cmd); loc != nil {
					cmd = (" " + cmd)[:loc[0]]
				}
				invocations = append(invocations, parseInvocation(strings.TrimSpace(cmd)))
			}
		}
		prose := codeBlockRe.ReplaceAllString(text, "")
		for _, span := range codeSpanRe.FindAllStringSubmatch(prose, -1) {
			s := strings.TrimPrefix(strings.TrimPrefix(span[1], "./"), "s3secure ")
			words := strings.Fields(s)
			switch {
			case len(words) == 0:
			case strings.HasPrefix(words[0], "-"):
				name, _, _ := strings.Cut(strings.TrimPrefix(words[0], "-"), "=")
				loneFlags = append(loneFlags, name)
			case registry[words[0]] != nil && len(words) > 1, s != span[1]:
				invocations = append(invocations, parseInvocation(s))
			}
		}
	}
	require.GreaterOrEqual(t, len(invocations), 30, "the README's command lines were not found")
	require.GreaterOrEqual(t, len(loneFlags), 10, "the README's flags in prose were not found")

	for _, inv := range invocations {
		if inv.command == "help" || inv.command == strings.ToUpper(inv.command) { // help, help CMD, CMD -h
			for _, f := range inv.flags {
				assert.True(t, f == "h" || slices.Contains(globalFlagNames, f), "README: s3secure %s: no flag -%s", inv.text, f)
			}
			continue
		}
		if !assert.Contains(t, registry, inv.command, "README: s3secure %s: no such command", inv.text) {
			continue
		}
		for _, f := range inv.flags {
			assert.True(t, slices.Contains(own[inv.command], f) || slices.Contains(globalFlagNames, f),
				"README: s3secure %s: %s has no flag -%s (its flags: %s)", inv.text, inv.command, f, strings.Join(own[inv.command], " "))
		}
	}
	for _, f := range loneFlags {
		assert.Contains(t, all, f, "README names -%s, which no command has", f)
	}

	// The package table lists the commands.
	row := regexp.MustCompile("(?m)^\\| \\[`examples/s3secure`\\].*$").FindString(sections[""])
	require.NotEmpty(t, row, "the README's package table has the command-line tool's row")
	var listed []string
	for _, m := range codeSpanRe.FindAllStringSubmatch(row, -1)[1:] {
		listed = append(listed, m[1])
	}
	names := commandNames()
	sort.Strings(listed)
	assert.Equal(t, names, listed, "the README's row for examples/s3secure lists the tool's commands")
}
