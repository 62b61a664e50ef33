package usage

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"strings"
	"time"
	"unsafe"
)

// maxLineLength bounds one log line; a longer one is reported malformed.
const maxLineLength = 1 << 20

// ParseServerAccessLog reads an Amazon S3 server access log from r and calls
// fn for each well-formed record, in order. r may be gzip-compressed (told by
// its first bytes). file names r in errors and in each Record.
//
// The format is the documented one: space-separated fields, "-" for an
// absent value, the time in brackets ("[06/Feb/2019:00:00:38 +0000]"), the
// Request-URI, Referer and User-Agent in double quotes (a backslash escapes a
// quote inside them); the trailing fields (Version Id, Host Id, Signature
// Version, Cipher Suite, Authentication Type, Host Header, TLS version,
// Access Point ARN, ACL Required) may be missing, and fields S3 adds after
// them are ignored. The Key is URL-decoded; VersionID and, for a listing,
// ListPrefix come from the Request-URI's query (for the GET half of a copy,
// REST.COPY.OBJECT_GET, from the Version Id field). The fields after the
// error code are read by [Record.Detail] when asked for.
//
// A line that cannot be read (too few fields, an unterminated quote, a bad
// time or status, a bad escape in the key, fewer than the four quotes of
// the Referer and User-Agent after the error code) is counted in the returned stats,
// with its file and line, and skipped: it never stops the run. The record
// passed to fn is reused for the next line: copy what you keep (its strings
// may be kept as they are).
//
// Errors: a [*ReadError] for a failed read (or a broken gzip stream), or fn's error, returned as
// is. The stats are valid in every case.
func ParseServerAccessLog(r io.Reader, file string, fn func(*Record) error) (*ParseStats, error) {
	return parseServerAccessLog(r, file, fn, false)
}

// parseServerAccessLog is ParseServerAccessLog; with reuse, the strings of
// the record passed to fn share the reader's buffer and are valid only
// until fn returns (Suggest's own reading, which copies what it keeps:
// BenchmarkParseServerAccessLog measures both).
func parseServerAccessLog(r io.Reader, file string, fn func(*Record) error, reuse bool) (*ParseStats, error) {
	stats := &ParseStats{}
	r, err := maybeGunzip(r)
	if err != nil {
		return stats, &ReadError{Object: file, Err: err}
	}
	p := &salParser{file: file, principals: map[string]*cachedPrincipal{}}
	lr := lineReader{r: r, reuse: reuse}
	for {
		s, line, tooLong, err := lr.next()
		if len(s) > 0 || tooLong {
			stats.Lines++
			switch {
			case tooLong:
				stats.malformed(file, line, "line longer than 1 MiB")
			default:
				if reason := p.parse(s, line); reason != "" {
					stats.malformed(file, line, reason)
					break
				}
				stats.Records++
				if ferr := fn(&p.rec); ferr != nil {
					return stats, ferr
				}
			}
		}
		if err == io.EOF {
			return stats, nil
		}
		if err != nil {
			return stats, &ReadError{Object: file, Err: err}
		}
	}
}

// lineReader splits its input into lines without their line endings. It
// reads blocks and turns each block's complete lines into one string, so a
// line costs no allocation of its own and the lines are substrings of it.
type lineReader struct {
	r     io.Reader
	buf   []byte // buf[:n] holds bytes read but not yet made into lines
	n     int
	block string // complete lines not yet returned
	line  int    // the number of the last line returned
	err   error  // the read error to return once the lines run out
	skip  bool   // inside a line longer than maxLineLength
	// reuse makes the lines share two buffers used in turn, instead of
	// copies: a line is valid until the block after its own is read.
	reuse bool
	spare []byte
}

const lineBlock = 32 << 10

