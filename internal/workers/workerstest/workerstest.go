// Package workerstest checks, in tests, that a public function's worker
// panic reaches its caller: [Recovered] runs the call in a goroutine of
// its own with a recover, as a caller would, and fails the test on a
// deadlock; [WorkerPanic] checks what it recovered; [NoneRunning] fails it if a goroutine of the function is
// still running when the call has ended (a leak).
package workerstest

import (
	"errors"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"
)

// Timeout is how long a call may take before Recovered calls it a deadlock.
const Timeout = 30 * time.Second

// Recovered runs call in a new goroutine and returns what it panicked
// with, or nil if it returned. It fails the test (FailNow) if call has not
// ended within Timeout. Without panic propagation a worker's panic ends
// the test binary instead, which fails the test as well.
func Recovered(t testing.TB, call func()) any {
	t.Helper()
	got := make(chan any, 1)
	go func() {
		// Sent once call's frames are gone (a deferred send would run with
		// them still on this goroutine's stack, which NoneRunning reads).
		got <- func() (v any) {
			defer func() { v = recover() }()
			call()
			return nil
		}()
	}()
	select {
	case v := <-got:
		return v
	case <-time.After(Timeout):
		t.Fatalf("the call has not ended after %v: deadlock", Timeout)
		return nil
	}
}

// WorkerPanic checks a value Recovered returned for a worker's panic that
// reached the caller of function ("analyzer.AnalyzeAll"): an error whose
// message names function, that reaches target (errors.Is), and whose
// Stack is the worker's, with a frame in the caller's file (where the
// test's callback panicked).
func WorkerPanic(t testing.TB, v any, function string, target error) {
	t.Helper()
	if v == nil {
		t.Fatalf("%s: the worker's panic did not reach the caller", function)
	}
	err, ok := v.(error)
	if !ok {
		t.Fatalf("%s: the panic value is a %T, not an error", function, v)
	}
	if !errors.Is(err, target) {
		t.Errorf("%s: the panic %q does not reach %v", function, err, target)
	}
	if want := function + ": panic in a worker goroutine: "; !strings.Contains(err.Error(), want) {
		t.Errorf("the panic %q does not say %q", err, want)
	}
	s, ok := v.(interface{ Stack() []byte })
	if !ok {
		t.Fatalf("%s: the panic value %T has no Stack", function, v)
	}
	_, file, _, _ := runtime.Caller(1)
	if !strings.Contains(string(s.Stack()), filepath.Base(file)) {
		t.Errorf("%s: the panic's stack is not the worker's (no frame in %s):\n%s", function, filepath.Base(file), s.Stack())
	}
}

// NoneRunning fails the test if a goroutine is running code of fn. fn is
// a function name as it appears in a stack trace
// ("github.com/s3secure/s3secure/analyzer.AnalyzeAll"); the goroutines it
// starts run fn.funcN closures, whose frames start with it. Call it right
// after fn has returned or panicked: every goroutine fn started has
// finished by then (their closures have returned), so it does not wait.
func NoneRunning(t testing.TB, fn string) {
	t.Helper()
	if left := running(fn); len(left) > 0 {
		t.Errorf("%d goroutine(s) of %s still running after the call:\n%s", len(left), fn, strings.Join(left, "\n\n"))
	}
}

// running returns the stacks of the goroutines, other than the caller's,
// with a frame of fn.
func running(fn string) []string {
	buf := make([]byte, 1<<20)
	for {
		n := runtime.Stack(buf, true)
		if n < len(buf) {
			buf = buf[:n]
			break
		}
		buf = make([]byte, 2*len(buf))
	}
	var out []string
	for i, g := range strings.Split(string(buf), "\n\n") {
		if i == 0 {
			continue // this goroutine
		}
		for _, line := range strings.Split(g, "\n") {
			if strings.HasPrefix(line, fn+"(") || strings.HasPrefix(line, fn+".") || strings.HasPrefix(line, fn+"[") {
				out = append(out, g)
				break
			}
		}
	}
	return out
}
