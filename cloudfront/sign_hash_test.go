package cloudfront_test

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
)

// TestSignSHA256ByDefault: the Signer signed with SHA-1 only (it wrapped
// feature/cloudfront/sign, which hashes with SHA-1), and SHA-1 signatures
// are weak: chosen-prefix collisions are practical. CloudFront accepts
// SHA-256: "When you use SHA-256, include the Hash-Algorithm=SHA256 query
// parameter in the signed URL" (developer guide, Code examples for creating
// a signature for a signed URL), as the last parameter ("...&Key-Pair-Id=
// K2JCJMDEHXQW5F&Hash-Algorithm=SHA256", Create a signed URL using a canned
// policy); cookies carry "a fourth name-value pair,
// CloudFront-Hash-Algorithm" (Set signed cookies using a canned policy).
// Now every URL and cookie set is signed with SHA-256 by default and says
// so; the signature verifies with crypto/rsa over the exact policy bytes
// with SHA-256, and not with SHA-1.
func TestSignSHA256ByDefault(t *testing.T) {
	s := newSigner(t, nil)
	pub := &rsaKey(t).PublicKey
	exp := signNow.Add(30 * time.Minute)

	t.Run("canned", func(t *testing.T) {
		raw := "https://d111111abcdef8.cloudfront.net/images/cat.jpg?size=large"
		signed, err := s.SignURL(raw, exp)
		require.NoError(t, err)
		sig, ok := strings.CutPrefix(signed, raw+"&Expires=1767270600&Signature=")
		require.True(t, ok, signed)
		sig, ok = strings.CutSuffix(sig, "&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256")
		require.True(t, ok, signed)
		policy := []byte(cannedPolicy(raw, exp))
		requireSHA256URL(t, pub, "K2JCJMDEHXQW5F", signed)
		assert.NoError(t, rsaVerify(t, pub, crypto.SHA256, policy, sig))
		assert.Error(t, rsaVerify(t, pub, crypto.SHA1, policy, sig), "not a SHA-1 signature")

		// A URL without a query gets "?".
		signed, err = s.SignURL("https://d111111abcdef8.cloudfront.net/a.jpg", exp)
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(signed, "https://d111111abcdef8.cloudfront.net/a.jpg?Expires=1767270600&Signature="), signed)
		assert.True(t, strings.HasSuffix(signed, "&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256"), signed)
		requireSHA256URL(t, pub, "K2JCJMDEHXQW5F", signed)
	})

	t.Run("custom", func(t *testing.T) {
		raw := "https://d111111abcdef8.cloudfront.net/videos/intro.mp4"
		signed, err := s.SignURLWithPolicy(raw, cloudfront.Policy{
			Resource: "https://d111111abcdef8.cloudfront.net/videos/*", Expires: exp,
			NotBefore: signNow.Add(-time.Minute), SourceIP: "192.0.2.0/24",
		})
		require.NoError(t, err)
		assert.True(t, strings.HasPrefix(signed, raw+"?Policy="), signed)
		assert.Regexp(t, `&Signature=[A-Za-z0-9~_-]+&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256$`, signed)
		c := requireSHA256URL(t, pub, "K2JCJMDEHXQW5F", signed)
		assert.Equal(t, `{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/videos/*","Condition":{"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateGreaterThan":{"AWS:EpochTime":1767268740},"DateLessThan":{"AWS:EpochTime":1767270600}}}]}`, string(c.Policy))
	})

	t.Run("cookies", func(t *testing.T) {
		cookies, err := s.SignCookies(cloudfront.Policy{Resource: "https://d111111abcdef8.cloudfront.net/private/*", Expires: exp}, &cloudfront.CookieOptions{Domain: "media.example.com"})
		require.NoError(t, err)
		require.Len(t, cookies, 4)
		names := []string{}
		for _, c := range cookies {
			names = append(names, c.Name)
			assert.True(t, c.Secure && c.HttpOnly, c.Name)
			assert.Equal(t, http.SameSiteLaxMode, c.SameSite, c.Name)
			assert.Equal(t, "/", c.Path, c.Name)
			assert.Equal(t, "media.example.com", c.Domain, c.Name)
			assert.True(t, c.Expires.IsZero(), c.Name)
		}
		assert.Equal(t, []string{"CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id", "CloudFront-Hash-Algorithm"}, names)
		assert.Equal(t, "SHA256", cookies[3].Value)
		h, policy, err := verifyCookies(pub, "K2JCJMDEHXQW5F", cookies)
		require.NoError(t, err)
		assert.Equal(t, crypto.SHA256, h)
		assert.Equal(t, `{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/private/*","Condition":{"DateLessThan":{"AWS:EpochTime":1767270600}}}]}`, string(policy))
		assert.Error(t, rsaVerify(t, pub, crypto.SHA1, policy, cookies[1].Value), "not a SHA-1 signature")
	})
}

