package cloudfront_test

import (
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
)

var (
	keyOnce sync.Once
	testKey *rsa.PrivateKey
)

func rsaKey(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	keyOnce.Do(func() {
		k, err := rsa.GenerateKey(rand.Reader, 2048)
		if err != nil {
			panic(err)
		}
		testKey = k
	})
	return testKey
}

var signNow = time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)

func newSigner(t *testing.T, opts *cloudfront.SignerOptions) *cloudfront.Signer {
	t.Helper()
	o := cloudfront.SignerOptions{}
	if opts != nil {
		o = *opts
	}
	o.Now = func() time.Time { return signNow }
	s, err := cloudfront.NewSigner("K2JCJMDEHXQW5F", rsaKey(t), &o)
	require.NoError(t, err)
	return s
}

// cfDecode reverses CloudFront's URL-safe base64 (+→-, =→_, /→~).
func cfDecode(t *testing.T, s string) []byte {
	t.Helper()
	r := strings.NewReplacer("-", "+", "_", "=", "~", "/")
	b, err := base64.StdEncoding.DecodeString(r.Replace(s))
	require.NoError(t, err)
	return b
}

// verify checks an RSA-SHA256 signature over the policy JSON, as
// CloudFront does for a URL with Hash-Algorithm=SHA256 (the default).
func verify(t *testing.T, policyJSON []byte, sig string) {
	t.Helper()
	assert.NoError(t, checkSignature(&rsaKey(t).PublicKey, crypto.SHA256, policyJSON, sig), "CloudFront verifies RSA-SHA256 over the policy JSON")
}

func TestSignURLCannedVerifies(t *testing.T) {
	s := newSigner(t, nil)
	raw := "https://d111111abcdef8.cloudfront.net/images/cat.jpg?size=large"
	exp := signNow.Add(30 * time.Minute)
	signed, err := s.SignURL(raw, exp)
	require.NoError(t, err)
	u, err := url.Parse(signed)
	require.NoError(t, err)
	q := u.Query()
	assert.Equal(t, "1767270600", q.Get("Expires"))
	assert.Equal(t, "K2JCJMDEHXQW5F", q.Get("Key-Pair-Id"))
	assert.True(t, strings.HasPrefix(signed, raw+"&Expires="))
	canned := `{"Statement":[{"Resource":"` + raw + `","Condition":{"DateLessThan":{"AWS:EpochTime":1767270600}}}]}`
	verify(t, []byte(canned), q.Get("Signature"))
}

func TestSignURLWithPolicyVerifies(t *testing.T) {
	s := newSigner(t, nil)
	raw := "https://d111111abcdef8.cloudfront.net/videos/intro.mp4"
	signed, err := s.SignURLWithPolicy(raw, cloudfront.Policy{
		Resource:  "https://d111111abcdef8.cloudfront.net/videos/*",
		Expires:   signNow.Add(time.Hour),
		NotBefore: signNow.Add(-time.Minute),
		SourceIP:  "192.0.2.0/24",
	})
	require.NoError(t, err)
	u, err := url.Parse(signed)
	require.NoError(t, err)
	q := u.Query()
	assert.Empty(t, q.Get("Expires"), "custom policies carry the expiry inside Policy")
	policyJSON := cfDecode(t, q.Get("Policy"))
	assert.JSONEq(t, `{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/videos/*","Condition":{"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateGreaterThan":{"AWS:EpochTime":1767268740},"DateLessThan":{"AWS:EpochTime":1767272400}}}]}`, string(policyJSON))
	verify(t, policyJSON, q.Get("Signature"))
}

