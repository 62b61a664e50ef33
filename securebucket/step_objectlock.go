package securebucket

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/rmw"
)

// planObjectLock enables Object Lock (versioning is enabled by the
// versioning step before). An existing default retention is only replaced
// by one at least as strong ([atLeastAsStrong]): the same or a stricter
// mode and at least as long a period. PutObjectLockConfiguration replaces
// the whole configuration: it is written with the package's write
// discipline, so a retention someone made stronger since the plan's read
// is kept.
func planObjectLock(_ context.Context, h *hardener) (planned, error) {
	d := h.decideObjectLock(h.st.objectLock)
	if len(d.what) == 0 {
		return none(d.detail, d.notes...), nil
	}
	action := ActionCreate
	if enabled(h.st.objectLock) {
		action = ActionUpdate
	}
	apply := func(ctx context.Context) (rmw.Outcome, error) {
		return runCycle(ctx, h.r.retry, rmw.Cycle[*types.ObjectLockConfiguration, *types.ObjectLockConfiguration]{
			Key: rmw.Key("s3", h.bucket, "objectLock"), What: "Object Lock configuration",
			Read: freshRead(h, h.bucket, partObjectLock, func(st *state) *types.ObjectLockConfiguration { return st.objectLock }),
			Merge: func(cur *types.ObjectLockConfiguration) (*types.ObjectLockConfiguration, []string, error) {
				d := h.decideObjectLock(cur)
				return d.next, d.what, nil
			},
			Write: func(ctx context.Context, next *types.ObjectLockConfiguration) error {
				_, err := h.api.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{
					Bucket:                  aws.String(h.bucket),
					ExpectedBucketOwner:     h.r.owner,
					ObjectLockConfiguration: next,
				}, h.r.optFns...)
				return err
			},
			ReadFP:  objectLockFP,
			WriteFP: objectLockFP,
		})
	}
	return change(action, d.what[0], apply, d.notes...), nil
}

// decision is what a step decides from one read of its setting.
type decision[N any] struct {
	next N
	// what says what next changes; empty when nothing is to be written.
	what []string
	// detail says why nothing changes when what is empty.
	detail string
	notes  []string
	// failing are the audit controls a setting kept fails (Step.Failing).
	failing []string
}

func enabled(c *types.ObjectLockConfiguration) bool {
	return c != nil && c.ObjectLockEnabled == types.ObjectLockEnabledEnabled
}

// defaultRetention returns c's default retention, or nil when c sets none
// (a rule without a mode is none). S3 delivers no server access logs into
// a bucket that has one.
func defaultRetention(c *types.ObjectLockConfiguration) *types.DefaultRetention {
	if c == nil || c.Rule == nil || c.Rule.DefaultRetention == nil || c.Rule.DefaultRetention.Mode == "" {
		return nil
	}
	return c.Rule.DefaultRetention
}

// decideObjectLock decides the Object Lock configuration from cur.
func (h *hardener) decideObjectLock(cur *types.ObjectLockConfiguration) decision[*types.ObjectLockConfiguration] {
	want := h.o.ObjectLock
	on := enabled(cur)
	var curRet *types.DefaultRetention
	if on {
		curRet = defaultRetention(cur)
	}
	var wantRule *types.ObjectLockRule
	if want.Mode != "" {
		dr := &types.DefaultRetention{Mode: want.Mode}
		if want.Days > 0 {
			dr.Days = aws.Int32(want.Days)
		} else {
			dr.Years = aws.Int32(want.Years)
		}
		wantRule = &types.ObjectLockRule{DefaultRetention: dr}
	}
	// PutObjectLockConfiguration replaces the whole configuration: a
	// default event hold read is written back beside the retention.
	var hold *types.EventHoldDuration
	if on {
		hold = defaultEventHold(cur)
	}
	enabledDetail := "Object Lock is enabled (" + describeRetention(curRet) + ")"
	switch {
	case on && wantRule == nil:
		return decision[*types.ObjectLockConfiguration]{detail: enabledDetail}
	case on && curRet != nil && sameRetention(curRet, wantRule.DefaultRetention):
		return decision[*types.ObjectLockConfiguration]{detail: enabledDetail}
	case on && curRet != nil && !atLeastAsStrong(wantRule.DefaultRetention, curRet):
		return decision[*types.ObjectLockConfiguration]{detail: enabledDetail,
			notes: []string{"kept the existing default retention: the requested " + describeRetention(wantRule.DefaultRetention) + " is weaker"}}
	}
	what := "enable Object Lock (cannot be undone)"
	if on {
		what = "set Object Lock default retention"
	}
	if wantRule != nil {
		what += " with default retention " + describeRetention(wantRule.DefaultRetention)
		if hold != nil {
			dr := *wantRule.DefaultRetention
			dr.DefaultEventHold = &types.EventHoldDuration{Days: hold.Days, Years: hold.Years}
			wantRule = &types.ObjectLockRule{DefaultRetention: &dr}
			what += ", keeping the default event hold of " + describePeriod(hold.Days, hold.Years)
		}
	}
	return decision[*types.ObjectLockConfiguration]{
		next: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled, Rule: wantRule},
		what: []string{what},
	}
}

