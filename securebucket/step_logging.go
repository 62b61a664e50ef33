package securebucket

import (
	"context"
	"fmt"
	"hash/fnv"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/rmw"
	"github.com/s3secure/s3secure/internal/setuperr"
	"github.com/s3secure/s3secure/policy"
)

// logDeliveryStatement returns the statement for the target's policy. Its
// Sid carries a hash of the source bucket and prefix, so buckets that log
// into the same target each have their own statement.
func (h *hardener) logDeliveryStatement() (policy.Statement, error) {
	l := h.o.Logging
	s, err := policy.ServerAccessLogsDelivery(l.TargetBucket, l.TargetPrefix, h.bucket, h.o.ExpectedBucketOwner)
	if err != nil {
		return policy.Statement{}, err
	}
	f := fnv.New64a()
	f.Write([]byte(h.bucket + "\x00" + l.TargetPrefix))
	s.Sid = fmt.Sprintf("%s%016x", policy.SidServerAccessLogsDelivery, f.Sum64())
	return h.partitioned(s)
}

// mergeTargetPolicy merges the log-delivery statement into the target's
// policy text; the target's other statements are never touched, and a
// log-delivery statement of ours that grants no more than stmt (its owner
// narrowed it) is kept as it is; one that is someone else's stops it
// ([*SidConflictError]).
func mergeTargetPolicy(cur, target string, stmt policy.Statement) (*policyMerge, error) {
	var doc *policy.Document
	m := &policyMerge{}
	if cur != "" {
		d, err := policy.Parse([]byte(cur))
		if err != nil {
			return nil, fmt.Errorf("parse the logging target's bucket policy: %w", err)
		}
		doc = d
		for i, s := range d.Statements {
			if publicStatement(s) {
				m.public = append(m.public, statementName(s, i))
			}
		}
	}
	required := []policy.Statement{stmt}
	if doc != nil {
		var err error
		if required, err = dropCoveredIn(doc, required, "", "bucket policy of logging target "+target, m); err != nil {
			return nil, err
		}
	}
	res, err := policy.Merge(doc, required...)
	if err != nil {
		return nil, fmt.Errorf("merge the logging target's bucket policy: %w", err)
	}
	m.doc, m.changed = res.Document, res.Changed()
	for _, c := range res.Changes {
		switch c.Kind {
		case policy.ChangeKeptEquivalent:
			m.notes = append(m.notes, "target policy: "+c.String())
		case policy.ChangeAdded:
			m.detail = append(m.detail, "add "+c.Sid)
		case policy.ChangeReplaced:
			m.detail = append(m.detail, "update "+c.Sid)
		}
	}
	return m, nil
}

// planLogging turns on server access logging into Options.Logging's
// target. Delivery is authorised by a statement in the target's bucket
// policy for logging.s3.amazonaws.com, scoped to this bucket
// (aws:SourceArn) and account (aws:SourceAccount); TargetGrants (ACLs) are
// never used, as S3 refuses them under BucketOwnerEnforced.
func planLogging(ctx context.Context, h *hardener) (planned, error) {
	l := h.o.Logging
	stmt, err := h.logDeliveryStatement()
	if err != nil {
		return planned{}, fmt.Errorf("%w: %v", ErrInvalidOptions, err)
	}
	// The Region comes first: a target in another Region cannot even be
	// read with this client (S3 answers with a redirect or a signing error).
	if err := h.checkLogTargetRegion(ctx); err != nil {
		return planned{}, err
	}
	ts, err := h.r.readState(ctx, l.TargetBucket, partPolicy)
	if err != nil {
		return planned{}, err
	}
	if err := ts.err(partPolicy); err != nil {
		return planned{}, fmt.Errorf("read the bucket policy of logging target %s: %w", l.TargetBucket, err)
	}
	tm, err := mergeTargetPolicy(ts.policy, l.TargetBucket, stmt)
	if err != nil {
		return planned{}, err
	}
	// S3 must deliver into the target, also when logging into it is
	// already configured: a target made Requester Pays or given a default
	// retention since then receives no logs, and S3.9 fails it.
	if err := h.checkLogTarget(ctx); err != nil {
		return planned{}, err
	}
	cur := h.st.logging
	sameTarget := cur != nil && aws.ToString(cur.TargetBucket) == l.TargetBucket && aws.ToString(cur.TargetPrefix) == l.TargetPrefix
	if sameTarget && !tm.changed {
		return none(fmt.Sprintf("logging to s3://%s/%s", l.TargetBucket, l.TargetPrefix), tm.notes...), nil
	}
	if tm.changed {
		if err := tm.doc.CheckSize(policy.KindBucket); err != nil {
			return planned{}, fmt.Errorf("logging target %s: %w", l.TargetBucket, err)
		}
		if err := h.checkPolicy(ctx, l.TargetBucket, tm.doc); err != nil {
			return planned{}, err
		}
	}
	var what []string
	if tm.changed {
		what = append(what, fmt.Sprintf("add %s to the bucket policy of %s", stmt.Sid, l.TargetBucket))
	}
	action := ActionUpdate
	switch {
	case cur == nil:
		action = ActionCreate
		what = append(what, fmt.Sprintf("log to s3://%s/%s", l.TargetBucket, l.TargetPrefix))
	case !sameTarget:
		what = append(what, fmt.Sprintf("log to s3://%s/%s (was s3://%s/%s)", l.TargetBucket, l.TargetPrefix, aws.ToString(cur.TargetBucket), aws.ToString(cur.TargetPrefix)))
	}
	apply := func(ctx context.Context) (rmw.Outcome, error) {
		var out rmw.Outcome
		if tm.changed {
			o, err := h.writePolicy(ctx, l.TargetBucket, func(cur string) (*policyMerge, error) {
				return mergeTargetPolicy(cur, l.TargetBucket, stmt)
			})
			out.Add(o)
			if err != nil {
				return out, fmt.Errorf("logging target %s: %w", l.TargetBucket, err)
			}
		}
		if !sameTarget {
			o, err := h.applyLogging(ctx)
			out.Add(o)
			if err != nil {
				return out, err
			}
		}
		return out, nil
	}
	return change(action, strings.Join(what, "; "), apply, tm.notes...), nil
}

