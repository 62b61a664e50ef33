package setuperr_test

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// TestRegionsConfine: a setup problem met at one Region's endpoint is that
// Region's when the client's own Region still answers (once asked, for
// every bucket of the Region), and everyone's when the client's Region
// refuses too; a problem that is no setup problem, one met in the
// client's Region or without a Region, and an ended run are never a
// Region's.
func TestRegionsConfine(t *testing.T) {
	ctx := t.Context()
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucketWith("far", &s3fake.BucketOptions{Region: "ap-east-1"}))
	session := f.AddRole("", "auditor", "run")
	c := f.Client(session)
	read := func(region string) error {
		_, err := c.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: aws.String("far")}, func(o *s3.Options) { o.Region = region })
		return err
	}
	var checks atomic.Int32
	regions := func() *setuperr.Regions {
		checks.Store(0)
		return &setuperr.Regions{Home: "us-east-1", Call: "securebucket.AuditAll", Check: func(ctx context.Context) error {
			checks.Add(1)
			_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
			return err
		}}
	}

	f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultInvalidToken, Region: "ap-east-1"})
	refused := read("ap-east-1")
	require.True(t, setuperr.Is(refused), "%v", refused)

	r := regions()
	assert.Nil(t, r.Down("ap-east-1"), "nothing known yet")
	var wg sync.WaitGroup
	got := make([]*setuperr.RegionError, 8)
	for i := range got {
		wg.Add(1)
		go func() { defer wg.Done(); got[i] = r.Confine(ctx, "ap-east-1", refused) }()
	}
	wg.Wait()
	require.NotNil(t, got[0])
	for _, g := range got {
		assert.Same(t, got[0], g, "one decision for the Region")
	}
	assert.Equal(t, int32(1), checks.Load(), "the client's Region is asked once")
	assert.Same(t, got[0], r.Down("ap-east-1"))
	assert.Nil(t, r.Down("eu-west-1"))
	re := got[0]
	assert.Equal(t, "ap-east-1", re.Region)
	assert.Equal(t, "us-east-1", re.ClientRegion)
	assert.ErrorIs(t, re, refused)
	assert.Contains(t, re.Error(), "securebucket: Region ap-east-1 could not be read, while the client's Region (us-east-1) answered: ")
	assert.NotContains(t, re.Error(), "securebucket: operation", "the package is named once")
	assert.NotContains(t, re.Error(), session.SessionToken)

	for name, tc := range map[string]struct {
		region string
		err    error
	}{
		"no setup problem":    {"ap-east-1", errors.New("some other failure")},
		"the client's Region": {"us-east-1", refused},
		"no Region":           {"", refused},
	} {
		r := regions()
		assert.Nil(t, r.Confine(ctx, tc.region, tc.err), name)
		assert.Zero(t, checks.Load(), "%s: nothing asked", name)
	}

	// The client's Region refuses too (the key was revoked): everyone's.
	r = regions()
	f.RemoveCredential(session.AccessKeyID)
	revoked := read("eu-west-1")
	require.True(t, setuperr.Is(revoked))
	assert.Nil(t, r.Confine(ctx, "eu-west-1", revoked))
	assert.Nil(t, r.Down("eu-west-1"))
	assert.Equal(t, int32(1), checks.Load())

	// An ended run decides nothing for the Region.
	r = regions()
	ended, cancel := context.WithCancel(ctx)
	cancel()
	assert.Nil(t, r.Confine(ended, "ap-east-1", refused))
	assert.Nil(t, (&setuperr.Regions{Home: "us-east-1"}).Confine(ctx, "ap-east-1", refused), "no Check: everyone's")
}
