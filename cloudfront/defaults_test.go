package cloudfront_test

import (
	"crypto"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/cloudfront"
)

// TestDefaults pins every default: changing one must be a deliberate,
// reviewed change of this test too.
func TestDefaults(t *testing.T) {
	assert.Equal(t, types.ViewerProtocolPolicyRedirectToHttps, cloudfront.DefaultViewerProtocolPolicy)
	assert.Equal(t, types.MinimumProtocolVersion("TLSv1.2_2021"), cloudfront.DefaultMinimumProtocolVersion)
	assert.Equal(t, types.HttpVersion("http2and3"), cloudfront.DefaultHTTPVersion)
	assert.Equal(t, "658327ea-f89d-4fab-a63d-7e88639e58f6", cloudfront.DefaultCachePolicyID, "managed CachingOptimized")
	assert.Equal(t, "67f7725c-6f97-4210-82d7-5512b31e9d03", cloudfront.DefaultResponseHeadersPolicyID, "managed SecurityHeadersPolicy")
	assert.Equal(t, "index.html", cloudfront.DefaultRootObject)
	assert.Equal(t, types.PriceClassPriceClassAll, cloudfront.DefaultPriceClass)
	assert.Equal(t, "s3secure-s3-origin", cloudfront.DefaultOriginID)
	assert.Equal(t, "s3secure-", cloudfront.DefaultOACNamePrefix)
	assert.Equal(t, "s3secure-", cloudfront.DefaultCallerReferencePrefix)
	assert.Equal(t, 3, cloudfront.MaxConfigWriteAttempts)
	assert.Equal(t, 20*time.Second, cloudfront.DefaultDeployPollInterval)
	assert.Equal(t, 25*time.Minute, cloudfront.DefaultDeployTimeout)
	assert.Equal(t, time.Hour, cloudfront.DefaultMaxSignedExpiry)
	assert.Equal(t, 7*24*time.Hour, cloudfront.AbsoluteMaxSignedExpiry)
	assert.Equal(t, http.SameSiteLaxMode, cloudfront.DefaultCookieSameSite)
	assert.Equal(t, "/", cloudfront.DefaultCookiePath)
	assert.Equal(t, 2048, cloudfront.MinRSAKeyBits)
	assert.Equal(t, crypto.SHA256, cloudfront.DefaultSignatureHash)
	assert.Equal(t, "S3SecureAllowCloudFrontOAC", cloudfront.OACStatementSid)
	assert.Equal(t, "S3SecureAllowCloudFrontOAI", cloudfront.OAIStatementSid)
	assert.Equal(t, "S3SecureAllowCloudFrontSSEKMS", cloudfront.KMSStatementSidPrefix)
	assert.Equal(t, "origin-access-identity/cloudfront/", cloudfront.OAIOriginPrefix)
	assert.Equal(t, "b.s3.eu-west-1.amazonaws.com", cloudfront.RESTEndpoint("b", "eu-west-1"))
}
