package cloudfront_test

import (
	"context"
	"io"
	"net"
	"net/http"
	"os"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/testretry"
)

// loseFirstResponse is an HTTP transport that passes the first POST to
// path on to the server, which handles it, and then answers the client
// with a connection reset instead of the response, as when the connection
// breaks after CloudFront created the resource. The SDK's standard
// retryer sends such a request again.
type loseFirstResponse struct {
	next http.RoundTripper
	path string

	mu   sync.Mutex
	lost int // responses lost (at most 1)
	sent int // requests to path
}

func (l *loseFirstResponse) RoundTrip(r *http.Request) (*http.Response, error) {
	if r.Method != http.MethodPost || r.URL.Path != l.path {
		return l.next.RoundTrip(r)
	}
	l.mu.Lock()
	l.sent++
	lose := l.lost == 0
	if lose {
		l.lost++
	}
	l.mu.Unlock()
	resp, err := l.next.RoundTrip(r)
	if err != nil || !lose {
		return resp, err
	}
	_, _ = io.Copy(io.Discard, resp.Body)
	_ = resp.Body.Close()
	return nil, &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", syscall.ECONNRESET)}
}

func (l *loseFirstResponse) counts() (sent, lost int) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.sent, l.lost
}

// lossyClient is a real CloudFront client for srv with the SDK's standard
// retryer (no backoff), whose first POST to path (under /2020-05-31/)
// loses its response after the fake handled it.
func lossyClient(srv *cffake.Server, path string) (*cfsdk.Client, *loseFirstResponse) {
	lose := &loseFirstResponse{next: testretry.FreshConnClient().Transport, path: "/" + cffake.APIVersion + "/" + path}
	c := cfsdk.New(cfsdk.Options{
		BaseEndpoint: aws.String(srv.URL),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(cffake.TestAccessKeyID, cffake.TestSecretAccessKey, ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.Backoff = retry.BackoffDelayerFunc(func(int, error) (time.Duration, error) { return 0, nil })
		}),
		HTTPClient: &http.Client{Transport: lose},
	})
	return c, lose
}

// A CreateDistributionWithTags whose response is lost is sent again by
// the SDK's retryer with the same CallerReference, and CloudFront answers
// DistributionAlreadyExists ("If CallerReference is a value that you
// already sent in a previous request to create a distribution, CloudFront
// returns a DistributionAlreadyExists error", DistributionConfig in the
// API reference). ServeBucket failed at create-distribution with the
// distribution made and no bucket policy statement for it, so it could not
// read the bucket. It now finds the distribution carrying its
// CallerReference and wires it as if the create had answered.
func TestServeBucketCreateResponseLost(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	cfc, lose := lossyClient(e.cf, "distribution")
	res, err := cloudfront.ServeBucket(ctx, cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	sent, lost := lose.counts()
	require.Equal(t, 1, lost, "the first create's response was lost")
	require.Equal(t, 2, sent, "and the SDK sent it again")

	require.Len(t, e.cf.DistributionIDs(), 1, "exactly one distribution")
	assert.Equal(t, e.cf.DistributionIDs()[0], res.DistributionID)
	assert.Regexp(t, `^arn:aws:cloudfront::111122223333:distribution/E[A-Z0-9]{13}$`, res.DistributionARN)
	assert.True(t, strings.HasSuffix(res.DomainName, ".cloudfront.net"))
	var steps []string
	for _, a := range res.Actions {
		steps = append(steps, a.Step+":"+string(a.Change))
	}
	assert.Equal(t, []string{"origin-access-control:create", "create-distribution:create", "bucket-policy:create"}, steps)
	assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)

	got, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(res.DistributionID)})
	require.NoError(t, err)
	assert.Equal(t, res.OriginAccessControlID, aws.ToString(got.DistributionConfig.Origins.Items[0].OriginAccessControlId))

	// A run after it changes nothing.
	e.resetCounts()
	again, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	assert.False(t, again.Changed(), "%v", again.Actions)
	assert.Equal(t, res.DistributionID, again.DistributionID)
}

