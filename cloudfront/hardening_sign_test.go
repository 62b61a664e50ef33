package cloudfront_test

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
)

// decodePolicy returns the JSON of a signed URL's Policy parameter.
func decodePolicy(t *testing.T, signed string) string {
	t.Helper()
	u, err := url.Parse(signed)
	require.NoError(t, err)
	p := u.Query().Get("Policy")
	require.NotEmpty(t, p)
	assert.NotContains(t, p, "+")
	assert.NotContains(t, p, "/")
	assert.NotContains(t, p, "=")
	b, err := base64.StdEncoding.DecodeString(strings.NewReplacer("-", "+", "_", "=", "~", "/").Replace(p))
	require.NoError(t, err)
	return string(b)
}

func TestSignURLWithPolicyJSONIsWhatCloudFrontExpects(t *testing.T) {
	key := rsaKey(t)
	now := time.Unix(1767222000, 0)
	s, err := cloudfront.NewSigner("K2JCJMDEHXQW5F", key, &cloudfront.SignerOptions{Now: func() time.Time { return now }})
	require.NoError(t, err)
	signed, err := s.SignURLWithPolicy("https://d111111abcdef8.cloudfront.net/images/a.jpg?x=1&y=<2>", cloudfront.Policy{
		Resource: "https://d111111abcdef8.cloudfront.net/images/*", Expires: now.Add(time.Hour),
		NotBefore: now.Add(-time.Minute), SourceIP: "192.0.2.0/24",
	})
	if err == nil {
		t.Fatalf("an unescaped '<' in the URL must be refused, got %s", signed)
	}
	_, err = s.SignURLWithPolicy("https://d111111abcdef8.cloudfront.net/images/a.jpg?x=1&y=2", cloudfront.Policy{
		Resource: "https://d111111abcdef8.cloudfront.net/images/*?a=1&b=2", Expires: now.Add(time.Hour),
		NotBefore: now.Add(-time.Minute), SourceIP: "192.0.2.0/24",
	})
	require.Error(t, err, "a policy resource that does not cover the URL makes a URL CloudFront refuses")
	assert.ErrorIs(t, err, cloudfront.ErrInvalidPolicy)

	signed, err = s.SignURLWithPolicy("https://d111111abcdef8.cloudfront.net/images/a.jpg?x=1&y=2", cloudfront.Policy{
		Resource: "https://d111111abcdef8.cloudfront.net/images/*", Expires: now.Add(time.Hour),
		NotBefore: now.Add(-time.Minute), SourceIP: "192.0.2.0/24",
	})
	require.NoError(t, err)
	assert.Equal(t, `{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/images/*","Condition":{"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateGreaterThan":{"AWS:EpochTime":1767221940},"DateLessThan":{"AWS:EpochTime":1767225600}}}]}`, decodePolicy(t, signed))

	// No HTML escaping of & in a resource. (The resource is named: a URL
	// with a query holds "?", which an empty Resource refuses.)
	const withQuery = "https://d111111abcdef8.cloudfront.net/a.jpg?x=1&y=2"
	signed, err = s.SignURLWithPolicy(withQuery, cloudfront.Policy{Resource: withQuery, Expires: now.Add(time.Hour)})
	require.NoError(t, err)
	j := decodePolicy(t, signed)
	assert.Contains(t, j, `"Resource":"https://d111111abcdef8.cloudfront.net/a.jpg?x=1&y=2"`)
	var v any
	require.NoError(t, json.Unmarshal([]byte(j), &v))
}

func TestSignURLWithPolicyResourceMustCoverTheURL(t *testing.T) {
	now := time.Unix(1767222000, 0)
	s, err := cloudfront.NewSigner("K2JCJMDEHXQW5F", rsaKey(t), &cloudfront.SignerOptions{Now: func() time.Time { return now }})
	require.NoError(t, err)
	const u = "https://d111111abcdef8.cloudfront.net/images/cat.jpg?size=large"
	for _, tc := range []struct {
		resource string
		ok       bool
	}{
		{"https://d111111abcdef8.cloudfront.net/images/*", true},
		{"https://d111111abcdef8.cloudfront.net/*", true},
		{"https://d111111abcdef8.cloudfront.net/images/c?t.jpg?size=*", true},
		{"https://d111111abcdef8.cloudfront.net/images/cat.jpg?size=large", true},
		{"https://d111111abcdef8.cloudfront.net/images/*.png", false},
		{"https://d111111abcdef8.cloudfront.net/images/cat.jpg", false},
		{"https://d111111abcdef8.cloudfront.net/videos/*", false},
		{"https://d222222abcdef8.cloudfront.net/*", false},
	} {
		t.Run(tc.resource, func(t *testing.T) {
			_, err := s.SignURLWithPolicy(u, cloudfront.Policy{Resource: tc.resource, Expires: now.Add(time.Minute)})
			if tc.ok {
				assert.NoError(t, err)
			} else {
				assert.ErrorIs(t, err, cloudfront.ErrInvalidPolicy)
			}
		})
	}
}

func TestSignerValueAndErrorsHaveNoKeyMaterial(t *testing.T) {
	key := rsaKey(t)
	s, err := cloudfront.NewSigner("K2JCJMDEHXQW5F", key, nil)
	require.NoError(t, err)
	secrets := []string{key.D.String(), key.D.Text(16), key.Primes[0].String(), key.Primes[0].Text(16)}
	outs := []string{fmt.Sprintf("%v|%+v|%#v|%s", *s, *s, *s, s)}
	_, err = s.SignURL("https://d111111abcdef8.cloudfront.net/a.jpg", time.Now().Add(48*time.Hour))
	require.Error(t, err)
	outs = append(outs, fmt.Sprintf("%v|%+v|%#v", err, err, err))
	for _, o := range outs {
		for _, secret := range secrets {
			assert.NotContains(t, o, secret)
		}
	}
}
