package presign_test

import (
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestVerifyRefusesQueryTextItCannotParse pins that a presigned URL, or a
// header-signed request, carrying query text that net/url's lenient parser
// would drop (a pair with ';', a bad '%' escape, a pair with no name) is
// refused with ErrMalformedQuery. Dropped text is never compared with the
// signature, yet a server that reads the raw query (S3 splits on '&' only,
// so "response-content-type=text/html;x=1" is one parameter to it) would
// act on it.
func TestVerifyRefusesQueryTextItCannotParse(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	get, err := newTestPresigner(t, creds, nil).Get(t.Context(), "my-bucket", "k", nil)
	require.NoError(t, err)
	opts := &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }}
	_, err = presign.Verify(requestFor(t, get), lookupFor(creds), opts)
	require.NoError(t, err, "the untouched URL verifies")

	headerSigned := func(rawURL string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, rawURL, nil)
		r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		require.NoError(t, signer.SignHTTP(t.Context(), creds, r, "UNSIGNED-PAYLOAD", "s3", "eu-west-1", verifyNow))
		return r
	}
	const base = "https://s3.eu-west-1.amazonaws.com/my-bucket/k?x-id=GetObject"
	_, err = presign.Verify(headerSigned(base), lookupFor(creds), opts)
	require.NoError(t, err, "the untouched header-signed request verifies")

	for _, extra := range []string{
		"response-content-type=text/html;charset=utf-8",
		"a=1;response-content-disposition=attachment",
		"response-content-type=%zz",
		"response-content-type=%4",
		"%zz=1",
		"=text/html",
		"=",
	} {
		t.Run("presigned "+extra, func(t *testing.T) {
			_, err := presign.Verify(requestFor(t, &presign.Request{Method: "GET", URL: get.URL + "&" + extra}), lookupFor(creds), opts)
			requireMalformedQuery(t, err)
			// Before the signature too: the position of the text does not matter.
			i := strings.IndexByte(get.URL, '?')
			_, err = presign.Verify(requestFor(t, &presign.Request{Method: "GET", URL: get.URL[:i+1] + extra + "&" + get.URL[i+1:]}), lookupFor(creds), opts)
			requireMalformedQuery(t, err)
		})
		t.Run("header-signed "+extra, func(t *testing.T) {
			r := headerSigned(base)
			r.URL.RawQuery += "&" + extra
			_, err := presign.Verify(r, lookupFor(creds), opts)
			requireMalformedQuery(t, err)
		})
	}

	// Empty segments carry nothing and are not refused.
	_, err = presign.Verify(requestFor(t, &presign.Request{Method: "GET", URL: get.URL + "&"}), lookupFor(creds), opts)
	assert.NoError(t, err)
}

func requireMalformedQuery(t *testing.T, err error) {
	t.Helper()
	require.ErrorIs(t, err, presign.ErrMalformedQuery)
	require.ErrorIs(t, err, presign.ErrMalformed)
	var ve *presign.VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, http.StatusBadRequest, ve.HTTPStatus())
	assert.Equal(t, "InvalidArgument", ve.S3Code())
	assertNoSecrets(t, err.Error())
}

// TestVerifyHeaderSignedRefusesUnsignedContentType: for a request signed
// in the Authorization header, S3's SigV4 rules say "If the Content-Type
// header is present in the request, you must add it to the
// CanonicalHeaders list" (S3 API reference, Signature Calculations for the
// Authorization Header). A Content-Type the signature does not cover would
// otherwise become the stored object's type (text/html, say) unsigned.
// Presigned URLs are not held to it: S3 documents only host and x-amz-*
// headers there (RequiredSignedHeaders asks for more).
func TestVerifyHeaderSignedRefusesUnsignedContentType(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	opts := &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }}
	r := httptest.NewRequest(http.MethodPut, "https://s3.eu-west-1.amazonaws.com/my-bucket/k?x-id=PutObject", strings.NewReader("<p>hi</p>"))
	r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	require.NoError(t, signer.SignHTTP(t.Context(), creds, r, "UNSIGNED-PAYLOAD", "s3", "eu-west-1", verifyNow))
	_, err := presign.Verify(r, lookupFor(creds), opts)
	require.NoError(t, err, "no Content-Type, nothing to sign")

	r.Header.Set("Content-Type", "text/html")
	_, err = presign.Verify(r, lookupFor(creds), opts)
	require.ErrorIs(t, err, presign.ErrMissingSignedHeader)
	var ve *presign.VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "AccessDenied", ve.S3Code())
	assert.Contains(t, err.Error(), "content-type")
}
