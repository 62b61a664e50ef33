package workerstest_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

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
