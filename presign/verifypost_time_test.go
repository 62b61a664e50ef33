package presign_test

import (
	"encoding/base64"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/presign"
)

// TestVerifyPostTimes: the policy's lifetime (expiration minus x-amz-date)
// is capped at AllowExpiryUpTo (1 hour by default, never above HardMaxExpiry),
// x-amz-date may be at most AllowClockSkewUpTo ahead of the verifier's clock, and
// a policy is refused after its expiration ("Invalid according to Policy:
// Policy expired."). Each bound is tried at the edge and one second past it.
func TestVerifyPostTimes(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	signed := time.Date(2026, 3, 14, 15, 0, 0, 0, time.UTC)
	verify := func(amzDate, credDay time.Time, expiration time.Time, now time.Time, opts *presign.VerifyOptions) error {
		date := amzDate.Format("20060102T150405Z")
		cred := testAKID + "/" + credDay.Format("20060102") + "/eu-west-1/s3/aws4_request"
		doc := `{"expiration":"` + expiration.Format(time.RFC3339) + `","conditions":[{"bucket":"b-ok"},["eq","$key","k"],` +
			`{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"` + cred + `"},{"x-amz-date":"` + date + `"}]}`
		policy := base64.StdEncoding.EncodeToString([]byte(doc))
		if opts == nil {
			opts = &presign.VerifyOptions{}
		}
		opts.Now = func() time.Time { return now }
		_, err := presign.VerifyPost("b-ok", map[string][]string{
			"key":              {"k"},
			"policy":           {policy},
			"x-amz-algorithm":  {"AWS4-HMAC-SHA256"},
			"x-amz-credential": {cred},
			"x-amz-date":       {date},
			"x-amz-signature":  {presign.SignPolicy(testSecret, credDay.Format("20060102"), "eu-west-1", policy)},
		}, 1, lookupFor(creds), opts)
		return err
	}
	at := signed.Add(time.Minute)
	// Lifetime.
	assert.NoError(t, verify(signed, signed, signed.Add(presign.DefaultMaxExpiry), at, nil))
	assert.ErrorIs(t, verify(signed, signed, signed.Add(presign.DefaultMaxExpiry+time.Second), at, nil), presign.ErrExpiryTooLong)
	raised := &presign.VerifyOptions{AllowExpiryUpTo: 30 * 24 * time.Hour}
	assert.NoError(t, verify(signed, signed, signed.Add(presign.HardMaxExpiry), at, raised), "a raised maximum applies")
	assert.ErrorIs(t, verify(signed, signed, signed.Add(presign.HardMaxExpiry+time.Second), at, &presign.VerifyOptions{AllowExpiryUpTo: 30 * 24 * time.Hour}),
		presign.ErrExpiryTooLong, "never above HardMaxExpiry")
	// Clock skew: x-amz-date ahead of the verifier's clock.
	assert.NoError(t, verify(signed, signed, signed.Add(time.Hour), signed.Add(-presign.DefaultMaxClockSkew), nil))
	assert.ErrorIs(t, verify(signed, signed, signed.Add(time.Hour), signed.Add(-presign.DefaultMaxClockSkew-time.Second), nil), presign.ErrClockSkew)
	// Expiration.
	assert.NoError(t, verify(signed, signed, signed.Add(time.Hour), signed.Add(time.Hour), nil), "valid up to its expiration")
	assert.ErrorIs(t, verify(signed, signed, signed.Add(time.Hour), signed.Add(time.Hour+time.Second), nil), presign.ErrExpired)
	// x-amz-date on another day than the credential scope's.
	assert.ErrorIs(t, verify(signed, signed.Add(-24*time.Hour), signed.Add(time.Hour), at, nil), presign.ErrMalformed)
}
