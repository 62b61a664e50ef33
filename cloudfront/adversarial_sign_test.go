package cloudfront_test

import (
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
)

// TestSignerKeySizeIsWhatCloudFrontVerifies: CloudFront "supports signed
// URLs and signed cookies with RSA 2048 or ECDSA 256 key signatures"
// (CloudFront API reference, PublicKey), and CreateKeyGroup uploads RSA
// 2048 keys only. NewSigner and ParsePrivateKeyPEM took any RSA key of at
// least 2048 bits, so a 3072- or 4096-bit key, which no key group can
// hold, signed URLs and cookies that CloudFront refuses, with no error
// before any viewer got a 403. Now they refuse it with ErrInvalidKey.
func TestSignerKeySizeIsWhatCloudFrontVerifies(t *testing.T) {
	for _, tc := range []struct {
		bits int
		ok   bool
	}{{1024, false}, {2040, false}, {2048, true}, {2056, false}, {3072, false}} {
		key := rsaKey(t)
		if tc.bits != 2048 {
			k, err := rsa.GenerateKey(rand.Reader, tc.bits)
			require.NoError(t, err)
			key = k
		}
		_, err := cloudfront.NewSigner("K2JCJMDEHXQW5F", key, nil)
		_, perr := cloudfront.ParsePrivateKeyPEM(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
		if tc.ok {
			assert.NoError(t, err, "%d bits", tc.bits)
			assert.NoError(t, perr, "%d bits", tc.bits)
			continue
		}
		assert.ErrorIs(t, err, cloudfront.ErrInvalidKey, "NewSigner, %d bits", tc.bits)
		assert.ErrorIs(t, perr, cloudfront.ErrInvalidKey, "ParsePrivateKeyPEM, %d bits", tc.bits)
	}
}

// TestAdversarialSignRows: what a red-team pass tried against the Signer,
// each row refused (with the sentinel given) or signed; a signed row is
// checked for the parameter CloudFront reads and CloudFront's URL-safe
// base64 alphabet (no '+', '=' or '/' in Policy or Signature).
func TestAdversarialSignRows(t *testing.T) {
	s := newSigner(t, nil)
	const host = "https://d111111abcdef8.cloudfront.net"
	hour := signNow.Add(time.Hour)
	rows := []struct {
		name    string
		url     string
		p       cloudfront.Policy // zero Expires: canned SignURL until hour
		wantErr error
	}{
		{name: "canned, '*' in the path is signed as is", url: host + "/a*b.jpg"},
		{name: "canned, query string kept", url: host + "/a.jpg?v=2&w=3"},
		{name: "canned, Expires already in the query", url: host + "/a.jpg?Expires=1", wantErr: cloudfront.ErrInvalidURL},
		{name: "canned, Key-Pair-Id already in the query", url: host + "/a.jpg?Key-Pair-Id=K", wantErr: cloudfront.ErrInvalidURL},
		{name: "canned, Policy escaped in the query", url: host + "/a.jpg?%50olicy=x", wantErr: cloudfront.ErrInvalidURL},
		// url.Values drops a pair whose value does not unescape, so
		// "Signature=%" used to pass and the URL got two Signatures.
		{name: "canned, Signature with a bad escape in the query", url: host + "/a.jpg?Signature=%", wantErr: cloudfront.ErrInvalidURL},
		{name: "custom, Policy with a bad escape in the query", url: host + "/a.jpg?v=1&Policy=%zz", p: cloudfront.Policy{Resource: host + "/*", Expires: hour}, wantErr: cloudfront.ErrInvalidURL},
		{name: "canned, Expires after a ';'", url: host + "/a.jpg?v=1;Expires=1", wantErr: cloudfront.ErrInvalidURL},
		{name: "canned, bad escape in a parameter name", url: host + "/a.jpg?%zz=1", wantErr: cloudfront.ErrInvalidURL},
		// "without the CloudFront signing parameters (Expires, Policy,
		// Signature, Key-Pair-Id, Hash-Algorithm)" (AWS CLI, cloudfront
		// sign): a second Hash-Algorithm would make the hash ambiguous.
		{name: "canned, Hash-Algorithm already in the query", url: host + "/a.jpg?Hash-Algorithm=SHA1", wantErr: cloudfront.ErrInvalidURL},
		{name: "custom, Hash-Algorithm escaped in the query", url: host + "/a.jpg?v=1&%48ash-Algorithm=SHA256", p: cloudfront.Policy{Resource: host + "/*", Expires: hour}, wantErr: cloudfront.ErrInvalidURL},
		{name: "custom, prefix wildcard after the host", url: host + "/v/a.mp4", p: cloudfront.Policy{Resource: host + "/v/*", Expires: hour}},
		{name: "custom, wildcard at the end of the host", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "*", Expires: hour}, wantErr: cloudfront.ErrInvalidURL},
		{name: "custom, '?' right after the host", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "?a.jpg", Expires: hour}, wantErr: cloudfront.ErrInvalidURL},
		{name: "custom, wildcard port", url: host + "/a.jpg", p: cloudfront.Policy{Resource: "https://d111111abcdef8.cloudfront.net:*/a.jpg", Expires: hour}, wantErr: cloudfront.ErrInvalidURL},
		{name: "custom, http* scheme", url: host + "/a.jpg", p: cloudfront.Policy{Resource: "http*://d111111abcdef8.cloudfront.net/a.jpg", Expires: hour}, wantErr: cloudfront.ErrInvalidURL},
		{name: "custom, bare *", url: host + "/a.jpg", p: cloudfront.Policy{Resource: "*", Expires: hour}, wantErr: cloudfront.ErrInvalidURL},
		{name: "custom, resource for another path", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "/v/*", Expires: hour}, wantErr: cloudfront.ErrInvalidPolicy},
		{name: "custom, no expiry", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "/*", NotBefore: signNow}, wantErr: cloudfront.ErrNoExpiry},
		{name: "custom, expiry at the cap", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "/*", Expires: signNow.Add(cloudfront.DefaultMaxSignedExpiry)}},
		{name: "custom, expiry a second past the cap", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "/*", Expires: signNow.Add(cloudfront.DefaultMaxSignedExpiry + time.Second)}, wantErr: cloudfront.ErrExpiryTooLong},
		{name: "custom, start equal to expiry", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "/*", Expires: hour, NotBefore: hour}, wantErr: cloudfront.ErrInvalidPolicy},
		{name: "custom, start after expiry", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "/*", Expires: hour, NotBefore: hour.Add(time.Minute)}, wantErr: cloudfront.ErrInvalidPolicy},
		{name: "custom, IPv6 range", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "/*", Expires: hour, SourceIP: "2001:db8::/32"}},
		{name: "custom, IP with a zone", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "/*", Expires: hour, SourceIP: "fe80::1%eth0"}, wantErr: cloudfront.ErrInvalidPolicy},
		{name: "custom, IP range with host bits", url: host + "/a.jpg", p: cloudfront.Policy{Resource: host + "/*", Expires: hour, SourceIP: "10.0.0.1/8"}, wantErr: cloudfront.ErrInvalidPolicy},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			var signed string
			var err error
			if tc.p.Resource == "" && tc.p.Expires.IsZero() && tc.p.NotBefore.IsZero() {
				signed, err = s.SignURL(tc.url, hour)
			} else {
				signed, err = s.SignURLWithPolicy(tc.url, tc.p)
			}
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				return
			}
			require.NoError(t, err)
			require.True(t, strings.HasPrefix(signed, tc.url), signed)
			u, err := url.Parse(signed)
			require.NoError(t, err)
			q := u.Query()
			assert.Equal(t, "K2JCJMDEHXQW5F", q.Get("Key-Pair-Id"))
			requireSHA256URL(t, &rsaKey(t).PublicKey, "K2JCJMDEHXQW5F", signed)
			for _, name := range []string{"Policy", "Signature"} {
				assert.NotContains(t, q.Get(name), "+", name)
				assert.NotContains(t, q.Get(name), "=", name)
				assert.NotContains(t, q.Get(name), "/", name)
			}
		})
	}
}

