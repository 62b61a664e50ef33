package securebucket_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// createMRAP creates a Multi-Region Access Point over bucket with bpa (nil:
// the default, all on) and returns its ARN.
func (e acctEnv) createMRAP(t *testing.T, name, bucket string, bpa *s3ctltypes.PublicAccessBlockConfiguration) string {
	t.Helper()
	inRegion := func(o *s3control.Options) { o.Region = s3controlfake.MRAPRegion }
	_, err := e.control.CreateMultiRegionAccessPoint(t.Context(), &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(e.account),
		Details: &s3ctltypes.CreateMultiRegionAccessPointInput{Name: aws.String(name), PublicAccessBlock: bpa, Regions: []s3ctltypes.Region{{Bucket: aws.String(bucket)}}}}, inRegion)
	require.NoError(t, err)
	got, err := e.control.GetMultiRegionAccessPoint(t.Context(), &s3control.GetMultiRegionAccessPointInput{AccountId: aws.String(e.account), Name: aws.String(name)}, inRegion)
	require.NoError(t, err)
	return "arn:aws:s3::" + e.account + ":accesspoint/" + aws.ToString(got.AccessPoint.Alias)
}

func s24(rs []securebucket.AccountResult) map[string]securebucket.AccountResult {
	out := map[string]securebucket.AccountResult{}
	for _, r := range rs {
		if r.Control == securebucket.ControlMultiRegionAccessPointBPA {
			out[r.Resource] = r
		}
	}
	return out
}

// TestAuditMultiRegionAccessPoints pins S3.24 as Security Hub defines it:
// one result per Multi-Region Access Point, FAIL unless all four Block
// Public Access settings are on, none for an account without any
// (NOT_APPLICABLE here), through the real client (whose Region is not
// us-west-2: the audit sends the calls there itself).
func TestAuditMultiRegionAccessPoints(t *testing.T) {
	ctx := t.Context()
	e := newAcctEnv(t)
	require.NoError(t, e.s3f.CreateBucket("mrap-a", s3fake.StateAWSDefault))
	require.NoError(t, e.s3f.CreateBucket("mrap-b", s3fake.StateAWSDefault))

	rs, err := securebucket.AuditMultiRegionAccessPoints(ctx, e.control, e.account, nil)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, securebucket.StatusNotApplicable, rs[0].Status, rs[0].Message)
	assert.Equal(t, e.account, rs[0].Resource)

	closed := e.createMRAP(t, "closed", "mrap-a", nil)
	open := e.createMRAP(t, "open", "mrap-a", &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false),
		BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)})
	// RestrictPublicBuckets omitted: off, as S3 reads it.
	partial := e.createMRAP(t, "partial", "mrap-b", &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
		BlockPublicPolicy: aws.Bool(true)})

	rs, err = securebucket.AuditMultiRegionAccessPoints(ctx, e.control, e.account, nil)
	require.NoError(t, err)
	require.Len(t, rs, 3, "one result per Multi-Region Access Point")
	got := s24(rs)
	assert.Equal(t, securebucket.StatusPass, got[closed].Status, got[closed].Message)
	assert.Equal(t, securebucket.StatusFail, got[open].Status)
	assert.Contains(t, got[open].Message, "BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets")
	assert.Contains(t, got[open].Message, "cannot be changed after creation")
	assert.Equal(t, securebucket.StatusFail, got[partial].Status)
	assert.Contains(t, got[partial].Message, "off: RestrictPublicBuckets;")
	for _, r := range rs {
		assert.Equal(t, securebucket.SeverityHigh, r.Severity)
		assert.Equal(t, "S3 Multi-Region Access Points should have block public access settings enabled", r.Title)
		assert.Equal(t, r.Title, securebucket.ControlMultiRegionAccessPointBPA.Title())
		assert.Equal(t, securebucket.SeverityHigh, securebucket.ControlMultiRegionAccessPointBPA.Severity())
	}

	rs, err = securebucket.AuditMultiRegionAccessPoints(ctx, e.control, e.account, &securebucket.MultiRegionAccessPointAuditOptions{Bucket: "mrap-b"})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, partial, rs[0].Resource)
	require.NoError(t, e.s3f.CreateBucket("mrap-none", s3fake.StateAWSDefault))
	rs, err = securebucket.AuditMultiRegionAccessPoints(ctx, e.control, e.account, &securebucket.MultiRegionAccessPointAuditOptions{Bucket: "mrap-none"})
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, securebucket.StatusNotApplicable, rs[0].Status)

	// AuditAccount reports them after the access points.
	all, err := securebucket.AuditAccount(ctx, e.control, nil, e.account, nil)
	require.NoError(t, err)
	assert.Len(t, s24(all), 3)
}