// The same for CreateOriginAccessControl: OAC names are unique, so the
// resent request is answered OriginAccessControlAlreadyExists for the OAC
// the first one made. ServeBucket failed at origin-access-control; it now
// finds the OAC by its name, as a run after it would.
func TestServeBucketCreateOACResponseLost(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	cfc, lose := lossyClient(e.cf, "origin-access-control")
	res, err := cloudfront.ServeBucket(t.Context(), cfc, e.s3c, testBucket, nil)
	require.NoError(t, err)
	sent, lost := lose.counts()
	require.Equal(t, 1, lost)
	require.Equal(t, 2, sent)
	assert.Equal(t, 1, e.cf.Count("CreateOriginAccessControl"), "one OAC made")
	require.Len(t, e.cf.DistributionIDs(), 1)
	assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)
	got, err := e.cfc.ListOriginAccessControls(t.Context(), &cfsdk.ListOriginAccessControlsInput{})
	require.NoError(t, err)
	require.Len(t, got.OriginAccessControlList.Items, 1)
	assert.Equal(t, res.OriginAccessControlID, aws.ToString(got.OriginAccessControlList.Items[0].Id))
	assert.Equal(t, "origin-access-control:create", res.Actions[0].Step+":"+string(res.Actions[0].Change))
	assert.Contains(t, res.Actions[0].Detail, "OriginAccessControlAlreadyExists")

	// OriginAccessControlAlreadyExists with no OAC of that name to be
	// found stays an error.
	e = newEnv(t, s3fake.StateAWSDefault)
	e.cf.InjectFault("CreateOriginAccessControl", cffake.Fault{Status: http.StatusConflict, Code: "OriginAccessControlAlreadyExists", Times: 1})
	_, err = cloudfront.ServeBucket(t.Context(), e.cfc, e.s3c, testBucket, nil)
	var se *cloudfront.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, cloudfront.StepOriginAccessControl, se.Step)
	var exists *types.OriginAccessControlAlreadyExists
	require.ErrorAs(t, err, &exists)
	assert.Empty(t, e.cf.DistributionIDs())
}

// foreignFirst is a CloudFront client whose first CreateDistributionWithTags
// is preceded by someone else's CreateDistribution with the same
// CallerReference, made by foreign from the request ServeBucket sends.
type foreignFirst struct {
	*cfsdk.Client
	foreign func(sent *types.DistributionConfig) *types.DistributionConfig
	id      string
}

func (f *foreignFirst) CreateDistributionWithTags(ctx context.Context, in *cfsdk.CreateDistributionWithTagsInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreateDistributionWithTagsOutput, error) {
	if f.id == "" {
		out, err := f.Client.CreateDistribution(ctx, &cfsdk.CreateDistributionInput{DistributionConfig: f.foreign(in.DistributionConfigWithTags.DistributionConfig)})
		if err != nil {
			return nil, err
		}
		f.id = aws.ToString(out.Distribution.Id)
	}
	return f.Client.CreateDistributionWithTags(ctx, in, optFns...)
}

// A DistributionAlreadyExists for a distribution that is not the one this
// call asked for stays an error: nothing is adopted and the bucket policy
// grants no distribution.
func TestServeBucketDistributionAlreadyExistsNotOurs(t *testing.T) {
	ctx := t.Context()
	assertNotAdopted := func(t *testing.T, e *env, res *cloudfront.Result, err error) {
		t.Helper()
		var se *cloudfront.StepError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, cloudfront.StepCreateDistribution, se.Step)
		var exists *types.DistributionAlreadyExists
		require.ErrorAs(t, err, &exists, "CloudFront's error is kept")
		assert.Empty(t, res.DistributionID)
		assert.Empty(t, res.DistributionARN)
		_, perr := e.s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(testBucket)})
		assert.Equal(t, "NoSuchBucketPolicy", apiErrorCode(perr), "no statement for any distribution")
	}
	t.Run("no distribution carries the reference", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		e.cf.InjectFault("CreateDistributionWithTags", cffake.Fault{Status: http.StatusConflict, Code: "DistributionAlreadyExists", Times: 1})
		res, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
		assertNotAdopted(t, e, res, err)
		assert.Empty(t, e.cf.DistributionIDs())
	})
	t.Run("another bucket's distribution carries it", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		c := &foreignFirst{Client: e.cfc, foreign: func(sent *types.DistributionConfig) *types.DistributionConfig {
			cfg := legacyConfig(aws.ToString(sent.CallerReference), "")
			cfg.Origins.Items[0].DomainName = aws.String("another-bucket.s3.eu-west-1.amazonaws.com")
			return cfg
		}}
		res, err := cloudfront.ServeBucket(ctx, c, e.s3c, testBucket, nil)
		assertNotAdopted(t, e, res, err)
		assert.Equal(t, []string{c.id}, e.cf.DistributionIDs())
	})
	t.Run("a distribution of the bucket without the OAC carries it", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		c := &foreignFirst{Client: e.cfc, foreign: func(sent *types.DistributionConfig) *types.DistributionConfig {
			return legacyConfig(aws.ToString(sent.CallerReference), "")
		}}
		res, err := cloudfront.ServeBucket(ctx, c, e.s3c, testBucket, nil)
		assertNotAdopted(t, e, res, err)
		assert.Equal(t, []string{c.id}, e.cf.DistributionIDs())
	})
	t.Run("the asked-for distribution under another reference", func(t *testing.T) {
		// Another run made the same distribution a moment before, and
		// CloudFront answers DistributionAlreadyExists: the twin does not
		// carry this call's reference, so it is not this call's.
		e := newEnv(t, s3fake.StateAWSDefault)
		c := &foreignFirst{Client: e.cfc, foreign: func(sent *types.DistributionConfig) *types.DistributionConfig {
			e.cf.InjectFault("CreateDistributionWithTags", cffake.Fault{Status: http.StatusConflict, Code: "DistributionAlreadyExists", Times: 1})
			twin := *sent
			twin.CallerReference = aws.String(aws.ToString(sent.CallerReference) + "-twin")
			return &twin
		}}
		res, err := cloudfront.ServeBucket(ctx, c, e.s3c, testBucket, nil)
		assertNotAdopted(t, e, res, err)
		assert.Equal(t, []string{c.id}, e.cf.DistributionIDs())
	})
	t.Run("a distribution with the OAC but another origin domain carries it", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		c := &foreignFirst{Client: e.cfc, foreign: func(sent *types.DistributionConfig) *types.DistributionConfig {
			cfg := legacyConfig(aws.ToString(sent.CallerReference), "")
			cfg.Origins.Items[0].OriginAccessControlId = sent.Origins.Items[0].OriginAccessControlId
			return cfg
		}}
		res, err := cloudfront.ServeBucket(ctx, c, e.s3c, testBucket, nil)
		assertNotAdopted(t, e, res, err)
		assert.Equal(t, []string{c.id}, e.cf.DistributionIDs())
	})
}

