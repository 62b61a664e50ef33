package s3fake_test

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/internal/sigv4/sigv4test"
)

// s3Error is S3's XML error document.
type s3Error struct {
	Code                string
	NumberBytesExpected string
	Chunk               string
	BadChunkSize        string
}

// send sends r with the fake's HTTP client and returns the status and the
// error document (zero on success).
func send(t *testing.T, f *s3fake.Fake, r *http.Request) (int, s3Error) {
	t.Helper()
	resp, err := f.HTTPClient().Do(r)
	require.NoError(t, err)
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	var e s3Error
	if resp.StatusCode >= 300 {
		require.NoError(t, xml.Unmarshal(body, &e), "%s", body)
	}
	return resp.StatusCode, e
}

// requireNoObject checks that key does not exist.
func requireNoObject(t *testing.T, c *s3.Client, bucket, key string) {
	t.Helper()
	_, err := c.HeadObject(t.Context(), &s3.HeadObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	var nf *types.NotFound
	require.ErrorAs(t, err, &nf, "the refused upload must not create the object")
}

// TestChunkedUploadDocExamples sends the S3 API reference's two worked
// examples of signed chunked uploads (sigv4-streaming "Example: PUT Object"
// and sigv4-streaming-trailers), with their published signatures, to a fake
// whose owner key and clock are the documentation's: both are stored as the
// 66560 bytes they decode to. Then each is tampered with, over an object
// that already exists: every change is refused with S3's error and the
// object keeps its old bytes.
func TestChunkedUploadDocExamples(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{
		OwnerAccessKeyID: sigv4test.DocCredentials.AccessKeyID, OwnerSecretAccessKey: sigv4test.DocCredentials.SecretAccessKey,
		Now: func() time.Time { return sigv4test.DocTime },
	})
	require.NoError(t, f.CreateBucket("examplebucket", s3fake.StateAWSDefault))
	docRequest := func(d sigv4test.DocExample, body []byte) *http.Request {
		r, err := d.Request(f.URL, body)
		require.NoError(t, err)
		return r
	}
	read := func() string {
		// The owner client signs with the real clock; the doc examples'
		// signatures are from 2013.
		d := time.Since(sigv4test.DocTime)
		f.Advance(d)
		defer f.Advance(-d)
		return getBody(t, f.OwnerClient(), "examplebucket", "chunkObject.txt")
	}

	for _, d := range []sigv4test.DocExample{sigv4test.DocStreaming, sigv4test.DocTrailer} {
		t.Run(d.Mode, func(t *testing.T) {
			status, e := send(t, f, docRequest(d, d.Body()))
			require.Equal(t, http.StatusOK, status, "%+v", e)
			assert.Equal(t, string(sigv4test.DocPayload), read())
		})
	}

	edit := func(d sigv4test.DocExample, f func(fs [][]byte, rest []byte) []byte) []byte {
		fs, rest, err := sigv4test.Frames(d.Body())
		require.NoError(t, err)
		return f(fs, rest)
	}
	flip := func(b []byte, i int) []byte {
		b = bytes.Clone(b)
		b[i] ^= 1
		return b
	}
	zeros := strings.Repeat("0", 64)
	tests := []struct {
		name   string
		doc    sigv4test.DocExample
		body   []byte
		status int
		code   string
	}{
		{"a byte of the second chunk changed", sigv4test.DocStreaming, edit(sigv4test.DocStreaming, func(fs [][]byte, rest []byte) []byte {
			fs[1] = flip(fs[1], len(fs[1])-3)
			return append(bytes.Join(fs, nil), rest...)
		}), http.StatusForbidden, "SignatureDoesNotMatch"},
		{"chunks reordered", sigv4test.DocStreaming, edit(sigv4test.DocStreaming, func(fs [][]byte, rest []byte) []byte {
			fs[0], fs[1] = fs[1], fs[0]
			return append(bytes.Join(fs, nil), rest...)
		}), http.StatusForbidden, "SignatureDoesNotMatch"},
		// The trailer example does not sign Content-Length, so the body's
		// length can change without breaking the seed signature.
		{"second chunk dropped", sigv4test.DocTrailer, edit(sigv4test.DocTrailer, func(fs [][]byte, rest []byte) []byte {
			return append(append(bytes.Clone(fs[0]), fs[2]...), rest...)
		}), http.StatusForbidden, "SignatureDoesNotMatch"},
		{"wrong final chunk signature", sigv4test.DocStreaming, bytes.Replace(sigv4test.DocStreaming.Body(), []byte(sigv4test.DocStreaming.ChunkSigs[2]), []byte(zeros), 1),
			http.StatusForbidden, "SignatureDoesNotMatch"},
		{"final chunk missing", sigv4test.DocTrailer, edit(sigv4test.DocTrailer, func(fs [][]byte, _ []byte) []byte {
			return bytes.Join(fs[:2], nil)
		}), http.StatusBadRequest, "IncompleteBody"},
		{"bad trailer signature", sigv4test.DocTrailer, bytes.Replace(sigv4test.DocTrailer.Body(), []byte(sigv4test.DocTrailer.TrailerSig), []byte(zeros), 1),
			http.StatusForbidden, "SignatureDoesNotMatch"},
		{"trailer checksum changed", sigv4test.DocTrailer, bytes.Replace(sigv4test.DocTrailer.Body(), []byte("sOO8/Q=="), []byte("AAAAAA=="), 1),
			http.StatusForbidden, "SignatureDoesNotMatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := docRequest(tt.doc, tt.body)
			if tt.doc.Trailer != "" {
				r.ContentLength = int64(len(tt.body))
			} else {
				require.Len(t, tt.body, tt.doc.ContentLength, "Content-Length is signed here")
			}
			status, e := send(t, f, r)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.code, e.Code)
			assert.Equal(t, string(sigv4test.DocPayload), read(), "the object keeps its verified bytes")
		})
	}
}

