package s3fake

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"encoding/xml"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/s3secure/s3secure/internal/s3log"
	"github.com/s3secure/s3secure/presign"
)

// AccessLogDelivery is how long, on the fake's clock, the fake buffers a
// bucket's server access log records before it delivers them as one log
// object: S3 delivers "on a best-effort basis", usually within a few hours,
// in objects of many records. A batch is delivered when a later request
// finds it this old, or at once on [Server.FlushAccessLogs].
const AccessLogDelivery = time.Hour

// accessLogs buffers server access log records per source bucket until they
// are delivered to the bucket's logging target.
type accessLogs struct {
	mu      sync.Mutex
	batches map[string]*logBatch // by source bucket
}

type logBatch struct {
	start time.Time // the fake clock's time of the first record
	lines []byte
}

// accessLogEntry is what the fake knows of a request when it starts.
type accessLogEntry struct {
	start time.Time // fake clock
	wall  time.Time
	rid   string
	hid   string
	r     *http.Request
	uri   string
	rec   *logRecorder
}

// logRecorder records what the fake answered: the status, the bytes of the
// body, and the error code of an error document.
type logRecorder struct {
	http.ResponseWriter
	status int
	bytes  int64
	errDoc []byte
	// batch are the keys a DeleteObjects deleted, each logged as a record
	// of its own (BATCH.DELETE.OBJECT) after the request's.
	batch []batchKey
}

// batchKey is one key (and version) of a DeleteObjects.
type batchKey struct{ key, version string }

func (l *logRecorder) WriteHeader(code int) {
	if l.status == 0 {
		l.status = code
	}
	l.ResponseWriter.WriteHeader(code)
}

func (l *logRecorder) Write(b []byte) (int, error) {
	if l.status == 0 {
		l.status = http.StatusOK
	}
	if l.status >= 300 && len(l.errDoc) < 2048 {
		l.errDoc = append(l.errDoc, b[:min(len(b), 2048-len(l.errDoc))]...)
	}
	n, err := l.ResponseWriter.Write(b)
	l.bytes += int64(n)
	return n, err
}

// Unwrap lets http.ResponseController reach the connection's writer.
func (l *logRecorder) Unwrap() http.ResponseWriter { return l.ResponseWriter }

// accessLogStart notes a request's start and returns the writer that
// records its answer.
func (s *Server) accessLogStart(w http.ResponseWriter, r *http.Request, rid string) (*accessLogEntry, http.ResponseWriter) {
	rec := &logRecorder{ResponseWriter: w}
	e := &accessLogEntry{start: s.Now(), wall: time.Now(), rid: rid, hid: w.Header().Get("x-amz-id-2"), r: r, rec: rec,
		uri: r.Method + " " + r.URL.RequestURI() + " " + r.Proto}
	return e, rec
}

// accessLogFinish delivers the batches that are due, and writes the
// request's record when its bucket logs.
func (s *Server) accessLogFinish(e *accessLogEntry, rt route, p Principal, res *presign.Verified) {
	if rt.bucket == "" {
		return
	}
	s.mu.RLock()
	b := s.buckets[rt.bucket]
	logging := b != nil && b.logging != nil
	var owner string
	if b != nil {
		owner = CanonicalUserID(b.cfg.OwnerAccountID)
	}
	s.mu.RUnlock()
	// Batches that are due go first: this request starts the next one.
	_ = s.deliverAccessLogs(false)
	if logging {
		line := s.accessLogLine(e, rt, p, res, owner)
		for _, k := range e.rec.batch {
			line = append(line, s.batchDeleteLine(e, rt, p, res, owner, k)...)
		}
		s.logs.mu.Lock()
		if s.logs.batches == nil {
			s.logs.batches = map[string]*logBatch{}
		}
		bt := s.logs.batches[rt.bucket]
		if bt == nil {
			bt = &logBatch{start: e.start}
			s.logs.batches[rt.bucket] = bt
		}
		bt.lines = append(bt.lines, line...)
		s.logs.mu.Unlock()
	}
}

// FlushAccessLogs delivers every buffered server access log record now, as
// log objects in each logging target bucket (see [AccessLogDelivery]).
//
// Errors: the first failed write to a target bucket (the records of that
// bucket stay buffered).
func (s *Server) FlushAccessLogs() error { return s.deliverAccessLogs(true) }

