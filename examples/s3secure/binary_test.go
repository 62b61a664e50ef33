package main

import (
	"bufio"
	"bytes"
	"errors"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// runAsProgramVar, set in a process's environment, makes this package's
// test binary run main with its arguments instead of the tests (TestMain):
// the program's own code in a process of its own, without building it
// again.
const runAsProgramVar = "S3SECURE_TEST_RUN_AS_PROGRAM"

// program returns a command that runs the program (this test binary as
// main) with args, in the test's environment.
func program(t *testing.T, args ...string) *exec.Cmd {
	t.Helper()
	self, err := os.Executable()
	require.NoError(t, err)
	cmd := exec.Command(self, args...)
	cmd.Env = append(os.Environ(), runAsProgramVar+"=1")
	return cmd
}

// TestBinary runs the program in a process of its own, where the process
// matters: exit codes through os.Exit, help on stdout, global flags after
// the command, and serve printing endpoint=URL first and stopping cleanly
// (its CA file removed) on Ctrl-C (SIGINT).
func TestBinary(t *testing.T) {
	expectNoAWS(t)
	runBin := func(args ...string) (int, string, string) {
		var stdout, stderr bytes.Buffer
		cmd := program(t, args...)
		cmd.Stdout, cmd.Stderr = &stdout, &stderr
		err := cmd.Run()
		var ee *exec.ExitError
		if errors.As(err, &ee) {
			return ee.ExitCode(), stdout.String(), stderr.String()
		}
		require.NoError(t, err)
		return 0, stdout.String(), stderr.String()
	}
	code, stdout, stderr := runBin("audit", "-bucket", "bin-demo", "-local")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Regexp(t, `(?m)^audited 1 bucket: \d+ PASS, \d+ FAIL, 0 UNKNOWN, \d+ NOT_APPLICABLE \(\d+ blocking\)$`, stdout)
	code, stdout, _ = runBin("help", "harden")
	assert.Equal(t, exitOK, code)
	assert.True(t, strings.HasPrefix(stdout, "usage: s3secure harden -bucket B"), stdout)
	code, stdout, stderr = runBin("harden", "-nope")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "s3secure: harden: flag provided but not defined: -nope (run \"s3secure help harden\")\n", stderr)

	serve := program(t, "serve", "-addr", "127.0.0.1:0", "-tls")
	serve.Env = append(serve.Env, "AWS_ACCESS_KEY_ID=", "AWS_SECRET_ACCESS_KEY=")
	pipe, err := serve.StdoutPipe()
	require.NoError(t, err)
	require.NoError(t, serve.Start())
	t.Cleanup(func() { _ = serve.Process.Kill() })
	sc := bufio.NewScanner(pipe)
	require.True(t, sc.Scan())
	assert.Regexp(t, `^endpoint=https://127\.0\.0\.1:\d+$`, sc.Text())
	caFile := ""
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "export AWS_CA_BUNDLE="); ok {
			caFile = v
		}
		if strings.HasPrefix(sc.Text(), "# account ") {
			break
		}
	}
	require.FileExists(t, caFile)
	require.NoError(t, serve.Process.Signal(syscall.SIGINT))
	done := make(chan error, 1)
	go func() { done <- serve.Wait() }()
	select {
	case err := <-done:
		assert.NoError(t, err, "serve exits 0 on Ctrl-C")
	case <-time.After(10 * time.Second):
		t.Fatal("serve did not stop on SIGINT")
	}
	assert.NoFileExists(t, caFile, "the CA file is removed when serve stops")
}
