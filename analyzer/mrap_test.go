package analyzer_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/conformance"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// Multi-Region Access Points: a request through one is authorized by its
// policy, by the bucket's policy (which may delegate to it, with
// s3:DataAccessPointAccount or s3:DataAccessPointArn), and by Block Public
// Access at the Multi-Region Access Point, the bucket and the account (S3
// user guide, "Multi-Region Access Point permissions"). Each row sets the
// bucket and the Multi-Region Access Point up through the real clients and
// expects the findings of the offline analysis (Fetch through S3 Control,
// in us-west-2) and of the local Access Analyzer.

type mrapRow struct {
	name string
	// bpa is the Multi-Region Access Point's Block Public Access (nil: the
	// default, all on).
	bpa *s3ctypes.PublicAccessBlockConfiguration
	// policy is its policy (%[1]s: its ARN); refused says S3 refuses it.
	policy  string
	refused bool
	// bucketPolicy is the bucket's (%[1]s: the bucket, %[2]s: the Multi-Region Access Point's ARN).
	bucketPolicy string
	bucketBPA    *s3types.PublicAccessBlockConfiguration
	accountBPA   *s3ctypes.PublicAccessBlockConfiguration
	// want: %[1]s in Source is the Multi-Region Access Point's ARN.
	want []projection
}

const (
	mrapPublicRead  = `{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"%[1]s/object/*"}]}`
	mrapPartnerRead = `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"%[1]s/object/*"}]}`
	delegateAccount = `{"Version":"2012-10-17","Statement":[{"Sid":"DelegateToAccessPoints","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"111122223333"}}}]}`
	delegateARN     = `{"Version":"2012-10-17","Statement":[{"Sid":"DelegateToMRAP","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"StringEquals":{"s3:DataAccessPointArn":"%[2]s"}}}]}`
	// "arn:aws:s3::123456789012:accesspoint/* ... matches all Multi-Region
	// Access Points for account 123456789012, but doesn't match any Regional
	// Amazon S3 Access Points because the ARN doesn't include an AWS Region"
	// (S3 user guide, "Making requests through a Multi-Region Access Point"),
	// and an ARN with a Region matches no Multi-Region Access Point.
	delegateMRAPs    = `{"Version":"2012-10-17","Statement":[{"Sid":"DelegateToMRAPs","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"ArnLike":{"s3:DataAccessPointArn":"arn:aws:s3::111122223333:accesspoint/*"}}}]}`
	delegateRegional = `{"Version":"2012-10-17","Statement":[{"Sid":"DelegateToRegionalAPs","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::%[1]s","arn:aws:s3:::%[1]s/*"],"Condition":{"ArnLike":{"s3:DataAccessPointArn":"arn:aws:s3:us-east-1:111122223333:accesspoint/*"}}}]}`
	notDelegating    = `{"Version":"2012-10-17","Statement":[{"Sid":"App","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/app"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%[1]s/*"}]}`
	foreignMRAPARN   = "arn:aws:s3::444455556666:accesspoint/mfzwi23gnjvgw.mrap"
	delegateForeign  = `{"Version":"2012-10-17","Statement":[{"Sid":"DelegateToPartnerMRAP","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%[1]s/*","Condition":{"StringEquals":{"s3:DataAccessPointArn":"` + foreignMRAPARN + `"}}}]}`
	mrapSourceFormat = "S3_ACCESS_POINT:%[1]s:111122223333"
)

func bpaOff() *s3ctypes.PublicAccessBlockConfiguration {
	return &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(false), IgnorePublicAcls: aws.Bool(false), BlockPublicPolicy: aws.Bool(false), RestrictPublicBuckets: aws.Bool(false)}
}

func restrictOnly() *s3ctypes.PublicAccessBlockConfiguration {
	c := bpaOff()
	c.RestrictPublicBuckets = aws.Bool(true)
	return c
}

var publicThroughMRAP = projection{Kind: analyzer.KindPublic, Public: true, Principal: "AWS=*", Actions: []string{"s3:GetObject"}, Source: mrapSourceFormat}

