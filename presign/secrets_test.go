package presign_test

import (
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// secretForms returns s, its hex encodings and its lower-case form, so a
// check also catches %x and %X output.
func secretForms(s string) []string {
	return []string{strings.ToLower(s), hex.EncodeToString([]byte(s))}
}

// assertNoSecrets formats every value with every fmt verb and checks that
// none of the secrets appears in any form.
func assertFormattedNoSecrets(t *testing.T, values map[string]any, secrets map[string]string) {
	t.Helper()
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"}
	for vname, v := range values {
		for _, verb := range verbs {
			out := strings.ToLower(fmt.Sprintf(verb, v))
			for sname, secret := range secrets {
				for _, form := range secretForms(secret) {
					assert.NotContains(t, out, form, "%s formatted with %s shows the %s", vname, verb, sname)
				}
			}
		}
	}
}

// TestNoSecretsInFormattedValues formats the Presigner (which holds the
// credentials provider and derived signing keys), presigned requests and
// POST forms, alone and inside structs, slices and maps, with every verb.
func TestNoSecretsInFormattedValues(t *testing.T) {
	const secret, token = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY", "FwoGZXIvYXdzSESSIONTOKEN//////////wEaDH"
	p := newTestPresigner(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: secret, SessionToken: token}, nil)
	get, err := p.Get(t.Context(), "b-ok", "k", nil)
	require.NoError(t, err)
	put, err := p.Put(t.Context(), "b-ok", "k", "text/plain", &presign.PutOptions{ContentLength: 3})
	require.NoError(t, err)
	post, err := p.Post(t.Context(), "b-ok", &presign.PostOptions{Key: "k", ContentType: "text/plain"})
	require.NoError(t, err)

	secrets := map[string]string{
		"secret access key":   secret,
		"session token":       token,
		"GET signature":       get.URL[strings.LastIndex(get.URL, "=")+1:],
		"PUT signature":       put.URL[strings.LastIndex(put.URL, "=")+1:],
		"POST signature":      post.Fields["x-amz-signature"],
		"URL-escaped token":   strings.ReplaceAll(token, "/", "%2F"),
		"URL-escaped secret":  strings.ReplaceAll(secret, "/", "%2F"),
		"POST policy (token)": post.Fields["policy"],
	}
	for name, s := range secrets {
		require.NotEmpty(t, s, name)
	}
	values := map[string]any{
		"*Presigner":   p,
		"*Request GET": get,
		"Request PUT":  *put,
		"*Post":        post,
		"Post":         *post,
		"struct of all": struct {
			P *presign.Presigner
			R *presign.Request
			Q presign.Post
		}{p, get, *post},
		"[]*Presigner":        []*presign.Presigner{p},
		"map[string]*Request": map[string]*presign.Request{"r": get},
	}
	assertFormattedNoSecrets(t, values, secrets)
	assert.Contains(t, p.String(), "eu-west-1", "String still says what the Presigner is")
}

// TestNoSecretsInVerifyErrors: a refused request's error, formatted with
// every verb, names neither the signature it carried nor the token.
func TestNoSecretsInVerifyErrors(t *testing.T) {
	const secret, token = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYSECRETKEY", "FwoGZXIvYXdzSESSIONTOKEN"
	p := newTestPresigner(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: secret, SessionToken: token}, nil)
	get, err := p.Get(t.Context(), "b-ok", "k", nil)
	require.NoError(t, err)
	sig := get.URL[strings.LastIndex(get.URL, "=")+1:]
	wrong := lookupFor(aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: secret + "x", SessionToken: token})
	r := httptest.NewRequest(get.Method, get.URL, nil)
	_, err = presign.Verify(r, wrong, &presign.VerifyOptions{Now: func() time.Time { return verifyNow }})
	require.ErrorIs(t, err, presign.ErrSignatureMismatch)
	assertFormattedNoSecrets(t, map[string]any{"error": err}, map[string]string{"secret": secret, "token": token, "signature": sig})
}

// TestNilPresigner: a nil or zero Presigner, or a nil credentials
// provider pointer, is refused with ErrNoCredentials, without a panic.
func TestNilPresigner(t *testing.T) {
	for name, p := range map[string]*presign.Presigner{"nil": nil, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			ctx := t.Context()
			require.NotPanics(t, func() {
				_, err := p.Get(ctx, "b-ok", "k", nil)
				assert.ErrorIs(t, err, presign.ErrNoCredentials)
				_, err = p.Head(ctx, "b-ok", "k", nil)
				assert.ErrorIs(t, err, presign.ErrNoCredentials)
				_, err = p.Put(ctx, "b-ok", "k", "text/plain", nil)
				assert.ErrorIs(t, err, presign.ErrNoCredentials)
				_, err = p.Delete(ctx, "b-ok", "k", nil)
				assert.ErrorIs(t, err, presign.ErrNoCredentials)
				_, err = p.UploadPart(ctx, "b-ok", "k", "u", 1, nil)
				assert.ErrorIs(t, err, presign.ErrNoCredentials)
				_, err = p.Post(ctx, "b-ok", &presign.PostOptions{Key: "k", ContentType: "text/plain"})
				assert.ErrorIs(t, err, presign.ErrNoCredentials)
				assert.NotEmpty(t, fmt.Sprintf("%v %+v %#v", p, p, p))
			})
		})
	}
	t.Run("typed nil provider", func(t *testing.T) {
		var cache *aws.CredentialsCache
		_, err := presign.New(aws.Config{Region: "eu-west-1", Credentials: cache}, nil)
		assert.ErrorIs(t, err, presign.ErrNoCredentials)
	})
	t.Run("static provider still works", func(t *testing.T) {
		_, err := presign.New(aws.Config{Region: "eu-west-1", Credentials: credentials.NewStaticCredentialsProvider(testAKID, testSecret, "")}, nil)
		assert.NoError(t, err)
	})
}
