package securebucket

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/rmw"
)

// planEncryption sets default encryption: SSE-S3, or SSE-KMS with
// Options.KMSKeyARN and Bucket Keys, and blocks SSE-C. It never
// downgrades: SSE-KMS and DSSE-KMS stay, with their key. The configuration
// is replaced whole by PutBucketEncryption, so it is written with the
// package's write discipline, and every rule and every field read
// (BucketKeyEnabled, BlockedEncryptionTypes) is carried through: a switch
// to SSE-KMS that another writer made after the plan's read is kept.
func planEncryption(ctx context.Context, h *hardener) (planned, error) {
	d := h.decideEncryption(h.st.encryption)
	if len(d.what) == 0 {
		p := none(d.detail, d.notes...)
		p.Failing = d.failing
		return p, nil
	}
	action := ActionUpdate
	if h.st.encryption == nil {
		action = ActionCreate
	}
	if err := h.checkKeyFor(ctx, d.next); err != nil {
		return planned{}, err
	}
	apply := func(ctx context.Context) (rmw.Outcome, error) {
		return runCycle(ctx, h.r.retry, rmw.Cycle[*types.ServerSideEncryptionConfiguration, []types.ServerSideEncryptionRule]{
			Key: rmw.Key("s3", h.bucket, "encryption"), What: "bucket encryption",
			Read: freshRead(h, h.bucket, partEncryption, func(st *state) *types.ServerSideEncryptionConfiguration { return st.encryption }),
			Merge: func(cur *types.ServerSideEncryptionConfiguration) ([]types.ServerSideEncryptionRule, []string, error) {
				d := h.decideEncryption(cur)
				if len(d.what) > 0 {
					if err := h.checkKeyFor(ctx, d.next); err != nil {
						return nil, nil, err
					}
				}
				return d.next, d.what, nil
			},
			Write: func(ctx context.Context, rules []types.ServerSideEncryptionRule) error {
				_, err := h.api.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{
					Bucket:                            aws.String(h.bucket),
					ExpectedBucketOwner:               h.r.owner,
					ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: rules},
				}, h.r.optFns...)
				return err
			},
			ReadFP: func(c *types.ServerSideEncryptionConfiguration) string {
				if c == nil {
					return "none"
				}
				return encryptionFP(c.Rules)
			},
			WriteFP: encryptionFP,
		})
	}
	p := change(action, strings.Join(d.what, "; "), apply, d.notes...)
	p.Failing = d.failing
	return p, nil
}

// decideEncryption decides the encryption rules to write on top of cur.
func (h *hardener) decideEncryption(cur *types.ServerSideEncryptionConfiguration) decision[[]types.ServerSideEncryptionRule] {
	var (
		rules   []types.ServerSideEncryptionRule
		what    []string
		notes   []string
		failing []string
	)
	if cur == nil || len(cur.Rules) == 0 {
		rules = []types.ServerSideEncryptionRule{h.newEncryptionRule()}
		what = append(what, "set default encryption to "+describeRule(rules[0]))
		if !h.o.AllowSSEC {
			what = append(what, "block SSE-C")
		}
		return decision[[]types.ServerSideEncryptionRule]{next: rules, what: what}
	}
	rules = make([]types.ServerSideEncryptionRule, len(cur.Rules))
	for i, r := range cur.Rules {
		rules[i] = cloneRule(r)
	}
	for i := range rules {
		r := &rules[i]
		alg := types.ServerSideEncryption("")
		if r.ApplyServerSideEncryptionByDefault != nil {
			alg = r.ApplyServerSideEncryptionByDefault.SSEAlgorithm
		}
		switch alg {
		case types.ServerSideEncryptionAwsKms, types.ServerSideEncryptionAwsKmsDsse:
			key := aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID)
			if h.o.KMSKeyARN != "" && key != h.o.KMSKeyARN {
				notes = append(notes, fmt.Sprintf("kept the existing %s key %q instead of KMSKeyARN: changing keys can cut off readers", alg, keyOrDefault(key)))
			}
			if n, fails := h.existingKeyNote(key); n != "" {
				notes = append(notes, n)
				if fails && !slices.Contains(failing, string(ControlKMSKeyAccount)) {
					failing = append(failing, string(ControlKMSKeyAccount))
				}
			}
		default: // AES256, or a rule without a default
			if h.o.KMSKeyARN != "" {
				old := describeRule(*r)
				r.ApplyServerSideEncryptionByDefault = &types.ServerSideEncryptionByDefault{
					SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(h.o.KMSKeyARN),
				}
				r.BucketKeyEnabled = aws.Bool(true)
				what = append(what, fmt.Sprintf("upgrade default encryption from %s to %s", old, describeRule(*r)))
			} else if alg == "" {
				r.ApplyServerSideEncryptionByDefault = &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}
				what = append(what, "set default encryption to SSE-S3")
			}
		}
		if !h.o.AllowSSEC && !blocksSSEC(r.BlockedEncryptionTypes) {
			r.BlockedEncryptionTypes = &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{types.EncryptionTypeSseC}}
			what = append(what, "block SSE-C")
		}
	}
	d := decision[[]types.ServerSideEncryptionRule]{next: rules, what: what, notes: notes, failing: failing}
	if len(what) == 0 {
		d.detail = "default encryption " + describeRule(rules[0])
		if h.o.AllowSSEC && !blocksSSEC(rules[0].BlockedEncryptionTypes) {
			d.notes = append(d.notes, "SSE-C left allowed (AllowSSEC)")
		}
	}
	return d
}

