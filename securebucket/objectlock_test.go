package securebucket_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestHardenKeepsDefaultEventHold: an Object Lock rule may hold a default
// event hold duration beside, or instead of, a default retention ("The
// default event hold duration to be applied to new objects placed in the
// specified bucket. When configured, new objects will automatically have an
// event hold enabled with this duration", S3 API reference,
// DefaultRetention; "You can set one or both", ObjectLockRule).
// PutObjectLockConfiguration replaces the whole configuration, and Harden
// wrote only the retention it was asked for: the hold was dropped, and new
// objects were no longer held. The hold read is carried through, also when
// it appears between the plan and the write, and a second run writes
// nothing.
func TestHardenKeepsDefaultEventHold(t *testing.T) {
	hold := func(d int32) *types.EventHoldDuration { return &types.EventHoldDuration{Days: aws.Int32(d)} }
	for _, tc := range []struct {
		name  string
		start *types.DefaultRetention // nil: Object Lock enabled without a rule
		race  *types.DefaultRetention // written by another writer after the plan
	}{
		{"hold beside a weaker retention", &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1), DefaultEventHold: hold(90)}, nil},
		{"hold alone", &types.DefaultRetention{DefaultEventHold: hold(90)}, nil},
		{"hold set after the plan", nil, &types.DefaultRetention{DefaultEventHold: hold(90)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := startFake(t)
			require.NoError(t, f.CreateBucketWith("held", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, ObjectLock: true}))
			put := func(ctx context.Context, dr *types.DefaultRetention) {
				cfg := &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled}
				if dr != nil {
					cfg.Rule = &types.ObjectLockRule{DefaultRetention: dr}
				}
				_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String("held"), ObjectLockConfiguration: cfg})
				require.NoError(t, err)
			}
			put(t.Context(), tc.start)
			var api securebucket.API = c
			if tc.race != nil {
				api = &hooked{Client: c, op: "PutBucketPolicy", hook: func(ctx context.Context) { put(ctx, tc.race) }}
			}
			o := opts()
			o.ObjectLock = &securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Days: 30}
			res, err := securebucket.Harden(t.Context(), api, "held", o)
			require.NoError(t, err)
			require.True(t, stepOf(t, res.Steps, securebucket.StepObjectLock).Applied)

			out, err := c.GetObjectLockConfiguration(t.Context(), &s3.GetObjectLockConfigurationInput{Bucket: aws.String("held")})
			require.NoError(t, err)
			require.NotNil(t, out.ObjectLockConfiguration.Rule)
			r := out.ObjectLockConfiguration.Rule.DefaultRetention
			assert.Equal(t, types.ObjectLockRetentionModeCompliance, r.Mode, "the retention asked for is set")
			assert.Equal(t, int32(30), aws.ToInt32(r.Days))
			require.NotNil(t, r.DefaultEventHold, "the default event hold is kept")
			assert.Equal(t, int32(90), aws.ToInt32(r.DefaultEventHold.Days))

			f.ResetCounts()
			res, err = securebucket.Harden(t.Context(), c, "held", o)
			require.NoError(t, err)
			assert.Equal(t, securebucket.ActionNone, stepOf(t, res.Steps, securebucket.StepObjectLock).Action)
			assert.Zero(t, f.WriteCount())
		})
	}
}