var mrapRows = []mrapRow{
	{name: "public-mrap-delegating-bucket", bpa: bpaOff(), policy: mrapPublicRead, bucketPolicy: delegateAccount, want: []projection{publicThroughMRAP}},
	{name: "public-mrap-delegating-by-arn", bpa: bpaOff(), policy: mrapPublicRead, bucketPolicy: delegateARN, want: []projection{publicThroughMRAP}},
	{name: "public-mrap-delegating-to-account-mraps", bpa: bpaOff(), policy: mrapPublicRead, bucketPolicy: delegateMRAPs, want: []projection{publicThroughMRAP}},
	{name: "delegating-to-regional-access-points-only", bpa: bpaOff(), policy: mrapPublicRead, bucketPolicy: delegateRegional},
	// With BlockPublicPolicy on (the default), S3 refuses the public
	// policy: nothing is public through it.
	{name: "mrap-bpa-on", policy: mrapPublicRead, refused: true, bucketPolicy: delegateAccount},
	{name: "mrap-restrict-public-buckets", bpa: restrictOnly(), policy: mrapPublicRead, bucketPolicy: delegateAccount},
	{name: "bucket-bpa-on", bpa: bpaOff(), policy: mrapPublicRead, bucketPolicy: delegateAccount,
		bucketBPA: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}},
	{name: "account-bpa-on", bpa: bpaOff(), policy: mrapPublicRead, bucketPolicy: delegateAccount,
		accountBPA: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}},
	{name: "not-delegating", bpa: bpaOff(), policy: mrapPublicRead, bucketPolicy: notDelegating},
	{name: "no-bucket-policy", bpa: bpaOff(), policy: mrapPublicRead},
	{name: "partner-through-mrap", policy: mrapPartnerRead, bucketPolicy: delegateAccount, want: []projection{{Kind: analyzer.KindCrossAccount,
		Principal: "AWS=arn:aws:iam::444455556666:root", Accounts: []string{partner}, Actions: []string{"s3:GetObject"}, Source: mrapSourceFormat}}},
	// A Multi-Region Access Point of another account in front of the
	// bucket: its policy cannot be read, so the delegation decides, as for
	// another account's access points (regression rows: right before
	// Multi-Region Access Points were read).
	{name: "partner-mrap-bucket-bpa-on", bucketPolicy: delegateForeign,
		bucketBPA: &s3types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)},
		want: []projection{{Kind: analyzer.KindCrossAccount, Principal: "AWS=*", Conditions: "s3:DataAccessPointArn=" + foreignMRAPARN,
			Accounts: []string{partner}, Actions: []string{"s3:GetObject"}, Source: "S3_ACCESS_POINT_ACCOUNT::" + partner}}},
	{name: "partner-mrap-bucket-bpa-off", bucketPolicy: delegateForeign,
		want: []projection{{Kind: analyzer.KindPublic, Public: true, Principal: "AWS=*", Conditions: "s3:DataAccessPointArn=" + foreignMRAPARN,
			Accounts: []string{partner}, Actions: []string{"s3:GetObject"}, Source: "S3_ACCESS_POINT_ACCOUNT::" + partner}}},
}

