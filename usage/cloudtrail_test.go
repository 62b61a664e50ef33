package usage_test

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/usage"
)

func parseTrail(t *testing.T, input string) ([]usage.Record, *usage.ParseStats) {
	t.Helper()
	return collect(t, usage.ParseCloudTrail, input, "trail.json")
}

func TestParseCloudTrail(t *testing.T) {
	b, err := os.ReadFile("testdata/cloudtrail-s3.json")
	require.NoError(t, err)
	recs, stats := parseTrail(t, string(b))
	assert.Zero(t, stats.Malformed, "%v", stats.Errors)
	assert.Equal(t, 1, stats.Skipped, "the EC2 event")
	require.Len(t, recs, 8, "7 S3 events, DeleteObjects giving one record per key")

	get := recs[0]
	assert.Equal(t, "GetObject", get.Operation)
	assert.Equal(t, "data-bucket", get.Bucket)
	assert.Equal(t, "reports/2024/q1.csv", get.Key)
	assert.Equal(t, "3HL4kqtJvjVBH40Nrjfkd", get.VersionID)
	assert.Equal(t, time.Date(2024, 3, 1, 10, 20, 30, 0, time.UTC), get.Time)
	assert.Equal(t, usage.Principal{Kind: usage.Role, ARN: "arn:aws:iam::111122223333:role/service/etl", Account: "111122223333"}, get.Principal,
		"a session is collapsed to its issuer, the role with its path")
	assert.Equal(t, "arn:aws:sts::111122223333:assumed-role/etl/etl-run-42", get.Requester)
	assert.Equal(t, 200, get.Status)
	assert.Equal(t, "203.0.113.7", get.SourceIP)
	d := get.Detail()
	assert.Equal(t, "TLSv1.3", d.TLSVersion)
	assert.Equal(t, "SigV4", d.SignatureVersion)
	assert.Equal(t, "AuthHeader", d.AuthType)
	assert.Equal(t, "TLS_AES_128_GCM_SHA256", d.CipherSuite)
	assert.Equal(t, "data-bucket.s3.eu-west-1.amazonaws.com", d.HostHeader)
	assert.Equal(t, 3, get.Line, "the line the record starts on")

	list := recs[1]
	assert.True(t, list.HasListPrefix)
	assert.Equal(t, "reports/", list.ListPrefix)
	assert.Equal(t, usage.User, list.Principal.Kind)
	assert.Equal(t, "QueryString", list.Detail().AuthType)

	anon := recs[2]
	assert.Equal(t, usage.Anonymous, anon.Principal.Kind)
	assert.True(t, anon.Denied())
	assert.Equal(t, "AccessDenied", anon.ErrorCode)

	other := recs[3]
	assert.Equal(t, usage.Principal{Kind: usage.Root, ARN: "arn:aws:iam::444455556666:root", Account: "444455556666"}, other.Principal)
	assert.Empty(t, other.SourceIP)

	svc := recs[4]
	assert.Equal(t, usage.Principal{Kind: usage.Service, Service: "cloudtrail.amazonaws.com"}, svc.Principal)
	assert.Empty(t, svc.SourceIP, "a service name is not an IP address")

	assert.Equal(t, "DeleteObjects", recs[5].Operation)
	assert.Equal(t, "tmp/a", recs[5].Key)
	assert.Equal(t, "tmp/b", recs[6].Key)

	assert.Equal(t, "data-bucket/reports/2024/q1 final.csv", recs[7].CopySource)
	assert.Equal(t, "v1", recs[7].CopySourceVersionID)
}

func TestParseCloudTrailMalformedRecordsAreCounted(t *testing.T) {
	good := `{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/a"},"requestParameters":{"bucketName":"b","key":"k"}}`
	input := "{\"Records\": [\n" + strings.Join([]string{
		good,
		`{"eventTime":"yesterday","eventSource":"s3.amazonaws.com","eventName":"GetObject"}`,
		`{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com"}`,
		`42`,
		good,
	}, ",\n") + "\n]}"
	recs, stats := parseTrail(t, input)
	assert.Len(t, recs, 2)
	assert.Equal(t, 3, stats.Malformed)
	require.Len(t, stats.Errors, 3)
	assert.Equal(t, 3, stats.Errors[0].Line)
	assert.Contains(t, stats.Errors[0].Reason, "eventTime")
	assert.Equal(t, 4, stats.Errors[1].Line)
	assert.Equal(t, 5, stats.Errors[2].Line)
	assert.Equal(t, 6, recs[1].Line)
}