// TestChunkedUploadRefusals sends signed and unsigned chunked uploads that
// are changed after signing, or that break S3's chunk rules, through the
// fake with the owner's key: each is refused with the status, code and
// details S3 answers (see internal/sigv4's TestChunkedTampering for the
// sources), and no object is created.
func TestChunkedUploadRefusals(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("chunks", s3fake.StateAWSDefault))
	owner := f.OwnerCredential()
	creds := aws.Credentials{AccessKeyID: owner.AccessKeyID, SecretAccessKey: owner.SecretAccessKey}
	a, b := bytes.Repeat([]byte{'a'}, 8192), bytes.Repeat([]byte{'b'}, 100)
	all := append(bytes.Clone(a), b...)
	crc := "x-amz-checksum-crc32:" + crc32Base64(all)
	tests := []struct {
		name   string
		up     sigv4test.Upload
		status int
		e      s3Error
	}{
		{"decoded length one short", sigv4test.Upload{Mode: sigv4.StreamingPayload, Chunks: [][]byte{a, b}, DecodedLength: len(all) - 1},
			http.StatusBadRequest, s3Error{Code: "IncompleteBody", NumberBytesExpected: strconv.Itoa(len(all) - 1)}},
		{"decoded length one long", sigv4test.Upload{Mode: sigv4.StreamingPayload, Chunks: [][]byte{a, b}, DecodedLength: len(all) + 1},
			http.StatusBadRequest, s3Error{Code: "IncompleteBody", NumberBytesExpected: strconv.Itoa(len(all) + 1)}},
		{"small chunk before the last", sigv4test.Upload{Mode: sigv4.StreamingPayload, Chunks: [][]byte{b, a}, DecodedLength: -1},
			http.StatusForbidden, s3Error{Code: "InvalidChunkSizeError", Chunk: "2", BadChunkSize: "100"}},
		{"chunk re-signed with a guessed signature", sigv4test.Upload{Mode: sigv4.StreamingPayload, Chunks: [][]byte{a, b}, DecodedLength: -1,
			Edit: func(c []sigv4test.Chunk) []sigv4test.Chunk { c[1].Signature = strings.Repeat("1", 64); return c }},
			http.StatusForbidden, s3Error{Code: "SignatureDoesNotMatch"}},
		{"signed trailer, checksum of other bytes", sigv4test.Upload{Mode: sigv4.StreamingPayloadTrailer, Chunks: [][]byte{a, b}, DecodedLength: -1,
			Declared: "x-amz-checksum-crc32", Trailers: []string{"x-amz-checksum-crc32:" + crc32Base64(a)}},
			http.StatusBadRequest, s3Error{Code: "BadDigest"}},
		{"signed trailer, undeclared trailer", sigv4test.Upload{Mode: sigv4.StreamingPayloadTrailer, Chunks: [][]byte{a, b}, DecodedLength: -1,
			Trailers: []string{crc}},
			http.StatusBadRequest, s3Error{Code: "MalformedTrailerError"}},
		{"unsigned trailer, body changed", sigv4test.Upload{Mode: sigv4.StreamingUnsignedTrailer, Chunks: [][]byte{a, b}, DecodedLength: -1,
			Declared: "x-amz-checksum-crc32", Trailers: []string{crc},
			Raw: func(body []byte) []byte { return bytes.Replace(body, []byte("aaaa"), []byte("aaab"), 1) }},
			http.StatusBadRequest, s3Error{Code: "BadDigest"}},
		{"unsigned trailer, two checksums declared", sigv4test.Upload{Mode: sigv4.StreamingUnsignedTrailer, Chunks: [][]byte{a, b}, DecodedLength: -1,
			Declared: "x-amz-checksum-crc32,x-amz-checksum-sha256", Trailers: []string{crc}},
			http.StatusBadRequest, s3Error{Code: "InvalidRequest"}},
		{"SigV4a chunks", sigv4test.Upload{Mode: sigv4.StreamingECDSAPayload, Chunks: [][]byte{a, b}, DecodedLength: -1},
			http.StatusNotImplemented, s3Error{Code: "NotImplemented"}},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			key := "k" + strconv.Itoa(i)
			r, err := tt.up.Request(t.Context(), f.URL+"/chunks/"+key, creds, "us-east-1", time.Now())
			require.NoError(t, err)
			status, e := send(t, f, r)
			assert.Equal(t, tt.status, status)
			assert.Equal(t, tt.e, e)
			requireNoObject(t, f.OwnerClient(), "chunks", key)
		})
	}
	t.Run("intact uploads are stored", func(t *testing.T) {
		for i, up := range []sigv4test.Upload{
			{Mode: sigv4.StreamingPayload, Chunks: [][]byte{a, b}, DecodedLength: -1},
			{Mode: sigv4.StreamingPayloadTrailer, Chunks: [][]byte{a, b}, DecodedLength: -1, Declared: "x-amz-checksum-crc32", Trailers: []string{crc}},
			{Mode: sigv4.StreamingUnsignedTrailer, Chunks: [][]byte{a, b}, DecodedLength: -1, Declared: "x-amz-checksum-crc32", Trailers: []string{crc}},
		} {
			key := "ok" + strconv.Itoa(i)
			r, err := up.Request(t.Context(), f.URL+"/chunks/"+key, creds, "us-east-1", time.Now())
			require.NoError(t, err)
			status, e := send(t, f, r)
			require.Equal(t, http.StatusOK, status, "%s: %+v", up.Mode, e)
			assert.Equal(t, string(all), getBody(t, f.OwnerClient(), "chunks", key), up.Mode)
		}
	})
}

