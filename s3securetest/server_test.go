package s3securetest_test

import (
	"io"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
	"github.com/s3secure/s3secure/s3securetest"
)

// TestConfigServesEveryClient: one Config, every service client the
// package promises, each answering for the owner account.
func TestConfigServesEveryClient(t *testing.T) {
	srv := s3securetest.NewServer(t, nil)
	ctx := t.Context()
	assert.Equal(t, s3securetest.DefaultAccountID, srv.AccountID)
	assert.Equal(t, s3securetest.DefaultRegion, srv.Region())
	assert.True(t, strings.HasPrefix(srv.URL, "https://127.0.0.1:"), srv.URL)
	assert.Equal(t, srv.URL, aws.ToString(srv.Config.BaseEndpoint))

	id, err := sts.NewFromConfig(srv.Config).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	require.NoError(t, err)
	assert.Equal(t, srv.AccountID, aws.ToString(id.Account))

	s3c := s3.NewFromConfig(srv.Config)
	_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("every-client")})
	require.NoError(t, err)
	pab, err := s3c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("every-client")})
	require.NoError(t, err)
	assert.True(t, aws.ToBool(pab.PublicAccessBlockConfiguration.BlockPublicPolicy), "new buckets as AWS makes them today")

	_, err = s3control.NewFromConfig(srv.Config).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(srv.AccountID)})
	assert.Equal(t, "NoSuchPublicAccessBlockConfiguration", errorCode(err))
	_, err = cloudfront.NewFromConfig(srv.Config).ListDistributions(ctx, &cloudfront.ListDistributionsInput{})
	assert.NoError(t, err)
	_, err = cloudtrail.NewFromConfig(srv.Config).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	assert.NoError(t, err)
	_, err = accessanalyzer.NewFromConfig(srv.Config).ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{})
	assert.NoError(t, err)
	_, err = iam.NewFromConfig(srv.Config).ListUsers(ctx, &iam.ListUsersInput{})
	assert.NoError(t, err)
	assert.Equal(t, 1, srv.Count(s3securetest.ServiceIAM, "ListUsers"))
	assert.Equal(t, 1, srv.Count(s3securetest.ServiceS3Control, "GetPublicAccessBlock"))
}

// TestCloseCleansUp: the test's cleanup closes the server and removes its
// CA file; Close twice is fine.
func TestCloseCleansUp(t *testing.T) {
	var srv *s3securetest.Server
	t.Run("inner", func(t *testing.T) {
		srv = s3securetest.NewServer(t, nil)
		pemBytes, err := os.ReadFile(srv.CAFile)
		require.NoError(t, err)
		assert.Contains(t, string(pemBytes), "BEGIN CERTIFICATE")
	})
	_, err := os.Stat(srv.CAFile)
	assert.True(t, os.IsNotExist(err), "the CA file is gone when the test ends")
	_, err = sts.NewFromConfig(srv.Config).GetCallerIdentity(t.Context(), &sts.GetCallerIdentityInput{})
	assert.Error(t, err, "the server is closed")
	assert.NoError(t, srv.Close())
}