// next returns the next line and its number. err is io.EOF (or a read error)
// with the last line, or alone once nothing is left.
func (lr *lineReader) next() (s string, line int, tooLong bool, err error) {
	for {
		if lr.block != "" {
			i := strings.IndexByte(lr.block, '\n')
			s, lr.block = lr.block[:i], lr.block[i+1:]
			lr.line++
			return strings.TrimSuffix(s, "\r"), lr.line, false, nil
		}
		if lr.err != nil {
			if lr.skip { // an overlong last line
				lr.skip, lr.n = false, 0
				lr.line++
				return "", lr.line, true, lr.err
			}
			if lr.n > 0 { // a last line without a newline
				s = string(lr.buf[:lr.n])
				lr.n = 0
				lr.line++
				return strings.TrimSuffix(s, "\r"), lr.line, false, lr.err
			}
			return "", lr.line, false, lr.err
		}
		if lr.buf == nil {
			lr.buf = make([]byte, lineBlock)
		}
		if lr.n == len(lr.buf) { // a line longer than the buffer
			if len(lr.buf) < maxLineLength {
				lr.buf = append(lr.buf, make([]byte, len(lr.buf))...)
			} else {
				lr.skip = true // keep reading to its end, then report it
				lr.n = 0
			}
		}
		m, err := lr.r.Read(lr.buf[lr.n:])
		if m == 0 && err == nil {
			continue
		}
		lr.n += m
		lr.err = err
		if last := bytes.LastIndexByte(lr.buf[lr.n-m:lr.n], '\n'); last >= 0 {
			end := lr.n - m + last + 1
			if lr.skip {
				// The rest of the overlong line ends here.
				lr.skip = false
				first := bytes.IndexByte(lr.buf[:end], '\n')
				lr.block = lr.seal(first+1, end)
				lr.line++
				return "", lr.line, true, nil
			}
			lr.block = lr.seal(0, end)
		}
	}
}

// seal returns buf[from:end] as a string and moves the bytes after end to
// the front of the buffer: a copy (a record's strings are its own), or with
// reuse the buffer's own bytes.
func (lr *lineReader) seal(from, end int) string {
	if !lr.reuse {
		s := string(lr.buf[from:end])
		lr.n = copy(lr.buf, lr.buf[end:lr.n])
		return s
	}
	old := lr.buf
	if len(lr.spare) != len(old) {
		lr.spare = make([]byte, len(old))
	}
	lr.buf, lr.spare = lr.spare, old
	lr.n = copy(lr.buf, old[end:lr.n])
	if end == from {
		return ""
	}
	// The next read fills the other buffer; this one is written again only
	// after every line of this block has been handed out and used.
	return unsafe.String(&old[from], end-from)
}

// cachedPrincipal is a requester (a copy, which the cache's key shares)
// and who it is.
type cachedPrincipal struct {
	key string
	p   Principal
}

type salParser struct {
	file string
	rec  Record
	// The time of the previous line, which the next usually shares.
	lastTime   [26]byte
	hasTime    bool
	lastParsed time.Time
	// The query of the last Request-URI with one, and what it says:
	// listings repeat theirs.
	lastQuery, lastPrefix, lastVersion string
	lastHasPrefix                      bool
	// head is "owner bucket " of the last line, which the next shares.
	head, owner, bucket string
	// principals caches requester → principal; a log has few requesters,
	// and runs of the same one.
	principals    map[string]*cachedPrincipal
	lastRequester string
	lastPrincipal Principal
}