// checkKeyFor checks Options.KMSKeyARN's Region once, before rules that
// set it as the default key are first written.
func (h *hardener) checkKeyFor(ctx context.Context, rules []types.ServerSideEncryptionRule) error {
	if h.o.KMSKeyARN == "" || h.keyChecked || !writesKey(rules, h.o.KMSKeyARN) {
		return nil
	}
	if err := h.checkKeyRegion(ctx); err != nil {
		return err
	}
	h.keyChecked = true
	return nil
}

// encryptionFP identifies encryption rules.
func encryptionFP(rules []types.ServerSideEncryptionRule) string {
	var b strings.Builder
	for _, r := range rules {
		if d := r.ApplyServerSideEncryptionByDefault; d != nil {
			b.WriteString(string(d.SSEAlgorithm) + "/" + aws.ToString(d.KMSMasterKeyID))
		}
		fmt.Fprintf(&b, "/%v/", aws.ToBool(r.BucketKeyEnabled))
		if bt := r.BlockedEncryptionTypes; bt != nil {
			fmt.Fprint(&b, bt.EncryptionType)
		}
		b.WriteString(";")
	}
	return b.String()
}

// writesKey reports whether a rule would set key as the default key.
func writesKey(rules []types.ServerSideEncryptionRule, key string) bool {
	for _, r := range rules {
		if d := r.ApplyServerSideEncryptionByDefault; d != nil && aws.ToString(d.KMSMasterKeyID) == key {
			return true
		}
	}
	return false
}

// checkKeyRegion checks that Options.KMSKeyARN is in the bucket's Region.
// S3 does not check the key when it is set, but SSE-KMS only works with a
// key of the bucket's Region: every upload would fail.
func (h *hardener) checkKeyRegion(ctx context.Context) error {
	region, err := h.r.location(ctx, h.bucket)
	if err != nil {
		return fmt.Errorf("read the bucket's Region: %w", err)
	}
	if kr := kmsKeyRegion(h.o.KMSKeyARN); kr != region {
		return fmt.Errorf("%w: KMSKeyARN is a key in %s, the bucket is in %s; SSE-KMS needs a key in the bucket's Region", ErrIncompatible, kr, region)
	}
	return nil
}

// kmsKeyRegion returns the Region field of a KMS key or alias ARN.
func kmsKeyRegion(arn string) string {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return ""
	}
	return parts[3]
}

func (h *hardener) newEncryptionRule() types.ServerSideEncryptionRule {
	r := types.ServerSideEncryptionRule{
		ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256},
	}
	if h.o.KMSKeyARN != "" {
		r.ApplyServerSideEncryptionByDefault = &types.ServerSideEncryptionByDefault{
			SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(h.o.KMSKeyARN),
		}
		r.BucketKeyEnabled = aws.Bool(true)
	}
	if !h.o.AllowSSEC {
		r.BlockedEncryptionTypes = &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{types.EncryptionTypeSseC}}
	}
	return r
}

// blocksSSEC reports whether b blocks SSE-C. ["NONE"] or no setting
// allows it.
func blocksSSEC(b *types.BlockedEncryptionTypes) bool {
	return b != nil && slices.Contains(b.EncryptionType, types.EncryptionTypeSseC)
}

func keyOrDefault(key string) string {
	if key == "" {
		return "aws/s3 (AWS managed)"
	}
	return key
}

func describeRule(r types.ServerSideEncryptionRule) string {
	d := r.ApplyServerSideEncryptionByDefault
	if d == nil {
		return "none"
	}
	switch d.SSEAlgorithm {
	case types.ServerSideEncryptionAes256:
		return "SSE-S3"
	case types.ServerSideEncryptionAwsKms, types.ServerSideEncryptionAwsKmsDsse:
		name := "SSE-KMS"
		if d.SSEAlgorithm == types.ServerSideEncryptionAwsKmsDsse {
			name = "DSSE-KMS"
		}
		s := name + " with key " + keyOrDefault(aws.ToString(d.KMSMasterKeyID))
		if aws.ToBool(r.BucketKeyEnabled) {
			s += " and Bucket Key"
		}
		return s
	}
	return string(d.SSEAlgorithm)
}

func cloneRule(r types.ServerSideEncryptionRule) types.ServerSideEncryptionRule {
	c := types.ServerSideEncryptionRule{BucketKeyEnabled: r.BucketKeyEnabled}
	if d := r.ApplyServerSideEncryptionByDefault; d != nil {
		dc := *d
		c.ApplyServerSideEncryptionByDefault = &dc
	}
	if b := r.BlockedEncryptionTypes; b != nil {
		c.BlockedEncryptionTypes = &types.BlockedEncryptionTypes{EncryptionType: slices.Clone(b.EncryptionType)}
	}
	return c
}
