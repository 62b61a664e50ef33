package sigv4

import (
	"bufio"
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"hash"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// aws-chunked uploads ("Transferring Payload in Multiple Chunks", S3 API
// reference, https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html,
// and "Signature calculations for trailing headers",
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html).
//
// A signed chunk is
//
//	hex(size) ";chunk-signature=" signature CRLF data CRLF
//
// and its signature is HMAC-SHA256(signing key, string to sign) with
//
//	AWS4-HMAC-SHA256-PAYLOAD \n X-Amz-Date \n scope \n previous signature \n
//	hex(SHA256("")) \n hex(SHA256(data))
//
// where the previous signature of the first chunk is the request's (seed)
// signature. The body ends with a chunk of size 0, signed the same way; with
// the -TRAILER variant, trailing headers follow it, then
// "x-amz-trailer-signature:" HMAC-SHA256(signing key,
// "AWS4-HMAC-SHA256-TRAILER\n" X-Amz-Date \n scope \n final chunk's signature
// \n hex(SHA256(each trailer as "name:value\n"))). Unsigned chunks
// (STREAMING-UNSIGNED-PAYLOAD-TRAILER) are hex(size) CRLF data CRLF, and
// only their trailing checksum protects them.

// SigV4a (ECDSA) markers: recognised so that they are refused as
// NotImplemented, never accepted unchecked.
const (
	AlgorithmECDSA                = "AWS4-ECDSA-P256-SHA256"
	StreamingECDSAPayload         = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD"
	StreamingECDSAPayloadTrailer  = "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD-TRAILER"
	streamingChunkAlgorithm       = "AWS4-HMAC-SHA256-PAYLOAD"
	streamingTrailerAlgorithm     = "AWS4-HMAC-SHA256-TRAILER"
	trailerSignatureName          = "x-amz-trailer-signature"
	chunkSignatureExtension       = ";chunk-signature="
	decodedContentLengthHeader    = "X-Amz-Decoded-Content-Length"
	trailerHeader                 = "X-Amz-Trailer"
	maxChunkLine                  = 1024
	maxTrailerLines               = 16
	notImplementedSigV4aMessage   = "SigV4a (AWS4-ECDSA-P256-SHA256) signatures are not verified here; sign with AWS4-HMAC-SHA256"
	incompleteBodyMessage         = "The request body terminated unexpectedly"
	wrongDecodedLengthMessage     = "You did not provide the number of bytes specified by the Content-Length HTTP header"
	malformedTrailerMessage       = "The request contained trailing data that was not well-formed or did not conform to our published schema."
	signatureDoesNotMatchMessage  = "The request signature we calculated does not match the signature you provided. Check your key and signing method."
	invalidChunkSizeMessage       = "Only the last chunk is allowed to have a size less than 8192 bytes"
	missingDecodedLengthMessage   = "You must provide the Content-Length HTTP header."
	unsupportedTrailerMessage     = "The value specified in the x-amz-trailer header is not supported"
	singleChecksumMessage         = "Expecting a single x-amz-checksum- header"
	unsignedStreamingAnonymousMsg = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD requires a request signed with AWS4-HMAC-SHA256"
)

// MinChunkSize is the smallest size of every chunk but the last: "The chunk
// size must be at least 8 KB ... This chunk size applies to all chunks
// except the last one" (S3 API reference, sigv4-streaming). S3 answers a
// smaller one with 403 InvalidChunkSizeError.
const MinChunkSize = 8192

// MaxSignedChunkSize is the largest signed chunk the verifier accepts. A
// signed chunk is held in memory until its signature is checked, so that no
// unverified byte is passed on; this bounds that memory. S3 documents no
// maximum (SDKs send 64 KiB or 128 KiB chunks); this is a limit of the
// verifier, answered as InvalidChunkSizeError.
const MaxSignedChunkSize = 16 << 20

// IsStreaming reports whether payload is one of the aws-chunked markers
// (signed, signed with trailer, unsigned with trailer, or SigV4a).
func IsStreaming(payload string) bool {
	switch payload {
	case StreamingPayload, StreamingPayloadTrailer, StreamingUnsignedTrailer, StreamingECDSAPayload, StreamingECDSAPayloadTrailer:
		return true
	}
	return false
}

