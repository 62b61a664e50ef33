package main

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// withPanickingCommand registers, for the test only, a command whose run
// panics with value (the registry is filled at init and read-only in
// production; these tests do not run in parallel).
func withPanickingCommand(t *testing.T, value any) {
	t.Helper()
	require.NotContains(t, registry, "panic-test")
	registry["panic-test"] = &command{name: "panic-test", summary: "test only",
		run: func(ctx context.Context, g *globals, args []string) int {
			if _, ok := g.parseFlags(g.newFlagSet(g.cmd), args); !ok {
				return exitUsage
			}
			panic(value)
		}}
	t.Cleanup(func() { delete(registry, "panic-test") })
}

// TestPanicIsOneLine: a panic in a command is one line on stderr,
// "s3secure: internal error: VALUE (please report)", and exit 3, with no
// goroutine trace; S3SECURE_DEBUG adds the trace. The line and the trace
// are redacted: a panic value holding the environment's credentials (an
// aws.Credentials printed whole) or a signed URL shows neither secret.
func TestPanicIsOneLine(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	const token = "IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+session+token"
	t.Setenv("AWS_ACCESS_KEY_ID", "AKIAIOSFODNN7EXAMPLE")
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv("AWS_SESSION_TOKEN", token)
	t.Setenv(debugEnv, "")
	withPanickingCommand(t, struct {
		Creds aws.Credentials
		URL   string
	}{aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: secret, SessionToken: token},
		"https://b.s3.amazonaws.com/k?X-Amz-Signature=0123456789abcdef0123456789abcdef\nsecond line"})

	code, stdout, stderr := runCLI(t, "", "panic-test")
	assert.Equal(t, exitInternal, code)
	assert.Equal(t, 3, exitInternal, "the code README and help document")
	assert.Empty(t, stdout)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	assert.True(t, strings.HasPrefix(stderr, "s3secure: internal error: "), stderr)
	assert.True(t, strings.HasSuffix(stderr, " (please report)\n"), stderr)
	assert.Contains(t, stderr, "AKIAIOSFODNN7EXAMPLE", "the value is shown, all but its secrets")
	assert.Contains(t, stderr, "X-Amz-Signature=REDACTED")
	for _, leak := range []string{secret, token, "0123456789abcdef", "goroutine ", "panic_test.go"} {
		assert.NotContains(t, stderr, leak)
	}

	t.Setenv(debugEnv, "1")
	code, _, stderr = runCLI(t, "", "panic-test")
	assert.Equal(t, exitInternal, code)
	first, trace, _ := strings.Cut(stderr, "\n")
	assert.Contains(t, first, "s3secure: internal error: ")
	assert.Contains(t, trace, "goroutine ", "the trace, on request")
	assert.Contains(t, trace, "panic_test.go")
	for _, leak := range []string{secret, token, "0123456789abcdef"} {
		assert.NotContains(t, stderr, leak)
	}
}

// TestPanicWithAnError: a panic with an error value (a nil map write, an
// index out of range) gets the same line.
func TestPanicWithAnError(t *testing.T) {
	t.Setenv(debugEnv, "")
	var m map[string]int
	withPanickingCommand(t, nil)
	registry["panic-test"].run = func(context.Context, *globals, []string) int {
		m["x"]++ // assignment to entry in nil map
		return exitOK
	}
	code, stdout, stderr := runCLI(t, "", "panic-test")
	assert.Equal(t, exitInternal, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "s3secure: internal error: assignment to entry in nil map (please report)\n", stderr)
}

// TestWorkerPanicIsOneLine: a panic in a goroutine that a library call
// started (securebucket.AuditAll's, in the Progress callback the long runs
// pass) reaches the handler as a panic in the command's own goroutine
// does: one redacted line and exit 3, no trace. With S3SECURE_DEBUG the
// trace is followed by the worker's stack, where the panic happened, both
// redacted.
func TestWorkerPanicIsOneLine(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	t.Setenv(debugEnv, "")
	f := s3fake.Start(t, nil)
	for i := range 8 {
		require.NoError(t, f.CreateBucket(fmt.Sprintf("b-%d", i), s3fake.StateLegacy))
	}
	withPanickingCommand(t, nil)
	registry["panic-test"].run = func(ctx context.Context, g *globals, args []string) int {
		_, err := securebucket.AuditAll(ctx, f.OwnerClient(), &securebucket.AuditOptions{AccountID: f.AccountID(), Concurrency: 4,
			Progress: func(p securebucket.Progress) {
				if p.Done == 2 {
					panic(errors.New("progress callback: key " + secret))
				}
			}})
		return g.fail(err) // not reached
	}
	code, stdout, stderr := runCLI(t, "", "panic-test")
	assert.Equal(t, exitInternal, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "s3secure: internal error: securebucket.AuditAll: panic in a worker goroutine: progress callback: key REDACTED (please report)\n", stderr)

	t.Setenv(debugEnv, "1")
	code, _, stderr = runCLI(t, "", "panic-test")
	assert.Equal(t, exitInternal, code)
	first, trace, _ := strings.Cut(stderr, "\n")
	assert.Contains(t, first, "s3secure: internal error: securebucket.AuditAll: panic in a worker goroutine: ")
	_, worker, ok := strings.Cut(trace, "the panic happened in a worker goroutine:\n")
	require.True(t, ok, "the worker's stack follows the trace: %s", trace)
	assert.Contains(t, worker, "securebucket.AuditAll.func", "the worker's frames")
	assert.Contains(t, worker, "panic_test.go", "down to the callback that panicked")
	assert.NotContains(t, stderr, secret)
}
