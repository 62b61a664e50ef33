package cloudfront_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
)

// CloudFront's rules for a custom policy's Resource (CloudFront developer
// guide, "Create a signed URL using a custom policy", Values that you
// specify in the policy statement): "The value must begin with http://,
// https://, or *", and "You can use the wildcard character that matches
// zero or more characters (*) or the wild-card character that matches
// exactly one character (?) anywhere in the string". The guide documents no
// way to escape either character: in a Resource, "*" and "?" are always
// wildcards, wherever they stand and whatever they were meant to be.

// TestPolicyResourceHostHasNoWildcard pins that no wildcard can reach the
// scheme or the host, where it would let the signature work for other
// hosts (other distributions that trust the same key group): the host
// ends at the first "/", and nothing before that "/" may be "*" or "?".
func TestPolicyResourceHostHasNoWildcard(t *testing.T) {
	s := newSigner(t, &cloudfront.SignerOptions{InsecureAllowHTTP: true})
	exp := signNow.Add(time.Hour)
	for _, tc := range []struct {
		resource string
		// matches is a URL of another host the resource would cover.
		matches string
	}{
		{"https://d?*", "https://d222222abcdef8.cloudfront.net/a.jpg"},
		{"https://d?????????????.cloudfront.net/*", "https://d222222abcdef8.cloudfront.net/a.jpg"},
		{"https://d111111abcdef8.cloudfront.ne?/*", "https://d111111abcdef8.cloudfront.nex/a.jpg"},
		{"https://d111111abcdef8.cloudfront.net?*", "https://d111111abcdef8.cloudfront.net.example.com/a.jpg"},
		{"https://d111111abcdef8.cloudfront.net*", "https://d111111abcdef8.cloudfront.net.example.com/a.jpg"},
		{"https://*.cloudfront.net/*", "https://d222222abcdef8.cloudfront.net/a.jpg"},
		{"https://media.example.com?a=1", "https://media.example.comxa=1"},
		// A wildcard in the scheme runs on into the host: "http*://H/x"
		// covers "https://OTHER/?=://H/x".
		{"http*://d111111abcdef8.cloudfront.net/x", "https://d222222abcdef8.cloudfront.net/?=://d111111abcdef8.cloudfront.net/x"},
		{"http?://d111111abcdef8.cloudfront.net/x", "https://d111111abcdef8.cloudfront.net/x"},
		{"*://d111111abcdef8.cloudfront.net/x", "https://d222222abcdef8.cloudfront.net/?=://d111111abcdef8.cloudfront.net/x"},
		{"*", "https://d222222abcdef8.cloudfront.net/a.jpg"},
	} {
		t.Run(tc.resource, func(t *testing.T) {
			require.True(t, cloudfront.ResourceMatches(tc.resource, tc.matches), "the case is real: the pattern covers another host")
			_, err := s.SignCookies(cloudfront.Policy{Resource: tc.resource, Expires: exp}, nil)
			assert.ErrorIs(t, err, cloudfront.ErrInvalidURL, "cookies")
			_, err = s.SignURLWithPolicy(tc.matches, cloudfront.Policy{Resource: tc.resource, Expires: exp})
			assert.ErrorIs(t, err, cloudfront.ErrInvalidURL, "URL")
		})
	}
	// Wildcards after the host's "/" stay allowed, a port too.
	for _, ok := range []string{
		"https://d111111abcdef8.cloudfront.net/*",
		"https://d111111abcdef8.cloudfront.net/images/c?t.jpg?size=*",
		"https://d111111abcdef8.cloudfront.net:443/*",
		"https://d111111abcdef8.cloudfront.net/",
		"https://d111111abcdef8.cloudfront.net",
	} {
		_, err := s.SignCookies(cloudfront.Policy{Resource: ok, Expires: exp}, nil)
		assert.NoError(t, err, ok)
	}
}

// TestSignURLWithPolicyEmptyResourceIsExact pins that an empty Resource
// signs exactly the URL given: a "*" or "?" in it would be read by
// CloudFront as a wildcard, and the policy language has no escape, so such
// a URL is refused (pass Resource yourself to sign a pattern on purpose).
func TestSignURLWithPolicyEmptyResourceIsExact(t *testing.T) {
	s := newSigner(t, nil)
	exp := signNow.Add(time.Hour)
	for _, tc := range []struct {
		url, other string
	}{
		{"https://d111111abcdef8.cloudfront.net/user/*/avatar.png", "https://d111111abcdef8.cloudfront.net/user/admin/secret/avatar.png"},
		{"https://d111111abcdef8.cloudfront.net/report*", "https://d111111abcdef8.cloudfront.net/report-2025-private.pdf"},
		{"https://d111111abcdef8.cloudfront.net/a?.jpg", "https://d111111abcdef8.cloudfront.net/ab.jpg"},
		{"https://d111111abcdef8.cloudfront.net/a.jpg?x=1", "https://d111111abcdef8.cloudfront.net/a.jpg/x=1"},
	} {
		t.Run(tc.url, func(t *testing.T) {
			require.True(t, cloudfront.ResourceMatches(tc.url, tc.other), "read as a policy resource, the URL covers another object")
			_, err := s.SignURLWithPolicy(tc.url, cloudfront.Policy{Expires: exp, SourceIP: "192.0.2.0/24"})
			require.ErrorIs(t, err, cloudfront.ErrInvalidPolicy)
			assert.Contains(t, err.Error(), "Resource")
			// The canned policy is an exact match: those URLs sign there.
			_, err = s.SignURL(tc.url, exp)
			assert.NoError(t, err)
			// Naming the pattern explicitly is the opt-in.
			signed, err := s.SignURLWithPolicy(tc.url, cloudfront.Policy{Resource: tc.url, Expires: exp})
			require.NoError(t, err)
			assert.True(t, strings.HasPrefix(signed, tc.url))
		})
	}
	_, err := s.SignURLWithPolicy("https://d111111abcdef8.cloudfront.net/a.jpg", cloudfront.Policy{Expires: exp})
	assert.NoError(t, err, "a URL without wildcard characters signs as itself")
}
