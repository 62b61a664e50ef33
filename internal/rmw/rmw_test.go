package rmw_test

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/rmw"
)

// fast keeps the tests' delays short.
var fast = rmw.Policy{BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

// store is a setting held as a set of comma-separated parts, replaced whole
// by every write, with hooks that play the other writer or the endpoint.
type store struct {
	mu     sync.Mutex
	value  string
	reads  int
	writes int
	// afterWrite, when set, is called (under the lock) after each write
	// with its number, and returns the value the setting then holds.
	afterWrite func(n int, written string) string
	// readAs, when set, returns what read number n shows instead of value.
	readAs func(n int, value string) string
	// failWrite, when set, fails write number n (1-based, attempts counted).
	failWrite func(n int) error
	attempts  int
}

func (s *store) read(context.Context) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.reads++
	if s.readAs != nil {
		return s.readAs(s.reads, s.value), nil
	}
	return s.value, nil
}

func (s *store) write(_ context.Context, v string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.attempts++
	if s.failWrite != nil {
		if err := s.failWrite(s.attempts); err != nil {
			return err
		}
	}
	s.writes++
	s.value = v
	if s.afterWrite != nil {
		s.value = s.afterWrite(s.writes, v)
	}
	return nil
}

func (s *store) get() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.value
}

// addPart is a merge that adds part to a comma-separated value, keeping
// everything else.
func addPart(part string) func(string) (string, []string, error) {
	return func(cur string) (string, []string, error) {
		parts := strings.Split(cur, ",")
		for _, p := range parts {
			if p == part {
				return cur, nil, nil
			}
		}
		if cur == "" {
			return part, []string{"add " + part}, nil
		}
		return cur + "," + part, []string{"add " + part}, nil
	}
}

func cycle(s *store, part string) rmw.Cycle[string, string] {
	id := func(v string) string { return v }
	return rmw.Cycle[string, string]{
		What: "setting", Read: s.read, Merge: addPart(part), Write: s.write, ReadFP: id, WriteFP: id,
	}
}

func apiErr(code string, status int) error {
	return &smithyhttp.ResponseError{
		Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}},
		Err:      &smithy.GenericAPIError{Code: code, Message: "m"},
	}
}

func TestRunWritesAndVerifies(t *testing.T) {
	s := &store{value: "theirs"}
	out, err := cycle(s, "ours").Run(t.Context(), fast)
	require.NoError(t, err)
	assert.Equal(t, rmw.Outcome{Wrote: true}, out)
	assert.Equal(t, "theirs,ours", s.get(), "merged into what was read")
	assert.Equal(t, 1, s.writes)
	assert.Equal(t, 2, s.reads, "a fresh read before the write, one after to verify")

	out, err = cycle(s, "ours").Run(t.Context(), fast)
	require.NoError(t, err)
	assert.Equal(t, rmw.Outcome{}, out, "nothing to do: nothing written")
	assert.Equal(t, 1, s.writes)
}

// TestRunMergesIntoAnotherWritersChange: another writer who read before our
// write lands theirs right after it, dropping our part. The verification
// finds it missing and merges it into what they wrote.
func TestRunMergesIntoAnotherWritersChange(t *testing.T) {
	s := &store{value: "a"}
	s.afterWrite = func(n int, written string) string {
		if n == 1 {
			return "a,late"
		}
		return written
	}
	out, err := cycle(s, "ours").Run(t.Context(), fast)
	require.NoError(t, err)
	assert.True(t, out.Wrote)
	assert.Empty(t, out.NotKept)
	assert.Equal(t, "a,late,ours", s.get())
	assert.Equal(t, 2, s.writes)
}

// TestRunConflictAfterRounds: another writer replaces the setting after
// every write. Run gives up after Rounds writes with the cycle's conflict
// error, leaving what the other writer wrote.
func TestRunConflictAfterRounds(t *testing.T) {
	sentinel := errors.New("pkg: conflict")
	s := &store{value: "a"}
	s.afterWrite = func(n int, _ string) string { return fmt.Sprintf("a,other%d", n) }
	c := cycle(s, "ours")
	c.Conflict = sentinel
	p := fast
	p.Rounds = 3
	_, err := c.Run(t.Context(), p)
	require.ErrorIs(t, err, sentinel)
	assert.Contains(t, err.Error(), "another writer kept replacing the setting (3 writes)")
	assert.Equal(t, 3, s.writes)
	assert.Equal(t, "a,other3", s.get(), "the other writer's value is never overwritten unread")

	c.Conflict = nil
	s.value = "a"
	_, err = c.Run(t.Context(), rmw.Policy{BaseDelay: time.Millisecond, MaxDelay: time.Millisecond})
	require.ErrorIs(t, err, rmw.ErrConflict)
	assert.Equal(t, 3+rmw.DefaultRounds, s.writes, "DefaultRounds writes by default")
}

