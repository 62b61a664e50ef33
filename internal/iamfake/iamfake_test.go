package iamfake_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/iam/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/iamfake"
)

func TestWireProtocol(t *testing.T) {
	ctx := t.Context()
	f, c := iamfake.Start(t)
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	f.AddUser("zoe", created)
	f.AddUser("adam", created, iamfake.Key{ID: "AKIAADAM000000000001", Created: created, LastUsed: created.Add(time.Hour), Service: "s3", Region: "eu-west-1"},
		iamfake.Key{ID: "AKIAADAM000000000002", Created: created, Inactive: true})

	p1, err := c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1)})
	require.NoError(t, err)
	require.Len(t, p1.Users, 1)
	assert.Equal(t, "adam", aws.ToString(p1.Users[0].UserName))
	assert.Equal(t, "arn:aws:iam::111122223333:user/adam", aws.ToString(p1.Users[0].Arn))
	assert.Equal(t, created, aws.ToTime(p1.Users[0].CreateDate))
	assert.True(t, p1.IsTruncated)
	p2, err := c.ListUsers(ctx, &iam.ListUsersInput{MaxItems: aws.Int32(1), Marker: p1.Marker})
	require.NoError(t, err)
	assert.Equal(t, "zoe", aws.ToString(p2.Users[0].UserName))
	assert.False(t, p2.IsTruncated)

	keys, err := c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("adam")})
	require.NoError(t, err)
	require.Len(t, keys.AccessKeyMetadata, 2)
	assert.Equal(t, types.StatusTypeActive, keys.AccessKeyMetadata[0].Status)
	assert.Equal(t, types.StatusTypeInactive, keys.AccessKeyMetadata[1].Status)

	lu, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAADAM000000000001")})
	require.NoError(t, err)
	assert.Equal(t, "adam", aws.ToString(lu.UserName))
	assert.Equal(t, created.Add(time.Hour), aws.ToTime(lu.AccessKeyLastUsed.LastUsedDate))
	assert.Equal(t, "eu-west-1", aws.ToString(lu.AccessKeyLastUsed.Region))
	never, err := c.GetAccessKeyLastUsed(ctx, &iam.GetAccessKeyLastUsedInput{AccessKeyId: aws.String("AKIAADAM000000000002")})
	require.NoError(t, err)
	assert.Nil(t, never.AccessKeyLastUsed.LastUsedDate)
	assert.Equal(t, "N/A", aws.ToString(never.AccessKeyLastUsed.ServiceName))

	_, err = c.ListAccessKeys(ctx, &iam.ListAccessKeysInput{UserName: aws.String("nobody")})
	var nse *types.NoSuchEntityException
	require.ErrorAs(t, err, &nse)

	f.Deny("ListUsers")
	_, err = c.ListUsers(ctx, &iam.ListUsersInput{})
	var api smithy.APIError
	require.ErrorAs(t, err, &api)
	assert.Equal(t, "AccessDenied", api.ErrorCode())
	assert.Equal(t, 3, f.Calls("ListUsers"))
}
