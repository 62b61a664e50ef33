package conformance_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/conformance"
	"github.com/s3secure/s3secure/policy"
)

// TestCloudFrontServeBucket runs cloudfront.ServeBucket end to end on each
// target: s3fake with cffake, and moto_server, which serves both S3 and
// CloudFront on one endpoint.
//
// moto 5.2.1 writes distribution ARNs without the empty region field
// ("arn:aws:cloudfront:ACCOUNT:distribution/ID"); AWS's form, which this
// scenario pins, is "arn:aws:cloudfront::ACCOUNT:distribution/ID". The
// library refuses to put a malformed ARN into a bucket policy, so on moto
// the distribution is created and the policy step fails with
// policy.ErrInvalidArgument before anything is written to the bucket.
func TestCloudFrontServeBucket(t *testing.T) {
	conformance.Each(t, func(t *testing.T, tg *conformance.Target) {
		ctx := t.Context()
		bucket := fmt.Sprintf("cf-conformance-%d", time.Now().UnixNano()%1e9)
		_, err := tg.Owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		// moto (like a bucket from before 2023) starts without Block Public
		// Access; the library refuses such a bucket, so turn it on.
		_, err = tg.Owner.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
			BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
		}})
		require.NoError(t, err)

		var cf *cfsdk.Client
		var fake *cffake.Server
		if tg.Fake != nil {
			fake = cffake.Start(t, nil)
			cf = fake.Client()
		} else {
			cf = cffake.NewClient(tg.Endpoint)
		}

		res, err := cloudfront.ServeBucket(ctx, cf, tg.Owner, bucket, nil)
		require.NotNil(t, res)
		assert.Equal(t, tg.Region, res.Region)
		assert.NotEmpty(t, res.OriginAccessControlID)
		require.NotEmpty(t, res.DistributionID, "the distribution is created on every target")
		if tg.Fake == nil {
			require.ErrorIs(t, err, policy.ErrInvalidArgument, "moto's distribution ARN is malformed")
			assert.Regexp(t, `^arn:aws:cloudfront:\d{12}:distribution/`, res.DistributionARN)
			_, err = tg.Owner.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
			assert.Error(t, err, "no bucket policy was written")
			return
		}
		require.NoError(t, err)
		assert.Regexp(t, `^arn:aws:cloudfront::\d{12}:distribution/`, res.DistributionARN)
		out, err := tg.Owner.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		doc, err := policy.Parse([]byte(aws.ToString(out.Policy)))
		require.NoError(t, err)
		want, err := policy.AllowCloudFrontOAC(bucket, res.DistributionARN)
		require.NoError(t, err)
		require.Len(t, doc.Statements, 1)
		assert.True(t, policy.Equivalent(want, doc.Statements[0]))

		fake.ResetCounts()
		tg.Fake.ResetCounts()
		again, err := cloudfront.ServeBucket(ctx, cf, tg.Owner, bucket, nil)
		require.NoError(t, err)
		assert.False(t, again.Changed())
		assert.Equal(t, 0, fake.Writes()+tg.Fake.WriteCount())
	})
}
