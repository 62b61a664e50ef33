package cloudfront_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// beforeUpdate runs hook just before each of the first times
// UpdateDistribution calls the library makes (times < 0: before every
// one): another writer changes the distribution after the library read its
// configuration and before it writes it. It counts the library's own
// UpdateDistribution and GetDistributionConfig calls; the other writer
// goes around it.
type beforeUpdate struct {
	cloudfront.CloudFrontAPI
	times int
	hook  func(ctx context.Context, id string, n int)

	mu      sync.Mutex
	updates int
	reads   int
}

func (w *beforeUpdate) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, optFns ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	w.mu.Lock()
	w.updates++
	n := w.updates
	w.mu.Unlock()
	if w.times < 0 || n <= w.times {
		w.hook(ctx, aws.ToString(in.Id), n)
	}
	return w.CloudFrontAPI.UpdateDistribution(ctx, in, optFns...)
}

func (w *beforeUpdate) GetDistributionConfig(ctx context.Context, in *cfsdk.GetDistributionConfigInput, optFns ...func(*cfsdk.Options)) (*cfsdk.GetDistributionConfigOutput, error) {
	w.mu.Lock()
	w.reads++
	w.mu.Unlock()
	return w.CloudFrontAPI.GetDistributionConfig(ctx, in, optFns...)
}

func (w *beforeUpdate) counts() (updates, reads int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.updates, w.reads
}

// otherWriter changes the distribution's comment (numbered: the n-th
// change) and its price class, as a console user or an
// infrastructure-as-code apply would: fields the wiring does not own.
func otherWriter(t *testing.T, e *env) func(ctx context.Context, id string, n int) {
	return func(ctx context.Context, id string, n int) {
		cur, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
		require.NoError(t, err)
		cur.DistributionConfig.Comment = aws.String(fmt.Sprintf("changed by another writer %d", n))
		cur.DistributionConfig.PriceClass = types.PriceClassPriceClass200
		_, err = e.cfc.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(id), IfMatch: cur.ETag, DistributionConfig: cur.DistributionConfig})
		require.NoError(t, err)
	}
}

