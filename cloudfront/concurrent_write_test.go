package cloudfront_test

import (
	"context"
	"strings"
	"sync"
	"testing"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
)

// duringDeployWait runs hook once, on the first GetDistribution after a
// successful UpdateDistribution: while Migrate waits minutes for the
// distribution to deploy, the moment another writer is most likely to
// change the bucket policy.
type duringDeployWait struct {
	cloudfront.CloudFrontAPI
	mu      sync.Mutex
	updated bool
	fired   bool
	hook    func()
}

func (w *duringDeployWait) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, optFns ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	out, err := w.CloudFrontAPI.UpdateDistribution(ctx, in, optFns...)
	if err == nil {
		w.mu.Lock()
		w.updated = true
		w.mu.Unlock()
	}
	return out, err
}

func (w *duringDeployWait) GetDistribution(ctx context.Context, in *cfsdk.GetDistributionInput, optFns ...func(*cfsdk.Options)) (*cfsdk.GetDistributionOutput, error) {
	w.mu.Lock()
	fire := w.updated && !w.fired
	w.fired = w.fired || fire
	w.mu.Unlock()
	if fire {
		w.hook()
	}
	return w.CloudFrontAPI.GetDistribution(ctx, in, optFns...)
}

// afterPolicyWrite runs hook once, right after the first PutBucketPolicy
// that match accepts: another writer who read the policy before that write
// lands their own write just after it.
type afterPolicyWrite struct {
	cloudfront.S3API
	mu    sync.Mutex
	fired bool
	match func(policy string) bool
	hook  func()
}

func (w *afterPolicyWrite) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	out, err := w.S3API.PutBucketPolicy(ctx, in, optFns...)
	w.mu.Lock()
	fire := err == nil && !w.fired && w.match(*in.Policy)
	w.fired = w.fired || fire
	w.mu.Unlock()
	if fire {
		w.hook()
	}
	return out, err
}

// withStatement returns doc's JSON with one more statement.
func withStatement(t *testing.T, doc *policy.Document, st string) string {
	t.Helper()
	b, err := doc.Marshal()
	require.NoError(t, err)
	s := string(b)
	i := strings.LastIndex(s, "]")
	require.Positive(t, i)
	return s[:i] + "," + st + s[i:]
}

const (
	addedDuringWait = `{"Sid":"AddedDuringWait","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::media-example-bucket"}`
	lateWriter      = `{"Sid":"LateWriter","Effect":"Deny","Principal":"*","Action":"s3:PutBucketTagging","Resource":"arn:aws:s3:::media-example-bucket"}`
)

