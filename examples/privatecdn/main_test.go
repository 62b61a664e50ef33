package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