// TestRunNotKept: the endpoint accepts the write and keeps the old value.
// After waiting out a possibly stale read, Run reports what was not kept
// instead of writing the same request again.
func TestRunNotKept(t *testing.T) {
	s := &store{value: "a"}
	s.afterWrite = func(int, string) string { return "a" }
	start := time.Now()
	out, err := cycle(s, "ours").Run(t.Context(), fast)
	require.NoError(t, err)
	assert.Equal(t, rmw.Outcome{Wrote: true, NotKept: []string{"add ours"}}, out)
	assert.Equal(t, 1, s.writes, "the same request is not sent again")
	assert.Greater(t, s.reads, 2, "the read that still shows the old value was read again")
	assert.Less(t, time.Since(start), 2*time.Second)
}

// TestRunNotKeptWithoutStaleWait: the endpoint keeps part
// of the write, so the read differs from what the write was merged into,
// but the merge would send the same request again: not kept at once.
func TestRunNotKeptWithoutStaleWait(t *testing.T) {
	s := &store{value: "a"}
	s.afterWrite = func(int, string) string { return "a,dropped-ours-but-kept-this" }
	c := cycle(s, "ours")
	c.Merge = func(cur string) (string, []string, error) {
		if strings.HasSuffix(cur, ",ours") {
			return cur, nil, nil
		}
		return "a,ours", []string{"add ours"}, nil // the same request whatever was read
	}
	p := fast
	p.StaleBudget = time.Hour
	out, err := c.Run(t.Context(), p)
	require.NoError(t, err)
	assert.Equal(t, []string{"add ours"}, out.NotKept)
	assert.Equal(t, 2, s.reads, "no stale-read wait: the read differs from the one merged")
}

// TestRunWaitsOutStaleReads: the first reads after the write still show
// the old value (eventual consistency); Run reads again rather than
// writing again or reporting the write as not kept.
func TestRunWaitsOutStaleReads(t *testing.T) {
	s := &store{value: "a"}
	s.readAs = func(n int, v string) string {
		if n >= 2 && n <= 4 {
			return "a"
		}
		return v
	}
	out, err := cycle(s, "ours").Run(t.Context(), fast)
	require.NoError(t, err)
	assert.Equal(t, rmw.Outcome{Wrote: true}, out)
	assert.Equal(t, 1, s.writes)
	assert.Equal(t, 5, s.reads)
}

// TestRunRetriesFromAFreshRead: a write that fails with a retryable error
// is not sent again as it was: the setting is read again, and what another
// writer wrote meanwhile is kept.
func TestRunRetriesFromAFreshRead(t *testing.T) {
	s := &store{value: "a"}
	s.failWrite = func(n int) error {
		if n == 1 {
			s.value = "a,meanwhile" // another writer, between our read and write
			return apiErr("OperationAborted", 409)
		}
		return nil
	}
	out, err := cycle(s, "ours").Run(t.Context(), fast)
	require.NoError(t, err)
	assert.True(t, out.Wrote)
	assert.Equal(t, "a,meanwhile,ours", s.get())
	assert.Equal(t, 2, s.attempts)
}

func TestRunErrors(t *testing.T) {
	t.Run("not retryable", func(t *testing.T) {
		s := &store{value: "a"}
		s.failWrite = func(int) error { return apiErr("AccessDenied", 403) }
		out, err := cycle(s, "ours").Run(t.Context(), fast)
		var ae smithy.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "AccessDenied", ae.ErrorCode())
		assert.True(t, strings.HasPrefix(err.Error(), "put setting: "), err.Error())
		assert.False(t, out.Wrote)
		assert.Equal(t, 1, s.attempts)
	})
	t.Run("attempts run out", func(t *testing.T) {
		s := &store{value: "a"}
		s.failWrite = func(int) error { return apiErr("SlowDown", 503) }
		p := fast
		p.MaxAttempts = 3
		_, err := cycle(s, "ours").Run(t.Context(), p)
		require.Error(t, err)
		assert.Equal(t, 3, s.attempts)
		assert.Equal(t, 3, s.reads, "every attempt merged on a fresh read")
	})
	t.Run("read", func(t *testing.T) {
		c := cycle(&store{}, "ours")
		c.Read = func(context.Context) (string, error) { return "", apiErr("AccessDenied", 403) }
		_, err := c.Run(t.Context(), fast)
		assert.True(t, strings.HasPrefix(err.Error(), "read setting: "), err.Error())
	})
	t.Run("merge", func(t *testing.T) {
		bad := errors.New("incompatible")
		s := &store{value: "a"}
		c := cycle(s, "ours")
		c.Merge = func(string) (string, []string, error) { return "", nil, bad }
		_, err := c.Run(t.Context(), fast)
		assert.Same(t, bad, err)
		assert.Zero(t, s.attempts)
	})
	t.Run("context", func(t *testing.T) {
		ctx, cancel := context.WithCancel(t.Context())
		s := &store{value: "a"}
		s.afterWrite = func(int, string) string { cancel(); return "a" }
		_, err := cycle(s, "ours").Run(ctx, fast)
		assert.ErrorIs(t, err, context.Canceled)
	})
}

