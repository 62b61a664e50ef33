// Package sigv4test builds aws-chunked request bodies signed as the S3 API
// reference describes ("Signature Calculations for the Authorization
// Header: Transferring Payload in Multiple Chunks",
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html, and
// "Signature calculations for trailing headers",
// https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming-trailers.html),
// whole or tampered with, for tests of the verifier (internal/sigv4) and of
// the fakes built on it. aws-sdk-go-v2 never sends signed chunks, so tests
// need this to send them. It signs; it never verifies. Its output is pinned
// to the documentation's published signatures by its own test.
package sigv4test

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3secure/s3secure/internal/sigv4"
)

// ChunkSigner computes the chain of chunk signatures that starts at a
// request's (seed) signature.
type ChunkSigner struct {
	key            []byte
	amzDate, scope string
	prev           string
}

// NewChunkSigner starts a chain for the s3 scope of amzDate and region,
// from seed, the request's hex signature.
func NewChunkSigner(secret, amzDate, region, seed string) *ChunkSigner {
	return &ChunkSigner{
		key:     sigv4.SigningKey(secret, amzDate[:8], region, "s3"),
		amzDate: amzDate, scope: amzDate[:8] + "/" + region + "/s3/aws4_request", prev: seed,
	}
}

func (s *ChunkSigner) mac(sts string) string {
	h := hmac.New(sha256.New, s.key)
	h.Write([]byte(sts))
	return hex.EncodeToString(h.Sum(nil))
}

// HexSHA256 is the lower-case hex SHA-256 of b.
func HexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// Chunk signs the next chunk (data is nil for the final one) and returns
// its signature, which becomes the previous signature.
func (s *ChunkSigner) Chunk(data []byte) string {
	s.prev = s.mac(strings.Join([]string{"AWS4-HMAC-SHA256-PAYLOAD", s.amzDate, s.scope, s.prev, HexSHA256(nil), HexSHA256(data)}, "\n"))
	return s.prev
}

// Trailer signs the trailing headers, canon being each "name:value\n".
func (s *ChunkSigner) Trailer(canon string) string {
	return s.mac(strings.Join([]string{"AWS4-HMAC-SHA256-TRAILER", s.amzDate, s.scope, s.prev, HexSHA256([]byte(canon))}, "\n"))
}

// Chunk is one chunk of a body being built: its data and, when set, the
// signature to send in place of the right one.
type Chunk struct {
	Data      []byte
	Signature string
}

// Upload describes an aws-chunked PUT: Mode is the x-amz-content-sha256
// marker; Chunks the data chunks (the final empty chunk is added);
// Trailers the trailing "name:value" lines; Declared the x-amz-trailer
// header. The other fields tamper with it.
type Upload struct {
	Mode     string
	Chunks   [][]byte
	Trailers []string
	Declared string
	// DecodedLength is x-amz-decoded-content-length; -1 means the sum of
	// the chunks.
	DecodedLength int
	// Edit changes the chunks (final one included) before they are signed
	// and written; a Chunk's Signature replaces the computed one.
	Edit func([]Chunk) []Chunk
	// TrailerSignature replaces the trailer signature; NoTrailerSignature
	// leaves it out.
	TrailerSignature   string
	NoTrailerSignature bool
	// Raw has the last word on the body's bytes.
	Raw func([]byte) []byte
	// Header is set on the request before it is signed.
	Header http.Header
}

// Request builds the upload as a PUT to url, signed in the Authorization
// header by aws-sdk-go-v2's signer at t, with its body.
func (u Upload) Request(ctx context.Context, url string, creds aws.Credentials, region string, t time.Time) (*http.Request, error) {
	total := 0
	for _, c := range u.Chunks {
		total += len(c)
	}
	if u.DecodedLength >= 0 {
		total = u.DecodedLength
	}
	r, err := http.NewRequestWithContext(ctx, http.MethodPut, url, nil)
	if err != nil {
		return nil, err
	}
	for k, v := range u.Header {
		r.Header[k] = v
	}
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Content-Sha256", u.Mode)
	r.Header.Set("X-Amz-Decoded-Content-Length", strconv.Itoa(total))
	if u.Declared != "" {
		r.Header.Set("X-Amz-Trailer", u.Declared)
	}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	if err := signer.SignHTTP(ctx, creds, r, u.Mode, "s3", region, t); err != nil {
		return nil, err
	}
	authz := r.Header.Get("Authorization")
	s := NewChunkSigner(creds.SecretAccessKey, t.UTC().Format("20060102T150405Z"), region, authz[strings.LastIndex(authz, "=")+1:])
	body := u.body(s)
	r.Body = io.NopCloser(bytes.NewReader(body))
	r.ContentLength = int64(len(body))
	return r, nil
}