// TestMigrateKeepsStatementsAddedWhileWaiting: a statement another writer
// adds to the bucket policy while Migrate waits for the deployment survives
// the removal of the OAI statement.
func TestMigrateKeepsStatementsAddedWhileWaiting(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	oai, id := legacySetup(t, e)
	cf := &duringDeployWait{CloudFrontAPI: e.cfc, hook: func() {
		e.putBucketPolicy(t, withStatement(t, e.bucketPolicy(t), addedDuringWait))
	}}
	res, err := cloudfront.Migrate(t.Context(), cf, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	require.True(t, cf.fired, "the hook ran during the wait")
	doc := e.bucketPolicy(t)
	assert.ElementsMatch(t, []string{"KeepMe", cloudfront.OACStatementSid, "AddedDuringWait"}, doc.Sids())
	assert.False(t, oaiAllowed(t, doc, oai.ID), "the OAI statement is gone")
	assertOnlyDistribution(t, doc, res.DistributionARN)
}

// TestMigrateMergesIntoWhatAnotherWriterLeft: while Migrate waits, another
// writer (an infrastructure-as-code apply, say) rewrites the policy: it
// drops KeepMe and our OAC statement and adds its own. The removal of the
// OAI statement is merged into what they wrote: KeepMe stays deleted, their
// statement stays, and the OAC statement the distribution now depends on is
// put back, so the policy is never left without it (nor deleted).
func TestMigrateMergesIntoWhatAnotherWriterLeft(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	oai, id := legacySetup(t, e)
	oaiStatement, err := policy.AllowCloudFrontOAI(testBucket, oai.ID)
	require.NoError(t, err)
	cf := &duringDeployWait{CloudFrontAPI: e.cfc, hook: func() {
		e.putBucketPolicy(t, withStatement(t, &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{oaiStatement}}, addedDuringWait))
	}}
	res, err := cloudfront.Migrate(t.Context(), cf, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	require.True(t, cf.fired)
	doc := e.bucketPolicy(t)
	assert.ElementsMatch(t, []string{"AddedDuringWait", cloudfront.OACStatementSid}, doc.Sids(), "KeepMe was deleted by the other writer and stays deleted")
	assert.False(t, oaiAllowed(t, doc, oai.ID))
	assertOnlyDistribution(t, doc, res.DistributionARN)
}

// TestMigrateVerifiesTheRemoval: a writer who read the policy before
// Migrate removed the OAI statement writes it back, with a statement of
// their own, right after that write. Migrate reads the policy again after
// writing, sees the OAI statement back, and removes it again from what
// that writer left, keeping their statement.
func TestMigrateVerifiesTheRemoval(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	oai, id := legacySetup(t, e)
	var before *policy.Document
	cf := &duringDeployWait{CloudFrontAPI: e.cfc, hook: func() { before = e.bucketPolicy(t) }}
	s3c := &afterPolicyWrite{S3API: e.s3c,
		match: func(p string) bool { return before != nil && !strings.Contains(p, oai.ID) },
		hook:  func() { e.putBucketPolicy(t, withStatement(t, before, lateWriter)) },
	}
	res, err := cloudfront.Migrate(t.Context(), cf, s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	require.True(t, s3c.fired, "the late write happened")
	doc := e.bucketPolicy(t)
	assert.ElementsMatch(t, []string{"KeepMe", cloudfront.OACStatementSid, "LateWriter"}, doc.Sids())
	assert.False(t, oaiAllowed(t, doc, oai.ID), "the removal was verified and made again")
	assertOnlyDistribution(t, doc, res.DistributionARN)
}

// TestServeBucketVerifiesTheGrant: a writer who read the policy before
// ServeBucket granted the distribution writes their copy back right after
// that write, dropping the grant. ServeBucket reads again, finds the grant
// missing and merges it into what that writer left.
func TestServeBucketVerifiesTheGrant(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	const foreign = `{"Version":"2012-10-17","Statement":[{"Sid":"KeepMe","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::media-example-bucket"}]}`
	e.putBucketPolicy(t, foreign)
	before := e.bucketPolicy(t)
	s3c := &afterPolicyWrite{S3API: e.s3c,
		match: func(p string) bool { return strings.Contains(p, cloudfront.OACStatementSid) },
		hook:  func() { e.putBucketPolicy(t, withStatement(t, before, lateWriter)) },
	}
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, s3c, testBucket, nil)
	require.NoError(t, err)
	require.True(t, s3c.fired)
	doc := e.bucketPolicy(t)
	assert.ElementsMatch(t, []string{"KeepMe", "LateWriter", cloudfront.OACStatementSid}, doc.Sids())
	assertOnlyDistribution(t, doc, res.DistributionARN)
}

// TestServeBucketVerifiesTheKeyPolicy: a key administrator who read the key
// policy before ServeBucket added the CloudFront statement writes their
// copy back, with a statement of their own, right after that write.
// ServeBucket reads the key policy again and merges the statement into what
// they left.
func TestServeBucketVerifiesTheKeyPolicy(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	e.useKMS(t, keyARN)
	kf, kc := startKMS(t, map[string]string{keyARN: defaultKeyPolicy})
	const admin = `{"Sid":"KeyAdmins","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/KeyAdmin"},"Action":"kms:DescribeKey","Resource":"*"}`
	kf.afterPut = func(before string) string {
		doc, err := policy.Parse([]byte(before))
		require.NoError(t, err)
		return withStatement(t, doc, admin)
	}
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, &cloudfront.Options{KMS: kc, ApplyKeyPolicy: true})
	require.NoError(t, err)
	assert.Equal(t, 2, kf.count("PutKeyPolicy"), "the statement was missing after the late write and was merged again")
	doc, err := policy.Parse([]byte(kf.policy(keyARN)))
	require.NoError(t, err)
	assert.ElementsMatch(t, []string{"Enable IAM User Permissions", "KeyAdmins", res.KeyPolicyStatement.Sid}, doc.Sids())
}

// TestServeBucketRetriesAbortedPolicyWrite: S3 answers 409
// OperationAborted while another configuration change of the bucket runs,
// and the SDK does not retry it. The grant is merged into a fresh read and
// written again, as every write of the discipline is.
func TestServeBucketRetriesAbortedPolicyWrite(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	e.s3.InjectFault("PutBucketPolicy", s3fake.Fault{Code: s3fake.FaultOperationAborted, Count: 1})
	res, err := cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.Equal(t, 2, e.s3.Count("PutBucketPolicy"), "the aborted write and the one that took")
	assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)
}

// dropsPolicyWrites accepts every PutBucketPolicy and keeps nothing, as an
// S3-compatible endpoint without bucket policies may.
type dropsPolicyWrites struct {
	cloudfront.S3API
	mu   sync.Mutex
	puts int
}

func (d *dropsPolicyWrites) PutBucketPolicy(context.Context, *s3.PutBucketPolicyInput, ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.puts++
	return &s3.PutBucketPolicyOutput{}, nil
}

// TestServeBucketGrantNotKept: the endpoint accepts the grant and does not
// keep it. Writing the same policy again would change nothing: ServeBucket
// fails with ErrConflict after one write (it wrote the same request five
// times before, waiting out a stale read after each).
func TestServeBucketGrantNotKept(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	s3c := &dropsPolicyWrites{S3API: e.s3c}
	_, err := cloudfront.ServeBucket(t.Context(), e.cfc, s3c, testBucket, nil)
	require.ErrorIs(t, err, cloudfront.ErrConflict)
	assert.Contains(t, err.Error(), "the endpoint did not keep the change to the bucket policy of "+testBucket)
	var se *cloudfront.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, cloudfront.StepBucketPolicy, se.Step)
	assert.Equal(t, 1, s3c.puts)
}
