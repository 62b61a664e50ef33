package usage_test

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
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

type parser func(io.Reader, string, func(*usage.Record) error) (*usage.ParseStats, error)

func parseLog(b *testing.B, parse parser, input []byte) int {
	n := 0
	_, err := parse(bytes.NewReader(input), "bench.log", func(r *usage.Record) error {
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
// second for both: ParseServerAccessLog (each record's strings its own) and
// the reading Suggest does (strings sharing the reader's buffer, valid
// during the callback; Suggest copies what it keeps). The "-vs-floor" runs
// alternate floor and parse on every iteration, so that a busy machine
// slows both alike, and report x-floor, parsing's time over the floor's,
// and x-floor-fastest, the same for the fastest pass of each. The target
// is 3.
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
	for _, p := range []struct {
		name  string
		parse parser
	}{
		{"parse", usage.ParseServerAccessLog},
		// Suggest's reading: the same parser, strings sharing its buffer.
		{"parse-reusing", usage.ParseServerAccessLogReusing},
	} {
		b.Run(p.name, func(b *testing.B) {
			b.SetBytes(int64(len(input)))
			b.ReportAllocs()
			for i := 0; i < b.N; i++ {
				parseLog(b, p.parse, input)
			}
			b.ReportMetric(float64(lines)*float64(b.N)/b.Elapsed().Seconds(), "lines/s")
		})
		b.Run(p.name+"-vs-floor", func(b *testing.B) {
			var floor, parse time.Duration
			minFloor, minParse := time.Duration(1<<62), time.Duration(1<<62)
			for i := 0; i < b.N; i++ {
				t0 := time.Now()
				splitLines(input)
				t1 := time.Now()
				parseLog(b, p.parse, input)
				t2 := time.Now()
				floor += t1.Sub(t0)
				parse += t2.Sub(t1)
				minFloor, minParse = min(minFloor, t1.Sub(t0)), min(minParse, t2.Sub(t1))
			}
			b.ReportMetric(float64(parse)/float64(floor), "x-floor")
			// On a shared machine the fastest pass of each is the one
			// least slowed by others' work.
			b.ReportMetric(float64(minParse)/float64(minFloor), "x-floor-fastest")
		})
	}
}
