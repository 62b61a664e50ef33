package cloudfront_test

import (
	"context"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// cyclingList answers every request for op with an empty page whose
// NextMarker goes A, B, A, B, …: a listing that never ends, with a marker
// that comes back one page later (the SDK paginators' duplicate check,
// off by default, would only see the same marker twice in a row).
type cyclingList struct {
	*cfsdk.Client
	op    string
	calls int
}

func (c *cyclingList) marker() *string {
	c.calls++
	return aws.String([]string{"A", "B"}[(c.calls-1)%2])
}

func (c *cyclingList) ListDistributions(ctx context.Context, in *cfsdk.ListDistributionsInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListDistributionsOutput, error) {
	if c.op != "ListDistributions" {
		return c.Client.ListDistributions(ctx, in, optFns...)
	}
	return &cfsdk.ListDistributionsOutput{DistributionList: &types.DistributionList{Marker: in.Marker, NextMarker: c.marker(), IsTruncated: aws.Bool(true), MaxItems: aws.Int32(100), Quantity: aws.Int32(0)}}, nil
}

func (c *cyclingList) ListOriginAccessControls(ctx context.Context, in *cfsdk.ListOriginAccessControlsInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListOriginAccessControlsOutput, error) {
	if c.op != "ListOriginAccessControls" {
		return c.Client.ListOriginAccessControls(ctx, in, optFns...)
	}
	return &cfsdk.ListOriginAccessControlsOutput{OriginAccessControlList: &types.OriginAccessControlList{Marker: in.Marker, NextMarker: c.marker(), IsTruncated: aws.Bool(true), MaxItems: aws.Int32(100), Quantity: aws.Int32(0)}}, nil
}

func (c *cyclingList) ListCloudFrontOriginAccessIdentities(ctx context.Context, in *cfsdk.ListCloudFrontOriginAccessIdentitiesInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListCloudFrontOriginAccessIdentitiesOutput, error) {
	if c.op != "ListCloudFrontOriginAccessIdentities" {
		return c.Client.ListCloudFrontOriginAccessIdentities(ctx, in, optFns...)
	}
	return &cfsdk.ListCloudFrontOriginAccessIdentitiesOutput{CloudFrontOriginAccessIdentityList: &types.CloudFrontOriginAccessIdentityList{Marker: in.Marker, NextMarker: c.marker(), IsTruncated: aws.Bool(true), MaxItems: aws.Int32(100), Quantity: aws.Int32(0)}}, nil
}

func (c *cyclingList) ListPublicKeys(ctx context.Context, in *cfsdk.ListPublicKeysInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListPublicKeysOutput, error) {
	if c.op != "ListPublicKeys" {
		return c.Client.ListPublicKeys(ctx, in, optFns...)
	}
	return &cfsdk.ListPublicKeysOutput{PublicKeyList: &types.PublicKeyList{NextMarker: c.marker(), MaxItems: aws.Int32(100), Quantity: aws.Int32(0)}}, nil
}

func (c *cyclingList) ListKeyGroups(ctx context.Context, in *cfsdk.ListKeyGroupsInput, optFns ...func(*cfsdk.Options)) (*cfsdk.ListKeyGroupsOutput, error) {
	if c.op != "ListKeyGroups" {
		return c.Client.ListKeyGroups(ctx, in, optFns...)
	}
	return &cfsdk.ListKeyGroupsOutput{KeyGroupList: &types.KeyGroupList{NextMarker: c.marker(), MaxItems: aws.Int32(100), Quantity: aws.Int32(0)}}, nil
}

// TestListingsEndWhenAMarkerComesBack: every listing the package reads
// (distributions, OACs, OAIs, public keys, key groups) stops with an
// error after the page whose NextMarker an earlier page already named,
// instead of listing for ever (the SDK's paginators would), and nothing is
// created on the strength of a listing cut short.
func TestListingsEndWhenAMarkerComesBack(t *testing.T) {
	for _, tc := range []struct {
		op   string
		what string
		run  func(t *testing.T, e *env, c *cyclingList) error
	}{
		{"ListDistributions", "distributions", func(t *testing.T, e *env, c *cyclingList) error {
			// The double answers ListDistributions itself, so it hides its
			// endpoint from the plain-HTTP probe, which would be refused
			// (and counted as a page); it is loopback.
			_, err := cloudfront.ServeBucket(t.Context(), c, e.s3c, testBucket, &cloudfront.Options{AllowInsecureTransport: true})
			return err
		}},
		{"ListOriginAccessControls", "origin access controls", func(t *testing.T, e *env, c *cyclingList) error {
			_, err := cloudfront.ServeBucket(t.Context(), c, e.s3c, testBucket, nil)
			return err
		}},
		{"ListCloudFrontOriginAccessIdentities", "origin access identities", func(t *testing.T, e *env, c *cyclingList) error {
			_, err := cloudfront.CreateLegacyOAI(t.Context(), c, e.s3c, testBucket, nil)
			return err
		}},
		{"ListPublicKeys", "public keys", func(t *testing.T, e *env, c *cyclingList) error {
			e.cf.InjectFault("CreatePublicKey", cffake.Fault{Status: http.StatusConflict, Code: "PublicKeyAlreadyExists", Times: 1})
			_, err := cloudfront.CreateKeyGroup(t.Context(), c, "media-signers", &rsaKey(t).PublicKey)
			var exists *types.PublicKeyAlreadyExists
			assert.ErrorAs(t, err, &exists)
			return err
		}},
		{"ListKeyGroups", "key groups", func(t *testing.T, e *env, c *cyclingList) error {
			e.cf.InjectFault("CreateKeyGroup", cffake.Fault{Status: http.StatusConflict, Code: "KeyGroupAlreadyExists", Times: 1})
			_, err := cloudfront.CreateKeyGroup(t.Context(), c, "media-signers", &rsaKey(t).PublicKey)
			var exists *types.KeyGroupAlreadyExists
			assert.ErrorAs(t, err, &exists)
			return err
		}},
	} {
		t.Run(tc.op, func(t *testing.T) {
			e := newEnv(t, s3fake.StateAWSDefault)
			c := &cyclingList{Client: e.cfc, op: tc.op}
			err := tc.run(t, e, c)
			require.Error(t, err)
			assert.Contains(t, err.Error(), "listing "+tc.what+`: NextMarker "A" came back again`)
			assert.Equal(t, 3, c.calls, "A, B, then A again ends it")
			assert.Empty(t, e.cf.DistributionIDs(), "nothing is created")
			assert.Zero(t, e.cf.Count("CreateOriginAccessControl")+e.cf.Count("CreateCloudFrontOriginAccessIdentity"))
		})
	}
}
