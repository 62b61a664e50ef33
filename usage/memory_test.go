package usage_test

import (
	"context"
	"io"
	"runtime"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/usage"
)

// genLog is a server access log of n lines made as it is read, never held:
// 6 principals, reads and writes of keys that are all different, under 200
// dated folders, and listings.
type genLog struct {
	n, i  int
	buf   []byte
	off   int
	every int
	onMod func(i int) // called every `every` lines
}

var genRequesters = []string{
	"arn:aws:sts::111122223333:assumed-role/etl/run-1", "arn:aws:sts::111122223333:assumed-role/etl/run-2",
	"arn:aws:iam::111122223333:user/alice", "arn:aws:iam::111122223333:user/bob",
	"arn:aws:sts::111122223333:assumed-role/reporting/r", "arn:aws:iam::444455556666:user/partner",
}

func (g *genLog) Read(p []byte) (int, error) {
	n := 0
	for n < len(p) {
		if g.off == len(g.buf) {
			if g.i == g.n {
				if n == 0 {
					return 0, io.EOF
				}
				return n, nil
			}
			g.buf, g.off = g.line(g.buf[:0], g.i), 0
			g.i++
			if g.onMod != nil && g.i%g.every == 0 {
				g.onMod(g.i)
			}
		}
		c := copy(p[n:], g.buf[g.off:])
		n += c
		g.off += c
	}
	return n, nil
}

func (g *genLog) line(b []byte, i int) []byte {
	req := genRequesters[i%len(genRequesters)]
	key := make([]byte, 0, 48)
	key = append(key, "data/2024/"...)
	key = strconv.AppendInt(key, int64(i%200), 10)
	key = append(key, "/part-"...)
	key = strconv.AppendInt(key, int64(i), 10)
	op, uri := "REST.GET.OBJECT", "GET /data-bucket/"+string(key)+" HTTP/1.1"
	switch i % 10 {
	case 7, 8:
		op, uri = "REST.PUT.OBJECT", "PUT /data-bucket/"+string(key)+" HTTP/1.1"
	case 9:
		op, key, uri = "REST.GET.BUCKET", []byte("-"), "GET /data-bucket?list-type=2&prefix=data%2F2024%2F"+strconv.Itoa(i%200)+"%2F HTTP/1.1"
	}
	b = append(b, ownerCanon+" data-bucket [30/Mar/2024:10:00:00 +0000] 203.0.113.7 "...)
	b = append(b, req...)
	b = append(b, " REQID "...)
	b = append(b, op...)
	b = append(b, ' ')
	b = append(b, key...)
	b = append(b, " \""...)
	b = append(b, uri...)
	b = append(b, "\" 200 - 100 100 10 5 \"-\" \"aws-sdk-go-v2/1.36\" - HOSTID= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader data-bucket.s3.amazonaws.com TLSv1.3 - -\n"...)
	return b
}

// TestSuggestMemoryIsFlat streams 1,500,000 generated lines (about 375 MB,
// every key different) through Suggest, twice (learn and prove: three
// million lines read), and measures the live heap after a GC every 60,000
// lines: once the key sets have filled up (by the third measure: each
// tuple remembers at most DefaultMaxTrackedKeys keys), it must stay within
// 2 MiB of that measure. Memory is bounded by the (principal, action, prefix)
// tuples, not by the size of the logs: anything kept per line read, even 5
// bytes of it, would grow the heap past the bound over the 1,380,000 lines
// that follow the base in the first pass alone. (Kept every key, as without
// the bound on tracked keys, the heap reaches 54 MB.)
func TestSuggestMemoryIsFlat(t *testing.T) {
	if testing.Short() {
		t.Skip("streams 1,500,000 lines twice")
	}
	lines := 1_500_000
	if raceEnabled {
		lines = 100_000 // the race detector makes it slow
	}
	const measures = 25 // per pass
	every := lines / measures
	var heap []uint64
	measure := func(int) {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		heap = append(heap, ms.HeapAlloc)
	}
	src := usage.Stream("generated.log", func(context.Context) (io.ReadCloser, error) {
		return io.NopCloser(&genLog{n: lines, every: every, onMod: measure}), nil
	})
	rep, err := usage.Suggest(t.Context(), "data-bucket", usage.Input{BucketOwner: owner, ServerAccessLogs: []usage.Source{src}},
		&usage.Options{Now: now, Concurrency: 1})
	require.NoError(t, err)
	assert.Equal(t, lines, rep.Counts.Succeeded)
	assert.Equal(t, lines, rep.Replay.Requests)
	assert.True(t, rep.Proved(), "%+v", rep.Replay.Breaks)

	require.Len(t, heap, 2*measures)
	base := heap[2] // the key sets are full: 6 principals share 60,000 lines, 70% of them reads
	var peak uint64
	for _, h := range heap[2:] {
		peak = max(peak, h)
	}
	t.Logf("live heap after GC, every %d lines: %v (MiB: base %.2f, peak %.2f)", every, heap, float64(base)/(1<<20), float64(peak)/(1<<20))
	assert.Less(t, peak, base+2<<20, "the heap grows with the log: %v", heap)
}
