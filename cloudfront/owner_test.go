package cloudfront_test

import (
	"context"
	"net/http"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

const (
	ourAccount   = cffake.DefaultAccountID // the distributions' account, and the S3 fake's owner
	otherAccount = "444455556666"
)

// ownerRecorder records the ExpectedBucketOwner of every S3 call.
type ownerRecorder struct {
	cloudfront.S3API
	mu    sync.Mutex
	calls []ownedCall
}

type ownedCall struct{ op, owner string }

func (r *ownerRecorder) add(op string, owner *string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.calls = append(r.calls, ownedCall{op, aws.ToString(owner)})
}

func (r *ownerRecorder) recorded() []ownedCall {
	r.mu.Lock()
	defer r.mu.Unlock()
	return append([]ownedCall(nil), r.calls...)
}

// ListBuckets names no bucket, so it has no owner to name: it is passed on
// unrecorded. The calls' plain-HTTP probe uses it (the SDK stops the probe
// before it is sent); without it the probe would be a GetBucketPolicy,
// made before the owner is known.
func (r *ownerRecorder) ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	return r.S3API.(*s3.Client).ListBuckets(ctx, in, optFns...)
}

func (r *ownerRecorder) GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error) {
	r.add("GetBucketLocation", in.ExpectedBucketOwner)
	return r.S3API.GetBucketLocation(ctx, in, optFns...)
}

func (r *ownerRecorder) GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error) {
	r.add("GetPublicAccessBlock", in.ExpectedBucketOwner)
	return r.S3API.GetPublicAccessBlock(ctx, in, optFns...)
}

func (r *ownerRecorder) GetBucketEncryption(ctx context.Context, in *s3.GetBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.GetBucketEncryptionOutput, error) {
	r.add("GetBucketEncryption", in.ExpectedBucketOwner)
	return r.S3API.GetBucketEncryption(ctx, in, optFns...)
}

func (r *ownerRecorder) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	r.add("GetBucketPolicy", in.ExpectedBucketOwner)
	return r.S3API.GetBucketPolicy(ctx, in, optFns...)
}

func (r *ownerRecorder) PutBucketPolicy(ctx context.Context, in *s3.PutBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.PutBucketPolicyOutput, error) {
	r.add("PutBucketPolicy", in.ExpectedBucketOwner)
	return r.S3API.PutBucketPolicy(ctx, in, optFns...)
}

func (r *ownerRecorder) DeleteBucketPolicy(ctx context.Context, in *s3.DeleteBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.DeleteBucketPolicyOutput, error) {
	r.add("DeleteBucketPolicy", in.ExpectedBucketOwner)
	return r.S3API.DeleteBucketPolicy(ctx, in, optFns...)
}

// assertAllOwned checks that every call carried owner.
func assertAllOwned(t *testing.T, calls []ownedCall, owner string) {
	t.Helper()
	require.NotEmpty(t, calls)
	for _, c := range calls {
		assert.Equal(t, owner, c.owner, "%s without ExpectedBucketOwner %s", c.op, owner)
	}
}

// TestEveryBucketCallNamesTheOwner: Migrate, CreateLegacyOAI and ServeBucket
// (on an existing distribution, or with Options.ExpectedBucketOwner) send
// ExpectedBucketOwner with every S3 call; by default it is the account of
// the distribution.
func TestEveryBucketCallNamesTheOwner(t *testing.T) {
	ctx := t.Context()
	t.Run("Migrate", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		_, id := legacySetup(t, e)
		rec := &ownerRecorder{S3API: e.s3c}
		_, err := cloudfront.Migrate(ctx, e.cfc, rec, testBucket, id, fastPoll)
		require.NoError(t, err)
		assertAllOwned(t, rec.recorded(), ourAccount)
	})
	t.Run("CreateLegacyOAI", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		rec := &ownerRecorder{S3API: e.s3c}
		_, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, rec, testBucket, &cloudfront.LegacyOAIOptions{ExpectedBucketOwner: ourAccount})
		require.NoError(t, err)
		assertAllOwned(t, rec.recorded(), ourAccount)
	})
	t.Run("ServeBucket existing distribution", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		id, _ := legacyDistribution(t, e, "")
		rec := &ownerRecorder{S3API: e.s3c}
		_, err := cloudfront.ServeBucket(ctx, e.cfc, rec, testBucket, &cloudfront.Options{DistributionID: id})
		require.NoError(t, err)
		assertAllOwned(t, rec.recorded(), ourAccount)
	})
	t.Run("ServeBucket with ExpectedBucketOwner", func(t *testing.T) {
		e := newEnv(t, s3fake.StateAWSDefault)
		rec := &ownerRecorder{S3API: e.s3c}
		_, err := cloudfront.ServeBucket(ctx, e.cfc, rec, testBucket, &cloudfront.Options{ExpectedBucketOwner: ourAccount})
		require.NoError(t, err)
		assertAllOwned(t, rec.recorded(), ourAccount)
	})
	for _, lost := range []bool{false, true} {
		name := "ServeBucket new distribution, by default"
		if lost {
			name = "ServeBucket new distribution whose create response was lost"
		}
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			cfc := e.cfc
			if lost {
				cfc, _ = lossyClient(e.cf, "distribution")
			}
			rec := &ownerRecorder{S3API: e.s3c}
			_, err := cloudfront.ServeBucket(ctx, cfc, rec, testBucket, nil)
			require.NoError(t, err)
			assertOwnedFromCreation(t, rec.recorded())
		})
	}
}

