package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// TestOAIOfPrincipal: an origin access identity's IAM ARN is read in every
// partition, and is what InPartition makes of OAIPrincipalARN there;
// anything else is not one.
func TestOAIOfPrincipal(t *testing.T) {
	for _, p := range []string{"aws", "aws-cn", "aws-us-gov", "aws-iso-f", "aws-eusc"} {
		st, err := policy.AllowCloudFrontOAI("amzn-s3-demo-bucket", "E2QWRUHEXAMPLE")
		require.NoError(t, err)
		moved, err := policy.InPartition(st, p)
		require.NoError(t, err, p)
		arns := moved.Principal.Get(policy.PrincipalAWS)
		require.Len(t, arns, 1, p)
		assert.Equal(t, "arn:"+p+":iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE", arns[0])
		id, ok := policy.OAIOfPrincipal(arns[0])
		assert.True(t, ok, p)
		assert.Equal(t, "E2QWRUHEXAMPLE", id, p)
	}
	for _, v := range []string{"", "*", "arn:aws:iam::cloudfront:user/CloudFront Origin Access Identity ",
		"arn:aws-moon:iam::cloudfront:user/CloudFront Origin Access Identity E1", "arn:aws:iam::111122223333:user/CloudFront Origin Access Identity E1",
		"arn:aws:iam::cloudfront:role/CloudFront Origin Access Identity E1", "aws:iam::cloudfront:user/CloudFront Origin Access Identity E1",
		"arn:aws:iam:cloudfront:user/CloudFront Origin Access Identity E1", "111122223333"} {
		id, ok := policy.OAIOfPrincipal(v)
		assert.Falsef(t, ok, "%q", v)
		assert.Emptyf(t, id, "%q", v)
	}
}