func crc32Base64(b []byte) string {
	sum := crc32.ChecksumIEEE(b)
	return base64.StdEncoding.EncodeToString([]byte{byte(sum >> 24), byte(sum >> 16), byte(sum >> 8), byte(sum)})
}

// uploadRecorder is the HTTP transport of an SDK client: it records the
// headers of every PutObject and UploadPart, and with tamper set it changes
// one payload byte of each after the SDK has signed it (a man in the middle,
// or a broken proxy).
type uploadRecorder struct {
	next   http.RoundTripper
	tamper bool
	mu     sync.Mutex
	seen   []http.Header
}

func (u *uploadRecorder) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPut || r.Header.Get("X-Amz-Copy-Source") != "" {
		return u.next.RoundTrip(r)
	}
	u.mu.Lock()
	u.seen = append(u.seen, r.Header.Clone())
	u.mu.Unlock()
	if !u.tamper || r.Body == nil || r.Body == http.NoBody {
		return u.next.RoundTrip(r)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return nil, err
	}
	i := 0
	if strings.Contains(r.Header.Get("Content-Encoding"), "aws-chunked") {
		i = bytes.Index(body, []byte("\r\n")) + 2 // the first byte of the first chunk's data
	}
	if len(body) > i {
		body[i] ^= 1
	}
	r = r.Clone(r.Context())
	r.Body, r.ContentLength = io.NopCloser(bytes.NewReader(body)), int64(len(body))
	return u.next.RoundTrip(r)
}

