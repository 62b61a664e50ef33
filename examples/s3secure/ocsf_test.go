package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/ocsfcheck"
)

// ocsfRecords decodes OCSF output (one record per line) and checks each
// record against the committed OCSF 1.6.0 schema excerpt.
func ocsfRecords(t *testing.T, out string) []map[string]any {
	t.Helper()
	schema := ocsfcheck.Load(t, filepath.Join("..", "..", "report", "ocsf", "testdata", "ocsf-schema-1.6.0"), "cloud", "datetime")
	var recs []map[string]any
	for _, line := range strings.Split(strings.TrimSpace(out), "\n") {
		var m map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &m), line)
		assert.Empty(t, schema.CheckRecord(m), line)
		recs = append(recs, m)
	}
	return recs
}

func TestAuditOCSF(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "ocsf", "audit", "-bucket", "ocsf-bucket", "-controls", "S3.5,S3.8")
	assert.Equal(t, exitFindings, code, stderr)
	recs := ocsfRecords(t, stdout)
	require.Len(t, recs, 2)
	r := recs[0]
	assert.Equal(t, float64(2004), r["class_uid"])
	assert.Equal(t, "S3.5", r["metadata"].(map[string]any)["event_code"])
	assert.Equal(t, "s3secure", r["metadata"].(map[string]any)["product"].(map[string]any)["name"])
	assert.Equal(t, "FAIL", r["status_code"])
	assert.Equal(t, "New", r["status"])
	assert.Equal(t, "Medium", r["severity"])
	info := r["finding_info"].(map[string]any)
	assert.Equal(t, "s3secure/S3.5/arn:aws:s3:::ocsf-bucket", info["uid"])
	assert.NotEmpty(t, info["title"])
	res := r["resources"].([]any)[0].(map[string]any)
	assert.Equal(t, "arn:aws:s3:::ocsf-bucket", res["uid"])
	assert.Equal(t, "AWS::S3::Bucket", res["type"])
	acct := r["cloud"].(map[string]any)["account"].(map[string]any)
	assert.Regexp(t, `^\d{12}$`, acct["uid"])
	assert.Contains(t, r["remediation"].(map[string]any)["references"], "https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html#s3-5")
	assert.Equal(t, "S3.8", recs[1]["metadata"].(map[string]any)["event_code"])
	assert.Equal(t, "High", recs[1]["severity"])

	// ocsf is for audit and analyze only.
	code, _, stderr = runCLI(t, "", "-format", "ocsf", "lint", "x.json")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-format ocsf")
}

func TestAnalyzeOCSF(t *testing.T) {
	sf := startAWS(t, &localaws.Options{AccountID: "111122223333", LegacyBuckets: true})
	c := sf.OwnerClient()
	for _, b := range []string{"open-bucket", "partner-bucket"} {
		_, err := c.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(b)})
		require.NoError(t, err)
	}
	_, err := c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("open-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::open-bucket/*"}]}`)})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("partner-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::partner-bucket/*"}]}`)})
	require.NoError(t, err)

	args := []string{"-endpoint", sf.URL, "-region", "us-east-1", "-format", "ocsf", "analyze", "-offline", "-account-id", "111122223333", "-all"}
	code, stdout, stderr := runCLI(t, "", args...)
	require.Equal(t, exitFindings, code, stderr)
	recs := ocsfRecords(t, stdout)
	require.Len(t, recs, 2)
	open, partner := recs[0], recs[1]
	assert.Equal(t, "Critical", open["severity"])
	assert.Equal(t, "ACTIVE", open["status_code"])
	assert.Equal(t, "New", open["status"])
	assert.Equal(t, "arn:aws:s3:::open-bucket", open["resources"].([]any)[0].(map[string]any)["uid"])
	assert.Equal(t, []any{"public"}, open["finding_info"].(map[string]any)["types"])
	assert.Equal(t, "High", partner["severity"])
	assert.Equal(t, []any{"444455556666"}, partner["unmapped"].(map[string]any)["accounts"])
	// Offline findings get a uid that stays the same across runs.
	_, again, _ := runCLI(t, "", args...)
	recs2 := ocsfRecords(t, again)
	assert.Equal(t, open["finding_info"].(map[string]any)["uid"], recs2[0]["finding_info"].(map[string]any)["uid"])
	assert.NotEqual(t, open["finding_info"].(map[string]any)["uid"], partner["finding_info"].(map[string]any)["uid"])
}
