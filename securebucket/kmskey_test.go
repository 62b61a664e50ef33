package securebucket_test

import (
	"fmt"
	"strings"
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

// TestWritePathAgreesWithKMSKeyAccount: Plan, Harden and Create accept a
// KMSKeyARN exactly when S3Secure.KMSKeyAccount passes that key with the
// same owner and trusted accounts (one rule): a key of another account,
// or any key when the bucket owner's account is not known, is refused
// with a *KMSKeyAccountError before any request, unless its account is in
// TrustedKMSKeyAccounts; after an accepted Harden the audit passes.
func TestWritePathAgreesWithKMSKeyAccount(t *testing.T) {
	const (
		ownKey     = "arn:aws:kms:us-east-1:" + account + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
		ownAlias   = "arn:aws:kms:us-east-1:" + account + ":alias/data"
		foreignKey = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		foreignAls = "arn:aws:kms:us-east-1:444455556666:alias/shared-data"
	)
	f, c := startFake(t)
	for i, tc := range []struct {
		name    string
		key     string
		owner   string
		trusted []string
		accept  bool
		says    string // in the refusal
	}{
		{"owner's key", ownKey, account, nil, true, ""},
		{"owner's alias ARN", ownAlias, account, nil, true, ""},
		{"another account's key", foreignKey, account, nil, false,
			"KMSKeyARN is account 444455556666's key, not the bucket owner's (" + account + ")"},
		{"another account's alias ARN", foreignAls, account, nil, false, "444455556666"},
		{"another account's key, other accounts trusted", foreignKey, account, []string{"999988887777"}, false, "TrustedKMSKeyAccounts"},
		{"a trusted account's key", foreignKey, account, []string{"999988887777", "444455556666"}, true, ""},
		{"a trusted account's key, owner unknown", foreignKey, "", []string{"444455556666"}, true, ""},
		{"owner unknown", foreignKey, "", nil, false, "set ExpectedBucketOwner"},
		{"owner unknown, the key may be its", ownKey, "", nil, false, "set ExpectedBucketOwner"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			// The audit's verdict on a bucket that has the key already.
			seeded := fmt.Sprintf("kms-seeded-%d", i)
			bucketWithKey(t, f, c, seeded, tc.key)
			aopts := &securebucket.AuditOptions{AccountID: tc.owner, TrustedKMSKeyAccounts: tc.trusted, Retry: fastRetry,
				Controls: []securebucket.Control{securebucket.ControlKMSKeyAccount}}
			rep, err := securebucket.Audit(t.Context(), c, seeded, aopts)
			require.NoError(t, err)
			require.Equal(t, tc.accept, rep.Results[0].Status == securebucket.StatusPass, "the audit's verdict: %s", rep.Results[0].Message)

			o := &securebucket.Options{ExpectedBucketOwner: tc.owner, KMSKeyARN: tc.key, TrustedKMSKeyAccounts: tc.trusted, Retry: fastRetry}
			bucket := fmt.Sprintf("kms-write-%d", i)
			bucketIn(t, f, bucket, s3fake.StateLegacy)
			f.ResetCounts()
			_, perr := securebucket.Plan(t.Context(), c, bucket, o)
			_, herr := securebucket.Harden(t.Context(), c, bucket, o)
			if !tc.accept {
				_, cerr := securebucket.Create(t.Context(), c, fmt.Sprintf("kms-create-%d", i), o)
				for what, err := range map[string]error{"Plan": perr, "Harden": herr, "Create": cerr} {
					require.ErrorIs(t, err, securebucket.ErrKMSKeyAccount, what)
					assert.ErrorIs(t, err, securebucket.ErrInvalidOptions, what)
					var ke *securebucket.KMSKeyAccountError
					require.ErrorAs(t, err, &ke, what)
					assert.Equal(t, tc.key, ke.Key)
					assert.Equal(t, strings.SplitN(tc.key, ":", 6)[4], ke.KeyAccount)
					assert.Equal(t, tc.owner, ke.BucketOwner)
					assert.Contains(t, err.Error(), tc.says, what)
				}
				assert.Zero(t, f.TotalCount(), "refused before any request: %v", f.Counts())
				return
			}
			require.NoError(t, perr)
			require.NoError(t, herr)
			cfg, _ := f.Bucket(bucket)
			require.NotNil(t, cfg.Encryption)
			assert.Equal(t, tc.key, cfg.Encryption.KMSMasterKeyID)
			rep, err = securebucket.Audit(t.Context(), c, bucket, aopts)
			require.NoError(t, err)
			assert.Equal(t, securebucket.StatusPass, rep.Results[0].Status, "Harden then Audit: %s", rep.Results[0].Message)

			created := fmt.Sprintf("kms-create-%d", i)
			_, err = securebucket.Create(t.Context(), c, created, o)
			require.NoError(t, err)
			rep, err = securebucket.Audit(t.Context(), c, created, aopts)
			require.NoError(t, err)
			assert.Equal(t, securebucket.StatusPass, rep.Results[0].Status, "Create then Audit: %s", rep.Results[0].Message)
		})
	}
}

