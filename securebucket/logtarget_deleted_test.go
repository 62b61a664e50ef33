package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditLoggingTargetDeleted: S3.9 fails a bucket whose logging
// configuration names a target bucket that no longer exists: a
// configuration outlives its target, and S3 delivers the logs nowhere.
// S3 answers NoSuchBucket ("The specified bucket does not exist", S3 API
// reference, Error responses) for the target, which said UNKNOWN ("could
// not read the logging target's Region"), as if the logs might be
// delivered; a gate that lets UNKNOWN through for a later look passed a
// bucket whose access was not being logged at all.
func TestAuditLoggingTargetDeleted(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "gone-logs", s3fake.StateAWSDefault)
	bucketIn(t, f, "gone-src", s3fake.StateAWSDefault)
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "gone-logs", TargetPrefix: "src/"}
	_, err := securebucket.Harden(t.Context(), c, "gone-src", o)
	require.NoError(t, err)
	ao := &securebucket.AuditOptions{AccountID: account, Retry: fastRetry, Controls: []securebucket.Control{securebucket.ControlLogging}}
	rep, err := securebucket.Audit(t.Context(), c, "gone-src", ao)
	require.NoError(t, err)
	require.Equal(t, securebucket.StatusPass, rep.Results[0].Status, rep.Results[0].Message)

	_, err = c.DeleteBucket(t.Context(), &s3.DeleteBucketInput{Bucket: aws.String("gone-logs")})
	require.NoError(t, err)
	rep, err = securebucket.Audit(t.Context(), c, "gone-src", ao)
	require.NoError(t, err)
	r := rep.Results[0]
	assert.Equal(t, securebucket.StatusFail, r.Status, r.Message)
	assert.Equal(t, "logging target gone-logs does not exist, so S3 delivers no logs", r.Message)
	assert.NoError(t, r.Err, "a verdict read, not a read that failed")
}
