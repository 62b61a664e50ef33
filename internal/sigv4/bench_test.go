package sigv4_test

import (
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"

	"github.com/s3secure/s3secure/internal/sigv4"
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