// setUpMRAP creates the row's bucket (legacy: no Block Public Access) and
// Multi-Region Access Point through the real clients and returns the
// bucket and the Multi-Region Access Point's ARN.
func setUpMRAP(t *testing.T, s3c *s3.Client, ctl *s3control.Client, r mrapRow) (string, string) {
	t.Helper()
	ctx := t.Context()
	bucket := "mrap-" + r.name
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	inRegion := func(o *s3control.Options) { o.Region = s3controlfake.MRAPRegion }
	_, err = ctl.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(owner), Details: &s3ctypes.CreateMultiRegionAccessPointInput{
		Name: aws.String("global"), PublicAccessBlock: r.bpa, Regions: []s3ctypes.Region{{Bucket: aws.String(bucket)}}}}, inRegion)
	require.NoError(t, err)
	got, err := ctl.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: aws.String(owner), Name: aws.String("global")}, inRegion)
	require.NoError(t, err)
	arn := "arn:aws:s3::" + owner + ":accesspoint/" + aws.ToString(got.AccessPoint.Alias)
	if r.policy != "" {
		_, err = ctl.PutMultiRegionAccessPointPolicy(ctx, &s3control.PutMultiRegionAccessPointPolicyInput{AccountId: aws.String(owner),
			Details: &s3ctypes.PutMultiRegionAccessPointPolicyInput{Name: aws.String("global"), Policy: aws.String(fmt.Sprintf(r.policy, arn))}}, inRegion)
		if r.refused {
			require.Error(t, err)
		} else {
			require.NoError(t, err)
		}
	}
	if r.bucketPolicy != "" {
		_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(fmt.Sprintf(r.bucketPolicy, bucket, arn))})
		require.NoError(t, err)
	}
	if r.bucketBPA != nil {
		_, err = s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket), PublicAccessBlockConfiguration: r.bucketBPA})
		require.NoError(t, err)
	}
	if r.accountBPA != nil {
		_, err = ctl.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{AccountId: aws.String(owner), PublicAccessBlockConfiguration: r.accountBPA})
		require.NoError(t, err)
	}
	return bucket, arn
}

func mrapRowNamed(t *testing.T, name string) mrapRow {
	t.Helper()
	for _, r := range mrapRows {
		if r.name == name {
			return r
		}
	}
	t.Fatalf("no row %s", name)
	return mrapRow{}
}

func mrapWant(r mrapRow, arn string) []projection {
	out := []projection{}
	for _, w := range r.want {
		if w.Source == mrapSourceFormat {
			w.Source = fmt.Sprintf(mrapSourceFormat, arn)
		}
		out = append(out, w)
	}
	return out
}

func TestMultiRegionAccessPointOffline(t *testing.T) {
	for _, r := range mrapRows {
		t.Run(r.name, func(t *testing.T) {
			sf := s3fake.Start(t, &s3fake.Options{AccountID: owner, CreateBucketState: s3fake.StateLegacy})
			cf := s3controlfake.Start(t, &s3controlfake.Options{S3: sf.Server})
			ctl := cf.Client(func(o *s3control.Options) { o.Retryer = aafake.ClosedConnRetryer{} })
			bucket, arn := setUpMRAP(t, ownerClient(sf), ctl, r)
			opts := &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: ctl, Account: owner}}
			// A row without findings is a judgement, not ignorance: the
			// Multi-Region Access Point was read.
			b, err := analyzer.Fetch(t.Context(), ownerClient(sf), bucket, opts)
			require.NoError(t, err)
			require.Len(t, b.MultiRegionAccessPoints, 1)
			assert.Equal(t, arn, b.MultiRegionAccessPoints[0].ARN)
			got, err := analyzer.AnalyzeBucket(t.Context(), ownerClient(sf), bucket, opts)
			require.NoError(t, err)
			assert.ElementsMatch(t, mrapWant(r, arn), project(got))
			// AnalyzeAll reads them too.
			all, err := analyzer.AnalyzeAll(t.Context(), ownerClient(sf), opts)
			require.NoError(t, err)
			require.Len(t, all, 1)
			require.NoError(t, all[0].Err)
			assert.ElementsMatch(t, mrapWant(r, arn), project(all[0].Findings))
		})
	}
}

func TestMultiRegionAccessPointLocalAccessAnalyzer(t *testing.T) {
	ctx := t.Context()
	for _, r := range mrapRows {
		t.Run(r.name, func(t *testing.T) {
			srv, err := localaws.New(&localaws.Options{AccountID: owner, LegacyBuckets: true})
			require.NoError(t, err)
			ep, err := srv.Listen(nil)
			require.NoError(t, err)
			t.Cleanup(func() { assert.NoError(t, ep.Close()) })
			cfg := ep.Config(srv.Owner().Root())
			bucket, arn := setUpMRAP(t, s3.NewFromConfig(cfg), s3control.NewFromConfig(cfg), r)
			aa := accessanalyzer.NewFromConfig(cfg)
			a, err := analyzer.EnsureAnalyzer(ctx, aa, &analyzer.EnsureOptions{AllowCreate: true})
			require.NoError(t, err)
			got, err := analyzer.ListFindings(ctx, aa, a, &analyzer.ListOptions{Buckets: []string{bucket}})
			require.NoError(t, err)
			assert.ElementsMatch(t, mrapWant(r, arn), project(got))
		})
	}
}

