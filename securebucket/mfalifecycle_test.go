package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestHardenKeepsMFADeleteWithoutLifecycleRule: the owner's root user
// turned MFA delete on. S3 does not support a lifecycle configuration on
// such a bucket ("Lifecycle configuration on MFA-enabled buckets is not
// supported", S3 user guide, "Lifecycle and other bucket configurations"),
// so Harden's default abort-multipart rule cannot be added without turning
// MFA delete off, which would weaken the bucket. The lifecycle step leaves
// it as it is and says why (the audit's S3.13 and S3.10 then fail); every
// other step is applied, the TLS statements included, and a second run
// writes nothing.
func TestHardenKeepsMFADeleteWithoutLifecycleRule(t *testing.T) {
	f, c := startFake(t)
	const serial = "arn:aws:iam::111122223333:mfa/root-account-mfa-device"
	f.SetMFADevice(serial, "123456")
	bucketIn(t, f, "mfa-only", s3fake.StateAWSDefault)
	_, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String("mfa-only"),
		MFA:                     aws.String(serial + " 123456"),
		VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled}})
	require.NoError(t, err)

	p, err := securebucket.Plan(t.Context(), c, "mfa-only", opts())
	require.NoError(t, err)
	lc := stepOf(t, p.Steps, securebucket.StepLifecycle)
	assert.Equal(t, securebucket.ActionNone, lc.Action, lc.String())
	assert.Contains(t, lc.Detail, "MFA delete")
	assert.ElementsMatch(t, []string{string(securebucket.ControlLifecycle), string(securebucket.ControlVersionedLifecycle)}, lc.Failing)

	res, err := securebucket.Harden(t.Context(), c, "mfa-only", opts())
	require.NoError(t, err)
	assert.Equal(t, securebucket.ActionNone, stepOf(t, res.Steps, securebucket.StepLifecycle).Action)
	assert.True(t, stepOf(t, res.Steps, securebucket.StepPolicy).Applied, "the steps after it are applied")
	_, err = c.GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("mfa-only")})
	assert.Equal(t, "NoSuchLifecycleConfiguration", errorCodeOf(err), "no lifecycle configuration written")
	cfg, _ := f.Bucket("mfa-only")
	assert.Equal(t, "Enabled", cfg.MFADelete)
	assert.Contains(t, cfg.Policy, "S3SecureDenyInsecureTransport")

	f.ResetCounts()
	res, err = securebucket.Harden(t.Context(), c, "mfa-only", opts())
	require.NoError(t, err)
	assert.False(t, res.Changed())
	assert.Zero(t, f.WriteCount(), f.Counts())
}
