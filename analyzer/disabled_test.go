package analyzer_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAnalyzeAllBucketDisabled: S3 answers every request to a bucket AWS
// has disabled with 403 AllAccessDisabled ("All access to this Amazon S3
// resource has been disabled. Contact Amazon Web Services Support for
// further assistance.", S3 API reference, list of error codes). That is
// the bucket's state, not a setup problem: AnalyzeAll goes on with the
// other buckets (a public one is reported), and the disabled bucket has
// Err (an *Error wrapping the SDK error, not a *RegionError) and no
// findings, after one request: not analysed, never "no finding".
func TestAnalyzeAllBucketDisabled(t *testing.T) {
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner, CreateBucketState: s3fake.StateLegacy})
	c := ownerClient(sf)
	ctx := t.Context()
	for _, b := range []string{"open-bucket", "shut-bucket", "zz-bucket"} {
		_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("zz-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::zz-bucket/*"}]}`)})
	require.NoError(t, err)
	sf.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultAllAccessDisabled, Bucket: "shut-bucket"})
	sf.ResetCounts()

	all, err := analyzer.AnalyzeAll(ctx, c, &analyzer.FetchOptions{Owner: owner, Concurrency: 1})
	require.NoError(t, err, "one disabled bucket does not stop the run")
	require.Len(t, all, 3)
	for _, r := range all {
		switch r.Bucket {
		case "shut-bucket":
			require.Error(t, r.Err)
			assert.Empty(t, r.Findings)
			var ae *analyzer.Error
			require.ErrorAs(t, r.Err, &ae)
			var api smithy.APIError
			require.ErrorAs(t, r.Err, &api)
			assert.Equal(t, "AllAccessDisabled", api.ErrorCode())
			var re *analyzer.RegionError
			assert.False(t, errors.As(r.Err, &re), "the bucket's, not its Region's")
		case "zz-bucket":
			require.NoError(t, r.Err)
			require.NotEmpty(t, r.Findings, "the run went on past the disabled bucket")
			assert.True(t, r.Findings[0].Public)
		default:
			require.NoError(t, r.Err, r.Bucket)
		}
	}
	assert.Equal(t, 3, sf.Count("GetBucketPolicy"), "%v", sf.Counts())
	assert.Equal(t, 2, sf.Count("GetPublicAccessBlock"), "one request to the disabled bucket: %v", sf.Counts())
}