// TestFetchMultiRegionAccessPoints pins what Fetch reads: the Multi-Region
// Access Points in front of the bucket only, each with its ARN, Block
// Public Access and policy, asked in us-west-2; and, with options that
// give no way to read them, the state says so.
func TestFetchMultiRegionAccessPoints(t *testing.T) {
	ctx := t.Context()
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner, CreateBucketState: s3fake.StateLegacy})
	cf := s3controlfake.Start(t, &s3controlfake.Options{S3: sf.Server})
	ctl := cf.Client(func(o *s3control.Options) { o.Retryer = aafake.ClosedConnRetryer{} })
	bucket, arn := setUpMRAP(t, ownerClient(sf), ctl, mrapRows[0])
	require.NoError(t, sf.CreateBucket("elsewhere", s3fake.StateLegacy))
	_, err := ctl.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(owner), Details: &s3ctypes.CreateMultiRegionAccessPointInput{
		Name: aws.String("other"), Regions: []s3ctypes.Region{{Bucket: aws.String("elsewhere")}}}}, func(o *s3control.Options) { o.Region = s3controlfake.MRAPRegion })
	require.NoError(t, err)

	b, err := analyzer.Fetch(ctx, ownerClient(sf), bucket, &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: ctl, Account: owner}})
	require.NoError(t, err)
	assert.Empty(t, b.Unread)
	require.Len(t, b.MultiRegionAccessPoints, 1, "only the one in front of the bucket")
	m := b.MultiRegionAccessPoints[0]
	assert.Equal(t, analyzer.AccessPoint{Name: "global", ARN: arn, Account: owner, Bucket: bucket, NetworkOrigin: "Internet",
		Policy: fmt.Sprintf(mrapPublicRead, arn)}, m)
	assert.True(t, m.MultiRegion())
	assert.Empty(t, b.AccessPoints)
	assert.Positive(t, cf.Count("ListMultiRegionAccessPoints"))

	b, err = analyzer.Fetch(ctx, ownerClient(sf), bucket, &analyzer.FetchOptions{Owner: owner})
	require.NoError(t, err)
	assert.Equal(t, []string{analyzer.UnreadAccessPoints, analyzer.UnreadMultiRegionAccessPoints}, b.Unread,
		"without a way to read them, the state says so")

	// A fixed list serves both listers; an entry both return is analyzed once.
	list := analyzer.AccessPoints{m}
	b, err = analyzer.Fetch(ctx, ownerClient(sf), bucket, &analyzer.FetchOptions{Owner: owner, AccessPoints: list, MultiRegionAccessPoints: list})
	require.NoError(t, err)
	assert.Empty(t, b.Unread)
	fs, err := analyzer.Analyze(b, nil)
	require.NoError(t, err)
	assert.ElementsMatch(t, mrapWant(mrapRows[0], arn), project(fs))

	// AnalyzeAll lists them once for every bucket, and reads each policy once.
	lists, policies := cf.Count("ListMultiRegionAccessPoints"), cf.Count("GetMultiRegionAccessPointPolicy")
	results, err := analyzer.AnalyzeAll(ctx, ownerClient(sf), &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: ctl, Account: owner}})
	require.NoError(t, err)
	require.Len(t, results, 2)
	assert.Equal(t, 1, cf.Count("ListMultiRegionAccessPoints")-lists)
	assert.Equal(t, 2, cf.Count("GetMultiRegionAccessPointPolicy")-policies, "one per Multi-Region Access Point")
	for _, r := range results {
		require.NoError(t, r.Err)
		if r.Bucket == bucket {
			assert.ElementsMatch(t, mrapWant(mrapRows[0], arn), project(r.Findings))
		} else {
			assert.Empty(t, r.Findings)
		}
	}

	// A refused read is an error, not "none".
	cf.SetFault("ListMultiRegionAccessPoints", s3controlfake.Fault{Status: 403, Code: "AccessDenied"})
	_, err = analyzer.Fetch(ctx, ownerClient(sf), bucket, &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: ctl, Account: owner}})
	require.ErrorIs(t, err, analyzer.ErrAccessDenied)
	var ae *analyzer.Error
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "ListMultiRegionAccessPoints", ae.Op)

	// A client that cannot read them says so.
	_, err = analyzer.Fetch(ctx, ownerClient(sf), bucket, &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: controlOnly{ctl}, Account: owner}})
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
}

