package s3controlfake_test

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// inMRAPRegion sends a call to us-west-2, the only Region that serves the
// Multi-Region Access Point operations.
func inMRAPRegion(o *s3control.Options) { o.Region = s3controlfake.MRAPRegion }

// mrapCreate creates a Multi-Region Access Point over buckets and returns
// the operation DescribeMultiRegionAccessPointOperation reports.
func mrapCreate(t *testing.T, c *s3control.Client, account, name string, bpa *types.PublicAccessBlockConfiguration, buckets ...string) *types.AsyncOperation {
	t.Helper()
	ctx := t.Context()
	in := &types.CreateMultiRegionAccessPointInput{Name: aws.String(name), PublicAccessBlock: bpa}
	for _, b := range buckets {
		in.Regions = append(in.Regions, types.Region{Bucket: aws.String(b)})
	}
	out, err := c.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(account), Details: in}, inMRAPRegion)
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(out.RequestTokenARN))
	d, err := c.DescribeMultiRegionAccessPointOperation(ctx, &s3control.DescribeMultiRegionAccessPointOperationInput{AccountId: aws.String(account), RequestTokenARN: out.RequestTokenARN}, inMRAPRegion)
	require.NoError(t, err)
	return d.AsyncOperation
}

func allOff() *types.PublicAccessBlockConfiguration {
	return &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}
}

// TestMRAPOnlyInUSWest2 pins that the Multi-Region Access Point operations
// are served in us-west-2 only ("This action will always be routed to the
// US West (Oregon) Region", API reference), and that the real s3control
// client does not route them there by itself: a client of another Region
// gets AWS's 301 PermanentRedirect until the call sets Region us-west-2.
func TestMRAPOnlyInUSWest2(t *testing.T) {
	ts := s3controlfake.Start(t, nil)
	c := ts.Client() // Region us-east-1
	ctx := t.Context()
	calls := map[string]func(...func(*s3control.Options)) error{
		"List": func(fns ...func(*s3control.Options)) error {
			_, err := c.ListMultiRegionAccessPoints(ctx, &s3control.ListMultiRegionAccessPointsInput{AccountId: aws.String(acct)}, fns...)
			return err
		},
		"Get": func(fns ...func(*s3control.Options)) error {
			_, err := c.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: aws.String(acct), Name: aws.String("nope")}, fns...)
			return err
		},
		"Create": func(fns ...func(*s3control.Options)) error {
			_, err := c.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(acct),
				Details: &types.CreateMultiRegionAccessPointInput{Name: aws.String("redirected"), Regions: []types.Region{{Bucket: aws.String("b")}}}}, fns...)
			return err
		},
	}
	for name, call := range calls {
		err := call()
		assert.Equal(t, "PermanentRedirect", apiCode(err), name)
		var re *awshttp.ResponseError
		if assert.True(t, errors.As(err, &re), name) {
			assert.Equal(t, http.StatusMovedPermanently, re.HTTPStatusCode(), name)
		}
		assert.Contains(t, err.Error(), "only available in the following Regions: us-west-2", name)
	}
	assert.Empty(t, ts.MultiRegionAccessPoints(), "a redirected create creates nothing")
	require.NoError(t, calls["List"](inMRAPRegion))
	assert.Equal(t, "NoSuchMultiRegionAccessPoint", apiCode(calls["Get"](inMRAPRegion)))
}