// TestRunSerialisesByKey: cycles on the same key never overlap within the
// process; every part is kept and each cycle writes once.
func TestRunSerialisesByKey(t *testing.T) {
	s := &store{}
	var inside, most atomic.Int32
	read := func(ctx context.Context) (string, error) {
		n := inside.Add(1)
		defer inside.Add(-1)
		if n > most.Load() {
			most.Store(n)
		}
		time.Sleep(time.Millisecond)
		return s.read(ctx)
	}
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			c := cycle(s, fmt.Sprint("p", i))
			c.Key = rmw.Key("s3", "bucket", "policy")
			c.Read = read
			_, err := c.Run(t.Context(), fast)
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	assert.Equal(t, int32(1), most.Load(), "no two cycles read at once")
	assert.Equal(t, 8, s.writes)
	assert.Len(t, strings.Split(s.get(), ","), 8)
}

func TestKey(t *testing.T) {
	assert.Equal(t, "s3\x00b\x00policy", rmw.Key("s3", "b", "policy"))
	assert.NotEqual(t, rmw.Key("s3", "b", "policy"), rmw.Key("s3", "b", "lifecycle"))
}

func TestPolicyDefaults(t *testing.T) {
	assert.Equal(t, rmw.Policy{MaxAttempts: 8, BaseDelay: 100 * time.Millisecond, MaxDelay: 5 * time.Second, Rounds: 5, StaleBudget: 5 * time.Second},
		rmw.Policy{}.WithDefaults())
	p := rmw.Policy{BaseDelay: time.Millisecond, MaxDelay: time.Microsecond}.WithDefaults()
	assert.Equal(t, time.Millisecond, p.MaxDelay, "MaxDelay at least BaseDelay")
	assert.Equal(t, 50*time.Millisecond, p.StaleBudget, "50 times BaseDelay")
}

func TestRetryable(t *testing.T) {
	for _, c := range []struct {
		err  error
		want bool
	}{
		{apiErr("OperationAborted", 409), true},
		{apiErr("SlowDown", 503), true},
		{apiErr("InternalError", 500), true},
		{apiErr("ServiceUnavailable", 503), true},
		{apiErr("AccessDenied", 403), false},
		{apiErr("NoSuchBucket", 404), false},
		{apiErr("MalformedPolicy", 400), false},
		{&smithyhttp.RequestSendError{Err: errors.New("read: connection reset by peer")}, true},
		// Setup problems (internal/setuperr), which the SDK's classes
		// retry: retrying cannot fix them.
		{&smithyhttp.RequestSendError{Err: &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}}, false},
		{&smithyhttp.RequestSendError{Err: &net.DNSError{Err: "no such host", Name: "nowhere.invalid", IsNotFound: true}}, false},
		{apiErr("ExpiredToken", 400), false},
		{context.Canceled, false},
		{errors.New("plain"), false},
	} {
		assert.Equal(t, c.want, rmw.Retryable(c.err), "%v", c.err)
	}
}

func TestDo(t *testing.T) {
	p := rmw.Policy{MaxAttempts: 4, BaseDelay: time.Microsecond, MaxDelay: time.Millisecond}
	n := 0
	_, err := rmw.Do(t.Context(), p, func(context.Context) (int, error) {
		n++
		return 0, apiErr("OperationAborted", 409)
	})
	assert.Equal(t, 4, n)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "OperationAborted", ae.ErrorCode())

	n = 0
	v, err := rmw.Do(t.Context(), p, func(context.Context) (int, error) {
		n++
		if n < 3 {
			return 0, apiErr("SlowDown", 503)
		}
		return 42, nil
	})
	require.NoError(t, err)
	assert.Equal(t, 42, v)

	n = 0
	_, err = rmw.Do(t.Context(), p, func(context.Context) (int, error) {
		n++
		return 0, apiErr("AccessDenied", 403)
	})
	assert.Equal(t, 1, n, "not retried")
	assert.Error(t, err)
}

func TestBackoffBounded(t *testing.T) {
	p := rmw.Policy{}.WithDefaults()
	for attempt := 0; attempt < 40; attempt++ {
		d := rmw.Backoff(p, attempt)
		assert.GreaterOrEqual(t, d, time.Duration(0))
		assert.LessOrEqual(t, d, rmw.DefaultMaxDelay)
	}
}

func TestSleep(t *testing.T) {
	assert.NoError(t, rmw.Sleep(t.Context(), time.Millisecond))
	assert.NoError(t, rmw.Sleep(t.Context(), 0))
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	assert.ErrorIs(t, rmw.Sleep(ctx, time.Hour), context.Canceled)
	assert.ErrorIs(t, rmw.Sleep(ctx, 0), context.Canceled)
}