// chunkSigning is what a signed chunk chain needs: the derived signing key,
// the request's signature (the seed), X-Amz-Date and the credential scope.
type chunkSigning struct {
	key     []byte
	seed    []byte
	amzDate string
	scope   string
}

// ChunkedReader decodes an aws-chunked request body and verifies it as it
// goes: the signature of every signed chunk before any of its bytes are
// returned, the chunk sizes, x-amz-decoded-content-length, the final
// zero-length chunk, the trailing headers declared in x-amz-trailer, the
// trailer signature and the trailing checksum. Read returns io.EOF only once
// all of that has been checked; any failure is an *Error with the code S3
// answers (SignatureDoesNotMatch, IncompleteBody, InvalidChunkSizeError,
// MalformedTrailerError, InvalidRequest, BadDigest), returned again by every
// later Read. A reader that stops before io.EOF has not seen a verified
// body: store nothing then.
//
// Verify installs one as r.Body for aws-chunked requests; it holds at most
// one chunk (MaxSignedChunkSize) in memory, and only for signed chunks.
type ChunkedReader struct {
	src    *bufio.Reader
	closer io.Closer
	sign   *chunkSigning // nil for unsigned chunks
	prev   []byte        // previous signature (seed, then each chunk's)
	trail  bool          // trailing headers follow the final chunk
	// declared is the checksum trailer x-amz-trailer announces ("" none),
	// sum its running hash.
	declared string
	sum      hash.Hash
	want     int64 // x-amz-decoded-content-length
	got      int64 // decoded bytes passed on or held

	chunks   int   // data chunks seen
	lastSize int64 // size of the previous data chunk
	pending  []byte
	left     int64 // unsigned: bytes of the current chunk still to pass on
	buf      []byte

	mac     hash.Hash // HMAC-SHA256 keyed with the signing key
	payload hash.Hash // SHA-256 of a chunk
	sts     []byte
	err     error
}

// newChunkedReader prepares the decoder for r (whose headers are already
// authenticated, when sign is set) and returns it, or the *Error S3 answers
// for headers that cannot describe a valid aws-chunked body.
func newChunkedReader(r *http.Request, payload string, sign *chunkSigning) (*ChunkedReader, *Error) {
	n, e := decodedLength(r)
	if e != nil {
		return nil, e
	}
	c := &ChunkedReader{want: n, sign: sign, trail: payload != StreamingPayload}
	if c.trail {
		name, e := declaredTrailer(r)
		if e != nil {
			return nil, e
		}
		if name != "" {
			c.declared, c.sum = name, checksumAlgorithms[name].new()
		}
	}
	if sign != nil {
		c.prev = sign.seed
		c.mac = hmac.New(sha256.New, sign.key)
		c.payload = sha256.New()
		c.sts = make([]byte, 0, 256)
	}
	body := r.Body
	if body == nil {
		body = http.NoBody
	}
	c.src, c.closer = bufio.NewReaderSize(body, 32<<10), body
	return c, nil
}

// decodedLength reads x-amz-decoded-content-length, which "For all
// requests, you must include" (sigv4-streaming). S3 answers a missing or
// unreadable one with MissingContentLength (versity/versitygw#1656).
func decodedLength(r *http.Request) (int64, *Error) {
	vals := r.Header.Values(decodedContentLengthHeader)
	if len(vals) != 1 || vals[0] == "" || vals[0][0] < '0' || vals[0][0] > '9' {
		return 0, newErr(ErrMissingContentLength, missingDecodedLengthMessage)
	}
	n, err := strconv.ParseInt(vals[0], 10, 64)
	if err != nil {
		return 0, newErr(ErrMissingContentLength, missingDecodedLengthMessage)
	}
	return n, nil
}

