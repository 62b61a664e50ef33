package sigv4_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"errors"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/internal/sigv4/sigv4test"
)

// TestChunkedDocExamples verifies the S3 API reference's two worked
// examples ("Signature Calculations for the Authorization Header:
// Transferring Payload in Multiple Chunks", Example: PUT Object, and
// "Signature calculations for trailing headers") with their published seed,
// chunk and trailer signatures.
func TestChunkedDocExamples(t *testing.T) {
	docCreds := sigv4.Credentials{AccessKeyID: sigv4test.DocCredentials.AccessKeyID, SecretAccessKey: sigv4test.DocCredentials.SecretAccessKey}
	for _, d := range []sigv4test.DocExample{sigv4test.DocStreaming, sigv4test.DocTrailer} {
		t.Run(d.Mode, func(t *testing.T) {
			r, err := d.Request("https://s3.amazonaws.com", d.Body())
			require.NoError(t, err)
			res, err := sigv4.Verify(r, lookupOf(docCreds), &sigv4.VerifyOptions{Now: at(sigv4test.DocDate)})
			require.NoError(t, err)
			assert.True(t, res.Chunked)
			assert.Equal(t, d.Mode, res.PayloadHash)
			assert.Equal(t, int64(66560), r.ContentLength)
			require.IsType(t, &sigv4.ChunkedReader{}, r.Body)
			got, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			assert.Equal(t, sigv4test.DocPayload, got)
		})
	}
}

var uploadCreds = sigv4.Credentials{AccessKeyID: "AKIAUPLOAD0000000001", SecretAccessKey: "upload-secret"}

const uploadDate = "20250102T030405Z"

// request builds u as a request signed with uploadCreds at uploadDate.
func request(t testing.TB, u sigv4test.Upload) *http.Request {
	t.Helper()
	r, err := u.Request(t.Context(), "https://s3.us-east-1.amazonaws.com/bucket/key",
		aws.Credentials{AccessKeyID: uploadCreds.AccessKeyID, SecretAccessKey: uploadCreds.SecretAccessKey}, "us-east-1", at(uploadDate)())
	require.NoError(t, err)
	return r
}

// verifyAndRead verifies r and reads its body; it returns what the body
// yielded before its error.
func verifyAndRead(t *testing.T, r *http.Request) ([]byte, error) {
	t.Helper()
	_, err := sigv4.Verify(r, lookupOf(uploadCreds), &sigv4.VerifyOptions{Now: at(uploadDate)})
	if err != nil && !errors.Is(err, sigv4.ErrUnsigned) {
		return nil, err
	}
	return io.ReadAll(r.Body)
}

func crc32Trailer(b []byte) string {
	return "x-amz-checksum-crc32:" + b64(crc32IEEE(b))
}