// TestAuditMultiRegionAccessPointsUnreadable pins UNKNOWN, never PASS,
// when the Multi-Region Access Points or their settings cannot be read,
// and a setup problem returned as the error after one request.
func TestAuditMultiRegionAccessPointsUnreadable(t *testing.T) {
	ctx := t.Context()
	e := newAcctEnv(t)
	require.NoError(t, e.s3f.CreateBucket("mrap-a", s3fake.StateAWSDefault))
	arn := e.createMRAP(t, "closed", "mrap-a", nil)

	rs, err := securebucket.AuditMultiRegionAccessPoints(ctx, nil, e.account, nil)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, securebucket.StatusUnknown, rs[0].Status)
	assert.ErrorIs(t, rs[0].Err, securebucket.ErrInvalidOptions)

	e.ctl.SetFault("ListMultiRegionAccessPoints", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	rs, err = securebucket.AuditMultiRegionAccessPoints(ctx, e.control, e.account, nil)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, securebucket.StatusUnknown, rs[0].Status)
	var ae *securebucket.AccountError
	require.ErrorAs(t, rs[0].Err, &ae)
	assert.Equal(t, "ListMultiRegionAccessPoints", ae.Operation)
	assert.Equal(t, "AccessDenied", apiCodeOf(rs[0].Err))

	e.ctl.SetFault("ListMultiRegionAccessPoints", s3controlfake.Fault{Status: 403, Code: "ExpiredToken"})
	before := e.ctl.Count("ListMultiRegionAccessPoints")
	rs, err = securebucket.AuditMultiRegionAccessPoints(ctx, e.control, e.account, nil)
	require.ErrorAs(t, err, &ae, "a setup problem is the error")
	assert.Nil(t, rs)
	assert.Equal(t, 1, e.ctl.Count("ListMultiRegionAccessPoints")-before, "and is not retried")
	_, err = securebucket.AuditAccount(ctx, e.control, nil, e.account, nil)
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ListMultiRegionAccessPoints", ae.Operation)
	e.ctl.SetFault("ListMultiRegionAccessPoints", s3controlfake.Fault{})

	// A listing without the settings: they are read one by one, and a
	// refused read is UNKNOWN.
	bare := noSettingsInList{e.control}
	rs, err = securebucket.AuditMultiRegionAccessPoints(ctx, bare, e.account, nil)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, securebucket.StatusPass, rs[0].Status, rs[0].Message)
	e.ctl.SetFault("GetMultiRegionAccessPoint", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	rs, err = securebucket.AuditMultiRegionAccessPoints(ctx, bare, e.account, nil)
	require.NoError(t, err)
	require.Len(t, rs, 1)
	assert.Equal(t, securebucket.StatusUnknown, rs[0].Status)
	assert.Equal(t, arn, rs[0].Resource)

	// A client without the Multi-Region Access Point operations: AuditAccount
	// gives UNKNOWN.
	all, err := securebucket.AuditAccount(ctx, accountOnly{e.control}, nil, e.account, nil)
	require.NoError(t, err)
	got := s24(all)
	require.Len(t, got, 1)
	assert.Equal(t, securebucket.StatusUnknown, got[e.account].Status)

	_, err = securebucket.AuditMultiRegionAccessPoints(ctx, e.control, "123", nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidAccountID)
}

// noSettingsInList is the real client with the settings taken out of the
// listing, as a listing may leave them out.
type noSettingsInList struct{ *s3control.Client }

func (c noSettingsInList) ListMultiRegionAccessPoints(ctx context.Context, in *s3control.ListMultiRegionAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListMultiRegionAccessPointsOutput, error) {
	out, err := c.Client.ListMultiRegionAccessPoints(ctx, in, optFns...)
	if out != nil {
		for i := range out.AccessPoints {
			out.AccessPoints[i].PublicAccessBlock = nil
		}
	}
	return out, err
}

// accountOnly is an AccountAuditControlAPI without the Multi-Region Access
// Point operations.
type accountOnly struct{ c *s3control.Client }

func (a accountOnly) GetPublicAccessBlock(ctx context.Context, in *s3control.GetPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	return a.c.GetPublicAccessBlock(ctx, in, optFns...)
}

func (a accountOnly) PutPublicAccessBlock(ctx context.Context, in *s3control.PutPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.PutPublicAccessBlockOutput, error) {
	return a.c.PutPublicAccessBlock(ctx, in, optFns...)
}

func (a accountOnly) ListAccessPoints(ctx context.Context, in *s3control.ListAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error) {
	return a.c.ListAccessPoints(ctx, in, optFns...)
}

func (a accountOnly) GetAccessPoint(ctx context.Context, in *s3control.GetAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error) {
	return a.c.GetAccessPoint(ctx, in, optFns...)
}

func (a accountOnly) GetAccessPointPolicy(ctx context.Context, in *s3control.GetAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyOutput, error) {
	return a.c.GetAccessPointPolicy(ctx, in, optFns...)
}