func TestOptions(t *testing.T) {
	ctx := t.Context()
	t.Run("legacy and region", func(t *testing.T) {
		srv := s3securetest.NewServer(t, &s3securetest.Options{LegacyBuckets: true, Region: "eu-west-1", AccountID: "999988887777"})
		s3c := s3.NewFromConfig(srv.Config)
		_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("old-style"),
			CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraintEuWest1}})
		require.NoError(t, err)
		_, err = s3c.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("old-style")})
		assert.Equal(t, "NoSuchPublicAccessBlockConfiguration", errorCode(err))
		loc, err := s3c.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String("old-style")})
		require.NoError(t, err)
		assert.Equal(t, "eu-west-1", string(loc.LocationConstraint))
		id, err := sts.NewFromConfig(srv.Config).GetCallerIdentity(ctx, nil)
		require.NoError(t, err)
		assert.Equal(t, "999988887777", aws.ToString(id.Account))
	})
	t.Run("plain HTTP", func(t *testing.T) {
		srv := s3securetest.NewServer(t, &s3securetest.Options{InsecureHTTP: true})
		assert.True(t, strings.HasPrefix(srv.URL, "http://"))
		assert.Empty(t, srv.CAFile)
		_, err := s3.NewFromConfig(srv.Config).ListBuckets(ctx, &s3.ListBucketsInput{})
		assert.NoError(t, err)
	})
	t.Run("clock", func(t *testing.T) {
		start := time.Now().Add(-time.Minute)
		srv := s3securetest.NewServer(t, &s3securetest.Options{Now: func() time.Time { return start }})
		assert.Equal(t, start, srv.Now())
		s3c := s3.NewFromConfig(srv.Config)
		_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("clocked")})
		require.NoError(t, err)
		_, err = s3c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("clocked"), Key: aws.String("k"), Body: strings.NewReader("v")})
		require.NoError(t, err)
		p, err := presign.New(srv.Config, &presign.Options{Now: srv.Now})
		require.NoError(t, err)
		req, err := p.Get(ctx, "clocked", "k", &presign.GetOptions{Expires: time.Minute})
		require.NoError(t, err)
		get := func() int {
			resp, err := srv.Client().Get(req.URL)
			require.NoError(t, err)
			_, _ = io.Copy(io.Discard, resp.Body)
			require.NoError(t, resp.Body.Close())
			return resp.StatusCode
		}
		assert.Equal(t, http.StatusOK, get())
		srv.Advance(61 * time.Second)
		assert.Equal(t, http.StatusForbidden, get(), "expired on the server's clock")
	})
	t.Run("latency", func(t *testing.T) {
		srv := s3securetest.NewServer(t, &s3securetest.Options{Latency: 30 * time.Millisecond})
		began := time.Now()
		_, err := sts.NewFromConfig(srv.Config).GetCallerIdentity(ctx, nil)
		require.NoError(t, err)
		assert.GreaterOrEqual(t, time.Since(began), 30*time.Millisecond)
	})
	t.Run("invalid", func(t *testing.T) {
		_, err := s3securetest.Start(&s3securetest.Options{AccountID: "12"})
		require.Error(t, err)
		assert.True(t, strings.HasPrefix(err.Error(), "s3securetest: "), err.Error())
		assert.NotContains(t, err.Error(), "localaws")
	})
}

func TestUsersAccountsAndFaults(t *testing.T) {
	srv := s3securetest.NewServer(t, nil)
	ctx := t.Context()
	alice, err := srv.AddUser("", "alice")
	require.NoError(t, err)
	id, err := sts.NewFromConfig(alice).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:iam::111122223333:user/alice", aws.ToString(id.Arn))

	_, err = srv.AddUser("444455556666", "bob")
	assert.Error(t, err, "no such account yet")
	_, err = srv.AddAccount("444455556666")
	require.NoError(t, err)
	_, err = srv.AddAccount("444455556666")
	assert.Error(t, err)
	bob, err := srv.AddUser("444455556666", "bob")
	require.NoError(t, err)
	id, err = sts.NewFromConfig(bob).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:iam::444455556666:user/bob", aws.ToString(id.Arn))

	require.NoError(t, srv.InjectFault(s3securetest.ServiceCloudTrail, "DescribeTrails", s3securetest.Fault{Code: "ThrottlingException", Times: 1}))
	_, err = cloudtrail.NewFromConfig(srv.Config).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	assert.Equal(t, "ThrottlingException", errorCode(err))
	_, err = cloudtrail.NewFromConfig(srv.Config).DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{})
	assert.NoError(t, err, "Times: 1")
	require.NoError(t, srv.InjectFault(s3securetest.ServiceSTS, "GetCallerIdentity", s3securetest.Fault{Code: "Throttling", Status: 400}))
	_, err = sts.NewFromConfig(srv.Config).GetCallerIdentity(ctx, nil)
	assert.Equal(t, "Throttling", errorCode(err))
	require.NoError(t, srv.InjectFault(s3securetest.ServiceSTS, "GetCallerIdentity", s3securetest.Fault{}))
	_, err = sts.NewFromConfig(srv.Config).GetCallerIdentity(ctx, nil)
	assert.NoError(t, err, "an empty Code clears the fault")
	assert.Error(t, srv.InjectFault("dynamodb", "GetItem", s3securetest.Fault{Code: "InternalError"}))
	assert.Zero(t, srv.Count("dynamodb", "GetItem"))
}