// distributionWriters are the two calls that write an existing
// distribution's configuration: ServeBucket securing it and Migrate
// switching its origin from the OAI to the OAC.
var distributionWriters = []struct {
	name  string
	setup func(t *testing.T, e *env) string
	run   func(t *testing.T, e *env, cf cloudfront.CloudFrontAPI, id string) (*cloudfront.Result, error)
}{
	{"ServeBucket", func(t *testing.T, e *env) string {
		id, _ := legacyDistribution(t, e, "")
		return id
	}, func(t *testing.T, e *env, cf cloudfront.CloudFrontAPI, id string) (*cloudfront.Result, error) {
		return cloudfront.ServeBucket(t.Context(), cf, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
	}},
	{"Migrate", func(t *testing.T, e *env) string {
		_, id := legacySetup(t, e)
		return id
	}, func(t *testing.T, e *env, cf cloudfront.CloudFrontAPI, id string) (*cloudfront.Result, error) {
		return cloudfront.Migrate(t.Context(), cf, e.s3c, testBucket, id, fastPoll)
	}},
}

// TestDistributionConfigIsNeverWrittenFromAStaleRead: the package
// documentation promises that a distribution configuration changed by
// another writer between the library's read and its UpdateDistribution is
// never overwritten: the write carries the read's ETag (If-Match), which
// CloudFront refuses with 412 PreconditionFailed ("The precondition in one
// or more of the request fields evaluated to false", API reference,
// UpdateDistribution), and the library then reads the configuration again,
// merges its change into that read and writes it again, at most
// MaxConfigWriteAttempts writes. Before, the call failed at the first
// refusal with the distribution unchanged (a re-run was needed).
func TestDistributionConfigIsNeverWrittenFromAStaleRead(t *testing.T) {
	for _, tc := range distributionWriters {
		t.Run(tc.name+"/changed once", func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			id := tc.setup(t, e)
			e.resetCounts()
			cf := &beforeUpdate{CloudFrontAPI: e.cfc, times: 1, hook: otherWriter(t, e)}
			res, err := tc.run(t, e, cf, id)
			require.NoError(t, err)
			updates, _ := cf.counts()
			assert.Equal(t, 2, updates, "the refused write and the one merged into the fresh read")
			assert.Equal(t, 3, e.cf.Count("UpdateDistribution"), "two of ours, one of the other writer's")

			got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
			require.NoError(t, err)
			cfg := got.DistributionConfig
			assert.Equal(t, "changed by another writer 1", aws.ToString(cfg.Comment), "the other writer's change is kept")
			assert.Equal(t, types.PriceClassPriceClass200, cfg.PriceClass, "the other writer's change is kept")
			o := cfg.Origins.Items[0]
			assert.Equal(t, res.OriginAccessControlID, aws.ToString(o.OriginAccessControlId), "and ours is made")
			assert.Empty(t, aws.ToString(o.S3OriginConfig.OriginAccessIdentity))
			assert.Contains(t, stepChanges(res), "update-distribution:update")
			assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)
		})
		t.Run(tc.name+"/changed every time", func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			id := tc.setup(t, e)
			before, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
			require.NoError(t, err)
			e.resetCounts()
			cf := &beforeUpdate{CloudFrontAPI: e.cfc, times: -1, hook: otherWriter(t, e)}
			_, err = tc.run(t, e, cf, id)
			require.ErrorIs(t, err, cloudfront.ErrConcurrentUpdate)
			var pf *types.PreconditionFailed
			require.ErrorAs(t, err, &pf, "CloudFront's last answer is wrapped")
			var se *cloudfront.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, cloudfront.StepUpdateDistribution, se.Step)
			assert.Contains(t, err.Error(), fmt.Sprintf("distribution %s changed between each of %d reads", id, cloudfront.MaxConfigWriteAttempts))

			updates, reads := cf.counts()
			assert.Equal(t, cloudfront.MaxConfigWriteAttempts, updates, "gives up after the bound")
			assert.Equal(t, 2*cloudfront.MaxConfigWriteAttempts, e.cf.Count("UpdateDistribution"), "ours and the other writer's, nothing more")
			assert.GreaterOrEqual(t, reads, cloudfront.MaxConfigWriteAttempts, "each write after the first follows a fresh read")

			got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
			require.NoError(t, err)
			cfg := got.DistributionConfig
			assert.Equal(t, fmt.Sprintf("changed by another writer %d", cloudfront.MaxConfigWriteAttempts), aws.ToString(cfg.Comment), "the other writer's last change is what the distribution holds")
			assert.Equal(t, before.DistributionConfig.Origins, cfg.Origins, "none of ours was written")
			assert.Equal(t, before.DistributionConfig.DefaultCacheBehavior, cfg.DefaultCacheBehavior)
		})
	}
}

