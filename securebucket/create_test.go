package securebucket_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

func TestCreate(t *testing.T) {
	// The fake creates legacy buckets here, so Create's own settings show.
	f := s3fake.Start(t, &s3fake.Options{CreateBucketState: s3fake.StateLegacy, Region: "eu-west-1"})
	c := f.Client(f.OwnerCredential(), withRegion("eu-west-1"))
	res, err := securebucket.Create(t.Context(), c, "fresh-bucket", opts())
	require.NoError(t, err)
	require.NotEmpty(t, res.Steps)
	assert.Equal(t, securebucket.StepCreate, res.Steps[0].Name)
	assert.Contains(t, res.Steps[0].Detail, "eu-west-1")
	assert.Equal(t, securebucket.ActionNone, stepOf(t, res.Steps, securebucket.StepOwnership).Action, "ACLs disabled at creation")
	cfg := assertHardened(t, f, "fresh-bucket")
	assert.Equal(t, "eu-west-1", cfg.Region)
	assert.False(t, cfg.ObjectLockEnabled)

	f.ResetCounts()
	_, err = securebucket.Create(t.Context(), c, "fresh-bucket", opts())
	require.ErrorIs(t, err, securebucket.ErrBucketAlreadyOwnedByYou)
	assert.NotErrorIs(t, err, securebucket.ErrBucketAlreadyExists)
	var owned *types.BucketAlreadyOwnedByYou
	assert.ErrorAs(t, err, &owned, "the SDK's typed error is wrapped too")
	var se *securebucket.StepError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, securebucket.StepCreate, se.Step)
	assert.Equal(t, 1, f.WriteCount(), "only the CreateBucket attempt")
}

func TestCreateTakenByAnotherAccount(t *testing.T) {
	f, c := startFake(t)
	require.NoError(t, f.CreateBucketWith("taken-name", &s3fake.BucketOptions{AccountID: "444455556666"}))
	_, err := securebucket.Create(t.Context(), c, "taken-name", opts())
	require.ErrorIs(t, err, securebucket.ErrBucketAlreadyExists)
	assert.NotErrorIs(t, err, securebucket.ErrBucketAlreadyOwnedByYou)
	var exists *types.BucketAlreadyExists
	assert.ErrorAs(t, err, &exists)
}

func TestCreateWithObjectLock(t *testing.T) {
	f, c := startFake(t)
	o := opts()
	o.ObjectLock = &securebucket.ObjectLock{Mode: types.ObjectLockRetentionModeGovernance, Days: 30}
	res, err := securebucket.Create(t.Context(), c, "locked-bucket", o)
	require.NoError(t, err)
	assert.Contains(t, res.Steps[0].Detail, "Object Lock")
	cfg := assertHardened(t, f, "locked-bucket")
	assert.True(t, cfg.ObjectLockEnabled)
	assert.True(t, stepOf(t, res.Steps, securebucket.StepObjectLock).Applied, "default retention set")
	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), c, "locked-bucket", o)
	require.NoError(t, err)
	assert.Zero(t, f.WriteCount())
}

func TestCreateValidatesNameStrictly(t *testing.T) {
	f, c := startFake(t)
	for _, name := range []string{"Upper-Case", "under_score", "ab", "a..b", "192.168.1.1", "xn--bucket", "bucket-s3alias", "-dash", "dash-"} {
		_, err := securebucket.Create(t.Context(), c, name, nil)
		assert.ErrorIs(t, err, securebucket.ErrInvalidBucketName, name)
	}
	assert.Zero(t, f.TotalCount(), "no request for invalid names")
}

func TestCreateInAnotherRegionThanTheClient(t *testing.T) {
	f, c := startFake(t) // client in us-east-1
	o := opts()
	o.Region = "eu-central-1"
	_, err := securebucket.Create(t.Context(), c, "central-bucket", o)
	require.NoError(t, err)
	cfg := assertHardened(t, f, "central-bucket")
	assert.Equal(t, "eu-central-1", cfg.Region)
}

// lostCreateResponse is a client whose first CreateBucket creates the
// bucket and then, as when the response is lost and the SDK's retryer
// sends the request again, answers what the second request gets.
type lostCreateResponse struct {
	*s3.Client
	sent bool
}

func (c *lostCreateResponse) CreateBucket(ctx context.Context, in *s3.CreateBucketInput, optFns ...func(*s3.Options)) (*s3.CreateBucketOutput, error) {
	if !c.sent {
		c.sent = true
		if _, err := c.Client.CreateBucket(ctx, in, optFns...); err != nil {
			return nil, err
		}
	}
	return c.Client.CreateBucket(ctx, in, optFns...)
}

// A CreateBucket whose response is lost is sent again (the SDK retries
// 5xx answers and broken connections), and outside us-east-1 the second
// request answers BucketAlreadyOwnedByYou for the bucket the first one
// made. Create returned ErrBucketAlreadyOwnedByYou ("you have it; use
// Harden") for a bucket it had just created, without Block Public Access
// or any other setting: a caller that takes "already yours" for success
// never hardens it.
func TestCreateWhoseResponseWasLost(t *testing.T) {
	f := s3fake.Start(t, &s3fake.Options{CreateBucketState: s3fake.StateLegacy, Region: "eu-west-1"})
	c := &lostCreateResponse{Client: f.Client(f.OwnerCredential(), withRegion("eu-west-1"))}
	res, err := securebucket.Create(t.Context(), c, "lost-response", opts())
	require.NoError(t, err)
	assert.Equal(t, securebucket.StepCreate, res.Steps[0].Name)
	assertHardened(t, f, "lost-response")

	// A bucket that was there before Create is still refused.
	_, err = securebucket.Create(t.Context(), &lostCreateResponse{Client: c.Client}, "lost-response", opts())
	require.ErrorIs(t, err, securebucket.ErrBucketAlreadyOwnedByYou)
}
