package presign

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"strconv"
	"strings"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// This file is the query-string SigV4 signer for S3. It writes the canonical
// request into one stack buffer, hashes it, signs the string to sign with a
// cached derived key, and assembles the URL with one heap allocation.
// The layout (parameter order, escaping) matches aws-sdk-go-v2's
// s3.PresignClient byte for byte; TestDifferential proves it.

const (
	algorithm       = "AWS4-HMAC-SHA256"
	unsignedPayload = "UNSIGNED-PAYLOAD"
	serviceS3       = "s3"
	scopeTerminator = "aws4_request"
	upperHex        = "0123456789ABCDEF"
	lowerHex        = "0123456789abcdef"
)

// signingKey is a derived SigV4 key with the HMAC pads precomputed. It is
// valid for one (access key, secret, day, region) tuple.
type signingKey struct {
	accessKeyID string
	secret      string
	day         [8]byte // yyyymmdd
	region      string
	ipad, opad  [64]byte
}

// keyCache holds the most recently derived key. One slot suffices: a
// Presigner signs for one region, and the day and credentials change rarely.
// Lookups are lock-free; a miss derives a key and publishes it.
type keyCache struct {
	cur atomic.Pointer[signingKey]
}

func (c *keyCache) get(creds *aws.Credentials, day *[8]byte, region string) *signingKey {
	if k := c.cur.Load(); k != nil && k.day == *day && k.region == region &&
		k.accessKeyID == creds.AccessKeyID &&
		subtle.ConstantTimeCompare([]byte(k.secret), []byte(creds.SecretAccessKey)) == 1 {
		return k
	}
	k := deriveKey(creds.AccessKeyID, creds.SecretAccessKey, day, region)
	c.cur.Store(k)
	return k
}

// dateCache remembers the X-Amz-Date of the last second signed: URLs come
// in bursts, and formatting a time costs more than the atomic load.
type dateCache struct {
	cur atomic.Pointer[cachedDate]
}

type cachedDate struct {
	unix int64
	text [16]byte
}

func (c *dateCache) format(t time.Time) [16]byte {
	u := t.Unix()
	if d := c.cur.Load(); d != nil && d.unix == u {
		return d.text
	}
	d := &cachedDate{unix: u}
	appendAmzDate(d.text[:0], t.UTC())
	c.cur.Store(d)
	return d.text
}

func hmacSHA256(key, data []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write(data)
	return m.Sum(nil)
}

// deriveSigningKey returns HMAC chain "AWS4"+secret → date → region →
// service → "aws4_request".
func deriveSigningKey(secret, day, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), []byte(day))
	k = hmacSHA256(k, []byte(region))
	k = hmacSHA256(k, []byte(service))
	return hmacSHA256(k, []byte(scopeTerminator))
}

func deriveKey(akid, secret string, day *[8]byte, region string) *signingKey {
	raw := deriveSigningKey(secret, string(day[:]), region, serviceS3)
	k := &signingKey{accessKeyID: akid, secret: secret, day: *day, region: region}
	for i := range k.ipad {
		k.ipad[i], k.opad[i] = 0x36, 0x5c
	}
	for i, b := range raw {
		k.ipad[i] ^= b
		k.opad[i] ^= b
	}
	return k
}

// sign returns hex(HMAC-SHA256(key, msg)) appended to dst. It does not
// allocate for messages up to 192 bytes (a string to sign is at most 187).
func (k *signingKey) sign(dst, msg []byte) []byte {
	var buf [64 + 192]byte
	copy(buf[:64], k.ipad[:])
	in := append(buf[:64], msg...)
	inner := sha256.Sum256(in)
	var ob [96]byte
	copy(ob[:64], k.opad[:])
	copy(ob[64:], inner[:])
	sum := sha256.Sum256(ob[:])
	return appendHex(dst, sum[:])
}

func appendHex(dst, b []byte) []byte {
	for _, c := range b {
		dst = append(dst, lowerHex[c>>4], lowerHex[c&0xf])
	}
	return dst
}

// appendAmzDate appends t (UTC) as yyyymmddTHHMMSSZ.
func appendAmzDate(dst []byte, t time.Time) []byte {
	y, mo, d := t.Date()
	h, mi, s := t.Clock()
	dst = appendPad(dst, y, 4)
	dst = appendPad(dst, int(mo), 2)
	dst = appendPad(dst, d, 2)
	dst = append(dst, 'T')
	dst = appendPad(dst, h, 2)
	dst = appendPad(dst, mi, 2)
	dst = appendPad(dst, s, 2)
	return append(dst, 'Z')
}

