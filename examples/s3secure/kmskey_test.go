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