// controlOnly is an S3ControlAPI without the Multi-Region Access Point
// operations.
type controlOnly struct{ c *s3control.Client }

func (c controlOnly) GetPublicAccessBlock(ctx context.Context, in *s3control.GetPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error) {
	return c.c.GetPublicAccessBlock(ctx, in, optFns...)
}

func (c controlOnly) ListAccessPoints(ctx context.Context, in *s3control.ListAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error) {
	return c.c.ListAccessPoints(ctx, in, optFns...)
}

func (c controlOnly) GetAccessPoint(ctx context.Context, in *s3control.GetAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error) {
	return c.c.GetAccessPoint(ctx, in, optFns...)
}

func (c controlOnly) GetAccessPointPolicy(ctx context.Context, in *s3control.GetAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyOutput, error) {
	return c.c.GetAccessPointPolicy(ctx, in, optFns...)
}

// TestFetchMultiRegionAccessPointPolicyUpdate pins that a policy update
// still being applied is analyzed as well as the established policy:
// either may be in effect in a Region meanwhile. A Multi-Region Access
// Point without a policy is read with an empty one.
func TestFetchMultiRegionAccessPointPolicyUpdate(t *testing.T) {
	ctx := t.Context()
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner, CreateBucketState: s3fake.StateLegacy})
	cf := s3controlfake.Start(t, &s3controlfake.Options{S3: sf.Server})
	ctl := cf.Client(func(o *s3control.Options) { o.Retryer = aafake.ClosedConnRetryer{} })
	row := mrapRowNamed(t, "public-mrap-delegating-bucket")
	row.policy = ""
	bucket, arn := setUpMRAP(t, ownerClient(sf), ctl, row)
	opts := &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: ctl, Account: owner}}

	b, err := analyzer.Fetch(ctx, ownerClient(sf), bucket, opts)
	require.NoError(t, err)
	require.Len(t, b.MultiRegionAccessPoints, 1)
	assert.Empty(t, b.MultiRegionAccessPoints[0].Policy)

	private := fmt.Sprintf(mrapPartnerRead, arn)
	_, err = ctl.PutMultiRegionAccessPointPolicy(ctx, &s3control.PutMultiRegionAccessPointPolicyInput{AccountId: aws.String(owner),
		Details: &s3ctypes.PutMultiRegionAccessPointPolicyInput{Name: aws.String("global"), Policy: aws.String(private)}},
		func(o *s3control.Options) { o.Region = s3controlfake.MRAPRegion })
	require.NoError(t, err)
	require.True(t, cf.ProposeMultiRegionAccessPointPolicy("global", fmt.Sprintf(mrapPublicRead, arn)))
	b, err = analyzer.Fetch(ctx, ownerClient(sf), bucket, opts)
	require.NoError(t, err)
	require.Len(t, b.MultiRegionAccessPoints, 2)
	assert.Equal(t, private, b.MultiRegionAccessPoints[0].Policy, "the established policy")
	assert.Equal(t, fmt.Sprintf(mrapPublicRead, arn), b.MultiRegionAccessPoints[1].Policy, "the proposed one")
	fs, err := analyzer.Analyze(b, nil)
	require.NoError(t, err)
	assert.ElementsMatch(t, append(mrapWant(mrapRows[0], arn), mrapWant(mrapRowNamed(t, "partner-through-mrap"), arn)...), project(fs))
}

