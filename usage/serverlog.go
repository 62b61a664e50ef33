package usage

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math/bits"
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
// quote inside them) or a bare "-"; the trailing fields (Version Id, Host Id, Signature
// Version, Cipher Suite, Authentication Type, Host Header, TLS version,
// Access Point ARN, ACL Required) may be missing, and fields S3 adds after
// them are ignored. The Key is URL-decoded: once, or twice when S3 encoded
// it twice, as it does for a request whose target names the key, or not
// at all when it is written as the key is (the Request-URI, encoded once,
// tells which); VersionID and, for a listing,
// ListPrefix come from the Request-URI's query (for the GET half of a copy,
// REST.COPY.OBJECT_GET, and a key of a DeleteObjects, BATCH.DELETE.OBJECT,
// from the Version Id field). The fields after the
// error code are read by [Record.Detail] when asked for.
//
// A line that cannot be read (too few fields, an unterminated quote, a bad
// time or status, a bad escape in the key, a Request-URI that is neither
// "-" nor "METHOD TARGET HTTP/version", a line that ends before the
// User-Agent or inside it, a Key that reads as two keys, encoded once or
// twice, when the Request-URI names neither) is counted in the returned
// stats, with its file and line, and skipped: it never stops the run. The record
// passed to fn is reused for the next line: copy what you keep (its strings
// are its own and may be kept as they are). [ServerAccessLogScanner] reads
// the same records without copying their strings.
//
// Errors: a [*ReadError] for a failed read (or a broken gzip stream), or fn's error, returned as
// is. The stats are valid in every case.
func ParseServerAccessLog(r io.Reader, file string, fn func(*Record) error) (*ParseStats, error) {
	sc := newServerAccessLogScanner(r, file, false)
	for sc.Scan() {
		if err := fn(&sc.p.rec); err != nil {
			return &sc.stats, err
		}
	}
	return &sc.stats, sc.Err()
}

// ServerAccessLogScanner reads an Amazon S3 server access log one record at
// a time, as [ParseServerAccessLog] does, but without copying: the record's
// strings share the scanner's buffer, so reading costs no allocation per
// line. Like [bufio.Scanner.Bytes], the record [ServerAccessLogScanner.Record]
// returns and every string in it are valid only until the next call to
// Scan, which overwrites them: copy what you keep ([Record.Clone]).
//
//	sc := usage.NewServerAccessLogScanner(r, "access.log")
//	for sc.Scan() {
//		rec := sc.Record()
//		…
//	}
//	if err := sc.Err(); err != nil { … }
//	stats := sc.Stats()
type ServerAccessLogScanner struct {
	src     io.Reader
	started bool
	lr      lineReader
	p       salParser
	stats   ParseStats
	err     error
}

// NewServerAccessLogScanner returns a scanner of the server access log r
// (plain or gzip-compressed, told by its first bytes). file names r in
// errors and in each Record.
func NewServerAccessLogScanner(r io.Reader, file string) *ServerAccessLogScanner {
	return newServerAccessLogScanner(r, file, true)
}

func newServerAccessLogScanner(r io.Reader, file string, borrow bool) *ServerAccessLogScanner {
	sc := &ServerAccessLogScanner{src: r}
	sc.lr.borrow = borrow
	sc.p.file, sc.p.own = file, !borrow
	return sc
}

// Scan reads the next well-formed record, counting and skipping malformed
// lines (see [ParseServerAccessLog]). It returns false at the end of the
// input or on a read error, which Err then returns.
func (sc *ServerAccessLogScanner) Scan() bool {
	if !sc.started {
		sc.started = true
		r, err := maybeGunzip(sc.src)
		if err != nil {
			sc.err = &ReadError{Object: sc.p.file, Err: err}
			return false
		}
		sc.lr.r = r
	}
	for sc.err == nil {
		s, line, tooLong, err := sc.lr.next()
		switch {
		case err == io.EOF:
			sc.err = err // after this line, if it is one
		case err != nil:
			sc.err = &ReadError{Object: sc.p.file, Err: err}
		}
		if len(s) == 0 && !tooLong {
			continue
		}
		sc.stats.Lines++
		if tooLong {
			sc.stats.malformed(sc.p.file, line, "line longer than 1 MiB")
		} else if reason := sc.p.parse(s, line); reason != "" {
			sc.stats.malformed(sc.p.file, line, reason)
		} else {
			sc.stats.Records++
			return true
		}
	}
	return false
}

