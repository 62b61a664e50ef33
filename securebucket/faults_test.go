package securebucket_test

// The fault suite at scale. Its tests and the concurrency tests are named
// TestFaults… and TestConcurrent… so that one pattern selects them
// (.ci/run runs them with -race -count=3).

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

const (
	rivalKey  = "arn:aws:kms:us-east-1:111122223333:key/0000aaaa-1111-2222-3333-444455556666"
	startKey  = "arn:aws:kms:us-east-1:111122223333:key/9999bbbb-1111-2222-3333-444455556666"
	foreignPS = `{"Sid":"Foreign","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}`
)

// rival is another writer of the same settings, acting at the moments
// that hurt most. It wraps the client Harden uses and, once per bucket and
// setting, as the bucket's index selects:
//
//   - stale: after Harden's write of the bucket policy, lifecycle
//     configuration or encryption, it writes what it read just before that
//     write, plus a change of its own (a statement, a rule, SSE-KMS): Harden's
//     part is gone, the rival's is there. Harden's verification must put its
//     part back and keep the rival's, without the rival's help.
//   - early: when Harden writes Block Public Access (its first write, after
//     its plan read everything), the rival switches encryption to SSE-KMS:
//     Harden's encryption write, made later from a fresh read, must keep it.
//   - window: between Harden's fresh read and its write (the one round
//     trip S3's API cannot protect), it adds a statement or rule. Harden's
//     write replaces it; the rival, a writer that verifies its own changes
//     as Harden does, puts it back afterwards (ensure), and must find
//     Harden's part kept when it does.
//
// The rival's own requests go through the raw client and meet the same
// injected faults: it retries them.
type rival struct {
	*s3.Client
	raw *s3.Client
	t   *testing.T

	mu     sync.Mutex
	fired  map[string]bool     // bucket+"/"+hook
	kept   map[string][]string // items that must survive without the rival's help
	window map[string][]string // items the rival must ensure afterwards
}

type hookKind int

const (
	hookNone hookKind = iota
	hookStale
	hookWindow
	hookEarly
)

func (r *rival) index(bucket string) int {
	var i int
	_, _ = fmt.Sscanf(bucket, "scale-%d", &i)
	return i
}

func (r *rival) policyHook(b string) hookKind {
	h := []hookKind{hookNone, hookStale, hookWindow}[r.index(b)%3]
	if h == hookWindow && r.index(b)%5 == 4 {
		// The policy keeps a public statement: once Harden has turned
		// BlockPublicPolicy on, S3 refuses the rival's ensure as it would
		// refuse any writer's.
		return hookStale
	}
	return h
}

func (r *rival) lifecycleHook(b string) hookKind {
	return []hookKind{hookNone, hookStale, hookWindow}[(r.index(b)/3)%3]
}

func (r *rival) encryptionHook(b string) hookKind {
	return []hookKind{hookNone, hookEarly, hookStale, hookNone}[r.index(b)%4]
}

// claim reports whether hook h on bucket b has not fired yet, and marks it.
func (r *rival) claim(b, h string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.fired[b+"/"+h] {
		return false
	}
	r.fired[b+"/"+h] = true
	return true
}

func (r *rival) record(m map[string][]string, b, item string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	m[b] = append(m[b], item)
}

// persist retries fn through the injected faults.
func (r *rival) persist(what string, fn func() error) {
	var err error
	for range 60 {
		if err = fn(); err == nil {
			return
		}
		time.Sleep(time.Millisecond)
	}
	r.t.Errorf("rival: %s: %v", what, err)
}

func notFound(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}

func (r *rival) readPolicy(ctx context.Context, b string) (string, error) {
	out, err := r.raw.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(b)})
	if notFound(err, "NoSuchBucketPolicy") {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	return aws.ToString(out.Policy), nil
}

