package cloudfront_test

import (
	"crypto"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"

	"github.com/s3secure/s3secure/cloudfront"
)

// BenchmarkSignURL compares Signer.SignURL (SHA-256, with an RSA 2048 and
// an ECDSA P-256 key) with the SDK's URLSigner.Sign (RSA, SHA-1): the
// difference is the cost of the checks (expiry, scheme, host, characters,
// reserved parameters). The key's operation dominates.
func BenchmarkSignURL(b *testing.B) {
	raw := "https://d111111abcdef8.cloudfront.net/images/cat.jpg?size=large"
	now := time.Now()
	exp := now.Add(30 * time.Minute)
	for name, key := range map[string]crypto.Signer{"s3secure": rsaKey(b), "s3secure-ecdsa": p256Key(b)} {
		b.Run(name, func(b *testing.B) {
			s, err := cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", key, &cloudfront.SignerOptions{Now: func() time.Time { return now }})
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
	}
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