// oacFirst is a CloudFront client whose first CreateOriginAccessControl is
// preceded by another writer's OAC of the same name, with the given origin
// type and signing behavior.
type oacFirst struct {
	*cfsdk.Client
	originType types.OriginAccessControlOriginTypes
	behavior   types.OriginAccessControlSigningBehaviors
	id         string
}

func (f *oacFirst) CreateOriginAccessControl(ctx context.Context, in *cfsdk.CreateOriginAccessControlInput, optFns ...func(*cfsdk.Options)) (*cfsdk.CreateOriginAccessControlOutput, error) {
	if f.id == "" {
		out, err := f.Client.CreateOriginAccessControl(ctx, &cfsdk.CreateOriginAccessControlInput{OriginAccessControlConfig: &types.OriginAccessControlConfig{
			Name: in.OriginAccessControlConfig.Name, OriginAccessControlOriginType: f.originType,
			SigningBehavior: f.behavior, SigningProtocol: types.OriginAccessControlSigningProtocolsSigv4,
		}})
		if err != nil {
			return nil, err
		}
		f.id = aws.ToString(out.OriginAccessControl.Id)
	}
	return f.Client.CreateOriginAccessControl(ctx, in, optFns...)
}

// An OAC of the name made by another writer between the listing and the
// create is checked as one found by listing is: one for another origin
// type is refused with ErrOACMisconfigured before any distribution exists,
// one that does not always sign is fixed in place.
func TestServeBucketOACMadeSinceTheListing(t *testing.T) {
	t.Run("another origin type", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		c := &oacFirst{Client: e.cfc, originType: types.OriginAccessControlOriginTypesMediastore, behavior: types.OriginAccessControlSigningBehaviorsAlways}
		_, err := cloudfront.ServeBucket(t.Context(), c, e.s3c, testBucket, nil)
		require.ErrorIs(t, err, cloudfront.ErrOACMisconfigured)
		assert.Empty(t, e.cf.DistributionIDs())
	})
	t.Run("signing never", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		c := &oacFirst{Client: e.cfc, originType: types.OriginAccessControlOriginTypesS3, behavior: types.OriginAccessControlSigningBehaviorsNever}
		res, err := cloudfront.ServeBucket(t.Context(), c, e.s3c, testBucket, nil)
		require.NoError(t, err)
		assert.Equal(t, c.id, res.OriginAccessControlID)
		assert.Equal(t, cloudfront.ChangeUpdated, res.Actions[0].Change)
		got, err := e.cfc.GetOriginAccessControl(t.Context(), &cfsdk.GetOriginAccessControlInput{Id: aws.String(c.id)})
		require.NoError(t, err)
		assert.Equal(t, types.OriginAccessControlSigningBehaviorsAlways, got.OriginAccessControl.OriginAccessControlConfig.SigningBehavior)
		assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)
	})
}

// Migrate finds or creates its OAC as ServeBucket does: an OAC create whose
// response was lost goes on with the OAC the first request made.
func TestMigrateCreateOACResponseLost(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	_, id := legacySetup(t, e)
	cfc, lose := lossyClient(e.cf, "origin-access-control")
	res, err := cloudfront.Migrate(t.Context(), cfc, e.s3c, testBucket, id, fastPoll)
	require.NoError(t, err)
	sent, lost := lose.counts()
	require.Equal(t, 1, lost)
	require.Equal(t, 2, sent)
	got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
	require.NoError(t, err)
	assert.Equal(t, res.OriginAccessControlID, aws.ToString(got.DistributionConfig.Origins.Items[0].OriginAccessControlId))
	assertOnlyDistribution(t, e.bucketPolicy(t), res.DistributionARN)
}
