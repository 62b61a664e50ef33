package presign_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

const (
	benchBucket = "my-photo-bucket"
	benchKey    = "photos/2024/holiday image (1).jpg"
)

func benchCreds() aws.CredentialsProvider {
	return credentials.NewStaticCredentialsProvider(testAKID, testSecret, "")
}

// BenchmarkPresignGet compares, in one run, the SDK's presign client, the
// SDK's signer called directly, and this package.
func BenchmarkPresignGet(b *testing.B) {
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		pc := s3.NewPresignClient(s3.New(s3.Options{Region: "us-east-1", Credentials: benchCreds()}))
		in := &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String(benchKey)}
		b.ReportAllocs()
		for b.Loop() {
			if _, err := pc.PresignGetObject(ctx, in); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("signer", func(b *testing.B) {
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		creds, err := benchCreds().Retrieve(ctx)
		require.NoError(b, err)
		req, err := http.NewRequest(http.MethodGet, "https://"+benchBucket+".s3.us-east-1.amazonaws.com/photos/2024/holiday%20image%20%281%29.jpg?X-Amz-Expires=900&x-id=GetObject", nil)
		require.NoError(b, err)
		b.ReportAllocs()
		for b.Loop() {
			if _, _, err := signer.PresignHTTP(ctx, creds, req, "UNSIGNED-PAYLOAD", "s3", "us-east-1", time.Now()); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("s3secure", func(b *testing.B) {
		p, err := presign.New(aws.Config{Region: "us-east-1", Credentials: benchCreds()}, nil)
		require.NoError(b, err)
		b.ReportAllocs()
		for b.Loop() {
			if _, err := p.Get(ctx, benchBucket, benchKey, nil); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkPresignGetParallel signs from all Ps at once through one
// Presigner (and one SDK presign client), showing both are safe and how
// they scale.
func BenchmarkPresignGetParallel(b *testing.B) {
	ctx := context.Background()
	b.Run("sdk", func(b *testing.B) {
		pc := s3.NewPresignClient(s3.New(s3.Options{Region: "us-east-1", Credentials: benchCreds()}))
		in := &s3.GetObjectInput{Bucket: aws.String(benchBucket), Key: aws.String(benchKey)}
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := pc.PresignGetObject(ctx, in); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
	b.Run("s3secure", func(b *testing.B) {
		p, err := presign.New(aws.Config{Region: "us-east-1", Credentials: benchCreds()}, nil)
		require.NoError(b, err)
		b.ReportAllocs()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				if _, err := p.Get(ctx, benchBucket, benchKey, nil); err != nil {
					b.Error(err)
					return
				}
			}
		})
	})
}
