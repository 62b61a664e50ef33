package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMEExitCodesNameEveryCommandThatBlocks: every command whose
// source can end with exit 1 (exitFindings) is named in the README's
// paragraph on exit codes, so a reader who gates a deploy on the exit code
// knows which commands can block it and why. The paragraph named neither
// suggest (a proposal the proof does not hold) nor cloudfront (a bucket
// whose Block Public Access is off).
func TestREADMEExitCodesNameEveryCommandThatBlocks(t *testing.T) {
	text := strings.Join(strings.Fields(readmeSections(t)["The command-line tool"]), " ")
	start := strings.Index(text, "**Exit codes.**")
	require.Positive(t, start)
	end := strings.Index(text[start:], " 2: ")
	require.Positive(t, end)
	paragraph := text[start : start+end]

	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	nameRe := regexp.MustCompile(`name:\s+"([a-z-]+)"`)
	checked := 0
	for _, f := range files {
		if strings.HasSuffix(f, "_test.go") {
			continue
		}
		src, err := os.ReadFile(f)
		require.NoError(t, err)
		m := nameRe.FindSubmatch(src)
		if m == nil || !strings.Contains(string(src), "register(&command{") || !strings.Contains(string(src), "exitFindings") {
			continue
		}
		checked++
		assert.Regexp(t, "`"+regexp.QuoteMeta(string(m[1]))+"`", paragraph, "%s (%s) can exit 1; the README's exit codes do not say when", m[1], f)
	}
	assert.GreaterOrEqual(t, checked, 5, "the command sources were not found")
}
