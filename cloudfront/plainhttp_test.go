package cloudfront_test

import (
	"context"
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

// dropsCFOptions and dropsS3Options are a caller's wrappers that do not
// pass the per-call options on to the SDK clients they wrap (dropsS3Options
// has no ListBuckets: S3API does not need one).
type dropsCFOptions struct{ *cfsdk.Client }

func (d dropsCFOptions) ListDistributions(ctx context.Context, in *cfsdk.ListDistributionsInput, _ ...func(*cfsdk.Options)) (*cfsdk.ListDistributionsOutput, error) {
	return d.Client.ListDistributions(ctx, in)
}

type dropsS3Options struct{ cloudfront.S3API }

func (d dropsS3Options) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return d.S3API.GetBucketPolicy(ctx, in)
}

// passesS3Options passes the per-call options on, and has no ListBuckets.
type passesS3Options struct{ cloudfront.S3API }

// TestFailClosedForHiddenEndpoint: a CloudFront or S3 client that is not
// the SDK's own was never probed, so a wrapper around a client sending
// over plain HTTP to a remote host had its distributions and policies
// read unchecked. Now a wrapper that does not let the call see its
// endpoint is refused before the call's requests with a
// *RemotePlainHTTPError whose Endpoint is ""; one that passes the options
// on is judged by its endpoint (refused when remote, run when loopback);
// AllowInsecureTransport lets a hidden one run.
func TestFailClosedForHiddenEndpoint(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	e := newEnv(t, s3fake.StateAWSDefault) // loopback fakes
	type pair struct {
		name     string
		cf       cloudfront.CloudFrontAPI
		s3       cloudfront.S3API
		endpoint string
	}
	for _, p := range []pair{
		{"CloudFront hidden", dropsCFOptions{cfsdk.NewFromConfig(cfg)}, e.s3c, ""},
		{"S3 hidden", e.cfc, dropsS3Options{s3.NewFromConfig(cfg)}, ""},
		{"S3 wrapper passing options", e.cfc, passesS3Options{s3.NewFromConfig(cfg)}, plainhttptest.Endpoint},
	} {
		t.Run(p.name, func(t *testing.T) {
			run := func(allow bool) error {
				_, err := cloudfront.ServeBucket(t.Context(), p.cf, p.s3, testBucket, &cloudfront.Options{AllowInsecureTransport: allow})
				return err
			}
			e.resetCounts()
			before := sender.Sent()
			err := run(false)
			require.ErrorIs(t, err, cloudfront.ErrPlainHTTPEndpoint)
			var pe *cloudfront.RemotePlainHTTPError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "cloudfront.ServeBucket", pe.Call)
			assert.Equal(t, p.endpoint, pe.Endpoint)
			assert.Contains(t, err.Error(), "Options.AllowInsecureTransport")
			// A hidden wrapper may send the probe's one request itself,
			// without the probe; the call used nothing of it.
			assert.LessOrEqual(t, sender.Sent()-before, int64(1), "the call refused before its own requests")
			assert.Zero(t, e.s3.TotalCount(), "nothing was sent to S3")
			assert.Empty(t, e.cf.Counts(), "nothing was sent to CloudFront")

			before = sender.Sent()
			assert.NotErrorIs(t, run(true), cloudfront.ErrPlainHTTPEndpoint)
			assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
		})
	}

	// Over loopback, a wrapper that passes the options on runs.
	_, err := cloudfront.ServeBucket(t.Context(), e.cfc, passesS3Options{e.s3c}, testBucket, nil)
	assert.NotErrorIs(t, err, cloudfront.ErrPlainHTTPEndpoint)
}