func appendPad(dst []byte, v, width int) []byte {
	var b [8]byte
	i := len(b)
	for range width {
		i--
		b[i] = byte('0' + v%10)
		v /= 10
	}
	return append(dst, b[i:]...)
}

// appendQueryEscape escapes s as SigV4 (and the SDK's EncodeQuery) does:
// every byte but A-Z a-z 0-9 - . _ ~ becomes %XX.
func appendQueryEscape(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&0xf])
		}
	}
	return dst
}

// appendPathEscape escapes an S3 key for the URI path as the SDK's
// httpbinding.EscapePath(key, false) does: like appendQueryEscape but '/'
// stays as is.
func appendPathEscape(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || c == '/' {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&0xf])
		}
	}
	return dst
}

// appendHeaderValue appends a header value canonicalised as SigV4 requires:
// leading and trailing spaces trimmed, inner runs of spaces collapsed.
func appendHeaderValue(dst []byte, v string) []byte {
	v = strings.TrimSpace(v)
	space := false
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		dst = append(dst, c)
	}
	return dst
}

// spec is one request to presign, already validated. Headers are listed in
// the fixed order in which SigV4 sorts them.
type spec struct {
	method   string
	bucket   string
	key      string
	xid      string // x-id query value ("" for HEAD)
	expires  int64  // seconds
	uploadID string
	partNum  int32

	responseContentDisposition string
	responseContentType        string

	contentLength int64
	contentType   string
	crc32         string
	sha256        string
	sse           string
	sseKMSKeyID   string
}

// address is one addressing style's template: URL host (with any port; for
// virtual-hosted style without the leading "bucket."), canonical host
// (default port stripped) and escaped path prefix (for path style ending
// just before the bucket name, otherwise just before the key).
type address struct {
	host      string
	canonHost string
	prefix    string
}

