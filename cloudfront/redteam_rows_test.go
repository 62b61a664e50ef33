package cloudfront_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestRedTeamCloudFrontRows pins what a red-team pass over "a CloudFront
// distribution is the only way in" tried and found already right. Each
// row sets a bucket and its CloudFront side up, runs ServeBucket and
// checks what a security team would gate on.
func TestRedTeamCloudFrontRows(t *testing.T) {
	oacNamed := func(t *testing.T, e *env, origin types.OriginAccessControlOriginTypes, signing types.OriginAccessControlSigningBehaviors) string {
		out, err := e.cfc.CreateOriginAccessControl(t.Context(), &cfsdk.CreateOriginAccessControlInput{OriginAccessControlConfig: &types.OriginAccessControlConfig{
			Name: aws.String(cloudfront.OACName(testBucket)), OriginAccessControlOriginType: origin,
			SigningBehavior: signing, SigningProtocol: types.OriginAccessControlSigningProtocolsSigv4,
		}})
		require.NoError(t, err)
		return aws.ToString(out.OriginAccessControl.Id)
	}
	rows := []struct {
		name string
		run  func(t *testing.T, e *env)
	}{
		{"an OAC that lets a viewer's Authorization header through (no-override) signs always again", func(t *testing.T, e *env) {
			id := oacNamed(t, e, types.OriginAccessControlOriginTypesS3, types.OriginAccessControlSigningBehaviorsNoOverride)
			_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			got, err := e.cfc.GetOriginAccessControl(t.Context(), &cfsdk.GetOriginAccessControlInput{Id: aws.String(id)})
			require.NoError(t, err)
			assert.Equal(t, types.OriginAccessControlSigningBehaviorsAlways, got.OriginAccessControl.OriginAccessControlConfig.SigningBehavior)
		}},
		{"an OAC of the name for another origin type is refused, nothing written", func(t *testing.T, e *env) {
			oacNamed(t, e, types.OriginAccessControlOriginTypesMediastore, types.OriginAccessControlSigningBehaviorsAlways)
			e.resetCounts()
			_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.ErrorIs(t, err, cloudfront.ErrOACMisconfigured)
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())
		}},
		{"the library's statement without AWS:SourceArn (any distribution) is rewritten for this one only", func(t *testing.T, e *env) {
			e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement(cloudfront.OACStatementSid, "", "")+`]}`)
			res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.NoError(t, err)
			assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)
		}},
		{"an https-only behavior stays https-only, allow-all is redirected", func(t *testing.T, e *env) {
			cfg := legacyConfig("by-hand", "")
			cfg.CacheBehaviors = &types.CacheBehaviors{Quantity: aws.Int32(1), Items: []types.CacheBehavior{insecureBehavior("strict/*", "bucket", "GET", "HEAD")}}
			cfg.CacheBehaviors.Items[0].ViewerProtocolPolicy = types.ViewerProtocolPolicyHttpsOnly
			out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
			require.NoError(t, err)
			_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: aws.ToString(out.Distribution.Id)})
			require.NoError(t, err)
			got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: out.Distribution.Id})
			require.NoError(t, err)
			assert.Equal(t, types.ViewerProtocolPolicyHttpsOnly, got.DistributionConfig.CacheBehaviors.Items[0].ViewerProtocolPolicy)
			assert.Equal(t, types.ViewerProtocolPolicyRedirectToHttps, got.DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy)
		}},
		{"a public statement from before Block Public Access still lets service principals in: refused", func(t *testing.T, e *env) {
			// S3 user guide, RestrictPublicBuckets: it "restricts access to
			// this bucket to only AWS service principals and authorized
			// users within this account if the bucket has a public
			// policy", so cloudfront.amazonaws.com for any distribution
			// still reads through the public statement.
			ctx := t.Context()
			_, err := e.s3c.DeletePublicAccessBlock(ctx, &s3.DeletePublicAccessBlockInput{Bucket: aws.String(testBucket)})
			require.NoError(t, err)
			e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Public","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::`+testBucket+`/*"}]}`)
			on := aws.Bool(true)
			_, err = e.s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(testBucket), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: on, IgnorePublicAcls: on, BlockPublicPolicy: on, RestrictPublicBuckets: on}})
			require.NoError(t, err)
			e.resetCounts()
			_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
			require.ErrorIs(t, err, cloudfront.ErrUnscopedCloudFrontAccess)
			assert.Contains(t, err.Error(), `"Public"`)
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())
		}},
		{"an unscoped statement after 40 others, each with its own prefix, accounts and Referer, is still found", func(t *testing.T, e *env) {
			var sts []string
			for i := range 40 {
				sts = append(sts, fmt.Sprintf(`{"Sid":"Team%d","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::1111222233%02d:root"},"Action":["s3:GetObject","s3:Put*"],"Resource":"arn:aws:s3:::%s/team%d/*","Condition":{"StringLike":{"aws:Referer":"https://team%d.example/*"}}}`, i, i, testBucket, i, i))
			}
			sts = append(sts, `{"Sid":"Last","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::`+testBucket+`/team7/*","Condition":{"StringLike":{"aws:Referer":"https://team7.example/*"}}}`)
			e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+strings.Join(sts, ",")+`]}`)
			e.resetCounts()
			_, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
			require.ErrorIs(t, err, cloudfront.ErrUnscopedCloudFrontAccess)
			assert.Contains(t, err.Error(), `"Last"`)
			assert.NotContains(t, err.Error(), `"Team7"`, "a statement for an account's root is not CloudFront's")
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())
		}},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			r.run(t, newEnv(t, s3fake.StateAWSDefault))
		})
	}
}