// TestMultiRegionAccessPointsOnlyInUSWest2: S3 Control serves the
// Multi-Region Access Point operations in us-west-2 only, as AWS does, and
// the SDK's client does not send them there by itself.
func TestMultiRegionAccessPointsOnlyInUSWest2(t *testing.T) {
	srv := s3securetest.NewServer(t, nil)
	ctl := s3control.NewFromConfig(srv.Config)
	in := &s3control.ListMultiRegionAccessPointsInput{AccountId: aws.String(srv.AccountID)}
	_, err := ctl.ListMultiRegionAccessPoints(t.Context(), in)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "PermanentRedirect")
	_, err = ctl.ListMultiRegionAccessPoints(t.Context(), in, func(o *s3control.Options) { o.Region = "us-west-2" })
	assert.NoError(t, err)
}

// TestServerClockInDate: every answer's Date is the server's clock, as
// AWS's is AWS's. After an Advance past S3's 15 minutes of skew, an SDK
// client's next request is refused (RequestTimeTooSkewed; the Config's
// retryer retries no service error), the SDK takes its clock offset from
// that answer's Date, and its later requests succeed.
func TestServerClockInDate(t *testing.T) {
	srv := s3securetest.NewServer(t, nil)
	client := s3.NewFromConfig(srv.Config)
	ctx := t.Context()
	_, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)

	srv.Advance(2 * time.Hour)
	_, err = client.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "RequestTimeTooSkewed")
	for range 2 {
		_, err = client.ListBuckets(ctx, &s3.ListBucketsInput{})
		require.NoError(t, err, "the client signs with the offset the refusal's Date gave")
	}

	resp, err := srv.Client().Get(srv.URL + "/")
	require.NoError(t, err)
	resp.Body.Close()
	date, err := http.ParseTime(resp.Header.Get("Date"))
	require.NoError(t, err)
	assert.WithinDuration(t, srv.Now(), date, 2*time.Second)
	assert.Greater(t, time.Until(date), time.Hour, "the server's clock, not the wall clock")
}

// TestAdvanceWithinSkewAndBack holds Advance's doc: a step of a few
// minutes passes a short presigned URL's expiry while SDK clients go on
// working, and a negative step moves the clock back.
func TestAdvanceWithinSkewAndBack(t *testing.T) {
	srv := s3securetest.NewServer(t, nil)
	client := s3.NewFromConfig(srv.Config)
	ctx := t.Context()
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("advance-demo")})
	require.NoError(t, err)
	_, err = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("advance-demo"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	url, err := s3.NewPresignClient(client).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("advance-demo"), Key: aws.String("k")},
		s3.WithPresignExpires(time.Minute))
	require.NoError(t, err)
	get := func() int {
		resp, err := srv.Client().Get(url.URL)
		require.NoError(t, err)
		resp.Body.Close()
		return resp.StatusCode
	}
	require.Equal(t, http.StatusOK, get())

	before := srv.Now()
	srv.Advance(3 * time.Minute)
	assert.Equal(t, http.StatusForbidden, get(), "past the URL's expiry")
	_, err = client.ListBuckets(ctx, &s3.ListBucketsInput{})
	assert.NoError(t, err, "within S3's 15 minutes of skew, the SDK's requests are not refused")

	srv.Advance(-3 * time.Minute)
	assert.WithinDuration(t, before, srv.Now(), 5*time.Second, "a negative step moves the clock back")
	assert.Equal(t, http.StatusOK, get(), "back before the URL's expiry")
}
