package cloudfront_test

import (
	"testing"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestRefuseRemotePlainHTTP: ServeBucket, Migrate and CreateLegacyOAI
// whose CloudFront or S3 client would send its requests over plain HTTP to
// a host that is not loopback are refused before any request: anyone on
// the path could rewrite the distributions and policies their refusals
// and warnings are read from. AllowInsecureTransport lets the requests go.
func TestRefuseRemotePlainHTTP(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	remoteCF, remoteS3 := cfsdk.NewFromConfig(cfg), s3.NewFromConfig(cfg)
	e := newEnv(t, s3fake.StateAWSDefault) // loopback fakes
	type pair struct {
		cf cloudfront.CloudFrontAPI
		s3 cloudfront.S3API
	}
	for _, p := range []pair{{remoteCF, e.s3c}, {e.cfc, remoteS3}} {
		cases := []struct {
			call string
			run  func(allow bool) error
		}{
			{"ServeBucket", func(allow bool) error {
				_, err := cloudfront.ServeBucket(t.Context(), p.cf, p.s3, testBucket, &cloudfront.Options{AllowInsecureTransport: allow})
				return err
			}},
			{"Migrate", func(allow bool) error {
				_, err := cloudfront.Migrate(t.Context(), p.cf, p.s3, testBucket, "E2QWRUHAPOMQZL", &cloudfront.MigrateOptions{AllowInsecureTransport: allow})
				return err
			}},
			{"CreateLegacyOAI", func(allow bool) error {
				_, err := cloudfront.CreateLegacyOAI(t.Context(), p.cf, p.s3, testBucket, &cloudfront.LegacyOAIOptions{AllowInsecureTransport: allow})
				return err
			}},
		}
		for _, tc := range cases {
			t.Run(tc.call, func(t *testing.T) {
				before := sender.Sent()
				e.resetCounts()
				err := tc.run(false)
				require.ErrorIs(t, err, cloudfront.ErrPlainHTTPEndpoint)
				require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
				var pe *cloudfront.RemotePlainHTTPError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "cloudfront."+tc.call, pe.Call)
				assert.Equal(t, plainhttptest.Endpoint, pe.Endpoint)
				assert.Contains(t, err.Error(), ".AllowInsecureTransport")
				assert.Equal(t, before, sender.Sent(), "nothing was sent")
				assert.Zero(t, e.s3.TotalCount(), "nothing was sent to the other service either")

				err = tc.run(true)
				assert.NotErrorIs(t, err, cloudfront.ErrPlainHTTPEndpoint)
				// The requests go (Migrate reads the distribution first,
				// and stops there when the fake CloudFront has none).
				assert.True(t, sender.Sent() > before || e.cf.Count("GetDistribution") > 0, "with AllowInsecureTransport the requests go")
			})
		}
	}
}