func (u *uploadRecorder) last() http.Header {
	u.mu.Lock()
	defer u.mu.Unlock()
	if len(u.seen) == 0 {
		return http.Header{}
	}
	return u.seen[len(u.seen)-1]
}

// TestSDKUploadModes uploads through aws-sdk-go-v2's real client in each
// way it sends a body (what it sends is recorded and checked, so a change
// in the SDK shows here), then again with a byte of the body changed in
// flight. Over HTTPS the SDK's default (RequestChecksumCalculation
// WhenSupported) is aws-chunked STREAMING-UNSIGNED-PAYLOAD-TRAILER with a
// CRC32 trailer, or the algorithm asked for; given a checksum value, or an
// empty body, it sends UNSIGNED-PAYLOAD with the x-amz-checksum-* header;
// with WhenRequired, plain UNSIGNED-PAYLOAD. Over plain HTTP it signs the
// body's SHA-256 (and adds a CRC32 header by default). Every tampered body
// that carries a checksum or a signed hash is refused, as S3 does (BadDigest,
// XAmzContentSHA256Mismatch), and not stored; UNSIGNED-PAYLOAD without a
// checksum protects nothing, on S3 as here, and is stored as changed.
func TestSDKUploadModes(t *testing.T) {
	const body = "hello, chunked world"
	tests := []struct {
		name    string
		http    bool // plain HTTP instead of HTTPS
		calc    aws.RequestChecksumCalculation
		in      func(*s3.PutObjectInput)
		payload string // x-amz-content-sha256 sent; "hex" for the body's SHA-256
		trailer string // x-amz-trailer sent
		header  string // x-amz-checksum-* header sent
		refused string // code when the body is changed in flight; "" if accepted
	}{
		{name: "default", calc: aws.RequestChecksumCalculationWhenSupported,
			payload: sigv4.StreamingUnsignedTrailer, trailer: "x-amz-checksum-crc32", refused: "BadDigest"},
		{name: "CRC32C", calc: aws.RequestChecksumCalculationWhenSupported, in: func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc32c },
			payload: sigv4.StreamingUnsignedTrailer, trailer: "x-amz-checksum-crc32c", refused: "BadDigest"},
		{name: "CRC64NVME", calc: aws.RequestChecksumCalculationWhenSupported, in: func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmCrc64nvme },
			payload: sigv4.StreamingUnsignedTrailer, trailer: "x-amz-checksum-crc64nvme", refused: "BadDigest"},
		{name: "SHA1", calc: aws.RequestChecksumCalculationWhenSupported, in: func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmSha1 },
			payload: sigv4.StreamingUnsignedTrailer, trailer: "x-amz-checksum-sha1", refused: "BadDigest"},
		{name: "SHA256 when required", calc: aws.RequestChecksumCalculationWhenRequired, in: func(in *s3.PutObjectInput) { in.ChecksumAlgorithm = types.ChecksumAlgorithmSha256 },
			payload: sigv4.StreamingUnsignedTrailer, trailer: "x-amz-checksum-sha256", refused: "BadDigest"},
		{name: "unseekable body of known length", calc: aws.RequestChecksumCalculationWhenSupported,
			in: func(in *s3.PutObjectInput) {
				in.Body, in.ContentLength = io.NopCloser(strings.NewReader(body)), aws.Int64(int64(len(body)))
			},
			payload: sigv4.StreamingUnsignedTrailer, trailer: "x-amz-checksum-crc32", refused: "BadDigest"},
		{name: "checksum value given", calc: aws.RequestChecksumCalculationWhenSupported, in: func(in *s3.PutObjectInput) { in.ChecksumCRC32 = aws.String(crc32Base64([]byte(body))) },
			payload: sigv4.UnsignedPayload, header: "X-Amz-Checksum-Crc32", refused: "BadDigest"},
		{name: "checksums when required", calc: aws.RequestChecksumCalculationWhenRequired,
			payload: sigv4.UnsignedPayload},
		{name: "plain HTTP", http: true, calc: aws.RequestChecksumCalculationWhenSupported,
			payload: "hex", header: "X-Amz-Checksum-Crc32", refused: "XAmzContentSHA256Mismatch"},
		{name: "plain HTTP, checksums when required", http: true, calc: aws.RequestChecksumCalculationWhenRequired,
			payload: "hex", refused: "XAmzContentSHA256Mismatch"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := s3fake.Start
			if tt.http {
				start = s3fake.StartHTTP
			}
			f := start(t, nil)
			require.NoError(t, f.CreateBucket("modes", s3fake.StateAWSDefault))
			rec := &uploadRecorder{next: f.HTTPClient().Transport}
			c := f.Client(f.OwnerCredential(), func(o *s3.Options) {
				o.RequestChecksumCalculation = tt.calc
				o.HTTPClient = &http.Client{Transport: rec}
			})
			put := func(key string) error {
				in := &s3.PutObjectInput{Bucket: aws.String("modes"), Key: aws.String(key), Body: strings.NewReader(body)}
				if tt.in != nil {
					tt.in(in)
				}
				_, err := c.PutObject(t.Context(), in)
				return err
			}

			require.NoError(t, put("intact"))
			assert.Equal(t, body, getBody(t, f.OwnerClient(), "modes", "intact"))
			sent := rec.last()
			if tt.payload == "hex" {
				assert.Len(t, sent.Get("X-Amz-Content-Sha256"), 64)
			} else {
				assert.Equal(t, tt.payload, sent.Get("X-Amz-Content-Sha256"))
			}
			assert.Equal(t, tt.trailer, sent.Get("X-Amz-Trailer"))
			if tt.header != "" {
				assert.NotEmpty(t, sent.Get(tt.header))
			}

			rec.tamper = true
			err := put("tampered")
			if tt.refused == "" {
				require.NoError(t, err)
				assert.NotEqual(t, body, getBody(t, f.OwnerClient(), "modes", "tampered"), "UNSIGNED-PAYLOAD without a checksum carries no protection")
				return
			}
			requireCode(t, err, tt.refused)
			requireNoObject(t, f.OwnerClient(), "modes", "tampered")
		})
	}
}