func b64(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

func crc32IEEE(b []byte) []byte {
	s := crc32.ChecksumIEEE(b)
	return []byte{byte(s >> 24), byte(s >> 16), byte(s >> 8), byte(s)}
}

func frames(t testing.TB, body []byte) ([][]byte, []byte) {
	t.Helper()
	fs, rest, err := sigv4test.Frames(body)
	require.NoError(t, err)
	return fs, rest
}

func join(fs [][]byte, rest []byte) []byte {
	return append(bytes.Join(fs, nil), rest...)
}

func fill(c byte, n int) []byte { return bytes.Repeat([]byte{c}, n) }

// TestChunkedTampering sends signed, signed-trailer and unsigned-trailer
// bodies changed in each way an attacker (or a broken client) could change
// them. Each is refused with the error S3 gives, and the reader never yields
// a byte of a chunk whose signature did not verify.
//
// S3's answers where the API reference does not list them were observed
// against S3 and reported in versity/versitygw: IncompleteBody "The request
// body terminated unexpectedly" for malformed framing (#1660, #1666, #1685),
// IncompleteBody with NumberBytesExpected/NumberBytesProvided for a wrong
// x-amz-decoded-content-length (#1676, #1684), 403 InvalidChunkSizeError
// with Chunk and BadChunkSize (#1683, #2085; also aws/aws-sdk-cpp#2727),
// MalformedTrailerError for a trailer that is malformed or does not match
// x-amz-trailer (#1600, #1690, #1691; scality/Arsenal#2596), InvalidRequest
// "Value for x-amz-checksum-sha1 trailing header is invalid." (#1692) and
// BadDigest "The SHA1 you specified did not match the calculated checksum."
// (#1694).
func TestChunkedTampering(t *testing.T) {
	a, b, c := fill('a', 8192), fill('b', 9000), fill('c', 100)
	all := bytes.Join([][]byte{a, b, c}, nil)
	zeros := strings.Repeat("0", 64)
	signed := sigv4test.Upload{Mode: sigv4.StreamingPayload, Chunks: [][]byte{a, b, c}, DecodedLength: -1}
	trailer := sigv4test.Upload{Mode: sigv4.StreamingPayloadTrailer, Chunks: [][]byte{a, b, c}, DecodedLength: -1,
		Declared: "x-amz-checksum-crc32", Trailers: []string{crc32Trailer(all)}}
	unsigned := sigv4test.Upload{Mode: sigv4.StreamingUnsignedTrailer, Chunks: [][]byte{a, b, c}, DecodedLength: -1,
		Declared: "x-amz-checksum-crc32", Trailers: []string{crc32Trailer(all)}}
	with := func(u sigv4test.Upload, f func(*sigv4test.Upload)) sigv4test.Upload { f(&u); return u }
	raw := func(u sigv4test.Upload, f func(fs [][]byte, rest []byte) []byte) sigv4test.Upload {
		u.Raw = func(body []byte) []byte {
			fs, rest := frames(t, body)
			return f(fs, rest)
		}
		return u
	}

	tests := []struct {
		name   string
		up     sigv4test.Upload
		code   *sigv4.Error
		yields []byte // what the body yields before the error
		extra  [][2]string
	}{
		{name: "signed, intact", up: signed, yields: all},
		{name: "signed trailer, intact", up: trailer, yields: all},
		{name: "unsigned trailer, intact", up: unsigned, yields: all},
		{name: "signed, empty payload", up: sigv4test.Upload{Mode: sigv4.StreamingPayload, DecodedLength: -1}, yields: []byte{}},
		{name: "unsigned trailer, none declared", up: sigv4test.Upload{Mode: sigv4.StreamingUnsignedTrailer, Chunks: [][]byte{c}, DecodedLength: -1}, yields: c},

		{name: "signed, a byte of chunk 2 changed", up: raw(signed, func(fs [][]byte, rest []byte) []byte {
			f := bytes.Clone(fs[1])
			f[len(f)-3] ^= 1
			fs[1] = f
			return join(fs, rest)
		}), code: sigv4.ErrSignatureDoesNotMatch, yields: a},
		{name: "signed, chunks 1 and 2 swapped", up: raw(signed, func(fs [][]byte, rest []byte) []byte {
			fs[0], fs[1] = fs[1], fs[0]
			return join(fs, rest)
		}), code: sigv4.ErrSignatureDoesNotMatch, yields: []byte{}},
		{name: "signed, chunk 2 dropped", up: with(raw(signed, func(fs [][]byte, rest []byte) []byte {
			return join(append(fs[:1:1], fs[2:]...), rest)
		}), func(u *sigv4test.Upload) { u.DecodedLength = len(a) + len(c) }), code: sigv4.ErrSignatureDoesNotMatch, yields: a},
		{name: "signed, chunk 2 replaced, re-signed with a guessed key", up: with(signed, func(u *sigv4test.Upload) {
			u.Edit = func(s []sigv4test.Chunk) []sigv4test.Chunk { s[1].Signature = zeros; return s }
		}), code: sigv4.ErrSignatureDoesNotMatch, yields: a},
		{name: "signed, wrong final chunk signature", up: with(signed, func(u *sigv4test.Upload) {
			u.Edit = func(s []sigv4test.Chunk) []sigv4test.Chunk { s[len(s)-1].Signature = zeros; return s }
		}), code: sigv4.ErrSignatureDoesNotMatch, yields: all},
		{name: "signed, final chunk cut off", up: raw(signed, func(fs [][]byte, _ []byte) []byte {
			return join(fs[:3], nil)
		}), code: sigv4.ErrIncompleteBody, yields: all},
		{name: "signed, body ends inside a chunk", up: raw(signed, func(fs [][]byte, _ []byte) []byte {
			return fs[0][:100]
		}), code: sigv4.ErrIncompleteBody, yields: []byte{}},
		{name: "signed, bytes after the end", up: raw(signed, func(fs [][]byte, rest []byte) []byte {
			return join(fs, append(rest, 'x'))
		}), code: sigv4.ErrIncompleteBody, yields: all},
		{name: "signed, chunk signature missing", up: raw(signed, func(fs [][]byte, rest []byte) []byte {
			fs[1] = []byte(strings.Replace(string(fs[1]), ";chunk-signature=", ";chunk-signatur=", 1))
			return join(fs, rest)
		}), code: sigv4.ErrIncompleteBody, yields: a},
		{name: "signed, decoded length one short", up: with(signed, func(u *sigv4test.Upload) { u.DecodedLength = len(all) - 1 }),
			code: sigv4.ErrIncompleteBody, yields: bytes.Join([][]byte{a, b}, nil),
			extra: [][2]string{{"NumberBytesExpected", strconv.Itoa(len(all) - 1)}, {"NumberBytesProvided", strconv.Itoa(len(all))}}},
		{name: "signed, decoded length one long", up: with(signed, func(u *sigv4test.Upload) { u.DecodedLength = len(all) + 1 }),
			code: sigv4.ErrIncompleteBody, yields: all,
			extra: [][2]string{{"NumberBytesExpected", strconv.Itoa(len(all) + 1)}, {"NumberBytesProvided", strconv.Itoa(len(all))}}},
		{name: "signed, a small chunk before the last", up: with(signed, func(u *sigv4test.Upload) { u.Chunks = [][]byte{c, a} }),
			code: sigv4.ErrInvalidChunkSize, yields: c, extra: [][2]string{{"Chunk", "2"}, {"BadChunkSize", "100"}}},

		{name: "signed trailer, bad trailer signature", up: with(trailer, func(u *sigv4test.Upload) { u.TrailerSignature = zeros }),
			code: sigv4.ErrSignatureDoesNotMatch, yields: all},
		{name: "signed trailer, trailer signature missing", up: with(trailer, func(u *sigv4test.Upload) { u.NoTrailerSignature = true }),
			code: sigv4.ErrMalformedTrailer, yields: all},
		{name: "signed trailer, trailer value changed after signing", up: raw(trailer, func(fs [][]byte, rest []byte) []byte {
			return join(fs, bytes.Replace(rest, []byte(crc32Trailer(all)), []byte("x-amz-checksum-crc32:AAAAAA=="), 1))
		}), code: sigv4.ErrSignatureDoesNotMatch, yields: all},
		{name: "signed trailer, signed checksum does not match the body", up: with(trailer, func(u *sigv4test.Upload) {
			u.Trailers = []string{"x-amz-checksum-crc32:AAAAAA=="}
		}), code: sigv4.ErrBadDigest, yields: all},
		{name: "signed trailer, checksum not base64 of 4 bytes", up: with(trailer, func(u *sigv4test.Upload) {
			u.Trailers = []string{"x-amz-checksum-crc32:AAAA"}
		}), code: sigv4.ErrInvalidRequest, yields: all},
		{name: "signed trailer, undeclared trailer", up: with(trailer, func(u *sigv4test.Upload) {
			u.Trailers = append(u.Trailers, "x-amz-meta-x:1")
		}), code: sigv4.ErrMalformedTrailer, yields: all},
		{name: "signed trailer, declared trailer absent", up: with(trailer, func(u *sigv4test.Upload) { u.Trailers = nil }),
			code: sigv4.ErrMalformedTrailer, yields: all},
		{name: "signed trailer, a different checksum than declared", up: with(trailer, func(u *sigv4test.Upload) {
			u.Trailers = []string{"x-amz-checksum-sha256:" + b64(sha256Sum(all))}
		}), code: sigv4.ErrMalformedTrailer, yields: all},

		{name: "unsigned trailer, body changed", up: raw(unsigned, func(fs [][]byte, rest []byte) []byte {
			f := bytes.Clone(fs[1])
			f[len(f)-3] ^= 1
			fs[1] = f
			return join(fs, rest)
		}), code: sigv4.ErrBadDigest},
		{name: "unsigned trailer, checksum changed", up: with(unsigned, func(u *sigv4test.Upload) {
			u.Trailers = []string{"x-amz-checksum-crc32:AAAAAA=="}
		}), code: sigv4.ErrBadDigest, yields: all},
		{name: "unsigned trailer, chunk signature sent", up: raw(unsigned, func(fs [][]byte, rest []byte) []byte {
			fs[0] = []byte(strings.Replace(string(fs[0]), "\r\n", ";chunk-signature="+zeros+"\r\n", 1))
			return join(fs, rest)
		}), code: sigv4.ErrIncompleteBody, yields: []byte{}},
		{name: "unsigned trailer, trailer signature sent", up: with(unsigned, func(u *sigv4test.Upload) {
			u.Trailers = append(u.Trailers, "x-amz-trailer-signature:"+zeros)
		}), code: sigv4.ErrMalformedTrailer, yields: all},
		{name: "unsigned trailer, decoded length one short", up: with(unsigned, func(u *sigv4test.Upload) { u.DecodedLength = len(all) - 1 }),
			code: sigv4.ErrIncompleteBody, yields: bytes.Join([][]byte{a, b}, nil)},
		{name: "unsigned trailer, a small chunk before the last", up: with(unsigned, func(u *sigv4test.Upload) {
			u.Chunks = [][]byte{c, a}
			u.Trailers = []string{crc32Trailer(append(bytes.Clone(c), a...))}
		}), code: sigv4.ErrInvalidChunkSize, yields: c},
		{name: "unsigned trailer, chunk data not followed by CRLF", up: raw(unsigned, func(fs [][]byte, rest []byte) []byte {
			f := bytes.Clone(fs[0])
			f[len(f)-1] = 'x'
			fs[0] = f
			return join(fs, rest)
		}), code: sigv4.ErrIncompleteBody, yields: a},
		{name: "unsigned trailer, size not hex", up: raw(unsigned, func(fs [][]byte, rest []byte) []byte {
			fs[0] = append([]byte("+"), fs[0]...)
			return join(fs, rest)
		}), code: sigv4.ErrIncompleteBody, yields: []byte{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := verifyAndRead(t, request(t, tt.up))
			if tt.code == nil {
				require.NoError(t, err)
			} else {
				require.ErrorIs(t, err, tt.code)
				var se *sigv4.Error
				require.ErrorAs(t, err, &se)
				assert.Equal(t, tt.code.StatusCode, se.StatusCode)
				if tt.extra != nil {
					assert.Equal(t, tt.extra, se.Extra)
				}
			}
			if tt.yields != nil {
				assert.Equal(t, len(tt.yields), len(got))
				assert.True(t, bytes.Equal(tt.yields, got), "yielded bytes differ")
			}
		})
	}
}

func sha256Sum(b []byte) []byte { s := sha256.Sum256(b); return s[:] }

// TestChunkedHeaders covers what Verify refuses from the headers alone,
// before any body is read, and SigV4a.
func TestChunkedHeaders(t *testing.T) {
	base := sigv4test.Upload{Mode: sigv4.StreamingUnsignedTrailer, Chunks: [][]byte{[]byte("hello")}, DecodedLength: -1,
		Declared: "x-amz-checksum-crc32", Trailers: []string{crc32Trailer([]byte("hello"))}}
	verify := func(r *http.Request) error {
		_, err := sigv4.Verify(r, lookupOf(uploadCreds), &sigv4.VerifyOptions{Now: at(uploadDate)})
		return err
	}
	t.Run("no x-amz-decoded-content-length", func(t *testing.T) {
		r := request(t, base)
		r.Header.Del("X-Amz-Decoded-Content-Length")
		require.ErrorIs(t, verify(r), sigv4.ErrSignatureDoesNotMatch, "the header was signed")
		u := base
		u.Raw = nil
		r = unsignedRequest(t, u)
		r.Header.Del("X-Amz-Decoded-Content-Length")
		require.ErrorIs(t, verify(r), sigv4.ErrMissingContentLength)
	})
	for _, tc := range []struct{ declared, header string }{
		{"x-amz-checksum-crc32,x-amz-checksum-sha256", ""},
		{"x-amz-meta-color", ""},
		{"x-amz-checksum-md5", ""},
		{"x-amz-checksum-crc32", "x-amz-checksum-crc32"},
	} {
		t.Run("x-amz-trailer "+tc.declared+" header "+tc.header, func(t *testing.T) {
			u := base
			u.Declared = tc.declared
			r := unsignedRequest(t, u)
			if tc.header != "" {
				r.Header.Set(tc.header, b64(crc32IEEE([]byte("hello"))))
			}
			require.ErrorIs(t, verify(r), sigv4.ErrInvalidRequest)
		})
	}
	t.Run("unsigned request with signed chunks", func(t *testing.T) {
		r := unsignedRequest(t, sigv4test.Upload{Mode: sigv4.StreamingPayload, Chunks: [][]byte{[]byte("hello")}, DecodedLength: -1})
		require.ErrorIs(t, verify(r), sigv4.ErrInvalidRequest)
	})
	t.Run("unsigned request with unsigned chunks is decoded", func(t *testing.T) {
		r := unsignedRequest(t, base)
		require.ErrorIs(t, verify(r), sigv4.ErrUnsigned)
		got, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		assert.Equal(t, "hello", string(got))
	})
	for _, mode := range []string{sigv4.StreamingECDSAPayload, sigv4.StreamingECDSAPayloadTrailer} {
		t.Run(mode+" signed with HMAC", func(t *testing.T) {
			u := base
			u.Mode, u.Declared, u.Trailers = mode, "", nil
			err := verify(request(t, u))
			require.ErrorIs(t, err, sigv4.ErrNotImplemented)
			assert.Equal(t, http.StatusNotImplemented, err.(*sigv4.Error).StatusCode)
		})
		t.Run(mode+" unsigned", func(t *testing.T) {
			r := unsignedRequest(t, base)
			r.Header.Set("X-Amz-Content-Sha256", mode)
			require.ErrorIs(t, verify(r), sigv4.ErrNotImplemented)
		})
	}
	t.Run("AWS4-ECDSA-P256-SHA256 Authorization", func(t *testing.T) {
		r := request(t, base)
		r.Header.Set("Authorization", strings.Replace(r.Header.Get("Authorization"), "AWS4-HMAC-SHA256", "AWS4-ECDSA-P256-SHA256", 1))
		require.ErrorIs(t, verify(r), sigv4.ErrNotImplemented)
	})
	t.Run("AWS4-ECDSA-P256-SHA256 presigned", func(t *testing.T) {
		r, _ := http.NewRequest(http.MethodGet, "https://s3.amazonaws.com/b/k?X-Amz-Algorithm=AWS4-ECDSA-P256-SHA256&X-Amz-Credential=a&X-Amz-Date=b&X-Amz-SignedHeaders=host&X-Amz-Expires=1&X-Amz-Signature=c", nil)
		require.ErrorIs(t, verify(r), sigv4.ErrNotImplemented)
	})
}

// unsignedRequest is u's request without its Authorization header.
func unsignedRequest(t *testing.T, u sigv4test.Upload) *http.Request {
	r := request(t, u)
	r.Header.Del("Authorization")
	r.Header.Del("X-Amz-Date")
	return r
}

// TestChunkedStreams shows the decoder works a chunk at a time: the bytes
// of a verified signed chunk, and of an unsigned chunk as they arrive, are
// yielded while the rest of the body has not been sent.
func TestChunkedStreams(t *testing.T) {
	a, b := fill('a', sigv4.MinChunkSize), fill('b', 10)
	all := append(bytes.Clone(a), b...)
	for _, up := range []sigv4test.Upload{
		{Mode: sigv4.StreamingPayload, Chunks: [][]byte{a, b}, DecodedLength: -1},
		{Mode: sigv4.StreamingUnsignedTrailer, Chunks: [][]byte{a, b}, DecodedLength: -1, Declared: "x-amz-checksum-crc32", Trailers: []string{crc32Trailer(all)}},
	} {
		t.Run(up.Mode, func(t *testing.T) {
			r := request(t, up)
			body, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			fs, _ := frames(t, body)
			first := len(fs[0])
			if up.Mode == sigv4.StreamingUnsignedTrailer {
				first = len(fs[0]) / 2 // half of the first chunk is enough
			}
			pr, pw := io.Pipe()
			r.Body = pr
			_, err = sigv4.Verify(r, lookupOf(uploadCreds), &sigv4.VerifyOptions{Now: at(uploadDate)})
			require.NoError(t, err)
			go func() { _, _ = pw.Write(body[:first]) }()
			buf := make([]byte, 100)
			n, err := io.ReadFull(r.Body, buf)
			require.NoError(t, err, "bytes are yielded before the rest of the body is sent")
			assert.Equal(t, a[:n], buf[:n])
			go func() {
				_, _ = pw.Write(body[first:])
				_ = pw.Close()
			}()
			rest, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			assert.Equal(t, all, append(buf, rest...))
		})
	}
}

// TestChunkedLimits: a signed chunk over MaxSignedChunkSize is refused from
// its header, before anything is buffered.
func TestChunkedLimits(t *testing.T) {
	size := sigv4.MaxSignedChunkSize + 1
	up := sigv4test.Upload{Mode: sigv4.StreamingPayload, DecodedLength: size,
		Raw: func([]byte) []byte {
			return []byte(strconv.FormatInt(int64(size), 16) + ";chunk-signature=" + strings.Repeat("0", 64) + "\r\nxyz")
		}}
	got, err := verifyAndRead(t, request(t, up))
	require.ErrorIs(t, err, sigv4.ErrInvalidChunkSize)
	assert.Empty(t, got)
	assert.Equal(t, [][2]string{{"Chunk", "1"}, {"BadChunkSize", strconv.Itoa(size)}}, err.(*sigv4.Error).Extra)
}

// TestChecksumReader covers ChecksumHeader and NewChecksumReader: every
// algorithm S3 offers, against the digests of "hello world" (the CRC32,
// CRC64NVME and SHA256 values are the ones aws-sdk-go-v2 sends for it).
func TestChecksumReader(t *testing.T) {
	const body = "hello world"
	for name, value := range map[string]string{
		"X-Amz-Checksum-Crc32":     "DUoRhQ==",
		"X-Amz-Checksum-Crc32c":    "yZRlqg==",
		"X-Amz-Checksum-Crc64nvme": "jSnVw/bqjr4=",
		"X-Amz-Checksum-Sha1":      "Kq5sNclPz7QV2+lfQIuc6R7oRu0=",
		"X-Amz-Checksum-Sha256":    "uU0nuZNNPgilLlLX2n2r+sSE7+N6U4DukIj3rOLvzek=",
	} {
		t.Run(name, func(t *testing.T) {
			h := http.Header{name: {value}, "X-Amz-Checksum-Mode": {"ENABLED"}, "X-Amz-Checksum-Type": {"FULL_OBJECT"}}
			n, v, err := sigv4.ChecksumHeader(h)
			require.NoError(t, err)
			assert.Equal(t, strings.ToLower(name), n)
			rd, err := sigv4.NewChecksumReader(strings.NewReader(body), n, v)
			require.NoError(t, err)
			got, err := io.ReadAll(rd)
			require.NoError(t, err)
			assert.Equal(t, body, string(got))

			rd, err = sigv4.NewChecksumReader(strings.NewReader("hello World"), n, v)
			require.NoError(t, err)
			_, err = io.ReadAll(rd)
			require.ErrorIs(t, err, sigv4.ErrBadDigest)
		})
	}
	_, _, err := sigv4.ChecksumHeader(http.Header{"X-Amz-Checksum-Crc32": {"DUoRhQ=="}, "X-Amz-Checksum-Sha1": {"x"}})
	require.ErrorIs(t, err, sigv4.ErrInvalidRequest)
	n, _, err := sigv4.ChecksumHeader(http.Header{"X-Amz-Checksum-Mode": {"ENABLED"}})
	require.NoError(t, err)
	assert.Empty(t, n)
	_, err = sigv4.NewChecksumReader(strings.NewReader(body), "x-amz-checksum-md5", "x")
	require.ErrorIs(t, err, sigv4.ErrInvalidRequest)
	rd, err := sigv4.NewChecksumReader(strings.NewReader(body), "x-amz-checksum-crc32", "not base64")
	require.NoError(t, err)
	_, err = io.ReadAll(rd)
	require.ErrorIs(t, err, sigv4.ErrInvalidRequest)
}
