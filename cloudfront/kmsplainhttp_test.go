package cloudfront_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestServeBucketRefusesRemotePlainHTTPKMS: with ApplyKeyPolicy, ServeBucket
// reads the bucket key's policy and writes it back with the distribution's
// statement (every other statement kept), so its KMS client is probed
// like the CloudFront and S3 clients: one that would send over plain HTTP
// to a host that is not loopback is refused before any request, as
// anyone on the path could answer the read with a key policy of their
// own, which the caller's signed PutKeyPolicy would install. It was never
// probed, and ServeBucket created the distribution before it met the key.
// AllowInsecureTransport lets it run.
func TestServeBucketRefusesRemotePlainHTTPKMS(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	e.useKMS(t, keyARN)
	cfg, sender := plainhttptest.Config()
	kc := kms.NewFromConfig(cfg)

	e.resetCounts()
	_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{KMS: kc, ApplyKeyPolicy: true})
	require.ErrorIs(t, err, cloudfront.ErrPlainHTTPEndpoint)
	var pe *cloudfront.RemotePlainHTTPError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "cloudfront.ServeBucket", pe.Call)
	assert.Equal(t, plainhttptest.Endpoint, pe.Endpoint)
	assert.Zero(t, sender.Sent(), "nothing was sent to KMS")
	assert.Zero(t, e.cf.Count("CreateDistributionWithTags"), "no distribution was created")

	// Without ApplyKeyPolicy the KMS client is not used, and not probed.
	_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{KMS: kc})
	require.NoError(t, err)
	assert.Zero(t, sender.Sent())
}