func (a accountOnly) CreateAccessPoint(ctx context.Context, in *s3control.CreateAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.CreateAccessPointOutput, error) {
	return a.c.CreateAccessPoint(ctx, in, optFns...)
}

func (a accountOnly) PutAccessPointPolicy(ctx context.Context, in *s3control.PutAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.PutAccessPointPolicyOutput, error) {
	return a.c.PutAccessPointPolicy(ctx, in, optFns...)
}

// TestAuditMultiRegionAccessPointsOutsidePartition: Multi-Region Access
// Points are made and listed in us-west-2 alone, and "You cannot use IAM
// credentials from one partition to interact with resources in a
// different partition" (AWS Fault Isolation Boundaries). With an S3
// Control client of China or GovCloud, S3.24 is one UNKNOWN result for
// the account (ErrMRAPOutsidePartition) and no request is sent: the
// client's credentials are not carried to us-west-2, whose refusal
// (InvalidAccessKeyId, a setup problem) used to fail the whole AuditAccount.
func TestAuditMultiRegionAccessPointsOutsidePartition(t *testing.T) {
	for _, region := range []string{"cn-north-1", "us-gov-west-1"} {
		t.Run(region, func(t *testing.T) {
			ctx := t.Context()
			s3f := s3fake.Start(t, &s3fake.Options{Region: region})
			ctl := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server, Region: region})
			control, account := ctl.Client(), s3f.AccountID()

			rs, err := securebucket.AuditMultiRegionAccessPoints(ctx, control, account, nil)
			require.NoError(t, err)
			require.Len(t, rs, 1)
			assert.Equal(t, securebucket.StatusUnknown, rs[0].Status)
			assert.ErrorIs(t, rs[0].Err, securebucket.ErrMRAPOutsidePartition)
			assert.Contains(t, rs[0].Message, "us-west-2")
			assert.Equal(t, 0, ctl.Count("ListMultiRegionAccessPoints"), "no request leaves the partition")

			all, err := securebucket.AuditAccount(ctx, control, nil, account, nil)
			require.NoError(t, err, "the account's other controls are audited")
			got := s24(all)
			require.Len(t, got, 1)
			assert.Equal(t, securebucket.StatusUnknown, got[account].Status)
			assert.Equal(t, 0, ctl.Count("ListMultiRegionAccessPoints"))
		})
	}
}

// TestPlanAccountPublicAccessBlockNamesMultiRegionAccessPoints: a
// Multi-Region Access Point with RestrictPublicBuckets off and a public
// policy is reachable from other accounts today, and the account's
// RestrictPublicBuckets cuts that off: its settings "operate in
// conjunction with the Block Public Access settings for the AWS account
// that owns the Multi-Region Access Point and the underlying buckets ...
// If the Block Public Access settings for any of these resources (the
// Multi-Region Access Point owner account, the underlying bucket, or the
// bucket owner account) block access ..., Amazon S3 rejects the request"
// (S3 user guide, Blocking public access with Amazon S3 Multi-Region
// Access Points). The plan names it under each bucket it fronts
// (PublicBucket.AccessPoints), so Apply refuses by default; one with its
// own RestrictPublicBuckets on is not affected, and a listing that fails
// leaves the buckets "could not be checked".
func TestPlanAccountPublicAccessBlockNamesMultiRegionAccessPoints(t *testing.T) {
	e := newAcctEnv(t)
	ctx := t.Context()
	for _, b := range []string{"global-a", "global-b"} {
		require.NoError(t, e.s3f.CreateBucket(b, s3fake.StateLegacy))
	}
	off := &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false),
		BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}
	restricted := &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false),
		BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(true)}
	open := e.createMRAP(t, "open", "global-a", off)
	shut := e.createMRAP(t, "shut", "global-b", restricted)
	inRegion := func(o *s3control.Options) { o.Region = s3controlfake.MRAPRegion }
	for name, arn := range map[string]string{"open": open, "shut": shut} {
		_, err := e.control.PutMultiRegionAccessPointPolicy(ctx, &s3control.PutMultiRegionAccessPointPolicyInput{AccountId: aws.String(e.account),
			Details: &s3ctltypes.PutMultiRegionAccessPointPolicyInput{Name: aws.String(name),
				Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Sid":"WorldRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + arn + `/object/*"}]}`)}}, inRegion)
		require.NoError(t, err)
	}

	e.planNamesOneAccessPoint(t, "global-a", open, `"WorldRead"`)

	e.ctl.SetFault("ListMultiRegionAccessPoints", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	plan, err := securebucket.PlanAccountPublicAccessBlock(ctx, e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	require.Len(t, plan.PublicBuckets, 2, plan.String())
	for _, pb := range plan.PublicBuckets {
		assert.ErrorContains(t, pb.Err, "AccessDenied", pb.Bucket)
	}
}
