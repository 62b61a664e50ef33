package securebucket_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditKMSKeyAccount: S3Secure.KMSKeyAccount fails a default
// encryption key of another account (which S3.17 passes, as Security Hub
// does), passes the owner's key, the AWS managed key and a trusted
// account's key, cannot know the account of a bare key id or alias, nor
// compare without the owner's account, and does not apply without
// SSE-KMS or DSSE-KMS.
func TestAuditKMSKeyAccount(t *testing.T) {
	const (
		ownKey     = "arn:aws:kms:us-east-1:" + account + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
		foreignKey = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		foreignMRK = "arn:aws:kms:us-east-1:444455556666:key/mrk-1234abcd12ab34cd56ef1234567890ab"
		foreignAls = "arn:aws:kms:us-east-1:444455556666:alias/shared-data"
	)
	f, c := startFake(t)
	for i, tc := range []struct {
		name      string
		algorithm s3types.ServerSideEncryption
		key       string
		owner     string
		trusted   []string
		want      securebucket.Status
		says      string
	}{
		{"SSE-S3", s3types.ServerSideEncryptionAes256, "", account, nil, securebucket.StatusNotApplicable, "SSE-S3"},
		{"AWS managed key", s3types.ServerSideEncryptionAwsKms, "", account, nil, securebucket.StatusPass, "aws/s3"},
		{"owner's key", s3types.ServerSideEncryptionAwsKms, ownKey, account, nil, securebucket.StatusPass, ownKey},
		{"another account's key", s3types.ServerSideEncryptionAwsKms, foreignKey, account, nil, securebucket.StatusFail,
			"is account 444455556666's, not the bucket owner's (" + account + ")"},
		{"another account's multi-Region key", s3types.ServerSideEncryptionAwsKms, foreignMRK, account, nil, securebucket.StatusFail, "444455556666"},
		{"another account's alias ARN", s3types.ServerSideEncryptionAwsKms, foreignAls, account, nil, securebucket.StatusFail, "444455556666"},
		{"DSSE-KMS with another account's key", s3types.ServerSideEncryptionAwsKmsDsse, foreignKey, account, nil, securebucket.StatusFail, "444455556666"},
		{"a trusted account's key", s3types.ServerSideEncryptionAwsKms, foreignKey, account, []string{"999988887777", "444455556666"},
			securebucket.StatusPass, "TrustedKMSKeyAccounts"},
		{"a trusted account's key, owner unknown", s3types.ServerSideEncryptionAwsKms, foreignKey, "", []string{"444455556666"},
			securebucket.StatusPass, "TrustedKMSKeyAccounts"},
		{"another account's key, other accounts trusted", s3types.ServerSideEncryptionAwsKms, foreignKey, account, []string{"999988887777"},
			securebucket.StatusFail, "444455556666"},
		{"bare key id", s3types.ServerSideEncryptionAwsKms, "1234abcd-12ab-34cd-56ef-1234567890ab", account, nil, securebucket.StatusUnknown,
			"its account cannot be known"},
		{"alias name", s3types.ServerSideEncryptionAwsKms, "alias/shared-data", account, nil, securebucket.StatusUnknown, "its account cannot be known"},
		{"owner unknown", s3types.ServerSideEncryptionAwsKms, foreignKey, "", nil, securebucket.StatusUnknown, "the bucket owner's account is not known"},
		{"owner unknown, the key may be its", s3types.ServerSideEncryptionAwsKms, ownKey, "", nil, securebucket.StatusUnknown, "the bucket owner's account is not known"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := fmt.Sprintf("kms-key-%d", i)
			bucketIn(t, f, bucket, s3fake.StateLegacy)
			var key *string
			if tc.key != "" {
				key = aws.String(tc.key)
			}
			_, err := c.PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
				ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: tc.algorithm, KMSMasterKeyID: key}}}}})
			require.NoError(t, err)
			rep, err := securebucket.Audit(t.Context(), c, bucket, &securebucket.AuditOptions{AccountID: tc.owner, Retry: fastRetry,
				Controls: []securebucket.Control{securebucket.ControlKMS, securebucket.ControlKMSKeyAccount}, TrustedKMSKeyAccounts: tc.trusted})
			require.NoError(t, err)
			r, ok := rep.Result(securebucket.ControlKMSKeyAccount)
			require.True(t, ok)
			assert.Equal(t, tc.want, r.Status, r.Message)
			assert.Contains(t, r.Message, tc.says)
			assert.Equal(t, securebucket.SeverityMedium, r.Severity)
			s317, _ := rep.Result(securebucket.ControlKMS)
			if tc.algorithm != s3types.ServerSideEncryptionAes256 {
				assert.Equal(t, securebucket.StatusPass, s317.Status, "S3.17 stays Security Hub's verdict: %s", s317.Message)
			}
		})
	}
	// No default encryption configuration at all.
	bucketIn(t, f, "kms-none", s3fake.StateLegacy)
	rep, err := securebucket.Audit(t.Context(), c, "kms-none", &securebucket.AuditOptions{AccountID: account, Retry: fastRetry,
		Controls: []securebucket.Control{securebucket.ControlKMSKeyAccount}})
	require.NoError(t, err)
	assert.Equal(t, securebucket.StatusNotApplicable, rep.Results[0].Status, rep.Results[0].Message)
}

// TestAuditTrustedKMSKeyAccountsValidated: an entry that is not a 12-digit
// account id is refused before any request.
func TestAuditTrustedKMSKeyAccountsValidated(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "kms-opts", s3fake.StateLegacy)
	f.ResetCounts()
	for _, bad := range []string{"", "44445555666", "arn:aws:iam::444455556666:root", "*"} {
		_, err := securebucket.Audit(t.Context(), c, "kms-opts", &securebucket.AuditOptions{TrustedKMSKeyAccounts: []string{bad}})
		require.ErrorIs(t, err, securebucket.ErrInvalidOptions, "%q", bad)
		assert.Contains(t, err.Error(), "TrustedKMSKeyAccounts")
	}
	assert.Zero(t, f.TotalCount())
}
