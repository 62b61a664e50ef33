package securebucket

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/rmw"
)

func needsOwnership(o *Options) part {
	if o.AllowACLs {
		return 0
	}
	return partOwnership
}

// planOwnership disables ACLs (Object Ownership BucketOwnerEnforced). S3
// refuses BucketOwnerEnforced while the bucket ACL grants to anyone but the
// owner (InvalidBucketAclWithObjectOwnership), and those grants are access
// someone relies on, so they stop Harden unless AllowACLGrantRemoval. The
// write reads the ownership controls and the ACL again: a grant added since
// the plan stops it the same way, and is never removed unseen.
func planOwnership(ctx context.Context, h *hardener) (planned, error) {
	if h.o.AllowACLs {
		return none("left as is (AllowACLs)"), nil
	}
	st := h.st
	if st.ownership == types.ObjectOwnershipBucketOwnerEnforced {
		return none("BucketOwnerEnforced: ACLs are disabled"), nil
	}
	// The ACL is read only when it still matters.
	if err := h.r.readPart(ctx, st, partACL); err != nil {
		return planned{}, fmt.Errorf("read %s: %w", partNames[partACL], err)
	}
	st.read |= partACL
	foreign, err := h.aclGrantsToRemove(st)
	if err != nil {
		return planned{}, err
	}
	was := string(st.ownership)
	action := ActionUpdate
	if was == "" {
		was, action = "not set, ACLs enabled", ActionCreate
	}
	detail := fmt.Sprintf("set Object Ownership to BucketOwnerEnforced (was %s)", was)
	var notes []string
	if len(foreign) > 0 {
		detail += fmt.Sprintf("; reset the bucket ACL to private, removing %d grants", len(foreign))
		for _, g := range foreign {
			notes = append(notes, "removes ACL grant "+g.String())
		}
	}
	apply := func(ctx context.Context) (rmw.Outcome, error) {
		// The ACL reset is a write of its own: when the ownership write
		// after it fails, the grants are gone already, and the Result
		// and the error must say so.
		reset := 0
		out, err := runCycle(ctx, h.r.retry, rmw.Cycle[*state, *state]{
			Key: rmw.Key("s3", h.bucket, "ownershipControls"), What: "ownership controls",
			Read: func(ctx context.Context) (*state, error) {
				return h.fresh(ctx, h.bucket, partOwnership|partACL)
			},
			Merge: func(cur *state) (*state, []string, error) {
				if cur.ownership == types.ObjectOwnershipBucketOwnerEnforced {
					return cur, nil, nil
				}
				if _, err := h.aclGrantsToRemove(cur); err != nil {
					return nil, nil, err
				}
				return cur, []string{"set Object Ownership to BucketOwnerEnforced"}, nil
			},
			Write: func(ctx context.Context, cur *state) error {
				n, err := h.writeOwnership(ctx, cur)
				reset += n
				return err
			},
			ReadFP:  func(s *state) string { return string(s.ownership) },
			WriteFP: func(*state) string { return string(types.ObjectOwnershipBucketOwnerEnforced) },
		})
		if reset > 0 {
			out.Wrote = true
			if err != nil {
				err = fmt.Errorf("the bucket ACL was reset to private (%d grants removed), then: %w", reset, err)
			}
		}
		return out, err
	}
	return change(action, detail, apply, notes...), nil
}

// aclGrantsToRemove returns the bucket ACL's grants to others in st, or
// an [*ACLGrantsError] when there are some and AllowACLGrantRemoval is off.
func (h *hardener) aclGrantsToRemove(st *state) ([]Grant, error) {
	foreign := foreignGrants(st.aclOwner, st.aclGrants)
	if len(foreign) > 0 && !h.o.AllowACLGrantRemoval {
		return nil, &ACLGrantsError{Bucket: h.bucket, Grants: foreign}
	}
	return foreign, nil
}

// writeOwnership resets the bucket ACL read in cur to private when it
// grants to others (the merge allowed it: AllowACLGrantRemoval), and writes
// BucketOwnerEnforced. It returns how many grants the reset removed (0
// when it made none, or it failed).
func (h *hardener) writeOwnership(ctx context.Context, cur *state) (int, error) {
	b := aws.String(h.bucket)
	removed := 0
	if foreign := foreignGrants(cur.aclOwner, cur.aclGrants); len(foreign) > 0 {
		_, err := h.api.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: b, ACL: types.BucketCannedACLPrivate, ExpectedBucketOwner: h.r.owner}, h.r.optFns...)
		if err != nil {
			return 0, fmt.Errorf("reset bucket ACL: %w", err)
		}
		removed = len(foreign)
	}
	_, err := h.api.PutBucketOwnershipControls(ctx, &s3.PutBucketOwnershipControlsInput{
		Bucket:              b,
		ExpectedBucketOwner: h.r.owner,
		OwnershipControls: &types.OwnershipControls{Rules: []types.OwnershipControlsRule{
			{ObjectOwnership: types.ObjectOwnershipBucketOwnerEnforced},
		}},
	}, h.r.optFns...)
	return removed, err
}

// logDeliveryURI is the ACL group that server access logging used before
// bucket policies could grant it.
const logDeliveryURI = "http://acs.amazonaws.com/groups/s3/LogDelivery"

// foreignGrants returns the grants to anyone but the owner.
func foreignGrants(owner *types.Owner, grants []types.Grant) []Grant {
	ownerID := ""
	if owner != nil {
		ownerID = aws.ToString(owner.ID)
	}
	var out []Grant
	for _, g := range grants {
		if g.Grantee == nil {
			continue
		}
		ge := g.Grantee
		if ge.Type == types.TypeCanonicalUser && ownerID != "" && aws.ToString(ge.ID) == ownerID {
			continue
		}
		out = append(out, Grant{Grantee: granteeName(ge), Permission: string(g.Permission)})
	}
	return out
}

func granteeName(g *types.Grantee) string {
	switch {
	case g.URI != nil:
		return aws.ToString(g.URI)
	case g.EmailAddress != nil:
		return aws.ToString(g.EmailAddress)
	case g.ID != nil:
		return "canonical user " + aws.ToString(g.ID)
	}
	return "unknown grantee"
}
