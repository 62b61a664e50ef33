package iamfake_test

import (
	"errors"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/iamfake"
)

func TestIdentityPolicies(t *testing.T) {
	ctx := t.Context()
	s, c := iamfake.Start(t)
	const doc = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/a+b c/*"}]}`
	s.PutRolePolicy("etl", "read", doc)
	s.PutRolePolicy("etl", "write", `{"Statement":[]}`)
	arn := s.CreatePolicy("shared", doc)
	s.AttachRolePolicy("etl", arn)
	s.PutUserPolicy("alice", "mine", doc)
	s.PageSize = 1

	var names []string
	p := iam.NewListRolePoliciesPaginator(c, &iam.ListRolePoliciesInput{RoleName: aws.String("etl")})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		names = append(names, out.PolicyNames...)
	}
	assert.Equal(t, []string{"read", "write"}, names, "paginated, in name order")

	got, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("etl"), PolicyName: aws.String("read")})
	require.NoError(t, err)
	assert.NotContains(t, aws.ToString(got.PolicyDocument), "{", "IAM returns documents URL-encoded")
	dec, err := url.PathUnescape(aws.ToString(got.PolicyDocument))
	require.NoError(t, err)
	assert.Equal(t, doc, dec, "a '+' survives: RFC 3986 encoding, not form encoding")
	assert.Equal(t, "etl", aws.ToString(got.RoleName))

	att, err := c.ListAttachedRolePolicies(ctx, &iam.ListAttachedRolePoliciesInput{RoleName: aws.String("etl")})
	require.NoError(t, err)
	require.Len(t, att.AttachedPolicies, 1)
	assert.Equal(t, arn, aws.ToString(att.AttachedPolicies[0].PolicyArn))
	pol, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn)})
	require.NoError(t, err)
	ver, err := c.GetPolicyVersion(ctx, &iam.GetPolicyVersionInput{PolicyArn: aws.String(arn), VersionId: pol.Policy.DefaultVersionId})
	require.NoError(t, err)
	dec, err = url.PathUnescape(aws.ToString(ver.PolicyVersion.Document))
	require.NoError(t, err)
	assert.Equal(t, doc, dec)

	users, err := c.ListUserPolicies(ctx, &iam.ListUserPoliciesInput{UserName: aws.String("alice")})
	require.NoError(t, err)
	assert.Equal(t, []string{"mine"}, users.PolicyNames)
	ua, err := c.ListAttachedUserPolicies(ctx, &iam.ListAttachedUserPoliciesInput{UserName: aws.String("alice")})
	require.NoError(t, err)
	assert.Empty(t, ua.AttachedPolicies)
	_, err = c.GetUserPolicy(ctx, &iam.GetUserPolicyInput{UserName: aws.String("alice"), PolicyName: aws.String("mine")})
	require.NoError(t, err)

	for name, call := range map[string]func() error{
		"role": func() error {
			_, err := c.ListRolePolicies(ctx, &iam.ListRolePoliciesInput{RoleName: aws.String("nobody")})
			return err
		},
		"policy": func() error {
			_, err := c.GetRolePolicy(ctx, &iam.GetRolePolicyInput{RoleName: aws.String("etl"), PolicyName: aws.String("none")})
			return err
		},
		"managed": func() error {
			_, err := c.GetPolicy(ctx, &iam.GetPolicyInput{PolicyArn: aws.String(arn + "x")})
			return err
		},
	} {
		var ae smithy.APIError
		require.True(t, errors.As(call(), &ae), name)
		assert.Equal(t, "NoSuchEntity", ae.ErrorCode(), name)
	}
}
