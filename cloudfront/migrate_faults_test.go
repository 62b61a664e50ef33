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

// assertOnePathWorks checks that the distribution can read the bucket
// through whichever path its origin uses right now, and that nobody else
// can read it.
func assertOnePathWorks(t *testing.T, e *env, id string, oai *cloudfront.LegacyOAI) {
	t.Helper()
	got, err := e.cfc.GetDistribution(t.Context(), &cfsdk.GetDistributionInput{Id: aws.String(id)})
	require.NoError(t, err)
	o := got.Distribution.DistributionConfig.Origins.Items[0]
	doc := e.bucketPolicy(t)
	object := "arn:aws:s3:::" + testBucket + "/a.jpg"
	if v := aws.ToString(o.S3OriginConfig.OriginAccessIdentity); v != "" {
		assert.Equal(t, oai.OriginValue, v)
		assert.True(t, oaiAllowed(t, doc, oai.ID), "the origin still signs as the OAI: the OAI must read")
	} else {
		require.NotEmpty(t, aws.ToString(o.OriginAccessControlId))
		assert.True(t, allowed(t, doc, cloudfrontService, "s3:GetObject", object, aws.ToString(got.Distribution.ARN)), "the origin uses OAC: the distribution must read")
		if got.Distribution.Status != nil && aws.ToString(got.Distribution.Status) != "Deployed" {
			assert.True(t, oaiAllowed(t, doc, oai.ID), "edge locations may still sign as the OAI until Deployed")
		}
	}
	assert.False(t, allowed(t, doc, policy.Caller{}, "s3:GetObject", object, ""), "anonymous")
	assert.False(t, allowed(t, doc, cloudfrontService, "s3:GetObject", object, "arn:aws:cloudfront::111122223333:distribution/EOTHERDIST0000"), "another distribution")
	assert.False(t, allowed(t, doc, policy.Caller{ARN: "arn:aws:iam::444455556666:root", Account: "444455556666"}, "s3:GetObject", object, ""), "another account")
}

func TestMigrateFaultAtEachStepKeepsAPathAndReRunCompletes(t *testing.T) {
	type inject func(e *env)
	cfFault := func(op string) inject {
		return func(e *env) {
			e.cf.InjectFault(op, cffake.Fault{Status: 500, Code: "InternalError", Message: "injected", Times: 1})
		}
	}
	s3Fault := func(op string) inject {
		return func(e *env) { e.s3.InjectFault(op, s3fake.Fault{Code: s3fake.FaultInternalError, Count: 1}) }
	}
	// A policy write that fails with a retryable error is retried from a
	// fresh read (TestServeBucketRetriesAbortedPolicyWrite): the write step
	// fails on a refusal.
	s3Refusal := func(op string) inject {
		return func(e *env) {
			e.s3.InjectFault(op, s3fake.Fault{Code: "AccessDenied", StatusCode: 403, Count: 1})
		}
	}
	cases := []struct {
		name string
		// before runs a first, failing Migrate up to a later step.
		before inject
		fault  inject
		step   string
	}{
		{"get distribution", nil, cfFault("GetDistribution"), cloudfront.StepFindDistribution},
		{"list OACs", nil, cfFault("ListOriginAccessControls"), cloudfront.StepOriginAccessControl},
		{"create OAC", nil, cfFault("CreateOriginAccessControl"), cloudfront.StepOriginAccessControl},
		{"read bucket policy", nil, s3Fault("GetBucketPolicy"), cloudfront.StepBucketPolicy},
		{"grant OAC", nil, s3Refusal("PutBucketPolicy"), cloudfront.StepBucketPolicy},
		{"switch origin", nil, cfFault("UpdateDistribution"), cloudfront.StepUpdateDistribution},
		{"list distributions", nil, cfFault("ListDistributions"), cloudfront.StepRemoveOAIStatement},
		// The OAI is first read for the OAC grant (its canonical user ID,
		// to find the statements that name it: see oaiScope).
		{"read OAI", nil, cfFault("GetCloudFrontOriginAccessIdentity"), cloudfront.StepBucketPolicy},
		{"remove OAI statement", cfFault("ListDistributions"), s3Refusal("PutBucketPolicy"), cloudfront.StepRemoveOAIStatement},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			ctx := t.Context()
			oai, id := legacySetup(t, e)
			if tc.before != nil {
				tc.before(e)
				_, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
				require.Error(t, err)
				e.cf.ClearFaults()
				e.s3.ClearFaults()
				assertOnePathWorks(t, e, id, oai)
			}
			tc.fault(e)
			_, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
			var se *cloudfront.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, tc.step, se.Step)
			e.cf.ClearFaults()
			e.s3.ClearFaults()
			assertOnePathWorks(t, e, id, oai)

			res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
			require.NoError(t, err, "a re-run completes")
			doc := e.bucketPolicy(t)
			assert.False(t, oaiAllowed(t, doc, oai.ID), "the OAI statement is gone")
			assert.Contains(t, doc.Sids(), "KeepMe")
			assertOnlyDistribution(t, doc, res.DistributionARN)

			e.resetCounts()
			_, err = cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, fastPoll)
			require.NoError(t, err)
			assert.Equal(t, 0, e.cf.Writes()+e.s3.WriteCount(), "third run writes nothing")
		})
	}
}

func TestMigrateDeletesTheOAIOnlyWhenAskedAndUnused(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	oai, id := legacySetup(t, e)
	// The same OAI also serves another bucket's origin.
	other := legacyConfig("other-bucket-site", oai.OriginValue)
	other.Origins.Items[0].DomainName = aws.String("other-bucket.s3.eu-west-1.amazonaws.com")
	_, err := e.cfc.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: other})
	require.NoError(t, err)

	res, err := cloudfront.Migrate(ctx, e.cfc, e.s3c, testBucket, id, &cloudfront.MigrateOptions{PollInterval: time.Millisecond, DeployTimeout: time.Second, DeleteOAI: true})
	require.NoError(t, err)
	assert.NotEmpty(t, res.Warnings, "the in-use identity is reported")
	_, err = e.cfc.GetCloudFrontOriginAccessIdentity(ctx, &cfsdk.GetCloudFrontOriginAccessIdentityInput{Id: aws.String(oai.ID)})
	assert.NoError(t, err, "an OAI another distribution uses is not deleted")
	assert.False(t, oaiAllowed(t, e.bucketPolicy(t), oai.ID), "but this bucket no longer trusts it")
}
