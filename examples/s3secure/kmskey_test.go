package main

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAuditKMSKeyAccount: a bucket encrypted with another account's KMS key
// fails S3Secure.KMSKeyAccount (exit 1) with the flag that would trust the
// account; the flag makes it pass (exit 0); without -account-id the
// owner's account is not known (UNKNOWN, naming -account-id); a bad
// account id in the flag is one line and exit 2.
func TestAuditKMSKeyAccount(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("foreign-key", s3fake.StateAWSDefault))
	_, err := a.OwnerClient().PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{Bucket: aws.String("foreign-key"),
		ServerSideEncryptionConfiguration: &s3types.ServerSideEncryptionConfiguration{Rules: []s3types.ServerSideEncryptionRule{{
			ApplyServerSideEncryptionByDefault: &s3types.ServerSideEncryptionByDefault{SSEAlgorithm: s3types.ServerSideEncryptionAwsKms,
				KMSMasterKeyID: aws.String("arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab")}}}}})
	require.NoError(t, err)
	audit := func(extra ...string) (int, string, string) {
		return runCLI(t, "", append([]string{"-endpoint", a.URL, "audit", "-bucket", "foreign-key", "-controls", "S3.17,S3Secure.KMSKeyAccount"}, extra...)...)
	}
	owner := a.AWS.Owner().ID

	code, stdout, stderr := audit("-account-id", owner)
	assert.Equal(t, exitFindings, code, stderr)
	assert.Regexp(t, `S3\.17 +PASS`, stdout)
	assert.Regexp(t, `S3Secure\.KMSKeyAccount +FAIL .*is account 444455556666's, not the bucket owner's \(`+owner+`\).*or list 444455556666 in -trusted-kms-key-accounts`, stdout)

	code, stdout, stderr = audit("-account-id", owner, "-trusted-kms-key-accounts", "999988887777,444455556666")
	assert.Equal(t, exitOK, code, stderr)
	assert.Regexp(t, `S3Secure\.KMSKeyAccount +PASS`, stdout)

	code, stdout, stderr = audit()
	assert.Equal(t, exitFindings, code, stderr)
	assert.Regexp(t, `S3Secure\.KMSKeyAccount +UNKNOWN .*the bucket owner's account is not known: set -account-id`, stdout)

	code, stdout, stderr = audit("-trusted-kms-key-accounts", "4444-5555-6666")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, `-trusted-kms-key-accounts: "4444-5555-6666" is not a 12-digit account id`)
}

// TestHardenKMSKeyAccount: harden, harden -dry-run and harden -create
// refuse a -kms-key of another account than the bucket owner's (found
// through STS without -account-id) before any S3 request, in one line
// that names the flags (exit 2); -trusted-kms-key-accounts lets it
// through, and the audit with the same flags then passes
// S3Secure.KMSKeyAccount; a bucket that already has another account's
// key keeps it, and the plan says so.
func TestHardenKMSKeyAccount(t *testing.T) {
	const (
		foreignKey = "arn:aws:kms:us-east-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		trust      = "999988887777,444455556666"
	)
	a := startAWS(t, nil)
	owner := a.AWS.Owner().ID
	ownKey := "arn:aws:kms:us-east-1:" + owner + ":key/1234abcd-12ab-34cd-56ef-1234567890ab"
	require.NoError(t, a.CreateBucket("kms-harden", s3fake.StateLegacy))
	cli := func(args ...string) (int, string, string) {
		return runCLI(t, "", append([]string{"-endpoint", a.URL, "-region", "us-east-1"}, args...)...)
	}
	audit := func(bucket string, extra ...string) (int, string) {
		code, stdout, stderr := cli(append([]string{"audit", "-bucket", bucket, "-account-id", owner, "-controls", "S3Secure.KMSKeyAccount"}, extra...)...)
		require.NotEqual(t, exitUsage, code, stderr)
		return code, stdout
	}

	for _, args := range [][]string{
		{"harden", "-bucket", "kms-harden", "-kms-key", foreignKey},
		{"harden", "-bucket", "kms-harden", "-kms-key", foreignKey, "-dry-run"},
		{"harden", "-bucket", "kms-harden", "-kms-key", foreignKey, "-account-id", owner, "-trusted-kms-key-accounts", "999988887777"},
		{"harden", "-bucket", "kms-harden-new", "-create", "-kms-key", foreignKey},
	} {
		a.ResetCounts()
		code, stdout, stderr := cli(args...)
		assert.Equal(t, exitUsage, code, "%v: %s", args, stderr)
		assert.Empty(t, stdout, args)
		assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
		assert.Contains(t, stderr, "-kms-key is account 444455556666's key, not the bucket owner's ("+owner+")", args)
		assert.Contains(t, stderr, "or list 444455556666 in -trusted-kms-key-accounts", args)
		assert.NotContains(t, stderr, "KMSKeyARN", args)
		assert.NotContains(t, stderr, "TrustedKMSKeyAccounts", args)
		assert.Zero(t, a.TotalCount(), "%v: no S3 request: %v", args, a.Counts())
	}
	_, err := a.OwnerClient().HeadBucket(t.Context(), &s3.HeadBucketInput{Bucket: aws.String("kms-harden-new")})
	assert.Error(t, err, "not created")

	code, stdout, stderr := cli("harden", "-bucket", "kms-harden", "-kms-key", foreignKey, "-trusted-kms-key-accounts", trust)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, foreignKey)
	code, stdout = audit("kms-harden", "-trusted-kms-key-accounts", trust)
	assert.Equal(t, exitOK, code, stdout)
	assert.Regexp(t, `S3Secure\.KMSKeyAccount +PASS`, stdout)

	// The bucket keeps the key it has; the plan and the run say the audit
	// fails it, and exit 1: the decision is the user's (README, exit codes).
	for _, extra := range [][]string{{"-dry-run"}, nil} {
		code, stdout, stderr = cli(append([]string{"harden", "-bucket", "kms-harden", "-kms-key", ownKey}, extra...)...)
		require.Equal(t, exitFindings, code, stderr)
		assert.Contains(t, stdout, "S3Secure.KMSKeyAccount: the existing key "+foreignKey+" is account 444455556666's, not the bucket owner's ("+owner+")")
		assert.Contains(t, stdout, "or list 444455556666 in -trusted-kms-key-accounts")
		assert.NotContains(t, stdout, "TrustedKMSKeyAccounts")
	}

	code, stdout, stderr = cli("harden", "-bucket", "kms-harden-own", "-create", "-kms-key", ownKey)
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "created hardened")
	code, stdout = audit("kms-harden-own")
	assert.Equal(t, exitOK, code, stdout)
	assert.Regexp(t, `S3Secure\.KMSKeyAccount +PASS`, stdout)

	code, stdout, stderr = cli("harden", "-bucket", "kms-harden", "-trusted-kms-key-accounts", "4444-5555-6666")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, `-trusted-kms-key-accounts: "4444-5555-6666" is not a 12-digit account id`)
}
