package securebucket_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestFaultsAtEachWrite makes each write operation fail in turn
// (403, not retried): the StepError names the step, the Result says that
// exactly the steps before it were applied, and a second Harden converges.
func TestFaultsAtEachWrite(t *testing.T) {
	cases := []struct {
		op   string
		step securebucket.StepName
	}{
		{"PutBucketOwnershipControls", securebucket.StepOwnership},
		{"PutBucketEncryption", securebucket.StepEncryption},
		{"PutBucketVersioning", securebucket.StepVersioning},
		{"PutBucketLifecycleConfiguration", securebucket.StepLifecycle},
		{"PutBucketPolicy", securebucket.StepPolicy},
		{"PutPublicAccessBlock", securebucket.StepBlockPublicAccess},
		{"PutObjectLockConfiguration", securebucket.StepObjectLock},
		{"PutBucketLogging", securebucket.StepLogging},
	}
	for _, tc := range cases {
		t.Run(tc.op, func(t *testing.T) {
			f, c := startFake(t)
			bucketIn(t, f, "midway", s3fake.StateLegacy)
			bucketIn(t, f, "midway-logs", s3fake.StateAWSDefault)
			o := opts()
			o.ObjectLock = &securebucket.ObjectLock{}
			o.Logging = &securebucket.Logging{TargetBucket: "midway-logs"}
			f.InjectFault(tc.op, s3fake.Fault{Code: "AccessDenied", StatusCode: 403})
			res, err := securebucket.Harden(t.Context(), c, "midway", o)
			var se *securebucket.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.step, se.Step)
			require.NotNil(t, res)
			before := true
			for _, s := range res.Steps {
				if s.Name == tc.step {
					before = false
					if tc.step != securebucket.StepLogging { // the target's policy was written
						assert.False(t, s.Applied, s.Name)
					}
					continue
				}
				assert.Equal(t, before, s.Applied, "%s (failing %s)", s.Name, tc.step)
			}
			f.ClearFaults()
			_, err = securebucket.Harden(t.Context(), c, "midway", o)
			require.NoError(t, err)
			assertHardened(t, f, "midway")
			f.ResetCounts()
			_, err = securebucket.Harden(t.Context(), c, "midway", o)
			require.NoError(t, err)
			assert.Zero(t, f.WriteCount(), "%v", f.Counts())
		})
	}
}