func (u Upload) body(s *ChunkSigner) []byte {
	signed := u.Mode != sigv4.StreamingUnsignedTrailer
	chunks := make([]Chunk, 0, len(u.Chunks)+1)
	for _, c := range append(append([][]byte{}, u.Chunks...), nil) {
		chunks = append(chunks, Chunk{Data: c})
	}
	if u.Edit != nil {
		chunks = u.Edit(chunks)
	}
	var b bytes.Buffer
	for _, c := range chunks {
		if signed {
			sig := s.Chunk(c.Data)
			if c.Signature != "" {
				sig, s.prev = c.Signature, c.Signature
			}
			fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", len(c.Data), sig)
		} else {
			fmt.Fprintf(&b, "%x\r\n", len(c.Data))
		}
		if len(c.Data) > 0 {
			b.Write(c.Data)
			b.WriteString("\r\n")
		}
	}
	canon := ""
	for _, tr := range u.Trailers {
		b.WriteString(tr + "\r\n")
		canon += tr + "\n"
	}
	if signed && u.Mode == sigv4.StreamingPayloadTrailer && !u.NoTrailerSignature {
		sig := s.Trailer(canon)
		if u.TrailerSignature != "" {
			sig = u.TrailerSignature
		}
		b.WriteString("x-amz-trailer-signature:" + sig + "\r\n")
	}
	b.WriteString("\r\n")
	if u.Raw != nil {
		return u.Raw(b.Bytes())
	}
	return b.Bytes()
}

// Frames splits an aws-chunked body into its chunk frames (header line,
// data and CRLF each, the final chunk's line last) and what follows them
// (trailers and the final CRLF).
func Frames(body []byte) ([][]byte, []byte, error) {
	var out [][]byte
	for {
		i := bytes.Index(body, []byte("\r\n"))
		if i <= 0 {
			return nil, nil, errors.New("sigv4test: no chunk header")
		}
		sizeText, _, _ := strings.Cut(string(body[:i]), ";")
		n, err := strconv.ParseInt(sizeText, 16, 64)
		if err != nil {
			return nil, nil, err
		}
		end := i + 2
		if n > 0 {
			end += int(n) + 2
		}
		if end > len(body) {
			return nil, nil, errors.New("sigv4test: chunk runs past the body")
		}
		out = append(out, body[:end])
		body = body[end:]
		if n == 0 {
			return out, body, nil
		}
	}
}

// DocExample is one of the S3 API reference's worked examples of a signed
// chunked upload: 65 KiB of 'a' (66560 bytes) PUT to
// examplebucket/chunkObject.txt (host s3.amazonaws.com) in chunks of 64
// KiB, 1 KiB and 0 bytes, with x-amz-storage-class REDUCED_REDUNDANCY, at
// 20130524T000000Z in us-east-1, signed with DocCredentials. Its signatures
// are the published ones.
type DocExample struct {
	Mode          string
	Authorization string
	ContentLength int
	ChunkSigs     [3]string
	Trailer       string // "name:value", or ""
	TrailerSig    string
}

// DocCredentials is the documentation's example key.
var DocCredentials = aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}

// DocDate is the examples' X-Amz-Date.
const DocDate = "20130524T000000Z"

// DocTime is DocDate as a time.
var DocTime = time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

var (
	// DocStreaming is "Example: PUT Object" of sigv4-streaming
	// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD).
	DocStreaming = DocExample{
		Mode:          sigv4.StreamingPayload,
		Authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9",
		ContentLength: 66824,
		ChunkSigs: [3]string{
			"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
			"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
			"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
		},
	}
	// DocTrailer is the example of sigv4-streaming-trailers
	// (STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER, a CRC32C trailer).
	DocTrailer = DocExample{
		Mode:          sigv4.StreamingPayloadTrailer,
		Authorization: "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,Signature=106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e",
		ContentLength: 66946,
		ChunkSigs: [3]string{
			"b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2",
			"1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7",
			"2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992",
		},
		Trailer:    "x-amz-checksum-crc32c:sOO8/Q==",
		TrailerSig: "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435",
	}
	// DocPayload is the examples' object.
	DocPayload = bytes.Repeat([]byte{'a'}, 65*1024)
)

// Seed is the example's request signature.
func (d DocExample) Seed() string { return d.Authorization[strings.LastIndex(d.Authorization, "=")+1:] }

// Body is the example's request body, byte for byte.
func (d DocExample) Body() []byte {
	var b bytes.Buffer
	for i, n := range []int{64 * 1024, 1024, 0} {
		fmt.Fprintf(&b, "%x;chunk-signature=%s\r\n", n, d.ChunkSigs[i])
		if n > 0 {
			b.Write(DocPayload[:n])
			b.WriteString("\r\n")
		}
	}
	if d.Trailer != "" {
		b.WriteString(d.Trailer + "\r\nx-amz-trailer-signature:" + d.TrailerSig + "\r\n")
	}
	b.WriteString("\r\n")
	return b.Bytes()
}

// Request is the example's request, with body as its body, sent to
// base (for example "https://s3.amazonaws.com", or a fake's URL; the Host
// header stays s3.amazonaws.com, which the signature covers).
func (d DocExample) Request(base string, body []byte) (*http.Request, error) {
	r, err := http.NewRequest(http.MethodPut, base+"/examplebucket/chunkObject.txt", bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	r.Host = "s3.amazonaws.com"
	r.ContentLength = int64(d.ContentLength)
	r.Header.Set("Authorization", d.Authorization)
	r.Header.Set("Content-Encoding", "aws-chunked")
	r.Header.Set("X-Amz-Content-Sha256", d.Mode)
	r.Header.Set("X-Amz-Date", DocDate)
	r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
	r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
	if d.Trailer != "" {
		r.Header.Set("X-Amz-Trailer", "x-amz-checksum-crc32c")
	}
	return r, nil
}
