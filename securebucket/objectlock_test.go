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

// TestHardenObjectLockYearsAgainstDays: a default retention in years is
// never replaced by one in days that may be shorter. A year has 365 or 366
// days, so COMPLIANCE for 1 year, replaced by COMPLIANCE for 365 days, lost
// a day of retention for objects stored across a February 29; Harden
// counted every year as 365 days and wrote it. A period in years replaces
// one in days only when it is as long even in 365-day years, one in days
// replaces one in years only when it is as long as 366-day years, and the
// same unit compares as it is.
func TestHardenObjectLockYearsAgainstDays(t *testing.T) {
	days := func(n int32) *types.DefaultRetention {
		return &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Days: aws.Int32(n)}
	}
	years := func(n int32) *types.DefaultRetention {
		return &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Years: aws.Int32(n)}
	}
	for _, tc := range []struct {
		name     string
		existing *types.DefaultRetention
		asked    securebucket.ObjectLock
		replaced bool
	}{
		{"1 year, 365 days asked", years(1), securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Days: 365}, false},
		{"1 year, 366 days asked", years(1), securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Days: 366}, true},
		{"2 years, 731 days asked", years(2), securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Days: 731}, false},
		{"2 years, 732 days asked", years(2), securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Days: 732}, true},
		{"365 days, 1 year asked", days(365), securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Years: 1}, true},
		{"366 days, 1 year asked", days(366), securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Years: 1}, false},
		{"1 year, 2 years asked", years(1), securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Years: 2}, true},
		{"30 days, 31 days asked", days(30), securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Days: 31}, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f, c := startFake(t)
			require.NoError(t, f.CreateBucketWith("lock-units", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, ObjectLock: true}))
			_, err := c.PutObjectLockConfiguration(t.Context(), &s3.PutObjectLockConfigurationInput{Bucket: aws.String("lock-units"),
				ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
					Rule: &types.ObjectLockRule{DefaultRetention: tc.existing}}})
			require.NoError(t, err)
			o := opts()
			o.ObjectLock = &tc.asked
			res, err := securebucket.Harden(t.Context(), c, "lock-units", o)
			require.NoError(t, err)
			step := stepOf(t, res.Steps, securebucket.StepObjectLock)
			out, err := c.GetObjectLockConfiguration(t.Context(), &s3.GetObjectLockConfigurationInput{Bucket: aws.String("lock-units")})
			require.NoError(t, err)
			got := out.ObjectLockConfiguration.Rule.DefaultRetention
			want := tc.existing
			if tc.replaced {
				want = &types.DefaultRetention{Mode: tc.asked.Mode}
				if tc.asked.Days > 0 {
					want.Days = aws.Int32(tc.asked.Days)
				} else {
					want.Years = aws.Int32(tc.asked.Years)
				}
				assert.True(t, step.Applied, step.Detail)
			} else {
				assert.Equal(t, securebucket.ActionNone, step.Action, step.Detail)
				require.NotEmpty(t, step.Notes)
				assert.Contains(t, step.Notes[0], "kept the existing default retention")
			}
			assert.Equal(t, aws.ToInt32(want.Days), aws.ToInt32(got.Days), "days")
			assert.Equal(t, aws.ToInt32(want.Years), aws.ToInt32(got.Years), "years")
		})
	}
}