// declaredTrailer returns the checksum trailer x-amz-trailer names, or "".
// S3 takes one x-amz-checksum-* value per request, sent as a header or as
// the trailer, not both.
func declaredTrailer(r *http.Request) (string, *Error) {
	var names []string
	for _, v := range r.Header.Values(trailerHeader) {
		for _, n := range strings.Split(v, ",") {
			if n = strings.ToLower(strings.TrimSpace(n)); n != "" {
				names = append(names, n)
			}
		}
	}
	if len(names) == 0 {
		return "", nil
	}
	if len(names) > 1 {
		return "", newErr(ErrInvalidRequest, singleChecksumMessage)
	}
	if _, ok := checksumAlgorithms[names[0]]; !ok {
		return "", newErr(ErrInvalidRequest, unsupportedTrailerMessage)
	}
	for name := range r.Header {
		if _, ok := checksumAlgorithms[strings.ToLower(name)]; ok {
			return "", newErr(ErrInvalidRequest, singleChecksumMessage)
		}
	}
	return names[0], nil
}

// DecodedLength is x-amz-decoded-content-length: the number of payload
// bytes the reader yields when it ends in io.EOF.
func (c *ChunkedReader) DecodedLength() int64 { return c.want }

// Close closes the underlying body.
func (c *ChunkedReader) Close() error { return c.closer.Close() }

// Read implements io.Reader over the decoded, verified payload.
func (c *ChunkedReader) Read(p []byte) (int, error) {
	for {
		if len(c.pending) > 0 {
			n := copy(p, c.pending)
			c.pending = c.pending[n:]
			return n, nil
		}
		if c.err != nil {
			return 0, c.err
		}
		if c.left > 0 {
			return c.passUnsigned(p)
		}
		if len(p) == 0 {
			return 0, nil
		}
		c.err = c.next()
	}
}

// passUnsigned passes bytes of the current unsigned chunk straight on: there
// is nothing to verify per chunk, and the store keeps nothing until the
// reader reaches io.EOF (which needs the trailing checksum to match).
func (c *ChunkedReader) passUnsigned(p []byte) (int, error) {
	if int64(len(p)) > c.left {
		p = p[:c.left]
	}
	n, err := c.src.Read(p)
	c.left -= int64(n)
	if c.sum != nil {
		c.sum.Write(p[:n])
	}
	if c.left == 0 {
		if e := c.crlf(); e != nil {
			c.err = e
			if n == 0 {
				return 0, e
			}
		}
	} else if err != nil {
		c.err = incompleteBody()
		if n == 0 {
			return 0, c.err
		}
	}
	return n, nil
}

// next reads the next chunk header and either stages a verified signed
// chunk, starts an unsigned one, or finishes the body. It returns io.EOF
// once everything has verified.
func (c *ChunkedReader) next() error {
	line, e := c.line()
	if e != nil {
		return e
	}
	sizeText, sig, e := c.splitHeader(line)
	if e != nil {
		return e
	}
	size, ok := parseHexSize(sizeText)
	if !ok {
		return incompleteBody()
	}
	if size == 0 {
		return c.finish(sig)
	}
	c.chunks++
	if c.chunks > 1 && c.lastSize < MinChunkSize {
		return invalidChunkSize(c.chunks, c.lastSize, invalidChunkSizeMessage)
	}
	c.lastSize = size
	if c.got+size > c.want {
		return wrongDecodedLength(c.want, c.got+size)
	}
	c.got += size
	if c.sign == nil {
		c.left = size
		return nil
	}
	if size > MaxSignedChunkSize {
		return invalidChunkSize(c.chunks, size, "Chunks larger than "+strconv.Itoa(MaxSignedChunkSize)+" bytes are not accepted by this verifier")
	}
	if int64(cap(c.buf)) < size {
		c.buf = make([]byte, size)
	}
	data := c.buf[:size]
	if _, err := io.ReadFull(c.src, data); err != nil {
		return incompleteBody()
	}
	if e := c.crlf(); e != nil {
		return e
	}
	c.payload.Reset()
	c.payload.Write(data)
	if e := c.verifyChunk(sig, c.payload.Sum(nil)); e != nil {
		return e
	}
	if c.sum != nil {
		c.sum.Write(data)
	}
	c.pending = data
	return nil
}

