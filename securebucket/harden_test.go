package securebucket_test

import (
	"encoding/json"
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

func stepOf(t *testing.T, steps []securebucket.Step, name securebucket.StepName) securebucket.Step {
	t.Helper()
	for _, s := range steps {
		if s.Name == name {
			return s
		}
	}
	t.Fatalf("no step %s in %v", name, steps)
	return securebucket.Step{}
}

// assertHardened checks the fake's stored configuration, not our own reads.
func assertHardened(t *testing.T, f *s3fake.Fake, bucket string) s3fake.BucketConfig {
	t.Helper()
	cfg, ok := f.Bucket(bucket)
	require.True(t, ok)
	require.NotNil(t, cfg.PublicAccessBlock)
	assert.Equal(t, s3fake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}, *cfg.PublicAccessBlock)
	assert.Equal(t, s3fake.OwnershipBucketOwnerEnforced, cfg.ObjectOwnership)
	require.NotNil(t, cfg.Encryption)
	assert.True(t, cfg.Encryption.BlocksSSEC())
	assert.Equal(t, "Enabled", cfg.VersioningStatus)
	assert.True(t, cfg.HasLifecycle)
	doc, err := policy.Parse([]byte(cfg.Policy))
	require.NoError(t, err)
	assert.Contains(t, doc.Sids(), policy.SidDenyInsecureTransport)
	assert.Contains(t, doc.Sids(), policy.SidDenyOutdatedTLS)
	return cfg
}

func TestHardenLegacyBucket(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "legacy-bucket", s3fake.StateLegacy)

	plan, err := securebucket.Plan(t.Context(), c, "legacy-bucket", opts())
	require.NoError(t, err)
	assert.Equal(t, 0, f.WriteCount(), "Plan only reads")
	for _, s := range plan.Steps {
		assert.NotEqual(t, securebucket.ActionNone, s.Action, "legacy bucket: step %s should change", s.Name)
	}

	res, err := securebucket.Harden(t.Context(), c, "legacy-bucket", opts())
	require.NoError(t, err)
	assert.True(t, res.Changed())
	for _, s := range res.Steps {
		assert.True(t, s.Applied, "step %s applied", s.Name)
	}
	assertHardened(t, f, "legacy-bucket")
	cfg, _ := f.Bucket("legacy-bucket")
	assert.Equal(t, "AES256", cfg.Encryption.SSEAlgorithm)

	// Idempotent: the second run writes nothing.
	f.ResetCounts()
	res, err = securebucket.Harden(t.Context(), c, "legacy-bucket", opts())
	require.NoError(t, err)
	assert.False(t, res.Changed())
	assert.Equal(t, 0, f.WriteCount(), "second Harden must make no write requests: %v", f.Counts())
	for _, s := range res.Steps {
		assert.Equal(t, securebucket.ActionNone, s.Action, "step %s: %s", s.Name, s.Detail)
	}
}

func TestHardenAWSDefaultBucket(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "new-bucket", s3fake.StateAWSDefault)
	res, err := securebucket.Harden(t.Context(), c, "new-bucket", opts())
	require.NoError(t, err)
	// BPA, ownership and encryption are already right on a new bucket.
	for _, n := range []securebucket.StepName{securebucket.StepBlockPublicAccess, securebucket.StepOwnership, securebucket.StepEncryption} {
		assert.Equal(t, securebucket.ActionNone, stepOf(t, res.Steps, n).Action, n)
	}
	for _, n := range []securebucket.StepName{securebucket.StepVersioning, securebucket.StepLifecycle, securebucket.StepPolicy} {
		assert.True(t, stepOf(t, res.Steps, n).Applied, n)
	}
	assertHardened(t, f, "new-bucket")
	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), c, "new-bucket", opts())
	require.NoError(t, err)
	assert.Zero(t, f.WriteCount())
}

const publicReadPolicy = `{"Version":"2012-10-17","Statement":[
 {"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"},
 {"Sid":"PartnerList","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::%s"}]}`

func fmtPolicy(p, bucket string) string {
	return sprintf(p, bucket, bucket)
}

