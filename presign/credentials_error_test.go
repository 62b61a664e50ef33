package presign_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestCredentialsErrorHasNoSecrets: a credentials provider's error can hold
// the secret it failed to hand over. aws-sdk-go-v2's credential_process
// provider (credentials/processcreds) quotes the whole process output when
// it does not parse ("parse failed of process output: %s"), so one
// malformed field, such as an Expiration without its 'T' and zone, puts
// the secret access key and the session token into the error. The
// presigner wrapped that error's text into its own, so "no secrets in
// errors" did not hold; now its message names the provider error's type
// only, and errors.As still reaches the provider's error for a caller that
// wants it.
func TestCredentialsErrorHasNoSecrets(t *testing.T) {
	const secret, token = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYPROCESSKEY", "FwoGZXIvYXdzPROCESSTOKEN//////////wEaDH"
	out := `{"Version":1,"AccessKeyId":"ASIAPROCESS000000001","SecretAccessKey":"` + secret +
		`","SessionToken":"` + token + `","Expiration":"2026-03-14 16:00:00"}`
	provider := processcreds.NewProvider("printf '%s' '" + out + "'")
	_, direct := provider.Retrieve(t.Context())
	require.Error(t, direct)
	require.Contains(t, direct.Error(), secret, "the oracle: the SDK's provider error quotes the process output")

	p, err := presign.New(aws.Config{Region: "eu-west-1", Credentials: aws.NewCredentialsCache(provider)}, nil)
	require.NoError(t, err)
	_, getErr := p.Get(t.Context(), "b-ok", "k", nil)
	_, postErr := p.Post(t.Context(), "b-ok", &presign.PostOptions{Key: "k", ContentType: "text/plain"})
	for name, err := range map[string]error{"Get": getErr, "Post": postErr} {
		require.ErrorIs(t, err, presign.ErrNoCredentials, name)
		var pe *processcreds.ProviderError
		assert.True(t, errors.As(err, &pe), "%s: the provider's error stays in the chain", name)
		for _, verb := range []string{"%v", "%+v", "%s", "%q", "%#v"} {
			s := fmt.Sprintf(verb, err)
			assert.NotContains(t, s, secret, "%s %s", name, verb)
			assert.NotContains(t, s, token, "%s %s", name, verb)
		}
		assert.Contains(t, err.Error(), "processcreds.ProviderError", "%s names what failed", name)
	}
}

// TestTemporaryCredentialsWithoutExpiry pins what the package documents:
// a session token whose provider gives no expiry (the SDK's environment
// and static providers set CanExpire false) cannot be judged, so the URL
// is signed for its full lifetime, carries the token, and Request.Expires
// is only an upper bound (S3 stops honouring it when the session ends).
func TestTemporaryCredentialsWithoutExpiry(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "ASIAENVIRONMENT00001", SecretAccessKey: testSecret, SessionToken: testToken}
	p := newTestPresigner(t, creds, nil)
	r, err := p.Get(t.Context(), "b-ok", "k", &presign.GetOptions{Expires: time.Hour})
	require.NoError(t, err)
	assert.Contains(t, r.URL, "X-Amz-Expires=3600&")
	assert.Contains(t, r.URL, "X-Amz-Security-Token=")
	assert.Equal(t, verifyNow.Add(time.Hour), r.Expires)

	// The same credentials with an expiry are judged.
	creds.CanExpire, creds.Expires = true, verifyNow.Add(30*time.Minute)
	_, err = newTestPresigner(t, creds, nil).Get(t.Context(), "b-ok", "k", &presign.GetOptions{Expires: time.Hour})
	assert.ErrorIs(t, err, presign.ErrCredentialsExpireFirst)
}
