package securebucket

import (
	"context"
	"encoding/json"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/rmw"
)

// planLifecycle adds the rule that aborts unfinished multipart uploads,
// merged by rule ID with the package's write discipline:
// PutBucketLifecycleConfiguration replaces the whole configuration, so the
// current rules are read again just before the write, ours is added or
// replaced in place, and every other rule is written back unchanged. An
// enabled rule of someone else's that already aborts uploads bucket-wide
// as soon or sooner counts as ours, and so does our own rule made stricter
// (fewer days). A rule that carries our ID but does more than ours (an
// expiration, transitions, a narrower filter) is not replaced: the step
// fails with ErrIncompatible.
func planLifecycle(_ context.Context, h *hardener) (planned, error) {
	if h.o.AllowNoLifecycleRule {
		return none("left as is (AllowNoLifecycleRule)"), nil
	}
	if h.st.mfaDelete == types.MFADeleteStatusEnabled {
		// "Lifecycle configuration on MFA-enabled buckets is not
		// supported" (S3 user guide, "Lifecycle and other bucket
		// configurations"): the rule could only be added by turning MFA
		// delete off, which Harden never does.
		p := none("left as is: MFA delete is enabled, and S3 does not support a lifecycle configuration on such a bucket",
			"no rule aborts incomplete multipart uploads; the audit's "+string(ControlLifecycle)+" fails")
		p.Failing = []string{string(ControlLifecycle)}
		if h.st.versioning == types.BucketVersioningStatusEnabled {
			p.Failing = append(p.Failing, string(ControlVersionedLifecycle))
		}
		return p, nil
	}
	days := h.o.abortDays()
	merged, found, ourDays := mergeLifecycle(h.st.lifecycle, days)
	switch found {
	case lcForeign:
		return planned{}, errForeignRuleUnderOurID()
	case lcOurs:
		if ourDays < days {
			return none(fmt.Sprintf("rule %s aborts incomplete multipart uploads after %d days", LifecycleRuleID, ourDays),
				fmt.Sprintf("kept: %d days is stricter than the %d Harden would set", ourDays, days)), nil
		}
		return none(fmt.Sprintf("rule %s aborts incomplete multipart uploads after %d days", LifecycleRuleID, days)), nil
	case lcEquivalent:
		return none("an existing rule already aborts incomplete multipart uploads for the whole bucket"), nil
	}
	action := ActionUpdate
	detail := fmt.Sprintf("add rule %s (abort incomplete multipart uploads after %d days), keeping %d existing rules", LifecycleRuleID, days, len(merged)-1)
	if len(h.st.lifecycle) == 0 {
		action = ActionCreate
		detail = fmt.Sprintf("add rule %s (abort incomplete multipart uploads after %d days)", LifecycleRuleID, days)
	} else if found == lcReplace {
		detail = fmt.Sprintf("update rule %s to abort incomplete multipart uploads after %d days, keeping %d other rules", LifecycleRuleID, days, len(merged)-1)
	}
	type current struct {
		rules   []types.LifecycleRule
		minSize types.TransitionDefaultMinimumObjectSize
	}
	fingerprint := func(cur current) string {
		b, err := json.Marshal(cur.rules)
		if err != nil {
			return fmt.Sprint(len(cur.rules)) // never equal by accident to a marshalled list
		}
		return string(b) + "\x00" + string(cur.minSize)
	}
	apply := func(ctx context.Context) (rmw.Outcome, error) {
		return runCycle(ctx, h.r.retry, rmw.Cycle[current, current]{
			Key: rmw.Key("s3", h.bucket, "lifecycle"), What: "lifecycle configuration",
			Read: freshRead(h, h.bucket, partLifecycle, func(st *state) current { return current{st.lifecycle, st.lifecycleMinSize} }),
			Merge: func(cur current) (current, []string, error) {
				rules, st, _ := mergeLifecycle(cur.rules, days)
				switch st {
				case lcForeign:
					return current{}, nil, errForeignRuleUnderOurID()
				case lcAdd:
					return current{rules, cur.minSize}, []string{"add rule " + LifecycleRuleID}, nil
				case lcReplace:
					return current{rules, cur.minSize}, []string{"update rule " + LifecycleRuleID}, nil
				}
				return cur, nil, nil
			},
			Write: func(ctx context.Context, next current) error {
				_, err := h.api.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{
					Bucket:                             aws.String(h.bucket),
					ExpectedBucketOwner:                h.r.owner,
					LifecycleConfiguration:             &types.BucketLifecycleConfiguration{Rules: next.rules},
					TransitionDefaultMinimumObjectSize: next.minSize,
				}, h.r.optFns...)
				return err
			},
			ReadFP:  fingerprint,
			WriteFP: fingerprint,
		})
	}
	return change(action, detail, apply), nil
}

