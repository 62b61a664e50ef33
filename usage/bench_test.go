package usage_test

import (
	"bufio"
	"bytes"
	"fmt"
	"testing"
	"time"

	"github.com/s3secure/s3secure/usage"
)

// benchLog is n lines of a realistic mix: three principals, object reads and
// writes under dated prefixes, listings, bucket configuration reads.
func benchLog(n int) []byte {
	var b bytes.Buffer
	requesters := []string{
		"arn:aws:sts::111122223333:assumed-role/etl/i-0123456789abcdef0",
		"arn:aws:iam::111122223333:user/alice",
		"-",
	}
	for i := 0; i < n; i++ {
		req := requesters[i%len(requesters)]
		key := fmt.Sprintf("data/2024/%02d/%02d/part-%05d.parquet", i%12+1, i%28+1, i)
		switch i % 5 {
		case 0, 1, 2:
			b.WriteString(line(req, "REST.GET.OBJECT", key, "GET /logs-bucket/"+key+" HTTP/1.1", 200))
		case 3:
			b.WriteString(line(req, "REST.PUT.OBJECT", key, "PUT /logs-bucket/"+key+" HTTP/1.1", 200))
		default:
			b.WriteString(line(req, "REST.GET.BUCKET", "-", "GET /logs-bucket?list-type=2&prefix=data%2F2024%2F HTTP/1.1", 200))
		}
		b.WriteByte('\n')
	}
	return b.Bytes()
}

// splitLines is the floor: only splitting the input into lines.
func splitLines(input []byte) int {
	n := 0
	sc := bufio.NewScanner(bytes.NewReader(input))
	for sc.Scan() {
		n += len(sc.Bytes())
	}
	return n
}

func parseLog(b *testing.B, input []byte) int {
	n := 0
	_, err := usage.ParseServerAccessLog(bytes.NewReader(input), "bench.log", func(r *usage.Record) error {
		n += r.Status
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return n
}

// BenchmarkParseServerAccessLog compares parsing with its floor, only
// splitting the same input into lines (bufio.Scanner), and reports lines per
// second for both. The "vs-floor" run alternates the two on every iteration,
// so that a busy machine slows both alike, and reports x-floor, parsing's
// time over the floor's: it stays under 3.
func BenchmarkParseServerAccessLog(b *testing.B) {
	const lines = 20000
	input := benchLog(lines)
	b.Run("split-lines-floor", func(b *testing.B) {
		b.SetBytes(int64(len(input)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			splitLines(input)
		}
		b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	})
	b.Run("parse", func(b *testing.B) {
		b.SetBytes(int64(len(input)))
		b.ReportAllocs()
		for i := 0; i < b.N; i++ {
			parseLog(b, input)
		}
		b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
	})
	b.Run("vs-floor", func(b *testing.B) {
		var floor, parse time.Duration
		for i := 0; i < b.N; i++ {
			t0 := time.Now()
			splitLines(input)
			t1 := time.Now()
			parseLog(b, input)
			floor += t1.Sub(t0)
			parse += time.Since(t1)
		}
		b.ReportMetric(float64(parse)/float64(floor), "x-floor")
	})
}