// applyLogging points server access logging at Options.Logging's target
// with the package's write discipline. PutBucketLogging replaces the
// whole configuration: the key format (TargetObjectKeyFormat) read is
// carried over, and so are ACL grants (TargetGrants) with AllowACLs (S3
// refuses them on a bucket with ACLs disabled).
func (h *hardener) applyLogging(ctx context.Context) (rmw.Outcome, error) {
	l := h.o.Logging
	return runCycle(ctx, h.r.retry, rmw.Cycle[*types.LoggingEnabled, *types.LoggingEnabled]{
		Key: rmw.Key("s3", h.bucket, "logging"), What: "bucket logging",
		Read: freshRead(h, h.bucket, partLogging, func(st *state) *types.LoggingEnabled { return st.logging }),
		Merge: func(cur *types.LoggingEnabled) (*types.LoggingEnabled, []string, error) {
			if cur != nil && aws.ToString(cur.TargetBucket) == l.TargetBucket && aws.ToString(cur.TargetPrefix) == l.TargetPrefix {
				return cur, nil, nil
			}
			next := &types.LoggingEnabled{TargetBucket: aws.String(l.TargetBucket), TargetPrefix: aws.String(l.TargetPrefix)}
			if cur != nil {
				next.TargetObjectKeyFormat = cur.TargetObjectKeyFormat
				if h.o.AllowACLs {
					next.TargetGrants = cur.TargetGrants
				}
			}
			return next, []string{fmt.Sprintf("log to s3://%s/%s", l.TargetBucket, l.TargetPrefix)}, nil
		},
		Write: func(ctx context.Context, next *types.LoggingEnabled) error {
			_, err := h.api.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{
				Bucket:              aws.String(h.bucket),
				ExpectedBucketOwner: h.r.owner,
				BucketLoggingStatus: &types.BucketLoggingStatus{LoggingEnabled: next},
			}, h.r.optFns...)
			return err
		},
		ReadFP:  loggingFP,
		WriteFP: loggingFP,
	})
}

func loggingFP(l *types.LoggingEnabled) string {
	if l == nil {
		return "off"
	}
	f := ""
	if k := l.TargetObjectKeyFormat; k != nil {
		switch {
		case k.PartitionedPrefix != nil:
			f = "partitioned/" + string(k.PartitionedPrefix.PartitionDateSource)
		case k.SimplePrefix != nil:
			f = "simple"
		}
	}
	return aws.ToString(l.TargetBucket) + "\x00" + aws.ToString(l.TargetPrefix) + "\x00" + f + "\x00" + fmt.Sprint(len(l.TargetGrants))
}

// checkLogTargetRegion checks that the log target is in the bucket's
// Region, as S3 requires (the same account is enforced by
// ExpectedBucketOwner on every request to the target).
func (h *hardener) checkLogTargetRegion(ctx context.Context) error {
	target := h.o.Logging.TargetBucket
	// Both Regions are read from S3, not taken from Options.Region: a
	// client configured for one Region can reach buckets of another.
	src, err := h.r.location(ctx, h.bucket)
	if err != nil {
		return fmt.Errorf("read the bucket's Region: %w", err)
	}
	tr, err := h.r.location(ctx, target)
	if setuperr.Disabled(err) {
		return fmt.Errorf("logging target %s: %w", target, disabledError(err, "nothing written"))
	}
	if err != nil {
		return fmt.Errorf("read the Region of logging target %s: %w", target, err)
	}
	if tr != src {
		return fmt.Errorf("%w: logging target %s is in %s, the bucket in %s; S3 delivers logs only within a Region", ErrIncompatible, target, tr, src)
	}
	return nil
}

// checkLogTarget checks that S3 would deliver logs into the target: it
// has no default Object Lock retention, which S3 log delivery does not
// support, and is not a Requester Pays bucket (S3 user guide, "Using
// Requester Pays general purpose buckets": they do not support "Using a
// Requester Pays bucket as the target bucket for end-user logging").
func (h *hardener) checkLogTarget(ctx context.Context) error {
	target := h.o.Logging.TargetBucket
	ts, err := h.r.readState(ctx, target, partObjectLock|partRequestPayment)
	if err != nil {
		return err
	}
	for _, p := range []part{partObjectLock, partRequestPayment} {
		if err := ts.err(p); err != nil {
			return fmt.Errorf("read the %s of logging target %s: %w", partNames[p], target, err)
		}
	}
	if defaultRetention(ts.objectLock) != nil {
		return fmt.Errorf("%w: logging target %s has a default Object Lock retention, which S3 log delivery does not support", ErrIncompatible, target)
	}
	if ts.requesterPays {
		return fmt.Errorf("%w: logging target %s is a Requester Pays bucket, which S3 log delivery does not support", ErrIncompatible, target)
	}
	return nil
}
