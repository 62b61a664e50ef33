package s3controlfake_test

import (
	"fmt"
	"net/url"
	"strings"
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

// TestMRAPWireConformance runs one sequence of Multi-Region Access Point
// calls against the fake and against moto_server (which has them since
// moto 5.2) and expects the same answers.
//
// Where moto differs from AWS the sequence avoids the difference, and the
// fake follows AWS (pinned in mrap_test.go):
//   - moto serves these operations in every Region; AWS: "This action will
//     always be routed to the US West (Oregon) Region" (API reference of
//     each operation), so the calls here are sent to us-west-2;
//   - moto's alias is the name plus random hex; AWS: "You can't determine
//     the name of a Multi-Region Access Point from its alias" ("Rules for
//     naming Amazon S3 Multi-Region Access Points"), so only the .mrap
//     suffix is compared;
//   - moto answers GetMultiRegionAccessPointPolicy on a Multi-Region Access
//     Point without a policy with NoSuchMultiRegionAccessPointPolicy, a code
//     S3's published error code list does not have (it has
//     NoSuchMultiRegionAccessPoint); what AWS answers there is unverified,
//     the fake answers an empty document, and package analyzer reads both
//     as no policy;
//   - moto checks neither names nor buckets, and judges a policy public by
//     looking for the text "Principal":"*".
func TestMRAPWireConformance(t *testing.T) {
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
			acct := fakeutil.MotoAccountID(9)
			hc := s3controlfake.LoopbackHTTPClient(u.Host)
			hc.Transport = fakeutil.MotoAccount(acct, hc.Transport)
			return s3controlfake.NewClient("http://s3-control.us-west-2.amazonaws.com", u.Host, "us-west-2",
				func(o *s3control.Options) { o.HTTPClient = hc }), acct
		}},
	}
	for _, tgt := range targets {
		t.Run(tgt.name, func(t *testing.T) {
			c, acct := tgt.mk(t)
			ctx := t.Context()
			a := aws.String(acct)
			in := func(o *s3control.Options) { o.Region = s3controlfake.MRAPRegion }
			describe := func(tok *string) *types.AsyncOperation {
				d, err := c.DescribeMultiRegionAccessPointOperation(ctx, &s3control.DescribeMultiRegionAccessPointOperationInput{AccountId: a, RequestTokenARN: tok}, in)
				require.NoError(t, err)
				return d.AsyncOperation
			}
			name := fmt.Sprintf("wire-mrap-%d", time.Now().UnixNano()%1_000_000)
			_, err := c.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: a, Name: aws.String(name)}, in)
			assert.Equal(t, "NoSuchMultiRegionAccessPoint", apiCode(err))

			out, err := c.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: a, Details: &types.CreateMultiRegionAccessPointInput{
				Name:              aws.String(name),
				PublicAccessBlock: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)},
				Regions:           []types.Region{{Bucket: aws.String("wire-mrap-bucket")}},
			}}, in)
			require.NoError(t, err)
			op := describe(out.RequestTokenARN)
			assert.Equal(t, "SUCCEEDED", aws.ToString(op.RequestStatus))
			assert.Equal(t, types.AsyncOperationNameCreateMultiRegionAccessPoint, op.Operation)
			assert.Equal(t, aws.ToString(out.RequestTokenARN), aws.ToString(op.RequestTokenARN))

			got, err := c.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: a, Name: aws.String(name)}, in)
			require.NoError(t, err)
			ap := got.AccessPoint
			assert.Equal(t, name, aws.ToString(ap.Name))
			alias := aws.ToString(ap.Alias)
			assert.True(t, strings.HasSuffix(alias, ".mrap"), alias)
			assert.True(t, aws.ToBool(ap.PublicAccessBlock.BlockPublicAcls))
			assert.False(t, aws.ToBool(ap.PublicAccessBlock.IgnorePublicAcls))
			assert.False(t, aws.ToBool(ap.PublicAccessBlock.BlockPublicPolicy))
			assert.False(t, aws.ToBool(ap.PublicAccessBlock.RestrictPublicBuckets))
			require.Len(t, ap.Regions, 1)
			assert.Equal(t, "wire-mrap-bucket", aws.ToString(ap.Regions[0].Bucket))

			list, err := c.ListMultiRegionAccessPoints(ctx, &s3control.ListMultiRegionAccessPointsInput{AccountId: a}, in)
			require.NoError(t, err)
			var names []string
			for _, m := range list.AccessPoints {
				names = append(names, aws.ToString(m.Name))
			}
			assert.Contains(t, names, name)

			arn := "arn:aws:s3::" + acct + ":accesspoint/" + alias
			pol := `{"Version":"2012-10-17","Statement":[{"Sid":"App","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::` + acct + `:role/app"},"Action":"s3:GetObject","Resource":"` + arn + `/object/*"}]}`
			pout, err := c.PutMultiRegionAccessPointPolicy(ctx, &s3control.PutMultiRegionAccessPointPolicyInput{AccountId: a,
				Details: &types.PutMultiRegionAccessPointPolicyInput{Name: aws.String(name), Policy: aws.String(pol)}}, in)
			require.NoError(t, err)
			pop := describe(pout.RequestTokenARN)
			assert.Equal(t, "SUCCEEDED", aws.ToString(pop.RequestStatus))
			assert.Equal(t, types.AsyncOperationNamePutMultiRegionAccessPointPolicy, pop.Operation)
			gp, err := c.GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: a, Name: aws.String(name)}, in)
			require.NoError(t, err)
			require.NotNil(t, gp.Policy)
			require.NotNil(t, gp.Policy.Established)
			assert.JSONEq(t, pol, aws.ToString(gp.Policy.Established.Policy))
			st, err := c.GetMultiRegionAccessPointPolicyStatus(ctx, &s3control.GetMultiRegionAccessPointPolicyStatusInput{AccountId: a, Name: aws.String(name)}, in)
			require.NoError(t, err)
			require.NotNil(t, st.Established)
			assert.False(t, st.Established.IsPublic, "one named role is not public")

			dout, err := c.DeleteMultiRegionAccessPoint(ctx, &s3control.DeleteMultiRegionAccessPointInput{AccountId: a,
				Details: &types.DeleteMultiRegionAccessPointInput{Name: aws.String(name)}}, in)
			require.NoError(t, err)
			assert.Equal(t, "SUCCEEDED", aws.ToString(describe(dout.RequestTokenARN).RequestStatus))
			_, err = c.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: a, Name: aws.String(name)}, in)
			assert.Equal(t, "NoSuchMultiRegionAccessPoint", apiCode(err))
		})
	}
}
