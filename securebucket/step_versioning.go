package securebucket

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
)

// planVersioning enables versioning. Harden only ever writes Enabled:
// Suspended would stop protecting new writes.
func planVersioning(_ context.Context, h *hardener) (planned, error) {
	st := h.st
	if st.versioning == types.BucketVersioningStatusEnabled {
		return none("versioning is enabled"), nil
	}
	if h.o.AllowUnversioned {
		return none(fmt.Sprintf("left as is (AllowUnversioned); versioning is %s", versioningState(st.versioning))), nil
	}
	var mfa *string
	if st.mfaDelete == types.MFADeleteStatusEnabled {
		// Changing the state of a bucket with MFA delete needs the device.
		if h.o.MFADelete == nil {
			return planned{}, fmt.Errorf("%w: versioning is %s and MFA delete is on, so enabling versioning needs Options.MFADelete", ErrIncompatible, versioningState(st.versioning))
		}
		mfa = aws.String(h.o.MFADelete.SerialNumber + " " + h.o.MFADelete.Code)
	}
	action := ActionUpdate
	if st.versioning == "" {
		action = ActionCreate
	}
	apply := func(ctx context.Context) (bool, error) {
		_, err := call(ctx, h.r.retry, func(ctx context.Context) (*s3.PutBucketVersioningOutput, error) {
			return h.api.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
				Bucket:                  aws.String(h.bucket),
				ExpectedBucketOwner:     h.r.owner,
				MFA:                     mfa,
				VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusEnabled},
			}, h.r.optFns...)
		})
		if err != nil {
			return false, fmt.Errorf("put bucket versioning: %w", err)
		}
		return true, nil
	}
	return change(action, fmt.Sprintf("enable versioning (was %s)", versioningState(st.versioning)), apply), nil
}

func versioningState(s types.BucketVersioningStatus) string {
	if s == "" {
		return "never enabled"
	}
	return strings.ToLower(string(s))
}

// planMFADelete enables MFA delete with the caller's device. S3 accepts it
// only from the bucket owner's root user, and not on a bucket with a
// lifecycle configuration.
func planMFADelete(_ context.Context, h *hardener) (planned, error) {
	st := h.st
	if st.mfaDelete == types.MFADeleteStatusEnabled {
		return none("MFA delete is enabled"), nil
	}
	if len(st.lifecycle) > 0 {
		return planned{}, fmt.Errorf("%w: MFA delete cannot be enabled on a bucket with lifecycle rules (%d found)", ErrIncompatible, len(st.lifecycle))
	}
	m := *h.o.MFADelete
	apply := func(ctx context.Context) (bool, error) {
		_, err := call(ctx, h.r.retry, func(ctx context.Context) (*s3.PutBucketVersioningOutput, error) {
			return h.api.PutBucketVersioning(ctx, &s3.PutBucketVersioningInput{
				Bucket:              aws.String(h.bucket),
				ExpectedBucketOwner: h.r.owner,
				MFA:                 aws.String(m.SerialNumber + " " + m.Code),
				VersioningConfiguration: &types.VersioningConfiguration{
					Status: types.BucketVersioningStatusEnabled, MFADelete: types.MFADeleteEnabled,
				},
			}, h.r.optFns...)
		})
		if err != nil {
			return false, fmt.Errorf("enable MFA delete (only the root user can): %w", err)
		}
		return true, nil
	}
	return change(ActionUpdate, "enable MFA delete with device "+m.SerialNumber, apply), nil
}

// planBPA turns on all four Block Public Access settings of the bucket.
// PutPublicAccessBlock replaces the whole configuration and an omitted flag
// means false, so all four are always sent.
func planBPA(_ context.Context, h *hardener) (planned, error) {
	cur := h.st.bpa
	if allBPA(cur) {
		return none("all four Block Public Access settings are on"), nil
	}
	if h.o.AllowPublicAccess {
		return none("left as is (AllowPublicAccess); off: " + strings.Join(bpaOff(cur), ", ")), nil
	}
	action := ActionUpdate
	if cur == nil {
		action = ActionCreate
	}
	apply := func(ctx context.Context) (bool, error) {
		_, err := call(ctx, h.r.retry, func(ctx context.Context) (*s3.PutPublicAccessBlockOutput, error) {
			return h.api.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
				Bucket:                         aws.String(h.bucket),
				ExpectedBucketOwner:            h.r.owner,
				PublicAccessBlockConfiguration: allBPAConfig(),
			}, h.r.optFns...)
		})
		if err != nil {
			return false, fmt.Errorf("put public access block: %w", err)
		}
		return true, nil
	}
	return change(action, "turn on "+strings.Join(bpaOff(cur), ", "), apply), nil
}

