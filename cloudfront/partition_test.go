package cloudfront_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// newEnvIn is newEnv in another partition: CloudFront's distribution ARNs
// and the bucket's ARN are in partition, the bucket in region.
func newEnvIn(t *testing.T, partition, region string) *env {
	t.Helper()
	cf := cffake.Start(t, &cffake.Options{Partition: partition})
	s3f := s3fake.Start(t, &s3fake.Options{Region: region})
	require.NoError(t, s3f.CreateBucket(testBucket, s3fake.StateAWSDefault))
	return &env{cf: cf, s3: s3f, cfc: cf.Client(), s3c: s3f.OwnerClient()}
}

// TestServeBucketOutsideAWSPartition: in China (and every partition but
// aws) ServeBucket grants the distribution the bucket's objects under
// their ARN there, arn:aws-cn:s3:::bucket/*, and a statement that lets
// any distribution in (written in that partition, as S3 there requires)
// is refused before any write. The probes asked about arn:aws:s3:::
// ARNs, which such a statement does not match, so it went unreported.
func TestServeBucketOutsideAWSPartition(t *testing.T) {
	e := newEnvIn(t, "aws-cn", "cn-north-1")
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(res.DistributionARN, "arn:aws-cn:cloudfront::"), res.DistributionARN)
	doc := e.bucketPolicy(t)
	var oac *policy.Statement
	for i, s := range doc.Statements {
		if s.Sid == cloudfront.OACStatementSid {
			oac = &doc.Statements[i]
		}
	}
	require.NotNil(t, oac)
	assert.Equal(t, policy.Values{"arn:aws-cn:s3:::" + testBucket + "/*"}, oac.Resource)
	for _, w := range res.Warnings {
		assert.NotContains(t, w, "viewers get 403", "the distribution reads the objects it is granted")
	}
	var detail string
	for _, a := range res.Actions {
		if a.Step == cloudfront.StepBucketPolicy {
			detail = a.Detail
		}
	}
	assert.Contains(t, detail, "on arn:aws-cn:s3:::"+testBucket+"/* ")

	e = newEnvIn(t, "aws-cn", "cn-north-1")
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+strings.ReplaceAll(cfStatement("Legacy", "", ""), "arn:aws:", "arn:aws-cn:")+`]}`)
	e.resetCounts()
	_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.ErrorIs(t, err, cloudfront.ErrUnscopedCloudFrontAccess)
	assert.Contains(t, err.Error(), `"Legacy"`)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "refused before any write")
}