// parse reads one line into p.rec and returns why it is malformed, or "".
// It reads the fields through the error code, and checks that the quoted
// Referer and User-Agent follow; Record.Detail reads the rest when asked.
func (p *salParser) parse(s string, line int) string {
	r := &p.rec
	// Every field is set below, or reset here. A field that holds what the
	// previous line had is not written again: the record is reused, and
	// writing strings into it (write barriers while the GC runs) costs
	// more than reading the rest of the line.
	if r.File != p.file {
		r.File = p.file
	}
	r.Line = line
	if r.VersionID != "" || r.ListPrefix != "" || r.HasListPrefix || r.CopySource != "" {
		r.VersionID, r.ListPrefix, r.HasListPrefix, r.CopySource = "", "", false, ""
	}
	r.detailRead = false
	i := 0
	// Bucket owner and bucket: the same on every line of a log file.
	if p.head != "" && strings.HasPrefix(s, p.head) {
		if r.Bucket != p.bucket || r.BucketOwner != p.owner {
			r.BucketOwner, r.Bucket = p.owner, p.bucket
		}
		i = len(p.head)
	} else {
		owner, ok := plainField(s, &i)
		if !ok {
			return "no bucket"
		}
		r.BucketOwner = dash(owner)
		b, ok := plainField(s, &i)
		if !ok || b == "-" {
			return "no bucket"
		}
		r.Bucket = b
		// The caches outlive the line: they keep copies.
		p.head, p.owner, p.bucket = "", strings.Clone(r.BucketOwner), strings.Clone(b)
		r.BucketOwner, r.Bucket = p.owner, p.bucket
		if i < len(s) && s[i] == ' ' {
			p.head = strings.Clone(s[:i+1])
		}
	}
	skipSpaces(s, &i)
	// Time: "[06/Feb/2019:00:00:38 +0000]", 28 bytes.
	var ts string
	if i+28 <= len(s) && s[i] == '[' && s[i+27] == ']' {
		ts, i = s[i+1:i+27], i+28
	} else {
		return "bad time"
	}
	if !p.hasTime || ts != string(p.lastTime[:]) {
		t, ok := parseLogTime(ts)
		if !ok {
			return "bad time " + quoteShort(ts)
		}
		copy(p.lastTime[:], ts)
		p.hasTime, p.lastParsed = true, t
		r.Time = t
	} else if !r.Time.Equal(p.lastParsed) {
		r.Time = p.lastParsed
	}
	var f [5]string // remote IP, requester, request ID, operation, key
	for n := range f {
		v, ok := plainField(s, &i)
		if !ok {
			return "line ends before the Request-URI"
		}
		f[n] = v
	}
	if ip := dash(f[0]); ip != r.SourceIP {
		r.SourceIP = ip
	}
	if rq := dash(f[1]); rq != r.Requester || rq == "" {
		r.Requester = rq
	}
	if r.Requester == p.lastRequester && p.lastRequester != "" {
		if r.Principal != p.lastPrincipal {
			r.Principal = p.lastPrincipal
		}
	} else {
		c, ok := p.principals[r.Requester]
		if !ok {
			key := strings.Clone(r.Requester)
			c = &cachedPrincipal{key: key, p: parseRequester(key)}
			if len(p.principals) >= 4096 {
				clear(p.principals)
			}
			p.principals[key] = c
		}
		pr := c.p
		r.Principal = pr
		p.lastRequester, p.lastPrincipal = c.key, pr
	}
	r.RequestID = dash(f[2])
	r.Operation = f[3]
	if r.Operation == "-" {
		return "no operation"
	}
	if k := dash(f[4]); strings.IndexByte(k, '%') < 0 {
		r.Key = k
	} else {
		dk, err := url.PathUnescape(k)
		if err != nil {
			return "bad escape in key " + quoteShort(k)
		}
		r.Key = dk
	}
	skipSpaces(s, &i)
	uri, reason := quotedField(s, &i)
	if reason != "" {
		return reason
	}
	r.RequestURI = dash(uri)
	st, ok := plainField(s, &i)
	if !ok || len(st) != 3 || st[0] < '1' || st[0] > '5' || st[1] < '0' || st[1] > '9' || st[2] < '0' || st[2] > '9' {
		return "bad HTTP status " + quoteShort(st)
	}
	r.Status = int(st[0]-'0')*100 + int(st[1]-'0')*10 + int(st[2]-'0')
	ec, ok := plainField(s, &i)
	if !ok {
		return "line ends after the HTTP status"
	}
	r.ErrorCode = dash(ec)
	// Four sizes and times, then the quoted Referer and User-Agent: a line
	// cut before the User-Agent's closing quote has fewer than four quotes.
	rest := s[i:]
	if strings.Count(rest, `"`) < 4 {
		return "line ends before the User-Agent"
	}
	r.detailRaw = rest
	if q := strings.IndexByte(r.RequestURI, '?'); q >= 0 {
		query := r.RequestURI[q:]
		if query != p.lastQuery {
			p.lastQuery = strings.Clone(query)
			p.lastPrefix, p.lastHasPrefix = queryParam(p.lastQuery, "prefix")
			p.lastVersion, _ = queryParam(p.lastQuery, "versionId")
		}
		if r.Key == "" {
			r.ListPrefix, r.HasListPrefix = p.lastPrefix, p.lastHasPrefix
		}
		r.VersionID = p.lastVersion
	}
	if strings.HasSuffix(r.Operation, "_GET") {
		// The GET half of a copy (REST.COPY.OBJECT_GET): the Request-URI is
		// the copy's, the Version Id field the source's.
		var f [numDetailFields]string
		splitFields(r.detailRaw, f[:])
		r.VersionID = dash(f[detailVersionID])
	}
	return ""
}

func skipSpaces(s string, i *int) {
	for *i < len(s) && s[*i] == ' ' {
		*i++
	}
}

// plainField reads the run of non-spaces at s[*i] (after spaces).
func plainField(s string, i *int) (string, bool) {
	skipSpaces(s, i)
	if *i >= len(s) {
		return "", false
	}
	start := *i
	k := strings.IndexByte(s[start:], ' ')
	if k < 0 {
		*i = len(s)
		return s[start:], true
	}
	*i = start + k
	return s[start:*i], true
}

