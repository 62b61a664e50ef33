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

// versioning is the versioning sub-resource: its status and MFA delete.
type versioning struct {
	status types.BucketVersioningStatus
	mfa    types.MFADeleteStatus
}

func (v versioning) fp() string { return string(v.status) + "/" + string(v.mfa) }

// planVersioning enables versioning. Harden only ever writes Enabled:
// Suspended would stop protecting new writes. The write carries MFA
// delete as it is read, so it never turns MFA delete off.
func planVersioning(_ context.Context, h *hardener) (planned, error) {
	st := h.st
	cur := versioning{st.versioning, st.mfaDelete}
	if cur.status == types.BucketVersioningStatusEnabled {
		return none("versioning is enabled"), nil
	}
	if h.o.AllowUnversioned {
		return none(fmt.Sprintf("left as is (AllowUnversioned); versioning is %s", versioningState(st.versioning))), nil
	}
	if _, _, err := h.decideVersioning(cur, false); err != nil {
		return planned{}, err
	}
	action := ActionUpdate
	if st.versioning == "" {
		action = ActionCreate
	}
	return change(action, fmt.Sprintf("enable versioning (was %s)", versioningState(st.versioning)), h.applyVersioning(false)), nil
}

// decideVersioning returns the versioning configuration to write on top of
// cur: Enabled, with MFA delete kept (or turned on with mfaDelete), and
// the MFA header when changing the bucket's state needs it.
func (h *hardener) decideVersioning(cur versioning, mfaDelete bool) (versioning, []string, error) {
	next := versioning{status: types.BucketVersioningStatusEnabled, mfa: cur.mfa}
	var what []string
	if cur.status != types.BucketVersioningStatusEnabled {
		what = append(what, fmt.Sprintf("enable versioning (was %s)", versioningState(cur.status)))
	}
	if mfaDelete && cur.mfa != types.MFADeleteStatusEnabled {
		next.mfa = types.MFADeleteStatusEnabled
		what = append(what, "enable MFA delete with device "+h.o.MFADelete.SerialNumber)
	}
	if len(what) > 0 && cur.mfa == types.MFADeleteStatusEnabled && h.o.MFADelete == nil {
		// Changing the state of a bucket with MFA delete needs the device.
		return cur, nil, fmt.Errorf("%w: versioning is %s and MFA delete is on, so enabling versioning needs Options.MFADelete", ErrIncompatible, versioningState(cur.status))
	}
	return next, what, nil
}

// applyVersioning writes versioning (and MFA delete with mfaDelete) with
// the package's write discipline.
func (h *hardener) applyVersioning(mfaDelete bool) func(context.Context) (rmw.Outcome, error) {
	return func(ctx context.Context) (rmw.Outcome, error) {
		return runCycle(ctx, h.r.retry, rmw.Cycle[versioning, versioning]{
			Key: rmw.Key("s3", h.bucket, "versioning"), What: "bucket versioning",
			Read:  freshRead(h, h.bucket, partVersioning, func(st *state) versioning { return versioning{st.versioning, st.mfaDelete} }),
			Merge: func(cur versioning) (versioning, []string, error) { return h.decideVersioning(cur, mfaDelete) },
			Write: func(ctx context.Context, next versioning) error {
				in := &s3.PutBucketVersioningInput{
					Bucket:                  aws.String(h.bucket),
					ExpectedBucketOwner:     h.r.owner,
					VersioningConfiguration: &types.VersioningConfiguration{Status: next.status},
				}
				if next.mfa == types.MFADeleteStatusEnabled {
					in.VersioningConfiguration.MFADelete = types.MFADeleteEnabled
					if m := h.o.MFADelete; m != nil {
						in.MFA = aws.String(m.SerialNumber + " " + m.Code)
					}
				}
				_, err := h.api.PutBucketVersioning(ctx, in, h.r.optFns...)
				if err != nil && mfaDelete && errorCode(err) == "AccessDenied" {
					// S3 answers AccessDenied to anyone but the bucket
					// owner's root user; any other error (throttling, a
					// lost connection) is said as it is.
					return fmt.Errorf("only the root user can enable MFA delete: %w", err)
				}
				return err
			},
			ReadFP:  versioning.fp,
			WriteFP: versioning.fp,
		})
	}
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
	return change(ActionUpdate, "enable MFA delete with device "+h.o.MFADelete.SerialNumber, h.applyVersioning(true)), nil
}
