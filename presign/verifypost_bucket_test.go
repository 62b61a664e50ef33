package presign_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestVerifyPostPolicyMustNameTheBucket: VerifyPost's documentation says
// it is stricter than S3 in that the policy must name the bucket. A
// starts-with condition on $bucket does not name one: ["starts-with",
// "$bucket", ""] lets the signed policy upload into any bucket a server
// verifies it for, and ["starts-with", "$bucket", "b-"] into every bucket
// whose name starts so. Both were accepted as naming the bucket; only an
// exact condition ({"bucket": B} or ["eq", "$bucket", B]) names it.
func TestVerifyPostPolicyMustNameTheBucket(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	opts := &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }}
	verify := func(bucketCondition string) error {
		doc := `{"expiration":"2026-03-14T15:24:26Z","conditions":[` + bucketCondition + `,["eq","$key","k"],` +
			`{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"` + testAKID + `/20260314/eu-west-1/s3/aws4_request"},{"x-amz-date":"20260314T150926Z"}]}`
		_, err := presign.VerifyPost("b-ok", handSignedPost(doc, "20260314T150926Z", "k"), 1, lookupFor(creds), opts)
		return err
	}
	require.NoError(t, verify(`{"bucket":"b-ok"}`))
	require.NoError(t, verify(`["eq","$bucket","b-ok"]`))
	for _, c := range []string{`["starts-with","$bucket",""]`, `["starts-with","$bucket","b-"]`} {
		err := verify(c)
		assert.ErrorIs(t, err, presign.ErrPolicyViolation, c)
		if err != nil {
			assert.Contains(t, err.Error(), "does not name the bucket", c)
		}
	}
	// A starts-with beside the exact condition still has to hold.
	assert.NoError(t, verify(`{"bucket":"b-ok"},["starts-with","$bucket","b-"]`))
	assert.ErrorIs(t, verify(`{"bucket":"b-ok"},["starts-with","$bucket","x-"]`), presign.ErrPolicyViolation)
}
