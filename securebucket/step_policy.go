package securebucket

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/rmw"
	"github.com/s3secure/s3secure/policy"
)

// ErrPolicyTooLarge is policy.ErrPolicyTooLarge: the merged bucket policy
// would exceed S3's 20 KB limit (20,480 bytes without whitespace), so
// nothing was written.
var ErrPolicyTooLarge = policy.ErrPolicyTooLarge

// requiredStatements returns the statements the options want in the bucket
// policy.
func (h *hardener) requiredStatements() ([]policy.Statement, error) {
	var out []policy.Statement
	if !h.o.AllowInsecureTransport {
		s, err := policy.DenyInsecureTransport(h.bucket)
		if err != nil {
			return nil, err
		}
		if s, err = h.partitioned(s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	if !h.o.AllowOutdatedTLS {
		s, err := policy.DenyOutdatedTLS(h.bucket)
		if err != nil {
			return nil, err
		}
		if s, err = h.partitioned(s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, nil
}

// partitioned names s's bucket ARNs (which policy's statements name in
// aws) in the bucket's partition (China, GovCloud, …): policy.InPartition.
func (h *hardener) partitioned(s policy.Statement) (policy.Statement, error) {
	return policy.InPartition(s, h.partition)
}

// policyMerge is the outcome of merging our statements into a policy.
type policyMerge struct {
	doc     *policy.Document
	changed bool
	detail  []string // what changes
	notes   []string // what is kept on purpose
	public  []string // statements that keep the policy public
}

// mergePolicy merges required into the policy text cur ("" for none) and,
// with AllowPublicStatementRemoval, drops the public statements.
func (h *hardener) mergePolicy(cur string, required []policy.Statement) (*policyMerge, error) {
	var doc *policy.Document
	if cur != "" {
		d, err := policy.Parse([]byte(cur))
		if err != nil {
			return nil, fmt.Errorf("parse the current bucket policy: %w", err)
		}
		doc = d
	}
	m := &policyMerge{}
	if doc != nil {
		var pub []string
		for i, s := range doc.Statements {
			if publicStatement(s) {
				pub = append(pub, statementName(s, i))
			}
		}
		if len(pub) > 0 && h.o.AllowPublicStatementRemoval {
			kept := &policy.Document{Version: doc.Version, ID: doc.ID}
			for _, s := range doc.Statements {
				if !publicStatement(s) {
					kept.Statements = append(kept.Statements, s)
				}
			}
			doc = kept
			m.changed = true
			m.detail = append(m.detail, "remove public statements "+strings.Join(pub, ", "))
		} else if len(pub) > 0 {
			m.public = pub
			m.notes = append(m.notes, "kept public statements "+strings.Join(pub, ", ")+": Block Public Access neutralises them; AllowPublicStatementRemoval removes them")
		}
	}
	required, err := h.dropCovered(doc, required, m)
	if err != nil {
		return nil, err
	}
	res, err := policy.Merge(doc, required...)
	if err != nil {
		return nil, fmt.Errorf("merge the bucket policy: %w", err)
	}
	m.doc = res.Document
	for _, c := range res.Changes {
		switch c.Kind {
		case policy.ChangeAdded:
			m.detail = append(m.detail, "add "+c.Sid)
		case policy.ChangeReplaced:
			m.detail = append(m.detail, "update "+c.Sid)
		case policy.ChangeKeptEquivalent:
			m.notes = append(m.notes, c.String())
		}
	}
	if res.Changed() {
		m.changed = true
	}
	if m.changed && len(m.doc.Statements) == 0 {
		// S3 refuses an empty policy; this only happens when every statement
		// was public and nothing is required.
		return nil, fmt.Errorf("%w: removing the public statements would leave an empty policy; delete the policy instead", ErrIncompatible)
	}
	return m, nil
}

// dropCovered leaves out of required the statements whose job doc already
// does, and refuses a statement under our Sid that is someone else's:
//
//   - a statement under our Sid is judged by [judgeOurSid]: ours made at
//     least as strict as ours since it was written is kept as it is, never
//     replaced with a weaker one; a version of ours that ours strengthens
//     is replaced; anything else is someone else's, and the merge fails
//     with a [*SidConflictError];
//   - a foreign TLS statement that does the job by [Audit]'s judgement
//     (S3.5 and the TLS-version check), which accepts more forms than
//     policy.Merge's equivalence (BoolIfExists, "*" as the action, a
//     wildcard resource that covers the bucket and its objects): Harden and
//     Audit then agree, and no second deny is added.
func (h *hardener) dropCovered(doc *policy.Document, required []policy.Statement, m *policyMerge) ([]policy.Statement, error) {
	if doc == nil {
		return required, nil
	}
	bucketARN := "arn:" + h.partition + ":s3:::" + h.bucket
	return dropCoveredIn(doc, required, bucketARN, "bucket policy of "+h.bucket, m)
}

// dropCoveredIn is dropCovered for any policy (the bucket's own, a logging
// target's, an access point's), named by where in its errors.
func dropCoveredIn(doc *policy.Document, required []policy.Statement, bucketARN, where string, m *policyMerge) ([]policy.Statement, error) {
	covers := map[string]func(policy.Statement, string) bool{
		policy.SidDenyInsecureTransport: deniesInsecureTransport,
		policy.SidDenyOutdatedTLS:       deniesOutdatedTLS,
	}
	out := make([]policy.Statement, 0, len(required))
next:
	for _, r := range required {
		if i := slices.IndexFunc(doc.Statements, func(s policy.Statement) bool { return s.Sid == r.Sid }); i >= 0 {
			switch v, why := judgeOurSid(doc.Statements[i], r, bucketARN); {
			case v == sidConflict:
				return nil, &SidConflictError{Policy: where, Sid: r.Sid, Reason: why}
			case v == sidKeep && !policy.Equivalent(doc.Statements[i], r):
				m.notes = append(m.notes, fmt.Sprintf("kept %s as it is: at least as strict as Harden's", r.Sid))
				continue
			}
			out = append(out, r) // policy.Merge keeps it (equivalent) or replaces it
			continue
		}
		check := covers[r.Sid]
		if check == nil {
			out = append(out, r)
			continue
		}
		for i, s := range doc.Statements {
			if check(s, bucketARN) {
				m.notes = append(m.notes, fmt.Sprintf("%s: %s (statement %s)", r.Sid, policy.ChangeKeptEquivalent, statementName(s, i)))
				continue next
			}
		}
		out = append(out, r)
	}
	return out, nil
}

func statementName(s policy.Statement, i int) string {
	if s.Sid != "" {
		return fmt.Sprintf("%q", s.Sid)
	}
	return fmt.Sprintf("#%d", i)
}

// planPolicy merges the TLS statements into the bucket policy. It runs
// before Block Public Access is switched on, because BlockPublicPolicy
// refuses to store a policy that is still public.
func planPolicy(ctx context.Context, h *hardener) (planned, error) {
	required, err := h.requiredStatements()
	if err != nil {
		return planned{}, err
	}
	if len(required) == 0 && !h.o.AllowPublicStatementRemoval {
		return none("left as is (AllowInsecureTransport, AllowOutdatedTLS)"), nil
	}
	m, err := h.mergePolicy(h.st.policy, required)
	if err != nil {
		return planned{}, err
	}
	if !m.changed {
		return none("bucket policy has the required statements", m.notes...), nil
	}
	if err := m.doc.CheckSize(policy.KindBucket); err != nil {
		return planned{}, err
	}
	if len(m.public) > 0 && h.st.bpa != nil && aws.ToBool(h.st.bpa.BlockPublicPolicy) {
		return planned{}, fmt.Errorf("%w: statements %s are public and the bucket's BlockPublicPolicy is on, so S3 would refuse the merged policy; set AllowPublicStatementRemoval or remove them",
			ErrPublicPolicyBlocked, strings.Join(m.public, ", "))
	}
	if err := h.checkPolicy(ctx, h.bucket, m.doc); err != nil {
		return planned{}, err
	}
	action := ActionUpdate
	if h.st.policy == "" {
		action = ActionCreate
	}
	apply := func(ctx context.Context) (rmw.Outcome, error) {
		return h.writePolicy(ctx, h.bucket, func(cur string) (*policyMerge, error) {
			return h.mergePolicy(cur, required)
		})
	}
	return change(action, strings.Join(m.detail, "; "), apply, m.notes...), nil
}

// writePolicy merges into bucket's policy and writes it with the
// package's write discipline ([rmw]): S3 has no conditional write for
// policies. The size is checked before every PUT, and
// ConfirmRemoveSelfBucketAccess is never set, so the caller cannot lock
// themselves out of the policy.
func (h *hardener) writePolicy(ctx context.Context, bucket string, merge func(cur string) (*policyMerge, error)) (rmw.Outcome, error) {
	return runCycle(ctx, h.r.retry, rmw.Cycle[string, *policyMerge]{
		Key: rmw.Key("s3", bucket, "policy"), What: "bucket policy of " + bucket,
		Read: freshRead(h, bucket, partPolicy, func(st *state) string { return st.policy }),
		Merge: func(cur string) (*policyMerge, []string, error) {
			m, err := merge(cur)
			if err != nil || !m.changed {
				return nil, nil, err
			}
			if err := m.doc.CheckSize(policy.KindBucket); err != nil {
				return nil, nil, err
			}
			what := m.detail
			if len(what) == 0 {
				what = []string{"merge the bucket policy"}
			}
			return m, what, nil
		},
		Write: func(ctx context.Context, m *policyMerge) error {
			body, err := m.doc.Marshal()
			if err != nil {
				return fmt.Errorf("marshal: %w", err)
			}
			if err := h.checkPolicy(ctx, bucket, m.doc); err != nil {
				return err
			}
			_, err = h.api.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{
				Bucket: aws.String(bucket), ExpectedBucketOwner: h.r.owner, Policy: aws.String(string(body)),
			}, h.r.optFns...)
			if err != nil && hasCode(err, "AccessDenied") && len(m.public) > 0 {
				return errors.Join(ErrPublicPolicyBlocked, err)
			}
			return err
		},
		ReadFP:  func(cur string) string { return cur },
		WriteFP: func(m *policyMerge) string { return docFP(m.doc) },
	})
}

// checkPolicy runs Options.PolicyCheck on a policy Harden is about to
// write (during Harden's planning, and again before a write whose merge
// differs from the one checked). Plan does not call it: each check may be
// billed.
func (h *hardener) checkPolicy(ctx context.Context, bucket string, doc *policy.Document) error {
	if h.o.PolicyCheck == nil || h.api == nil {
		return nil
	}
	body, err := doc.Marshal()
	if err != nil {
		return fmt.Errorf("marshal the bucket policy: %w", err)
	}
	key := bucket + "\x00" + string(body)
	if h.checked[key] {
		return nil
	}
	if err := h.o.PolicyCheck.CheckPolicy(ctx, bucket, string(body)); err != nil {
		return fmt.Errorf("%w: bucket policy of %s: %w", ErrPolicyCheck, bucket, err)
	}
	if h.checked == nil {
		h.checked = map[string]bool{}
	}
	h.checked[key] = true
	return nil
}