// withStatement returns doc with a statement of the rival's named sid.
func withStatement(doc, bucket, sid string) (string, error) {
	d := &policy.Document{Version: policy.Version2012}
	if doc != "" {
		var err error
		if d, err = policy.Parse([]byte(doc)); err != nil {
			return "", err
		}
	}
	if slices.Contains(d.Sids(), sid) {
		return doc, nil
	}
	st, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[` + fmt.Sprintf(`{"Sid":%q,"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::%s"}`, sid, bucket) + `]}`))
	if err != nil {
		return "", err
	}
	d.Statements = append(d.Statements, st.Statements[0])
	b, err := d.Marshal()
	return string(b), err
}

func (r *rival) putPolicy(ctx context.Context, b, doc string) error {
	_, err := r.raw.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(b), Policy: aws.String(doc)})
	return err
}

// addStatement is the rival's own read-merge-write of a statement.
func (r *rival) addStatement(ctx context.Context, b, sid string) {
	r.persist("add "+sid, func() error {
		cur, err := r.readPolicy(ctx, b)
		if err != nil {
			return err
		}
		next, err := withStatement(cur, b, sid)
		if err != nil || next == cur {
			return err
		}
		return r.putPolicy(ctx, b, next)
	})
}

func (r *rival) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	b := aws.ToString(in.Bucket)
	switch r.policyHook(b) {
	case hookWindow:
		if r.claim(b, "policy") {
			sid := "RivalWindow"
			r.addStatement(ctx, b, sid)
			r.record(r.window, b, "policy:"+sid)
		}
	case hookStale:
		before, rerr := r.readPolicy(ctx, b)
		out, err := r.Client.PutBucketPolicy(ctx, in, optFns...)
		if err == nil && rerr == nil && r.claim(b, "policy") {
			sid := "RivalStale"
			next, merr := withStatement(before, b, sid)
			require.NoError(r.t, merr)
			r.persist("stale policy", func() error { return r.putPolicy(ctx, b, next) })
			r.record(r.kept, b, "policy:"+sid)
		}
		return out, err
	}
	return r.Client.PutBucketPolicy(ctx, in, optFns...)
}

func (r *rival) readRules(ctx context.Context, b string) ([]types.LifecycleRule, error) {
	out, err := r.raw.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(b)})
	if notFound(err, "NoSuchLifecycleConfiguration") {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	return out.Rules, nil
}

func rivalRule(id string) types.LifecycleRule {
	return types.LifecycleRule{ID: aws.String(id), Status: types.ExpirationStatusEnabled,
		Filter: &types.LifecycleRuleFilter{Prefix: aws.String("rival/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(3)}}
}

func (r *rival) putRules(ctx context.Context, b string, rules []types.LifecycleRule) error {
	_, err := r.raw.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(b),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}})
	return err
}

func hasRule(rules []types.LifecycleRule, id string) bool {
	return slices.ContainsFunc(rules, func(r types.LifecycleRule) bool { return aws.ToString(r.ID) == id })
}

func (r *rival) addRule(ctx context.Context, b, id string) {
	r.persist("add rule "+id, func() error {
		rules, err := r.readRules(ctx, b)
		if err != nil || hasRule(rules, id) {
			return err
		}
		return r.putRules(ctx, b, append(rules, rivalRule(id)))
	})
}

func (r *rival) PutBucketLifecycleConfiguration(ctx context.Context, in *s3.PutBucketLifecycleConfigurationInput, optFns ...func(*s3.Options)) (*s3.PutBucketLifecycleConfigurationOutput, error) {
	b := aws.ToString(in.Bucket)
	switch r.lifecycleHook(b) {
	case hookWindow:
		if r.claim(b, "lifecycle") {
			r.addRule(ctx, b, "rival-window")
			r.record(r.window, b, "rule:rival-window")
		}
	case hookStale:
		before, rerr := r.readRules(ctx, b)
		out, err := r.Client.PutBucketLifecycleConfiguration(ctx, in, optFns...)
		if err == nil && rerr == nil && r.claim(b, "lifecycle") {
			r.persist("stale rules", func() error { return r.putRules(ctx, b, append(slices.Clone(before), rivalRule("rival-stale"))) })
			r.record(r.kept, b, "rule:rival-stale")
		}
		return out, err
	}
	return r.Client.PutBucketLifecycleConfiguration(ctx, in, optFns...)
}

func (r *rival) switchToKMS(ctx context.Context, b string, blocked *types.BlockedEncryptionTypes) {
	r.persist("switch to SSE-KMS", func() error {
		_, err := r.raw.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(b),
			ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(rivalKey)},
				BucketKeyEnabled:                   aws.Bool(true), BlockedEncryptionTypes: blocked}}}})
		return err
	})
	r.record(r.kept, b, "kms:"+rivalKey)
}

func (r *rival) PutPublicAccessBlock(ctx context.Context, in *s3.PutPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	b := aws.ToString(in.Bucket)
	if r.encryptionHook(b) == hookEarly && r.claim(b, "encryption") {
		r.switchToKMS(ctx, b, nil)
	}
	return r.Client.PutPublicAccessBlock(ctx, in, optFns...)
}

func (r *rival) PutBucketEncryption(ctx context.Context, in *s3.PutBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error) {
	b := aws.ToString(in.Bucket)
	out, err := r.Client.PutBucketEncryption(ctx, in, optFns...)
	if err == nil && r.encryptionHook(b) == hookStale && r.claim(b, "encryption") {
		// A stale writer: SSE-KMS as it had it, without the SSE-C block
		// Harden just wrote.
		r.switchToKMS(ctx, b, nil)
	}
	return out, err
}

// ensure is the rival verifying its own window changes after Harden.
func (r *rival) ensure(ctx context.Context, b string) {
	r.mu.Lock()
	items := slices.Clone(r.window[b])
	r.mu.Unlock()
	for _, item := range items {
		kind, name, _ := cut(item)
		switch kind {
		case "policy":
			r.addStatement(ctx, b, name)
		case "rule":
			r.addRule(ctx, b, name)
		}
	}
}

func cut(item string) (string, string, bool) {
	for i := range item {
		if item[i] == ':' {
			return item[:i], item[i+1:], true
		}
	}
	return item, "", false
}

// TestFaultsHardenAtScale: with 20% of requests failing (500
// InternalError, 503 SlowDown, a reset connection, 409 OperationAborted)
// and a rival writer changing the same settings at the worst moments
// ([rival]), Harden converges on 100 buckets of five starting states; no
// foreign statement, rule or setting is lost, nothing ends weaker than it
// started, and a second pass writes nothing.
func TestFaultsHardenAtScale(t *testing.T) {
	if testing.Short() {
		t.Skip("100 buckets")
	}
	ctx := t.Context()
	seed := rand.Int64N(1 << 62)
	t.Logf("fault seed %d", seed)
	f := s3fake.Start(t, &s3fake.Options{FaultSeed: seed})
	c := f.OwnerClient()
	const n = 100
	name := func(i int) string { return fmt.Sprintf("scale-%03d", i) }
	for i := range n {
		b := name(i)
		// Five starting states (i%5): legacy; today's AWS default; legacy
		// with SSE-KMS; AWS default with our statement and rule made
		// stricter; legacy with a public statement (kept, neutralised).
		state := s3fake.StateLegacy
		if i%5 == 1 || i%5 == 3 {
			state = s3fake.StateAWSDefault
		}
		bucketIn(t, f, b, state)
		stmts := fmt.Sprintf(foreignPS, b)
		switch i % 5 {
		case 3:
			stmts += `,{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::` + b + `","arn:aws:s3:::` + b + `/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"}}}`
		case 4:
			stmts += fmt.Sprintf(`,{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}`, b)
		}
		putPolicy(t, c, b, `{"Version":"2012-10-17","Statement":[`+stmts+`]}`)
		rules := []types.LifecycleRule{{ID: aws.String("expire-tmp"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}}
		if i%5 == 3 {
			rules = append(rules, types.LifecycleRule{ID: aws.String(securebucket.LifecycleRuleID), Status: types.ExpirationStatusEnabled,
				Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(1)}})
		}
		_, err := c.PutBucketLifecycleConfiguration(ctx, &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(b),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}})
		require.NoError(t, err)
		if i%5 == 2 {
			_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String(b),
				ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(startKey)}}}}})
			require.NoError(t, err)
		}
	}

	// One request in five fails, in four ways.
	f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: "mixed", Rate: 0.2, Codes: []string{
		s3fake.FaultInternalError, s3fake.FaultSlowDown, s3fake.FaultConnectionReset, s3fake.FaultOperationAborted}})
	rv := &rival{Client: c, raw: c, t: t, fired: map[string]bool{}, kept: map[string][]string{}, window: map[string][]string{}}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := range n {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			b := name(i)
			_, err := securebucket.Harden(ctx, rv, b, opts())
			assert.NoError(t, err, b)
			rv.ensure(ctx, b)
		}()
	}
	wg.Wait()
	f.ClearFaults()

	stale, window, early := 0, 0, 0
	for i := range n {
		b := name(i)
		cfg := assertHardened(t, f, b)
		doc, err := policy.Parse([]byte(cfg.Policy))
		require.NoError(t, err)
		sids := doc.Sids()
		assert.Contains(t, sids, "Foreign", b)
		lc, err := c.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(b)})
		require.NoError(t, err)
		assert.True(t, hasRule(lc.Rules, "expire-tmp"), b)
		for _, item := range append(slices.Clone(rv.kept[b]), rv.window[b]...) {
			kind, what, _ := cut(item)
			switch kind {
			case "policy":
				assert.Contains(t, sids, what, "%s: the rival's statement", b)
			case "rule":
				assert.True(t, hasRule(lc.Rules, what), "%s: the rival's rule %s", b, what)
			case "kms":
				assert.Equal(t, "aws:kms", cfg.Encryption.SSEAlgorithm, "%s: the rival's SSE-KMS", b)
				assert.Equal(t, what, cfg.Encryption.KMSMasterKeyID, b)
			}
		}
		stale += len(rv.kept[b])
		window += len(rv.window[b])
		if rv.encryptionHook(b) == hookEarly {
			early++
		}
		// Nothing weaker than it started.
		switch i % 5 {
		case 2:
			assert.Equal(t, "aws:kms", cfg.Encryption.SSEAlgorithm, "%s: SSE-KMS kept", b)
		case 3:
			for _, s := range doc.Statements {
				if s.Sid == policy.SidDenyOutdatedTLS {
					assert.Equal(t, []string{"1.3"}, s.Condition[0].Entries[0].Strings(), "%s: the stricter TLS statement kept", b)
				}
			}
			for _, r := range lc.Rules {
				if aws.ToString(r.ID) == securebucket.LifecycleRuleID {
					assert.Equal(t, int32(1), aws.ToInt32(r.AbortIncompleteMultipartUpload.DaysAfterInitiation), "%s: our stricter rule kept", b)
				}
			}
		case 4:
			assert.Contains(t, sids, "PublicRead", "%s: kept, and neutralised", b)
		}
	}
	assert.Positive(t, stale)
	assert.Positive(t, window)
	assert.Positive(t, early)

	// Stable: another pass writes nothing.
	f.ResetCounts()
	for i := range n {
		_, err := securebucket.Harden(ctx, c, name(i), opts())
		require.NoError(t, err)
	}
	assert.Zero(t, f.WriteCount(), "%v", f.Counts())
}
