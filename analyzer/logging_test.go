package analyzer_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAnalyzeAfterHardenLogging: the grant securebucket's logging option
// adds to the target bucket (logging.s3.amazonaws.com, limited by
// aws:SourceArn to the source bucket and by aws:SourceAccount to the
// owner) is not a finding, as "IAM Access Analyzer does not currently
// report findings from AWS service principals or internal service
// accounts" (IAM user guide, "How IAM Access Analyzer findings work"). It
// was reported as active service access, because a bucket ARN names no
// account. A cross-account grant added beside it still is.
func TestAnalyzeAfterHardenLogging(t *testing.T) {
	ctx := t.Context()
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner})
	c := ownerClient(sf)
	for _, b := range []string{"app-data", "app-logs"} {
		require.NoError(t, sf.CreateBucket(b, s3fake.StateAWSDefault))
	}
	_, err := securebucket.Harden(ctx, c, "app-data", &securebucket.Options{ExpectedBucketOwner: owner,
		Logging: &securebucket.Logging{TargetBucket: "app-logs", TargetPrefix: "s3/app-data/"}})
	require.NoError(t, err)
	pol, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("app-logs")})
	require.NoError(t, err)
	require.Contains(t, aws.ToString(pol.Policy), "logging.s3.amazonaws.com", "Harden granted log delivery")

	for _, b := range []string{"app-logs", "app-data"} {
		got, err := analyzer.AnalyzeBucket(ctx, c, b, &analyzer.FetchOptions{Owner: owner})
		require.NoError(t, err)
		assert.Empty(t, got, b)
	}

	// The same policy with a partner's grant added: only that is reported.
	grant := `{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::app-logs/*"}`
	doc := aws.ToString(pol.Policy)
	doc = doc[:len(doc)-2] + "," + grant + "]}"
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("app-logs"), Policy: aws.String(doc)})
	require.NoError(t, err)
	got, err := analyzer.AnalyzeBucket(ctx, c, "app-logs", &analyzer.FetchOptions{Owner: owner})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "Partner", got[0].Sid)
	assert.Equal(t, analyzer.KindCrossAccount, got[0].Kind)
}