// Record returns the record the last Scan read. It and its strings are
// valid only until the next call to Scan.
func (sc *ServerAccessLogScanner) Record() *Record { return &sc.p.rec }

// Err returns the error that ended the scan: a [*ReadError] for a failed
// read (or a broken gzip stream), nil at the end of the input.
func (sc *ServerAccessLogScanner) Err() error {
	if sc.err == io.EOF {
		return nil
	}
	return sc.err
}

// Stats returns the counts of the lines read so far, and the first
// malformed ones.
func (sc *ServerAccessLogScanner) Stats() *ParseStats { return &sc.stats }

// lineReader splits its input into lines without their line endings. It
// reads blocks and hands out each block's complete lines as substrings of
// it, so a line costs no allocation or copy of its own.
type lineReader struct {
	r     io.Reader
	buf   []byte // buf[:n] holds bytes read but not yet made into lines
	n     int
	block string // complete lines not yet returned
	line  int    // the number of the last line returned
	err   error  // the read error to return once the lines run out
	skip  bool   // inside a line longer than maxLineLength
	// borrow makes the lines share two buffers used in turn: a line is
	// valid until the block after its own is read. Otherwise each block is
	// memory of its own, never written again, and a line may be kept.
	borrow bool
	spare  []byte
	// size is the usual size of a buffer (lineBlock; smaller in tests).
	size int
}

const lineBlock = 64 << 10

