package analyzer_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAccessPointsReadInTheBucketsRegion: an access point lives in its
// bucket's Region, and S3 Control lists the access points of the Region a
// request is sent to (S3 user guide, "List your access points": "Only
// access points in your selected AWS Region will appear here"; "10,000
// access points per AWS account per Region", Access points restrictions
// and limitations). A bucket in eu-west-1 that delegates to its account's
// access points, one of which lets everyone read, is public through it.
// With the S3 Control client in us-east-1 (the CLI's default Region, and
// what AnalyzeAll uses for every bucket), Fetch listed the access points
// of us-east-1 for every bucket. AWS refuses to list a bucket's access
// points from another Region ("Amazon S3 AccessPoint can only be listed
// for bucket in the same region", turbot/steampipe-plugin-aws#1394), so
// every bucket outside the client's Region could not be analysed; the
// fake, before it refused that listing too, answered none and the bucket
// read as "no finding". The access points must be read in the bucket's
// Region.
func TestAccessPointsReadInTheBucketsRegion(t *testing.T) {
	ctx := t.Context()
	const bucket, region = "eu-data", "eu-west-1"
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner})
	require.NoError(t, sf.CreateBucketWith(bucket, &s3fake.BucketOptions{State: s3fake.StateLegacy, Region: region}))
	// The delegation AWS recommends ("Delegating access control to access
	// points"): everything, for requests through the owner's access points.
	delegate := `{"Version":"2012-10-17","Statement":[{"Sid":"Delegate","Effect":"Allow","Principal":{"AWS":"*"},"Action":"*",` +
		`"Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + owner + `"}}}]}`
	_, err := ownerClient(sf).PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(delegate)},
		func(o *s3.Options) { o.Region = region })
	require.NoError(t, err)

	// The access point is made in the bucket's Region.
	cf := s3controlfake.Start(t, &s3controlfake.Options{AccountID: owner, Region: region})
	retry := func(o *s3control.Options) { o.Retryer = aafake.ClosedConnRetryer{} }
	inEU := cf.Client(retry)
	off := aws.Bool(false)
	_, err = inEU.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(owner), Name: aws.String("open"), Bucket: aws.String(bucket),
		PublicAccessBlockConfiguration: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off}})
	require.NoError(t, err)
	apARN := "arn:aws:s3:" + region + ":" + owner + ":accesspoint/open"
	_, err = inEU.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(owner), Name: aws.String("open"),
		Policy: aws.String(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + apARN + `/object/*"}]}`)})
	require.NoError(t, err)

	publicThroughAP := func(t *testing.T, fs []analyzer.Finding) {
		t.Helper()
		for _, f := range fs {
			if f.Public && len(f.Sources) > 0 && f.Sources[0].AccessPointARN == apARN {
				return
			}
		}
		t.Fatalf("no public finding through %s: %+v", apARN, fs)
	}

	for _, ctlRegion := range []string{region, "us-east-1"} {
		t.Run("S3 Control client in "+ctlRegion, func(t *testing.T) {
			ctl := cf.Client(retry, func(o *s3control.Options) { o.Region = ctlRegion })
			opts := &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: ctl, Account: owner}}

			// One bucket, its Region found from S3's answer.
			fs, err := analyzer.AnalyzeBucket(ctx, ownerClient(sf), bucket, opts)
			require.NoError(t, err)
			publicThroughAP(t, fs)

			// Every bucket, each Region from ListBuckets.
			results, err := analyzer.AnalyzeAll(ctx, ownerClient(sf), opts)
			require.NoError(t, err)
			require.Len(t, results, 1)
			require.NoError(t, results[0].Err)
			publicThroughAP(t, results[0].Findings)
		})
	}

	// The bucket's Region's S3 Control endpoint may be elsewhere than the
	// client's (a custom endpoint resolver): a plain-HTTP remote one is
	// refused before any request, as Fetch's S3 requests are, never read
	// as "no access points".
	t.Run("plain HTTP to a remote host in the bucket's Region", func(t *testing.T) {
		remoteOpt, remote := plainhttptest.RemoteControlRegion(region, s3controlfake.LoopbackHTTPClient(cf.Addr))
		ctl := cf.Client(retry, func(o *s3control.Options) { o.Region = "us-east-1" }, remoteOpt)
		opts := &analyzer.FetchOptions{Owner: owner, Control: &analyzer.S3Control{Client: ctl, Account: owner}}
		_, err := analyzer.AnalyzeBucket(ctx, ownerClient(sf), bucket, opts)
		require.ErrorIs(t, err, analyzer.ErrPlainHTTPEndpoint)
		var pe *analyzer.RemotePlainHTTPError
		require.ErrorAs(t, err, &pe)
		assert.Contains(t, pe.Endpoint, "example.net")
		assert.Zero(t, remote.Sent(), "no request went to the remote plain-HTTP host")

		opts.AllowInsecureTransport = true
		fs, err := analyzer.AnalyzeBucket(ctx, ownerClient(sf), bucket, opts)
		require.NoError(t, err)
		publicThroughAP(t, fs)
		assert.Positive(t, remote.Sent())
	})
}
