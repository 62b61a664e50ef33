package main

import (
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAnalyzeAllRegionRefusesTheToken: S3 in ap-east-1 refuses the session
// token (400 InvalidToken) while the client's Region accepts it.
// "analyze -all -offline" prints the findings of the other Regions'
// buckets, then one line naming the Region and InvalidToken once (the
// Region's buckets share the error), with a hint for the Region, not
// "refresh the credentials", and exits 2: the ap-east-1 buckets were not
// analysed, which is never "no finding". Before, it printed only the
// InvalidToken error, and no finding.
func TestAnalyzeAllRegionRefusesTheToken(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("a-home", s3fake.StateLegacy))
	_, err := a.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("a-home"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::a-home/*"}]}`)})
	require.NoError(t, err)
	for _, name := range []string{"c-hk", "d-hk"} {
		require.NoError(t, a.CreateBucketWith(name, &s3fake.BucketOptions{State: s3fake.StateLegacy, Region: "ap-east-1"}))
	}
	sess, err := a.AWS.Owner().AddRoleSession("auditor", "cli", a.AWS.Now().Add(time.Hour))
	require.NoError(t, err)
	t.Setenv("AWS_ACCESS_KEY_ID", sess.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", sess.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", sess.SessionToken)
	a.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultInvalidToken, Region: "ap-east-1"})

	code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "-format", "json", "analyze", "-all", "-offline")
	assert.Equal(t, exitUsage, code, stderr)
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 1, stdout)
	assert.Equal(t, "a-home", rows[0]["bucket"])
	assert.Equal(t, "true", rows[0]["public"])
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	assert.Contains(t, stderr, "2 of 3 buckets could not be analyzed")
	assert.Contains(t, stderr, "Region ap-east-1 could not be read, while the client's Region (us-east-1) answered")
	assert.Contains(t, stderr, "InvalidToken")
	assert.Equal(t, 1, strings.Count(stderr, "Region ap-east-1 could not be read"), "the Region's error once, not once a bucket: %s", stderr)
	assert.Contains(t, stderr, "(hint: enable the Region for the account, or use credentials valid there: ")
	assert.NotContains(t, stderr, "unset AWS_SESSION_TOKEN", "the token is good in the client's Region")
	assert.NotContains(t, stderr, sess.SessionToken)
}