// TestSDKUploadChecksumsAndParts covers the rest of what the SDK sends: an
// empty body (UNSIGNED-PAYLOAD and the CRC32 of nothing, AAAAAA==), a
// checksum value that does not match the body (BadDigest, nothing stored),
// an unseekable body of unknown length (no x-amz-decoded-content-length:
// refused with MissingContentLength, which the SigV4 streaming page makes
// mandatory; S3 itself refuses that request with 501 NotImplemented for its
// Transfer-Encoding header, aws/aws-sdk-go-v2#2683), and UploadPart in the
// default mode, intact and changed in flight.
func TestSDKUploadChecksumsAndParts(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("parts", s3fake.StateAWSDefault))
	rec := &uploadRecorder{next: f.HTTPClient().Transport}
	c := f.Client(f.OwnerCredential(), func(o *s3.Options) {
		o.RequestChecksumCalculation = aws.RequestChecksumCalculationWhenSupported
		o.HTTPClient = &http.Client{Transport: rec}
	})
	ctx := t.Context()

	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("parts"), Key: aws.String("empty"), Body: bytes.NewReader(nil)})
	require.NoError(t, err)
	assert.Equal(t, sigv4.UnsignedPayload, rec.last().Get("X-Amz-Content-Sha256"))
	assert.Equal(t, "AAAAAA==", rec.last().Get("X-Amz-Checksum-Crc32"))

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("parts"), Key: aws.String("wrong-sum"), Body: strings.NewReader("hello"), ChecksumSHA256: aws.String(base64.StdEncoding.EncodeToString(make([]byte, 32)))})
	requireCode(t, err, "BadDigest")
	requireNoObject(t, c, "parts", "wrong-sum")

	_, err = c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("parts"), Key: aws.String("unknown-length"), Body: io.NopCloser(strings.NewReader("hello"))})
	requireCode(t, err, "MissingContentLength")
	requireNoObject(t, c, "parts", "unknown-length")

	up, err := c.CreateMultipartUpload(ctx, &s3.CreateMultipartUploadInput{Bucket: aws.String("parts"), Key: aws.String("mpu")})
	require.NoError(t, err)
	part := strings.Repeat("part data ", 1000)
	rec.tamper = true
	_, err = c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("parts"), Key: aws.String("mpu"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader(part)})
	requireCode(t, err, "BadDigest")
	assert.Equal(t, sigv4.StreamingUnsignedTrailer, rec.last().Get("X-Amz-Content-Sha256"))
	parts, err := c.ListParts(ctx, &s3.ListPartsInput{Bucket: aws.String("parts"), Key: aws.String("mpu"), UploadId: up.UploadId})
	require.NoError(t, err)
	assert.Empty(t, parts.Parts, "the refused part is not kept")

	rec.tamper = false
	p1, err := c.UploadPart(ctx, &s3.UploadPartInput{Bucket: aws.String("parts"), Key: aws.String("mpu"), UploadId: up.UploadId, PartNumber: aws.Int32(1), Body: strings.NewReader(part)})
	require.NoError(t, err)
	_, err = c.CompleteMultipartUpload(ctx, &s3.CompleteMultipartUploadInput{Bucket: aws.String("parts"), Key: aws.String("mpu"), UploadId: up.UploadId,
		MultipartUpload: &types.CompletedMultipartUpload{Parts: []types.CompletedPart{{ETag: p1.ETag, PartNumber: aws.Int32(1)}}}})
	require.NoError(t, err)
	assert.Equal(t, part, getBody(t, f.OwnerClient(), "parts", "mpu"))
}

// TestSigV4aRefused: a request signed with SigV4a is answered 501
// NotImplemented, never accepted on a signature nobody checked.
func TestSigV4aRefused(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("v4a", s3fake.StateAWSDefault))
	r, err := http.NewRequestWithContext(t.Context(), http.MethodPut, f.URL+"/v4a/k", strings.NewReader("x"))
	require.NoError(t, err)
	r.Header.Set("Authorization", "AWS4-ECDSA-P256-SHA256 Credential="+f.OwnerCredential().AccessKeyID+"/20250101/s3/aws4_request, SignedHeaders=host;x-amz-date;x-amz-region-set, Signature=3045022100")
	r.Header.Set("X-Amz-Date", time.Now().UTC().Format("20060102T150405Z"))
	r.Header.Set("X-Amz-Region-Set", "*")
	r.Header.Set("X-Amz-Content-Sha256", sigv4.StreamingECDSAPayload)
	status, e := send(t, f, r)
	assert.Equal(t, http.StatusNotImplemented, status)
	assert.Equal(t, "NotImplemented", e.Code)
	requireNoObject(t, f.OwnerClient(), "v4a", "k")
}
