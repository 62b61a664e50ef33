package iamfake_test

import (
	"errors"
	"net/http"
	"net/url"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/conformance"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/iamfake"
)

// TestGetRoleConformance reads roles with GetRole from the fake and from
// moto_server, through the real iam client, and expects the same answers:
// a role under a path has it in its Path and its Arn
// (arn:aws:iam::ACCOUNT:role/service/NAME), a role at the root has Path
// "/", and an unknown name is NoSuchEntity (IAM API reference, GetRole).
func TestGetRoleConformance(t *testing.T) {
	const trust = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ec2.amazonaws.com"},"Action":"sts:AssumeRole"}]}`
	targets := []struct {
		name string
		mk   func(t *testing.T) (*iam.Client, string)
	}{
		{"fake", func(t *testing.T) (*iam.Client, string) {
			s, c := iamfake.Start(t)
			s.AddRole("svc-etl", "/service/")
			s.AddRole("plain", "")
			return c, iamfake.DefaultAccount
		}},
		{"moto", func(t *testing.T) (*iam.Client, string) {
			u, err := url.Parse(conformance.StartMoto(t))
			require.NoError(t, err)
			acct := fakeutil.MotoAccountID(7)
			c := iam.New(iam.Options{Region: "us-east-1", BaseEndpoint: aws.String(u.String()),
				Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTO", "moto", ""),
				HTTPClient:  &http.Client{Transport: fakeutil.MotoAccount(acct, http.DefaultTransport)}})
			for _, r := range [][2]string{{"svc-etl", "/service/"}, {"plain", "/"}} {
				_, err := c.CreateRole(t.Context(), &iam.CreateRoleInput{RoleName: aws.String(r[0]), Path: aws.String(r[1]), AssumeRolePolicyDocument: aws.String(trust)})
				require.NoError(t, err)
			}
			return c, acct
		}},
	}
	for _, tgt := range targets {
		t.Run(tgt.name, func(t *testing.T) {
			c, acct := tgt.mk(t)
			ctx := t.Context()
			out, err := c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("svc-etl")})
			require.NoError(t, err)
			assert.Equal(t, "arn:aws:iam::"+acct+":role/service/svc-etl", aws.ToString(out.Role.Arn))
			assert.Equal(t, "/service/", aws.ToString(out.Role.Path))
			assert.Equal(t, "svc-etl", aws.ToString(out.Role.RoleName))
			assert.NotEmpty(t, aws.ToString(out.Role.RoleId))
			assert.NotNil(t, out.Role.CreateDate)
			doc, err := url.PathUnescape(aws.ToString(out.Role.AssumeRolePolicyDocument))
			require.NoError(t, err)
			assert.Contains(t, doc, "sts:AssumeRole", "the trust policy, URL-encoded")

			out, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("plain")})
			require.NoError(t, err)
			assert.Equal(t, "arn:aws:iam::"+acct+":role/plain", aws.ToString(out.Role.Arn))
			assert.Equal(t, "/", aws.ToString(out.Role.Path))

			_, err = c.GetRole(ctx, &iam.GetRoleInput{RoleName: aws.String("nobody")})
			var ae smithy.APIError
			require.True(t, errors.As(err, &ae), "%v", err)
			assert.Equal(t, "NoSuchEntity", ae.ErrorCode())
		})
	}
}

// A role with only a policy exists at the root; HasPrincipal spells roles
// with their path.
func TestHasPrincipal(t *testing.T) {
	s, _ := iamfake.Start(t)
	arn := s.AddRole("svc-etl", "service")
	assert.Equal(t, "arn:aws:iam::"+iamfake.DefaultAccount+":role/service/svc-etl", arn)
	s.PutRolePolicy("etl", "p", `{}`)
	s.PutUserPolicy("alice", "p", `{}`)
	for in, want := range map[string]bool{
		arn: true,
		"arn:aws:iam::" + iamfake.DefaultAccount + ":role/svc-etl":        false,
		"arn:aws:iam::" + iamfake.DefaultAccount + ":role/etl":            true,
		"arn:aws:iam::" + iamfake.DefaultAccount + ":role/x/etl":          false,
		"arn:aws:iam::" + iamfake.DefaultAccount + ":user/alice":          true,
		"arn:aws:iam::" + iamfake.DefaultAccount + ":user/bob":            false,
		"arn:aws:iam::444455556666:role/service/svc-etl":                  false,
		"arn:aws:sts::" + iamfake.DefaultAccount + ":assumed-role/etl/s1": false,
	} {
		assert.Equal(t, want, s.HasPrincipal(in), in)
	}
}