// TestDistributionRereadIsCheckedAgain: the configuration read again
// after a refused write is checked as the first read was. Another writer
// who pointed the bucket's origin at a legacy OAI in the meantime makes
// ServeBucket refuse with ErrUsesOAI, and one who switched the origin to
// another OAI makes Migrate stop with ErrConcurrentUpdate (its bucket
// policy check was for the first OAI); nothing is written over their
// change.
func TestDistributionRereadIsCheckedAgain(t *testing.T) {
	t.Run("ServeBucket", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		id, _ := legacyDistribution(t, e, "")
		oai, err := e.cfc.CreateCloudFrontOriginAccessIdentity(t.Context(), &cfsdk.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{
			CallerReference: aws.String("someone-else"), Comment: aws.String("someone else's"),
		}})
		require.NoError(t, err)
		value := cloudfront.OAIOriginPrefix + aws.ToString(oai.CloudFrontOriginAccessIdentity.Id)
		cf := &beforeUpdate{CloudFrontAPI: e.cfc, times: 1, hook: setOriginOAI(t, e, value)}
		_, err = cloudfront.ServeBucket(t.Context(), cf, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
		require.ErrorIs(t, err, cloudfront.ErrUsesOAI)
		updates, _ := cf.counts()
		assert.Equal(t, 1, updates, "no write after the fresh read")
		assert.Equal(t, value, originOAI(t, e, id), "their change stays")
	})
	t.Run("Migrate", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		_, id := legacySetup(t, e)
		oai, err := e.cfc.CreateCloudFrontOriginAccessIdentity(t.Context(), &cfsdk.CreateCloudFrontOriginAccessIdentityInput{CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{
			CallerReference: aws.String("someone-else"), Comment: aws.String("someone else's"),
		}})
		require.NoError(t, err)
		value := cloudfront.OAIOriginPrefix + aws.ToString(oai.CloudFrontOriginAccessIdentity.Id)
		cf := &beforeUpdate{CloudFrontAPI: e.cfc, times: 1, hook: setOriginOAI(t, e, value)}
		_, err = cloudfront.Migrate(t.Context(), cf, e.s3c, testBucket, id, fastPoll)
		require.ErrorIs(t, err, cloudfront.ErrConcurrentUpdate)
		assert.Contains(t, err.Error(), "now uses origin access identity "+aws.ToString(oai.CloudFrontOriginAccessIdentity.Id))
		updates, _ := cf.counts()
		assert.Equal(t, 1, updates, "no write after the fresh read")
		assert.Equal(t, value, originOAI(t, e, id), "their change stays")
	})
}

// setOriginOAI is another writer who points the distribution's first
// origin at the legacy OAI value.
func setOriginOAI(t *testing.T, e *env, value string) func(ctx context.Context, id string, n int) {
	return func(ctx context.Context, id string, _ int) {
		cur, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
		require.NoError(t, err)
		o := &cur.DistributionConfig.Origins.Items[0]
		o.OriginAccessControlId = aws.String("")
		o.S3OriginConfig = &types.S3OriginConfig{OriginAccessIdentity: aws.String(value)}
		_, err = e.cfc.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(id), IfMatch: cur.ETag, DistributionConfig: cur.DistributionConfig})
		require.NoError(t, err)
	}
}

func originOAI(t *testing.T, e *env, id string) string {
	t.Helper()
	got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	return aws.ToString(got.DistributionConfig.Origins.Items[0].S3OriginConfig.OriginAccessIdentity)
}

func stepChanges(res *cloudfront.Result) []string {
	var out []string
	for _, a := range res.Actions {
		out = append(out, a.Step+":"+string(a.Change))
	}
	return out
}

// beforeOACUpdate runs hook just before each of the first times
// UpdateOriginAccessControl calls the library makes (times < 0: every
// one), and counts them.
type beforeOACUpdate struct {
	cloudfront.CloudFrontAPI
	times int
	hook  func(ctx context.Context, id string, n int)

	mu      sync.Mutex
	updates int
}

func (w *beforeOACUpdate) UpdateOriginAccessControl(ctx context.Context, in *cfsdk.UpdateOriginAccessControlInput, optFns ...func(*cfsdk.Options)) (*cfsdk.UpdateOriginAccessControlOutput, error) {
	w.mu.Lock()
	w.updates++
	n := w.updates
	w.mu.Unlock()
	if w.times < 0 || n <= w.times {
		w.hook(ctx, aws.ToString(in.Id), n)
	}
	return w.CloudFrontAPI.UpdateOriginAccessControl(ctx, in, optFns...)
}

