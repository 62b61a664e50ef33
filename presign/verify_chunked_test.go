package presign_test

import (
	"bytes"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/internal/sigv4/sigv4test"
	"github.com/s3secure/s3secure/presign"
)

// TestVerifyChunked holds Verify's promises for aws-chunked uploads: the
// body becomes the decoded payload, verified as it is read, and every
// failure of a read is a *VerifyError with the sentinel and S3 answer its
// doc comment names.
func TestVerifyChunked(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	lookup := lookupFor(creds)
	opts := &presign.VerifyOptions{Now: func() time.Time { return verifyNow }}
	a, b := bytes.Repeat([]byte{'a'}, sigv4.MinChunkSize), []byte("tail")
	payload := append(bytes.Clone(a), b...)
	build := func(up sigv4test.Upload) *http.Request {
		r, err := up.Request(t.Context(), "https://s3.us-east-1.amazonaws.com/bucket/key", creds, "us-east-1", verifyNow)
		require.NoError(t, err)
		return r
	}
	signed := sigv4test.Upload{Mode: sigv4.StreamingPayload, Chunks: [][]byte{a, b}, DecodedLength: -1}

	t.Run("intact", func(t *testing.T) {
		r := build(signed)
		v, err := presign.Verify(r, lookup, opts)
		require.NoError(t, err)
		assert.True(t, v.Chunked)
		assert.Equal(t, sigv4.StreamingPayload, v.PayloadHash)
		assert.Equal(t, int64(len(payload)), r.ContentLength)
		got, err := io.ReadAll(r.Body)
		require.NoError(t, err)
		assert.Equal(t, payload, got)
	})

	flipLast := func(body []byte) []byte {
		fs, rest, err := sigv4test.Frames(body)
		require.NoError(t, err)
		fs[1] = bytes.Replace(fs[1], []byte("tail"), []byte("tall"), 1)
		return append(bytes.Join(fs, nil), rest...)
	}
	withRaw := func(u sigv4test.Upload, raw func([]byte) []byte) sigv4test.Upload { u.Raw = raw; return u }
	reads := []struct {
		name     string
		up       sigv4test.Upload
		sentinel error
		code     string
		status   int
	}{
		{"chunk changed", withRaw(signed, flipLast), presign.ErrSignatureMismatch, "SignatureDoesNotMatch", http.StatusForbidden},
		{"trailing checksum of other bytes", sigv4test.Upload{Mode: sigv4.StreamingPayloadTrailer, Chunks: [][]byte{a, b}, DecodedLength: -1,
			Declared: "x-amz-checksum-sha256", Trailers: []string{"x-amz-checksum-sha256:" + strings.Repeat("A", 43) + "="}},
			presign.ErrChecksumMismatch, "BadDigest", http.StatusBadRequest},
		{"final chunk cut off", withRaw(signed, func(body []byte) []byte { return body[:len(body)-90] }), presign.ErrMalformed, "IncompleteBody", http.StatusBadRequest},
		{"chunk under 8 KiB before the last", sigv4test.Upload{Mode: sigv4.StreamingPayload, Chunks: [][]byte{b, a}, DecodedLength: -1},
			presign.ErrMalformed, "InvalidChunkSizeError", http.StatusForbidden},
	}
	for _, tt := range reads {
		t.Run(tt.name, func(t *testing.T) {
			r := build(tt.up)
			_, err := presign.Verify(r, lookup, opts)
			require.NoError(t, err, "the headers verify; the body does not")
			_, err = io.ReadAll(r.Body)
			require.ErrorIs(t, err, tt.sentinel)
			var ve *presign.VerifyError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, tt.code, ve.S3Code())
			assert.Equal(t, tt.status, ve.HTTPStatus())
			assert.Equal(t, testAKID, ve.AccessKeyID)
			assert.NotContains(t, err.Error(), testSecret)
		})
	}

	t.Run("SigV4a", func(t *testing.T) {
		r := build(sigv4test.Upload{Mode: sigv4.StreamingECDSAPayload, Chunks: [][]byte{b}, DecodedLength: -1})
		_, err := presign.Verify(r, lookup, opts)
		require.ErrorIs(t, err, presign.ErrUnsupportedAlgorithm)
		var ve *presign.VerifyError
		require.ErrorAs(t, err, &ve)
		assert.Equal(t, "NotImplemented", ve.S3Code())
		assert.Equal(t, http.StatusNotImplemented, ve.HTTPStatus())
	})

	t.Run("unsigned request, unsigned chunks", func(t *testing.T) {
		r := build(sigv4test.Upload{Mode: sigv4.StreamingUnsignedTrailer, Chunks: [][]byte{a, b}, DecodedLength: -1,
			Declared: "x-amz-checksum-crc32", Trailers: []string{"x-amz-checksum-crc32:AAAAAA=="}})
		r.Header.Del("Authorization")
		_, err := presign.Verify(r, lookup, opts)
		require.ErrorIs(t, err, presign.ErrUnsigned)
		_, err = io.ReadAll(r.Body)
		require.ErrorIs(t, err, presign.ErrChecksumMismatch, "decoded and checked even when unsigned")
	})
}
