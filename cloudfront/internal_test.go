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
		{"media.s3-external-1.amazonaws.com", true},
		{"media.s3-external-1.amazonaws.com.cn", false},
		{"media.s3-external-2.amazonaws.com", false},
		{"MEDIA.S3.EU-WEST-1.AMAZONAWS.COM.", true},
		{"media.s3-website-eu-west-1.amazonaws.com", false},
		{"media.s3-website.eu-west-1.amazonaws.com", false},
		{"other.s3.eu-west-1.amazonaws.com", false},
		{"xmedia.s3.amazonaws.com", false},
		{"media.s3.eu-west-1.amazonaws.com.evil.example", false},
		{"media.example.com", false},
		{"media.s3.accesspoint.eu-west-1.amazonaws.com", false},
		// Other partitions: the Region's own DNS suffix, and only that.
		{"media.s3.cn-north-1.amazonaws.com.cn", true},
		{"media.s3.cn-northwest-1.amazonaws.com.cn", true},
		{"media.s3.us-gov-west-1.amazonaws.com", true},
		{"media.s3-us-gov-west-1.amazonaws.com", true},
		{"media.s3.us-iso-east-1.c2s.ic.gov", true},
		{"media.s3.us-isob-east-1.sc2s.sgov.gov", true},
		{"media.s3.eusc-de-east-1.amazonaws.eu", true},
		{"media.s3.cn-north-1.amazonaws.com", false},
		{"media.s3-cn-north-1.amazonaws.com", false},
		{"media.s3.eu-west-1.amazonaws.com.cn", false},
		{"media.s3.us-iso-east-1.amazonaws.com", false},
		{"media.s3.amazonaws.com.cn", false},
		{"media.s3.cn-north-1.amazonaws.com.cn.evil.example", false},
		{"media.s3-website.cn-north-1.amazonaws.com.cn", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, isBucketDomain(tc.domain, "media"), tc.domain)
	}
}

func TestIsWebsiteDomain(t *testing.T) {
	cases := []struct {
		domain string
		want   bool
	}{
		{"media.s3-website-eu-west-1.amazonaws.com", true},
		{"media.s3-website.eu-central-1.amazonaws.com", true},
		{"media.s3-website.cn-north-1.amazonaws.com.cn", true},
		{"media.s3-website-us-gov-west-1.amazonaws.com", true},
		{"media.s3-website.cn-north-1.amazonaws.com", false},
		{"media.s3-website.eu-west-1.amazonaws.com.cn", false},
		{"media.s3.cn-north-1.amazonaws.com.cn", false},
		{"media.s3-websiteeu-west-1.amazonaws.com", false},
		{"other.s3-website.cn-north-1.amazonaws.com.cn", false},
	}
	for _, tc := range cases {
		assert.Equal(t, tc.want, isWebsiteDomain(tc.domain, "media"), tc.domain)
	}
}

// TestRESTEndpointIsABucketDomain: the origin RESTEndpoint builds is
// recognised as the bucket's in every partition (and for a Region no
// partition claims), so that a second run finds the distribution the
// first one made.
func TestRESTEndpointIsABucketDomain(t *testing.T) {
	for _, r := range []string{"us-east-1", "cn-north-1", "us-gov-east-1", "us-iso-west-1", "us-isob-east-1", "eu-isoe-west-1", "us-isof-east-1", "eusc-de-east-1", "xx-east-1"} {
		assert.True(t, isBucketDomain(RESTEndpoint("media", r), "media"), r)
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
