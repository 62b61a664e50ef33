package analyzer_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/workers/workerstest"
)

// panickingS3 is a caller's client (a wrapper of the real one) that
// panics on one bucket's policy read.
type panickingS3 struct {
	analyzer.S3API
	bucket string
	value  any
}

func (c *panickingS3) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, o ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	if aws.ToString(in.Bucket) == c.bucket {
		panic(c.value)
	}
	return c.S3API.GetBucketPolicy(ctx, in, o...)
}

var errCallback = errors.New("callback bug")

// TestAnalyzeAllWorkerPanicReachesTheCaller: a panic in one bucket's
// goroutine (the caller's Progress, or a client of theirs) is not the end
// of the process: once the other buckets have stopped, AnalyzeAll panics
// in the caller's goroutine, where recover gets an error that names the
// function and keeps the value (errors.Is) and the worker's stack; no
// result is returned, and no goroutine of AnalyzeAll is left.
func TestAnalyzeAllWorkerPanicReachesTheCaller(t *testing.T) {
	c := fleet(t, 12)
	for _, tc := range []struct {
		name   string
		client analyzer.S3API
		opts   func(calls *atomic.Int32) *analyzer.FetchOptions
	}{
		{"Progress", c, func(calls *atomic.Int32) *analyzer.FetchOptions {
			return &analyzer.FetchOptions{Owner: owner, Concurrency: 3, Progress: func(p analyzer.Progress) {
				if calls.Add(1) == 2 {
					panic(fmt.Errorf("progress of %s: %w", p.Bucket, errCallback))
				}
			}}
		}},
		{"client", &panickingS3{S3API: c, bucket: "fleet-004", value: errCallback}, func(calls *atomic.Int32) *analyzer.FetchOptions {
			return &analyzer.FetchOptions{Owner: owner, Concurrency: 3, Progress: func(analyzer.Progress) { calls.Add(1) }}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var calls atomic.Int32
			var got []analyzer.BucketResult
			returned := false
			v := workerstest.Recovered(t, func() {
				got, _ = analyzer.AnalyzeAll(t.Context(), tc.client, tc.opts(&calls))
				returned = true
			})
			workerstest.WorkerPanic(t, v, "analyzer.AnalyzeAll", errCallback)
			assert.False(t, returned)
			assert.Nil(t, got, "no results: the others' must not read as a clean run")
			assert.Less(t, calls.Load(), int32(12), "the other buckets are stopped")
			workerstest.NoneRunning(t, "github.com/s3secure/s3secure/analyzer.AnalyzeAll")
		})
	}
}