// TestOACConfigIsNeverWrittenFromAStaleRead: ServeBucket fixes an OAC of
// its name that does not always sign with If-Match on the read's ETag.
// Another writer who changes the OAC's description in between keeps their
// change: the fix is merged into a fresh read and written again; one who
// changes it before every write makes the call fail with
// ErrConcurrentUpdate after MaxConfigWriteAttempts writes, before any
// distribution exists.
func TestOACConfigIsNeverWrittenFromAStaleRead(t *testing.T) {
	setup := func(t *testing.T) (*env, string) {
		e := newEnv(t, s3fake.StateAWSDefault)
		out, err := e.cfc.CreateOriginAccessControl(t.Context(), &cfsdk.CreateOriginAccessControlInput{OriginAccessControlConfig: &types.OriginAccessControlConfig{
			Name: aws.String(cloudfront.OACName(testBucket)), OriginAccessControlOriginType: types.OriginAccessControlOriginTypesS3,
			SigningBehavior: types.OriginAccessControlSigningBehaviorsNever, SigningProtocol: types.OriginAccessControlSigningProtocolsSigv4,
		}})
		require.NoError(t, err)
		e.resetCounts()
		return e, aws.ToString(out.OriginAccessControl.Id)
	}
	describe := func(t *testing.T, e *env) func(ctx context.Context, id string, n int) {
		return func(ctx context.Context, id string, n int) {
			cur, err := e.cfc.GetOriginAccessControl(ctx, &cfsdk.GetOriginAccessControlInput{Id: aws.String(id)})
			require.NoError(t, err)
			cfg := cur.OriginAccessControl.OriginAccessControlConfig
			cfg.Description = aws.String(fmt.Sprintf("described by another writer %d", n))
			_, err = e.cfc.UpdateOriginAccessControl(ctx, &cfsdk.UpdateOriginAccessControlInput{Id: aws.String(id), IfMatch: cur.ETag, OriginAccessControlConfig: cfg})
			require.NoError(t, err)
		}
	}
	t.Run("changed once", func(t *testing.T) {
		e, id := setup(t)
		cf := &beforeOACUpdate{CloudFrontAPI: e.cfc, times: 1, hook: describe(t, e)}
		res, err := cloudfront.ServeBucket(t.Context(), cf, e.s3c, testBucket, nil)
		require.NoError(t, err)
		assert.Equal(t, 2, cf.updates)
		assert.Equal(t, id, res.OriginAccessControlID)
		assert.Equal(t, cloudfront.ChangeUpdated, res.Actions[0].Change, res.Actions[0].String())
		got, err := e.cfc.GetOriginAccessControl(t.Context(), &cfsdk.GetOriginAccessControlInput{Id: aws.String(id)})
		require.NoError(t, err)
		cfg := got.OriginAccessControl.OriginAccessControlConfig
		assert.Equal(t, "described by another writer 1", aws.ToString(cfg.Description), "the other writer's change is kept")
		assert.Equal(t, types.OriginAccessControlSigningBehaviorsAlways, cfg.SigningBehavior, "and ours is made")
	})
	t.Run("changed every time", func(t *testing.T) {
		e, id := setup(t)
		cf := &beforeOACUpdate{CloudFrontAPI: e.cfc, times: -1, hook: describe(t, e)}
		_, err := cloudfront.ServeBucket(t.Context(), cf, e.s3c, testBucket, nil)
		require.ErrorIs(t, err, cloudfront.ErrConcurrentUpdate)
		var pf *types.PreconditionFailed
		require.ErrorAs(t, err, &pf)
		var se *cloudfront.StepError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, cloudfront.StepOriginAccessControl, se.Step)
		assert.Contains(t, err.Error(), "origin access control "+id+" changed between each of")
		assert.Equal(t, cloudfront.MaxConfigWriteAttempts, cf.updates)
		assert.Equal(t, 2*cloudfront.MaxConfigWriteAttempts, e.cf.Count("UpdateOriginAccessControl"))
		assert.Empty(t, e.cf.DistributionIDs(), "no distribution is made on an OAC that does not sign")
		got, err := e.cfc.GetOriginAccessControl(t.Context(), &cfsdk.GetOriginAccessControlInput{Id: aws.String(id)})
		require.NoError(t, err)
		cfg := got.OriginAccessControl.OriginAccessControlConfig
		assert.Equal(t, fmt.Sprintf("described by another writer %d", cloudfront.MaxConfigWriteAttempts), aws.ToString(cfg.Description))
		assert.Equal(t, types.OriginAccessControlSigningBehaviorsNever, cfg.SigningBehavior)
	})
}

