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
