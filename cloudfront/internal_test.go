package cloudfront

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

func TestIsBucketDomain(t *testing.T) {
	cases := []struct {
		domain string
		want   bool
	}{
		{"media.s3.eu-west-1.amazonaws.com", true},
		{"media.s3.amazonaws.com", true},
		{"media.s3-eu-west-1.amazonaws.com", true},
		{"MEDIA.S3.EU-WEST-1.AMAZONAWS.COM.", true},
		{"media.s3-website-eu-west-1.amazonaws.com", false},
		{"media.s3-website.eu-west-1.amazonaws.com", false},
		{"other.s3.eu-west-1.amazonaws.com", false},
		{"xmedia.s3.amazonaws.com", false},
		{"media.s3.eu-west-1.amazonaws.com.evil.example", false},
		{"media.example.com", false},
		{"media.s3.accesspoint.eu-west-1.amazonaws.com", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, isBucketDomain(tc.domain, "media"), tc.domain)
	}
}

func TestCheckBucket(t *testing.T) {
	for _, ok := range []string{"abc", "my-bucket.example", "a1-b2"} {
		assert.NoError(t, checkBucket(ok), ok)
	}
	for _, bad := range []string{"ab", "Upper", "a..b", "-abc", "abc-", "a_b", "a*b", string(make([]byte, 64))} {
		assert.ErrorIs(t, checkBucket(bad), ErrInvalidBucket, bad)
	}
}

// TestProbeActionsFromTheCatalog: the actions every probe asks about are
// what policy's catalog says reading, writing, deleting and listing
// objects need.
func TestProbeActionsFromTheCatalog(t *testing.T) {
	assert.ElementsMatch(t, []string{"s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:ListBucket"}, probeActions)
}
