package cloudfront_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

const oaiRef = cloudfront.DefaultCallerReferencePrefix + "oai-" + testBucket

func listOAIs(t *testing.T, e *env) []string {
	t.Helper()
	out, err := e.cfc.ListCloudFrontOriginAccessIdentities(t.Context(), &cfsdk.ListCloudFrontOriginAccessIdentitiesInput{})
	require.NoError(t, err)
	var ids []string
	for _, o := range out.CloudFrontOriginAccessIdentityList.Items {
		ids = append(ids, aws.ToString(o.Id))
	}
	return ids
}

func makeOAI(t *testing.T, e *env, ref, comment string) string {
	t.Helper()
	out, err := e.cfc.CreateCloudFrontOriginAccessIdentity(t.Context(), &cfsdk.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{
		CallerReference: aws.String(ref), Comment: aws.String(comment),
	}})
	require.NoError(t, err)
	return aws.ToString(out.CloudFrontOriginAccessIdentity.Id)
}

// A CreateCloudFrontOriginAccessIdentity whose response is lost is sent
// again by the SDK's retryer with the same CallerReference and content,
// and "If the CallerReference is a value already sent in a previous
// identity request, and the content of the
// CloudFrontOriginAccessIdentityConfig is identical to the original
// request (ignoring white space), the response includes the same
// information returned to the original request." (API reference,
// CloudFrontOriginAccessIdentityConfig). CreateLegacyOAI's reference is the
// bucket's, so the retry answers the one identity made, and it is wired as
// if the first response had come. (This held before this test was
// written; the test pins it, and the fake's answer is checked in
// cffake's TestConformance and TestOAIRepeatIsComparedWithTheOriginalRequest.)
func TestCreateLegacyOAIResponseLost(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	cfc, lose := lossyClient(e.cf, "origin-access-identity/cloudfront")
	oai, err := cloudfront.CreateLegacyOAI(t.Context(), cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	sent, lost := lose.counts()
	require.Equal(t, 1, lost)
	require.Equal(t, 2, sent)
	assert.Equal(t, []string{oai.ID}, listOAIs(t, e), "one identity")
	assert.Equal(t, []string{"origin-access-identity:create", "bucket-policy:update"}, actionChanges(oai.Actions))
	assert.True(t, oaiAllowed(t, e.bucketPolicy(t), oai.ID))
}

// TestCreateLegacyOAICommentChanged: someone changed the comment of the
// identity CreateLegacyOAI made, so it is no longer found by comment. The
// create that follows repeats the original request, which CloudFront
// answers with that identity (see TestCreateLegacyOAIResponseLost): no
// second identity is made, and the step reports no change. The fake
// compared a repeat with the identity's current comment and answered
// CloudFrontOriginAccessIdentityAlreadyExists, which the reference gives
// only for content "different from the original request".
func TestCreateLegacyOAICommentChanged(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	first, err := cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	cur, err := e.cfc.GetCloudFrontOriginAccessIdentityConfig(t.Context(), &cfsdk.GetCloudFrontOriginAccessIdentityConfigInput{Id: aws.String(first.ID)})
	require.NoError(t, err)
	cur.CloudFrontOriginAccessIdentityConfig.Comment = aws.String("renamed by hand")
	_, err = e.cfc.UpdateCloudFrontOriginAccessIdentity(t.Context(), &cfsdk.UpdateCloudFrontOriginAccessIdentityInput{
		Id: aws.String(first.ID), IfMatch: cur.ETag, CloudFrontOriginAccessIdentityConfig: cur.CloudFrontOriginAccessIdentityConfig,
	})
	require.NoError(t, err)

	again, err := cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Equal(t, first.ID, again.ID)
	assert.Equal(t, []string{first.ID}, listOAIs(t, e))
	assert.Equal(t, []string{"origin-access-identity:none", "bucket-policy:none"}, actionChanges(again.Actions))
	assert.Contains(t, again.Actions[0].Detail, `its comment is now "renamed by hand"`)
}

// TestCreateLegacyOAINeverAdoptsWhatIsNotOurs: an identity is this
// bucket's only when it was made with the bucket's CallerReference and
// the library's comment. One made with the reference and another comment
// is CloudFront's CloudFrontOriginAccessIdentityAlreadyExists ("If the
// CallerReference is a value you already sent in a previous request to
// create an identity, but the content of the
// CloudFrontOriginAccessIdentityConfig is different from the original
// request, CloudFront returns a CloudFrontOriginAccessIdentityAlreadyExists
// error."): the call fails and the bucket policy grants nothing. One that
// carries the library's comment under another reference is not used (it
// was used, by its comment alone, before): a new identity is made.
func TestCreateLegacyOAINeverAdoptsWhatIsNotOurs(t *testing.T) {
	t.Run("our reference, another comment", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		other := makeOAI(t, e, oaiRef, "someone else's")
		_, err := cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, nil)
		var se *cloudfront.StepError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, cloudfront.StepOriginAccessID, se.Step)
		var exists *types.CloudFrontOriginAccessIdentityAlreadyExists
		require.ErrorAs(t, err, &exists, "CloudFront's error is kept")
		assert.Contains(t, err.Error(), "not adopted")
		assert.Equal(t, []string{other}, listOAIs(t, e))
		_, perr := e.s3c.GetBucketPolicy(t.Context(), &s3.GetBucketPolicyInput{Bucket: aws.String(testBucket)})
		assert.Equal(t, "NoSuchBucketPolicy", apiErrorCode(perr), "no statement for any identity")
	})
	t.Run("our comment, another reference", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		other := makeOAI(t, e, "made-by-hand", "s3secure legacy OAI for bucket "+testBucket)
		oai, err := cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, nil)
		require.NoError(t, err)
		assert.NotEqual(t, other, oai.ID)
		assert.ElementsMatch(t, []string{other, oai.ID}, listOAIs(t, e))
		assert.Equal(t, cloudfront.ChangeCreated, oai.Actions[0].Change)
		assert.Contains(t, oai.Actions[0].Detail, `has the comment but CallerReference "made-by-hand"`)
		doc := e.bucketPolicy(t)
		assert.True(t, oaiAllowed(t, doc, oai.ID))
		assert.False(t, oaiAllowed(t, doc, other), "the look-alike is granted nothing")
	})
}