// assertOwnedFromCreation checks the S3 calls of a ServeBucket that created
// the distribution, without Options.ExpectedBucketOwner.
func assertOwnedFromCreation(t *testing.T, calls []ownedCall) {
	t.Helper()
	// Before the distribution exists its account is unknown; the
	// bucket policy, which S3 shows only to the bucket owner's account,
	// is read before the distribution is created. From the creation on,
	// every call names the distribution's account.
	var after []ownedCall
	for i, c := range calls {
		if c.owner != "" {
			after = calls[i:]
			break
		}
		assert.Contains(t, []string{"GetPublicAccessBlock", "GetBucketLocation", "GetBucketEncryption", "GetBucketPolicy"}, c.op)
	}
	assertAllOwned(t, after, ourAccount)
	assert.Contains(t, after, ownedCall{"PutBucketPolicy", ourAccount})
}

// foreignBucket makes testBucket belong to another account, which grants
// ours every S3 action in its bucket policy: what someone who re-created a
// deleted bucket's name would do to have a distribution serve their
// content.
func foreignBucket(t *testing.T) *env {
	t.Helper()
	cf := cffake.Start(t, nil)
	s3f := s3fake.Start(t, &s3fake.Options{Region: testRegion})
	require.NoError(t, s3f.CreateBucketWith(testBucket, &s3fake.BucketOptions{State: s3fake.StateAWSDefault, AccountID: otherAccount}))
	other := s3f.Client(s3f.AddAccountRoot(otherAccount))
	_, err := other.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String(testBucket), Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"Lure","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + ourAccount + `:root"},"Action":"s3:*","Resource":["arn:aws:s3:::media-example-bucket","arn:aws:s3:::media-example-bucket/*"]}]}`)})
	require.NoError(t, err)
	s3f.ResetCounts()
	return &env{cf: cf, s3: s3f, cfc: cf.Client(), s3c: s3f.OwnerClient()}
}

func requireAccessDenied(t *testing.T, err error) {
	t.Helper()
	var se *cloudfront.StepError
	require.ErrorAs(t, err, &se)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "AccessDenied", ae.ErrorCode())
	var re interface{ HTTPStatusCode() int }
	if assert.ErrorAs(t, err, &re) {
		assert.Equal(t, http.StatusForbidden, re.HTTPStatusCode())
	}
}

// TestBucketOwnedByAnotherAccount: a distribution is never wired to a
// bucket of the same name that another account owns.
func TestBucketOwnedByAnotherAccount(t *testing.T) {
	ctx := t.Context()
	t.Run("ServeBucket with ExpectedBucketOwner", func(t *testing.T) {
		e := foreignBucket(t)
		rec := &ownerRecorder{S3API: e.s3c}
		_, err := cloudfront.ServeBucket(ctx, e.cfc, rec, testBucket, &cloudfront.Options{ExpectedBucketOwner: ourAccount})
		requireAccessDenied(t, err)
		assert.Empty(t, e.cf.Counts(), "refused at the first S3 call")
		assertAllOwned(t, rec.recorded(), ourAccount)
	})
	t.Run("ServeBucket existing distribution", func(t *testing.T) {
		e := foreignBucket(t)
		id, _ := legacyDistribution(t, e, "")
		e.cf.ResetCounts()
		rec := &ownerRecorder{S3API: e.s3c}
		_, err := cloudfront.ServeBucket(ctx, e.cfc, rec, testBucket, &cloudfront.Options{DistributionID: id})
		requireAccessDenied(t, err)
		assert.Zero(t, e.cf.Count("UpdateDistribution"), "the origin is not switched")
		assert.Zero(t, e.s3.WriteCount())
		assertAllOwned(t, rec.recorded(), ourAccount)
	})
	t.Run("ServeBucket new distribution, by default", func(t *testing.T) {
		e := foreignBucket(t)
		_, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, nil)
		require.Error(t, err)
		assert.Zero(t, e.cf.Count("CreateDistributionWithTags"), "no distribution is created for it")
		assert.Zero(t, e.s3.WriteCount())
	})
	t.Run("Migrate", func(t *testing.T) {
		e := foreignBucket(t)
		out, err := e.cfc.CreateCloudFrontOriginAccessIdentity(ctx, &cfsdk.CreateCloudFrontOriginAccessIdentityInput{
			CloudFrontOriginAccessIdentityConfig: &types.CloudFrontOriginAccessIdentityConfig{CallerReference: aws.String("oai"), Comment: aws.String("legacy")},
		})
		require.NoError(t, err)
		id, _ := legacyDistribution(t, e, cloudfront.OAIOriginPrefix+aws.ToString(out.CloudFrontOriginAccessIdentity.Id))
		e.cf.Deploy(id)
		e.cf.ResetCounts()
		rec := &ownerRecorder{S3API: e.s3c}
		_, err = cloudfront.Migrate(ctx, e.cfc, rec, testBucket, id, fastPoll)
		requireAccessDenied(t, err)
		assert.Zero(t, e.cf.Count("UpdateDistribution"), "the origin is not switched")
		assert.Zero(t, e.s3.WriteCount())
		assertAllOwned(t, rec.recorded(), ourAccount)
	})
	t.Run("CreateLegacyOAI", func(t *testing.T) {
		e := foreignBucket(t)
		_, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, e.s3c, testBucket, &cloudfront.LegacyOAIOptions{ExpectedBucketOwner: ourAccount})
		requireAccessDenied(t, err)
		assert.Empty(t, e.cf.Counts())
	})
}
