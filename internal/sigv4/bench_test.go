package sigv4_test

import (
	"bytes"
	"io"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/internal/sigv4/sigv4test"
)

// BenchmarkVerify measures verification against signing the same request
// with the SDK's signer (the obvious lower bound: verifying is re-signing
// plus parsing), in one run.
func BenchmarkVerify(b *testing.B) {
	now := time.Now().UTC()
	creds := sigv4.Credentials{AccessKeyID: "AKIABENCH00000000001", SecretAccessKey: "bench-secret"}
	awsCreds := aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	lookup := lookupOf(creds)
	opts := &sigv4.VerifyOptions{Now: func() time.Time { return now }}

	newReq := func() *http.Request {
		r, _ := http.NewRequest(http.MethodGet, "https://s3.us-east-1.amazonaws.com/bucket/dir/a%20b.txt?x-id=GetObject", nil)
		r.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
		return r
	}
	header := newReq()
	if err := signer.SignHTTP(b.Context(), awsCreds, header, sigv4.UnsignedPayload, "s3", "us-east-1", now); err != nil {
		b.Fatal(err)
	}
	pre, _ := http.NewRequest(http.MethodGet, "https://s3.us-east-1.amazonaws.com/bucket/dir/a%20b.txt?X-Amz-Expires=900", nil)
	u, _, err := signer.PresignHTTP(b.Context(), awsCreds, pre, sigv4.UnsignedPayload, "s3", "us-east-1", now)
	if err != nil {
		b.Fatal(err)
	}
	presigned, _ := http.NewRequest(http.MethodGet, u, nil)

	b.Run("Verify/header", func(b *testing.B) {
		for b.Loop() {
			if _, err := sigv4.Verify(header, lookup, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("Verify/presigned", func(b *testing.B) {
		for b.Loop() {
			if _, err := sigv4.Verify(presigned, lookup, opts); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("SDK-SignHTTP", func(b *testing.B) {
		for b.Loop() {
			r := newReq()
			if err := signer.SignHTTP(b.Context(), awsCreds, r, sigv4.UnsignedPayload, "s3", "us-east-1", now); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkChunked reads an 8 MiB aws-chunked upload (64 KiB chunks, as
// the SDKs that sign chunks send them) through Verify and its decoder,
// against io.Copy of the same body bytes with no verification at all, in
// one run: signed chunks, signed chunks with a CRC32 trailer, and unsigned
// chunks with a CRC32 trailer (the SDK's default over HTTPS).
func BenchmarkChunked(b *testing.B) {
	payload := bytes.Repeat([]byte("0123456789abcdef"), 8<<20/16)
	var chunks [][]byte
	for p := payload; len(p) > 0; p = p[min(len(p), 64<<10):] {
		chunks = append(chunks, p[:min(len(p), 64<<10)])
	}
	lookup := lookupOf(uploadCreds)
	opts := &sigv4.VerifyOptions{Now: at(uploadDate)}
	for _, mode := range []string{sigv4.StreamingPayload, sigv4.StreamingPayloadTrailer, sigv4.StreamingUnsignedTrailer} {
		up := sigv4test.Upload{Mode: mode, Chunks: chunks, DecodedLength: -1}
		if mode != sigv4.StreamingPayload {
			up.Declared, up.Trailers = "x-amz-checksum-crc32", []string{crc32Trailer(payload)}
		}
		signed := request(b, up)
		body, err := io.ReadAll(signed.Body)
		if err != nil {
			b.Fatal(err)
		}
		b.Run(mode+"/io.Copy", func(b *testing.B) {
			b.SetBytes(int64(len(payload)))
			for b.Loop() {
				// A request body is a plain io.Reader (no WriterTo).
				if _, err := io.Copy(io.Discard, struct{ io.Reader }{bytes.NewReader(body)}); err != nil {
					b.Fatal(err)
				}
			}
		})
		b.Run(mode+"/Verify", func(b *testing.B) {
			b.SetBytes(int64(len(payload)))
			b.ReportAllocs()
			for b.Loop() {
				r := &http.Request{Method: signed.Method, URL: signed.URL, Host: signed.Host, Header: signed.Header.Clone(),
					ContentLength: int64(len(body)), Body: io.NopCloser(bytes.NewReader(body))}
				if _, err := sigv4.Verify(r, lookup, opts); err != nil {
					b.Fatal(err)
				}
				if n, err := io.Copy(io.Discard, r.Body); err != nil || n != int64(len(payload)) {
					b.Fatal(n, err)
				}
			}
		})
	}
}