func TestHardenKeepsForeignAndPublicStatements(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "site", s3fake.StateLegacy)
	putPolicy(t, c, "site", fmtPolicy(publicReadPolicy, "site"))

	plan, err := securebucket.Plan(t.Context(), c, "site", opts())
	require.NoError(t, err)
	ps := stepOf(t, plan.Steps, securebucket.StepPolicy)
	assert.Equal(t, securebucket.ActionUpdate, ps.Action)
	require.NotEmpty(t, ps.Notes)
	assert.Contains(t, ps.Notes[0], `"PublicRead"`)

	_, err = securebucket.Harden(t.Context(), c, "site", opts())
	require.NoError(t, err)
	cfg := assertHardened(t, f, "site")
	doc, err := policy.Parse([]byte(cfg.Policy))
	require.NoError(t, err)
	assert.Equal(t, []string{"PublicRead", "PartnerList", policy.SidDenyInsecureTransport, policy.SidDenyOutdatedTLS}, doc.Sids())

	// Now remove the public statement on request; BlockPublicPolicy is on,
	// and the new policy is not public, so S3 accepts it.
	o := opts()
	o.AllowPublicStatementRemoval = true
	res, err := securebucket.Harden(t.Context(), c, "site", o)
	require.NoError(t, err)
	assert.True(t, stepOf(t, res.Steps, securebucket.StepPolicy).Applied)
	cfg, _ = f.Bucket("site")
	doc, err = policy.Parse([]byte(cfg.Policy))
	require.NoError(t, err)
	assert.Equal(t, []string{"PartnerList", policy.SidDenyInsecureTransport, policy.SidDenyOutdatedTLS}, doc.Sids())
}

func TestHardenRecognisesEquivalentStatement(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "eq-bucket", s3fake.StateAWSDefault)
	// Security Hub's remediation sample, written with {"AWS":"*"} and a
	// JSON boolean: the same statement as ours.
	putPolicy(t, c, "eq-bucket", `{"Version":"2012-10-17","Statement":[{"Sid":"AllowSSLRequestsOnly","Effect":"Deny","Principal":{"AWS":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::eq-bucket/*","arn:aws:s3:::eq-bucket"],"Condition":{"Bool":{"aws:SecureTransport":false}}}]}`)
	_, err := securebucket.Harden(t.Context(), c, "eq-bucket", opts())
	require.NoError(t, err)
	cfg, _ := f.Bucket("eq-bucket")
	doc, err := policy.Parse([]byte(cfg.Policy))
	require.NoError(t, err)
	assert.Equal(t, []string{"AllowSSLRequestsOnly", policy.SidDenyOutdatedTLS}, doc.Sids())
}

func TestHardenACLGrantsStop(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "shared", s3fake.StateLegacy)
	_, err := c.PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String("shared"), ACL: types.BucketCannedACLPublicRead})
	require.NoError(t, err)

	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), c, "shared", opts())
	require.ErrorIs(t, err, securebucket.ErrACLGrants)
	var ge *securebucket.ACLGrantsError
	require.ErrorAs(t, err, &ge)
	require.Len(t, ge.Grants, 1)
	assert.Equal(t, securebucket.Grant{Grantee: policy.AllUsersURI, Permission: "READ"}, ge.Grants[0])
	assert.Contains(t, err.Error(), "READ to http://acs.amazonaws.com/groups/global/AllUsers")
	assert.Zero(t, f.WriteCount(), "nothing written when stopping")

	o := opts()
	o.AllowACLGrantRemoval = true
	res, err := securebucket.Harden(t.Context(), c, "shared", o)
	require.NoError(t, err)
	assert.Contains(t, stepOf(t, res.Steps, securebucket.StepOwnership).Detail, "removing 1 grants")
	assertHardened(t, f, "shared")
}

