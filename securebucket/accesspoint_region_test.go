package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAccessPointInTheBucketsRegion: PlanAccessPoint and CreateAccessPoint
// with an S3 Control client of another Region (us-east-1) than the
// bucket's (eu-west-1) read and write the access point of the bucket's
// Region, where it lives ("The access point must be created in the same
// Region as the associated bucket", S3 user guide, Creating access
// points): the fake holds eu-west-1's access points, and answers a request
// signed for us-east-1 NoSuchAccessPoint, as the access point names of
// another Region are not its own.
func TestAccessPointInTheBucketsRegion(t *testing.T) {
	const region = "eu-west-1"
	s3f := s3fake.Start(t, &s3fake.Options{Region: region})
	ctl := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server})
	require.Equal(t, region, ctl.Region())
	control := ctl.Client(func(o *s3control.Options) { o.Region = "us-east-1" })
	s3c, account := s3f.OwnerClient(), s3f.AccountID()
	require.NoError(t, s3f.CreateBucket("data", s3fake.StateAWSDefault))
	ctx := t.Context()
	opts := &securebucket.AccessPointOptions{VPCID: "vpc-0abc123", Principal: "arn:aws:iam::111122223333:role/app"}

	res, err := securebucket.CreateAccessPoint(ctx, control, s3c, account, region, "data", "app-ap", opts)
	require.NoError(t, err)
	assert.True(t, res.Created)
	assert.True(t, res.PolicyChanged)
	assert.Equal(t, securebucket.AccessPointARN(region, account, "app-ap"), res.ARN)

	inRegion := ctl.Client()
	pol, err := inRegion.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(account), Name: aws.String("app-ap")})
	require.NoError(t, err, "the policy is on the access point of the bucket's Region")
	assert.Contains(t, aws.ToString(pol.Policy), "S3SecureAccessPointRead")

	plan, err := securebucket.PlanAccessPoint(ctx, control, s3c, account, region, "data", "app-ap", opts)
	require.NoError(t, err)
	assert.True(t, plan.NoChange(), "the plan reads the access point of the bucket's Region: %s", plan)

	creates, puts := ctl.Count("CreateAccessPoint"), ctl.Count("PutAccessPointPolicy")
	res, err = securebucket.CreateAccessPoint(ctx, control, s3c, account, region, "data", "app-ap", opts)
	require.NoError(t, err)
	assert.False(t, res.Created || res.PolicyChanged || res.BucketPolicyChanged)
	assert.NotEmpty(t, res.Alias)
	assert.Equal(t, creates, ctl.Count("CreateAccessPoint"))
	assert.Equal(t, puts, ctl.Count("PutAccessPointPolicy"))
}

// TestAccessPointRefusesTheBucketsRegionsRemotePlainHTTP: the requests to
// the bucket's Region go where the client's endpoint resolver puts that
// Region, which the probe of the client's Region did not see: one that
// would go over plain HTTP to a host that is not loopback is refused
// before it is sent (*RemotePlainHTTPError), for PlanAccessPoint and
// CreateAccessPoint; AllowInsecureTransport lets it go.
func TestAccessPointRefusesTheBucketsRegionsRemotePlainHTTP(t *testing.T) {
	const region = "eu-west-1"
	s3f := s3fake.Start(t, &s3fake.Options{Region: region})
	ctl := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server})
	remoteOpt, remote := plainhttptest.RemoteControlRegion(region, s3controlfake.LoopbackHTTPClient(ctl.Addr))
	control := ctl.Client(func(o *s3control.Options) { o.Region = "us-east-1" }, remoteOpt)
	s3c, account := s3f.OwnerClient(), s3f.AccountID()
	require.NoError(t, s3f.CreateBucket("data", s3fake.StateAWSDefault))
	ctx := t.Context()
	opts := &securebucket.AccessPointOptions{VPCID: "vpc-0abc123"}

	_, err := securebucket.PlanAccessPoint(ctx, control, s3c, account, region, "data", "app-ap", opts)
	var pe *securebucket.RemotePlainHTTPError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "securebucket.PlanAccessPoint", pe.Call)
	assert.Equal(t, "AccessPointOptions.AllowInsecureTransport", pe.Option)
	assert.Contains(t, pe.Endpoint, "example.net")
	_, err = securebucket.CreateAccessPoint(ctx, control, s3c, account, region, "data", "app-ap", opts)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "securebucket.CreateAccessPoint", pe.Call)
	assert.Zero(t, remote.Sent(), "no request went to the remote plain-HTTP host")
	assert.Zero(t, ctl.Count("CreateAccessPoint"))

	opts.AllowInsecureTransport = true
	res, err := securebucket.CreateAccessPoint(ctx, control, s3c, account, region, "data", "app-ap", opts)
	require.NoError(t, err)
	assert.True(t, res.Created)
	assert.Positive(t, remote.Sent())
}
