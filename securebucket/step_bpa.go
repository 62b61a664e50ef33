package securebucket

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/rmw"
)

// neutralising are the Block Public Access settings that Harden turns on
// first: they stop public ACLs and public policies from granting anything
// at once, and refuse none of Harden's own writes (it never writes a public
// ACL, and RestrictPublicBuckets limits only callers outside the owner's
// account).
var neutralising = PublicAccessBlockSettings{BlockPublicAcls: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}

// deferBlockPublicPolicy reports whether BlockPublicPolicy must wait until
// after the bucket policy is written: the policy step writes a merged
// policy that keeps public statements, which S3 refuses to store once
// BlockPublicPolicy is on.
//
// The policy is read for the policy step, which plans after this one and
// reports a policy that cannot be read; without it, nothing is deferred.
func (h *hardener) deferBlockPublicPolicy() bool {
	if !h.st.ok(partPolicy) || h.st.policy == "" {
		return false
	}
	required, err := h.requiredStatements()
	if err != nil || (len(required) == 0 && !h.o.AllowPublicStatementRemoval) {
		return false
	}
	m, err := h.mergePolicy(h.st.policy, required)
	return err == nil && m.changed && len(m.public) > 0
}

// planBPA turns Block Public Access on, first of all steps, so that a
// failure later leaves the bucket protected already. It turns on every
// setting but BlockPublicPolicy, and BlockPublicPolicy too unless the
// bucket policy step keeps a public statement (then [planBlockPublicPolicy]
// turns it on after the policy is written). It never turns a setting off.
//
// PutPublicAccessBlock replaces the whole configuration (an omitted flag
// means false): it is written with the package's write discipline, all
// four flags always sent, each one on where the fresh read has it on.
func planBPA(_ context.Context, h *hardener) (planned, error) {
	cur := PublicAccessBlockFromS3(h.st.bpa)
	if cur.AllOn() {
		return none("all four Block Public Access settings are on"), nil
	}
	if h.o.AllowPublicAccess {
		return none("left as is (AllowPublicAccess); off: " + strings.Join(cur.Off(), ", ")), nil
	}
	want := neutralising
	var notes []string
	if h.deferBlockPublicPolicy() {
		if !cur.BlockPublicPolicy {
			notes = append(notes, "BlockPublicPolicy follows the bucket policy, which keeps public statements that S3 would then refuse")
		}
	} else {
		want = AllPublicAccessBlocked()
	}
	if cur.Union(want) == cur {
		return none("Block Public Access settings "+strings.Join(onNames(cur), ", ")+" are on", notes...), nil
	}
	action := ActionUpdate
	if h.st.bpa == nil {
		action = ActionCreate
	}
	detail := "turn on " + strings.Join(onNames(subtract(want, cur)), ", ")
	return change(action, detail, h.applyBPA(want), notes...), nil
}

// planBlockPublicPolicy turns BlockPublicPolicy on after the bucket policy
// step, when planBPA left it for later. Otherwise it is not in the plan.
func planBlockPublicPolicy(_ context.Context, h *hardener) (planned, error) {
	cur := PublicAccessBlockFromS3(h.st.bpa)
	if h.o.AllowPublicAccess || cur.BlockPublicPolicy || !h.deferBlockPublicPolicy() {
		return planned{omit: true}, nil
	}
	return change(ActionUpdate, "turn on BlockPublicPolicy (after the bucket policy)", h.applyBPA(AllPublicAccessBlocked())), nil
}