// TestMRAPLifecycle creates, reads, lists, gives a policy to and deletes a
// Multi-Region Access Point through the real client, with the S3 fake
// holding the buckets.
func TestMRAPLifecycle(t *testing.T) {
	ctx := t.Context()
	s3f := s3fake.Start(t, nil)
	require.NoError(t, s3f.CreateBucket("mrap-data", s3fake.StateAWSDefault))
	ts := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server})
	c := ts.Client()
	a := aws.String(ts.AccountID())

	op := mrapCreate(t, c, ts.AccountID(), "app-global", nil, "mrap-data")
	assert.Equal(t, "SUCCEEDED", aws.ToString(op.RequestStatus))
	assert.Equal(t, types.AsyncOperationNameCreateMultiRegionAccessPoint, op.Operation)
	assert.True(t, strings.HasPrefix(aws.ToString(op.RequestTokenARN), "arn:aws:s3:us-west-2:"+ts.AccountID()+":async-request/mrap/create/"), aws.ToString(op.RequestTokenARN))
	require.NotNil(t, op.RequestParameters)
	require.NotNil(t, op.RequestParameters.CreateMultiRegionAccessPointRequest)
	assert.Equal(t, "app-global", aws.ToString(op.RequestParameters.CreateMultiRegionAccessPointRequest.Name))

	got, err := c.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: a, Name: aws.String("app-global")}, inMRAPRegion)
	require.NoError(t, err)
	ap := got.AccessPoint
	alias := aws.ToString(ap.Alias)
	assert.Regexp(t, `^[a-z0-9]{13}\.mrap$`, alias, "an alias S3 chose, not derived from the name")
	assert.Equal(t, types.MultiRegionAccessPointStatusReady, ap.Status)
	for _, f := range []*bool{ap.PublicAccessBlock.BlockPublicAcls, ap.PublicAccessBlock.IgnorePublicAcls, ap.PublicAccessBlock.BlockPublicPolicy, ap.PublicAccessBlock.RestrictPublicBuckets} {
		assert.True(t, aws.ToBool(f), "all four Block Public Access settings are on by default")
	}
	require.Len(t, ap.Regions, 1)
	assert.Equal(t, "mrap-data", aws.ToString(ap.Regions[0].Bucket))
	assert.Equal(t, s3f.Region(), aws.ToString(ap.Regions[0].Region))
	assert.Equal(t, ts.AccountID(), aws.ToString(ap.Regions[0].BucketAccountId))
	arn := "arn:aws:s3::" + ts.AccountID() + ":accesspoint/" + alias
	assert.Equal(t, arn, ts.MultiRegionAccessPoints()[0].ARN)

	list, err := c.ListMultiRegionAccessPoints(ctx, &s3control.ListMultiRegionAccessPointsInput{AccountId: a}, inMRAPRegion)
	require.NoError(t, err)
	require.Len(t, list.AccessPoints, 1)
	assert.Equal(t, alias, aws.ToString(list.AccessPoints[0].Alias))

	// No policy yet: an empty document, and not public.
	pol, err := c.GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: a, Name: aws.String("app-global")}, inMRAPRegion)
	require.NoError(t, err)
	assert.True(t, pol.Policy == nil || pol.Policy.Established == nil)

	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + arn + `/object/*"}]}`
	put := func(name, doc string) (*types.AsyncOperation, error) {
		out, err := c.PutMultiRegionAccessPointPolicy(ctx, &s3control.PutMultiRegionAccessPointPolicyInput{AccountId: a,
			Details: &types.PutMultiRegionAccessPointPolicyInput{Name: aws.String(name), Policy: aws.String(doc)}}, inMRAPRegion)
		if err != nil {
			return nil, err
		}
		d, err := c.DescribeMultiRegionAccessPointOperation(ctx, &s3control.DescribeMultiRegionAccessPointOperationInput{AccountId: a, RequestTokenARN: out.RequestTokenARN}, inMRAPRegion)
		require.NoError(t, err)
		return d.AsyncOperation, nil
	}
	_, err = put("app-global", public)
	assert.Equal(t, "AccessDenied", apiCode(err), "BlockPublicPolicy on the Multi-Region Access Point refuses a public policy")
	_, err = put("app-global", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::mrap-data/*"}]}`)
	assert.Equal(t, "MalformedPolicy", apiCode(err), "the resources must be the Multi-Region Access Point's")
	_, err = put("nope", public)
	assert.Equal(t, "NoSuchMultiRegionAccessPoint", apiCode(err))

	// A second one with Block Public Access off takes the public policy.
	require.Equal(t, "SUCCEEDED", aws.ToString(mrapCreate(t, c, ts.AccountID(), "open-global", allOff(), "mrap-data").RequestStatus),
		"a bucket may be behind several Multi-Region Access Points")
	var open s3controlfake.MultiRegionAccessPoint
	for _, m := range ts.MultiRegionAccessPoints() {
		if m.Name == "open-global" {
			open = m
		}
	}
	assert.NotEqual(t, alias, open.Alias)
	openPublic := strings.ReplaceAll(public, arn, open.ARN)
	// The account's BlockPublicPolicy refuses it too.
	_, err = c.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: a, PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicPolicy: aws.Bool(true)}})
	require.NoError(t, err)
	_, err = put("open-global", openPublic)
	assert.Equal(t, "AccessDenied", apiCode(err), "the account's BlockPublicPolicy refuses a public policy")
	_, err = c.DeletePublicAccessBlock(ctx, &s3control.DeletePublicAccessBlockInput{AccountId: a})
	require.NoError(t, err)
	pop, err := put("open-global", openPublic)
	require.NoError(t, err)
	assert.Equal(t, "SUCCEEDED", aws.ToString(pop.RequestStatus))
	assert.Equal(t, types.AsyncOperationNamePutMultiRegionAccessPointPolicy, pop.Operation)
	pol, err = c.GetMultiRegionAccessPointPolicy(ctx, &s3control.GetMultiRegionAccessPointPolicyInput{AccountId: a, Name: aws.String("open-global")}, inMRAPRegion)
	require.NoError(t, err)
	assert.JSONEq(t, openPublic, aws.ToString(pol.Policy.Established.Policy))
	st, err := c.GetMultiRegionAccessPointPolicyStatus(ctx, &s3control.GetMultiRegionAccessPointPolicyStatusInput{AccountId: a, Name: aws.String("open-global")}, inMRAPRegion)
	require.NoError(t, err)
	assert.True(t, st.Established.IsPublic)

	// Delete, asynchronously; deleting again fails in the operation.
	del := func() *types.AsyncOperation {
		out, err := c.DeleteMultiRegionAccessPoint(ctx, &s3control.DeleteMultiRegionAccessPointInput{AccountId: a,
			Details: &types.DeleteMultiRegionAccessPointInput{Name: aws.String("open-global")}}, inMRAPRegion)
		require.NoError(t, err)
		d, err := c.DescribeMultiRegionAccessPointOperation(ctx, &s3control.DescribeMultiRegionAccessPointOperationInput{AccountId: a, RequestTokenARN: out.RequestTokenARN}, inMRAPRegion)
		require.NoError(t, err)
		return d.AsyncOperation
	}
	assert.Equal(t, "SUCCEEDED", aws.ToString(del().RequestStatus))
	_, err = c.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: a, Name: aws.String("open-global")}, inMRAPRegion)
	assert.Equal(t, "NoSuchMultiRegionAccessPoint", apiCode(err))
	again := del()
	assert.Equal(t, "FAILED", aws.ToString(again.RequestStatus))
	require.NotNil(t, again.ResponseDetails)
	assert.Equal(t, "NoSuchMultiRegionAccessPoint", aws.ToString(again.ResponseDetails.ErrorDetails.Code))

	_, err = c.DescribeMultiRegionAccessPointOperation(ctx, &s3control.DescribeMultiRegionAccessPointOperationInput{AccountId: a,
		RequestTokenARN: aws.String("arn:aws:s3:us-west-2:" + ts.AccountID() + ":async-request/mrap/create/0000")}, inMRAPRegion)
	assert.Equal(t, "NoSuchAsyncRequest", apiCode(err))
}

// TestMRAPCreateRules pins the creation rules: names, Regions, buckets that
// exist and are the caller's (or named with their owner), one bucket per
// Region, names unique in the account.
func TestMRAPCreateRules(t *testing.T) {
	ctx := t.Context()
	s3f := s3fake.Start(t, nil)
	require.NoError(t, s3f.CreateBucket("rules-a", s3fake.StateAWSDefault))
	require.NoError(t, s3f.CreateBucket("rules-b", s3fake.StateAWSDefault))
	ts := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server})
	c := ts.Client()

	for _, name := range []string{"ab", "-lead", "trail-", "Upper", "has.dot", "has_underscore", strings.Repeat("a", 51)} {
		_, err := c.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(ts.AccountID()),
			Details: &types.CreateMultiRegionAccessPointInput{Name: aws.String(name), Regions: []types.Region{{Bucket: aws.String("rules-a")}}}}, inMRAPRegion)
		assert.Equal(t, "InvalidRequest", apiCode(err), name)
	}
	_, err := c.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(ts.AccountID()),
		Details: &types.CreateMultiRegionAccessPointInput{Name: aws.String("no-regions")}}, inMRAPRegion)
	assert.Error(t, err, "at least one Region (the SDK's own validation refuses it before sending)")

	failed := func(op *types.AsyncOperation) string {
		require.Equal(t, "FAILED", aws.ToString(op.RequestStatus))
		return aws.ToString(op.ResponseDetails.ErrorDetails.Code)
	}
	assert.Equal(t, "NoSuchBucket", failed(mrapCreate(t, c, ts.AccountID(), "missing-bucket", nil, "rules-nope")))
	assert.Equal(t, "InvalidRequest", failed(mrapCreate(t, c, ts.AccountID(), "same-region", nil, "rules-a", "rules-b")),
		"exactly one bucket in each Region")
	in := &types.CreateMultiRegionAccessPointInput{Name: aws.String("other-owner"), Regions: []types.Region{{Bucket: aws.String("rules-a"), BucketAccountId: aws.String("444455556666")}}}
	out, err := c.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(ts.AccountID()), Details: in}, inMRAPRegion)
	require.NoError(t, err)
	d, err := c.DescribeMultiRegionAccessPointOperation(ctx, &s3control.DescribeMultiRegionAccessPointOperationInput{AccountId: aws.String(ts.AccountID()), RequestTokenARN: out.RequestTokenARN}, inMRAPRegion)
	require.NoError(t, err)
	assert.Equal(t, "NoSuchBucket", failed(d.AsyncOperation), "the bucket is not 444455556666's")

	require.Equal(t, "SUCCEEDED", aws.ToString(mrapCreate(t, c, ts.AccountID(), "unique", allOff(), "rules-a").RequestStatus))
	assert.NotEqual(t, "SUCCEEDED", aws.ToString(mrapCreate(t, c, ts.AccountID(), "unique", nil, "rules-b").RequestStatus), "names are unique in the account")
	ms := ts.MultiRegionAccessPoints()
	require.Len(t, ms, 1)
	assert.Equal(t, s3controlfake.PublicAccessBlock{}, ms[0].PublicAccessBlock, "the first one's settings are kept: they never change")
	assert.Equal(t, "rules-a", ms[0].Buckets[0].Bucket)
}

// TestMRAPCrossAccountBucket creates, in account B, a Multi-Region Access
// Point in front of account A's bucket, named with its owner
// (BucketAccountId), as the local AWS does for two accounts sharing one S3.
func TestMRAPCrossAccountBucket(t *testing.T) {
	s3f := s3fake.Start(t, nil)
	require.NoError(t, s3f.CreateBucket("owned-by-a", s3fake.StateAWSDefault))
	ts := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server, AccountID: "444455556666"})
	c := ts.Client()
	in := &types.CreateMultiRegionAccessPointInput{Name: aws.String("cross"), Regions: []types.Region{{Bucket: aws.String("owned-by-a"), BucketAccountId: aws.String(s3f.AccountID())}}}
	out, err := c.CreateMultiRegionAccessPoint(context.Background(), &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String("444455556666"), Details: in}, inMRAPRegion)
	require.NoError(t, err)
	require.NotEmpty(t, aws.ToString(out.RequestTokenARN))
	ms := ts.MultiRegionAccessPoints()
	require.Len(t, ms, 1)
	assert.Equal(t, s3controlfake.MultiRegionBucket{Bucket: "owned-by-a", BucketAccount: s3f.AccountID(), Region: s3f.Region()}, ms[0].Buckets[0])
	assert.True(t, strings.HasPrefix(ms[0].ARN, "arn:aws:s3::444455556666:accesspoint/"))
}

// TestMRAPLimits pins the quotas ("a maximum of 100 Multi-Region Access
// Points per account", "a limit of 20 Regions for a single Multi-Region
// Access Point"), paging of the listing, and aliases that are never
// reused: one deleted and created again under the same name gets a new
// one.
func TestMRAPLimits(t *testing.T) {
	ctx := t.Context()
	ts := s3controlfake.Start(t, nil)
	c := ts.Client()
	a := aws.String(ts.AccountID())
	var regions []types.Region
	for i := range 21 {
		regions = append(regions, types.Region{Bucket: aws.String(fmt.Sprintf("b%02d", i))})
	}
	_, err := c.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: a,
		Details: &types.CreateMultiRegionAccessPointInput{Name: aws.String("too-wide"), Regions: regions}}, inMRAPRegion)
	assert.Equal(t, "InvalidRequest", apiCode(err), "21 Regions")

	for i := range 100 {
		require.Equal(t, "SUCCEEDED", aws.ToString(mrapCreate(t, c, ts.AccountID(), fmt.Sprintf("m%03d", i), nil, "b").RequestStatus))
	}
	op := mrapCreate(t, c, ts.AccountID(), "one-too-many", nil, "b")
	assert.Equal(t, "FAILED", aws.ToString(op.RequestStatus), "the 101st")

	var names []string
	p := s3control.NewListMultiRegionAccessPointsPaginator(c, &s3control.ListMultiRegionAccessPointsInput{AccountId: a, MaxResults: 30})
	pages := 0
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, inMRAPRegion)
		require.NoError(t, err)
		pages++
		for _, m := range page.AccessPoints {
			names = append(names, aws.ToString(m.Name))
		}
	}
	assert.Equal(t, 4, pages)
	assert.Len(t, names, 100)

	before := ts.MultiRegionAccessPoints()[0]
	_, err = c.DeleteMultiRegionAccessPoint(ctx, &s3control.DeleteMultiRegionAccessPointInput{AccountId: a,
		Details: &types.DeleteMultiRegionAccessPointInput{Name: aws.String(before.Name)}}, inMRAPRegion)
	require.NoError(t, err)
	require.Equal(t, "SUCCEEDED", aws.ToString(mrapCreate(t, c, ts.AccountID(), before.Name, nil, "b").RequestStatus))
	after := ts.MultiRegionAccessPoints()[0]
	assert.Equal(t, before.Name, after.Name)
	assert.NotEqual(t, before.Alias, after.Alias, "aliases are never reused")
}

// TestMRAPOnlyInUSWest2sPartition: the Multi-Region Access Point
// operations are served in us-west-2 only ("This action will always be
// routed to the US West (Oregon) Region"; the Service Authorization
// Reference's request token ARN names it: arn:${Partition}:s3:us-west-2:…),
// and us-west-2 is in the aws partition. An account of another partition
// (China, GovCloud, the European Sovereign Cloud) reaches no Region that
// serves them: signed for a Region of its own it gets the redirect to
// us-west-2, and signed for us-west-2 its key is unknown there ("You
// cannot use IAM credentials from one partition to interact with resources
// in a different partition", AWS Fault Isolation Boundaries: Partitions),
// so nothing is created. The fake served them to every partition and named
// them arn:aws: whatever its Region.
func TestMRAPOnlyInUSWest2sPartition(t *testing.T) {
	for _, region := range []string{"cn-north-1", "us-gov-west-1", "eusc-de-east-1"} {
		t.Run(region, func(t *testing.T) {
			ctx := t.Context()
			s3f := s3fake.Start(t, &s3fake.Options{Region: region})
			require.NoError(t, s3f.CreateBucket("mrap-data", s3fake.StateAWSDefault))
			ts := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server})
			c := ts.Client()
			a := aws.String(ts.AccountID())
			calls := map[string]func(...func(*s3control.Options)) error{
				"Create": func(fns ...func(*s3control.Options)) error {
					_, err := c.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: a,
						Details: &types.CreateMultiRegionAccessPointInput{Name: aws.String("app-global"), Regions: []types.Region{{Bucket: aws.String("mrap-data")}}}}, fns...)
					return err
				},
				"List": func(fns ...func(*s3control.Options)) error {
					_, err := c.ListMultiRegionAccessPoints(ctx, &s3control.ListMultiRegionAccessPointsInput{AccountId: a}, fns...)
					return err
				},
				"Get": func(fns ...func(*s3control.Options)) error {
					_, err := c.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: a, Name: aws.String("app-global")}, fns...)
					return err
				},
			}
			for name, call := range calls {
				assert.Equal(t, "PermanentRedirect", apiCode(call()), name)
				err := call(inMRAPRegion)
				assert.Equal(t, "InvalidAccessKeyId", apiCode(err), name)
				var re *awshttp.ResponseError
				if assert.True(t, errors.As(err, &re), name) {
					assert.Equal(t, http.StatusForbidden, re.HTTPStatusCode(), name)
				}
			}
			assert.Empty(t, ts.MultiRegionAccessPoints())
		})
	}
}
