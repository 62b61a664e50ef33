package securebucket_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// exampleAccount starts the embedded S3 and S3 Control fakes of one account
// and returns their clients. Against AWS, use s3.NewFromConfig and
// s3control.NewFromConfig instead.
func exampleAccount() (s3c *s3.Client, ctl *s3controlfake.TestServer, s3f *s3fake.Server, stop func()) {
	s3f, err := s3fake.New(nil)
	if err != nil {
		panic(err)
	}
	s3srv := httptest.NewServer(s3f)
	owner := s3f.OwnerCredential()
	s3c = s3fake.NewClient(s3srv.URL, s3f.Region(), nil, credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, ""))
	fake := s3controlfake.New(&s3controlfake.Options{S3: s3f})
	ctlsrv := httptest.NewServer(fake)
	ctl = &s3controlfake.TestServer{Server: fake, URL: ctlsrv.URL, Addr: ctlsrv.Listener.Addr().String()}
	return s3c, ctl, s3f, func() { ctlsrv.Close(); s3srv.Close() }
}

// Turning on account-level Block Public Access affects every bucket: the
// plan names the buckets that are public today, and applying refuses
// until the caller accepts cutting them off.
func ExampleSetAccountPublicAccessBlock() {
	ctx := context.Background()
	s3c, ctl, s3f, stop := exampleAccount()
	defer stop()
	account := s3f.AccountID()

	// A legacy bucket that serves a public website through its policy.
	_ = s3f.CreateBucket("website", s3fake.StateLegacy)
	_, _ = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("website"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::website/*"}]}`)})

	fmt.Println(securebucket.AuditAccountPublicAccessBlock(ctx, ctl.Client(), account).Status)
	plan, err := securebucket.SetAccountPublicAccessBlock(ctx, ctl.Client(), s3c, account, nil)
	fmt.Println(errors.Is(err, securebucket.ErrBucketsRelyOnPublicAccess))
	fmt.Println(plan)

	// DANGER: AllowBlockingPublicBuckets takes the website offline. Move
	// it behind CloudFront (package cloudfront) first.
	err = securebucket.ApplyAccountPublicAccessBlock(ctx, ctl.Client(), plan, &securebucket.AccountPublicAccessBlockOptions{AllowBlockingPublicBuckets: true})
	fmt.Println(err)
	fmt.Println(securebucket.AuditAccountPublicAccessBlock(ctx, ctl.Client(), account).Status)
	// Output:
	// FAIL
	// true
	// account 111122223333: turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets (applies to every bucket in every Region)
	//   bucket website relies on public access: policy statement 0 "PublicRead": Principal "*" without a condition that limits it to fixed values
	// <nil>
	// PASS
}

// An access point per application: VPC-only, Block Public Access on, a
// least-privilege policy for one role, and the bucket policy delegating
// access control to the account's access points.
func ExampleCreateAccessPoint() {
	ctx := context.Background()
	s3c, ctl, s3f, stop := exampleAccount()
	defer stop()
	_ = s3f.CreateBucket("data", s3fake.StateAWSDefault)

	res, err := securebucket.CreateAccessPoint(ctx, ctl.Client(), s3c, s3f.AccountID(), s3f.Region(), "data", "reports-app",
		&securebucket.AccessPointOptions{
			VPCID:     "vpc-0a1b2c3d",
			Principal: "arn:aws:iam::111122223333:role/reports",
			Access:    securebucket.AccessPointRead,
			Prefix:    "reports/",
		})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(res.ARN, res.NetworkOrigin, res.Created)
	fmt.Println(strings.Join(res.Policy.Sids(), " "))
	fmt.Println(res.BucketPolicyChanged)

	rs, _ := securebucket.AuditAccessPoints(ctx, ctl.Client(), s3f.AccountID(), nil)
	for _, r := range rs {
		fmt.Println(r.Control, r.Status)
	}
	// Output:
	// arn:aws:s3:us-east-1:111122223333:accesspoint/reports-app VPC true
	// S3SecureAccessPointRead S3SecureAccessPointList
	// true
	// S3.19 PASS
	// S3Secure.AccessPointNetworkOrigin PASS
	// S3Secure.AccessPointPolicy PASS
}

// Object-level logging (Security Hub S3.22 and S3.23): audit, plan (the
// plan says what will be logged, and that it is billed), apply.
func ExamplePlanDataEvents() {
	ctx := context.Background()
	srv := httptest.NewServer(cloudtrailfake.New(nil))
	defer srv.Close()
	ct := cloudtrailfake.NewClient(srv.URL, "us-east-1")
	_, _ = ct.CreateTrail(ctx, &cloudtrail.CreateTrailInput{Name: aws.String("main"), S3BucketName: aws.String("trail-logs"), IsMultiRegionTrail: aws.Bool(true)})
	_, _ = ct.StartLogging(ctx, &cloudtrail.StartLoggingInput{Name: aws.String("main")})

	plan, err := securebucket.PlanDataEvents(ctx, ct, "main", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(plan)
	if err := securebucket.ApplyDataEvents(ctx, ct, plan); err != nil {
		fmt.Println(err)
		return
	}
	rs, _ := securebucket.AuditDataEvents(ctx, ct, nil)
	for _, r := range rs {
		fmt.Println(r.Control, r.Status, r.Message)
	}
	// Output:
	// trail arn:aws:cloudtrail:us-east-1:111122223333:trail/main: will log S3 object-level read and write data events for all buckets in the account. CloudTrail charges for data events per event delivered (see https://aws.amazon.com/cloudtrail/pricing/); busy buckets produce many events.
	// S3.22 PASS multi-Region trail main logs S3 object-level write events for all buckets
	// S3.23 PASS multi-Region trail main logs S3 object-level read events for all buckets
}
