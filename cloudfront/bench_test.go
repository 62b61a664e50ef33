package cloudfront_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"

	"github.com/s3secure/s3secure/cloudfront"
)

// BenchmarkSignURL compares Signer.SignURL with the SDK's URLSigner.Sign it
// wraps: the difference is the cost of the checks (expiry, scheme, host,
// characters, reserved parameters). RSA dominates both.
func BenchmarkSignURL(b *testing.B) {
	raw := "https://d111111abcdef8.cloudfront.net/images/cat.jpg?size=large"
	now := time.Now()
	exp := now.Add(30 * time.Minute)
	b.Run("s3secure", func(b *testing.B) {
		s, err := cloudfront.NewSigner("K2JCJMDEHXQW5F", rsaKey(b), &cloudfront.SignerOptions{Now: func() time.Time { return now }})
		if err != nil {
			b.Fatal(err)
		}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.SignURL(raw, exp); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("sdk", func(b *testing.B) {
		s := sign.NewURLSigner("K2JCJMDEHXQW5F", rsaKey(b))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := s.Sign(raw, exp); err != nil {
				b.Fatal(err)
			}
		}
	})
}
