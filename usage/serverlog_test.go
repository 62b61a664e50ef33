package usage_test

import (
	"bytes"
	"compress/gzip"
	"errors"
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

type parseFunc func(io.Reader, string, func(*usage.Record) error) (*usage.ParseStats, error)

// collect parses input with parse and returns copies of the records.
func collect(t *testing.T, parse parseFunc, input, file string) ([]usage.Record, *usage.ParseStats) {
	t.Helper()
	var recs []usage.Record
	stats, err := parse(strings.NewReader(input), file, func(r *usage.Record) error {
		recs = append(recs, *r)
		return nil
	})
	require.NoError(t, err)
	return recs, stats
}

func parseAll(t *testing.T, input, file string) ([]usage.Record, *usage.ParseStats) {
	t.Helper()
	return collect(t, usage.ParseServerAccessLog, input, file)
}

// The example records of the S3 user guide's "Amazon S3 server access log
// format", current (with Access Point ARN, ACL Required and a field added
// after them) and as of 2019 (ending at TLS version).
func TestParseServerAccessLogAWSExamples(t *testing.T) {
	cur, err := os.ReadFile("testdata/aws-doc-current.log")
	require.NoError(t, err)
	recs, stats := parseAll(t, string(cur), "current.log")
	assert.Equal(t, 2, stats.Records)
	assert.Zero(t, stats.Malformed, "a trailing field added later is ignored, never an error")
	require.Len(t, recs, 2)
	r := recs[0]
	assert.Equal(t, "amzn-s3-demo-bucket1", r.Bucket)
	assert.Equal(t, time.Date(2019, 2, 6, 0, 0, 38, 0, time.UTC), r.Time)
	assert.Equal(t, "192.0.2.3", r.SourceIP)
	assert.Equal(t, usage.CanonicalUser, r.Principal.Kind)
	assert.Equal(t, "3E57427F3EXAMPLE", r.RequestID)
	assert.Equal(t, "REST.GET.VERSIONING", r.Operation)
	assert.Equal(t, "", r.Key)
	assert.Equal(t, "GET /amzn-s3-demo-bucket1?versioning HTTP/1.1", r.RequestURI)
	assert.Equal(t, 200, r.Status)
	assert.True(t, r.Succeeded())
	assert.Equal(t, "S3Console/0.4", r.Detail().UserAgent)
	assert.Equal(t, "SigV4", r.Detail().SignatureVersion)
	assert.Equal(t, "ECDHE-RSA-AES128-GCM-SHA256", r.Detail().CipherSuite)
	assert.Equal(t, "AuthHeader", r.Detail().AuthType)
	assert.Equal(t, "TLSV1.2", r.Detail().TLSVersion)
	assert.Equal(t, "arn:aws:s3:us-west-1:123456789012:accesspoint/example-AP", r.Detail().AccessPointARN)
	assert.Equal(t, "current.log", r.File)
	assert.Equal(t, 1, r.Line)
	assert.Equal(t, "", recs[1].Detail().AccessPointARN)
	assert.Equal(t, 2, recs[1].Line)

	old, err := os.ReadFile("testdata/aws-doc-2019.log")
	require.NoError(t, err)
	recs, stats = parseAll(t, string(old), "2019.log")
	assert.Equal(t, 5, stats.Records)
	assert.Zero(t, stats.Malformed)
	require.Len(t, recs, 5)
	assert.Equal(t, 404, recs[2].Status)
	assert.Equal(t, "NoSuchBucketPolicy", recs[2].ErrorCode)
	assert.False(t, recs[2].Succeeded())
	assert.Equal(t, "REST.PUT.OBJECT", recs[4].Operation)
	assert.Equal(t, "s3-dg.pdf", recs[4].Key)
	assert.Equal(t, "SigV2", recs[0].Detail().SignatureVersion)
	assert.Equal(t, time.Date(2019, 2, 6, 0, 1, 57, 0, time.UTC), recs[4].Time)
}

// line builds a record in the documented layout; fields may be overridden.
func line(requester, op, key, uri string, status int, extra ...string) string {
	errCode := "-"
	if status == 403 {
		errCode = "AccessDenied"
	}
	f := []string{
		"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", "logs-bucket",
		"[01/Mar/2024:10:20:30 +0000]", "203.0.113.7", requester, "REQ1", op, key,
		`"` + uri + `"`, itoa(status), errCode, "100", "100", "10", "5", `"-"`,
		`"aws-sdk-go-v2/1.0 os/linux lang/go#1.24"`, "-", "HOSTID=", "SigV4",
		"TLS_AES_128_GCM_SHA256", "AuthHeader", "logs-bucket.s3.eu-west-1.amazonaws.com", "TLSv1.3", "-", "-",
	}
	return strings.Join(append(f, extra...), " ")
}

// oldest cuts a line after its User-Agent and puts "ua" there.
func oldest(l string) string {
	return l[:strings.Index(l, `"aws-sdk`)] + `"ua"`
}

func itoa(n int) string {
	return string(rune('0'+n/100)) + string(rune('0'+n/10%10)) + string(rune('0'+n%10))
}

func TestParseServerAccessLogPrincipals(t *testing.T) {
	tests := []struct {
		requester string
		want      usage.Principal
	}{
		{"arn:aws:iam::111122223333:user/alice", usage.Principal{Kind: usage.User, ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"}},
		{"arn:aws:sts::111122223333:assumed-role/reader/i-0abc", usage.Principal{Kind: usage.Role, ARN: "arn:aws:iam::111122223333:role/reader", Account: "111122223333"}},
		{"arn:aws-cn:sts::111122223333:assumed-role/reader/s", usage.Principal{Kind: usage.Role, ARN: "arn:aws-cn:iam::111122223333:role/reader", Account: "111122223333"}},
		{"arn:aws:iam::111122223333:root", usage.Principal{Kind: usage.Root, ARN: "arn:aws:iam::111122223333:root", Account: "111122223333"}},
		{"arn:aws:sts::111122223333:federated-user/bob", usage.Principal{Kind: usage.FederatedUser, ARN: "arn:aws:sts::111122223333:federated-user/bob", Account: "111122223333"}},
		{"-", usage.Principal{Kind: usage.Anonymous}},
		{"svc:logging.s3.amazonaws.com", usage.Principal{Kind: usage.Service, Service: "logging.s3.amazonaws.com"}},
		{"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be", usage.Principal{Kind: usage.CanonicalUser, ID: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}},
		{"arn:aws:sts::111122223333:assumed-role/reader", usage.Principal{Kind: usage.Unknown, ID: "arn:aws:sts::111122223333:assumed-role/reader"}},
		{"arn:aws:iam::1111:user/x", usage.Principal{Kind: usage.Unknown, ID: "arn:aws:iam::1111:user/x"}},
	}
	for _, tt := range tests {
		t.Run(tt.requester, func(t *testing.T) {
			recs, stats := parseAll(t, line(tt.requester, "REST.GET.OBJECT", "a/b.txt", "GET /logs-bucket/a/b.txt HTTP/1.1", 200), "p.log")
			require.Equal(t, 1, stats.Records)
			assert.Equal(t, tt.want, recs[0].Principal)
			if tt.requester != "-" {
				assert.Equal(t, tt.requester, recs[0].Requester)
			}
		})
	}
}

func TestParseServerAccessLogFields(t *testing.T) {
	input := strings.Join([]string{
		// An encoded key; a listing with a prefix; a version; a 403.
		line("arn:aws:iam::111122223333:user/alice", "REST.GET.OBJECT", "reports/2024/Q1%20sales.csv", "GET /logs-bucket/reports/2024/Q1%20sales.csv HTTP/1.1", 200),
		line("arn:aws:iam::111122223333:user/alice", "REST.GET.BUCKET", "-", "GET /logs-bucket?list-type=2&prefix=reports%2F2024%2F&delimiter=%2F HTTP/1.1", 200),
		line("arn:aws:iam::111122223333:user/alice", "REST.GET.BUCKET", "-", "GET /logs-bucket?list-type=2 HTTP/1.1", 200),
		line("arn:aws:iam::111122223333:user/bob", "REST.PUT.OBJECT", "x", "PUT /logs-bucket/x HTTP/1.1", 403),
		// A user agent with an escaped quote and spaces; CRLF ending.
		strings.Replace(line("-", "REST.GET.OBJECT", "y", "GET /logs-bucket/y HTTP/1.1", 200), `"aws-sdk-go-v2/1.0 os/linux lang/go#1.24"`, `"curl/8 \"quoted\" thing"`, 1) + "\r",
		// Only the fields through User-Agent (oldest layout).
		oldest(line("-", "REST.HEAD.OBJECT", "z", "HEAD /logs-bucket/z HTTP/1.1", 200)),
	}, "\n")
	recs, stats := parseAll(t, input, "f.log")
	require.Zero(t, stats.Malformed, "%v", stats.Errors)
	require.Len(t, recs, 6)
	assert.Equal(t, "reports/2024/Q1 sales.csv", recs[0].Key)
	assert.True(t, recs[1].HasListPrefix)
	assert.Equal(t, "reports/2024/", recs[1].ListPrefix)
	assert.False(t, recs[2].HasListPrefix)
	assert.True(t, recs[3].Denied())
	assert.Equal(t, "AccessDenied", recs[3].ErrorCode)
	assert.Equal(t, `curl/8 \"quoted\" thing`, recs[4].Detail().UserAgent)
	assert.Equal(t, "", recs[4].Requester)
	assert.Equal(t, usage.Anonymous, recs[4].Principal.Kind)
	assert.Equal(t, "ua", recs[5].Detail().UserAgent)
	assert.Equal(t, "", recs[5].Detail().TLSVersion)
	assert.Equal(t, 6, recs[5].Line)
}

func TestParseServerAccessLogMalformedLinesAreCountedNotFatal(t *testing.T) {
	good := line("-", "REST.GET.OBJECT", "k", "GET /logs-bucket/k HTTP/1.1", 200)
	bad := map[string]string{
		"too few fields":    "just three fields",
		"unterminated":      good[:strings.Index(good, "aws-sdk")+5],
		"bad time":          strings.Replace(good, "01/Mar/2024:10:20:30", "01/Mxr/2024:10:20:30", 1),
		"31 February":       strings.Replace(good, "01/Mar/2024", "31/Feb/2024", 1),
		"bad status":        strings.Replace(good, " 200 ", " 2x0 ", 1),
		"bad key escape":    strings.Replace(good, " k ", " k%zz ", 1),
		"text after quote":  strings.Replace(good, `HTTP/1.1" 200`, `HTTP/1.1"x 200`, 1),
		"truncated in time": good[:len("79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be logs-bucket [01/Mar/20")],
	}
	var lines []string
	var names []string
	for name, l := range bad {
		lines = append(lines, good, l)
		names = append(names, name)
	}
	lines = append(lines, "", good) // an empty line is not a record
	recs, stats := parseAll(t, strings.Join(lines, "\n"), "m.log")
	assert.Len(t, recs, len(bad)+1, "every good line is read")
	assert.Equal(t, len(bad), stats.Malformed, "every bad line is counted: %v", names)
	require.Len(t, stats.Errors, len(bad))
	for i, e := range stats.Errors {
		assert.Equal(t, "m.log", e.File)
		assert.Equal(t, 2*i+2, e.Line, "the bad lines are the even ones")
		assert.ErrorIs(t, e, usage.ErrMalformed)
		assert.Contains(t, e.Error(), "m.log:")
	}
}

func TestParseServerAccessLogGzipAndStop(t *testing.T) {
	good := line("-", "REST.GET.OBJECT", "k", "GET /logs-bucket/k HTTP/1.1", 200) + "\n"
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	_, _ = zw.Write([]byte(strings.Repeat(good, 3)))
	require.NoError(t, zw.Close())
	n := 0
	stats, err := usage.ParseServerAccessLog(&buf, "x.gz", func(*usage.Record) error { n++; return nil })
	require.NoError(t, err)
	assert.Equal(t, 3, n)
	assert.Equal(t, 3, stats.Records)

	stop := errors.New("stop")
	_, err = usage.ParseServerAccessLog(strings.NewReader(strings.Repeat(good, 3)), "x", func(*usage.Record) error { return stop })
	assert.ErrorIs(t, err, stop, "fn's error is returned as is")

	_, err = usage.ParseServerAccessLog(bytes.NewReader([]byte{0x1f, 0x8b, 1, 2, 3}), "bad.gz", func(*usage.Record) error { return nil })
	assert.Error(t, err, "a broken gzip stream is a read error, not a malformed line")
}

func TestParseServerAccessLogLongLine(t *testing.T) {
	good := line("-", "REST.GET.OBJECT", "k", "GET /logs-bucket/k HTTP/1.1", 200)
	long := line("-", "REST.GET.OBJECT", strings.Repeat("a", 2<<20), "GET /x HTTP/1.1", 200)
	mid := line("-", "REST.GET.OBJECT", strings.Repeat("b", 100<<10), "GET /x HTTP/1.1", 200)
	recs, stats := parseAll(t, good+"\n"+long+"\n"+mid+"\n"+good, "l.log")
	assert.Len(t, recs, 3, "a line longer than the read buffer but under 1 MiB is read")
	assert.Equal(t, 1, stats.Malformed)
	assert.Equal(t, 2, stats.Errors[0].Line)
}

// scanAll reads input with a ServerAccessLogScanner and calls fn for each
// record, as ParseServerAccessLog would.
func scanAll(r io.Reader, file string, fn func(*usage.Record) error) (*usage.ParseStats, error) {
	sc := usage.NewServerAccessLogScanner(r, file)
	for sc.Scan() {
		if err := fn(sc.Record()); err != nil {
			return sc.Stats(), err
		}
	}
	return sc.Stats(), sc.Err()
}

// multiBlockLog is larger than the readers' buffers, with lines longer than
// them.
func multiBlockLog() string {
	var b strings.Builder
	b.WriteString(scenario())
	b.WriteString(string(benchLog(3000)))
	b.WriteString(line("-", "REST.GET.OBJECT", strings.Repeat("k", 300<<10), "GET /x HTTP/1.1", 200) + "\n")
	b.WriteString(string(benchLog(500)))
	return b.String()
}

// The scanner (strings sharing its buffer) gives exactly the records
// ParseServerAccessLog gives, across blocks and overlong lines; and the
// records ParseServerAccessLog passed on keep their strings after the whole
// log is read.
func TestScannerMatchesParse(t *testing.T) {
	input := multiBlockLog()
	snapshot := func(parse parseFunc, kept *[]usage.Record) ([]string, *usage.ParseStats) {
		var out []string
		stats, err := parse(strings.NewReader(input), "f", func(r *usage.Record) error {
			d := r.Detail()
			out = append(out, fmt.Sprintf("%+v %+v", *r, d)) // a copy, made while the strings are valid
			if kept != nil {
				*kept = append(*kept, *r)
			}
			return nil
		})
		require.NoError(t, err)
		return out, stats
	}
	var kept []usage.Record
	want, wantStats := snapshot(usage.ParseServerAccessLog, &kept)
	require.Greater(t, len(want), 3500)
	for i := range want {
		if k := fmt.Sprintf("%+v %+v", kept[i], kept[i].Detail()); k != want[i] {
			t.Fatalf("record %d kept from ParseServerAccessLog changed:\n%s\n%s", i, want[i], k)
		}
	}
	small := func(copy bool) parseFunc {
		return func(r io.Reader, file string, fn func(*usage.Record) error) (*usage.ParseStats, error) {
			return usage.ScanServerAccessLogBlocks(r, file, 1000, copy, fn)
		}
	}
	for name, read := range map[string]parseFunc{"scanner": scanAll, "scanner, small buffers": small(false), "parse, small buffers": small(true)} {
		got, gotStats := snapshot(read, nil)
		assert.Equal(t, wantStats, gotStats, name)
		require.Equal(t, len(want), len(got), name)
		for i := range want {
			if want[i] != got[i] {
				t.Fatalf("%s: record %d differs:\n%s\n%s", name, i, want[i], got[i])
			}
		}
	}
}

// A scanner's record is valid until the next Scan; its Clone is valid for
// good, and so are its Stats; Err is nil at the end of the input.
func TestScannerCloneStatsErr(t *testing.T) {
	input := multiBlockLog() + "a malformed line\n"
	sc := usage.NewServerAccessLogScanner(strings.NewReader(input), "f")
	var clones []*usage.Record
	var want []string
	for sc.Scan() {
		c := sc.Record().Clone()
		clones = append(clones, c)
		want = append(want, fmt.Sprintf("%+v %+v", *c, c.Detail()))
	}
	require.NoError(t, sc.Err())
	_, stats := parseAll(t, input, "f")
	assert.Equal(t, stats, sc.Stats())
	assert.Equal(t, 2, sc.Stats().Malformed, "the scenario's malformed line and the last one")
	for i, c := range clones {
		require.Equal(t, want[i], fmt.Sprintf("%+v %+v", *c, c.Detail()), "clone %d changed after later Scans", i)
	}
}

// A failed read ends the scan with a *ReadError, after the records read
// before it; a broken gzip stream is one too.
func TestScannerReadError(t *testing.T) {
	good := line("-", "REST.GET.OBJECT", "k", "GET /logs-bucket/k HTTP/1.1", 200) + "\n"
	broken := errors.New("connection reset")
	sc := usage.NewServerAccessLogScanner(io.MultiReader(strings.NewReader(good+good), iotestErr{broken}), "s3://logs/x")
	n := 0
	for sc.Scan() {
		n++
	}
	assert.Equal(t, 2, n)
	var re *usage.ReadError
	require.ErrorAs(t, sc.Err(), &re)
	assert.Equal(t, "s3://logs/x", re.Object)
	assert.ErrorIs(t, sc.Err(), broken)
	assert.False(t, sc.Scan(), "a scan that ended stays ended")

	sc = usage.NewServerAccessLogScanner(bytes.NewReader([]byte{0x1f, 0x8b, 1, 2, 3}), "bad.gz")
	assert.False(t, sc.Scan())
	require.ErrorAs(t, sc.Err(), &re)
}

type iotestErr struct{ err error }

func (e iotestErr) Read([]byte) (int, error) { return 0, e.err }

// Scanning costs no allocation per line: a log ten times longer allocates
// no more.
func TestScannerAllocatesNothingPerLine(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector allocates")
	}
	short, long := benchLog(2000), benchLog(20000)
	allocs := func(input []byte) float64 {
		return testing.AllocsPerRun(5, func() {
			sc := usage.NewServerAccessLogScanner(bytes.NewReader(input), "f")
			for sc.Scan() {
			}
		})
	}
	a, b := allocs(short), allocs(long)
	t.Logf("allocations: %.0f for 2,000 lines, %.0f for 20,000", a, b)
	assert.LessOrEqual(t, b, a+2, "allocations grow with the lines")
	assert.Less(t, b, 40.0)
}

// A request-target holds what the caller chose; were a raw quote of it
// logged as is, the Request-URI would end early and the rest of the target
// would be read as the fields after it. A caller denied a read could then
// write the HTTP status (200) and error code of its own line, and Suggest
// would propose the read it was denied. A Request-URI that is not "-" or
// "METHOD TARGET HTTP/version" (a request line has exactly two spaces, and
// the target none) makes the line malformed, never a record with fields
// the caller wrote.
func TestParseServerAccessLogRequestURIInjection(t *testing.T) {
	alice := "arn:aws:iam::111122223333:user/alice"
	injected := `GET /logs-bucket/secret/x" 200 - 100 100 10 5 "-" "x" - HOSTID= SigV4 TLS_AES_128_GCM_SHA256 AuthHeader logs-bucket.s3.eu-west-1.amazonaws.com TLSv1.3 - - "a HTTP/1.1`
	lines := []string{
		line(alice, "REST.GET.OBJECT", "secret/x", injected, 403),
		line(alice, "REST.GET.OBJECT", "k", "GET /logs-bucket/k", 200),
		line(alice, "REST.GET.OBJECT", "k", "GET /logs-bucket/k HTTP/1.1 extra", 200),
		line(alice, "REST.GET.OBJECT", "k", "GET /logs-bucket/k HTTP/1.1", 200),
		line(alice, "REST.GET.OBJECT", "k", "-", 200),
		line(alice, "REST.GET.OBJECT", "k", "GET /logs-bucket/k HTTP/2.0", 200),
	}
	recs, stats := parseAll(t, strings.Join(lines, "\n"), "i.log")
	assert.Equal(t, 3, stats.Malformed, "%+v", stats.Errors)
	require.Len(t, recs, 3)
	for _, r := range recs {
		assert.Equal(t, "k", r.Key)
	}
	require.NotEmpty(t, stats.Errors)
	assert.Equal(t, 1, stats.Errors[0].Line)
	assert.Contains(t, stats.Errors[0].Reason, "Request-URI")

	// Through Suggest: nothing is proposed for the injected line.
	rep, err := usage.Suggest(t.Context(), "logs-bucket", usage.Input{BucketOwner: "111122223333",
		ServerAccessLogs: []usage.Source{stringSource("i.log", lines[0]+"\n")}},
		&usage.Options{Now: time.Date(2024, 3, 2, 0, 0, 0, 0, time.UTC)})
	require.NoError(t, err)
	assert.Zero(t, rep.Counts.Succeeded)
	assert.Empty(t, rep.Used)
	assert.Nil(t, rep.BucketPolicy)
}
