package securebucket_test

import (
	"encoding/json"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

const kmsKey = "arn:aws:kms:us-east-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"

func TestHardenKeepsKMSEncryption(t *testing.T) {
	for _, alg := range []types.ServerSideEncryption{types.ServerSideEncryptionAwsKms, types.ServerSideEncryptionAwsKmsDsse} {
		t.Run(string(alg), func(t *testing.T) {
			f, c := startFake(t)
			bucketIn(t, f, "kms-bucket", s3fake.StateLegacy)
			_, err := c.PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{Bucket: aws.String("kms-bucket"),
				ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: alg, KMSMasterKeyID: aws.String(kmsKey)},
					BucketKeyEnabled:                   aws.Bool(true),
					BlockedEncryptionTypes:             &types.BlockedEncryptionTypes{EncryptionType: []types.EncryptionType{"NONE"}},
				}}}})
			require.NoError(t, err)
			_, err = securebucket.Harden(t.Context(), c, "kms-bucket", opts())
			require.NoError(t, err)
			out, err := c.GetBucketEncryption(t.Context(), &s3.GetBucketEncryptionInput{Bucket: aws.String("kms-bucket")})
			require.NoError(t, err)
			r := out.ServerSideEncryptionConfiguration.Rules[0]
			assert.Equal(t, alg, r.ApplyServerSideEncryptionByDefault.SSEAlgorithm)
			assert.Equal(t, kmsKey, aws.ToString(r.ApplyServerSideEncryptionByDefault.KMSMasterKeyID))
			assert.True(t, aws.ToBool(r.BucketKeyEnabled))
			require.NotNil(t, r.BlockedEncryptionTypes)
			assert.Equal(t, []types.EncryptionType{types.EncryptionTypeSseC}, r.BlockedEncryptionTypes.EncryptionType)
			f.ResetCounts()
			o := opts()
			o.KMSKeyARN = "arn:aws:kms:us-east-1:111122223333:key/other"
			_, err = securebucket.Harden(t.Context(), c, "kms-bucket", o)
			require.NoError(t, err)
			assert.Zero(t, f.WriteCount(), f.Counts())
		})
	}
}

func TestHardenLifecycleFieldsSurvive(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "lc-many", s3fake.StateAWSDefault)
	date := time.Date(2030, 1, 1, 0, 0, 0, 0, time.UTC)
	rules := []types.LifecycleRule{
		{ID: aws.String("tags-and-size"), Status: types.ExpirationStatusEnabled,
			Filter:      &types.LifecycleRuleFilter{And: &types.LifecycleRuleAndOperator{Prefix: aws.String("data/"), Tags: []types.Tag{{Key: aws.String("k"), Value: aws.String("v")}, {Key: aws.String("k2"), Value: aws.String("v2")}}, ObjectSizeGreaterThan: aws.Int64(1024), ObjectSizeLessThan: aws.Int64(1 << 30)}},
			Transitions: []types.Transition{{Days: aws.Int32(30), StorageClass: types.TransitionStorageClassStandardIa}, {Days: aws.Int32(90), StorageClass: types.TransitionStorageClassGlacier}},
			Expiration:  &types.LifecycleExpiration{Days: aws.Int32(365)}},
		{ID: aws.String("noncurrent"), Status: types.ExpirationStatusEnabled,
			Filter:                       &types.LifecycleRuleFilter{Prefix: aws.String("")},
			NoncurrentVersionExpiration:  &types.NoncurrentVersionExpiration{NoncurrentDays: aws.Int32(60), NewerNoncurrentVersions: aws.Int32(3)},
			NoncurrentVersionTransitions: []types.NoncurrentVersionTransition{{NoncurrentDays: aws.Int32(10), StorageClass: types.TransitionStorageClassGlacierIr, NewerNoncurrentVersions: aws.Int32(2)}},
			Expiration:                   &types.LifecycleExpiration{ExpiredObjectDeleteMarker: aws.Bool(true)}},
		{ID: aws.String("tag-only"), Status: types.ExpirationStatusDisabled,
			Filter:     &types.LifecycleRuleFilter{Tag: &types.Tag{Key: aws.String("tmp"), Value: aws.String("1")}},
			Expiration: &types.LifecycleExpiration{Date: aws.Time(date)}},
		{ID: aws.String("size-only"), Status: types.ExpirationStatusEnabled,
			Filter:      &types.LifecycleRuleFilter{ObjectSizeGreaterThan: aws.Int64(500)},
			Transitions: []types.Transition{{Date: aws.Time(date), StorageClass: types.TransitionStorageClassDeepArchive}}},
		{ID: aws.String("abort-logs"), Status: types.ExpirationStatusEnabled, Filter: &types.LifecycleRuleFilter{Prefix: aws.String("logs/")},
			AbortIncompleteMultipartUpload: &types.AbortIncompleteMultipartUpload{DaysAfterInitiation: aws.Int32(2)}},
	}
	_, err := c.PutBucketLifecycleConfiguration(t.Context(), &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("lc-many"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: rules}, TransitionDefaultMinimumObjectSize: types.TransitionDefaultMinimumObjectSizeVariesByStorageClass})
	require.NoError(t, err)
	before, err := c.GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("lc-many")})
	require.NoError(t, err)
	_, err = securebucket.Harden(t.Context(), c, "lc-many", opts())
	require.NoError(t, err)
	after, err := c.GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("lc-many")})
	require.NoError(t, err)
	require.Len(t, after.Rules, len(rules)+1)
	b1, _ := json.Marshal(before.Rules)
	b2, _ := json.Marshal(after.Rules[:len(rules)])
	assert.JSONEq(t, string(b1), string(b2))
	// Not the default (all_storage_classes_128K), which a PUT without the
	// header would put back.
	assert.Equal(t, types.TransitionDefaultMinimumObjectSizeVariesByStorageClass, before.TransitionDefaultMinimumObjectSize)
	assert.Equal(t, before.TransitionDefaultMinimumObjectSize, after.TransitionDefaultMinimumObjectSize)
	t.Logf("%s", b1)
}