type lcState int

const (
	lcAdd        lcState = iota // our rule is missing: appended
	lcReplace                   // our rule is there but different: replaced in place
	lcOurs                      // our rule is there as wanted, or stricter (fewer days)
	lcEquivalent                // another rule does the same job
	lcForeign                   // a rule with our ID does more than ours: not ours to replace
)

// errForeignRuleUnderOurID reports a rule that carries our ID but does more
// than abort uploads for the whole bucket (an expiration, transitions, a
// narrower filter): replacing it would delete someone's settings.
func errForeignRuleUnderOurID() error {
	return fmt.Errorf("%w: lifecycle rule %s has settings of its own (expiration, transitions or a filter) that Harden would overwrite; give it another ID or set AllowNoLifecycleRule", ErrIncompatible, LifecycleRuleID)
}

// oursOnly reports whether a rule with our ID holds nothing but what our
// rule holds, so that replacing it loses nothing (an earlier run's rule
// with another period, or disabled).
func oursOnly(r types.LifecycleRule) bool {
	return wholeBucket(r) && r.Expiration == nil && len(r.Transitions) == 0 &&
		r.NoncurrentVersionExpiration == nil && len(r.NoncurrentVersionTransitions) == 0
}

// abortsWithin reports whether r is enabled and aborts every incomplete
// multipart upload in the bucket after at most days days: the rule is at
// least as strict as ours (a rule that aborts sooner is stricter). It
// returns the rule's days.
func abortsWithin(r types.LifecycleRule, days int32) (int32, bool) {
	if r.Status != types.ExpirationStatusEnabled || !wholeBucket(r) || r.AbortIncompleteMultipartUpload == nil {
		return 0, false
	}
	d := aws.ToInt32(r.AbortIncompleteMultipartUpload.DaysAfterInitiation)
	return d, d > 0 && d <= days
}

// mergeLifecycle returns rules with our rule added or replaced, what it
// found, and with lcOurs the days of our rule. Our rule is kept when it is
// at least as strict as the one Harden would write ([abortsWithin]). The
// input is not modified.
func mergeLifecycle(rules []types.LifecycleRule, days int32) ([]types.LifecycleRule, lcState, int32) {
	legacy := false
	for _, r := range rules {
		if aws.ToString(r.ID) == LifecycleRuleID && !oursOnly(r) {
			return rules, lcForeign, 0
		}
	}
	for _, r := range rules {
		if aws.ToString(r.ID) == LifecycleRuleID {
			if d, ok := abortsWithin(r, days); ok {
				return rules, lcOurs, d
			}
		} else if _, ok := abortsWithin(r, days); ok {
			return rules, lcEquivalent, 0
		}
		//lint:ignore SA1019 existing rules may use the deprecated rule-level Prefix; we must recognise it
		if r.Filter == nil && r.Prefix != nil {
			legacy = true
		}
	}
	ours := types.LifecycleRule{
		ID:                             aws.String(LifecycleRuleID),
		Status:                         types.ExpirationStatusEnabled,
		AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(days)},
	}
	// S3 refuses a configuration that mixes the deprecated rule-level
	// Prefix with Filter, so our rule takes the form the others use.
	if legacy {
		//lint:ignore SA1019 S3 refuses mixing rule-level Prefix with Filter, so ours follows the others
		ours.Prefix = aws.String("")
	} else {
		ours.Filter = &types.LifecycleRuleFilter{Prefix: aws.String("")}
	}
	out := make([]types.LifecycleRule, 0, len(rules)+1)
	state := lcAdd
	for _, r := range rules {
		if aws.ToString(r.ID) == LifecycleRuleID {
			if state == lcAdd {
				out = append(out, ours)
				state = lcReplace
			}
			continue // a duplicate of ours is dropped
		}
		out = append(out, r)
	}
	if state == lcAdd {
		out = append(out, ours)
	}
	return out, state, 0
}

// wholeBucket reports whether a rule applies to every object.
func wholeBucket(r types.LifecycleRule) bool {
	if r.Filter == nil {
		//lint:ignore SA1019 a legacy rule's scope is its deprecated rule-level Prefix
		return aws.ToString(r.Prefix) == ""
	}
	f := r.Filter
	return aws.ToString(f.Prefix) == "" && f.Tag == nil && f.And == nil && f.ObjectSizeGreaterThan == nil && f.ObjectSizeLessThan == nil
}