// rsaVerify checks an RSA PKCS #1 v1.5 signature (CloudFront base64) over
// policy with hash h, independently of the verifier in cfverify_test.go.
func rsaVerify(t *testing.T, pub *rsa.PublicKey, h crypto.Hash, policy []byte, sig string) error {
	t.Helper()
	var digest []byte
	switch h {
	case crypto.SHA1:
		d := sha1.Sum(policy)
		digest = d[:]
	case crypto.SHA256:
		d := sha256.Sum256(policy)
		digest = d[:]
	}
	return rsa.VerifyPKCS1v15(pub, h, digest, cfDecode(t, sig))
}

// TestInsecureSHA1MatchesTheSDK: the SHA-1 opt-in signs what
// feature/cloudfront/sign signs, byte for byte (RSA PKCS #1 v1.5 is
// deterministic): same URL, same parameters, no Hash-Algorithm parameter
// or cookie, as CloudFront reads a signature that names no hash as SHA-1.
func TestInsecureSHA1MatchesTheSDK(t *testing.T) {
	key := rsaKey(t)
	s := newSigner(t, &cloudfront.SignerOptions{InsecureSHA1: true})
	exp := signNow.Add(30 * time.Minute)
	sdkURLs := sign.NewURLSigner("K2JCJMDEHXQW5F", key)

	for _, raw := range []string{
		"https://d111111abcdef8.cloudfront.net/images/cat.jpg?size=large",
		"https://d111111abcdef8.cloudfront.net/a.jpg",
		"https://d111111abcdef8.cloudfront.net/a.jpg?x=1&y=%20&z",
	} {
		got, err := s.SignURL(raw, exp)
		require.NoError(t, err)
		want, err := sdkURLs.Sign(raw, exp)
		require.NoError(t, err)
		assert.Equal(t, want, got)
		assert.NotContains(t, got, "Hash-Algorithm")
		c, err := verifyURL(&key.PublicKey, "K2JCJMDEHXQW5F", got)
		require.NoError(t, err)
		assert.Equal(t, crypto.SHA1, c.Hash)
	}

	raw := "https://d111111abcdef8.cloudfront.net/videos/intro.mp4?q=1&r=<>"
	raw = strings.NewReplacer("<", "%3C", ">", "%3E").Replace(raw)
	p := cloudfront.Policy{Resource: "https://d111111abcdef8.cloudfront.net/videos/*", Expires: exp, NotBefore: signNow.Add(-time.Minute), SourceIP: "2001:db8::/32"}
	sdkPolicy := &sign.Policy{Statements: []sign.Statement{{Resource: p.Resource, Condition: sign.Condition{
		IPAddress: &sign.IPAddress{SourceIP: p.SourceIP}, DateGreaterThan: sign.NewAWSEpochTime(p.NotBefore), DateLessThan: sign.NewAWSEpochTime(p.Expires),
	}}}}
	got, err := s.SignURLWithPolicy(raw, p)
	require.NoError(t, err)
	want, err := sdkURLs.SignWithPolicy(raw, sdkPolicy)
	require.NoError(t, err)
	assert.Equal(t, want, got)

	cookies, err := s.SignCookies(p, &cloudfront.CookieOptions{Domain: "media.example.com", AllowPersistentCookies: true})
	require.NoError(t, err)
	sdkCookies, err := sign.NewCookieSigner("K2JCJMDEHXQW5F", key).SignWithPolicy(sdkPolicy, func(o *sign.CookieOptions) {
		o.Domain, o.Path, o.Secure, o.SameSite, o.Expires = "media.example.com", "/", true, http.SameSiteLaxMode, exp.UTC()
	})
	require.NoError(t, err)
	require.Len(t, cookies, 3, "no CloudFront-Hash-Algorithm cookie")
	for i := range sdkCookies {
		assert.Equal(t, sdkCookies[i].String(), cookies[i].String())
	}
}

