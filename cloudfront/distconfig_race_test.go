package cloudfront_test

import (
	"context"
	"errors"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// beforeUpdate runs hook once, just before the first UpdateDistribution:
// another writer changes the distribution after the library read its
// configuration and before it writes it.
type beforeUpdate struct {
	cloudfront.CloudFrontAPI
	once sync.Once
	hook func(ctx context.Context, id string)
}

func (w *beforeUpdate) UpdateDistribution(ctx context.Context, in *cfsdk.UpdateDistributionInput, optFns ...func(*cfsdk.Options)) (*cfsdk.UpdateDistributionOutput, error) {
	w.once.Do(func() { w.hook(ctx, aws.ToString(in.Id)) })
	return w.CloudFrontAPI.UpdateDistribution(ctx, in, optFns...)
}

// otherWriter changes the distribution's comment, as a console user or an
// infrastructure-as-code apply would.
func otherWriter(t *testing.T, e *env) func(ctx context.Context, id string) {
	return func(ctx context.Context, id string) {
		cur, err := e.cfc.GetDistributionConfig(ctx, &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
		require.NoError(t, err)
		cur.DistributionConfig.Comment = aws.String("changed by another writer")
		_, err = e.cfc.UpdateDistribution(ctx, &cfsdk.UpdateDistributionInput{Id: aws.String(id), IfMatch: cur.ETag, DistributionConfig: cur.DistributionConfig})
		require.NoError(t, err)
	}
}

// TestDistributionConfigIsNeverWrittenFromAStaleRead: the package
// documentation promises that a distribution configuration changed by
// another writer between the library's read and its UpdateDistribution is
// not overwritten: the write carries the read's ETag (If-Match), and
// CloudFront refuses it with 412 PreconditionFailed. ServeBucket on an
// existing distribution and Migrate each meet such a change; the other
// writer's change is what the distribution holds afterwards.
func TestDistributionConfigIsNeverWrittenFromAStaleRead(t *testing.T) {
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, e *env) string
		run   func(t *testing.T, e *env, cf cloudfront.CloudFrontAPI, id string) error
	}{
		{"ServeBucket", func(t *testing.T, e *env) string {
			out, err := e.cfc.CreateDistribution(t.Context(), &cfsdk.CreateDistributionInput{DistributionConfig: richConfig()})
			require.NoError(t, err)
			return aws.ToString(out.Distribution.Id)
		}, func(t *testing.T, e *env, cf cloudfront.CloudFrontAPI, id string) error {
			_, err := cloudfront.ServeBucket(t.Context(), cf, e.s3c, testBucket, &cloudfront.Options{DistributionID: id})
			return err
		}},
		{"Migrate", func(t *testing.T, e *env) string {
			_, id := legacySetup(t, e)
			return id
		}, func(t *testing.T, e *env, cf cloudfront.CloudFrontAPI, id string) error {
			_, err := cloudfront.Migrate(t.Context(), cf, e.s3c, testBucket, id, fastPoll)
			return err
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			id := tc.setup(t, e)
			err := tc.run(t, e, &beforeUpdate{CloudFrontAPI: e.cfc, hook: otherWriter(t, e)}, id)
			var pf *types.PreconditionFailed
			require.True(t, errors.As(err, &pf), "PreconditionFailed, got %v", err)
			got, err := e.cfc.GetDistributionConfig(t.Context(), &cfsdk.GetDistributionConfigInput{Id: aws.String(id)})
			require.NoError(t, err)
			assert.Equal(t, "changed by another writer", aws.ToString(got.DistributionConfig.Comment), "the other writer's change is kept")
		})
	}
}