// TestSignCookiesAreSessionCookiesByDefault: CloudFront's developer guide
// ("Set signed cookies using a custom policy"): "In general, we recommend
// that you exclude Expires and Max-Age attributes. This causes the browser
// to delete the cookie when the user closes the browser, which reduces the
// possibility of someone getting unauthorized access to your content."
// SignCookies set Expires to the policy's expiry by default, so the
// cookies outlived the browser session (a shared computer's next user had
// them until the policy expired). Now they are session cookies unless
// CookieOptions.AllowPersistentCookies is set; the policy still bounds
// their use either way.
func TestSignCookiesAreSessionCookiesByDefault(t *testing.T) {
	s := newSigner(t, nil)
	p := cloudfront.Policy{Resource: "https://d111111abcdef8.cloudfront.net/private/*", Expires: signNow.Add(time.Hour)}
	for _, tc := range []struct {
		name string
		opts *cloudfront.CookieOptions
		want time.Time
	}{
		{name: "nil options", opts: nil},
		{name: "zero options", opts: &cloudfront.CookieOptions{}},
		{name: "persistent on request", opts: &cloudfront.CookieOptions{AllowPersistentCookies: true}, want: p.Expires},
	} {
		cookies, err := s.SignCookies(p, tc.opts)
		require.NoError(t, err, tc.name)
		require.Len(t, cookies, 4, tc.name) // with CloudFront-Hash-Algorithm
		for _, c := range cookies {
			assert.Equal(t, tc.want, c.Expires, "%s: %s", tc.name, c.Name)
			assert.Zero(t, c.MaxAge, "%s: %s", tc.name, c.Name)
			line := c.String()
			if tc.want.IsZero() {
				assert.NotContains(t, line, "Expires=", "%s: %s", tc.name, line)
			} else {
				assert.Contains(t, line, "Expires=Thu, 01 Jan 2026 13:00:00 GMT", "%s: %s", tc.name, line)
			}
			assert.NotContains(t, line, "Max-Age", "%s: %s", tc.name, line)
		}
	}
}
