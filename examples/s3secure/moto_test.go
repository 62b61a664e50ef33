package main

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/conformance"
)

// TestCommandsOnMoto: moto_server, someone else's all-services-on-one-
// endpoint AWS, reached with -endpoint only. The account comes from moto's
// STS, S3 Control from moto (by the account-prefixed host the SDK sends),
// CloudTrail and IAM too: no account-level control is UNKNOWN, so every
// service answered on that endpoint (and cliEnv's guard sees nothing
// leave the machine).
//
// The moto is its own: account-bpa plans for every bucket of the account,
// and on the moto CI shares between packages other tests' public buckets
// made the plan "blocked" (exit 1).
func TestCommandsOnMoto(t *testing.T) {
	moto := conformance.StartPrivateMoto(t)
	cliEnv(t, "test", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	// moto keeps state for its lifetime, which CI shares between packages
	// and runs: unique names.
	bucket, trail := fmt.Sprintf("cli-moto-%d", time.Now().UnixNano()), fmt.Sprintf("cli-moto-trail-%d", time.Now().UnixNano())
	creds := credentials.NewStaticCredentialsProvider("test", "test", "")
	cfg := aws.Config{Region: "us-east-1", Credentials: creds, BaseEndpoint: aws.String(moto)}
	_, err := s3.NewFromConfig(cfg, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(t.Context(),
		&s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	_, err = cloudtrail.NewFromConfig(cfg).CreateTrail(t.Context(), &cloudtrail.CreateTrailInput{Name: aws.String(trail),
		S3BucketName: aws.String(bucket), IsMultiRegionTrail: aws.Bool(true)})
	require.NoError(t, err)
	base := []string{"-endpoint", moto, "-format", "json"}

	code, stdout, stderr := runCLI(t, "", append(base, "audit", "-bucket", bucket, "-account-controls")...)
	assert.Equal(t, exitFindings, code, stderr)
	status := map[string]string{}
	for _, r := range jsonRows(t, stdout) {
		assert.NotEqual(t, "UNKNOWN", r["status"], "%s %s: %s", r["resource"], r["control"], r["message"])
		assert.Equal(t, conformance.MotoAccountID, r["account_id"], "the account from moto's STS")
		status[r["control"]] = r["status"]
	}
	// Other tests may share this moto and set its account: only known
	// statuses, from S3 Control and CloudTrail, count here.
	assert.Contains(t, []string{"PASS", "FAIL"}, status["S3.1"])
	assert.Contains(t, []string{"PASS", "FAIL"}, status["S3.22"])

	code, stdout, stderr = runCLI(t, "", append(base, "account-bpa")...)
	assert.Equal(t, exitOK, code, stderr)
	rows := jsonRows(t, stdout)
	require.NotEmpty(t, rows)
	assert.Equal(t, conformance.MotoAccountID, rows[0]["account_id"])
	assert.Contains(t, []string{"planned", "none"}, rows[len(rows)-1]["name"])

	code, _, stderr = runCLI(t, "", append(base, "keys")...)
	assert.Equal(t, exitOK, code, stderr)
	code, stdout, stderr = runCLI(t, "", append(base, "data-events", "-trail", trail)...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, `"status":"planned"`)
}
