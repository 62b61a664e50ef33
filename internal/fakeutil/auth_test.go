package fakeutil_test

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/presign"
)

// TestOwnerIsTheS3FakeOwner pins fakeutil's copy of the fake account
// owner's key to s3fake's defaults (the command-line tool's -local mode
// signs every service's requests with it).
func TestOwnerIsTheS3FakeOwner(t *testing.T) {
	assert.Equal(t, s3fake.DefaultOwnerAccessKeyID, fakeutil.OwnerAccessKeyID)
	assert.Equal(t, s3fake.DefaultOwnerSecretAccessKey, fakeutil.OwnerSecretAccessKey)
}

func TestCredentials(t *testing.T) {
	c := fakeutil.NewCredentials(aws.Credentials{AccessKeyID: "AKIA1", SecretAccessKey: "secret-one"})
	c.Add(aws.Credentials{AccessKeyID: "AKIA2"}) // no secret: ignored
	_, ok := c.Lookup("AKIA2")
	assert.False(t, ok)
	k, ok := c.Lookup("AKIA1")
	require.True(t, ok)
	assert.Equal(t, "secret-one", k.SecretAccessKey)
	_, ok = c.Lookup(fakeutil.OwnerAccessKeyID)
	assert.True(t, ok, "the owner is always there")
	c.Remove("AKIA1")
	_, ok = c.Lookup("AKIA1")
	assert.False(t, ok)
	c.Add(aws.Credentials{AccessKeyID: "AKIA1", SecretAccessKey: "secret-one"})
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%d", "%x", "%q"} {
		assert.NotContains(t, fmt.Sprintf(verb, c), "secret-one", verb)
	}
}

// TestAuthCodes maps each verification failure to each protocol family's
// code and status.
func TestAuthCodes(t *testing.T) {
	const akid, secret = "AKIAAUTHTEST00000001", "auth/secret"
	creds := fakeutil.NewCredentials(aws.Credentials{AccessKeyID: akid, SecretAccessKey: secret})
	sign := func(t *testing.T, service, key, sec string, at time.Time) *http.Request {
		req, err := http.NewRequest(http.MethodPost, "http://fake.test/a/b%3Ac", strings.NewReader("Action=X"))
		require.NoError(t, err)
		sum := sha256.Sum256([]byte("Action=X"))
		hash := hex.EncodeToString(sum[:])
		if service == "s3" {
			req.Header.Set("X-Amz-Content-Sha256", hash)
		}
		// S3 (and S3 Control) sign the path encoded once.
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = service == "s3" })
		require.NoError(t, signer.SignHTTP(t.Context(), aws.Credentials{AccessKeyID: key, SecretAccessKey: sec}, req,
			hash, service, "eu-west-1", at))
		r := httptest.NewRequest(http.MethodPost, "http://fake.test/a/b%3Ac", strings.NewReader("Action=X"))
		r.Header = req.Header
		return r
	}
	now := time.Now()
	type want struct {
		code   string
		status int
	}
	families := []struct {
		name    string
		service string
		codes   fakeutil.AuthCodes
		// unsigned, unknown key, wrong secret, skewed
		want [4]want
	}{
		{"query", "iam", fakeutil.QueryAuth, [4]want{{"MissingAuthenticationToken", 403}, {"InvalidClientTokenId", 403}, {"SignatureDoesNotMatch", 403}, {"SignatureDoesNotMatch", 403}}},
		{"json", "cloudtrail", fakeutil.JSONAuth, [4]want{{"MissingAuthenticationTokenException", 400}, {"UnrecognizedClientException", 400}, {"InvalidSignatureException", 400}, {"InvalidSignatureException", 400}}},
		{"restjson", "access-analyzer", fakeutil.RESTJSONAuth, [4]want{{"MissingAuthenticationTokenException", 403}, {"UnrecognizedClientException", 403}, {"InvalidSignatureException", 403}, {"InvalidSignatureException", 403}}},
		{"s3", "s3", fakeutil.S3Auth, [4]want{{"AccessDenied", 403}, {"InvalidAccessKeyId", 403}, {"SignatureDoesNotMatch", 403}, {"RequestTimeTooSkewed", 403}}},
	}
	for _, f := range families {
		t.Run(f.name, func(t *testing.T) {
			a := &fakeutil.Auth{Service: f.service, Codes: f.codes, Credentials: creds}
			reqs := [4]*http.Request{
				httptest.NewRequest(http.MethodPost, "http://fake.test/", nil),
				sign(t, f.service, "AKIAUNKNOWN000000001", secret, now),
				sign(t, f.service, akid, "wrong", now),
				sign(t, f.service, akid, secret, now.Add(-time.Hour)),
			}
			for i, r := range reqs {
				e := a.Check(r)
				require.NotNil(t, e, "case %d", i)
				assert.Equal(t, f.want[i].code, e.Code, "case %d", i)
				assert.Equal(t, f.want[i].status, e.Status, "case %d", i)
				assert.NotContains(t, e.Message, secret)
			}
			// A correct signature passes, unsigned passes only when allowed.
			assert.Nil(t, a.Check(sign(t, f.service, akid, secret, now)))
			open := *a
			open.AllowUnsigned = true
			assert.Nil(t, open.Check(httptest.NewRequest(http.MethodGet, "http://fake.test/", nil)))
			assert.NotNil(t, open.Check(sign(t, f.service, akid, "wrong", now)), "signed requests are still verified")
			// A signature for another service is incomplete, not accepted.
			other := "iam"
			if f.service == "iam" {
				other = "cloudtrail"
			}
			e := a.Check(sign(t, other, akid, secret, now))
			require.NotNil(t, e)
			assert.ErrorIs(t, e, presign.ErrMalformed)
		})
	}
}