// splitHeader splits a chunk header into its size and, for signed chunks,
// its 32-byte signature; anything else is a malformed body.
func (c *ChunkedReader) splitHeader(line string) (string, []byte, *Error) {
	size, ext, hasExt := strings.Cut(line, ";")
	if c.sign == nil {
		if hasExt {
			return "", nil, incompleteBody()
		}
		return size, nil, nil
	}
	if !hasExt || !strings.HasPrefix(";"+ext, chunkSignatureExtension) {
		return "", nil, incompleteBody()
	}
	sig, ok := decodeSignature(ext[len(chunkSignatureExtension)-1:])
	if !ok {
		return "", nil, incompleteBody()
	}
	return size, sig, nil
}

// decodeSignature decodes 64 lower-case hex digits.
func decodeSignature(s string) ([]byte, bool) {
	if len(s) != 2*sha256.Size || strings.ToLower(s) != s {
		return nil, false
	}
	b, err := hex.DecodeString(s)
	return b, err == nil
}

// parseHexSize parses a chunk size: 1 to 15 hex digits, nothing else.
func parseHexSize(s string) (int64, bool) {
	if s == "" || len(s) > 15 {
		return 0, false
	}
	var n int64
	for i := 0; i < len(s); i++ {
		c := s[i]
		var d byte
		switch {
		case '0' <= c && c <= '9':
			d = c - '0'
		case 'a' <= c && c <= 'f':
			d = c - 'a' + 10
		case 'A' <= c && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		n = n<<4 | int64(d)
	}
	return n, true
}

// verifyChunk checks sig against the chunk whose SHA-256 is sum, in
// constant time, and advances the chain.
func (c *ChunkedReader) verifyChunk(sig, sum []byte) *Error {
	c.sts = append(c.sts[:0], streamingChunkAlgorithm+"\n"...)
	c.sts = c.appendScope(c.sts)
	c.sts = hex.AppendEncode(c.sts, c.prev)
	c.sts = append(c.sts, "\n"+emptySHA256+"\n"...)
	c.sts = hex.AppendEncode(c.sts, sum)
	return c.check(sig)
}

func (c *ChunkedReader) appendScope(b []byte) []byte {
	b = append(b, c.sign.amzDate...)
	b = append(b, '\n')
	b = append(b, c.sign.scope...)
	return append(b, '\n')
}

// check compares sig with HMAC(key, c.sts) and makes sig the previous
// signature.
func (c *ChunkedReader) check(sig []byte) *Error {
	c.mac.Reset()
	c.mac.Write(c.sts)
	want := c.mac.Sum(nil)
	if subtle.ConstantTimeCompare(want, sig) != 1 {
		return newErr(ErrSignatureDoesNotMatch, signatureDoesNotMatchMessage)
	}
	c.prev = want
	return nil
}

// finish handles the final zero-length chunk: its signature, the decoded
// length, then the trailing headers (and their signature and checksum).
func (c *ChunkedReader) finish(sig []byte) error {
	if c.sign != nil {
		if e := c.verifyChunk(sig, emptySum[:]); e != nil {
			return e
		}
	}
	if c.got != c.want {
		return wrongDecodedLength(c.want, c.got)
	}
	if !c.trail {
		if e := c.crlf(); e != nil {
			return e
		}
		return c.end()
	}
	return c.trailers()
}

var emptySum = sha256.Sum256(nil)

// trailers reads the trailing header lines up to the empty line (or the end
// of the body), then checks them.
func (c *ChunkedReader) trailers() error {
	var (
		value, trailerSig  string
		haveValue, haveSig bool
		canon              []byte
	)
	for i := 0; ; i++ {
		line, e := c.line()
		if e == errEndOfBody && i > 0 {
			break // the final empty line may be left out
		}
		if e != nil {
			return e
		}
		if line == "" {
			break
		}
		if i >= maxTrailerLines || haveSig {
			return malformedTrailer()
		}
		name, v, ok := strings.Cut(line, ":")
		name, v = strings.ToLower(strings.TrimSpace(name)), strings.TrimSpace(v)
		switch {
		case !ok || name == "":
			return malformedTrailer()
		case name == trailerSignatureName && c.sign != nil:
			trailerSig, haveSig = v, true
		case name == c.declared && !haveValue:
			value, haveValue = v, true
			canon = append(append(append(append(canon, name...), ':'), v...), '\n')
		default:
			return malformedTrailer() // undeclared, repeated, or a signature on unsigned chunks
		}
	}
	if c.declared != "" && !haveValue {
		return malformedTrailer()
	}
	if c.sign != nil {
		if !haveSig {
			return malformedTrailer()
		}
		sig, ok := decodeSignature(trailerSig)
		if !ok {
			return malformedTrailer()
		}
		sum := sha256.Sum256(canon)
		c.sts = append(c.sts[:0], streamingTrailerAlgorithm+"\n"...)
		c.sts = c.appendScope(c.sts)
		c.sts = hex.AppendEncode(c.sts, c.prev)
		c.sts = append(c.sts, '\n')
		c.sts = hex.AppendEncode(c.sts, sum[:])
		if e := c.check(sig); e != nil {
			return e
		}
	}
	if c.declared != "" {
		if e := checkChecksum(c.declared, value, c.sum.Sum(nil), "trailing header"); e != nil {
			return e
		}
	}
	return c.end()
}

// end makes sure nothing follows the body, and reports io.EOF.
func (c *ChunkedReader) end() error {
	if _, err := c.src.ReadByte(); err != io.EOF {
		return incompleteBody()
	}
	return io.EOF
}

// errEndOfBody marks a line that could not start because the body ended.
var errEndOfBody = newErr(ErrIncompleteBody, incompleteBodyMessage)

// line reads one CRLF-terminated line (without it), at most maxChunkLine
// bytes.
func (c *ChunkedReader) line() (string, *Error) {
	var b []byte
	for {
		frag, err := c.src.ReadSlice('\n')
		b = append(b, frag...)
		if len(b) > maxChunkLine+2 {
			return "", incompleteBody()
		}
		switch {
		case err == nil:
			if len(b) < 2 || b[len(b)-2] != '\r' {
				return "", incompleteBody()
			}
			return string(b[:len(b)-2]), nil
		case errors.Is(err, bufio.ErrBufferFull):
			continue
		case err == io.EOF && len(b) == 0:
			return "", errEndOfBody
		default:
			return "", incompleteBody()
		}
	}
}

// crlf consumes the CRLF that ends chunk data.
func (c *ChunkedReader) crlf() *Error {
	a, err1 := c.src.ReadByte()
	b, err2 := c.src.ReadByte()
	if err1 != nil || err2 != nil || a != '\r' || b != '\n' {
		return incompleteBody()
	}
	return nil
}

func incompleteBody() *Error { return newErr(ErrIncompleteBody, incompleteBodyMessage) }

func malformedTrailer() *Error { return newErr(ErrMalformedTrailer, malformedTrailerMessage) }

func wrongDecodedLength(want, got int64) *Error {
	e := newErr(ErrIncompleteBody, wrongDecodedLengthMessage)
	e.Extra = [][2]string{{"NumberBytesExpected", strconv.FormatInt(want, 10)}, {"NumberBytesProvided", strconv.FormatInt(got, 10)}}
	return e
}

func invalidChunkSize(chunk int, size int64, msg string) *Error {
	e := newErr(ErrInvalidChunkSize, msg)
	e.Extra = [][2]string{{"Chunk", strconv.Itoa(chunk)}, {"BadChunkSize", strconv.FormatInt(size, 10)}}
	return e
}

// installChunkedBody installs the verifying decoder as r.Body when payload is an
// aws-chunked marker. sign is nil for requests whose chunks carry no
// signatures (STREAMING-UNSIGNED-PAYLOAD-TRAILER, or an unsigned request).
func installChunkedBody(r *http.Request, payload string, sign *chunkSigning) *Error {
	switch payload {
	case StreamingECDSAPayload, StreamingECDSAPayloadTrailer:
		return newErr(ErrNotImplemented, notImplementedSigV4aMessage)
	case StreamingPayload, StreamingPayloadTrailer:
		if sign == nil {
			return newErr(ErrInvalidRequest, unsignedStreamingAnonymousMsg)
		}
	case StreamingUnsignedTrailer:
		sign = nil
	default:
		return nil
	}
	c, e := newChunkedReader(r, payload, sign)
	if e != nil {
		return e
	}
	r.Body = c
	r.ContentLength = c.want
	return nil
}
