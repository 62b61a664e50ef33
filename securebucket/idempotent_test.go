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

// TestSecondHardenWritesNothing runs Harden twice for each combination of
// the optional settings, on legacy and AWS-default buckets: the second run
// makes no write request and plans no change.
func TestSecondHardenWritesNothing(t *testing.T) {
	withKMS := func(o *securebucket.Options) { o.KMSKeyARN = kmsKey }
	withLogging := func(o *securebucket.Options) {
		o.Logging = &securebucket.Logging{TargetBucket: "idem-logs", TargetPrefix: "logs/"}
	}
	withLock := func(o *securebucket.Options) {
		o.ObjectLock = &securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeGovernance, Days: 3}
	}
	withLockYears := func(o *securebucket.Options) {
		o.ObjectLock = &securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Years: 1}
	}
	withLockOnly := func(o *securebucket.Options) { o.ObjectLock = &securebucket.ObjectLock{} }
	withOptOuts := func(o *securebucket.Options) {
		o.AllowSSEC, o.AllowOutdatedTLS, o.AllowUnversioned, o.AllowNoLifecycleRule = true, true, true, true
	}
	withRemoval := func(o *securebucket.Options) { o.AllowPublicStatementRemoval, o.AllowACLGrantRemoval = true, true }
	withDays := func(o *securebucket.Options) { o.AbortIncompleteMultipartDays = 2 }
	cases := []struct {
		name string
		mods []func(*securebucket.Options)
	}{
		{"defaults", nil},
		{"kms", []func(*securebucket.Options){withKMS}},
		{"logging", []func(*securebucket.Options){withLogging}},
		{"object lock days", []func(*securebucket.Options){withLock}},
		{"object lock years", []func(*securebucket.Options){withLockYears}},
		{"object lock only", []func(*securebucket.Options){withLockOnly}},
		{"kms logging lock", []func(*securebucket.Options){withKMS, withLogging, withLock}},
		{"opt-outs", []func(*securebucket.Options){withOptOuts}},
		{"removals", []func(*securebucket.Options){withRemoval}},
		{"abort days", []func(*securebucket.Options){withDays}},
	}
	for _, tc := range cases {
		for _, state := range []s3fake.BucketState{s3fake.StateLegacy, s3fake.StateAWSDefault} {
			t.Run(tc.name+"/"+state.String(), func(t *testing.T) {
				f, c := startFake(t)
				bucketIn(t, f, "idem-bucket", state)
				bucketIn(t, f, "idem-logs", s3fake.StateAWSDefault)
				if state == s3fake.StateLegacy {
					// A public statement (and, through the policy, a foreign one) ...
					putPolicy(t, c, "idem-bucket", fmtPolicy(publicReadPolicy, "idem-bucket"))
				} else {
					// ... or, where Block Public Access refuses that, a foreign one.
					putPolicy(t, c, "idem-bucket", sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"PartnerList","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::%s"}]}`, "idem-bucket"))
				}
				o := opts()
				for _, m := range tc.mods {
					m(o)
				}
				_, err := securebucket.Harden(t.Context(), c, "idem-bucket", o)
				require.NoError(t, err)
				f.ResetCounts()
				res, err := securebucket.Harden(t.Context(), c, "idem-bucket", o)
				require.NoError(t, err)
				assert.Zero(t, f.WriteCount(), "%v", f.Counts())
				for _, s := range res.Steps {
					assert.Equal(t, securebucket.ActionNone, s.Action, "%s: %s", s.Name, s.Detail)
				}
			})
		}
	}
}

func TestHardenPartialBlockPublicAccess(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "partial", s3fake.StateLegacy)
	_, err := c.PutPublicAccessBlock(t.Context(), &s3.PutPublicAccessBlockInput{Bucket: aws.String("partial"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	o := opts()
	o.AllowPublicAccess = true
	res, err := securebucket.Harden(t.Context(), c, "partial", o)
	require.NoError(t, err)
	assert.Equal(t, securebucket.ActionNone, stepOf(t, res.Steps, securebucket.StepBlockPublicAccess).Action)
	cfg, _ := f.Bucket("partial")
	assert.Equal(t, s3fake.PublicAccessBlock{BlockPublicAcls: true, RestrictPublicBuckets: true}, *cfg.PublicAccessBlock, "left as it was")

	res, err = securebucket.Harden(t.Context(), c, "partial", opts())
	require.NoError(t, err)
	s := stepOf(t, res.Steps, securebucket.StepBlockPublicAccess)
	assert.Equal(t, securebucket.ActionUpdate, s.Action)
	assert.Contains(t, s.Detail, "IgnorePublicAcls, BlockPublicPolicy")
	assertHardened(t, f, "partial")
}
