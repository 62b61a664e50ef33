package main

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
