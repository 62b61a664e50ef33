package securebucket_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// hooked is the owner's client with a hook that runs once, just before the
// first call of one operation: another writer's change made at that moment.
type hooked struct {
	*s3.Client
	op   string
	hook func(ctx context.Context)
	once sync.Once
}

func (h *hooked) before(ctx context.Context, op string) {
	if op == h.op {
		h.once.Do(func() { h.hook(ctx) })
	}
}

func (h *hooked) PutPublicAccessBlock(ctx context.Context, in *s3.PutPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.PutPublicAccessBlockOutput, error) {
	h.before(ctx, "PutPublicAccessBlock")
	return h.Client.PutPublicAccessBlock(ctx, in, optFns...)
}

func (h *hooked) PutBucketOwnershipControls(ctx context.Context, in *s3.PutBucketOwnershipControlsInput, optFns ...func(*s3.Options)) (*s3.PutBucketOwnershipControlsOutput, error) {
	h.before(ctx, "PutBucketOwnershipControls")
	return h.Client.PutBucketOwnershipControls(ctx, in, optFns...)
}

func (h *hooked) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	h.before(ctx, "PutBucketPolicy")
	return h.Client.PutBucketPolicy(ctx, in, optFns...)
}

func (h *hooked) PutBucketVersioning(ctx context.Context, in *s3.PutBucketVersioningInput, optFns ...func(*s3.Options)) (*s3.PutBucketVersioningOutput, error) {
	h.before(ctx, "PutBucketVersioning")
	return h.Client.PutBucketVersioning(ctx, in, optFns...)
}

func (h *hooked) GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput, optFns ...func(*s3.Options)) (*s3.GetBucketAclOutput, error) {
	out, err := h.Client.GetBucketAcl(ctx, in, optFns...)
	h.before(ctx, "GetBucketAcl") // after the read: the change comes after Harden saw the ACL
	return out, err
}

func anonymousRead(t *testing.T, f *s3fake.Fake, bucket, key string) error {
	t.Helper()
	out, err := f.AnonymousClient().GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	if err == nil {
		out.Body.Close()
	}
	return err
}

// TestHardenProtectionFirst: a public bucket (a public policy statement that
// Harden keeps, and a public-read object ACL) whose hardening fails right
// after the first write already refuses anonymous reads: Block Public
// Access is written first. BlockPublicPolicy waits for the policy, which S3
// would refuse to store with it on; a second run finishes.
func TestHardenProtectionFirst(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "exposed", s3fake.StateLegacy)
	putPolicy(t, c, "exposed", fmtPolicy(publicReadPolicy, "exposed"))
	_, err := c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("exposed"), Key: aws.String("by-policy"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = c.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("exposed"), Key: aws.String("by-acl"), Body: strings.NewReader("x"), ACL: types.ObjectCannedACLPublicRead})
	require.NoError(t, err)
	require.NoError(t, anonymousRead(t, f, "exposed", "by-policy"), "public before")
	require.NoError(t, anonymousRead(t, f, "exposed", "by-acl"), "public before")

	f.InjectFault("PutBucketOwnershipControls", s3fake.Fault{Code: "AccessDenied", StatusCode: 403})
	res, err := securebucket.Harden(t.Context(), c, "exposed", opts())
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepOwnership, se.Step)
	assert.Equal(t, securebucket.StepBlockPublicAccess, res.Steps[0].Name)
	assert.True(t, res.Steps[0].Applied)
	assert.Error(t, anonymousRead(t, f, "exposed", "by-policy"), "RestrictPublicBuckets refuses the public policy's grant")
	assert.Error(t, anonymousRead(t, f, "exposed", "by-acl"), "IgnorePublicAcls refuses the object ACL's grant")
	cfg, _ := f.Bucket("exposed")
	assert.Equal(t, s3fake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, RestrictPublicBuckets: true}, *cfg.PublicAccessBlock,
		"BlockPublicPolicy waits for the merged policy")

	f.ClearFaults()
	res, err = securebucket.Harden(t.Context(), c, "exposed", opts())
	require.NoError(t, err)
	names := make([]securebucket.StepName, len(res.Steps))
	for i, s := range res.Steps {
		names[i] = s.Name
	}
	assert.Less(t, slices.Index(names, securebucket.StepPolicy), slices.Index(names, securebucket.StepBlockPublicPolicy), "%v", names)
	cfg = assertHardened(t, f, "exposed")
	assert.Contains(t, cfg.Policy, `"PublicRead"`, "kept, and neutralised")
}

