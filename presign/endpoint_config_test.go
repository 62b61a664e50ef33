package presign_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestNewHonoursTheConfigsEndpointSettings: a deployment that must use
// FIPS endpoints says so in its configuration (use_fips_endpoint,
// AWS_USE_FIPS_ENDPOINT, or a fips- Region name), and the SDK's S3 client
// then signs for s3-fips hosts; the Presigner must do the same, not hand
// out URLs for the non-FIPS endpoint. Dual-stack likewise. Each URL is
// compared byte for byte with s3.PresignClient's for the same config.
func TestNewHonoursTheConfigsEndpointSettings(t *testing.T) {
	at := time.Date(2026, 12, 8, 1, 2, 3, 0, time.UTC)
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", diffSecret, "")
	type source struct {
		name string
		src  any
	}
	sources := []source{
		{"none", nil},
		{"fips", config.LoadOptions{UseFIPSEndpoint: aws.FIPSEndpointStateEnabled}},
		{"fips env", config.EnvConfig{UseFIPSEndpoint: aws.FIPSEndpointStateEnabled}},
		{"dualstack", config.LoadOptions{UseDualStackEndpoint: aws.DualStackEndpointStateEnabled}},
		{"fips and dualstack", config.LoadOptions{UseFIPSEndpoint: aws.FIPSEndpointStateEnabled, UseDualStackEndpoint: aws.DualStackEndpointStateEnabled}},
	}
	regions := []string{"us-east-1", "us-west-2", "us-gov-west-1", "ca-central-1", "fips-us-gov-west-1", "us-east-1-fips", "us-gov-east-1-fips"}
	buckets := []string{"my-bucket", "my.dotted.bucket"}
	compared := 0
	for _, src := range sources {
		for _, region := range regions {
			for _, pathStyle := range []bool{false, true} {
				cfg := aws.Config{Region: region, Credentials: creds}
				if src.src != nil {
					cfg.ConfigSources = []any{src.src}
				}
				sdk := s3.NewPresignClient(s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = pathStyle }),
					func(o *s3.PresignOptions) {
						o.Presigner = fixedTimePresigner{signer: v4.NewSigner(func(so *v4.SignerOptions) { so.DisableURIPathEscaping = true }), at: at}
					})
				ours, err := presign.New(cfg, &presign.Options{UsePathStyle: pathStyle, Now: func() time.Time { return at }})
				name := fmt.Sprintf("%s/%s/path=%v", src.name, region, pathStyle)
				for _, bucket := range buckets {
					want, sdkErr := sdk.PresignGetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String("a/b.txt")})
					if sdkErr != nil {
						// The SDK refuses the configuration (FIPS in a
						// Region without it): so must New.
						assert.Error(t, err, "%s %s: the SDK refuses it: %v", name, bucket, sdkErr)
						continue
					}
					require.NoError(t, err, name)
					got, err := ours.Get(t.Context(), bucket, "a/b.txt", nil)
					require.NoError(t, err, name)
					assert.Equal(t, want.URL, got.URL, "%s %s", name, bucket)
					compared++
				}
			}
		}
	}
	assert.Greater(t, compared, 100)
}

// TestNewRefusesFIPSWithACustomEndpoint: FIPS and a custom endpoint cannot
// both be honoured (the SDK's endpoint rules refuse the pair); New says so
// rather than signing for the custom endpoint.
func TestNewRefusesFIPSWithACustomEndpoint(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider("AKIDEXAMPLE", diffSecret, "")
	for _, cfg := range []aws.Config{
		{Region: "us-east-1", Credentials: creds, ConfigSources: []any{config.LoadOptions{UseFIPSEndpoint: aws.FIPSEndpointStateEnabled}}},
		{Region: "fips-us-gov-west-1", Credentials: creds},
	} {
		_, err := presign.New(cfg, &presign.Options{Endpoint: "https://s3.example.com"})
		require.ErrorIs(t, err, presign.ErrInvalidEndpoint, cfg.Region)
		var ve *presign.ValidationError
		require.True(t, errors.As(err, &ve))
		assert.Contains(t, ve.Reason, "FIPS")
	}
}