// TestMigrateRereadNeedsNothing: another writer made the very switch
// Migrate was about to write (the origin to Migrate's OAC, no OAI). The
// fresh read after the refused write needs nothing, so nothing more is
// written, the step reports no change, and the migration waits for the
// other writer's change to be deployed (the status read before it is
// stale) before it removes the OAI statement.
func TestMigrateRereadNeedsNothing(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	oai, id := legacySetup(t, e)
	cf := &beforeUpdate{CloudFrontAPI: e.cfc, times: 1, hook: func(ctx context.Context, id string, _ int) {
		list, err := e.cfc.ListOriginAccessControls(ctx, &cfsdk.ListOriginAccessControlsInput{})
		require.NoError(t, err)
		require.Len(t, list.OriginAccessControlList.Items, 1)
		cur, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
		require.NoError(t, err)
		o := &cur.DistributionConfig.Origins.Items[0]
		o.OriginAccessControlId = list.OriginAccessControlList.Items[0].Id
		o.S3OriginConfig = &types.S3OriginConfig{OriginAccessIdentity: aws.String("")}
		_, err = e.cfc.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(id), IfMatch: cur.ETag, DistributionConfig: cur.DistributionConfig})
		require.NoError(t, err)
	}}
	res, err := cloudfront.Migrate(t.Context(), cf, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	updates, _ := cf.counts()
	assert.Equal(t, 1, updates, "the refused write only")
	assert.Contains(t, stepChanges(res), "update-distribution:none")
	assert.Contains(t, stepChanges(res), "wait-deployed:none", "the status was read again")
	assert.Contains(t, stepChanges(res), "remove-oai-statement:remove")
	assert.False(t, oaiAllowed(t, e.bucketPolicy(t), oai.ID))
	assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)
}

// TestServeBucketRereadNeedsNothing: another ServeBucket run secured the
// distribution between this run's read and its write. The fresh read
// needs nothing, so nothing more is written, the step reports no change,
// and Result.Status is read again: the other run's change is InProgress,
// not the Deployed read before it.
func TestServeBucketRereadNeedsNothing(t *testing.T) {
	cf := cffake.Start(t, &cffake.Options{DeployDelay: time.Hour})
	s3f := s3fake.Start(t, &s3fake.Options{Region: testRegion})
	require.NoError(t, s3f.CreateBucket(testBucket, s3fake.StateAWSDefault))
	e := &env{cf: cf, s3: s3f, cfc: cf.Client(), s3c: s3f.OwnerClient()}
	id, _ := legacyDistribution(t, e, "")
	require.True(t, e.cf.Deploy(id))
	opts := &cloudfront.Options{DistributionID: id}
	w := &beforeUpdate{CloudFrontAPI: e.cfc, times: 1, hook: func(ctx context.Context, _ string, _ int) {
		other, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, opts)
		require.NoError(t, err)
		require.Contains(t, stepChanges(other), "update-distribution:update")
	}}
	res, err := cloudfront.ServeBucket(t.Context(), w, e.s3c, testBucket, opts)
	require.NoError(t, err)
	updates, _ := w.counts()
	assert.Equal(t, 1, updates, "the refused write only")
	assert.Contains(t, stepChanges(res), "update-distribution:none")
	assert.Equal(t, "InProgress", res.Status, "read again after the other run's write")
}

// TestConcurrentServeBucketOnOneDistribution: four ServeBucket runs
// secure one existing distribution at the same time. Each writes with
// If-Match on its own read, so exactly one UpdateDistribution takes; the
// others are refused, read again, find nothing left to do and succeed
// without writing.
func TestConcurrentServeBucketOnOneDistribution(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	id, _ := legacyDistribution(t, e, "")
	e.resetCounts()
	const runs = 4
	results := make([]*cloudfront.Result, runs)
	errs := make([]error, runs)
	var wg sync.WaitGroup
	for i := range runs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			results[i], errs[i] = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
		}()
	}
	wg.Wait()
	updated := 0
	for i := range runs {
		require.NoError(t, errs[i])
		for _, a := range results[i].Actions {
			if a.Step == cloudfront.StepUpdateDistribution && a.Change == cloudfront.ChangeUpdated {
				updated++
			}
		}
	}
	assert.Equal(t, 1, updated, "one run's write took")
	assert.LessOrEqual(t, e.cf.Count("UpdateDistribution"), runs, "every other run wrote at most once, and was refused")
	got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, results[0].OriginAccessControlID, aws.ToString(got.DistributionConfig.Origins.Items[0].OriginAccessControlId))
	assert.Equal(t, types.ViewerProtocolPolicyRedirectToHttps, got.DistributionConfig.DefaultCacheBehavior.ViewerProtocolPolicy)
	assertOnlyDistribution(t, e.bucketPolicy(t), results[0].DistributionARN)
}