// TestOptionsTrustedKMSKeyAccountsValidated: Options.TrustedKMSKeyAccounts
// takes 12-digit account ids only, checked before any request.
func TestOptionsTrustedKMSKeyAccountsValidated(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "kms-trust-opts", s3fake.StateLegacy)
	f.ResetCounts()
	for _, bad := range []string{"", "44445555666", "arn:aws:iam::444455556666:root", "*"} {
		o := opts()
		o.TrustedKMSKeyAccounts = []string{bad}
		_, err := securebucket.Harden(t.Context(), c, "kms-trust-opts", o)
		require.ErrorIs(t, err, securebucket.ErrInvalidOptions, "%q", bad)
		assert.Contains(t, err.Error(), "TrustedKMSKeyAccounts")
	}
	assert.Zero(t, f.TotalCount())
}

// TestHardenKeepsAnExistingKeyTheAuditQuestions: a bucket whose default
// encryption already uses a key of another account, or a bare key id or
// alias, keeps it (Harden never changes a key: readers and writers would
// lose access), and Plan's and Harden's encryption step carries the
// audit's verdict as a note; a trusted account's key or the owner's has
// no such note.
func TestHardenKeepsAnExistingKeyTheAuditQuestions(t *testing.T) {
	const foreignKey = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	f, c := startFake(t)
	for i, tc := range []struct {
		name    string
		key     string
		owner   string
		trusted []string
		kmsARN  string
		note    string // "" for none about the key's account
	}{
		{"another account's key", foreignKey, account, nil, "",
			"S3Secure.KMSKeyAccount: the existing key " + foreignKey + " is account 444455556666's, not the bucket owner's (" + account + ")"},
		{"another account's key, KMSKeyARN the owner's", foreignKey, account, nil, kmsKey, "is account 444455556666's, not the bucket owner's"},
		{"bare key id", "1234abcd-12ab-34cd-56ef-1234567890ab", account, nil, "", "S3Secure.KMSKeyAccount: the existing key 1234abcd-12ab-34cd-56ef-1234567890ab is a key id or alias"},
		{"alias name", "alias/shared", account, nil, "", "an alias resolves in the account of each object's writer"},
		{"owner unknown", foreignKey, "", nil, "", "the bucket owner's account is not known: set ExpectedBucketOwner"},
		{"trusted", foreignKey, account, []string{"444455556666"}, "", ""},
		{"owner's key", kmsKey, account, nil, "", ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			bucket := fmt.Sprintf("kms-existing-%d", i)
			bucketWithKey(t, f, c, bucket, tc.key)
			o := &securebucket.Options{ExpectedBucketOwner: tc.owner, TrustedKMSKeyAccounts: tc.trusted, KMSKeyARN: tc.kmsARN, Retry: fastRetry}
			if tc.owner == "" && tc.kmsARN != "" {
				t.Fatal("bad case: KMSKeyARN needs the owner")
			}
			plan, err := securebucket.Plan(t.Context(), c, bucket, o)
			require.NoError(t, err)
			res, err := securebucket.Harden(t.Context(), c, bucket, o)
			require.NoError(t, err)
			for what, steps := range map[string][]securebucket.Step{"Plan": plan.Steps, "Harden": res.Steps} {
				st := stepOf(t, steps, securebucket.StepEncryption)
				notes := strings.Join(st.Notes, "\n")
				// Failing names the control unless only the owner is
				// unknown (the note asks for it).
				if tc.note == "" || tc.owner == "" {
					assert.Empty(t, st.Failing, what)
				} else {
					assert.Equal(t, []string{"S3Secure.KMSKeyAccount"}, st.Failing, what)
				}
				if tc.note == "" {
					assert.NotContains(t, notes, "KMSKeyAccount", what)
				} else {
					assert.Contains(t, notes, tc.note, what)
					assert.Contains(t, st.String(), tc.note, "%s: String shows the note", what)
				}
			}
			cfg, _ := f.Bucket(bucket)
			require.NotNil(t, cfg.Encryption)
			assert.Equal(t, tc.key, cfg.Encryption.KMSMasterKeyID, "the key is kept")
			assert.True(t, cfg.Encryption.BucketKeyEnabled)
			assert.True(t, cfg.Encryption.BlocksSSEC())
			f.ResetCounts()
			_, err = securebucket.Harden(t.Context(), c, bucket, o)
			require.NoError(t, err)
			assert.Zero(t, f.WriteCount(), "nothing more to write")
		})
	}
}

// bucketWithKey seeds a bucket whose default encryption is SSE-KMS with
// key and a Bucket Key, SSE-C not blocked.
func bucketWithKey(t *testing.T, f *s3fake.Fake, c *s3.Client, bucket, key string) {
	t.Helper()
	bucketIn(t, f, bucket, s3fake.StateAWSDefault)
	_, err := c.PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{Bucket: aws.String(bucket),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{
				SSEAlgorithm: s3types.ServerSideEncryptionAwsKms, KMSMasterKeyID: aws.String(key)},
			BucketKeyEnabled: aws.Bool(true)}}}})
	require.NoError(t, err)
}
