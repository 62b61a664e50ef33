package presign_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestVerifyRefusesExpiredTemporaryCredentials: a request signed with
// temporary credentials stops verifying when they expire, whatever
// X-Amz-Expires or the POST policy's expiration says. The S3 user guide
// ("Download and upload objects with presigned URLs", Expiration time for
// presigned URLs) decides it: "If you created a presigned URL using a
// temporary token, the URL expires when the token expires, even if the URL
// was created with a later expiration time." S3 answers ExpiredToken ("The
// provided token has expired.", 400 Bad Request; S3 API reference, Error
// responses). Verify and VerifyPost read the expiry the Lookup returns
// (aws.Credentials.CanExpire and Expires); before, they dropped it, so an
// expired session's URLs, forms and header-signed requests kept verifying.
func TestVerifyRefusesExpiredTemporaryCredentials(t *testing.T) {
	ctx := t.Context()
	const akid = "ASIATEMPORARY0000001"
	sessionEnds := verifyNow.Add(30 * time.Minute)
	signing := aws.Credentials{AccessKeyID: akid, SecretAccessKey: testSecret, SessionToken: testToken,
		CanExpire: true, Expires: verifyNow.Add(6 * time.Hour)}
	// What the verifier's lookup knows of the same session.
	session := func(expires time.Time) aws.Credentials {
		c := signing
		c.Expires = expires
		return c
	}

	get, err := newTestPresigner(t, signing, nil).Get(ctx, "my-bucket", "k", &presign.GetOptions{Expires: time.Hour})
	require.NoError(t, err)
	headerSigned := func() *http.Request {
		r := httptest.NewRequest("GET", "https://my-bucket.s3.eu-west-1.amazonaws.com/k?x-id=GetObject", nil)
		r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		require.NoError(t, signer.SignHTTP(ctx, signing, r, "UNSIGNED-PAYLOAD", "s3", "eu-west-1", sessionEnds.Add(-time.Minute)))
		return r
	}
	post, err := newTestPresigner(t, signing, nil).Post(ctx, "my-bucket", &presign.PostOptions{Key: "k", ContentType: "text/plain", Expires: time.Hour})
	require.NoError(t, err)
	postFields := map[string][]string{}
	for k, v := range post.Fields {
		postFields[k] = []string{v}
	}

	tests := []struct {
		name    string
		kind    string // "url" (presigned GET), "header" or "post"
		creds   aws.Credentials
		now     time.Time
		wantErr bool
	}{
		{kind: "url", name: "presigned, session still valid", creds: session(sessionEnds), now: sessionEnds.Add(-time.Second)},
		{kind: "url", name: "presigned, session expired before the url", creds: session(sessionEnds), now: sessionEnds.Add(time.Second), wantErr: true},
		{kind: "url", name: "presigned, session expired at signing", creds: session(verifyNow.Add(-time.Second)), now: verifyNow, wantErr: true},
		{kind: "url", name: "presigned, static key's Expires ignored", now: sessionEnds.Add(time.Second),
			creds: aws.Credentials{AccessKeyID: akid, SecretAccessKey: testSecret, SessionToken: testToken, Expires: verifyNow}},
		{kind: "url", name: "presigned, CanExpire without a time", creds: aws.Credentials{AccessKeyID: akid, SecretAccessKey: testSecret, SessionToken: testToken, CanExpire: true},
			now: verifyNow, wantErr: true},
		{kind: "header", name: "header-signed, session still valid", creds: session(sessionEnds), now: sessionEnds.Add(-time.Second)},
		{kind: "header", name: "header-signed, session expired", creds: session(sessionEnds), now: sessionEnds.Add(time.Second), wantErr: true},
		{kind: "post", name: "post, session still valid", creds: session(sessionEnds), now: sessionEnds.Add(-time.Second)},
		{kind: "post", name: "post, session expired before the policy", creds: session(sessionEnds), now: sessionEnds.Add(time.Second), wantErr: true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lookup := lookupFor(tc.creds)
			opts := &presign.VerifyOptions{Now: func() time.Time { return tc.now }}
			var err error
			switch tc.kind {
			case "header":
				_, err = presign.Verify(headerSigned(), lookup, opts)
			case "post":
				_, err = presign.VerifyPost("my-bucket", postFields, 1, lookup, opts)
			default:
				_, err = presign.Verify(requestFor(t, get), lookup, opts)
			}
			if !tc.wantErr {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, presign.ErrExpired)
			var ve *presign.VerifyError
			require.True(t, errors.As(err, &ve))
			assert.Equal(t, "ExpiredToken", ve.S3Code())
			assert.Equal(t, http.StatusBadRequest, ve.HTTPStatus())
			assert.Equal(t, akid, ve.AccessKeyID)
			assertNoSecrets(t, err.Error())
		})
	}
}

// TestVerifiedExpiresAtHonoursTheCredentials: Verified.ExpiresAt is when
// the presigned URL stops verifying, so for temporary credentials that
// expire before X-Amz-Date+X-Amz-Expires it is their expiry (S3: the URL
// "expires when the token expires"); it was X-Amz-Date+X-Amz-Expires
// whatever the credentials, so a server keying a grant or a cache entry to
// it outlived the session.
func TestVerifiedExpiresAtHonoursTheCredentials(t *testing.T) {
	const akid = "ASIATEMPORARY0000003"
	signing := aws.Credentials{AccessKeyID: akid, SecretAccessKey: testSecret, SessionToken: testToken,
		CanExpire: true, Expires: verifyNow.Add(6 * time.Hour)}
	get, err := newTestPresigner(t, signing, nil).Get(t.Context(), "my-bucket", "k", &presign.GetOptions{Expires: time.Hour})
	require.NoError(t, err)
	opts := &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }}
	for _, tc := range []struct {
		name    string
		expires time.Time
		want    time.Time
	}{
		{"session ends after the url", verifyNow.Add(6 * time.Hour), verifyNow.Add(time.Hour)},
		{"session ends before the url", verifyNow.Add(30 * time.Minute), verifyNow.Add(30 * time.Minute)},
		{"session ends with the url", verifyNow.Add(time.Hour), verifyNow.Add(time.Hour)},
	} {
		c := signing
		c.Expires = tc.expires
		v, err := presign.Verify(requestFor(t, get), lookupFor(c), opts)
		require.NoError(t, err, tc.name)
		assert.Equal(t, tc.want, v.ExpiresAt, tc.name)
	}
	static := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	get, err = newTestPresigner(t, static, nil).Get(t.Context(), "my-bucket", "k", &presign.GetOptions{Expires: time.Hour})
	require.NoError(t, err)
	v, err := presign.Verify(requestFor(t, get), lookupFor(static), opts)
	require.NoError(t, err)
	assert.Equal(t, verifyNow.Add(time.Hour), v.ExpiresAt, "a key that cannot expire")
}