// dropsOriginAccessControl accepts every UpdateDistribution and keeps the
// bucket origin's OriginAccessControlId out of what it stores, as moto
// 5.2.1 does (cffake's conformance quirk dropsOriginAccess); with
// noConfig its answer holds no configuration, so the library must read
// it back.
type dropsOriginAccessControl struct {
	cloudfront.CloudFrontAPI
	noConfig bool
}

func (d *dropsOriginAccessControl) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, optFns ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	stored := *in.DistributionConfig
	origins := *stored.Origins
	origins.Items = append([]types.Origin(nil), origins.Items...)
	origins.Items[0].OriginAccessControlId = aws.String("")
	stored.Origins = &origins
	out, err := d.CloudFrontAPI.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: in.Id, IfMatch: in.IfMatch, DistributionConfig: &stored}, optFns...)
	if err == nil && d.noConfig {
		out.Distribution.DistributionConfig = nil
	}
	return out, err
}

// TestDistributionWriteIsVerified: the configuration a distribution write
// leaves is checked against the change, from the write's answer or, when
// the answer holds none, from a read after it. An endpoint that accepted
// the write and did not keep the origin's OAC makes ServeBucket and
// Migrate fail with ErrConflict naming what was not kept, instead of
// reporting the distribution secured (and, for Migrate, before the OAI
// statement, the path that still works, is removed).
func TestDistributionWriteIsVerified(t *testing.T) {
	for _, tc := range distributionWriters {
		for _, noConfig := range []bool{false, true} {
			t.Run(fmt.Sprintf("%s/answer without config %v", tc.name, noConfig), func(t *testing.T) {
				e := newEnv(t, s3fake.StateAWSDefault)
				id := tc.setup(t, e)
				e.resetCounts()
				_, err := tc.run(t, e, &dropsOriginAccessControl{CloudFrontAPI: e.cfc, noConfig: noConfig}, id)
				require.ErrorIs(t, err, cloudfront.ErrConflict)
				var se *cloudfront.StepError
				require.ErrorAs(t, err, &se)
				assert.Equal(t, cloudfront.StepUpdateDistribution, se.Step)
				assert.Contains(t, err.Error(), "the endpoint accepted the write of distribution "+id+" and did not keep origin")
				reads := map[string]int{"ServeBucket": 2, "Migrate": 1}[tc.name] // before the write
				if noConfig {
					reads++ // the read-back
				}
				assert.Equal(t, 1, e.cf.Count("UpdateDistribution"), "one write: writing it again would not help")
				assert.Equal(t, reads, e.cf.Count("GetDistributionConfig"))
				if tc.name == "Migrate" {
					assert.Equal(t, 1, e.cf.Count("GetCloudFrontOriginAccessIdentity"), "stopped before reading the OAI again to remove its statement")
					assert.Contains(t, e.bucketPolicy(t).Sids(), cloudfront.OAIStatementSid, "the OAI statement stays")
				}
			})
		}
	}
	// The read-back after an answer without configuration passes when the
	// change was kept.
	e := newEnv(t, s3fake.StateAWSDefault)
	id, _ := legacyDistribution(t, e, "")
	res, err := cloudfront.ServeBucket(t.Context(), &answersWithoutConfig{CloudFrontAPI: e.cfc}, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
	require.NoError(t, err)
	assert.Contains(t, stepChanges(res), "update-distribution:update")
}

// answersWithoutConfig answers UpdateDistribution without the
// configuration it stored.
type answersWithoutConfig struct{ cloudfront.CloudFrontAPI }

func (a *answersWithoutConfig) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, optFns ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	out, err := a.CloudFrontAPI.UpdateDistribution(ctx, in, optFns...)
	if err == nil {
		out.Distribution.DistributionConfig = nil
	}
	return out, err
}

