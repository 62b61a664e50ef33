package cloudfront_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

var fastPoll = &cloudfront.MigrateOptions{PollInterval: time.Millisecond, DeployTimeout: 5 * time.Second}

// oaiAllowed decides a GetObject by the OAI (by its IAM ARN, the form the
// statement uses).
func oaiAllowed(t *testing.T, doc *policy.Document, oaiID string) bool {
	t.Helper()
	return allowed(t, doc, policy.Caller{ARN: policy.OAIPrincipalARN(oaiID)}, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a.jpg", "")
}

func TestCreateLegacyOAI(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	oai, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Regexp(t, `^E[A-Z0-9]{13}$`, oai.ID)
	assert.NotEmpty(t, oai.S3CanonicalUserID)
	assert.Equal(t, "origin-access-identity/cloudfront/"+oai.ID, oai.OriginValue)
	doc := e.bucketPolicy(t)
	require.Len(t, doc.Statements, 1)
	want, err := policy.AllowCloudFrontOAI(testBucket, oai.ID)
	require.NoError(t, err)
	assert.True(t, policy.Equivalent(want, doc.Statements[0]))
	assert.True(t, oaiAllowed(t, doc, oai.ID))
	assert.False(t, oaiAllowed(t, doc, "EOTHEROAI00000"))
	assert.False(t, allowed(t, doc, policy.Caller{}, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a.jpg", ""))

	e.resetCounts()
	again, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Equal(t, oai.ID, again.ID)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "second run writes nothing")
	for _, a := range again.Actions {
		assert.Equal(t, cloudfront.ChangeNone, a.Change, a.String())
	}

	legacy := newEnv(t, s3fake.StateLegacy)
	_, err = cloudfront.CreateLegacyOAI(ctx, legacy.cfc, legacy.s3c, testBucket, nil)
	assert.ErrorIs(t, err, cloudfront.ErrPublicAccessBlockOff)
	_, err = cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, "Bad_Bucket", nil)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidBucket)
}

// legacySetup is a bucket served through an OAI, the way AWS documented it
// before 2022, with a foreign statement in the bucket policy.
func legacySetup(t *testing.T, e *env) (*cloudfront.LegacyOAI, string) {
	t.Helper()
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[{"Sid":"KeepMe","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::media-example-bucket","arn:aws:s3:::media-example-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	oai, err := cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	id, _ := legacyDistribution(t, e, oai.OriginValue)
	e.cf.Deploy(id)
	return oai, id
}

func TestMigrate(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	oai, id := legacySetup(t, e)

	res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	assert.Empty(t, res.Warnings)
	var steps []string
	for _, a := range res.Actions {
		steps = append(steps, a.Step+":"+string(a.Change))
	}
	assert.Equal(t, []string{"origin-access-control:create", "bucket-policy:update", "update-distribution:update", "wait-deployed:none", "remove-oai-statement:remove"}, steps)

	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	o := got.DistributionConfig.Origins.Items[0]
	assert.Equal(t, res.OriginAccessControlID, aws.ToString(o.OriginAccessControlId))
	assert.Equal(t, "", aws.ToString(o.S3OriginConfig.OriginAccessIdentity))
	assert.Equal(t, "my site", aws.ToString(got.DistributionConfig.Comment), "nothing else changes in a migration")

	doc := e.bucketPolicy(t)
	assert.Equal(t, []string{"KeepMe", cloudfront.OACStatementSid}, doc.Sids())
	assert.False(t, oaiAllowed(t, doc, oai.ID), "the OAI lost access")
	assertOnlyDistribution(t, doc, res.DistributionARN)

	_, err = e.cfc.GetCloudFrontOriginAccessIdentity(ctx, &cfsdk.GetCloudFrontOriginAccessIdentityInput{Id: aws.String(oai.ID)})
	assert.NoError(t, err, "the identity is kept by default")

	e.resetCounts()
	again, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	assert.False(t, again.Changed(), "%v", again.Actions)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount())
}

func TestMigrateFailureKeepsTheOldPath(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	oai, id := legacySetup(t, e)
	e.cf.InjectFault("UpdateDistribution", cffake.Fault{Status: 500, Code: "InternalError", Message: "injected", Times: 1})

	res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	var se *cloudfront.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, cloudfront.StepUpdateDistribution, se.Step)
	assert.Equal(t, "InternalError", apiErrorCode(err))

	// The distribution still uses the OAI, and the OAI can still read.
	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, oai.OriginValue, aws.ToString(got.DistributionConfig.Origins.Items[0].S3OriginConfig.OriginAccessIdentity))
	assert.Nil(t, got.DistributionConfig.Origins.Items[0].OriginAccessControlId)
	doc := e.bucketPolicy(t)
	assert.True(t, oaiAllowed(t, doc, oai.ID), "old path works")
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a.jpg", res.DistributionARN), "new path is ready")
	assert.False(t, allowed(t, doc, policy.Caller{}, "s3:GetObject", "arn:aws:s3:::"+testBucket+"/a.jpg", ""), "nobody else")

	// Running it again finishes the job.
	res, err = cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	doc = e.bucketPolicy(t)
	assert.False(t, oaiAllowed(t, doc, oai.ID))
	assertOnlyDistribution(t, doc, res.DistributionARN)
}

