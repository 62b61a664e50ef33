package securebucket_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/workers/workerstest"
	"github.com/s3secure/s3secure/securebucket"
)

// panickingClient is a caller's client (the real one, wrapped) that
// panics reading one bucket's policy.
type panickingClient struct {
	*s3.Client
	bucket string
}

var errCallback = errors.New("callback bug")

func (c panickingClient) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	if aws.ToString(in.Bucket) == c.bucket {
		panic(fmt.Errorf("policy of %s: %w", c.bucket, errCallback))
	}
	return c.Client.GetBucketPolicy(ctx, in, optFns...)
}

// panicCase is one way to make a bucket's goroutine panic: the caller's
// Progress (on its second call, while the other buckets' goroutines wait
// for the lock around Progress), or the caller's client.
type panicCase struct {
	name     string
	client   func(*s3.Client) panickingClient
	progress func(calls *atomic.Int32) func(securebucket.Progress)
}

func panicCases() []panicCase {
	return []panicCase{
		{"Progress", func(c *s3.Client) panickingClient { return panickingClient{Client: c} },
			func(calls *atomic.Int32) func(securebucket.Progress) {
				return func(p securebucket.Progress) {
					if calls.Add(1) == 2 {
						panic(fmt.Errorf("progress of %s: %w", p.Bucket, errCallback))
					}
				}
			}},
		{"client", func(c *s3.Client) panickingClient { return panickingClient{Client: c, bucket: "fleet-04"} },
			func(calls *atomic.Int32) func(securebucket.Progress) {
				return func(securebucket.Progress) { calls.Add(1) }
			}},
	}
}

// TestAuditAllWorkerPanicReachesTheCaller: a panic in one of AuditAll's
// bucket goroutines (the caller's Progress or client, or a bug) does not
// end the process: no other bucket starts, and once those in flight have
// ended AuditAll panics in the caller's goroutine, returning no report (a
// fleet report without the panicking bucket would read as clean). A panic
// in Progress, called under a lock the other goroutines wait for, does not
// leave them waiting.
func TestAuditAllWorkerPanicReachesTheCaller(t *testing.T) {
	f, c := startFake(t)
	const n = 24
	for i := range n {
		bucketIn(t, f, fmt.Sprintf("fleet-%02d", i), s3fake.StateLegacy)
	}
	for _, tc := range panicCases() {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			ao := auditOpts()
			ao.Concurrency = 4
			ao.Progress = tc.progress(&calls)
			var fleet *securebucket.FleetReport
			v := workerstest.Recovered(t, func() {
				fleet, _ = securebucket.AuditAll(t.Context(), tc.client(c), ao)
			})
			assert.Nil(t, fleet, "no report")
			workerstest.WorkerPanic(t, v, "securebucket.AuditAll", errCallback)
			workerstest.NoneRunning(t, "github.com/s3secure/s3secure/securebucket.AuditAll")
			assert.Less(t, calls.Load(), int32(n), "the other buckets are stopped")
		})
	}
}

// TestPlanAccountPublicAccessBlockWorkerPanicReachesTheCaller: the same
// for the bucket scan of PlanAccountPublicAccessBlock (and so of
// SetAccountPublicAccessBlock, which writes nothing then): no plan, no
// write, no goroutine left.
func TestPlanAccountPublicAccessBlockWorkerPanicReachesTheCaller(t *testing.T) {
	e := newAcctEnv(t)
	const n = 24
	for i := range n {
		require.NoError(t, e.s3f.CreateBucket(fmt.Sprintf("fleet-%02d", i), s3fake.StateLegacy))
	}
	for _, tc := range panicCases() {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			o := &securebucket.AccountPublicAccessBlockOptions{Concurrency: 4, Progress: tc.progress(&calls)}
			var plan *securebucket.AccountPublicAccessBlockPlan
			v := workerstest.Recovered(t, func() {
				plan, _ = securebucket.PlanAccountPublicAccessBlock(t.Context(), e.control, tc.client(e.s3), e.account, o)
			})
			assert.Nil(t, plan, "no plan")
			workerstest.WorkerPanic(t, v, "securebucket.PlanAccountPublicAccessBlock", errCallback)
			workerstest.NoneRunning(t, "github.com/s3secure/s3secure/securebucket.PlanAccountPublicAccessBlock")
			assert.Less(t, calls.Load(), int32(n), "the other buckets are stopped")

			calls.Store(0)
			v = workerstest.Recovered(t, func() {
				plan, _ = securebucket.SetAccountPublicAccessBlock(t.Context(), e.control, tc.client(e.s3), e.account, o)
			})
			assert.Nil(t, plan, "no plan")
			workerstest.WorkerPanic(t, v, "securebucket.PlanAccountPublicAccessBlock", errCallback)
			workerstest.NoneRunning(t, "github.com/s3secure/s3secure/securebucket.PlanAccountPublicAccessBlock")
			assert.Nil(t, e.s3f.AccountPublicAccessBlock(e.account), "nothing written")
		})
	}
}