func TestSignRefusals(t *testing.T) {
	s := newSigner(t, nil)
	ok := "https://d111111abcdef8.cloudfront.net/a.jpg"
	hour := signNow.Add(time.Hour)
	cases := []struct {
		name string
		url  string
		p    cloudfront.Policy
		want error
	}{
		{"no expiry", ok, cloudfront.Policy{}, cloudfront.ErrNoExpiry},
		{"past expiry", ok, cloudfront.Policy{Expires: signNow.Add(-time.Second)}, cloudfront.ErrExpired},
		{"expiry now", ok, cloudfront.Policy{Expires: signNow}, cloudfront.ErrExpired},
		{"beyond the 1h default cap", ok, cloudfront.Policy{Expires: signNow.Add(time.Hour + time.Second)}, cloudfront.ErrExpiryTooLong},
		{"plain http", "http://d111111abcdef8.cloudfront.net/a.jpg", cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"ftp", "ftp://d111111abcdef8.cloudfront.net/a.jpg", cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"no scheme", "d111111abcdef8.cloudfront.net/a.jpg", cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"unescaped space", "https://d111111abcdef8.cloudfront.net/a b.jpg", cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"non-ascii", "https://d111111abcdef8.cloudfront.net/é.jpg", cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"quote", `https://d111111abcdef8.cloudfront.net/a"b.jpg`, cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"fragment", "https://d111111abcdef8.cloudfront.net/a.jpg#x", cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"upper-case scheme", "HTTPS://d111111abcdef8.cloudfront.net/a.jpg", cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"upper-case host", "https://D111111abcdef8.cloudfront.net/a.jpg", cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"already signed", ok + "?Signature=x", cloudfront.Policy{Expires: hour}, cloudfront.ErrInvalidURL},
		{"wildcard host", ok, cloudfront.Policy{Resource: "https://*.cloudfront.net/*", Expires: hour}, cloudfront.ErrInvalidURL},
		{"bare wildcard", ok, cloudfront.Policy{Resource: "*", Expires: hour}, cloudfront.ErrInvalidURL},
		{"bad ip", ok, cloudfront.Policy{Expires: hour, SourceIP: "192.0.2.300"}, cloudfront.ErrInvalidPolicy},
		{"cidr with host bits", ok, cloudfront.Policy{Expires: hour, SourceIP: "192.0.2.1/24"}, cloudfront.ErrInvalidPolicy},
		{"start after expiry", ok, cloudfront.Policy{Expires: hour, NotBefore: hour.Add(time.Second)}, cloudfront.ErrInvalidPolicy},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := s.SignURLWithPolicy(tc.url, tc.p)
			assert.ErrorIs(t, err, tc.want)
			if tc.p.Resource == "" && tc.p.NotBefore.IsZero() && tc.p.SourceIP == "" {
				_, err = s.SignURL(tc.url, tc.p.Expires)
				assert.ErrorIs(t, err, tc.want, "canned")
			}
			p := tc.p
			if p.Resource == "" {
				p.Resource = tc.url
			}
			_, err = s.SignCookies(p, nil)
			if tc.name != "already signed" { // a resource may carry any query
				assert.ErrorIs(t, err, tc.want, "cookies")
			}
		})
	}
}

func TestSignerOptions(t *testing.T) {
	s := newSigner(t, &cloudfront.SignerOptions{AllowExpiryUpTo: 24 * time.Hour, InsecureAllowHTTP: true})
	_, err := s.SignURL("http://d111111abcdef8.cloudfront.net/a.jpg", signNow.Add(23*time.Hour))
	assert.NoError(t, err, "opted in to http and a 24h cap")
	_, err = s.SignURL("https://d111111abcdef8.cloudfront.net/a.jpg", signNow.Add(25*time.Hour))
	assert.ErrorIs(t, err, cloudfront.ErrExpiryTooLong)

	for _, bad := range []time.Duration{-time.Second, cloudfront.AbsoluteMaxSignedExpiry + time.Second} {
		_, err = cloudfront.NewSigner("K2JCJMDEHXQW5F", rsaKey(t), &cloudfront.SignerOptions{AllowExpiryUpTo: bad})
		assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions)
	}
	_, err = cloudfront.NewSigner("", rsaKey(t), nil)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	_, err = cloudfront.NewSigner("K1", nil, nil)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	_, err = cloudfront.NewSigner("K1", small, nil)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)

	str := s.String()
	assert.Contains(t, str, "K2JCJMDEHXQW5F")
	assert.NotContains(t, str, rsaKey(t).D.String()[:20])
	assert.Equal(t, "K2JCJMDEHXQW5F", s.KeyID())
}

