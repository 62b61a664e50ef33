package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

func TestOptionsValidatedBeforeAnyRequest(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "valid-bucket", s3fake.StateLegacy)
	tests := []struct {
		name string
		o    securebucket.Options
	}{
		{"owner not 12 digits", securebucket.Options{ExpectedBucketOwner: "1234"}},
		{"bare kms key id", securebucket.Options{KMSKeyARN: "1234abcd-12ab-34cd-56ef-1234567890ab"}},
		{"kms alias name", securebucket.Options{KMSKeyARN: "alias/my-key"}},
		{"bad region", securebucket.Options{Region: "mars"}},
		{"negative days", securebucket.Options{AbortIncompleteMultipartDays: -1}},
		{"logging without owner", securebucket.Options{Logging: &securebucket.Logging{TargetBucket: "logs-bucket"}}},
		{"logging into itself", securebucket.Options{ExpectedBucketOwner: account, Logging: &securebucket.Logging{TargetBucket: "valid-bucket"}}},
		{"logging bad target", securebucket.Options{ExpectedBucketOwner: account, Logging: &securebucket.Logging{TargetBucket: "bad/name"}}},
		// The prefix becomes the Resource of the target's log-delivery
		// statement, where * and ? are wildcards and ${…} a variable.
		{"logging prefix wildcard", securebucket.Options{ExpectedBucketOwner: account, Logging: &securebucket.Logging{TargetBucket: "logs-bucket", TargetPrefix: "logs/*"}}},
		{"logging prefix question mark", securebucket.Options{ExpectedBucketOwner: account, Logging: &securebucket.Logging{TargetBucket: "logs-bucket", TargetPrefix: "logs/?/"}}},
		{"logging prefix variable", securebucket.Options{ExpectedBucketOwner: account, Logging: &securebucket.Logging{TargetBucket: "logs-bucket", TargetPrefix: "logs/${aws:username}/"}}},
		{"logging prefix control character", securebucket.Options{ExpectedBucketOwner: account, Logging: &securebucket.Logging{TargetBucket: "logs-bucket", TargetPrefix: "logs/\n"}}},
		{"object lock bad mode", securebucket.Options{ObjectLock: &securebucket.ObjectLock{Mode: "FOREVER", Days: 1}}},
		{"object lock days and years", securebucket.Options{ObjectLock: &securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeCompliance, Days: 1, Years: 1}}},
		{"object lock without versioning", securebucket.Options{AllowUnversioned: true, ObjectLock: &securebucket.ObjectLock{}}},
		{"mfa delete with lifecycle", securebucket.Options{MFADelete: &securebucket.MFADelete{SerialNumber: "arn:aws:iam::111122223333:mfa/root", Code: "123456"}}},
		{"mfa delete bad code", securebucket.Options{AllowNoLifecycleRule: true, MFADelete: &securebucket.MFADelete{SerialNumber: "s", Code: "12"}}},
		{"negative retry", securebucket.Options{Retry: securebucket.Retry{MaxAttempts: -1}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := securebucket.Harden(t.Context(), c, "valid-bucket", &tt.o)
			assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
			_, err = securebucket.Plan(t.Context(), c, "valid-bucket", &tt.o)
			assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
		})
	}
	for _, name := range []string{"", "has/slash", "has space", string(make([]byte, 256))} {
		_, err := securebucket.Harden(t.Context(), c, name, nil)
		assert.ErrorIs(t, err, securebucket.ErrInvalidBucketName)
		_, err = securebucket.Audit(t.Context(), c, name, nil)
		assert.ErrorIs(t, err, securebucket.ErrInvalidBucketName)
	}
	_, err := securebucket.Audit(t.Context(), c, "valid-bucket", &securebucket.AuditOptions{Controls: []securebucket.Control{"S3.99"}})
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	_, err = securebucket.AuditAll(t.Context(), c, &securebucket.AuditOptions{Concurrency: -1})
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	assert.Zero(t, f.TotalCount(), "no request was sent")
}

func TestLegacyBucketNamesAccepted(t *testing.T) {
	// Old us-east-1 buckets may have upper case and underscores; Harden and
	// Audit must work on them. (The fake refuses to create such names, so
	// this checks only that validation lets them through to S3.)
	f, c := startFake(t)
	_, err := securebucket.Audit(t.Context(), c, "Old_Bucket", nil)
	require.Error(t, err)
	assert.NotErrorIs(t, err, securebucket.ErrInvalidBucketName)
	assert.NotZero(t, f.TotalCount())
}

func TestMFADeleteRedacted(t *testing.T) {
	m := securebucket.MFADelete{SerialNumber: "arn:aws:iam::111122223333:mfa/root", Code: "654321"}
	for _, s := range []string{m.String(), sprintf("%v", m), sprintf("%+v", m), sprintf("%#v", m)} {
		assert.NotContains(t, s, "654321")
	}
	// Every verb, alone and inside a slice: %d and %x printed the fields,
	// code included.
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%d", "%x", "%X", "%o"} {
		assert.NotContains(t, sprintf(verb, m), "654321", verb)
		assert.NotContains(t, sprintf(verb, []securebucket.MFADelete{m}), "654321", verb)
		assert.NotContains(t, sprintf(verb, &m), "654321", verb)
	}
}

func TestNilClientRefused(t *testing.T) {
	var nilClient *s3.Client
	_, err := securebucket.Harden(t.Context(), nilClient, "some-bucket", nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	_, err = securebucket.Create(t.Context(), nil, "some-bucket", nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	_, err = securebucket.Plan(t.Context(), nil, "some-bucket", nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	_, err = securebucket.Audit(t.Context(), nilClient, "some-bucket", nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	_, err = securebucket.AuditAll(t.Context(), nil, nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
}
