package main

import (
	"bytes"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// fullWriter takes the first room bytes, then fails as a full disk does.
type fullWriter struct {
	room int
	got  bytes.Buffer
}

func (w *fullWriter) Write(p []byte) (int, error) {
	if len(p) <= w.room {
		w.room -= len(p)
		return w.got.Write(p)
	}
	n, _ := w.got.Write(p[:w.room])
	w.room = 0
	return n, syscall.ENOSPC
}

// TestOutputThatCannotBeWrittenFails: a gate reads the exit code and the
// file the command writes. When the file cannot be written whole (a full
// disk), the run is an I/O error, exit 2 with one line on stderr, in every
// format: the records a truncated file leaves out (a FAIL row, a finding)
// must never come with exit 0, nor with the exit 1 of findings a complete
// file would hold.
func TestOutputThatCannotBeWrittenFails(t *testing.T) {
	suggestion := writeFile(t, "suggestion.json", lintSuggestion)
	good := writeFile(t, "good.json", lintGood)
	for _, tc := range []struct {
		name string
		room int
		args []string
	}{
		{"lint text", 0, []string{"lint", good}},
		{"lint json", 10, []string{"-format", "json", "lint", suggestion}},
		{"lint sarif", 100, []string{"-format", "sarif", "lint", suggestion}},
		{"harden dry-run text", 40, []string{"-local", "harden", "-bucket", "full-disk", "-dry-run"}},
		{"harden json", 40, []string{"-local", "-format", "json", "harden", "-bucket", "full-disk"}},
		{"audit json", 40, []string{"-local", "-format", "json", "audit", "-bucket", "full-disk"}},
		{"audit ocsf", 40, []string{"-local", "-format", "ocsf", "audit", "-bucket", "full-disk"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			out := &fullWriter{room: tc.room}
			var errb bytes.Buffer
			code := run(t.Context(), tc.args, strings.NewReader(""), out, &errb)
			assert.Equal(t, exitUsage, code, "stderr: %s", errb.String())
			assert.Contains(t, errb.String(), "no space left on device")
			assert.Equal(t, 1, strings.Count(errb.String(), "\n"), "one line: %q", errb.String())
			assert.LessOrEqual(t, out.got.Len(), tc.room)
		})
	}
}

// TestOutputToAFullDevice: the same in a process of its own, its standard
// output /dev/full (every write fails with ENOSPC).
func TestOutputToAFullDevice(t *testing.T) {
	full, err := os.OpenFile("/dev/full", os.O_WRONLY, 0)
	if err != nil {
		t.Skip("no /dev/full:", err)
	}
	defer full.Close()
	cmd := program(t, "-format", "json", "lint", writeFile(t, "suggestion.json", lintSuggestion))
	var errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = full, &errb
	err = cmd.Run()
	var ee *exec.ExitError
	require.ErrorAs(t, err, &ee, "exit 0: %s", errb.String())
	assert.Equal(t, exitUsage, ee.ExitCode())
	assert.Contains(t, errb.String(), "no space left on device")
}