// allBPAConfig returns a configuration with all four settings on.
func allBPAConfig() *types.PublicAccessBlockConfiguration {
	return &types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
		BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true),
	}
}

func allBPA(c *types.PublicAccessBlockConfiguration) bool {
	return c != nil && aws.ToBool(c.BlockPublicAcls) && aws.ToBool(c.IgnorePublicAcls) &&
		aws.ToBool(c.BlockPublicPolicy) && aws.ToBool(c.RestrictPublicBuckets)
}

// bpaOff names the settings of c that are off.
func bpaOff(c *types.PublicAccessBlockConfiguration) []string {
	if c == nil {
		c = &types.PublicAccessBlockConfiguration{}
	}
	var off []string
	for _, f := range []struct {
		name string
		v    *bool
	}{
		{"BlockPublicAcls", c.BlockPublicAcls}, {"IgnorePublicAcls", c.IgnorePublicAcls},
		{"BlockPublicPolicy", c.BlockPublicPolicy}, {"RestrictPublicBuckets", c.RestrictPublicBuckets},
	} {
		if !aws.ToBool(f.v) {
			off = append(off, f.name)
		}
	}
	return off
}

// planObjectLock enables Object Lock (versioning is enabled by the
// versioning step before). An existing default retention is only replaced
// by one at least as strong: the same or a stricter mode and at least as
// long a period.
func planObjectLock(_ context.Context, h *hardener) (planned, error) {
	want := h.o.ObjectLock
	cur := h.st.objectLock
	enabled := cur != nil && cur.ObjectLockEnabled == types.ObjectLockEnabledEnabled
	var curRet *types.DefaultRetention
	if enabled && cur.Rule != nil {
		curRet = cur.Rule.DefaultRetention
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
	switch {
	case enabled && wantRule == nil:
		return none("Object Lock is enabled (" + describeRetention(curRet) + ")"), nil
	case enabled && curRet != nil && sameRetention(curRet, wantRule.DefaultRetention):
		return none("Object Lock is enabled (" + describeRetention(curRet) + ")"), nil
	case enabled && curRet != nil && !atLeastAsStrong(wantRule.DefaultRetention, curRet):
		return none("Object Lock is enabled ("+describeRetention(curRet)+")",
			"kept the existing default retention: the requested "+describeRetention(wantRule.DefaultRetention)+" is weaker"), nil
	}
	action, detail := ActionCreate, "enable Object Lock (cannot be undone)"
	if enabled {
		action, detail = ActionUpdate, "set Object Lock default retention"
	}
	if wantRule != nil {
		detail += " with default retention " + describeRetention(wantRule.DefaultRetention)
	}
	apply := func(ctx context.Context) (bool, error) {
		_, err := call(ctx, h.r.retry, func(ctx context.Context) (*s3.PutObjectLockConfigurationOutput, error) {
			return h.api.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{
				Bucket:              aws.String(h.bucket),
				ExpectedBucketOwner: h.r.owner,
				ObjectLockConfiguration: &types.ObjectLockConfiguration{
					ObjectLockEnabled: types.ObjectLockEnabledEnabled, Rule: wantRule,
				},
			}, h.r.optFns...)
		})
		if err != nil {
			return false, fmt.Errorf("put object lock configuration: %w", err)
		}
		return true, nil
	}
	return change(action, detail, apply), nil
}

func describeRetention(r *types.DefaultRetention) string {
	if r == nil || r.Mode == "" {
		return "no default retention"
	}
	// Some servers send both fields, one of them 0.
	if y := aws.ToInt32(r.Years); y > 0 {
		return fmt.Sprintf("%s for %d years", r.Mode, y)
	}
	return fmt.Sprintf("%s for %d days", r.Mode, aws.ToInt32(r.Days))
}

func retentionDays(r *types.DefaultRetention) int64 {
	return int64(aws.ToInt32(r.Days)) + 365*int64(aws.ToInt32(r.Years))
}

func sameRetention(a, b *types.DefaultRetention) bool {
	return a.Mode == b.Mode && aws.ToInt32(a.Days) == aws.ToInt32(b.Days) && aws.ToInt32(a.Years) == aws.ToInt32(b.Years)
}

// atLeastAsStrong reports whether retention a protects at least as much as b.
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
	return rank(a.Mode) >= rank(b.Mode) && retentionDays(a) >= retentionDays(b)
}
