package organization_test

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/workers/workerstest"
	"github.com/s3secure/s3secure/organization"
)

var errWorkBug = errors.New("work bug")

// TestRunWorkerPanicReachesTheCaller: a panic in an account's goroutine
// (the caller's Work functions, or a bug) does not end the process: the
// run stops as when ctx ends (no account starts, nothing more is
// emitted), and once the accounts in flight have ended Run panics in the
// caller's goroutine with an error that keeps the value and the worker's
// stack. It returns no summary, the panicking account is not in the
// checkpoint, and no goroutine of the run is left.
func TestRunWorkerPanicReachesTheCaller(t *testing.T) {
	f := newFixture(t, 8)
	for _, tc := range []struct {
		name string
		work organization.Work[string]
	}{
		{"Audit", organization.Work[string]{Name: "panic", Audit: func(_ context.Context, a *organization.Account) ([]string, error) {
			if a.ID == acctBusy {
				panic(fmt.Errorf("account %s: %w", a.ID, errWorkBug))
			}
			return []string{a.ID}, nil
		}}},
		{"Unreachable", organization.Work[string]{Name: "panic",
			Audit: func(_ context.Context, a *organization.Account) ([]string, error) { return []string{a.ID}, nil },
			Unreachable: func(a organization.AccountInfo, reason string) []string {
				panic(fmt.Errorf("account %s: %w", a.ID, errWorkBug))
			}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cp := filepath.Join(t.TempDir(), "cp")
			var emitted atomic.Int32
			var sum *organization.Summary
			v := workerstest.Recovered(t, func() {
				sum, _ = organization.Run(t.Context(), f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg), tc.work,
					func(*organization.Result[string]) error { emitted.Add(1); return nil },
					&organization.Options{Role: role, Accounts: 2, Checkpoint: cp, CheckpointKey: testKey})
			})
			workerstest.WorkerPanic(t, v, "organization.Run", errWorkBug)
			assert.Nil(t, sum)
			assert.Less(t, emitted.Load(), int32(6+8), "the run stopped")
			workerstest.NoneRunning(t, "github.com/s3secure/s3secure/organization.(*runner")

			// Resumed, the account that panicked is audited again.
			resumed := map[string]bool{}
			_, err := organization.Run(t.Context(), f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg),
				organization.Work[string]{Name: "panic", Audit: func(_ context.Context, a *organization.Account) ([]string, error) { return []string{a.ID}, nil }},
				func(r *organization.Result[string]) error { resumed[r.Account.ID] = r.Resumed; return nil },
				&organization.Options{Role: role, Accounts: 2, Checkpoint: cp, CheckpointKey: testKey})
			require.NoError(t, err)
			require.Contains(t, resumed, acctBusy)
			assert.False(t, resumed[acctBusy], "not recorded as finished")
		})
	}
}

// TestRunCallerPanicLeavesNoWorker: a panic in emit or Progress, which run
// in the caller's goroutine, reaches the caller as it is, and Run has
// stopped and waited for its account goroutines first: none is left
// writing the checkpoint after Run has closed it.
func TestRunCallerPanicLeavesNoWorker(t *testing.T) {
	f := newFixture(t, 8)
	for _, tc := range []struct {
		name string
		emit func(*organization.Report) error
		opts organization.Options
		want string
	}{
		{"emit", func(*organization.Report) error { panic("emit bug") }, organization.Options{}, "emit bug"},
		{"Progress", func(*organization.Report) error { return nil }, organization.Options{Progress: func(s organization.Summary) {
			if s.Done() == 1 {
				panic("progress bug")
			}
		}}, "progress bug"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			o := tc.opts
			o.Role, o.Accounts, o.Checkpoint, o.CheckpointKey = role, 4, filepath.Join(t.TempDir(), "cp"), testKey
			v := workerstest.Recovered(t, func() {
				_, _ = organization.Audit(t.Context(), f.cfg, organizations.NewFromConfig(f.cfg), sts.NewFromConfig(f.cfg), tc.emit, &o)
			})
			assert.Equal(t, tc.want, v, "the caller's goroutine's own panic, as it is")
			workerstest.NoneRunning(t, "github.com/s3secure/s3secure/organization.(*runner")
		})
	}
}
