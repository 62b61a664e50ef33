package workers_test

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/workers"
	"github.com/s3secure/s3secure/internal/workers/workerstest"
)

// recovered runs f and returns what it panicked with (nil if it returned).
func recovered(f func()) (v any) {
	defer func() { v = recover() }()
	f()
	return nil
}

var errBoom = errors.New("boom")

// TestWaitPanicsInTheCaller: a worker's panic stops the others (stop is
// called once), Wait returns only after every worker has finished, and
// then panics in the caller's goroutine with a *PanicError that keeps the
// value (Unwrap for an error), the worker's stack and a message naming the
// function.
func TestWaitPanicsInTheCaller(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	defer cancel()
	var stops, finished atomic.Int32
	g := workers.New("pkg.Func", func() { stops.Add(1); cancel() })
	for i := range 8 {
		g.Go(func() {
			if i == 3 {
				panic(fmt.Errorf("worker %d: %w", i, errBoom))
			}
			<-ctx.Done() // the others run until stopped
			time.Sleep(10 * time.Millisecond)
			finished.Add(1)
		})
	}
	v := recovered(g.Wait)
	require.NotNil(t, v, "Wait panics")
	assert.EqualValues(t, 7, finished.Load(), "Wait returned before the other workers finished")
	assert.EqualValues(t, 1, stops.Load())
	err, ok := v.(error)
	require.True(t, ok, "the value is an error: %T", v)
	var pe *workers.PanicError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, errBoom, "the worker's error stays reachable")
	assert.Equal(t, "pkg.Func: panic in a worker goroutine: worker 3: boom", err.Error())
	assert.Equal(t, "worker 3: boom", fmt.Sprint(pe.Value()))
	assert.Contains(t, string(pe.Stack()), "workers_test.go", "the worker's stack, where it panicked")
	assert.Equal(t, pe.Stack(), workers.Stack(v))
	assert.Nil(t, recovered(g.Wait), "a second Wait only waits")
	// No worker is still running its function. (runtime.NumGoroutine was
	// compared here and was flaky: a worker's goroutine calls wg.Done in a
	// deferred call and ends a moment later, so it can still be counted
	// once Wait has returned; its function's frames are gone before Done.)
	workerstest.NoneRunning(t, "github.com/s3secure/s3secure/internal/workers_test.TestWaitPanicsInTheCaller")
}

// TestWaitWithoutPanic: with no panic, Wait waits and returns, and stop is
// never called.
func TestWaitWithoutPanic(t *testing.T) {
	var n atomic.Int32
	g := workers.New("pkg.Func", func() { t.Error("stop called without a panic") })
	for range 4 {
		g.Go(func() { n.Add(1) })
	}
	assert.Nil(t, recovered(g.Wait))
	assert.EqualValues(t, 4, n.Load())
	assert.False(t, g.Failed())
	assert.Nil(t, workers.Stack("not a panic error"))
}

// TestNestedPanicKeepsItsOrigin: a worker that runs another group's call
// (organization running AuditAll per account) re-panics a *PanicError; the
// outer group keeps it as it is, with the stack where it began.
func TestNestedPanicKeepsItsOrigin(t *testing.T) {
	outer := workers.New("outer.Run", nil)
	outer.Go(func() {
		inner := workers.New("inner.All", nil)
		inner.Go(func() { panic("deep") })
		inner.Wait()
	})
	v := recovered(outer.Wait)
	assert.Equal(t, "inner.All: panic in a worker goroutine: deep", fmt.Sprint(v))
}

// TestGoexitReachesTheCaller: a worker that calls runtime.Goexit (t.FailNow
// in a callback) stops the others and makes Wait Goexit the caller; the
// code after Wait never runs.
func TestGoexitReachesTheCaller(t *testing.T) {
	stopped := make(chan struct{})
	g := workers.New("pkg.Func", func() { close(stopped) })
	g.Go(func() { runtime.Goexit() })
	g.Go(func() { <-stopped })
	after, exited := false, make(chan struct{})
	go func() {
		defer close(exited)
		g.Wait()
		after = true
	}()
	<-exited
	assert.False(t, after, "Wait returned after a worker's Goexit")
	assert.True(t, g.Failed())
}

// TestPanicText: the message of every value is safe to print: an error's
// text through credsafe.Text, a string as it is, any other value by its
// type only; %v, %+v, %#v and %q all print the message.
func TestPanicText(t *testing.T) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	var nilMap map[string]int
	for _, tc := range []struct {
		name  string
		panic func()
		want  string
	}{
		{"string", func() { panic("policy: unknown issue code X") }, "policy: unknown issue code X"},
		{"runtime error", func() { nilMap["x"]++ }, "assignment to entry in nil map"},
		{"credentials", func() { panic(aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: secret}) },
			"a value of type aws.Credentials"},
		{"provider error", func() {
			// nested as the SDK nests a provider's error (credsafe.TestText
			// pins that against a real client)
			panic(fmt.Errorf("operation error S3: ListBuckets, get identity: %w", fmt.Errorf("get credentials: %w",
				errors.New("parse failed of process output: {\"SecretAccessKey\":\""+secret+"\"}"))))
		}, "the provider's message is withheld because it can quote credentials"},
		{"nil", func() { panic(nil) }, "panic called with nil argument"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			g := workers.New("pkg.Func", nil)
			g.Go(tc.panic)
			v := recovered(g.Wait)
			require.NotNil(t, v)
			for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q"} {
				s := fmt.Sprintf(verb, v)
				assert.Contains(t, s, tc.want, verb)
				assert.NotContains(t, s, secret, verb)
			}
			assert.True(t, strings.HasPrefix(fmt.Sprint(v), "pkg.Func: panic in a worker goroutine: "))
		})
	}
}
