package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditMFADeleteWhileVersioningSuspended: S3.20 passes a bucket whose
// versioning is Suspended with MFA delete still Enabled, as Security Hub
// does (AWS Config s3-bucket-mfa-delete-enabled "Checks if MFA Delete is
// enabled in the Amazon S3 bucket versioning configuration. The rule is
// NON_COMPLIANT if MFA Delete is not enabled": the versioning status is
// not part of it). The PASS says what MFA delete no longer covers: "If a
// null version is already in the bucket and you add another object with
// the same key, the added object overwrites the original null version"
// (S3 user guide, "Adding objects to versioning-suspended buckets"), so an
// object written since the suspension keeps no earlier version for MFA
// delete to guard. It read "MFA delete is enabled" alone, which a reader
// takes for versions being protected; S3.14 fails the bucket as before.
func TestAuditMFADeleteWhileVersioningSuspended(t *testing.T) {
	f, c := startFake(t)
	const serial = "arn:aws:iam::111122223333:mfa/root-account-mfa-device"
	f.SetMFADevice(serial, "123456")
	bucketIn(t, f, "mfa-suspended", s3fake.StateAWSDefault)
	put := func(status s3types.BucketVersioningStatus) {
		t.Helper()
		_, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String("mfa-suspended"), MFA: aws.String(serial + " 123456"),
			VersioningConfiguration: &s3types.VersioningConfiguration{Status: status, MFADelete: s3types.MFADeleteEnabled}})
		require.NoError(t, err)
	}
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlVersioning, securebucket.ControlMFADelete}
	result := func(ctl securebucket.Control) securebucket.ControlResult {
		t.Helper()
		rep, err := securebucket.Audit(t.Context(), c, "mfa-suspended", ao)
		require.NoError(t, err)
		for _, r := range rep.Results {
			if r.Control == ctl {
				return r
			}
		}
		t.Fatalf("no %s result: %v", ctl, rep.Results)
		return securebucket.ControlResult{}
	}

	put(s3types.BucketVersioningStatusEnabled)
	r := result(securebucket.ControlMFADelete)
	assert.Equal(t, securebucket.StatusPass, r.Status)
	assert.Equal(t, "MFA delete is enabled", r.Message)

	put(s3types.BucketVersioningStatusSuspended)
	r = result(securebucket.ControlMFADelete)
	assert.Equal(t, securebucket.StatusPass, r.Status, "Security Hub's rule checks the MFA delete setting alone")
	assert.Contains(t, r.Message, "MFA delete is enabled, but versioning is Suspended")
	assert.Contains(t, r.Message, "overwrites")
	assert.Equal(t, securebucket.StatusFail, result(securebucket.ControlVersioning).Status)
}
