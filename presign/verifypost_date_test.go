package presign_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestVerifyPostLifetimeNeedsAPinnedDate: VerifyPost caps a policy's
// lifetime, expiration minus x-amz-date, at AllowExpiryUpTo. The signature
// covers the policy only, so x-amz-date is what the form's holder sends,
// held only by the policy's conditions: a policy that does not pin it
// exactly (["starts-with", "$x-amz-date", ""]) lets the holder send any
// time of the signing day (the credential scope's day is signed) and pass
// the cap with a policy minted for 23 hours. Every SDK's forms pin it
// ({"x-amz-date": D}); a policy that does not is refused.
func TestVerifyPostLifetimeNeedsAPinnedDate(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	signedAt := "20260314T001000Z"       // when the policy was minted
	expiration := "2026-03-14T23:00:00Z" // 22h50m later
	claimed := "20260314T223000Z"        // what the holder sends
	now := time.Date(2026, 3, 14, 22, 35, 0, 0, time.UTC)
	opts := &presign.VerifyOptions{Now: func() time.Time { return now }}
	verify := func(dateCondition, sentDate string) error {
		doc := `{"expiration":"` + expiration + `","conditions":[{"bucket":"b-ok"},["eq","$key","k"],` +
			`{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"` + testAKID + `/20260314/eu-west-1/s3/aws4_request"},` + dateCondition + `]}`
		_, err := presign.VerifyPost("b-ok", handSignedPost(doc, sentDate, "k"), 1, lookupFor(creds), opts)
		return err
	}
	// Pinned to the minting time: refused for its lifetime.
	require.ErrorIs(t, verify(`{"x-amz-date":"`+signedAt+`"}`, signedAt), presign.ErrExpiryTooLong)
	// Not pinned: the holder's later date made it pass.
	for _, c := range []string{`["starts-with","$x-amz-date",""]`, `["starts-with","$x-amz-date","20260314T"]`, `["starts-with","$X-Amz-Date","2"]`} {
		err := verify(c, claimed)
		assert.ErrorIs(t, err, presign.ErrPolicyViolation, c)
		if err != nil {
			assert.Contains(t, err.Error(), "x-amz-date", c)
		}
	}
	// Pinned with eq, in either form, and within the cap: accepted.
	expiration = "2026-03-14T23:00:00Z"
	assert.NoError(t, verify(`{"x-amz-date":"`+claimed+`"}`, claimed))
	assert.NoError(t, verify(`["eq","$x-amz-date","`+claimed+`"]`, claimed))
	// A starts-with beside the exact condition still has to hold.
	assert.NoError(t, verify(`{"x-amz-date":"`+claimed+`"},["starts-with","$x-amz-date","2026"]`, claimed))
	assert.ErrorIs(t, verify(`{"x-amz-date":"`+claimed+`"},["starts-with","$x-amz-date","2025"]`, claimed), presign.ErrPolicyViolation)
}