// next returns the next line and its number. err is io.EOF (or a read error)
// with the last line, or alone once nothing is left.
func (lr *lineReader) next() (s string, line int, tooLong bool, err error) {
	for {
		if lr.block != "" {
			i := strings.IndexByte(lr.block, '\n')
			s, lr.block = lr.block[:i], lr.block[i+1:]
			lr.line++
			if len(s) > 0 && s[len(s)-1] == '\r' {
				s = s[:len(s)-1]
			}
			return s, lr.line, false, nil
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
			if lr.size == 0 {
				lr.size = lineBlock
			}
			lr.buf = make([]byte, lr.size)
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

// seal returns buf[from:end] as a string, which shares the buffer's memory,
// and moves the bytes after end to the front of a buffer for the next read:
// with borrow the other of the two, otherwise a new one (so the string's
// bytes are never written again).
func (lr *lineReader) seal(from, end int) string {
	old := lr.buf
	size := len(old)
	if lr.n-end < lr.size/2 {
		size = lr.size // back to the usual size after a long line
	}
	if lr.borrow {
		if len(lr.spare) != size {
			lr.spare = make([]byte, size)
		}
		lr.buf, lr.spare = lr.spare, old
	} else {
		lr.buf = make([]byte, size)
	}
	lr.n = copy(lr.buf, old[end:lr.n])
	if end == from {
		return ""
	}
	// With borrow, the next read fills the other buffer; this one is
	// written again only after every line of this block has been handed
	// out and used.
	return unsafe.String(&old[from], end-from)
}

// cachedPrincipal is a requester (a copy, which the cache's key shares)
// and who it is.
type cachedPrincipal struct {
	key string
	p   Principal
}

// anonymous is the requester "-".
var anonymous = &cachedPrincipal{p: Principal{Kind: Anonymous}}

// maxCached bounds the parser's cache of principals; when it fills up it is
// emptied.
const maxCached = 4096

type salParser struct {
	file string
	rec  Record
	// The time of the previous line (a copy), which the next usually
	// shares, and its value.
	lastTime   string
	lastParsed time.Time
	// The query of the last Request-URI with one, and what it says:
	// listings repeat theirs.
	lastQuery, lastPrefix, lastVersion string
	lastHasPrefix                      bool
	// head is "owner bucket " of the last line, which the next shares.
	head, owner, bucket string
	// principals caches requester → principal: a log has few requesters.
	// recent is a direct-mapped cache in front of it, indexed by a hash of
	// the requester's length and last eight bytes.
	principals map[string]*cachedPrincipal
	recent     [64]*cachedPrincipal
	// last is the principal of the previous line, in the record.
	last *cachedPrincipal
	// own is set when the record's strings are its own
	// (ParseServerAccessLog): every block is new memory, so the collector
	// runs while reading.
	own bool
}

// parse reads one line into p.rec and returns why it is malformed, or "".
// It reads the fields through the error code, and checks that the quoted
// Referer and User-Agent follow; Record.Detail reads the rest when asked.
//
// It is the hot loop of reading a log (BenchmarkParseServerAccessLog
// measures it): it finds the five fields before the Request-URI in one
// pass, with a bitmap of spaces; compares what repeats from line to line
// (owner and bucket, time, requester) with the previous line's copy rather
// than reading it again; and calls strings.IndexByte (vectorised, but a
// call) only for the long fields.
func (p *salParser) parse(s string, line int) string {
	r := &p.rec
	// Every field is set below, or reset here. A field that holds what the
	// previous line had (the same text, wherever it is) is not written
	// again: writing a string into the record while the garbage collector
	// runs costs a write barrier, more than comparing. (A string left
	// pointing into an older block holds the text compared: the record is
	// valid until the next line, and no block is written before then.)
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
		i = len(p.head)
	} else {
		a, b, ok := nextField(s, 0)
		if !ok {
			return "no bucket"
		}
		owner := s[a:b]
		a, i, ok = nextField(s, b)
		if !ok || s[a:i] == "-" {
			return "no bucket"
		}
		// The caches outlive the line: they keep copies.
		p.head, p.owner, p.bucket = "", strings.Clone(dash(owner)), strings.Clone(s[a:i])
		if i < len(s) {
			p.head = strings.Clone(s[:i+1])
		}
	}
	if r.BucketOwner != p.owner || r.Bucket != p.bucket {
		r.BucketOwner, r.Bucket = p.owner, p.bucket
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	// Time: "[06/Feb/2019:00:00:38 +0000]", 28 bytes.
	if i+28 > len(s) || s[i] != '[' || s[i+27] != ']' {
		return "bad time"
	}
	if p.lastTime == "" || s[i+1:i+27] != p.lastTime {
		ts := s[i+1 : i+27]
		t, ok := parseLogTime(ts)
		if !ok {
			return "bad time " + quoteShort(ts)
		}
		p.lastTime, p.lastParsed = strings.Clone(ts), t
	}
	if r.Time != p.lastParsed {
		r.Time = p.lastParsed
	}
	i += 28
	for i < len(s) && s[i] == ' ' {
		i++
	}
	// Remote IP, requester, request ID, operation, key.
	var f [5]string
	var e [5]int
	if fieldEnds(s, i, e[:]) && i < e[0] && e[0]+1 < e[1] && e[1]+1 < e[2] && e[2]+1 < e[3] && e[3]+1 < e[4] && e[4] <= len(s) {
		f = [5]string{s[i:e[0]], s[e[0]+1 : e[1]], s[e[1]+1 : e[2]], s[e[2]+1 : e[3]], s[e[3]+1 : e[4]]}
		i = e[4]
	} else {
		// The line ends early, or fields are apart by more than a space.
		for n := range f {
			a, b, ok := nextField(s, i)
			if !ok {
				return "line ends before the Request-URI"
			}
			f[n], i = s[a:b], b
		}
	}
	c := p.principal(dash(f[1]))
	if c != p.last || r.Requester != c.key {
		r.Requester, r.Principal, p.last = c.key, c.p, c
	}
	if f[3] == "-" {
		return "no operation"
	}
	if p.own {
		// Only what changes is written (see above).
		if ip := dash(f[0]); ip != r.SourceIP {
			r.SourceIP = ip
		}
		if f[3] != r.Operation {
			r.Operation = f[3]
		}
	} else {
		// No collector runs while reading without allocating: writing
		// costs less than comparing.
		r.SourceIP, r.Operation = dash(f[0]), f[3]
	}
	r.RequestID = dash(f[2])
	encoded, badEscape := false, false
	if k := dash(f[4]); !hasPercent(k) {
		r.Key = k
	} else {
		encoded = true
		dk, err := url.PathUnescape(k)
		if err != nil {
			dk, badEscape = k, true
		}
		r.Key = dk
	}
	for i < len(s) && s[i] == ' ' {
		i++
	}
	uri, i, reason := quotedField(s, i)
	if reason != "" {
		return reason
	}
	if !requestLine(uri) {
		return "Request-URI " + quoteShort(uri) + ` is not "-" or "METHOD TARGET HTTP/version"`
	}
	r.RequestURI = dash(uri)
	switch {
	case !encoded:
	case targetNames(r.RequestURI, r.Bucket, f[4]):
		// The Request-URI names the field as it is: not encoded.
		r.Key = f[4]
	case badEscape:
		return "bad escape in key " + quoteShort(f[4])
	case strings.IndexByte(r.Key, '%') >= 0 && !strings.HasPrefix(r.Operation, "S3."):
		// Decoded once, the key still has a percent sign: it may be
		// encoded twice (see keyOf). S3's own work (S3.EXPIRE.OBJECT, …)
		// needs no grant, so its key does not matter.
		k, ok := keyOf(r.Key, r.RequestURI, r.Bucket)
		if !ok {
			return "Key field " + quoteShort(f[4]) + " reads as two keys (URL-encoded once or twice) and the Request-URI names neither"
		}
		r.Key = k
	}
	// The HTTP status: three digits.
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i+3 > len(s) || (i+3 < len(s) && s[i+3] != ' ') || s[i] < '1' || s[i] > '5' || s[i+1] < '0' || s[i+1] > '9' || s[i+2] < '0' || s[i+2] > '9' {
		a, b, _ := nextField(s, i)
		return "bad HTTP status " + quoteShort(s[a:b])
	}
	r.Status = int(s[i]-'0')*100 + int(s[i+1]-'0')*10 + int(s[i+2]-'0')
	// The error code, mostly "-".
	var ec string
	b := i + 5
	if b < len(s) && s[i+3] == ' ' && s[i+4] == '-' && s[b] == ' ' {
		ec = "-"
	} else {
		var a int
		var ok bool
		if a, b, ok = nextField(s, i+3); !ok {
			return "line ends after the HTTP status"
		}
		ec = s[a:b]
	}
	if ec = dash(ec); !p.own || ec != r.ErrorCode {
		r.ErrorCode = ec
	}
	// Four sizes and times, then the quoted Referer and User-Agent: a line
	// cut before the User-Agent's closing quote has fewer than four quotes.
	// S3 also writes either as a bare "-" (the per-key records of a
	// DeleteObjects, BATCH.DELETE.OBJECT, have all three: Request-URI,
	// Referer and User-Agent), which the fields themselves tell.
	rest := s[b:]
	if strings.Count(rest, `"`) < 4 && !throughUserAgent(rest) {
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
	if strings.HasSuffix(r.Operation, "_GET") || r.Operation == "BATCH.DELETE.OBJECT" {
		// The GET half of a copy (REST.COPY.OBJECT_GET): the Request-URI is
		// the copy's, the Version Id field the source's. A key of a
		// DeleteObjects (BATCH.DELETE.OBJECT) has no Request-URI ("-"):
		// the Version Id field is the version the request named for it.
		var f [numDetailFields]string
		splitFields(r.detailRaw, f[:])
		r.VersionID = dash(f[detailVersionID])
	}
	return ""
}

// keyOf returns the object key a Key field names, given the field decoded
// once (once), the Request-URI and the bucket. S3 writes the field
// URL-encoded twice when the request's target names the key (the key "a
// b", requested as /bucket/a%20b, is logged a%2520b), and once for the
// keys of a DeleteObjects (BATCH.DELETE.OBJECT) and S3's own work (Yelp
// Engineering, "S3 server access logs at scale", 2025; the S3 user guide
// says only "URL-encoded"). Decoded once, a key that still has a percent
// sign is then either the key (a key with a literal "%41", encoded once)
// or encoded once more; the Request-URI, the target as sent (encoded
// once), says which when it names the key, path style (/bucket/KEY) or
// virtual-hosted (/KEY). ok is false when both readings are keys and the
// Request-URI names neither (a DeleteObjects' key, the GET half of a
// copy): which object the request touched is unknown.
func keyOf(once, requestURI, bucket string) (key string, ok bool) {
	twice, err := url.PathUnescape(once)
	if err != nil || twice == once {
		return once, true // not a URL encoding: the key was encoded once
	}
	switch {
	case targetNames(requestURI, bucket, twice):
		return twice, true
	case targetNames(requestURI, bucket, once):
		return once, true
	}
	return "", false
}

// targetNames reports whether the target of a Request-URI ("GET
// /bucket/a%20b?x=1 HTTP/1.1"; an absolute target's path), decoded,
// names key in bucket, path style (/bucket/KEY) or virtual-hosted (/KEY).
func targetNames(requestURI, bucket, key string) bool {
	target := requestURI
	if sp := strings.IndexByte(target, ' '); sp >= 0 {
		target = target[sp+1:]
	}
	if sp := strings.LastIndexByte(target, ' '); sp >= 0 {
		target = target[:sp]
	}
	if q := strings.IndexByte(target, '?'); q >= 0 {
		target = target[:q]
	}
	if i := strings.Index(target, "://"); i >= 0 && !strings.HasPrefix(target, "/") {
		// An absolute target (through a proxy): the path after the host.
		rest := target[i+len("://"):]
		j := strings.IndexByte(rest, '/')
		if j < 0 {
			return false
		}
		target = rest[j:]
	}
	path, err := url.PathUnescape(target)
	return err == nil && (path == "/"+key || path == "/"+bucket+"/"+key)
}

// throughUserAgent reports whether rest, the line after the error code,
// holds the four sizes and times and then the Referer and the User-Agent,
// each quoted (and closed) or bare.
func throughUserAgent(rest string) bool {
	i := 0
	for range 4 {
		_, b, ok := nextField(rest, i)
		if !ok {
			return false
		}
		i = b
	}
	for range 2 {
		for i < len(rest) && rest[i] == ' ' {
			i++
		}
		if i >= len(rest) {
			return false
		}
		_, next, reason := quotedField(rest, i)
		if reason != "" {
			return false
		}
		i = next
	}
	return true
}

// principal returns the cached principal of the requester field (after
// dash), adding it to the caches when it is new.
func (p *salParser) principal(rq string) *cachedPrincipal {
	if rq == "" {
		return anonymous
	}
	slot := -1
	if len(rq) >= 8 {
		h := (load64(rq, len(rq)-8) ^ uint64(len(rq))) * 0x9E3779B97F4A7C15
		slot = int(h >> 58)
		if c := p.recent[slot]; c != nil && c.key == rq {
			return c
		}
	}
	c := p.principals[rq]
	if c == nil {
		key := strings.Clone(rq)
		c = &cachedPrincipal{key: key, p: parseRequester(key)}
		if p.principals == nil || len(p.principals) >= maxCached {
			p.principals = map[string]*cachedPrincipal{}
		}
		p.principals[key] = c
	}
	if slot >= 0 {
		p.recent[slot] = c
	}
	return c
}

const (
	swarOnes  = 0x0101010101010101
	swarHighs = 0x8080808080808080
)

// load64 returns the eight bytes of s at i, the first in the low bits.
func load64(s string, i int) uint64 {
	return binary.LittleEndian.Uint64((*[8]byte)(unsafe.Pointer(unsafe.StringData(s[i : i+8])))[:])
}

// fieldEnds sets ends to the indexes of the next len(ends) spaces from i,
// and reports whether there are that many. It reads 64 bytes at a time
// into a bitmap of their spaces, without a branch per byte or word (which
// a CPU mispredicts at every field's end), then takes the spaces from the
// bitmap.
func fieldEnds(s string, i int, ends []int) bool {
	k := 0
	for ; i+64 <= len(s); i += 64 {
		for m := spaces64(s, i); m != 0; m &= m - 1 {
			ends[k] = i + bits.TrailingZeros64(m)
			if k++; k == len(ends) {
				return true
			}
		}
	}
	for ; i < len(s); i++ {
		if s[i] == ' ' {
			ends[k] = i
			if k++; k == len(ends) {
				return true
			}
		}
	}
	return false
}

// spaces64 returns the bitmap of the spaces of s[i:i+64], bit n for s[i+n].
func spaces64(s string, i int) uint64 {
	p := (*[64]byte)(unsafe.Pointer(unsafe.StringData(s[i : i+64])))
	return spaces8(p[0:8]) | spaces8(p[8:16])<<8 | spaces8(p[16:24])<<16 | spaces8(p[24:32])<<24 |
		spaces8(p[32:40])<<32 | spaces8(p[40:48])<<40 | spaces8(p[48:56])<<48 | spaces8(p[56:64])<<56
}

// spaces8 returns the bitmap of the spaces of b[:8]: a byte of w is zero
// where b has a space; set the high bit of each zero byte, exactly (no
// carry crosses bytes), and gather the eight high bits into one byte.
func spaces8(b []byte) uint64 {
	const lo7 = ^uint64(swarHighs)
	w := binary.LittleEndian.Uint64(b) ^ (' ' * swarOnes)
	m := ^((w&lo7 + lo7) | w) & swarHighs
	return m >> 7 * 0x0102040810204080 >> 56
}

// hasPercent reports whether s has a '%', eight bytes at a time (a key is
// short: cheaper than a call to strings.IndexByte).
func hasPercent(s string) bool {
	i := 0
	for ; i+8 <= len(s); i += 8 {
		w := load64(s, i) ^ ('%' * swarOnes)
		if (w-swarOnes)&^w&swarHighs != 0 {
			return true
		}
	}
	for ; i < len(s); i++ {
		if s[i] == '%' {
			return true
		}
	}
	return false
}

// nextField returns the bounds of the run of non-spaces at or after i
// (after spaces); ok is false when the line ends first.
func nextField(s string, i int) (start, end int, ok bool) {
	for i < len(s) && s[i] == ' ' {
		i++
	}
	if i >= len(s) {
		return i, i, false
	}
	if k := strings.IndexByte(s[i:], ' '); k >= 0 {
		return i, i + k, true
	}
	return i, len(s), true
}

// quotedField reads a double-quoted field at s[i] (a backslash escapes a
// quote inside it), or a plain one ("-"), and returns it and the index
// after it.
// requestLine reports whether a Request-URI is "-" (or empty) or an HTTP
// request line, "METHOD TARGET HTTP/version". The target is the caller's;
// a raw quote in it, were it logged as is, would end the quoted field early
// and make the rest of the target read as the fields that follow (the HTTP
// status among them), which this refuses: a request line has a space
// between method and target and between target and version, and the target
// none (HTTP does not allow one), so the caller cannot make what comes
// before such a quote end in " HTTP/…". Only the method and the version are
// scanned: the target is the long part.
func requestLine(u string) bool {
	if u == "" || u == "-" {
		return true
	}
	last := strings.LastIndexByte(u, ' ')
	return last > 0 && strings.HasPrefix(u[last+1:], "HTTP/") && strings.IndexByte(u[:last], ' ') > 0
}

func quotedField(s string, i int) (string, int, string) {
	if i >= len(s) {
		return "", i, "line ends before the Request-URI"
	}
	if s[i] != '"' {
		a, b, _ := nextField(s, i)
		return s[a:b], b, ""
	}
	start := i + 1
	j := start
	for {
		k := strings.IndexByte(s[j:], '"')
		if k < 0 {
			return "", i, "unterminated quoted field"
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
		return "", i, "text after a closing quote"
	}
	return s[start:j], j + 1, ""
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
// double-quoted strings, without their quotes; it stops at the first
// damaged one.
func splitFields(s string, f []string) {
	i := 0
	for n := range f {
		for i < len(s) && s[i] == ' ' {
			i++
		}
		if i >= len(s) {
			return
		}
		if s[i] == '"' {
			v, next, reason := quotedField(s, i)
			if reason != "" {
				return
			}
			f[n], i = v, next
			continue
		}
		a, b, _ := nextField(s, i)
		f[n], i = s[a:b], b
	}
}

func dash(s string) string {
	if s == "-" {
		return ""
	}
	return s
}

// logTimeLayout is the server access log's time in Go's layout.
const logTimeLayout = "02/Jan/2006:15:04:05 -0700"

var months = [...]string{"jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"}

// parseLogTime parses "06/Feb/2019:00:00:38 +0000" (strftime
// "%d/%b/%Y:%H:%M:%S %z") and returns it in UTC. It takes what time.Parse
// takes with the layout "02/Jan/2006:15:04:05 -0700" and gives the same
// time (TestParseLogTimeMatchesTimeParse, FuzzParseLogTime), at a fraction
// of the cost for the shape S3 writes, whose fields are at fixed places;
// any other shape is left to time.Parse.
func parseLogTime(s string) (time.Time, bool) {
	if len(s) != 26 || s[2] != '/' || s[6] != '/' || s[11] != ':' || s[14] != ':' || s[17] != ':' || s[20] != ' ' || (s[21] != '+' && s[21] != '-') {
		// Not the shape S3 writes: time.Parse decides, leniencies and
		// all (a one-digit hour, a run of spaces for one).
		t, err := time.Parse(logTimeLayout, s)
		return t.UTC(), err == nil
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
		if s[3]|0x20 == m[0] && s[4]|0x20 == m[1] && s[5]|0x20 == m[2] { // as time.Parse, any case
			mon = i + 1
			break
		}
	}
	// The bounds time.Parse checks (it takes a zone of +2400 or +0060).
	if mon == 0 || day < 1 || day > 31 || hour > 23 || minute > 59 || sec > 59 || zh > 24 || zm > 60 {
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
