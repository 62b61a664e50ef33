package usage_test

import (
	"bytes"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/s3secure/s3secure/usage"
)

// FuzzParseServerAccessLog checks that the parser never panics or fails on
// any input held in memory, counts every non-empty line exactly once (as a
// record or as malformed), reports lines in order, and gives only records
// with a bucket, an operation and an HTTP status; and that a
// ServerAccessLogScanner, and both readings with buffers of a few bytes
// (lines across buffers, buffers grown and shrunk), give the same records
// and counts. Seeds: testdata/fuzz.
func FuzzParseServerAccessLog(f *testing.F) {
	f.Add([]byte(line("arn:aws:sts::111122223333:assumed-role/r/s", "REST.GET.BUCKET", "-", "GET /b?prefix=a%2F&versionId=x HTTP/1.1", 200)))
	f.Add([]byte(line("-", "REST.COPY.OBJECT_GET", "k%20x", "PUT /b/k HTTP/1.1", 403) + "\r\n\n" + oldest(line("-", "REST.HEAD.OBJECT", "z", "HEAD /b/z HTTP/1.1", 200))))
	f.Add([]byte(line("-", "REST.GET.OBJECT", "a%253D%2520", "GET /b/a%3D%20?x=1 HTTP/1.1", 200) + "\n" + line("-", "BATCH.DELETE.OBJECT", "a%2541", "-", 204)))
	f.Fuzz(func(t *testing.T, in []byte) {
		if bytes.HasPrefix(in, []byte{0x1f, 0x8b}) {
			return // gzip: a corrupt stream is a read error by design
		}
		last := 0
		stats, err := usage.ParseServerAccessLog(bytes.NewReader(in), "fuzz.log", func(r *usage.Record) error {
			if r.Line <= last {
				t.Fatalf("line %d after line %d", r.Line, last)
			}
			last = r.Line
			if r.Bucket == "" || r.Operation == "" || r.Status < 100 || r.Status > 599 {
				t.Fatalf("record without bucket, operation or status: %+v", r)
			}
			_ = r.Detail()
			_ = r.Principal.String()
			return nil
		})
		if err != nil {
			t.Fatalf("error on an in-memory input: %v", err)
		}
		snapshot := func(read func(io.Reader, string, func(*usage.Record) error) (*usage.ParseStats, error)) string {
			var b strings.Builder
			st, err := read(bytes.NewReader(in), "fuzz.log", func(r *usage.Record) error {
				fmt.Fprintf(&b, "%+v %+v\n", *r, r.Detail())
				return nil
			})
			if err != nil {
				t.Fatalf("error on an in-memory input: %v", err)
			}
			fmt.Fprintf(&b, "%+v", *st)
			return b.String()
		}
		want := snapshot(usage.ParseServerAccessLog)
		for _, read := range []func(io.Reader, string, func(*usage.Record) error) (*usage.ParseStats, error){
			scanAll,
			func(r io.Reader, f string, fn func(*usage.Record) error) (*usage.ParseStats, error) {
				return usage.ScanServerAccessLogBlocks(r, f, 7, false, fn)
			},
			func(r io.Reader, f string, fn func(*usage.Record) error) (*usage.ParseStats, error) {
				return usage.ScanServerAccessLogBlocks(r, f, 5, true, fn)
			},
		} {
			if got := snapshot(read); got != want {
				t.Fatalf("readings differ:\n%s\n%s", want, got)
			}
		}
		lines := 0
		for _, l := range strings.Split(string(in), "\n") {
			if strings.TrimSuffix(l, "\r") != "" {
				lines++
			}
		}
		if stats.Lines != lines || stats.Records+stats.Malformed != stats.Lines {
			t.Fatalf("%d non-empty lines; stats %d lines, %d records, %d malformed", lines, stats.Lines, stats.Records, stats.Malformed)
		}
		prev := 0
		for _, e := range stats.Errors {
			if e.Line <= prev || e.File != "fuzz.log" || e.Reason == "" {
				t.Fatalf("bad line error %+v after line %d", e, prev)
			}
			prev = e.Line
		}
	})
}

// FuzzParseCloudTrail checks that the CloudTrail parser never panics or
// fails on any input held in memory, and passes on only records with an
// operation, a time and a line.
func FuzzParseCloudTrail(f *testing.F) {
	f.Add([]byte(`{"Records":[{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"DeleteObjects","requestParameters":{"bucketName":"b"},"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"}]}]}`))
	// Through an access point: the S3 user guide's resources ("Monitoring
	// and logging access points"), and one naming no bucket.
	f.Add([]byte(`{"Records":[{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"ap","key":"k"},"resources":[{"type":"AWS::S3::Object","ARN":"arn:aws:s3:::b/k"},{"type":"AWS::S3::Bucket","ARN":"arn:aws:s3:::b"},{"type":"AWS::S3::AccessPoint","ARN":"arn:aws:s3:us-west-2:111122223333:accesspoint/ap"}]},
{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"ListObjects","requestParameters":{"bucketName":"ap"},"resources":[{"type":"AWS::S3::AccessPoint","ARN":"arn:aws:s3:us-west-2:111122223333:accesspoint/ap"}]}]}`))
	f.Add([]byte("{\"Records\":[\n{\"eventTime\":\"2024-03-01T10:20:30Z\",\"eventSource\":\"s3.amazonaws.com\",\"eventName\":\"GetObject\",\"userIdentity\":{\"type\":\"AssumedRole\",\"arn\":\"arn:aws:sts::111122223333:assumed-role/r/s\"}},\n42,"))
	f.Fuzz(func(t *testing.T, in []byte) {
		if bytes.HasPrefix(in, []byte{0x1f, 0x8b}) {
			return
		}
		stats, err := usage.ParseCloudTrail(bytes.NewReader(in), "fuzz.json", func(r *usage.Record) error {
			if r.Operation == "" || r.Time.IsZero() || r.Line < 1 {
				t.Fatalf("record without operation, time or line: %+v", r)
			}
			_ = r.Detail()
			return nil
		})
		if err != nil {
			t.Fatalf("error on an in-memory input: %v", err)
		}
		if stats.Malformed > stats.Lines+1 {
			t.Fatalf("%d malformed of %d records", stats.Malformed, stats.Lines)
		}
	})
}
