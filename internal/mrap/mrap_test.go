package mrap_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/internal/mrap"
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
