package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	"syscall"
	"testing"
	"unsafe"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// openPTY returns a pseudo-terminal's two ends: what a program writes to
// tty (a terminal, as stderr is in a shell) can be read from pty.
func openPTY(t *testing.T) (pty, tty *os.File) {
	t.Helper()
	m, err := os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("no pseudo-terminals here: %v", err)
	}
	var unlock int32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCSPTLCK, uintptr(unsafe.Pointer(&unlock))); e != 0 {
		t.Skipf("unlock pty: %v", e)
	}
	var n uint32
	if _, _, e := syscall.Syscall(syscall.SYS_IOCTL, m.Fd(), syscall.TIOCGPTN, uintptr(unsafe.Pointer(&n))); e != 0 {
		t.Skipf("pty number: %v", e)
	}
	s, err := os.OpenFile(fmt.Sprintf("/dev/pts/%d", n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		t.Skipf("open pty: %v", err)
	}
	t.Cleanup(func() { m.Close(); s.Close() })
	return m, s
}

// runOnTerminal runs the command line with stderr on a terminal and
// returns the exit code, stdout and what the terminal received.
func runOnTerminal(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	pty, tty := openPTY(t)
	got := make(chan string)
	go func() {
		var b bytes.Buffer
		_, _ = io.Copy(&b, pty) // ends with EIO once tty is closed
		got <- b.String()
	}()
	var stdout bytes.Buffer
	code := run(t.Context(), args, strings.NewReader(""), &stdout, tty)
	require.NoError(t, tty.Close())
	return code, stdout.String(), <-got
}

// TestProgressOnTerminal: the long runs (audit -all, analyze -all,
// account-bpa) show their progress on stderr when it is a terminal, on one
// line rewritten in place and cleared at the end; never with JSON output,
// and never when stderr is not a terminal.
func TestProgressOnTerminal(t *testing.T) {
	a := startAWS(t, nil)
	for _, b := range []string{"prog-a", "prog-b", "prog-c"} {
		require.NoError(t, a.CreateBucket(b, s3fake.StateLegacy))
	}
	for _, tc := range []struct {
		args []string
		what string
	}{
		{[]string{"audit", "-all"}, "audit"},
		{[]string{"analyze", "-offline", "-all"}, "analyze"},
		{[]string{"account-bpa"}, "account-bpa"},
	} {
		args := append([]string{"-endpoint", a.URL}, tc.args...)
		code, stdout, term := runOnTerminal(t, args...)
		assert.Contains(t, []int{exitOK, exitFindings}, code, term)
		assert.Contains(t, term, tc.what+": 3/3 buckets (", args)
		assert.True(t, strings.HasSuffix(term, "\r\x1b[K"), "%v: the progress line is cleared: %q", args, term)
		assert.NotContains(t, stdout, "buckets (", "progress never goes to stdout")

		_, _, term = runOnTerminal(t, append([]string{"-format", "json"}, args...)...)
		assert.Empty(t, term, "%v: no progress with JSON output", args)

		_, _, stderr := runCLI(t, "", args...)
		assert.Empty(t, stderr, "%v: no progress when stderr is not a terminal", args)
	}
}