// TestHardenEncryptionFromFreshRead: another writer switches the bucket to
// SSE-KMS after Harden planned (here while Harden writes the ownership
// controls, a step before encryption). The encryption step merges into what it reads just before its
// write: the KMS key stays, and SSE-C is blocked on top.
func TestHardenEncryptionFromFreshRead(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "kms-race", s3fake.StateLegacy)
	const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	hc := &hooked{Client: c, op: "PutBucketOwnershipControls", hook: func(ctx context.Context) {
		_, err := c.PutBucketEncryption(ctx, &s3.PutBucketEncryptionInput{Bucket: aws.String("kms-race"),
			ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
				ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)},
				BucketKeyEnabled:                   aws.Bool(true)}}}})
		require.NoError(t, err)
	}}
	_, err := securebucket.Harden(t.Context(), hc, "kms-race", opts())
	require.NoError(t, err)
	cfg, _ := f.Bucket("kms-race")
	require.NotNil(t, cfg.Encryption)
	assert.Equal(t, "aws:kms", cfg.Encryption.SSEAlgorithm, "never overwritten with the plan's SSE-S3")
	assert.Equal(t, key, cfg.Encryption.KMSMasterKeyID)
	assert.True(t, cfg.Encryption.BucketKeyEnabled)
	assert.True(t, cfg.Encryption.BlocksSSEC())
}

// TestHardenObjectLockFromFreshRead: another writer makes the default
// retention stronger after Harden planned. The Object Lock step reads again
// and keeps the stronger retention instead of writing the weaker one asked
// for.
func TestHardenObjectLockFromFreshRead(t *testing.T) {
	f, c := startFake(t)
	require.NoError(t, f.CreateBucketWith("lock-race", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, ObjectLock: true}))
	hc := &hooked{Client: c, op: "PutBucketPolicy", hook: func(ctx context.Context) {
		_, err := c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String("lock-race"),
			ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
				Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeCompliance, Days: aws.Int32(30)}}}})
		require.NoError(t, err)
	}}
	o := opts()
	o.ObjectLock = &securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeGovernance, Days: 1}
	res, err := securebucket.Harden(t.Context(), hc, "lock-race", o)
	require.NoError(t, err)
	step := stepOf(t, res.Steps, securebucket.StepObjectLock)
	assert.False(t, step.Applied, "the fresh read shows a stronger retention: nothing to write")
	out, err := c.GetObjectLockConfiguration(t.Context(), &s3.GetObjectLockConfigurationInput{Bucket: aws.String("lock-race")})
	require.NoError(t, err)
	r := out.ObjectLockConfiguration.Rule.DefaultRetention
	assert.Equal(t, types.ObjectLockRetentionModeCompliance, r.Mode)
	assert.Equal(t, int32(30), aws.ToInt32(r.Days))
}

// TestHardenBlockPublicAccessFromFreshRead: another writer turns on
// BlockPublicPolicy after Harden planned to leave it for later (the policy
// keeps a public statement). The first write merges into a fresh read and
// never turns it off; the kept public statement then cannot be stored,
// which Harden reports.
func TestHardenBlockPublicAccessFromFreshRead(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "bpa-race", s3fake.StateLegacy)
	putPolicy(t, c, "bpa-race", fmtPolicy(publicReadPolicy, "bpa-race"))
	hc := &hooked{Client: c, op: "GetBucketAcl", hook: func(ctx context.Context) {
		_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("bpa-race"),
			PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)}})
		require.NoError(t, err)
	}}
	_, err := securebucket.Harden(t.Context(), hc, "bpa-race", opts())
	require.ErrorIs(t, err, securebucket.ErrPublicPolicyBlocked)
	cfg, _ := f.Bucket("bpa-race")
	assert.Equal(t, s3fake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}, *cfg.PublicAccessBlock)
}