// TestMultiRegionAccessPointOfflineMoto reads Multi-Region Access Points
// from moto_server: a public one behind a delegating bucket policy is
// public, and one without a policy (which moto answers with
// NoSuchMultiRegionAccessPointPolicy) reads as having none.
func TestMultiRegionAccessPointOfflineMoto(t *testing.T) {
	ctx := t.Context()
	ep := conformance.StartMoto(t)
	u, err := url.Parse(ep)
	require.NoError(t, err)
	// An account of this run's own (moto's x-moto-account-id): moto may be
	// shared with other packages' tests, which change the default
	// account's Block Public Access.
	acct := fakeutil.MotoAccountID(6)
	s3c := s3fake.NewClient(ep, "us-east-1", &http.Client{Transport: fakeutil.MotoAccount(acct, http.DefaultTransport)},
		credentials.NewStaticCredentialsProvider("AKIAMOTOOWNER0000001", "moto-secret", ""),
		func(o *s3.Options) { o.Retryer = aafake.ClosedConnRetryer{} })
	hc := s3controlfake.LoopbackHTTPClient(u.Host)
	hc.Transport = fakeutil.MotoAccount(acct, hc.Transport)
	ctl := s3controlfake.NewClient(ep, u.Host, "us-east-1", func(o *s3control.Options) { o.Retryer = aafake.ClosedConnRetryer{}; o.HTTPClient = hc })
	suffix := strconv.FormatInt(time.Now().UnixNano()%1e6, 10)
	bucket := "moto-mrap-" + suffix
	_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	inRegion := func(o *s3control.Options) { o.Region = s3controlfake.MRAPRegion }
	var arn string
	for i, name := range []string{"open-" + suffix, "nopolicy-" + suffix} {
		_, err = ctl.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(acct), Details: &s3ctypes.CreateMultiRegionAccessPointInput{
			Name: aws.String(name), PublicAccessBlock: bpaOff(), Regions: []s3ctypes.Region{{Bucket: aws.String(bucket)}}}}, inRegion)
		require.NoError(t, err)
		t.Cleanup(func() {
			_, _ = ctl.DeleteMultiRegionAccessPoint(context.Background(), &s3control.DeleteMultiRegionAccessPointInput{AccountId: aws.String(acct),
				Details: &s3ctypes.DeleteMultiRegionAccessPointInput{Name: aws.String(name)}}, inRegion)
		})
		if i > 0 {
			continue
		}
		got, err := ctl.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: aws.String(acct), Name: aws.String(name)}, inRegion)
		require.NoError(t, err)
		arn = "arn:aws:s3::" + acct + ":accesspoint/" + aws.ToString(got.AccessPoint.Alias)
		_, err = ctl.PutMultiRegionAccessPointPolicy(ctx, &s3control.PutMultiRegionAccessPointPolicyInput{AccountId: aws.String(acct),
			Details: &s3ctypes.PutMultiRegionAccessPointPolicyInput{Name: aws.String(name), Policy: aws.String(fmt.Sprintf(mrapPublicRead, arn))}}, inRegion)
		require.NoError(t, err)
	}
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket),
		Policy: aws.String(strings.ReplaceAll(fmt.Sprintf(delegateAccount, bucket), owner, acct))})
	require.NoError(t, err)

	got, err := analyzer.AnalyzeBucket(ctx, s3c, bucket, &analyzer.FetchOptions{Owner: acct, Control: &analyzer.S3Control{Client: ctl, Account: acct}})
	require.NoError(t, err)
	want := publicThroughMRAP
	want.Source = "S3_ACCESS_POINT:" + arn + ":" + acct
	assert.ElementsMatch(t, []projection{want}, project(got))
}

