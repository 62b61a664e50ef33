package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// readmeJSONTable returns the README's table of JSON fields: for each
// command (as the first cell writes it), the code spans of the second
// cell outside parentheses, in order.
func readmeJSONTable(t *testing.T) map[string][]string {
	t.Helper()
	text := readmeSections(t)["The command-line tool"]
	start := strings.Index(text, "| command | JSON fields |")
	require.Positive(t, start, "the README has the table of JSON fields")
	table := map[string][]string{}
	for _, line := range strings.Split(text[start:], "\n")[2:] {
		if !strings.HasPrefix(line, "| `") {
			break
		}
		cells := strings.Split(strings.Trim(line, "| "), " | ")
		require.Len(t, cells, 2, line)
		var fields []string
		depth, in, span := 0, false, ""
		for _, c := range cells[1] {
			switch {
			case c == '`':
				if in && depth == 0 {
					fields = append(fields, span)
				}
				in, span = !in, ""
			case in:
				span += string(c)
			case c == '(':
				depth++
			case c == ')':
				depth--
			}
		}
		table[strings.Trim(cells[0], "`")] = fields
	}
	return table
}

// goldenJSONFields reads testdata/json-fields.golden (TestJSONFields
// writes it from the commands' output): each command's fields in order.
func goldenJSONFields(t *testing.T) map[string][]string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "json-fields.golden"))
	require.NoError(t, err)
	out := map[string][]string{}
	label := ""
	for _, line := range strings.Split(strings.TrimSpace(string(b)), "\n") {
		if name, ok := strings.CutPrefix(line, "  "); ok {
			name, _, _ = strings.Cut(name, ":")
			out[label] = append(out[label], name)
			continue
		}
		label = line
	}
	return out
}

// jsonKeys returns the keys of the first JSON object in out, in order.
func jsonKeys(t *testing.T, out string) []string {
	t.Helper()
	dec := json.NewDecoder(strings.NewReader(out))
	_, err := dec.Token()
	require.NoError(t, err, out)
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		require.NoError(t, err)
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		require.NoError(t, dec.Decode(&skip))
	}
	return keys
}

// TestREADMEJSONFields: the README's table of JSON fields has a row for
// every command that writes JSON, and each row names the fields the
// command writes, in their order: for most commands those pinned by
// testdata/json-fields.golden (TestJSONFields), for the organization runs
// and suggest those a -local run writes. The table had no row for suggest
// and none for the organization runs, whose rows differ (account_name,
// region).
func TestREADMEJSONFields(t *testing.T) {
	table := readmeJSONTable(t)
	want := goldenJSONFields(t)
	delete(want, "analyze -offline") // the same fields as analyze, pinned there
	for name, c := range registry {
		if slices.Contains(c.outputFormats(), "json") {
			assert.Contains(t, table, name, "the README's table of JSON fields has no row for %s", name)
		}
	}
	for label, args := range map[string][]string{
		"audit -organization": {"audit", "-organization", "-role", orgTestRole},
		"keys -organization":  {"keys", "-organization", "-role", orgTestRole},
		"suggest":             {"suggest", "-bucket", "json-demo", "-server-logs", oldLogFolder(t, "json-demo")},
	} {
		code, stdout, stderr := runCLI(t, "", append([]string{"-local", "-format", "json"}, args...)...)
		require.Contains(t, []int{exitOK, exitFindings}, code, "%s: %s", label, stderr)
		want[label] = jsonKeys(t, stdout)
	}
	for label, fields := range want {
		assert.Equal(t, fields, table[label], "the README's JSON fields of %s", label)
	}
	for label := range table {
		assert.Contains(t, want, label, "the README's table has a row for %s, which the test does not check", label)
	}
}

// TestREADMELintStatementMinusOne: lint's statement field is -1 for a
// finding about the document as a whole (a file that does not parse), as
// the README's row says; the README did not say what -1 meant.
func TestREADMELintStatementMinusOne(t *testing.T) {
	file := filepath.Join(t.TempDir(), "broken.json")
	require.NoError(t, os.WriteFile(file, []byte("{\"Version\":\n \"2012-10-17\",\n"), 0o600))
	code, stdout, stderr := runCLI(t, "", "-format", "json", "lint", file)
	require.Equal(t, exitFindings, code, stderr)
	var f struct {
		Code      string `json:"code"`
		Statement int    `json:"statement"`
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &f), stdout)
	assert.Equal(t, "JSON_SYNTAX_ERROR", f.Code)
	assert.Equal(t, -1, f.Statement)
	text := strings.Join(strings.Fields(readmeSections(t)["The command-line tool"]), " ")
	assert.Contains(t, text, "`statement` (its index in the policy; -1 for the document as a whole)")
}