func TestParseCloudTrailTruncatedFileKeepsWhatCameBefore(t *testing.T) {
	good := `{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"b","key":"k"}}`
	full := `{"Records":[` + good + ",\n" + good + ",\n" + good + `]}`
	for cut := 1; cut < len(full); cut += 7 {
		recs, stats := parseTrail(t, full[:cut])
		assert.LessOrEqual(t, len(recs), 3)
		assert.Equal(t, 1, stats.Malformed, "cut at %d: the break is reported once", cut)
	}
	recs, stats := parseTrail(t, full[:strings.LastIndex(full, good)+10])
	assert.Len(t, recs, 2, "the records before the break are read")
	assert.Equal(t, 3, stats.Errors[0].Line)

	recs, stats = parseTrail(t, "")
	assert.Empty(t, recs)
	assert.Zero(t, stats.Malformed, "an empty file is empty, not broken")
	_, stats = parseTrail(t, `["not", "cloudtrail"]`)
	assert.Equal(t, 1, stats.Malformed)

	// What follows the log file's object (two files run together, a tail
	// of junk) is not silently dropped: the records are read and the rest
	// is counted once, at its line.
	for _, tail := range []string{"\njunk", "\n" + full, "\n]", "\n\"x\""} {
		recs, stats = parseTrail(t, full+tail)
		assert.Len(t, recs, 3, "%q", tail)
		require.Equal(t, 1, stats.Malformed, "%q", tail)
		assert.Equal(t, 4, stats.Errors[0].Line, "%q", tail)
		assert.Contains(t, stats.Errors[0].Reason, "after the log file's JSON object", "%q", tail)
	}
	recs, stats = parseTrail(t, full+"\n\n  \t\n")
	assert.Len(t, recs, 3)
	assert.Zero(t, stats.Malformed, "trailing white space is nothing")
}

func TestParseCloudTrailGzipAndOtherKeys(t *testing.T) {
	good := `{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"HeadObject","requestParameters":{"bucketName":"b","key":"k"}}`
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	fmt.Fprintf(zw, `{"Version":"1.0","Other":{"a":[1,2]},"Records":[%s,%s],"Digest":"x"}`, good, good)
	require.NoError(t, zw.Close())
	n := 0
	stats, err := usage.ParseCloudTrail(&buf, "x.json.gz", func(r *usage.Record) error {
		n++
		assert.Equal(t, "HeadObject", r.Operation)
		return nil
	})
	require.NoError(t, err)
	assert.Equal(t, 2, n)
	assert.Zero(t, stats.Malformed)
}

// A CloudTrail file is decoded as a stream: a file far larger than the
// decoder's buffer is read through a generator without being held.
func TestParseCloudTrailStreams(t *testing.T) {
	const n = 20000
	rec := `{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","userIdentity":{"type":"IAMUser","arn":"arn:aws:iam::111122223333:user/a"},"requestParameters":{"bucketName":"b","key":"k"}}`
	pr, pw := io.Pipe()
	go func() {
		_, _ = pw.Write([]byte(`{"Records":[`))
		for i := 0; i < n; i++ {
			if i > 0 {
				_, _ = pw.Write([]byte(","))
			}
			_, _ = pw.Write([]byte(rec))
		}
		_, _ = pw.Write([]byte(`]}`))
		_ = pw.Close()
	}()
	count := 0
	stats, err := usage.ParseCloudTrail(pr, "big.json", func(*usage.Record) error { count++; return nil })
	require.NoError(t, err)
	assert.Equal(t, n, count)
	assert.Equal(t, n, stats.Records)
}

// endless is an endless string value: `"aaaa…`, counting what was read.
type endless struct{ read int64 }

func (e *endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'a'
	}
	e.read += int64(len(p))
	return len(p), nil
}

// A record (or any value of the file) larger than 1 MiB is malformed, and
// ends the file, after reading little more than the bound: log content is
// data, never trusted, and a CloudTrail file someone else could write must
// not make the reader hold a value of any size (a gzip bomb makes one out
// of a few kilobytes). The records before it are read.
func TestParseCloudTrailHugeRecordIsRefused(t *testing.T) {
	good := `{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"b","key":"k"}}`
	for name, head := range map[string]string{
		"record":         `{"Records":[` + good + ",\n" + `{"eventTime":"2024-03-01T10:20:30Z","userAgent":"`,
		"other value":    `{"Records":[` + good + "],\n" + `"Other":"`,
		"before records": `{"Other":"`,
	} {
		t.Run(name, func(t *testing.T) {
			e := &endless{}
			n := 0
			stats, err := usage.ParseCloudTrail(io.MultiReader(strings.NewReader(head), io.LimitReader(e, 1<<30)), "huge.json",
				func(*usage.Record) error { n++; return nil })
			require.NoError(t, err)
			assert.Equal(t, strings.Count(head, good), n, "the records before it")
			assert.Equal(t, 1, stats.Malformed)
			require.Len(t, stats.Errors, 1)
			assert.Contains(t, stats.Errors[0].Reason, "larger than 1 MiB")
			assert.Less(t, e.read, int64(3<<20), "read far beyond the bound")
		})
	}
}

// A record just under the bound is read, and so is what follows it.
func TestParseCloudTrailLargeRecordUnderTheBound(t *testing.T) {
	good := `{"eventTime":"2024-03-01T10:20:30Z","eventSource":"s3.amazonaws.com","eventName":"GetObject","requestParameters":{"bucketName":"b","key":"k"}}`
	big := strings.Replace(good, `"eventName"`, `"userAgent":"`+strings.Repeat("a", 1<<20-len(good)-20)+`","eventName"`, 1)
	require.Less(t, len(big), 1<<20)
	recs, stats := parseTrail(t, `{"Records":[`+good+",\n"+big+",\n"+big+",\n"+good+`],"Digest":"`+strings.Repeat("d", 1<<20-10)+`"}`)
	assert.Len(t, recs, 4)
	assert.Zero(t, stats.Malformed, "%+v", stats.Errors)
}