// presignURL builds the presigned URL for s, signed at t with creds.
func (p *Presigner) presignURL(creds *aws.Credentials, t time.Time, s *spec) string {
	amzDate := p.dates.format(t)
	var day [8]byte
	copy(day[:], amzDate[:8])

	vhost := p.virtualHosted(s.bucket)
	hostRest, canonHostRest, pathPrefix := p.path.host, p.path.canonHost, p.path.prefix
	region := p.signingRegion
	if vhost {
		hostRest, canonHostRest, pathPrefix = p.vhost.host, p.vhost.canonHost, p.vhost.prefix
		if strings.IndexByte(s.bucket, '.') >= 0 {
			region = p.dottedSigningRegion
		}
	}
	key := p.keys.get(creds, &day, region)

	// Canonical request:
	// METHOD \n PATH \n QUERY \n HEADERS \n \n SIGNEDHEADERS \n PAYLOAD
	cr := make([]byte, 0, 2048)
	cr = append(cr, s.method...)
	cr = append(cr, '\n')
	pathStart := len(cr)
	cr = append(cr, pathPrefix...)
	if !vhost {
		cr = append(cr, s.bucket...)
		cr = append(cr, '/')
	}
	cr = appendPathEscape(cr, s.key)
	pathEnd := len(cr)
	cr = append(cr, '\n')
	queryStart := len(cr)
	cr = append(cr, "X-Amz-Algorithm="+algorithm+"&X-Amz-Credential="...)
	cr = appendQueryEscape(cr, creds.AccessKeyID)
	cr = append(cr, "%2F"...)
	cr = append(cr, day[:]...)
	cr = append(cr, "%2F"...)
	cr = appendQueryEscape(cr, region)
	cr = append(cr, "%2F"+serviceS3+"%2F"+scopeTerminator+"&X-Amz-Date="...)
	cr = append(cr, amzDate[:]...)
	cr = append(cr, "&X-Amz-Expires="...)
	cr = strconv.AppendInt(cr, s.expires, 10)
	if creds.SessionToken != "" {
		cr = append(cr, "&X-Amz-Security-Token="...)
		cr = appendQueryEscape(cr, creds.SessionToken)
	}
	cr = append(cr, "&X-Amz-SignedHeaders="...)
	shStart := len(cr)
	if s.contentLength > 0 {
		cr = append(cr, "content-length%3B"...)
	}
	if s.contentType != "" {
		cr = append(cr, "content-type%3B"...)
	}
	cr = append(cr, "host"...)
	if s.crc32 != "" {
		cr = append(cr, "%3Bx-amz-checksum-crc32"...)
	}
	if s.sha256 != "" {
		cr = append(cr, "%3Bx-amz-checksum-sha256"...)
	}
	if s.sse != "" {
		cr = append(cr, "%3Bx-amz-server-side-encryption"...)
	}
	if s.sseKMSKeyID != "" {
		cr = append(cr, "%3Bx-amz-server-side-encryption-aws-kms-key-id"...)
	}
	shEnd := len(cr)
	if s.partNum > 0 {
		cr = append(cr, "&partNumber="...)
		cr = strconv.AppendInt(cr, int64(s.partNum), 10)
	}
	if s.responseContentDisposition != "" {
		cr = append(cr, "&response-content-disposition="...)
		cr = appendQueryEscape(cr, s.responseContentDisposition)
	}
	if s.responseContentType != "" {
		cr = append(cr, "&response-content-type="...)
		cr = appendQueryEscape(cr, s.responseContentType)
	}
	if s.uploadID != "" {
		cr = append(cr, "&uploadId="...)
		cr = appendQueryEscape(cr, s.uploadID)
	}
	if s.xid != "" {
		cr = append(cr, "&x-id="...)
		cr = append(cr, s.xid...)
	}
	queryEnd := len(cr)
	cr = append(cr, '\n')
	if s.contentLength > 0 {
		cr = append(cr, "content-length:"...)
		cr = strconv.AppendInt(cr, s.contentLength, 10)
		cr = append(cr, '\n')
	}
	if s.contentType != "" {
		cr = append(cr, "content-type:"...)
		cr = appendHeaderValue(cr, s.contentType)
		cr = append(cr, '\n')
	}
	cr = append(cr, "host:"...)
	if vhost {
		cr = append(cr, s.bucket...)
		cr = append(cr, '.')
	}
	cr = append(cr, canonHostRest...)
	cr = append(cr, '\n')
	if s.crc32 != "" {
		cr = append(cr, "x-amz-checksum-crc32:"...)
		cr = appendHeaderValue(cr, s.crc32)
		cr = append(cr, '\n')
	}
	if s.sha256 != "" {
		cr = append(cr, "x-amz-checksum-sha256:"...)
		cr = appendHeaderValue(cr, s.sha256)
		cr = append(cr, '\n')
	}
	if s.sse != "" {
		cr = append(cr, "x-amz-server-side-encryption:"...)
		cr = appendHeaderValue(cr, s.sse)
		cr = append(cr, '\n')
	}
	if s.sseKMSKeyID != "" {
		cr = append(cr, "x-amz-server-side-encryption-aws-kms-key-id:"...)
		cr = appendHeaderValue(cr, s.sseKMSKeyID)
		cr = append(cr, '\n')
	}
	cr = append(cr, '\n')
	// Signed headers, unescaped: the query form has "%3B" for ';'.
	for i := shStart; i < shEnd; i++ {
		if cr[i] == '%' {
			cr = append(cr, ';')
			i += 2
			continue
		}
		cr = append(cr, cr[i])
	}
	cr = append(cr, '\n')
	cr = append(cr, unsignedPayload...)
	crHash := sha256.Sum256(cr)

	// String to sign.
	var stsBuf [256]byte
	sts := append(stsBuf[:0], algorithm+"\n"...)
	sts = append(sts, amzDate[:]...)
	sts = append(sts, '\n')
	sts = append(sts, day[:]...)
	sts = append(sts, '/')
	sts = append(sts, region...)
	sts = append(sts, "/"+serviceS3+"/"+scopeTerminator+"\n"...)
	sts = appendHex(sts, crHash[:])
	var sigBuf [64]byte
	sig := key.sign(sigBuf[:0], sts)

	var b strings.Builder
	b.Grow(len(p.scheme) + 3 + len(s.bucket) + 1 + len(hostRest) + (pathEnd - pathStart) + 1 + (queryEnd - queryStart) + len("&X-Amz-Signature=") + 64)
	b.WriteString(p.scheme)
	b.WriteString("://")
	if vhost {
		b.WriteString(s.bucket)
		b.WriteByte('.')
	}
	b.WriteString(hostRest)
	b.Write(cr[pathStart:pathEnd])
	b.WriteByte('?')
	b.Write(cr[queryStart:queryEnd])
	b.WriteString("&X-Amz-Signature=")
	b.Write(sig)
	return b.String()
}
