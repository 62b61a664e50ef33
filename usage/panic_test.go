package usage_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/workers/workerstest"
	"github.com/s3secure/s3secure/usage"
)

var errSourceBug = errors.New("source bug")

// panickingGetObject is a caller's client (the real one, wrapped) that
// panics reading one log object.
type panickingGetObject struct {
	*s3.Client
	key string
}

func (c panickingGetObject) GetObject(ctx context.Context, in *s3.GetObjectInput, optFns ...func(*s3.Options)) (*s3.GetObjectOutput, error) {
	if aws.ToString(in.Key) == c.key {
		panic(fmt.Errorf("get %s: %w", c.key, errSourceBug))
	}
	return c.Client.GetObject(ctx, in, optFns...)
}

// wrappedSource is a caller's Source over another: its Objects panics
// after the first object when objectsPanics, and its Object.Open panics
// for the object named openPanics.
type wrappedSource struct {
	usage.Source
	objectsPanics bool
	openPanics    string
	opened        *atomic.Int32
}

func (w wrappedSource) Objects(ctx context.Context, fn func(usage.Object) error) error {
	n := 0
	return w.Source.Objects(ctx, func(o usage.Object) error {
		if n++; n == 2 && w.objectsPanics {
			panic(fmt.Errorf("listing: %w", errSourceBug))
		}
		open := o.Open
		o.Open = func(ctx context.Context) (io.ReadCloser, error) {
			w.opened.Add(1)
			if o.Name == w.openPanics {
				panic(fmt.Errorf("open %s: %w", o.Name, errSourceBug))
			}
			return open(ctx)
		}
		return fn(o)
	})
}

// logBucket is an S3 fake with a bucket of n server access log objects,
// logs/data/00.log and on, each with one record of alice's.
func logBucket(t *testing.T, n int) *s3.Client {
	f := s3fake.Start(t, nil)
	c := f.OwnerClient()
	require.NoError(t, f.CreateBucket("logs", s3fake.StateAWSDefault))
	for i := range n {
		rec := entry{now.Add(-time.Duration(i+1) * time.Minute), "", alice, "REST.GET.OBJECT", fmt.Sprintf("k%d", i), "GET /k HTTP/1.1", 200}
		_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("logs"), Key: aws.String(fmt.Sprintf("data/%02d.log", i)),
			Body: strings.NewReader(rec.String() + "\n")})
		require.NoError(t, err)
	}
	return c
}

// TestSuggestWorkerPanicReachesTheCaller: a panic in one of Suggest's log
// reading goroutines (the caller's client or Object.Open, or a bug) does
// not end the process: no other object is read, and once those in flight
// have ended Suggest panics in the caller's goroutine with an error that
// keeps the value and the worker's stack; it returns no report (one
// built from the other objects would hide the use in the unread one). A
// panic in the caller's Source.Objects, which runs in the caller's
// goroutine, reaches the caller as it is, and no reading goroutine is left
// either.
func TestSuggestWorkerPanicReachesTheCaller(t *testing.T) {
	const n = 12
	c := logBucket(t, n)
	loc, err := usage.S3Location(c, "s3://logs/data/")
	require.NoError(t, err)
	panicking, err := usage.S3Location(panickingGetObject{Client: c, key: "data/04.log"}, "s3://logs/data/")
	require.NoError(t, err)
	var opened atomic.Int32
	for _, tc := range []struct {
		name   string
		src    usage.Source
		worker bool
	}{
		{"client", wrappedSource{Source: panicking, opened: &opened}, true},
		{"Open", wrappedSource{Source: loc, openPanics: "s3://logs/data/04.log", opened: &opened}, true},
		{"Objects", wrappedSource{Source: loc, objectsPanics: true, opened: &opened}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opened.Store(0)
			var rep *usage.Report
			v := workerstest.Recovered(t, func() {
				rep, _ = usage.Suggest(t.Context(), "data-bucket", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{tc.src}},
					&usage.Options{Now: now, Concurrency: 3})
			})
			assert.Nil(t, rep)
			if tc.worker {
				workerstest.WorkerPanic(t, v, "usage.Suggest", errSourceBug)
				assert.Less(t, opened.Load(), int32(n), "the other objects are not read")
			} else {
				err, ok := v.(error)
				require.True(t, ok, "%T", v)
				assert.ErrorIs(t, err, errSourceBug)
				assert.Equal(t, "listing: source bug", err.Error(), "the caller's goroutine's own panic, as it is")
			}
			workerstest.NoneRunning(t, "github.com/s3secure/s3secure/usage.(*suggester).readAll")
		})
	}
	// The same source, without the panic, is read whole.
	rep, err := usage.Suggest(t.Context(), "data-bucket", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{loc}},
		&usage.Options{Now: now, Concurrency: 3})
	require.NoError(t, err)
	assert.Equal(t, n, rep.Objects)
}
