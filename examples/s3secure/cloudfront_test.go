package main

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCloudFrontCommandLocal(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "cloudfront", "-bucket", "site-bucket", "-https-only")
	require.Equal(t, exitOK, code, stderr)
	var steps []string
	rows := jsonRows(t, stdout)
	require.NotEmpty(t, rows)
	id := rows[0]["distribution_id"]
	assert.Regexp(t, `^E[A-Z0-9]+$`, id)
	for _, row := range rows {
		assert.Equal(t, "site-bucket", row["bucket"])
		assert.Equal(t, id, row["distribution_id"], "every row names the distribution")
		assert.Regexp(t, `^[a-z0-9]+\.cloudfront\.net$`, row["domain_name"])
		assert.Equal(t, "arn:aws:cloudfront::"+s3fake.DefaultAccountID+":distribution/"+id, row["distribution_arn"])
		assert.Equal(t, "InProgress", row["status"])
		steps = append(steps, row["step"]+":"+row["action"])
		if row["step"] == "create-distribution" {
			assert.Contains(t, row["detail"], "https-only")
			assert.Contains(t, row["detail"], "site-bucket.s3.us-east-1.amazonaws.com")
		}
	}
	assert.Equal(t, []string{"origin-access-control:create", "create-distribution:create", "bucket-policy:create"}, steps)

	code, stdout, stderr = runCLI(t, "", "-local", "cloudfront", "-bucket", "site-bucket")
	require.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `(?m)^distribution E[A-Z0-9]+ \(https://[a-z0-9]+\.cloudfront\.net/, arn:aws:cloudfront::\d{12}:distribution/E[A-Z0-9]+\): `+
		`3 changes, 0 warnings; status InProgress\n\z`, stdout, "the summary line ends the text output")
}

func TestCloudFrontCommandUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"cloudfront"}, "-bucket is required"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate"}, "-migrate needs -distribution"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-delete-oai"}, "-delete-oai applies to -migrate only"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "extra"}, "unexpected argument"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate", "-distribution", "E1", "-https-only"}, "-migrate only switches the origin"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate", "-distribution", "E1", "-wait", "0"}, "-wait must be positive"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate", "-distribution", "E1", "-wait", "-1s"}, "-wait must be positive"},
	} {
		code, _, stderr := runCLI(t, "", tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.msg)
	}
	code, stdout, stderr := runCLI(t, "", "-local", "cloudfront", "-bucket", "Bad_Name")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout, "refused before any step: no summary of nothing")
	assert.Regexp(t, `(?i)invalid ?bucket ?name`, stderr)
}

// TestCloudFrontCommandUnscopedAccessIsADecision: a bucket policy that
// already lets every distribution in (cloudfront.amazonaws.com without
// aws:SourceArn) is refused before any write, and, like a bucket whose
// Block Public Access is off, exits 1 with a hint: the decision is the
// user's (README, exit codes).
func TestCloudFrontCommandUnscopedAccessIsADecision(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("cf-unscoped", s3fake.StateAWSDefault))
	_, err := a.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("cf-unscoped"), Policy: aws.String(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"AnyDistribution","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::cf-unscoped/*"}]}`)})
	require.NoError(t, err)
	code, _, stderr := runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "cloudfront", "-bucket", "cf-unscoped")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stderr, "AnyDistribution")
	assert.Contains(t, stderr, "(hint: scope each named statement to one distribution (aws:SourceArn with its ARN) or remove it, then run again)")
}
