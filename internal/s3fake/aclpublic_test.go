package s3fake_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// BlockPublicAcls refuses an ACL that grants to AllUsers or
// AuthenticatedUsers however the group URI is spelled: the fake keeps a
// URI as sent (as moto does), and policy.IsPublicGrantee, the library's
// rule (what its authorizer, S3.2/S3.3 and IgnorePublicAcls apply), counts
// https and any case as the group. The fake compared the URI byte for byte
// and stored such a grant with BlockPublicAcls on.
func TestBlockPublicAclsAnyGroupSpelling(t *testing.T) {
	f := s3fake.StartTLS(t, policyOptions())
	owner := f.OwnerClient()
	ctx := t.Context()
	for i, uri := range []string{"https://acs.amazonaws.com/groups/global/AllUsers", "http://acs.amazonaws.com/groups/global/authenticatedusers"} {
		bucket := []string{"spelled-0", "spelled-1"}[i]
		require.NoError(t, f.CreateBucket(bucket, s3fake.StateLegacy))
		_, err := owner.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket),
			PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true)}})
		require.NoError(t, err)
		_, err = owner.PutBucketAcl(ctx, &s3.PutBucketAclInput{Bucket: aws.String(bucket), AccessControlPolicy: &types.AccessControlPolicy{
			Owner:  &types.Owner{ID: aws.String(s3fake.CanonicalUserID(s3fake.DefaultAccountID))},
			Grants: []types.Grant{{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String(uri)}, Permission: types.PermissionRead}},
		}})
		requireCode(t, err, "AccessDenied")
	}
}

// The account's BlockPublicAcls refuses a CreateBucket that carries a
// public ACL: "PUT Bucket calls fail if the request includes a public
// ACL" (S3 Control API reference, PublicAccessBlockConfiguration). The
// fake created the bucket with the public ACL, so a test on
// s3securetest saw account Block Public Access let it through. A private
// ACL, and the same public ACL without the account setting, are created.
func TestAccountBlockPublicAclsRefusesPublicCreateBucket(t *testing.T) {
	opts := policyOptions()
	opts.CreateBucketState = s3fake.StateLegacy
	f := s3fake.StartTLS(t, opts)
	owner := f.OwnerClient()
	ctx := t.Context()

	_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("before-account-bpa"), ACL: types.BucketCannedACLPublicRead})
	require.NoError(t, err, "no Block Public Access anywhere: a public ACL is S3's to keep")

	f.SetAccountPublicAccessBlock(s3fake.DefaultAccountID, &s3fake.PublicAccessBlock{BlockPublicAcls: true})
	for _, acl := range []types.BucketCannedACL{types.BucketCannedACLPublicRead, types.BucketCannedACLPublicReadWrite, types.BucketCannedACLAuthenticatedRead} {
		_, err := owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("public-" + string(acl)), ACL: acl})
		requireCode(t, err, "AccessDenied")
		_, err = owner.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("public-" + string(acl))})
		require.Error(t, err, "the refused bucket %s was not created", acl)
	}
	_, err = owner.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("private-acl"), ACL: types.BucketCannedACLPrivate})
	require.NoError(t, err)
}