// deliverAccessLogs writes the batches that are due (all, with all), in
// source-bucket order.
func (s *Server) deliverAccessLogs(all bool) error {
	now := s.Now()
	s.logs.mu.Lock()
	var due []string
	for src, bt := range s.logs.batches {
		if all || now.Sub(bt.start) >= AccessLogDelivery {
			due = append(due, src)
		}
	}
	sort.Strings(due)
	batches := make([]*logBatch, len(due))
	for i, src := range due {
		batches[i] = s.logs.batches[src]
		delete(s.logs.batches, src)
	}
	s.logs.mu.Unlock()
	var first error
	for i, src := range due {
		if err := s.deliver(src, batches[i], now); err != nil {
			s.logs.mu.Lock()
			if s.logs.batches[src] == nil {
				s.logs.batches[src] = batches[i]
			} else {
				s.logs.batches[src].lines = append(batches[i].lines, s.logs.batches[src].lines...)
			}
			s.logs.mu.Unlock()
			if first == nil {
				first = err
			}
		}
	}
	return first
}

// loggingTarget is the part of a stored BucketLoggingStatus that says where
// and under which names log objects go.
type loggingTarget struct {
	Bucket      string `xml:"LoggingEnabled>TargetBucket"`
	Prefix      string `xml:"LoggingEnabled>TargetPrefix"`
	Partitioned *struct {
		DateSource string `xml:"PartitionDateSource"`
	} `xml:"LoggingEnabled>TargetObjectKeyFormat>PartitionedPrefix"`
}

// deliver writes one batch as a log object into the source bucket's
// logging target, named as S3 names log objects (S3 user guide, "Logging
// requests with server access logging", object key formats):
//
//	simple:      [TargetPrefix]YYYY-mm-DD-HH-MM-SS-UniqueString
//	partitioned: [TargetPrefix][SourceAccountId]/[SourceRegion]/[SourceBucket]/YYYY/mm/DD/YYYY-mm-DD-HH-MM-SS-UniqueString
//
// The partitioned date is the first record's time (EventTime) or the
// delivery's (DeliveryTime). A batch whose source no longer logs, or whose
// target is gone, is a Requester Pays bucket or has a default Object Lock
// retention period, is dropped, as S3's best-effort delivery would.
func (s *Server) deliver(source string, bt *logBatch, now time.Time) error {
	s.mu.RLock()
	b := s.buckets[source]
	var raw []byte
	var account, region string
	if b != nil {
		raw, account, region = b.logging, b.cfg.OwnerAccountID, b.cfg.Region
	}
	s.mu.RUnlock()
	var t loggingTarget
	if raw == nil || xml.Unmarshal(raw, &t) != nil || t.Bucket == "" {
		return nil
	}
	var u [8]byte
	_, _ = rand.Read(u[:])
	unique := strings.ToUpper(hex.EncodeToString(u[:]))
	stamp := bt.start.UTC()
	key := t.Prefix
	if t.Partitioned != nil {
		if t.Partitioned.DateSource == "DeliveryTime" {
			stamp = now.UTC()
		}
		key += account + "/" + region + "/" + source + "/" + stamp.Format("2006/01/02") + "/"
	}
	key += stamp.Format("2006-01-02-15-04-05") + "-" + unique
	s.mu.RLock()
	target := s.buckets[t.Bucket]
	var owner string
	var requesterPays, retention bool
	if target != nil {
		owner, requesterPays = CanonicalUserID(target.cfg.OwnerAccountID), target.cfg.RequesterPays
		retention = target.lock != nil && target.lock.mode != ""
	}
	s.mu.RUnlock()
	// Requester Pays buckets do not support "using a Requester Pays bucket
	// as the target bucket for end-user logging" (S3 user guide, "Using
	// Requester Pays general purpose buckets"), and the destination bucket
	// must have no default Object Lock retention period (S3 user guide,
	// server access logging): no log object lands in either.
	if target == nil || requesterPays || retention {
		return nil
	}
	if _, err := s.backend.PutObject(t.Bucket, key, map[string]string{"Content-Type": "text/plain"}, bytes.NewReader(bt.lines), int64(len(bt.lines)), nil); err != nil {
		return err
	}
	s.mu.Lock()
	if tb := s.buckets[t.Bucket]; tb != nil {
		tb.setMeta(key, &objectMeta{acl: privateACL(owner)}, true)
	}
	s.mu.Unlock()
	return nil
}

// accessLogLine is one record in the documented format (S3 user guide,
// "Amazon S3 server access log format"): space-separated fields, "-" for a
// value that does not apply, the time in brackets, the Request-URI,
// Referer and User-Agent quoted.
func (s *Server) accessLogLine(e *accessLogEntry, rt route, p Principal, res *presign.Verified, owner string) []byte {
	return joinLogFields(s.accessLogFields(e, rt, p, res, owner))
}

