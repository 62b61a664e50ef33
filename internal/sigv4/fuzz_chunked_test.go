package sigv4_test

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/internal/sigv4/sigv4test"
)

var update = flag.Bool("update", false, "rewrite the seed corpus under testdata/fuzz")

// fuzzPayload is the payload of the fuzz target's signed uploads: one full
// chunk and a short last one.
var fuzzPayload = append(bytes.Repeat([]byte{'p'}, sigv4.MinChunkSize), "0123456789"...)

// fuzzModes are the fuzz target's three requests: signed chunks, signed
// chunks with a CRC32 trailer, and unsigned chunks with a CRC32 trailer (an
// anonymous request, so its x-amz-decoded-content-length can vary too).
var fuzzModes = []string{sigv4.StreamingPayload, sigv4.StreamingPayloadTrailer, sigv4.StreamingUnsignedTrailer}

// fuzzUpload is the intact upload of mode, signed with uploadCreds at
// uploadDate.
func fuzzUpload(tb testing.TB, mode string) *http.Request {
	up := sigv4test.Upload{Mode: mode, Chunks: [][]byte{fuzzPayload[:sigv4.MinChunkSize], fuzzPayload[sigv4.MinChunkSize:]}, DecodedLength: -1}
	if mode != sigv4.StreamingPayload {
		up.Declared, up.Trailers = "x-amz-checksum-crc32", []string{crc32Trailer(fuzzPayload)}
	}
	return request(tb, up)
}

// fuzzSeeds are the corpus: each mode's intact body, and bodies broken in
// the ways TestChunkedTampering covers.
func fuzzSeeds(tb testing.TB) map[string][]any {
	seeds := map[string][]any{}
	for m, mode := range fuzzModes {
		body, err := io.ReadAll(fuzzUpload(tb, mode).Body)
		require.NoError(tb, err)
		n := int64(len(fuzzPayload))
		flipped := bytes.Clone(body)
		flipped[len(flipped)/2] ^= 1
		seeds[fmt.Sprintf("%d-intact", m)] = []any{uint8(m), n, body}
		seeds[fmt.Sprintf("%d-flipped", m)] = []any{uint8(m), n, flipped}
		seeds[fmt.Sprintf("%d-truncated", m)] = []any{uint8(m), n, body[:len(body)-20]}
		seeds[fmt.Sprintf("%d-trailing-garbage", m)] = []any{uint8(m), n, append(bytes.Clone(body), "0\r\n\r\n"...)}
		seeds[fmt.Sprintf("%d-short-length", m)] = []any{uint8(m), n - 1, body}
	}
	seeds["2-small-first-chunk"] = []any{uint8(2), int64(13), []byte("3\r\nabc\r\na\r\n0123456789\r\n0\r\nx-amz-checksum-crc32:" + b64(crc32IEEE([]byte("abc0123456789"))) + "\r\n\r\n")}
	seeds["2-huge-size"] = []any{uint8(2), int64(1), []byte("fffffffffffffff\r\na\r\n0\r\n\r\n")}
	return seeds
}

// TestFuzzChunkedCorpus keeps testdata/fuzz/FuzzChunked in step with
// fuzzSeeds (go test -run TestFuzzChunkedCorpus -update rewrites it).
func TestFuzzChunkedCorpus(t *testing.T) {
	dir := filepath.Join("testdata", "fuzz", "FuzzChunked")
	for name, args := range fuzzSeeds(t) {
		want := []byte("go test fuzz v1\n")
		for _, a := range args {
			switch v := a.(type) {
			case uint8:
				want = append(want, "byte("+strconv.QuoteRune(rune(v))+")\n"...)
			case int64:
				want = append(want, "int64("+strconv.FormatInt(v, 10)+")\n"...)
			case []byte:
				want = append(want, "[]byte("+strconv.Quote(string(v))+")\n"...)
			}
		}
		path := filepath.Join(dir, name)
		if *update {
			require.NoError(t, os.MkdirAll(dir, 0o755))
			require.NoError(t, os.WriteFile(path, want, 0o644))
			continue
		}
		got, err := os.ReadFile(path)
		require.NoError(t, err, "run go test -run TestFuzzChunkedCorpus -update")
		require.Equal(t, string(want), string(got), "%s is stale: run go test -run TestFuzzChunkedCorpus -update", path)
	}
}

// FuzzChunked feeds arbitrary bodies to the aws-chunked decoder behind a
// signed request (for signed chunks) or an unsigned one (for unsigned
// chunks, with any x-amz-decoded-content-length). It must never panic,
// must fail only with the documented codes, must never yield more than the
// declared length, must yield only bytes of the signed payload for signed
// chunks (no byte of a chunk whose signature failed), and may end in
// io.EOF only with exactly the declared length and, for the unsigned
// trailer, a body whose CRC32 it carried.
func FuzzChunked(f *testing.F) {
	for _, args := range fuzzSeeds(f) {
		f.Add(args[0].(uint8), args[1].(int64), args[2].([]byte))
	}
	headers := make([]http.Header, len(fuzzModes))
	for i, mode := range fuzzModes {
		headers[i] = fuzzUpload(f, mode).Header
	}
	known := map[string]bool{
		"SignatureDoesNotMatch": true, "IncompleteBody": true, "InvalidChunkSizeError": true,
		"MalformedTrailerError": true, "BadDigest": true, "InvalidRequest": true, "MissingContentLength": true,
	}
	lookup := lookupOf(uploadCreds)
	opts := &sigv4.VerifyOptions{Now: at(uploadDate)}
	f.Fuzz(func(t *testing.T, mode uint8, decoded int64, body []byte) {
		m := int(mode) % len(fuzzModes)
		r, err := http.NewRequest(http.MethodPut, "https://s3.us-east-1.amazonaws.com/bucket/key", bytes.NewReader(body))
		require.NoError(t, err)
		r.Header = headers[m].Clone()
		want := int64(len(fuzzPayload))
		if fuzzModes[m] == sigv4.StreamingUnsignedTrailer {
			r.Header.Del("Authorization")
			r.Header.Set("X-Amz-Decoded-Content-Length", strconv.FormatInt(decoded, 10))
			want = decoded
		}
		_, err = sigv4.Verify(r, lookup, opts)
		if err != nil && !errors.Is(err, sigv4.ErrUnsigned) {
			var e *sigv4.Error
			if !errors.As(err, &e) || !known[e.Code] {
				t.Fatalf("Verify: undocumented error %v", err)
			}
			return
		}
		got, err := io.ReadAll(r.Body)
		if int64(len(got)) > want {
			t.Fatalf("yielded %d bytes, more than the declared %d", len(got), want)
		}
		if m < 2 && !bytes.HasPrefix(fuzzPayload, got) {
			t.Fatalf("yielded bytes that are not the signed payload: %q", got)
		}
		if err != nil {
			var e *sigv4.Error
			if !errors.As(err, &e) || !known[e.Code] || e.StatusCode == 0 {
				t.Fatalf("read: undocumented error %T %v", err, err)
			}
			return
		}
		if int64(len(got)) != want {
			t.Fatalf("io.EOF after %d bytes, declared %d", len(got), want)
		}
		if m == 2 && !bytes.Contains(body, []byte(crc32Trailer(got))) {
			t.Fatalf("io.EOF on unsigned chunks whose CRC32 the body does not carry")
		}
	})
}