func TestSignCookies(t *testing.T) {
	s := newSigner(t, nil)
	p := cloudfront.Policy{Resource: "https://d111111abcdef8.cloudfront.net/private/*", Expires: signNow.Add(time.Hour), SourceIP: "2001:db8::/32"}
	cookies, err := s.SignCookies(p, nil)
	require.NoError(t, err)
	require.Len(t, cookies, 4)
	byName := map[string]*http.Cookie{}
	for _, c := range cookies {
		byName[c.Name] = c
		assert.True(t, c.Secure, c.Name)
		assert.True(t, c.HttpOnly, c.Name)
		assert.Equal(t, http.SameSiteLaxMode, c.SameSite, c.Name)
		assert.Equal(t, "/", c.Path, c.Name)
		assert.True(t, c.Expires.IsZero(), "%s: a session cookie", c.Name)
	}
	require.Contains(t, byName, "CloudFront-Policy")
	require.Contains(t, byName, "CloudFront-Signature")
	assert.Equal(t, "SHA256", byName["CloudFront-Hash-Algorithm"].Value)
	assert.Equal(t, "K2JCJMDEHXQW5F", byName["CloudFront-Key-Pair-Id"].Value)
	policyJSON := cfDecode(t, byName["CloudFront-Policy"].Value)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(policyJSON, &doc))
	assert.Contains(t, string(policyJSON), `"AWS:SourceIp":"2001:db8::/32"`)
	verify(t, policyJSON, byName["CloudFront-Signature"].Value)

	strict, err := s.SignCookies(p, &cloudfront.CookieOptions{SameSite: http.SameSiteStrictMode, Domain: "media.example.com", Path: "/private"})
	require.NoError(t, err)
	assert.Equal(t, http.SameSiteStrictMode, strict[0].SameSite)
	assert.Equal(t, "media.example.com", strict[0].Domain)
	assert.Equal(t, "/private", strict[0].Path)

	_, err = s.SignCookies(p, &cloudfront.CookieOptions{SameSite: http.SameSiteNoneMode})
	assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions)
	none, err := s.SignCookies(p, &cloudfront.CookieOptions{SameSite: http.SameSiteNoneMode, AllowSameSiteNone: true, InsecureAllowNonSecureCookie: true})
	require.NoError(t, err)
	assert.Equal(t, http.SameSiteNoneMode, none[0].SameSite)
	assert.False(t, none[0].Secure)

	_, err = s.SignCookies(cloudfront.Policy{Expires: signNow.Add(time.Minute)}, nil)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidURL, "cookies need a resource")
}

func pemBytes(t *testing.T, typ string, der []byte, headers map[string]string) []byte {
	t.Helper()
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der, Headers: headers})
}

func TestParsePrivateKeyPEM(t *testing.T) {
	key := rsaKey(t)
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	require.NoError(t, err)
	pub, err := x509.MarshalPKIXPublicKey(&key.PublicKey)
	require.NoError(t, err)
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	require.NoError(t, err)
	garbage := []byte("MIIEsecretsecretsecretsecret")

	cases := []struct {
		name string
		in   []byte
		ok   bool
		msg  string
	}{
		{"pkcs1", pemBytes(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), nil), true, ""},
		{"pkcs8", pemBytes(t, "PRIVATE KEY", pkcs8, nil), true, ""},
		{"not pem", []byte("not a key"), false, "no PEM block"},
		{"public key", pemBytes(t, "PUBLIC KEY", pub, nil), false, "not a private key"},
		{"encrypted", pemBytes(t, "RSA PRIVATE KEY", garbage, map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}), false, "encrypted"},
		{"malformed", pemBytes(t, "RSA PRIVATE KEY", garbage, nil), false, "malformed"},
		{"too small", pemBytes(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(small), nil), false, "1024 bits"},
		{"two blocks", append(pemBytes(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(key), nil), pemBytes(t, "PUBLIC KEY", pub, nil)...), false, "more than one"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cloudfront.ParsePrivateKeyPEM(tc.in)
			if tc.ok {
				require.NoError(t, err)
				assert.True(t, got.Equal(key))
				return
			}
			require.ErrorIs(t, err, cloudfront.ErrInvalidKey)
			assert.Contains(t, err.Error(), tc.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "cloudfront: "), err.Error())
			assert.NotContains(t, err.Error(), "secret", "no key material in errors")
			assert.NotContains(t, err.Error(), "MII")
		})
	}

	dir := t.TempDir()
	path := filepath.Join(dir, "key.pem")
	require.NoError(t, os.WriteFile(path, pemBytes(t, "RSA PRIVATE KEY", garbage, nil), 0o600))
	_, err = cloudfront.LoadPrivateKeyFile(path)
	require.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	assert.Contains(t, err.Error(), path)
	assert.NotContains(t, err.Error(), "secret")
	_, err = cloudfront.LoadPrivateKeyFile(filepath.Join(dir, "missing.pem"))
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	require.NoError(t, os.WriteFile(path, pemBytes(t, "PRIVATE KEY", pkcs8, nil), 0o600))
	loaded, err := cloudfront.LoadPrivateKeyFile(path)
	require.NoError(t, err)
	assert.True(t, loaded.Equal(key))
}
