package cloudfront_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// TestMigrateNeverWidensThroughAnotherDistributionsStatement: Migrate
// documents that "the OAC statement grants what the bucket policy granted
// the OAI, never more: an OAI statement limited to part of the bucket
// (B/public/*, a condition) gives an OAC statement limited the same way".
// When the bucket already had the OAC statement for another distribution
// (served by ServeBucket, on B/*), Migrate added this distribution to that
// statement's AWS:SourceArn list, so a distribution whose OAI read only
// public/ read private/ too after the migration. It now refuses with
// ErrPolicyConflict before any write, and the old path keeps working.
func TestMigrateNeverWidensThroughAnotherDistributionsStatement(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	oai, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	const other = "arn:aws:cloudfront::111122223333:distribution/EOTHER1"
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"PublicOnly","Effect":"Allow","Principal":{"AWS":"`+policy.OAIPrincipalARN(oai.ID)+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::`+testBucket+`/public/*"},`+
		cfStatement(cloudfront.OACStatementSid, "", `{"StringEquals":{"AWS:SourceArn":"`+other+`"}}`)+`]}`)
	id, _ := legacyDistribution(t, e, oai.OriginValue)
	e.cf.Deploy(id)
	private := "arn:aws:s3:::" + testBucket + "/private/payroll.csv"
	before := string(mustMarshal(t, e.bucketPolicy(t)))

	res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	doc := e.bucketPolicy(t)
	if res != nil && res.DistributionARN != "" {
		assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", private, res.DistributionARN), "the migration widened the distribution's access to private/: %s", mustMarshal(t, doc))
	}
	require.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
	assert.Contains(t, err.Error(), cloudfront.OACStatementSid)
	assert.Equal(t, before, string(mustMarshal(t, doc)), "nothing written")
	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, oai.OriginValue, aws.ToString(got.DistributionConfig.Origins.Items[0].S3OriginConfig.OriginAccessIdentity), "the origin still uses the OAI")
}

// TestMigrateRefusesAnIdentityTheBucketPolicyDoesNotGrant: an origin
// access identity with no statement in the bucket policy reads only what
// object ACLs grant its canonical user (or nothing); Migrate granted the
// distribution every object of the bucket (the OAC statement on B/*).
// It now refuses with ErrPolicyConflict before any write; once the owner
// grants the distribution under OACStatementSid what it should read,
// Migrate keeps that statement and finishes.
func TestMigrateRefusesAnIdentityTheBucketPolicyDoesNotGrant(t *testing.T) {
	for _, noPolicy := range []bool{false, true} {
		t.Run(map[bool]string{false: "a policy without its statement", true: "no policy"}[noPolicy], func(t *testing.T) {
			migrateUngrantedIdentity(t, noPolicy)
		})
	}
}

func migrateUngrantedIdentity(t *testing.T, noPolicy bool) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	oai, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	keep := `{"Sid":"KeepMe","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::` + testBucket + `/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`
	if noPolicy {
		_, err = e.s3c.DeleteBucketPolicy(ctx, &s3.DeleteBucketPolicyInput{Bucket: aws.String(testBucket)})
		require.NoError(t, err)
	} else {
		e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+keep+`]}`)
	}
	id, _ := legacyDistribution(t, e, oai.OriginValue)
	e.cf.Deploy(id)
	private := "arn:aws:s3:::" + testBucket + "/private/payroll.csv"
	text := func() string {
		out, err := e.s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(testBucket)})
		if err != nil {
			return "no policy"
		}
		return aws.ToString(out.Policy)
	}
	before := text()

	res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	if after := text(); after != "no policy" && res != nil && res.DistributionARN != "" {
		doc, perr := policy.Parse([]byte(after))
		require.NoError(t, perr)
		assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", private, res.DistributionARN), "the migration granted the distribution the whole bucket: %s", after)
	}
	require.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
	assert.Equal(t, before, text(), "nothing written")

	// The owner grants the distribution public/ under the library's Sid.
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+keep+`,{"Sid":"`+cloudfront.OACStatementSid+`","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::`+testBucket+`/public/*","Condition":{"StringEquals":{"AWS:SourceArn":"`+res.DistributionARN+`"}}}]}`)
	res, err = cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	doc := e.bucketPolicy(t)
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/public/a.png", res.DistributionARN))
	assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", private, res.DistributionARN), "%s", mustMarshal(t, doc))
}

// TestMigrateRefusesAnOriginWithoutAnIdentity: an S3 origin with an empty
// OriginAccessIdentity reaches the bucket without one ("If you want end
// users to be able to access objects using either the CloudFront URL or
// the Amazon S3 URL, specify an empty OriginAccessIdentity element", API
// reference, S3Origin), so the distribution reads what is public, and of
// a private bucket nothing. Migrate promises to move an origin from an
// identity "without a moment where the bucket ... trusts anyone new", the
// OAC statement granting "what the bucket policy granted the OAI, never
// more"; on such an origin it granted the distribution every object of
// the private bucket, without a word. It now refuses with
// ErrPolicyConflict before any write (ServeBucket is the call that serves
// a bucket); once the owner grants the distribution under
// OACStatementSid, Migrate keeps that grant and switches the origin.
func TestMigrateRefusesAnOriginWithoutAnIdentity(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	id, _ := legacyDistribution(t, e, "")
	e.cf.Deploy(id)
	e.resetCounts()

	res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
	assert.Contains(t, err.Error(), "ServeBucket")
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "nothing written: %v", e.cf.Counts())

	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[{"Sid":"`+cloudfront.OACStatementSid+`","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::`+testBucket+`/public/*","Condition":{"StringEquals":{"AWS:SourceArn":"`+res.DistributionARN+`"}}}]}`)
	res, err = cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	doc := e.bucketPolicy(t)
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/public/a.png", res.DistributionARN))
	assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/private/payroll.csv", res.DistributionARN), "%s", mustMarshal(t, doc))
}
