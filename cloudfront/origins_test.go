package cloudfront_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// insecureBehavior is a cache behavior for target the way many were set
// up by hand: plain HTTP allowed, every method, legacy cache settings.
func insecureBehavior(path, target string, methods ...types.Method) types.CacheBehavior {
	return types.CacheBehavior{
		PathPattern: aws.String(path), TargetOriginId: aws.String(target),
		ViewerProtocolPolicy: types.ViewerProtocolPolicyAllowAll,
		AllowedMethods: &types.AllowedMethods{Quantity: aws.Int32(int32(len(methods))), Items: methods,
			CachedMethods: &types.CachedMethods{Quantity: aws.Int32(2), Items: []types.Method{"GET", "HEAD"}}},
		ForwardedValues: &types.ForwardedValues{QueryString: aws.Bool(false), Cookies: &types.CookiePreference{Forward: types.ItemSelectionNone}},
		MinTTL:          aws.Int64(0),
	}
}

// TestServeBucketSecuresEveryWayTheDistributionReachesTheBucket: a
// distribution can reach the bucket through more than one origin (one per
// origin path, say) and a cache behavior can target an origin group
// instead of an origin (API reference, OriginGroup: "you can specify the
// origin group instead of a single origin"). ServeBucket looked at the
// first origin for the bucket only and at the behaviors that name it: a
// second origin for the bucket kept its legacy OAI or no signing at all,
// and behaviors for it or for a group holding the bucket's origin kept
// plain HTTP and every method, while ServeBucket reported the
// distribution secured. Now every origin for the bucket is switched (one
// with an OAI refused with ErrUsesOAI before any write, as the first one
// is) and every behavior that reaches the bucket is secured.
func TestServeBucketSecuresEveryWayTheDistributionReachesTheBucket(t *testing.T) {
	secondOrigin := func(cfg *types.DistributionConfig, oai string) {
		o := cfg.Origins.Items[0]
		o.Id, o.OriginPath = aws.String("bucket-v2"), aws.String("/v2")
		o.S3OriginConfig = &types.S3OriginConfig{OriginAccessIdentity: aws.String(oai)}
		cfg.Origins = &types.Origins{Quantity: aws.Int32(2), Items: []types.Origin{cfg.Origins.Items[0], o}}
	}
	t.Run("second origin for the bucket", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		cfg := legacyConfig("by-hand", "")
		secondOrigin(cfg, "")
		cfg.CacheBehaviors = &types.CacheBehaviors{Quantity: aws.Int32(1), Items: []types.CacheBehavior{
			insecureBehavior("v2/*", "bucket-v2", "GET", "HEAD", "OPTIONS", "PUT", "PATCH", "POST", "DELETE"),
		}}
		out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
		require.NoError(t, err)
		id := aws.ToString(out.Distribution.Id)
		res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
		require.NoError(t, err)
		got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
		require.NoError(t, err)
		for _, o := range got.DistributionConfig.Origins.Items {
			assert.Equal(t, res.OriginAccessControlID, aws.ToString(o.OriginAccessControlId), aws.ToString(o.Id))
			assert.Equal(t, cloudfront.RESTEndpoint(testBucket, testRegion), aws.ToString(o.DomainName), aws.ToString(o.Id))
		}
		assert.Equal(t, "/v2", aws.ToString(got.DistributionConfig.Origins.Items[1].OriginPath), "the origin path is kept")
		b := got.DistributionConfig.CacheBehaviors.Items[0]
		assert.Equal(t, types.ViewerProtocolPolicyRedirectToHttps, b.ViewerProtocolPolicy)
		assert.ElementsMatch(t, []types.Method{"GET", "HEAD"}, b.AllowedMethods.Items)
		assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)

		e.resetCounts()
		again, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
		require.NoError(t, err)
		assert.False(t, again.Changed(), "%v", again.Actions)
	})
	t.Run("second origin for the bucket with an OAI", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		oai, err := cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, nil)
		require.NoError(t, err)
		cfg := legacyConfig("by-hand", "")
		secondOrigin(cfg, oai.OriginValue)
		out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
		require.NoError(t, err)
		e.resetCounts()
		_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: aws.ToString(out.Distribution.Id)})
		require.ErrorIs(t, err, cloudfront.ErrUsesOAI)
		assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "refused before any write: %v", e.cf.Counts())
	})
	t.Run("behavior targets an origin group holding the bucket", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		cfg := legacyConfig("by-hand", "")
		replica := types.Origin{Id: aws.String("replica"), DomainName: aws.String("replica-bucket.s3.us-west-2.amazonaws.com"),
			S3OriginConfig: &types.S3OriginConfig{OriginAccessIdentity: aws.String("")}}
		cfg.Origins = &types.Origins{Quantity: aws.Int32(2), Items: []types.Origin{cfg.Origins.Items[0], replica}}
		cfg.OriginGroups = &types.OriginGroups{Quantity: aws.Int32(1), Items: []types.OriginGroup{{
			Id:               aws.String("failover"),
			FailoverCriteria: &types.OriginGroupFailoverCriteria{StatusCodes: &types.StatusCodes{Quantity: aws.Int32(1), Items: []int32{500}}},
			Members: &types.OriginGroupMembers{Quantity: aws.Int32(2), Items: []types.OriginGroupMember{
				{OriginId: aws.String("bucket")}, {OriginId: aws.String("replica")},
			}},
		}}}
		cfg.DefaultCacheBehavior.TargetOriginId = aws.String("failover")
		cfg.DefaultCacheBehavior.AllowedMethods.Items = []types.Method{"GET", "HEAD", "OPTIONS"}
		cfg.DefaultCacheBehavior.AllowedMethods.Quantity = aws.Int32(3)
		out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: cfg})
		require.NoError(t, err)
		id := aws.ToString(out.Distribution.Id)
		_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
		require.NoError(t, err)
		got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
		require.NoError(t, err)
		d := got.DistributionConfig.DefaultCacheBehavior
		assert.Equal(t, types.ViewerProtocolPolicyRedirectToHttps, d.ViewerProtocolPolicy)
		assert.ElementsMatch(t, []types.Method{"GET", "HEAD"}, d.AllowedMethods.Items)
		assert.Equal(t, cloudfront.DefaultResponseHeadersPolicyID, aws.ToString(d.ResponseHeadersPolicyId))
		assert.Equal(t, "failover", aws.ToString(d.TargetOriginId), "the group stays the target")
		assert.Equal(t, replica, got.DistributionConfig.Origins.Items[1], "the other member is not the bucket: untouched")
	})
}
