package cloudfront_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/policy"
)

// TestOAIInThePartition: outside aws an origin access identity's IAM ARN is
// in the partition (arn:aws-cn:iam::cloudfront:user/CloudFront Origin
// Access Identity ID in China), as the bucket's is. CreateLegacyOAI wrote
// an aws principal and aws resource into a China bucket's policy (which
// grants nothing there); ServeBucket said nothing of a China OAI's grant
// beside the distribution it wired (a way in it reported as closed); and
// Migrate never found the grant to move and remove.
func TestOAIInThePartition(t *testing.T) {
	ctx := t.Context()
	t.Run("CreateLegacyOAI writes it in the bucket's partition", func(t *testing.T) {
		e := newEnvIn(t, "aws-cn", "cn-north-1")
		oai, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, testBucket, nil)
		require.NoError(t, err)
		doc := e.bucketPolicy(t)
		require.Len(t, doc.Statements, 1)
		st := doc.Statements[0]
		assert.Equal(t, policy.Values{"arn:aws-cn:iam::cloudfront:user/CloudFront Origin Access Identity " + oai.ID}, st.Principal.Get(policy.PrincipalAWS))
		assert.Equal(t, policy.Values{"arn:aws-cn:s3:::" + testBucket + "/*"}, st.Resource)

		e.resetCounts()
		again, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, testBucket, nil)
		require.NoError(t, err)
		assert.Equal(t, oai.ID, again.ID)
		assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "a second run recognises its grant")

		id, _ := legacyDistribution(t, e, oai.OriginValue)
		e.cf.Deploy(id)
		_, err = cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
		require.NoError(t, err)
		for _, s := range e.bucketPolicy(t).Statements {
			for _, v := range s.Principal.Get(policy.PrincipalAWS) {
				_, isOAI := policy.OAIOfPrincipal(v)
				assert.False(t, isOAI, "Migrate removed the identity's grant: %s", v)
			}
		}
	})
	t.Run("ServeBucket names a China OAI's grant", func(t *testing.T) {
		e := newEnvIn(t, "aws-cn", "cn-north-1")
		e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[{"Sid":"OldOAI","Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::cloudfront:user/CloudFront Origin Access Identity E2QWRUHEXAMPLE"},"Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::`+testBucket+`/*"}]}`)
		res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
		require.NoError(t, err)
		require.Len(t, res.Warnings, 1, "%v", res.Warnings)
		assert.Contains(t, res.Warnings[0], `"OldOAI"`)
		assert.Contains(t, res.Warnings[0], "E2QWRUHEXAMPLE")
	})
}