// quotedField reads a double-quoted field at s[*i] (a backslash escapes a
// quote inside it), or a plain one ("-").
func quotedField(s string, i *int) (string, string) {
	if *i >= len(s) {
		return "", "line ends before the Request-URI"
	}
	if s[*i] != '"' {
		v, _ := plainField(s, i)
		return v, ""
	}
	start := *i + 1
	j := start
	for {
		k := strings.IndexByte(s[j:], '"')
		if k < 0 {
			return "", "unterminated quoted field"
		}
		j += k
		bs := 0
		for m := j - 1; m >= start && s[m] == '\\'; m-- {
			bs++
		}
		if bs%2 == 0 {
			break
		}
		j++
	}
	if j+1 < len(s) && s[j+1] != ' ' {
		return "", "text after a closing quote"
	}
	*i = j + 1
	return s[start:j], ""
}

// Fields after the error code, as Detail reads them.
const (
	detailBytesSent = iota
	detailObjectSize
	detailTotalTime
	detailTurnAroundTime
	detailReferer
	detailUserAgent
	detailVersionID
	detailHostID
	detailSignatureVersion
	detailCipherSuite
	detailAuthType
	detailHostHeader
	detailTLSVersion
	detailAccessPointARN
	detailACLRequired
	numDetailFields
)

func parseDetail(raw string) Detail {
	var f [numDetailFields]string
	splitFields(raw, f[:])
	return Detail{
		Referer: dash(f[detailReferer]), UserAgent: dash(f[detailUserAgent]), HostID: dash(f[detailHostID]),
		SignatureVersion: dash(f[detailSignatureVersion]), CipherSuite: dash(f[detailCipherSuite]),
		AuthType: dash(f[detailAuthType]), HostHeader: dash(f[detailHostHeader]), TLSVersion: dash(f[detailTLSVersion]),
		AccessPointARN: dash(f[detailAccessPointARN]), ACLRequired: dash(f[detailACLRequired]),
	}
}

// splitFields splits s into its first len(f) fields: runs of non-spaces,
// double-quoted strings and bracketed times, without their quotes or
// brackets; it stops at the first damaged one.
func splitFields(s string, f []string) {
	i := 0
	for n := range f {
		skipSpaces(s, &i)
		if i >= len(s) {
			return
		}
		if s[i] == '"' {
			v, reason := quotedField(s, &i)
			if reason != "" {
				return
			}
			f[n] = v
			continue
		}
		f[n], _ = plainField(s, &i)
	}
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

var months = [...]string{"Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"}

// parseLogTime parses "06/Feb/2019:00:00:38 +0000" (strftime
// "%d/%b/%Y:%H:%M:%S %z") and returns it in UTC.
func parseLogTime(s string) (time.Time, bool) {
	if len(s) != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-') {
		return time.Time{}, false
	}
	num := func(a, b int) (int, bool) {
		n := 0
		for i := a; i < b; i++ {
			if s[i] < '0' || s[i] > '9' {
				return 0, false
			}
			n = n*10 + int(s[i]-'0')
		}
		return n, true
	}
	day, ok1 := num(0, 2)
	year, ok2 := num(7, 11)
	hour, ok3 := num(12, 14)
	minute, ok4 := num(15, 17)
	sec, ok5 := num(18, 20)
	zh, ok6 := num(22, 24)
	zm, ok7 := num(24, 26)
	if !(ok1 && ok2 && ok3 && ok4 && ok5 && ok6 && ok7) {
		return time.Time{}, false
	}
	mon := 0
	for i, m := range months {
		if s[3:6] == m {
			mon = i + 1
			break
		}
	}
	if mon == 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 60 || zh > 23 || zm > 59 {
		return time.Time{}, false
	}
	t := time.Date(year, time.Month(mon), day, hour, minute, sec, 0, time.UTC)
	if t.Day() != day { // 31 Feb
		return time.Time{}, false
	}
	off := time.Duration(zh)*time.Hour + time.Duration(zm)*time.Minute
	if s[21] == '+' {
		off = -off
	}
	return t.Add(off), true
}

// queryParam returns the decoded value of the query parameter name in a
// Request-URI ("GET /bucket?prefix=a%2F&list-type=2 HTTP/1.1").
func queryParam(uri, name string) (string, bool) {
	q := strings.IndexByte(uri, '?')
	if q < 0 {
		return "", false
	}
	rest := uri[q+1:]
	if sp := strings.IndexByte(rest, ' '); sp >= 0 {
		rest = rest[:sp]
	}
	for rest != "" {
		var kv string
		kv, rest, _ = strings.Cut(rest, "&")
		k, v, _ := strings.Cut(kv, "=")
		if k == name {
			dv, err := url.QueryUnescape(v)
			if err != nil {
				return "", false
			}
			return dv, true
		}
	}
	return "", false
}

// quoteShort quotes s for a message, cut to 40 bytes.
func quoteShort(s string) string {
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return fmt.Sprintf("%q", s)
}
