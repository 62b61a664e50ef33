package analyzer_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
)

// TestFindingBucketInEveryPartition: a finding's Bucket is read from its
// resource ARN in every partition (policy.ARNPartition), not only aws,
// aws-cn and aws-us-gov as a hand-typed list had it, and not from an ARN
// whose partition is none.
func TestFindingBucketInEveryPartition(t *testing.T) {
	f, a, seed := seedAnalyzer(t, types.TypeAccount)
	want := map[string]string{}
	for _, p := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso", "aws-iso-b", "aws-iso-e", "aws-iso-f", "aws-eusc", "aws-moon"} {
		arn := "arn:" + p + ":s3:::b-" + p
		seed(types.Finding{Resource: aws.String(arn), IsPublic: aws.Bool(true), Principal: map[string]string{"AWS": "*"},
			Action: []string{"s3:GetObject"}, Sources: []types.FindingSource{{Type: types.FindingSourceTypePolicy}}})
		want[arn] = "b-" + p
	}
	want["arn:aws-moon:s3:::b-aws-moon"] = ""
	// Not a bucket: no Bucket (the archive rules and the report key on it).
	seed(types.Finding{Resource: aws.String("arn:aws-cn:s3:us-east-1:111122223333:accesspoint/ap"), IsPublic: aws.Bool(true), Principal: map[string]string{"AWS": "*"},
		Action: []string{"s3:GetObject"}, Sources: []types.FindingSource{{Type: types.FindingSourceTypePolicy}}})
	want["arn:aws-cn:s3:us-east-1:111122223333:accesspoint/ap"] = ""
	got, err := analyzer.ListFindings(t.Context(), f.Client("us-east-1"), a, nil)
	require.NoError(t, err)
	require.Len(t, got, len(want))
	for _, x := range got {
		assert.Equal(t, want[x.Resource], x.Bucket, x.Resource)
	}
}