// keepsOACSigning accepts UpdateOriginAccessControl and stores the
// signing behavior the OAC had, whatever was asked.
type keepsOACSigning struct {
	cloudfront.CloudFrontAPI
	behavior types.OriginAccessControlSigningBehaviors
}

func (k *keepsOACSigning) UpdateOriginAccessControl(ctx context.Context, in *cfsdk.UpdateOriginAccessControlInput, optFns ...func(*cfsdk.Options)) (*cfsdk.UpdateOriginAccessControlOutput, error) {
	stored := *in.OriginAccessControlConfig
	stored.SigningBehavior = k.behavior
	return k.CloudFrontAPI.UpdateOriginAccessControl(ctx, &cfsdk.UpdateOriginAccessControlInput{Id: in.Id, IfMatch: in.IfMatch, OriginAccessControlConfig: &stored}, optFns...)
}

// TestOACWriteIsVerified: an endpoint that accepts the fix of an OAC's
// signing and keeps "never" makes ServeBucket fail with ErrConflict
// before any distribution uses that OAC.
func TestOACWriteIsVerified(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	_, err := e.cfc.CreateOriginAccessControl(t.Context(), &cfsdk.CreateOriginAccessControlInput{OriginAccessControlConfig: &types.OriginAccessControlConfig{
		Name: aws.String(cloudfront.OACName(testBucket)), OriginAccessControlOriginType: types.OriginAccessControlOriginTypesS3,
		SigningBehavior: types.OriginAccessControlSigningBehaviorsNever, SigningProtocol: types.OriginAccessControlSigningProtocolsSigv4,
	}})
	require.NoError(t, err)
	_, err = cloudfront.ServeBucket(t.Context(), &keepsOACSigning{CloudFrontAPI: e.cfc, behavior: types.OriginAccessControlSigningBehaviorsNever}, e.s3c, testBucket, nil)
	require.ErrorIs(t, err, cloudfront.ErrConflict)
	var se *cloudfront.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, cloudfront.StepOriginAccessControl, se.Step)
	assert.Contains(t, err.Error(), "did not keep sigv4/never -> sigv4/always")
	assert.Empty(t, e.cf.DistributionIDs())
}

// TestMigrateRereadFindsAnOAIWhereNoneWas: Migrate on a distribution whose
// origin used no OAI (only the OAC switch to make, the owner having
// granted the distribution under OACStatementSid:
// TestMigrateRefusesAnOriginWithoutAnIdentity) stops with
// ErrConcurrentUpdate when another writer put an OAI on the origin in the
// meantime: no OAI statement was looked at, so nothing is written over it.
func TestMigrateRereadFindsAnOAIWhereNoneWas(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	id, _ := legacyDistribution(t, e, "")
	e.cf.Deploy(id)
	e.putBucketPolicy(t, `{"Version":"2012-10-17","Statement":[`+cfStatement(cloudfront.OACStatementSid, "", `{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/`+id+`"}}`)+`]}`)
	oai := makeOAI(t, e, "someone-else", "someone else's")
	value := cloudfront.OAIOriginPrefix + oai
	cf := &beforeUpdate{CloudFrontAPI: e.cfc, times: 1, hook: setOriginOAI(t, e, value)}
	_, err := cloudfront.Migrate(t.Context(), cf, e.s3c, testBucket, id, fastPoll)
	require.ErrorIs(t, err, cloudfront.ErrConcurrentUpdate)
	assert.Contains(t, err.Error(), "now uses origin access identity "+oai+", not none as first read")
	assert.Equal(t, value, originOAI(t, e, id))
}
