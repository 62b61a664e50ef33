package main

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAnalyzeUnreadInEveryFormat: a bucket policy that delegates access
// to access points, beside an S3 Control that cannot be read, is a
// blocking finding whose access is unknown (Error "UNREAD: ..."). JSON
// said so; the text table showed a row with no kind and no principal, and
// the OCSF record said "principal  can s3:GetObject" with an empty type,
// so the reason a gate blocks (nothing could be read) was lost. Text has
// an error column when a finding has an error, and OCSF names it in the
// message, the title, the type and unmapped.error.
func TestAnalyzeUnreadInEveryFormat(t *testing.T) {
	f := s3fake.Start(t, nil) // S3 only: S3 Control cannot be read
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("delegating", s3fake.StateLegacy))
	acct := owner.Principal.AccountID
	_, err := f.Client(owner).PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("delegating"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::delegating/*",` +
			`"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + acct + `"}}}]}`)})
	require.NoError(t, err)
	args := func(format string) []string {
		return []string{"-endpoint", f.URL, "-region", "us-east-1", "-format", format, "analyze", "-offline", "-bucket", "delegating", "-account-id", acct}
	}

	code, stdout, stderr := runCLI(t, "", args("json")...)
	require.Equal(t, exitFindings, code, stderr)
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 1)
	require.Contains(t, rows[0]["error"], "UNREAD: ")

	code, stdout, _ = runCLI(t, "", args("text")...)
	assert.Equal(t, exitFindings, code)
	assert.Regexp(t, `(?m)^BUCKET .* ERROR\n`, stdout)
	assert.Contains(t, stdout, rows[0]["error"])

	code, stdout, _ = runCLI(t, "", args("ocsf")...)
	assert.Equal(t, exitFindings, code)
	recs := ocsfRecords(t, stdout)
	require.Len(t, recs, 1)
	r := recs[0]
	assert.Equal(t, "New", r["status"])
	assert.Equal(t, rows[0]["error"], r["message"])
	assert.Equal(t, rows[0]["error"], r["unmapped"].(map[string]any)["error"])
	info := r["finding_info"].(map[string]any)
	assert.Equal(t, []any{"unread"}, info["types"])
	assert.NotContains(t, info["title"], "()")
}
