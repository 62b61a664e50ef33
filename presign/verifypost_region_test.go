package presign_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestVerifyPostRegion pins VerifyOptions.Region for forms as for URLs:
// when set, a form whose credential scope names another Region is refused
// (ErrMalformed, S3's 400 AuthorizationQueryParametersError) before its
// signature is checked; by default any Region is accepted and reported.
func TestVerifyPostRegion(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	post, err := newTestPresigner(t, creds, nil).Post(t.Context(), "b-ok", &presign.PostOptions{Key: "k", ContentType: "text/plain"})
	require.NoError(t, err)
	fields := map[string][]string{}
	for k, v := range post.Fields {
		fields[k] = []string{v}
	}
	now := func() time.Time { return verifyNow.Add(time.Minute) }

	v, err := presign.VerifyPost("b-ok", fields, 1, lookupFor(creds), &presign.VerifyOptions{Now: now})
	require.NoError(t, err)
	assert.Equal(t, "eu-west-1", v.Region)
	_, err = presign.VerifyPost("b-ok", fields, 1, lookupFor(creds), &presign.VerifyOptions{Now: now, Region: "eu-west-1"})
	require.NoError(t, err)

	_, err = presign.VerifyPost("b-ok", fields, 1, lookupFor(creds), &presign.VerifyOptions{Now: now, Region: "us-east-1"})
	require.ErrorIs(t, err, presign.ErrMalformed)
	var ve *presign.VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "AuthorizationQueryParametersError", ve.S3Code())
	assert.Equal(t, 400, ve.HTTPStatus())
}
