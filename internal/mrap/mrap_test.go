package mrap_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/mrap"
	"github.com/s3secure/s3secure/policy"
)

func TestFronts(t *testing.T) {
	r := types.MultiRegionAccessPointReport{Regions: []types.RegionReport{
		{Bucket: aws.String("own"), Region: aws.String("us-east-1")},
		{Bucket: aws.String("theirs"), BucketAccountId: aws.String("444455556666"), Region: aws.String("eu-west-1")},
	}}
	assert.True(t, mrap.Fronts(r, "own", "111122223333"), "no account: the Multi-Region Access Point's own")
	assert.True(t, mrap.Fronts(r, "theirs", "444455556666"))
	assert.False(t, mrap.Fronts(r, "theirs", "111122223333"), "named with another owner")
	assert.False(t, mrap.Fronts(r, "other", "111122223333"))
}

func TestARNAndRegion(t *testing.T) {
	assert.Equal(t, "arn:aws:s3::123456789012:accesspoint/mfzwi23gnjvgw.mrap", mrap.ARN("123456789012", "mfzwi23gnjvgw.mrap"))
	var o s3control.Options
	mrap.InRegion(&o)
	assert.Equal(t, "us-west-2", o.Region)
}

// TestARNFromTheServiceReference: a Multi-Region Access Point's ARN has the
// form the Service Authorization Reference gives
// (arn:${Partition}:s3::${Account}:accesspoint/${AccessPointAlias}), in the
// partition of the one Region that serves them, whose name the reference's
// request token ARN fixes (arn:${Partition}:s3:us-west-2:…): every
// Multi-Region Access Point is made and listed there, so it is in
// us-west-2's partition, whatever Region its buckets are in.
func TestARNFromTheServiceReference(t *testing.T) {
	tok, ok := policy.LookupResourceType("multiregionaccesspointrequestarn")
	require.True(t, ok)
	assert.Contains(t, tok.ARNFormat, ":s3:"+mrap.Region+":", "the request token ARN names the Region that serves them")
	rt, ok := policy.LookupResourceType("multiregionaccesspoint")
	require.True(t, ok)
	partition, ok := policy.PartitionOfRegion(mrap.Region)
	require.True(t, ok)
	assert.Equal(t, partition, mrap.Partition())
	want := strings.NewReplacer("${Partition}", partition, "${Account}", "123456789012", "${AccessPointAlias}", "mfzwi23gnjvgw.mrap").Replace(rt.ARNFormat)
	assert.Equal(t, want, mrap.ARN("123456789012", "mfzwi23gnjvgw.mrap"))
	p, ok := policy.ARNPartition(mrap.ARN("123456789012", "mfzwi23gnjvgw.mrap"))
	assert.True(t, ok)
	assert.Equal(t, partition, p)
}

func TestOutsidePartition(t *testing.T) {
	for region, want := range map[string]string{"us-east-1": "", "eu-west-1": "", "garage": "", "": "",
		"cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "eusc-de-east-1": "aws-eusc"} {
		got, out := mrap.OutsidePartition(s3control.New(s3control.Options{Region: region}))
		assert.Equal(t, want, got, region)
		assert.Equal(t, want != "", out, region)
	}
	_, out := mrap.OutsidePartition(struct{}{})
	assert.False(t, out, "a client that hides its Options")
}
