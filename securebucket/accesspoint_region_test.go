package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
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

// TestAccessPointAuditNamesItsRegion: S3 Control lists the access points
// of the Region it is asked in, so S3.19's "no access points" (PASS) and
// its listing failure (UNKNOWN), whose resource is the account, name that
// Region: an account with a public access point in us-east-1, audited
// with a client of eu-west-1, read "no access points", and a report
// (the CLI's JSON has no Region field) could not tell that it spoke of
// one Region only. The results of an access point name it by its ARN,
// which holds its Region.
func TestAccessPointAuditNamesItsRegion(t *testing.T) {
	e := newAcctEnv(t)
	region, account, ctx := e.region(), e.account, t.Context()
	require.NoError(t, e.s3f.CreateBucket("data", s3fake.StateAWSDefault))
	off := &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false),
		BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}
	_, err := e.control.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(account), Name: aws.String("open"),
		Bucket: aws.String("data"), PublicAccessBlockConfiguration: off})
	require.NoError(t, err)
	other := e.ctl.Client(func(o *s3control.Options) { o.Region = "eu-west-1" })

	res, err := securebucket.AuditAccessPoints(ctx, other, account, nil)
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, securebucket.StatusPass, res[0].Status)
	assert.Contains(t, res[0].Message, "eu-west-1", "the Region that has none")

	res, err = securebucket.AuditAccessPoints(ctx, other, account, &securebucket.AccessPointAuditOptions{Bucket: "data"})
	require.NoError(t, err)
	require.Len(t, res, 1)
	assert.Equal(t, securebucket.StatusUnknown, res[0].Status, "S3 Control refuses a bucket of another Region")
	assert.Contains(t, res[0].Message, "eu-west-1")

	all, err := securebucket.AuditAccount(ctx, other, nil, account, nil)
	require.NoError(t, err)
	for _, r := range all {
		if r.Control == securebucket.ControlAccessPointBPA {
			assert.Contains(t, r.Message, "eu-west-1", "%+v", r)
		}
	}

	res, err = securebucket.AuditAccessPoints(ctx, e.control, account, nil)
	require.NoError(t, err)
	require.Len(t, res, 3)
	assert.Equal(t, securebucket.StatusFail, res[0].Status)
	assert.Equal(t, securebucket.AccessPointARN(region, account, "open"), res[0].Resource, "an access point's result names it by its ARN, with its Region")
}
