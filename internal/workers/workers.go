// Package workers runs the goroutines a public function of s3secure starts
// for one call (the buckets of AnalyzeAll and AuditAll, the accounts of an
// organization run, the log objects of usage.Suggest), so that a panic in
// one of them (a bug of ours on an odd answer, or a caller's callback:
// Options.Progress, a Source, a client implementing one of our narrow
// interfaces) reaches the caller instead of ending the process.
//
// The rule, in one place: a worker's panic is recovered with the worker's
// stack, the call's stop function runs (the site cancels its other workers
// as it does for a fatal error), and once every worker has finished, [Group.Wait]
// panics again in the calling goroutine with a [*PanicError]. The public
// function therefore never returns a result that a worker's panic cut
// short (no partial report that would read as clean), and the caller's own
// recover (the CLI's one-line "internal error", exit 3) sees the panic as
// if the work had run in its goroutine.
//
// Why re-panic rather than return an error: a panic is a bug, and Go's
// convention is that a bug stays a panic; an error would be one more
// failure that a caller may count as UNKNOWN and move past. Concurrency is
// an internal detail of these functions: run sequentially, the same panic
// would be the caller's to recover, so it is the caller's to recover here.
// golang.org/x/sync/errgroup propagated panics through Wait for a while
// (golang/go#53757) and went back to crashing (v0.16.0; #74275, #74304,
// #74306) because, for a general-purpose group, the panic may be delayed
// arbitrarily, its stack becomes a mere value, and a Wait that is never
// reached hides it. Here Wait is always reached by the function that
// started the workers, right after they end (the stop function cancels
// their requests), and the worker's stack is kept in the *PanicError.
//
// A worker that calls runtime.Goexit (t.FailNow in a test callback) makes
// Wait call runtime.Goexit in the caller too, after the same stop and wait.
package workers

import (
	"errors"
	"fmt"
	"runtime"
	"runtime/debug"
	"sync"

	"github.com/s3secure/s3secure/internal/credsafe"
)

// Group is the worker goroutines of one call. The zero Group is not valid:
// use [New].
type Group struct {
	name string
	stop func()
	wg   sync.WaitGroup

	mu       sync.Mutex
	panicked *PanicError
	goexit   bool
	raised   bool
}

// New returns a Group for the function name ("analyzer.AnalyzeAll"),
// which the panic's message names. stop, if not nil, is called once, from
// the worker, on the first panic or Goexit: it must make the other
// workers and the function's own loop stop starting work and return
// (cancelling the call's context does, at every site).
func New(name string, stop func()) *Group {
	return &Group{name: name, stop: stop}
}

// Go runs f in a new goroutine of the group.
func (g *Group) Go(f func()) {
	g.wg.Add(1)
	go func() {
		defer g.wg.Done()
		returned := false
		defer func() {
			if returned {
				return
			}
			// recover returns nil for runtime.Goexit (and, since Go 1.21,
			// a *runtime.PanicNilError for panic(nil)).
			v := recover()
			g.fail(v, v == nil)
		}()
		f()
		returned = true
	}()
}

func (g *Group) fail(v any, goexit bool) {
	var stack []byte
	if !goexit {
		stack = debug.Stack()
	}
	g.mu.Lock()
	first := g.panicked == nil && !g.goexit
	switch {
	case !first:
	case goexit:
		g.goexit = true
	default:
		var pe *PanicError
		if e, ok := v.(*PanicError); ok {
			pe = e // a nested call's panic keeps the stack where it began
		} else {
			pe = &PanicError{name: g.name, value: v, stack: stack}
		}
		g.panicked = pe
	}
	g.mu.Unlock()
	if first && g.stop != nil {
		g.stop()
	}
}

// Failed reports whether a worker has panicked or called runtime.Goexit.
func (g *Group) Failed() bool {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.panicked != nil || g.goexit
}

// Wait waits for every goroutine started with Go. Then, if one of them
// panicked, it panics with the first one's *PanicError, or, if one called
// runtime.Goexit, it calls runtime.Goexit; it does so once: a later Wait
// (a deferred one, say) only waits.
func (g *Group) Wait() {
	g.wg.Wait()
	g.mu.Lock()
	pe, goexit := g.panicked, g.goexit
	raise := !g.raised && (pe != nil || goexit)
	g.raised = g.raised || raise
	g.mu.Unlock()
	switch {
	case !raise:
	case pe != nil:
		panic(pe)
	default:
		runtime.Goexit()
	}
}

// PanicError is the value Wait panics with: a worker's panic value and the
// worker's stack. Its message and every printed form name the function and
// the value, safely: the text of an error value goes through
// credsafe.Text (a credentials provider's message is withheld), a string
// is given as it is, and any other value is named by its type only (a
// struct can hold credentials: aws.Credentials prints its secret key under
// %v). The stack holds function names, files and argument words, no
// string contents.
type PanicError struct {
	name  string
	value any
	stack []byte
}

// Error returns "NAME: panic in a worker goroutine: VALUE".
func (e *PanicError) Error() string {
	return e.name + ": panic in a worker goroutine: " + valueText(e.value)
}

// Format prints Error for every verb (quoted for %q), so that %#v does not
// print the value.
func (e *PanicError) Format(f fmt.State, verb rune) { credsafe.WriteFormatted(f, verb, e.Error()) }

// Unwrap returns the panic value when it is an error (a runtime.Error, an
// error a callback panicked with), for errors.Is and errors.As; else nil.
func (e *PanicError) Unwrap() error {
	err, _ := e.value.(error)
	return err
}

// Value returns the value the worker panicked with.
func (e *PanicError) Value() any { return e.value }

// Stack returns the worker's stack at the panic (runtime/debug.Stack).
func (e *PanicError) Stack() []byte { return e.stack }

func valueText(v any) string {
	switch v := v.(type) {
	case error:
		return credsafe.Text(v)
	case string:
		return v
	}
	return fmt.Sprintf("a value of type %T", v)
}

// Stack returns the worker's stack of v's *PanicError (v a recovered
// value), or nil.
func Stack(v any) []byte {
	err, _ := v.(error)
	var pe *PanicError
	if errors.As(err, &pe) {
		return pe.stack
	}
	return nil
}