func TestHardenEncryptionNeverDowngrades(t *testing.T) {
	const key = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	tests := []struct {
		name     string
		existing *types.ServerSideEncryptionRule
		kmsKey   string
		wantAlg  string
		wantKey  string
		wantNote bool
	}{
		{"dsse kept", &types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKmsDsse, KMSMasterKeyID: aws.String(key)}}, "", "aws:kms:dsse", key, false},
		{"kms kept", &types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)}, BucketKeyEnabled: aws.Bool(true)}, "", "aws:kms", key, false},
		{"kms key not swapped", &types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)}}, "arn:aws:kms:us-east-1:111122223333:key/other", "aws:kms", key, true},
		{"sse-s3 upgraded", &types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}}, key, "aws:kms", key, false},
		{"sse-c re-enabled is blocked again", &types.ServerSideEncryptionRule{ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}, BlockedEncryptionTypes: &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{types.EncryptionTypeNone}}}, "", "AES256", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f, c := startFake(t)
			bucketIn(t, f, "enc", s3fake.StateLegacy)
			_, err := c.PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{Bucket: aws.String("enc"),
				ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{*tt.existing}}})
			require.NoError(t, err)
			o := opts()
			o.KMSKeyARN = tt.kmsKey
			res, err := securebucket.Harden(t.Context(), c, "enc", o)
			require.NoError(t, err)
			cfg, _ := f.Bucket("enc")
			require.NotNil(t, cfg.Encryption)
			assert.Equal(t, tt.wantAlg, cfg.Encryption.SSEAlgorithm)
			assert.Equal(t, tt.wantKey, cfg.Encryption.KMSMasterKeyID)
			assert.True(t, cfg.Encryption.BlocksSSEC(), "SSE-C blocked")
			if tt.existing.BucketKeyEnabled != nil || tt.kmsKey != "" && tt.wantAlg == "aws:kms" && tt.existing.ApplyServerSideEncryptionByDefault.SSEAlgorithm == types.ServerSideEncryptionAes256 {
				assert.True(t, cfg.Encryption.BucketKeyEnabled, "bucket key carried / set")
			}
			assert.Equal(t, tt.wantNote, len(stepOf(t, res.Steps, securebucket.StepEncryption).Notes) > 0)
			f.ResetCounts()
			_, err = securebucket.Harden(t.Context(), c, "enc", o)
			require.NoError(t, err)
			assert.Zero(t, f.WriteCount())
		})
	}
}

func TestHardenVersioningNeverSuspended(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "ver-bucket", s3fake.StateAWSDefault)
	_, err := c.PutBucketVersioning(t.Context(), &s3.PutBucketVersioningInput{Bucket: aws.String("ver-bucket"), VersioningConfiguration: &types.VersioningConfiguration{Status: types.BucketVersioningStatusSuspended}})
	require.NoError(t, err)
	o := opts()
	o.AllowUnversioned = true
	_, err = securebucket.Harden(t.Context(), c, "ver-bucket", o)
	require.NoError(t, err)
	cfg, _ := f.Bucket("ver-bucket")
	assert.Equal(t, "Suspended", cfg.VersioningStatus, "AllowUnversioned leaves it alone")
	_, err = securebucket.Harden(t.Context(), c, "ver-bucket", opts())
	require.NoError(t, err)
	cfg, _ = f.Bucket("ver-bucket")
	assert.Equal(t, "Enabled", cfg.VersioningStatus)
}

func TestHardenLifecycleMergedByID(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "lc-bucket", s3fake.StateAWSDefault)
	foreign := []types.LifecycleRule{
		{ID: aws.String("expire-tmp"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}},
		{ID: aws.String(securebucket.LifecycleRuleID), Status: types.ExpirationStatusDisabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("")}, AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(30)}},
	}
	_, err := c.PutBucketLifecycleConfiguration(t.Context(), &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("lc-bucket"), LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: foreign}})
	require.NoError(t, err)
	res, err := securebucket.Harden(t.Context(), c, "lc-bucket", opts())
	require.NoError(t, err)
	assert.Equal(t, securebucket.ActionUpdate, stepOf(t, res.Steps, securebucket.StepLifecycle).Action)
	out, err := c.GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("lc-bucket")})
	require.NoError(t, err)
	require.Len(t, out.Rules, 2)
	assert.Equal(t, "expire-tmp", aws.ToString(out.Rules[0].ID))
	assert.Equal(t, int32(1), aws.ToInt32(out.Rules[0].Expiration.Days))
	assert.Equal(t, securebucket.LifecycleRuleID, aws.ToString(out.Rules[1].ID))
	assert.Equal(t, types.ExpirationStatusEnabled, out.Rules[1].Status)
	assert.Equal(t, int32(7), aws.ToInt32(out.Rules[1].AbortIncompleteMultipartUpload.DaysAfterInitiation))
}

