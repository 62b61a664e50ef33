package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
)

// TestStory runs the program and checks each turn of the story, so that
// what it prints stays true.
func TestStory(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out))
	text := out.String()

	sections := regexp.MustCompile(`(?m)^\d\. `).Split(text, -1)
	require.Len(t, sections, 8, text)
	create, keyGroup, serve, readers, direct, signed, again :=
		sections[1], sections[2], sections[3], sections[4], sections[5], sections[6], sections[7]

	// 1. The bucket is created hardened.
	assert.Regexp(t, `create\s+create\s+create bucket in eu-west-1`, create)
	assert.Regexp(t, `public-access-block\s+none\s+all four Block Public Access settings are on`, create)
	assert.Contains(t, create, "S3SecureDenyInsecureTransport")
	assert.Contains(t, create, "put s3://privatecdn-demo/index.html")

	// 2. A key group with one public key.
	keyIDs := regexp.MustCompile(`key group (\S+) trusts public key (\S+)`).FindStringSubmatch(keyGroup)
	require.Len(t, keyIDs, 3, keyGroup)
	publicKeyID := keyIDs[2]

	// 3. OAC, a new distribution, the bucket policy grant.
	assert.Regexp(t, `origin-access-control\s+create\s+.*s3, sigv4, always`, serve)
	assert.Regexp(t, `create-distribution\s+create\s+.*via OAC`, serve)
	assert.Regexp(t, `bucket-policy\s+update\s+S3SecureAllowCloudFrontOAC`, serve)
	assert.NotContains(t, serve, "warning")
	arnMatch := regexp.MustCompile(`ARN\s+(arn:aws:cloudfront::\d{12}:distribution/[A-Z0-9]+)`).FindStringSubmatch(serve)
	require.Len(t, arnMatch, 2, serve)
	distributionARN := arnMatch[1]
	assert.Contains(t, serve, "for "+distributionARN+" only")
	domain := regexp.MustCompile(`domain\s+https://([a-z0-9]+\.cloudfront\.net)/`).FindStringSubmatch(serve)
	require.Len(t, domain, 2, serve)

	// 4. Only CloudFront acting for this distribution may read.
	assert.Regexp(t, `statement "S3SecureAllowCloudFrontOAC"\s+Allow`, readers)
	assert.Regexp(t, `CloudFront for this distribution\s+Allow\s+\(statement "S3SecureAllowCloudFrontOAC"\)`, readers)
	for _, who := range []string{"CloudFront for another distribution", "CloudFront without a source ARN", "anonymous", `another account \(root\)`} {
		assert.Regexp(t, who+`\s+ImplicitDeny`, readers)
	}
	assert.Equal(t, 1, strings.Count(readers, " Allow "), readers)

	// 5. S3 itself refuses anonymous and cross-account reads.
	assert.Contains(t, direct, "GET /privatecdn-demo/index.html -> 403 AccessDenied: refused")
	assert.Contains(t, direct, "GetObject as account 444455556666 -> AccessDenied: refused")

	// 6. A signed URL for the distribution's domain, signature redacted.
	assert.Contains(t, signed, "https://"+domain[1]+"/index.html?Expires=NOW+600s&Signature=REDACTED&Key-Pair-Id="+publicKeyID)
	assert.Contains(t, signed, "the signature checks out against public key "+publicKeyID)
	assert.Contains(t, signed, "ErrExpiryTooLong: true")
	assert.NotRegexp(t, `Signature=[A-Za-z0-9~_-]{20,}`, text, "no signature is printed")

	// 7. The second run changes nothing.
	assert.Contains(t, again, "=> nothing changed")
	assert.NotRegexp(t, `\s(create|update|remove)\s`, again)
}

func TestRedact(t *testing.T) {
	got := redact("https://d111111abcdef8.cloudfront.net/a.html?Expires=1767225600&Signature=abc~def_&Key-Pair-Id=K2JCJMDEHXQW5F")
	assert.Equal(t, "https://d111111abcdef8.cloudfront.net/a.html?Expires=NOW+600s&Signature=REDACTED&Key-Pair-Id=K2JCJMDEHXQW5F", got)
	assert.Equal(t, "https://d111111abcdef8.cloudfront.net/a?Policy=REDACTED&Signature=REDACTED&Key-Pair-Id=K",
		redact("https://d111111abcdef8.cloudfront.net/a?Policy=eyJ9&Signature=x&Key-Pair-Id=K"))
}

// TestVerifyCanned: the example's check accepts a SHA-256 URL (the
// Signer's default) and a SHA-1 one (SignerOptions.InsecureSHA1) as they
// were made, with RSA and ECDSA P-256 keys, and refuses a SHA-256
// signature presented as SHA-1, a SHA-1 one presented as SHA-256, a
// Hash-Algorithm value CloudFront does not document, a repeated
// Hash-Algorithm and another key ID.
func TestVerifyCanned(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	require.NoError(t, err)
	const raw = "https://d111111abcdef8.cloudfront.net/index.html?v=2"
	for name, key := range map[string]crypto.Signer{"RSA": rsaKey, "ECDSA": ecKey} {
		t.Run(name, func(t *testing.T) {
			sign := func(opts *cloudfront.SignerOptions) string {
				s, err := cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", key, opts)
				require.NoError(t, err)
				u, err := s.SignURL(raw, time.Now().Add(time.Minute))
				require.NoError(t, err)
				return u
			}
			sha256URL, sha1URL := sign(nil), sign(&cloudfront.SignerOptions{InsecureSHA1: true})
			const suffix = "&Hash-Algorithm=SHA256"
			require.True(t, strings.HasSuffix(sha256URL, suffix))
			stripped := strings.TrimSuffix(sha256URL, suffix)
			for _, tc := range []struct {
				name, url string
				ok        bool
			}{
				{"SHA-256 as made", sha256URL, true},
				{"SHA-1 as made", sha1URL, true},
				{"SHA-256 presented as SHA-1", stripped, false},
				{"SHA-1 presented as SHA-256", sha1URL + suffix, false},
				{"SHA1 named", sha1URL + "&Hash-Algorithm=SHA1", false},
				{"lower case", stripped + "&Hash-Algorithm=sha256", false},
				{"repeated", sha256URL + suffix, false},
				{"other key ID", strings.Replace(sha256URL, "K2JCJMDEHXQW5F", "K2JCJMDEHXQW5G", 1), false},
			} {
				err := verifyCanned(key.Public(), "K2JCJMDEHXQW5F", raw, tc.url)
				if tc.ok {
					assert.NoError(t, err, tc.name)
				} else {
					assert.Error(t, err, tc.name)
				}
			}
		})
	}
}