func TestMigrateWaitsForDeployment(t *testing.T) {
	now := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	cf := cffake.Start(t, &cffake.Options{Now: func() time.Time { return now }, DeployDelay: time.Hour})
	s3f := s3fake.Start(t, &s3fake.Options{Region: testRegion})
	require.NoError(t, s3f.CreateBucket(testBucket, s3fake.StateAWSDefault))
	e := &env{cf: cf, s3: s3f, cfc: cf.Client(), s3c: s3f.OwnerClient()}
	ctx := t.Context()
	oai, id := legacySetup(t, e)

	_, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, &cloudfront.MigrateOptions{PollInterval: time.Millisecond, DeployTimeout: 20 * time.Millisecond})
	require.ErrorIs(t, err, cloudfront.ErrNotDeployed)
	var se *cloudfront.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, cloudfront.StepWaitDeployed, se.Step)
	doc := e.bucketPolicy(t)
	assert.True(t, oaiAllowed(t, doc, oai.ID), "edge locations may still sign as the OAI: its statement stays")

	// Propagation finishes; the next run removes the statement without
	// touching the distribution again.
	require.True(t, cf.Deploy(id))
	e.resetCounts()
	res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, 0, e.cf.Count("UpdateDistribution"))
	assert.False(t, oaiAllowed(t, e.bucketPolicy(t), oai.ID))
	assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)
}

// TestMigrateKeepsAnOAIStillInUse: another distribution that reaches the
// bucket through the identity keeps its statement, whatever form of the
// bucket's REST endpoint its origin names, the legacy
// "bucket-name.s3-external-1.amazonaws.com" too, which the CloudFront
// developer guide gave for a bucket "in the US Standard region" ("Using
// Amazon S3 Origins and Custom Origins for Web Distributions"): that one
// was not taken for the bucket's, and the statement was removed under it.
func TestMigrateKeepsAnOAIStillInUse(t *testing.T) {
	for _, domain := range []string{testBucket + ".s3.amazonaws.com", testBucket + ".s3-external-1.amazonaws.com"} {
		t.Run(domain, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			ctx := t.Context()
			oai, id := legacySetup(t, e)
			second := legacyConfig("second-site", oai.OriginValue)
			second.Origins.Items[0].DomainName = aws.String(domain)
			_, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: second})
			require.NoError(t, err)

			res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, &cloudfront.MigrateOptions{PollInterval: time.Millisecond, DeployTimeout: time.Second, DeleteOAI: true})
			require.NoError(t, err)
			require.NotEmpty(t, res.Warnings)
			assert.Contains(t, res.Warnings[0], "still used by distribution")
			assert.True(t, oaiAllowed(t, e.bucketPolicy(t), oai.ID), "the other distribution keeps working")
			_, err = e.cfc.GetCloudFrontOriginAccessIdentity(ctx, &cfsdk.GetCloudFrontOriginAccessIdentityInput{Id: aws.String(oai.ID)})
			assert.NoError(t, err, "an OAI in use is not deleted")
		})
	}
}

