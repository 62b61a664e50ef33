package localaws_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
)

// TestAccessAnalyzerInChina: the local Access Analyzer of an AWS in
// cn-north-1 analyzes the account's buckets by their ARNs there
// (arn:aws-cn:s3:::bucket): a public bucket policy is an active public
// finding on that ARN, and a scan asked for that ARN analyzes the bucket.
// It named and scanned arn:aws:s3:::bucket only, so in China a scan of the
// bucket's real ARN found nothing.
func TestAccessAnalyzerInChina(t *testing.T) {
	srv, ep := start(t, &localaws.Options{LegacyBuckets: true, Region: "cn-north-1"}, nil)
	ctx := t.Context()
	cfg := ep.Config(srv.Owner().Root())
	s3c, aa := s3.NewFromConfig(cfg), accessanalyzer.NewFromConfig(cfg)
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("open-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint("cn-north-1")}})
	require.NoError(t, err)
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("open-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::open-bucket/*"}]}`)})
	require.NoError(t, err)
	created, err := aa.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: aatypes.TypeAccount})
	require.NoError(t, err)

	out, err := aa.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: created.Arn})
	require.NoError(t, err)
	require.Len(t, out.Findings, 1)
	assert.Equal(t, "arn:aws-cn:s3:::open-bucket", aws.ToString(out.Findings[0].Resource))
	assert.True(t, aws.ToBool(out.Findings[0].IsPublic))

	_, err = aa.StartResourceScan(ctx, &accessanalyzer.StartResourceScanInput{AnalyzerArn: created.Arn, ResourceArn: aws.String("arn:aws-cn:s3:::open-bucket")})
	require.NoError(t, err)
	out, err = aa.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: created.Arn,
		Filter: map[string]aatypes.Criterion{"status": {Eq: []string{"ACTIVE"}}}})
	require.NoError(t, err)
	require.Len(t, out.Findings, 1, "the scan of the bucket's ARN keeps its finding")
	assert.Equal(t, "arn:aws-cn:s3:::open-bucket", aws.ToString(out.Findings[0].Resource))
}