// defaultEventHold returns c's default event hold duration, or nil. A
// rule may hold one beside a default retention or alone ("You can set one
// or both", ObjectLockRule in the AWS SDKs' S3 reference): "When
// configured, new objects will automatically have an event hold enabled
// with this duration" (S3 API reference, DefaultRetention).
func defaultEventHold(c *types.ObjectLockConfiguration) *types.EventHoldDuration {
	if c == nil || c.Rule == nil || c.Rule.DefaultRetention == nil {
		return nil
	}
	h := c.Rule.DefaultRetention.DefaultEventHold
	if h == nil || aws.ToInt32(h.Days)+aws.ToInt32(h.Years) == 0 {
		return nil
	}
	return h
}

func objectLockFP(c *types.ObjectLockConfiguration) string {
	if c == nil {
		return "none"
	}
	var r *types.DefaultRetention
	if c.Rule != nil {
		r = c.Rule.DefaultRetention
	}
	if r == nil {
		return string(c.ObjectLockEnabled)
	}
	fp := fmt.Sprintf("%s/%s/%d/%d", c.ObjectLockEnabled, r.Mode, aws.ToInt32(r.Days), aws.ToInt32(r.Years))
	if h := defaultEventHold(c); h != nil {
		fp += fmt.Sprintf("/hold/%d/%d", aws.ToInt32(h.Days), aws.ToInt32(h.Years))
	}
	return fp
}

func describeRetention(r *types.DefaultRetention) string {
	if r == nil || r.Mode == "" {
		return "no default retention"
	}
	return string(r.Mode) + " for " + describePeriod(r.Days, r.Years)
}

// describePeriod says a period given in days or years.
func describePeriod(days, years *int32) string {
	// Some servers send both fields, one of them 0.
	if y := aws.ToInt32(years); y > 0 {
		return fmt.Sprintf("%d years", y)
	}
	return fmt.Sprintf("%d days", aws.ToInt32(days))
}

func sameRetention(a, b *types.DefaultRetention) bool {
	return a.Mode == b.Mode && aws.ToInt32(a.Days) == aws.ToInt32(b.Days) && aws.ToInt32(a.Years) == aws.ToInt32(b.Years)
}

// atLeastAsStrong reports whether retention a protects at least as much as
// b: a mode at least as strict (COMPLIANCE > GOVERNANCE) and a period at
// least as long whatever the calendar: periods in the same unit compare as
// they are; otherwise a year counts 365 days in a and 366 days in b, so a
// period in days never replaces one in years that may be longer.
func atLeastAsStrong(a, b *types.DefaultRetention) bool {
	rank := func(m types.ObjectLockRetentionMode) int {
		switch m {
		case types.ObjectLockRetentionModeCompliance:
			return 2
		case types.ObjectLockRetentionModeGovernance:
			return 1
		}
		return 0
	}
	if rank(a.Mode) < rank(b.Mode) {
		return false
	}
	ad, ay := int64(aws.ToInt32(a.Days)), int64(aws.ToInt32(a.Years))
	bd, by := int64(aws.ToInt32(b.Days)), int64(aws.ToInt32(b.Years))
	if ad == 0 && bd == 0 {
		return ay >= by
	}
	if ay == 0 && by == 0 {
		return ad >= bd
	}
	return ad+365*ay >= bd+366*by
}