// batchDeleteLine is the record of one key a DeleteObjects deleted, as S3
// writes it: operation BATCH.DELETE.OBJECT, the key and version, status
// 204, and the Request-URI, Referer and User-Agent a bare "-" (real logs,
// as in noobaa-core's S3 log replication tests).
func (s *Server) batchDeleteLine(e *accessLogEntry, rt route, p Principal, res *presign.Verified, owner string, k batchKey) []byte {
	f := s.accessLogFields(e, rt, p, res, owner)
	f[logOperation], f[logKeyField], f[logRequestURI] = "BATCH.DELETE.OBJECT", dashIfEmpty(logKey(k.key)), "-"
	f[logStatus], f[logErrorCode], f[logBytesSent], f[logObjectSize], f[logTurnAround] = "204", "-", "-", "-", "-"
	f[logReferer], f[logUserAgent], f[logVersionID] = "-", "-", dashIfEmpty(k.version)
	return joinLogFields(f)
}

func joinLogFields(f []string) []byte { return append([]byte(strings.Join(f, " ")), '\n') }

// The fields of a record that batchDeleteLine rewrites, by index.
const (
	logOperation  = 6
	logKeyField   = 7
	logRequestURI = 8
	logStatus     = 9
	logErrorCode  = 10
	logBytesSent  = 11
	logObjectSize = 12
	logTurnAround = 14
	logReferer    = 15
	logUserAgent  = 16
	logVersionID  = 17
)

// accessLogFields are the fields of a request's record.
func (s *Server) accessLogFields(e *accessLogEntry, rt route, p Principal, res *presign.Verified, owner string) []string {
	r := e.r
	level := s3log.Bucket
	if rt.key != "" {
		level = s3log.Object
	}
	op, ok := s3log.Name(rt.op, level)
	if !ok {
		res := "BUCKET"
		switch {
		case rt.sub != "":
			res = strings.ToUpper(rt.sub)
		case rt.key != "":
			res = "OBJECT"
		}
		op = "REST." + r.Method + "." + res
	}
	requester := "-"
	switch p.Type {
	case AccountRoot:
		// S3 names an account's root user by its canonical user ID.
		requester = CanonicalUserID(p.AccountID)
	case IAMUser, AssumedRole:
		requester = p.ARN
	}
	status := e.rec.status
	if status == 0 {
		status = http.StatusOK
	}
	errCode := "-"
	if status >= 300 {
		var doc struct {
			Code string `xml:"Code"`
		}
		if xml.Unmarshal(e.rec.errDoc, &doc) == nil && doc.Code != "" {
			errCode = doc.Code
		}
	}
	sigVersion, authType := "-", "-"
	if res != nil {
		sigVersion, authType = "SigV4", "AuthHeader"
		if res.Presigned {
			authType = "QueryString"
		}
	}
	cipher, tlsVersion := "-", "-"
	if r.TLS != nil {
		cipher = tls.CipherSuiteName(r.TLS.CipherSuite)
		tlsVersion = "TLSv" + tlsVersionName(r.TLS.Version)
	}
	version := dashIfEmpty(rt.versionID)
	objectSize := "-"
	if r.ContentLength > 0 {
		objectSize = strconv.FormatInt(r.ContentLength, 10)
	}
	bytesSent := "-"
	if e.rec.bytes > 0 {
		bytesSent = strconv.FormatInt(e.rec.bytes, 10)
	}
	total := strconv.FormatInt(time.Since(e.wall).Milliseconds(), 10)
	fields := []string{
		owner, rt.bucket, e.start.UTC().Format("[02/Jan/2006:15:04:05 -0700]"), sourceIP(r.RemoteAddr), requester, e.rid,
		op, dashIfEmpty(logKey(rt.key)), quoteLog(e.uri), strconv.Itoa(status), errCode, bytesSent, objectSize, total, total,
		quoteLog(dashIfEmpty(r.Header.Get("Referer"))), quoteLog(dashIfEmpty(r.Header.Get("User-Agent"))), version, e.hid,
		sigVersion, cipher, authType, dashIfEmpty(r.Host), tlsVersion, "-", "-",
	}
	return fields
}

func dashIfEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// logKey URL-encodes a key for the log's Key field, keeping its slashes.
func logKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = url.PathEscape(p)
	}
	return strings.Join(parts, "/")
}

// quoteLog quotes a field, escaping backslashes and quotes in it.
func quoteLog(s string) string {
	return `"` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
}

// deletedKeys returns the keys (and versions) a DeleteObjects body names,
// in its order.
func deletedKeys(body []byte) []batchKey {
	var del struct {
		Objects []struct {
			Key       string `xml:"Key"`
			VersionID string `xml:"VersionId"`
		} `xml:"Object"`
	}
	if xml.Unmarshal(body, &del) != nil {
		return nil
	}
	out := make([]batchKey, 0, len(del.Objects))
	for _, o := range del.Objects {
		out = append(out, batchKey{key: o.Key, version: o.VersionID})
	}
	return out
}