// TestHardenOwnershipFromFreshRead: an ACL grant added after Harden read
// the ACL stops the ownership step as one present at plan time does: it is
// never removed unseen.
func TestHardenOwnershipFromFreshRead(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "acl-race", s3fake.StateLegacy)
	hc := &hooked{Client: c, op: "GetBucketAcl", hook: func(ctx context.Context) {
		_, err := c.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String("acl-race"), GrantRead: aws.String(`uri="http://acs.amazonaws.com/groups/global/AuthenticatedUsers"`)})
		require.NoError(t, err)
	}}
	_, err := securebucket.Harden(t.Context(), hc, "acl-race", opts())
	var ge *securebucket.ACLGrantsError
	require.ErrorAs(t, err, &ge)
	assert.Contains(t, ge.Error(), "READ to http://acs.amazonaws.com/groups/global/AuthenticatedUsers")
	cfg, _ := f.Bucket("acl-race")
	assert.NotEqual(t, s3fake.OwnershipBucketOwnerEnforced, cfg.ObjectOwnership)
	assert.True(t, slices.ContainsFunc(cfg.ACL.Grants, func(g s3fake.Grant) bool {
		return g.URI == "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
	}), "the new grant is not removed: %v", cfg.ACL.Grants)
}

// TestHardenLoggingKeepsKeyFormat: PutBucketLogging replaces the whole
// configuration; pointing logging at a new target keeps the key format
// (partitioned prefixes) the bucket had.
func TestHardenLoggingKeepsKeyFormat(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "fmt-src", s3fake.StateAWSDefault)
	bucketIn(t, f, "fmt-old-logs", s3fake.StateAWSDefault)
	bucketIn(t, f, "fmt-new-logs", s3fake.StateAWSDefault)
	deliver, err := policy.ServerAccessLogsDelivery("fmt-old-logs", "x/", "fmt-src", account)
	require.NoError(t, err)
	doc, err := (&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{deliver}}).Marshal()
	require.NoError(t, err)
	putPolicy(t, c, "fmt-old-logs", string(doc))
	_, err = c.PutBucketLogging(t.Context(), &s3.PutBucketLoggingInput{Bucket: aws.String("fmt-src"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("fmt-old-logs"), TargetPrefix: aws.String("x/"),
			TargetObjectKeyFormat: &types.TargetObjectKeyFormat{PartitionedPrefix: &types.PartitionedPrefix{PartitionDateSource: types.PartitionDateSourceEventTime}}}}})
	require.NoError(t, err)
	o := opts()
	o.Logging = &securebucket.Logging{TargetBucket: "fmt-new-logs", TargetPrefix: "logs/"}
	_, err = securebucket.Harden(t.Context(), c, "fmt-src", o)
	require.NoError(t, err)
	out, err := c.GetBucketLogging(t.Context(), &s3.GetBucketLoggingInput{Bucket: aws.String("fmt-src")})
	require.NoError(t, err)
	require.NotNil(t, out.LoggingEnabled)
	assert.Equal(t, "fmt-new-logs", aws.ToString(out.LoggingEnabled.TargetBucket))
	require.NotNil(t, out.LoggingEnabled.TargetObjectKeyFormat)
	require.NotNil(t, out.LoggingEnabled.TargetObjectKeyFormat.PartitionedPrefix)
	assert.Equal(t, types.PartitionDateSourceEventTime, out.LoggingEnabled.TargetObjectKeyFormat.PartitionedPrefix.PartitionDateSource)
}
