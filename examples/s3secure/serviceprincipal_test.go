package main

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAuditServicePrincipalScoped: by default, audit fails a bucket whose
// policy allows cloudfront.amazonaws.com without aws:SourceArn (exit 1),
// naming the statement and the principal, in text, JSON and OCSF, while
// S3.2 and S3.3 pass it; with AWS's documented AWS:SourceArn condition it
// passes.
func TestAuditServicePrincipalScoped(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("cdn-origin", s3fake.StateAWSDefault))
	put := func(cond string) {
		_, err := a.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("cdn-origin"), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Sid":"AllowCloudFront","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},` +
				`"Action":"s3:GetObject","Resource":"arn:aws:s3:::cdn-origin/*"` + cond + `}]}`)})
		require.NoError(t, err)
	}
	audit := func(format string) (int, string, string) {
		return runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "-format", format, "audit", "-bucket", "cdn-origin")
	}
	put("")

	code, stdout, stderr := audit("text")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Regexp(t, `S3\.2 +PASS`, stdout)
	assert.Regexp(t, `S3\.3 +PASS`, stdout)
	assert.Regexp(t, `S3Secure\.ServicePrincipalScoped +FAIL .*statement "AllowCloudFront" allows cloudfront\.amazonaws\.com .*any AWS customer`, stdout)

	code, stdout, stderr = audit("json")
	assert.Equal(t, exitFindings, code, stderr)
	var row map[string]string
	for _, r := range jsonRows(t, stdout) {
		if r["control"] == "S3Secure.ServicePrincipalScoped" {
			row = r
		}
	}
	require.NotNil(t, row, stdout)
	assert.Equal(t, "FAIL", row["status"])
	assert.Equal(t, "HIGH", row["severity"])
	assert.Contains(t, row["message"], `"AllowCloudFront"`)

	code, stdout, stderr = audit("ocsf")
	assert.Equal(t, exitFindings, code, stderr)
	found := false
	for _, r := range ocsfRecords(t, stdout) {
		if r["metadata"].(map[string]any)["event_code"] != "S3Secure.ServicePrincipalScoped" {
			continue
		}
		found = true
		assert.Equal(t, "FAIL", r["status_code"])
		assert.Equal(t, "High", r["severity"])
		assert.Contains(t, r["remediation"].(map[string]any)["desc"], "aws:SourceArn")
	}
	assert.True(t, found, stdout)

	put(`,"Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::` + a.AWS.Owner().ID + `:distribution/EDFDVBD6EXAMPLE"}}`)
	code, stdout, stderr = runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "audit", "-bucket", "cdn-origin",
		"-controls", "S3.2,S3.3,S3Secure.ServicePrincipalScoped")
	assert.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `S3Secure\.ServicePrincipalScoped +PASS`, stdout)
}