// TestFetchRefusesNilListers: a lister that is a nil pointer is bad input,
// refused before any request, for access points and Multi-Region Access
// Points alike.
func TestFetchRefusesNilListers(t *testing.T) {
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner})
	var nl *ptrLister
	for name, o := range map[string]*analyzer.FetchOptions{
		"access points":              {Owner: owner, AccessPoints: nl},
		"Multi-Region Access Points": {Owner: owner, MultiRegionAccessPoints: nl},
	} {
		_, err := analyzer.Fetch(t.Context(), ownerClient(sf), "any-bucket", o)
		assert.ErrorIs(t, err, analyzer.ErrInvalidInput, name)
		_, err = analyzer.AnalyzeAll(t.Context(), ownerClient(sf), o)
		assert.ErrorIs(t, err, analyzer.ErrInvalidInput, name)
	}
	assert.Zero(t, sf.Count("GetBucketPolicy")+sf.Count("ListBuckets"), "nothing sent")
	assert.False(t, analyzer.AccessPoint{ARN: "arn:aws:s3:us-east-1:111122223333:accesspoint/ap"}.MultiRegion())
	assert.True(t, analyzer.AccessPoint{ARN: "arn:aws:s3::111122223333:accesspoint/mfzwi23gnjvgw.mrap"}.MultiRegion())
	assert.False(t, analyzer.AccessPoint{}.MultiRegion())
}

type ptrLister struct{}

func (*ptrLister) AccessPoints(context.Context, string) ([]analyzer.AccessPoint, error) {
	return nil, nil
}

func (*ptrLister) MultiRegionAccessPoints(context.Context, string) ([]analyzer.AccessPoint, error) {
	return nil, nil
}

// TestMultiRegionAccessPointsOutsidePartition: Multi-Region Access Points
// are made and listed in us-west-2 alone, and "You cannot use IAM
// credentials from one partition to interact with resources in a
// different partition" (AWS Fault Isolation Boundaries). With S3 Control
// in China, Fetch, AnalyzeBucket and AnalyzeAll send no request to
// us-west-2 and mark the Multi-Region Access Points unread: a bucket that
// delegates to access points gets the blocking UNREAD finding, the others
// are analyzed as before. The refusal of the China credentials there
// (InvalidAccessKeyId, a setup problem) used to fail the whole run.
func TestMultiRegionAccessPointsOutsidePartition(t *testing.T) {
	ctx := t.Context()
	const region = "cn-north-1"
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner, Region: region, CreateBucketState: s3fake.StateAWSDefault})
	cf := s3controlfake.Start(t, &s3controlfake.Options{S3: sf.Server, Region: region})
	ctl := cf.Client(func(o *s3control.Options) { o.Retryer = aafake.ClosedConnRetryer{} })
	opts := func() *analyzer.FetchOptions {
		return &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: ctl, Account: owner}}
	}
	client := ownerClient(sf)
	require.NoError(t, sf.CreateBucket("plain", s3fake.StateAWSDefault))
	require.NoError(t, sf.CreateBucket("delegating", s3fake.StateAWSDefault))
	_, err := client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("delegating"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::delegating/*",` +
			`"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + owner + `"}}}]}`)})
	require.NoError(t, err)

	b, err := analyzer.Fetch(ctx, client, "plain", opts())
	require.NoError(t, err)
	assert.Equal(t, []string{analyzer.UnreadMultiRegionAccessPoints}, b.Unread)

	fs, err := analyzer.AnalyzeBucket(ctx, client, "delegating", opts())
	require.NoError(t, err)
	require.NotEmpty(t, fs)
	assert.Contains(t, fs[0].Error, "UNREAD", "the delegation cannot be judged without the Multi-Region Access Points")

	all, err := analyzer.AnalyzeAll(ctx, client, opts())
	require.NoError(t, err)
	got := map[string]analyzer.BucketResult{}
	for _, r := range all {
		got[r.Bucket] = r
	}
	require.NoError(t, got["plain"].Err)
	assert.Empty(t, got["plain"].Findings)
	require.NotEmpty(t, got["delegating"].Findings)
	assert.Contains(t, got["delegating"].Findings[0].Error, "UNREAD")
	assert.Equal(t, 0, cf.Count("ListMultiRegionAccessPoints"), "no request leaves the partition")
}
