package workerstest_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/internal/workers"
	"github.com/s3secure/s3secure/internal/workers/workerstest"
)

// recorder is a testing.TB that records Errorf instead of failing.
type recorder struct {
	testing.TB
	errors []string
}

func (r *recorder) Helper() {}
func (r *recorder) Errorf(format string, args ...any) {
	r.errors = append(r.errors, fmt.Sprintf(format, args...))
}

// Fatalf records and ends the check with a panic of fatal.
func (r *recorder) Fatalf(format string, args ...any) {
	r.Errorf(format, args...)
	panic(fatal{})
}

type fatal struct{}

// leaky starts a goroutine that runs until release is closed.
func leaky(release chan struct{}) {
	go func() { <-release }()
}

// TestNoneRunningSeesALeak: NoneRunning finds a goroutine of the function
// that is still running, by the function's name in its frames, and finds
// none once it has ended.
func TestNoneRunningSeesALeak(t *testing.T) {
	const fn = "github.com/s3secure/s3secure/internal/workers/workerstest_test.leaky"
	release := make(chan struct{})
	leaky(release)
	r := &recorder{TB: t}
	workerstest.NoneRunning(r, fn)
	if assert.Len(t, r.errors, 1) {
		assert.Contains(t, r.errors[0], "1 goroutine(s) of "+fn+" still running")
	}
	close(release)
	time.Sleep(100 * time.Millisecond) // let it end
	r = &recorder{TB: t}
	workerstest.NoneRunning(r, fn)
	assert.Empty(t, r.errors)
}

// TestRecovered: Recovered returns what the call panicked with, in the
// call's goroutine, or nil.
func TestRecovered(t *testing.T) {
	assert.Equal(t, "boom", workerstest.Recovered(t, func() { panic("boom") }))
	assert.Nil(t, workerstest.Recovered(t, func() {}))
}

// TestWorkerPanic: WorkerPanic accepts a worker's panic raised again by a
// group, and fails on a plain value or one that names another function.
func TestWorkerPanic(t *testing.T) {
	errBug := errors.New("bug")
	g := workers.New("pkg.Func", nil)
	g.Go(func() { panic(errBug) })
	v := workerstest.Recovered(t, g.Wait)
	workerstest.WorkerPanic(t, v, "pkg.Func", errBug)
	for _, tc := range []struct {
		v        any
		function string
	}{{v, "pkg.Other"}, {errBug, "pkg.Func"}} {
		r := &recorder{TB: t}
		func() {
			defer func() {
				if v := recover(); v != nil && v != (fatal{}) {
					panic(v)
				}
			}()
			workerstest.WorkerPanic(r, tc.v, tc.function, errBug)
		}()
		assert.NotEmpty(t, r.errors, "%v, %s", tc.v, tc.function)
	}
}