func TestMigrateDeletesTheOAI(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	oai, id := legacySetup(t, e)
	res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, &cloudfront.MigrateOptions{PollInterval: time.Millisecond, DeployTimeout: time.Second, DeleteOAI: true})
	require.NoError(t, err)
	last := res.Actions[len(res.Actions)-1]
	assert.Equal(t, cloudfront.StepDeleteOAI, last.Step)
	_, err = e.cfc.GetCloudFrontOriginAccessIdentity(ctx, &cfsdk.GetCloudFrontOriginAccessIdentityInput{Id: aws.String(oai.ID)})
	assert.Equal(t, "NoSuchCloudFrontOriginAccessIdentity", apiErrorCode(err))
}

func TestMigrateInputErrors(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	_, err := cloudfront.Migrate(t.Context(), e.cfc, e.s3c, testBucket, "", nil)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions)
	_, err = cloudfront.Migrate(t.Context(), e.cfc, e.s3c, "no", "E1", nil)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidBucket)
	_, err = cloudfront.Migrate(t.Context(), e.cfc, e.s3c, testBucket, "E1", &cloudfront.MigrateOptions{PollInterval: -1})
	assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions)
	_, err = cloudfront.Migrate(t.Context(), e.cfc, e.s3c, testBucket, "E1", &cloudfront.MigrateOptions{ExpectedBucketOwner: "11112222333"})
	assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions)
	_, err = cloudfront.CreateLegacyOAI(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.LegacyOAIOptions{ExpectedBucketOwner: "x"})
	assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions)
	assert.Empty(t, e.cf.Counts())
}

// An OAI statement limited to part of the bucket (here public/, the way
// many hand-written OAI statements were) is the distribution's whole
// access. Migrate must not widen it: after the migration the distribution
// reads what the OAI could read, and not the private objects beside it.
// It granted the OAC statement for B/*, so every private object became
// readable through the distribution.
func TestMigrateKeepsTheOAIStatementsScope(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	oai, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[{"Sid":"PublicOnly","Effect":"Allow","Principal":{"AWS":"`+policy.OAIPrincipalARN(oai.ID)+`"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::`+testBucket+`/public/*"}]}`)
	id, _ := legacyDistribution(t, e, oai.OriginValue)
	e.cf.Deploy(id)
	private := "arn:aws:s3:::" + testBucket + "/private/payroll.csv"
	public := "arn:aws:s3:::" + testBucket + "/public/logo.png"
	before := e.bucketPolicy(t)
	oaiCaller := policy.Caller{ARN: policy.OAIPrincipalARN(oai.ID)}
	require.False(t, allowed(t, before, oaiCaller, "s3:GetObject", private, ""), "the distribution could not read private/ before")

	res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	doc := e.bucketPolicy(t)
	assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", public, res.DistributionARN), "the distribution still reads public/")
	assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", private, res.DistributionARN), "the migration widened the distribution's access to private/: %s", mustMarshal(t, doc))
	assert.False(t, allowed(t, doc, oaiCaller, "s3:GetObject", public, ""), "the OAI statement is gone")

	e.resetCounts()
	_, err = cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "a re-run writes nothing")
	_, err = cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
	require.NoError(t, err)
	doc = e.bucketPolicy(t)
	assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", private, res.DistributionARN), "ServeBucket afterwards keeps the narrowed statement: %s", mustMarshal(t, doc))
}

// A Deny that names the OAI limits what the distribution reads through it;
// Migrate removes the OAI's statements and cannot carry a Deny over to the
// OAC statement, so it refuses before writing anything.
func TestMigrateRefusesWhatItCannotCarryOver(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	oai, id := legacySetup(t, e)
	doc := e.bucketPolicy(t)
	deny := `{"Sid":"NotPrivate","Effect":"Deny","Principal":{"AWS":"` + policy.OAIPrincipalARN(oai.ID) + `"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + testBucket + `/private/*"}`
	e.putBucketPolicy(t, withStatement(t, doc, deny))
	before := string(mustMarshal(t, e.bucketPolicy(t)))
	_, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
	require.ErrorIs(t, err, cloudfront.ErrPolicyConflict)
	assert.Contains(t, err.Error(), `"NotPrivate"`)
	assert.Equal(t, before, string(mustMarshal(t, e.bucketPolicy(t))), "nothing written")
	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, oai.OriginValue, aws.ToString(got.DistributionConfig.Origins.Items[0].S3OriginConfig.OriginAccessIdentity), "the origin still uses the OAI")
}
