package s3controlfake_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAccessPointARNInTheRegionsPartition: in China an access point's ARN
// is arn:aws-cn:s3:cn-north-1:ACCOUNT:accesspoint/NAME, and its policy
// names it so; the fake answered arn:aws:s3:cn-north-1:… and refused
// such a policy ("Policy has invalid resource").
func TestAccessPointARNInTheRegionsPartition(t *testing.T) {
	ctx := t.Context()
	s3f := s3fake.Start(t, &s3fake.Options{Region: "cn-north-1"})
	require.NoError(t, s3f.CreateBucket("site", s3fake.StateAWSDefault))
	ctl := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server})
	c := ctl.Client()
	acct := aws.String(ctl.AccountID())
	out, err := c.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: acct, Name: aws.String("ap1"), Bucket: aws.String("site")})
	require.NoError(t, err)
	want := "arn:aws-cn:s3:cn-north-1:" + ctl.AccountID() + ":accesspoint/ap1"
	assert.Equal(t, want, aws.ToString(out.AccessPointArn))
	got, err := c.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: acct, Name: aws.String("ap1")})
	require.NoError(t, err)
	assert.Equal(t, want, aws.ToString(got.AccessPointArn))

	pol := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::` + ctl.AccountID() + `:role/r"},"Action":"s3:GetObject","Resource":"` + want + `/object/*"}]}`
	_, err = c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: aws.String("ap1"), Policy: aws.String(pol)})
	require.NoError(t, err)
	// The aws form names another partition's access point.
	_, err = c.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: acct, Name: aws.String("ap1"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws-cn:iam::` + ctl.AccountID() + `:role/r"},"Action":"s3:GetObject","Resource":"arn:aws:s3:cn-north-1:` + ctl.AccountID() + `:accesspoint/ap1/object/*"}]}`)})
	require.Error(t, err)
}