func TestHardenOptOuts(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "optout", s3fake.StateLegacy)
	o := &securebucket.Options{
		Retry: fastRetry, AllowPublicAccess: true, AllowACLs: true, AllowUnversioned: true, AllowSSEC: true,
		AllowInsecureTransport: true, AllowOutdatedTLS: true, AllowNoLifecycleRule: true,
	}
	res, err := securebucket.Harden(t.Context(), c, "optout", o)
	require.NoError(t, err)
	for _, s := range res.Steps {
		if s.Name == securebucket.StepEncryption {
			continue // the bucket has no default encryption at all: SSE-S3 is still set
		}
		assert.Equal(t, securebucket.ActionNone, s.Action, "%s: %s", s.Name, s.Detail)
	}
	cfg, _ := f.Bucket("optout")
	assert.Nil(t, cfg.PublicAccessBlock)
	assert.Empty(t, cfg.Policy)
	require.NotNil(t, cfg.Encryption)
	assert.False(t, cfg.Encryption.BlocksSSEC())
}

func TestHardenRefusesPublicPolicyUnderBlockPublicPolicy(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "pub", s3fake.StateLegacy)
	putPolicy(t, c, "pub", fmtPolicy(publicReadPolicy, "pub"))
	_, err := c.PutPublicAccessBlock(t.Context(), &s3.PutPublicAccessBlockInput{Bucket: aws.String("pub"),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true), BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), c, "pub", opts())
	require.ErrorIs(t, err, securebucket.ErrPublicPolicyBlocked)
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepPolicy, se.Step)
	assert.Zero(t, f.WriteCount())
}

func TestHardenPolicyTooLarge(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "big", s3fake.StateAWSDefault)
	// A policy just under the limit: adding our two statements crosses it.
	var stmts []map[string]any
	for i := 0; ; i++ {
		stmts = append(stmts, map[string]any{"Sid": sprintf("S%05d", i), "Effect": "Deny", "Principal": map[string]any{"AWS": "arn:aws:iam::444455556666:root"}, "Action": "s3:DeleteObject", "Resource": "arn:aws:s3:::big/" + sprintf("k%05d", i)})
		b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
		if len(b) > policy.BucketPolicyMaxBytes-300 {
			stmts = stmts[:len(stmts)-1]
			break
		}
	}
	b, _ := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": stmts})
	putPolicy(t, c, "big", string(b))
	f.ResetCounts()
	_, err := securebucket.Harden(t.Context(), c, "big", opts())
	require.ErrorIs(t, err, securebucket.ErrPolicyTooLarge)
	assert.Zero(t, f.WriteCount())
}

// TestHardenACLResetReportedWhenOwnershipFails: with AllowACLGrantRemoval,
// the ownership step resets the bucket ACL to private and then writes
// BucketOwnerEnforced. When that second write fails, the grants are gone
// already: the step's Applied and the error say so, so the caller knows
// what changed.
func TestHardenACLResetReportedWhenOwnershipFails(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "half-way", s3fake.StateLegacy)
	_, err := c.PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String("half-way"), ACL: types.BucketCannedACLPublicRead})
	require.NoError(t, err)
	f.InjectFault("PutBucketOwnershipControls", s3fake.Fault{Code: "AccessDenied", StatusCode: 403})
	o := opts()
	o.AllowACLGrantRemoval = true
	res, err := securebucket.Harden(t.Context(), c, "half-way", o)
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepOwnership, se.Step)
	acl, err2 := c.GetBucketAcl(t.Context(), &s3.GetBucketAclInput{Bucket: aws.String("half-way")})
	require.NoError(t, err2)
	require.Len(t, acl.Grants, 1, "the ACL was reset to private before the failure")
	own := stepOf(t, res.Steps, securebucket.StepOwnership)
	assert.True(t, own.Applied, "the ACL reset took effect: %v", own)
	assert.Contains(t, err.Error(), "bucket ACL was reset to private")
	assert.Contains(t, err.Error(), "AccessDenied")
}