// TestVerifierRefusesMislabelledHash: the tests' verifier (cfverify_test.go)
// refuses a SHA-256 signature presented as SHA-1 (no Hash-Algorithm), a
// SHA-1 signature presented as SHA-256, a Hash-Algorithm value CloudFront
// does not document, and a repeated Hash-Algorithm; and accepts each
// signature as it was made. The same for cookies.
func TestVerifierRefusesMislabelledHash(t *testing.T) {
	pub := &rsaKey(t).PublicKey
	exp := signNow.Add(30 * time.Minute)
	const raw = "https://d111111abcdef8.cloudfront.net/a.jpg?x=1"
	sha256URL, err := newSigner(t, nil).SignURL(raw, exp)
	require.NoError(t, err)
	sha1URL, err := newSigner(t, &cloudfront.SignerOptions{InsecureSHA1: true}).SignURL(raw, exp)
	require.NoError(t, err)
	const suffix = "&Hash-Algorithm=SHA256"
	require.True(t, strings.HasSuffix(sha256URL, suffix))
	stripped := strings.TrimSuffix(sha256URL, suffix)

	for _, tc := range []struct {
		name, url string
		ok        bool
	}{
		{"SHA-256 as made", sha256URL, true},
		{"SHA-1 as made", sha1URL, true},
		{"SHA-256 signature presented as SHA-1", stripped, false},
		{"SHA-1 signature presented as SHA-256", sha1URL + suffix, false},
		{"SHA1 named", sha1URL + "&Hash-Algorithm=SHA1", false},
		{"lower case", stripped + "&Hash-Algorithm=sha256", false},
		{"SHA512", stripped + "&Hash-Algorithm=SHA512", false},
		{"empty", stripped + "&Hash-Algorithm=", false},
		{"repeated", sha256URL + suffix, false},
		{"repeated, first one other", stripped + "&Hash-Algorithm=SHA1" + suffix, false},
		{"other key ID", strings.Replace(sha256URL, "K2JCJMDEHXQW5F", "K2JCJMDEHXQW5G", 1), false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := verifyURL(pub, "K2JCJMDEHXQW5F", tc.url)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}

	p := cloudfront.Policy{Resource: "https://d111111abcdef8.cloudfront.net/*", Expires: exp}
	c256, err := newSigner(t, nil).SignCookies(p, nil)
	require.NoError(t, err)
	c1, err := newSigner(t, &cloudfront.SignerOptions{InsecureSHA1: true}).SignCookies(p, nil)
	require.NoError(t, err)
	hashCookie := func(v string) *http.Cookie { return &http.Cookie{Name: "CloudFront-Hash-Algorithm", Value: v} }
	for _, tc := range []struct {
		name    string
		cookies []*http.Cookie
		ok      bool
	}{
		{"SHA-256 as made", c256, true},
		{"SHA-1 as made", c1, true},
		{"SHA-256 presented as SHA-1", c256[:3], false},
		{"SHA-1 presented as SHA-256", append(c1[:3:3], hashCookie("SHA256")), false},
		{"SHA1 named", append(c1[:3:3], hashCookie("SHA1")), false},
		{"repeated", append(c256[:4:4], hashCookie("SHA256")), false},
	} {
		t.Run("cookies/"+tc.name, func(t *testing.T) {
			_, _, err := verifyCookies(pub, "K2JCJMDEHXQW5F", tc.cookies)
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.Error(t, err)
			}
		})
	}
}
