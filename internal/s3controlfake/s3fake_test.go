package s3controlfake_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// Account Block Public Access set through s3control is what the S3 fake
// enforces: an anonymous read of a bucket with a public policy works until
// RestrictPublicBuckets is switched on at account level.
func TestAccountBPAEnforcedByS3Fake(t *testing.T) {
	ctx := t.Context()
	s3f := s3fake.Start(t, nil)
	// The S3 fake's default authorizer ignores policies; this one lets
	// anonymous callers read when the bucket policy is public and the
	// effective Block Public Access (bucket and account, as the S3 fake
	// passes them) does not restrict public buckets.
	s3f.SetAuthorizer(func(ctx context.Context, req *s3fake.AccessRequest) error {
		if !req.Principal.IsAnonymous() {
			return s3fake.OwnerOnlyAuthorize(ctx, req)
		}
		if req.BucketConfig == nil || req.Operation != "GetObject" {
			return errors.New("denied")
		}
		public, err := s3fake.SimpleIsPublicPolicy(req.BucketConfig.Policy)
		eff := req.BucketConfig.PublicAccessBlock.Merge(req.AccountPublicAccessBlock)
		if err != nil || !public || eff.RestrictPublicBuckets {
			return errors.New("denied")
		}
		return nil
	})
	require.NoError(t, s3f.CreateBucket("site", s3fake.StateLegacy))
	owner := s3f.OwnerClient()
	_, err := owner.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("site"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::site/*"}]}`)})
	require.NoError(t, err)
	_, err = owner.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("site"), Key: aws.String("index.html"), Body: strings.NewReader("hello")})
	require.NoError(t, err)
	anonGet := func() error {
		_, err := s3f.AnonymousClient().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("site"), Key: aws.String("index.html")})
		return err
	}
	require.NoError(t, anonGet(), "public policy, no Block Public Access: anonymous read works")

	ctl := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server})
	assert.Equal(t, s3f.AccountID(), ctl.AccountID(), "the account defaults to the S3 fake's")
	c := ctl.Client()
	_, err = c.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(ctl.AccountID()),
		PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{RestrictPublicBuckets: aws.Bool(true)}})
	require.NoError(t, err)
	require.NotNil(t, s3f.AccountPublicAccessBlock(ctl.AccountID()))
	assert.True(t, s3f.AccountPublicAccessBlock(ctl.AccountID()).RestrictPublicBuckets)
	assert.Equal(t, "AccessDenied", apiCode(anonGet()), "account RestrictPublicBuckets cuts off the public policy")

	_, err = c.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: aws.String(ctl.AccountID())})
	require.NoError(t, err)
	assert.NoError(t, anonGet())

	// Access points need an existing bucket of the S3 fake.
	_, err = c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(ctl.AccountID()), Name: aws.String("ap1"), Bucket: aws.String("nope")})
	assert.Equal(t, "NoSuchBucket", apiCode(err))
	_, err = c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(ctl.AccountID()), Name: aws.String("ap1"), Bucket: aws.String("site")})
	assert.NoError(t, err)
}
