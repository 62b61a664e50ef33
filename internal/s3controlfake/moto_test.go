package s3controlfake_test

import (
	"fmt"
	"net/url"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/conformance"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3controlfake"
)

// TestWireConformance runs one sequence of S3 Control calls against the
// fake and against moto_server and expects the same answers (results and
// error codes), so the fake stays as close to a second implementation as
// to AWS. moto routes s3control by the Host header
// ACCOUNT.s3-control.REGION.amazonaws.com, so its client uses that
// endpoint and a transport that dials moto's loopback address.
//
// Where moto and AWS differ the sequence avoids the difference: moto does
// not check that the bucket exists, does not validate access point names
// or policies, and answers GetAccessPointPolicyStatus with IsPublic true
// whatever the policy; those are pinned against AWS's documented behaviour
// in server_test.go only.
func TestWireConformance(t *testing.T) {
	targets := []struct {
		name string
		mk   func(t *testing.T) (*s3control.Client, string)
	}{
		{"fake", func(t *testing.T) (*s3control.Client, string) {
			ts := s3controlfake.Start(t, nil)
			return ts.Client(), ts.AccountID()
		}},
		{"moto", func(t *testing.T) (*s3control.Client, string) {
			u, err := url.Parse(conformance.StartMoto(t))
			require.NoError(t, err)
			// moto may be shared with other packages' tests (CI): an account
			// of this run's own, through moto's x-moto-account-id header,
			// keeps the account setting changed here out of their way.
			acct := fakeutil.MotoAccountID(8)
			hc := s3controlfake.LoopbackHTTPClient(u.Host)
			hc.Transport = fakeutil.MotoAccount(acct, hc.Transport)
			return s3controlfake.NewClient("http://s3-control.us-east-1.amazonaws.com", u.Host, "us-east-1",
				func(o *s3control.Options) { o.HTTPClient = hc }), acct
		}},
	}
	for _, tgt := range targets {
		t.Run(tgt.name, func(t *testing.T) {
			c, acct := tgt.mk(t)
			ctx := t.Context()
			a := aws.String(acct)
			t.Cleanup(func() { _, _ = c.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: a}) })

			_, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: a})
			assert.Equal(t, "NoSuchPublicAccessBlockConfiguration", apiCode(err))
			_, err = c.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: a, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(false)}})
			require.NoError(t, err)
			got, err := c.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: a})
			require.NoError(t, err)
			assert.True(t, aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicPolicy))
			assert.False(t, aws.ToBool(got.PublicAccessBlockConfiguration.RestrictPublicBuckets))
			_, err = c.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: a})
			require.NoError(t, err)

			name := fmt.Sprintf("wire-%d", time.Now().UnixNano()%1_000_000)
			_, err = c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: a, Name: aws.String(name)})
			assert.Equal(t, "NoSuchAccessPoint", apiCode(err))
			out, err := c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: a, Name: aws.String(name), Bucket: aws.String("wire-bucket"),
				VpcConfiguration: &types.VpcConfiguration{VpcId: aws.String("vpc-0abc")},
				PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
					BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
			require.NoError(t, err)
			arn := "arn:aws:s3:us-east-1:" + acct + ":accesspoint/" + name
			assert.Equal(t, arn, aws.ToString(out.AccessPointArn))
			ap, err := c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: a, Name: aws.String(name)})
			require.NoError(t, err)
			assert.Equal(t, types.NetworkOriginVpc, ap.NetworkOrigin)
			assert.Equal(t, "vpc-0abc", aws.ToString(ap.VpcConfiguration.VpcId))
			assert.Equal(t, "wire-bucket", aws.ToString(ap.Bucket))
			assert.True(t, aws.ToBool(ap.PublicAccessBlockConfiguration.RestrictPublicBuckets))

			list, err := c.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: a, Bucket: aws.String("wire-bucket")})
			require.NoError(t, err)
			require.Len(t, list.AccessPointList, 1)
			assert.Equal(t, name, aws.ToString(list.AccessPointList[0].Name))

			_, err = c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: a, Name: aws.String(name)})
			assert.Equal(t, "NoSuchAccessPointPolicy", apiCode(err))
			pol := `{"Version":"2012-10-17","Statement":[{"Sid":"App","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:role/app"},"Action":"s3:GetObject","Resource":"` + arn + `/object/*"}]}`
			_, err = c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: a, Name: aws.String(name), Policy: aws.String(pol)})
			require.NoError(t, err)
			gp, err := c.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: a, Name: aws.String(name)})
			require.NoError(t, err)
			assert.JSONEq(t, pol, aws.ToString(gp.Policy))
			_, err = c.DeleteAccessPointPolicy(ctx, &s3control.DeleteAccessPointPolicyInput{AccountId: a, Name: aws.String(name)})
			require.NoError(t, err)
			_, err = c.DeleteAccessPoint(ctx, &s3control.DeleteAccessPointInput{AccountId: a, Name: aws.String(name)})
			require.NoError(t, err)
			_, err = c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: a, Name: aws.String(name)})
			assert.Equal(t, "NoSuchAccessPoint", apiCode(err))
		})
	}
}