// applyBPA writes want on top of a fresh read of the bucket's settings.
func (h *hardener) applyBPA(want PublicAccessBlockSettings) func(context.Context) (rmw.Outcome, error) {
	return func(ctx context.Context) (rmw.Outcome, error) {
		return runCycle(ctx, h.r.retry, rmw.Cycle[PublicAccessBlockSettings, PublicAccessBlockSettings]{
			Key: rmw.Key("s3", h.bucket, "publicAccessBlock"), What: "public access block",
			Read:  freshRead(h, h.bucket, partBPA, func(st *state) PublicAccessBlockSettings { return PublicAccessBlockFromS3(st.bpa) }),
			Merge: turnOn(want),
			Write: func(ctx context.Context, next PublicAccessBlockSettings) error {
				_, err := h.api.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{
					Bucket:                         aws.String(h.bucket),
					ExpectedBucketOwner:            h.r.owner,
					PublicAccessBlockConfiguration: next.s3(),
				}, h.r.optFns...)
				return err
			},
			ReadFP:  PublicAccessBlockSettings.fp,
			WriteFP: PublicAccessBlockSettings.fp,
		})
	}
}

// turnOn is the merge of a Block Public Access write: the settings of want
// turned on, every setting on in cur kept on.
func turnOn(want PublicAccessBlockSettings) func(cur PublicAccessBlockSettings) (PublicAccessBlockSettings, []string, error) {
	return func(cur PublicAccessBlockSettings) (PublicAccessBlockSettings, []string, error) {
		next := cur.Union(want)
		if next == cur {
			return cur, nil, nil
		}
		return next, []string{"turn on " + strings.Join(onNames(subtract(next, cur)), ", ")}, nil
	}
}

// fp identifies the settings in a write cycle.
func (s PublicAccessBlockSettings) fp() string { return fmt.Sprint(s) }

// s3 returns the S3 form. All four flags are always sent:
// PutPublicAccessBlock replaces the whole configuration and an omitted flag
// becomes false.
func (s PublicAccessBlockSettings) s3() *types.PublicAccessBlockConfiguration {
	return &types.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(s.BlockPublicAcls), IgnorePublicAcls: aws.Bool(s.IgnorePublicAcls),
		BlockPublicPolicy: aws.Bool(s.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(s.RestrictPublicBuckets),
	}
}

// onNames names the settings of s that are on, in API order.
func onNames(s PublicAccessBlockSettings) []string {
	off := map[string]bool{}
	for _, n := range s.Off() {
		off[n] = true
	}
	var on []string
	for _, n := range (PublicAccessBlockSettings{}).Off() {
		if !off[n] {
			on = append(on, n)
		}
	}
	return on
}

// subtract returns the settings on in a and off in b.
func subtract(a, b PublicAccessBlockSettings) PublicAccessBlockSettings {
	return PublicAccessBlockSettings{
		a.BlockPublicAcls && !b.BlockPublicAcls, a.IgnorePublicAcls && !b.IgnorePublicAcls,
		a.BlockPublicPolicy && !b.BlockPublicPolicy, a.RestrictPublicBuckets && !b.RestrictPublicBuckets,
	}
}

// allBPA reports whether all four settings of c are on.
func allBPA(c *types.PublicAccessBlockConfiguration) bool { return PublicAccessBlockFromS3(c).AllOn() }

// bpaOff names the settings of c that are off.
func bpaOff(c *types.PublicAccessBlockConfiguration) []string {
	return PublicAccessBlockFromS3(c).Off()
}

// freshRead returns the read function of an [rmw]: a fresh read of part p
// of bucket, and the value get takes from it.
func freshRead[T any](h *hardener, bucket string, p part, get func(*state) T) func(context.Context) (T, error) {
	return func(ctx context.Context) (T, error) {
		s, err := h.fresh(ctx, bucket, p)
		if err != nil {
			var zero T
			return zero, err
		}
		return get(s), nil
	}
}

// fresh reads the parts in want of bucket again, just before a write: the
// read of the package's write discipline. It fails with the first part
// that could not be read.
func (h *hardener) fresh(ctx context.Context, bucket string, want part) (*state, error) {
	s, err := h.r.readState(ctx, bucket, want)
	if err != nil {
		return nil, err
	}
	for p := partPolicy; p <= partLocation; p <<= 1 {
		if want&p != 0 && s.err(p) != nil {
			if want == p {
				return nil, s.err(p)
			}
			return nil, fmt.Errorf("%s: %w", partNames[p], s.err(p))
		}
	}
	return s, nil
}
