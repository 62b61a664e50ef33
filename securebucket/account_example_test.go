package securebucket_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

// Turning on account-level Block Public Access affects every bucket: the
// plan names the buckets that are public today, and applying refuses
// until the caller accepts cutting them off.
func ExampleSetAccountPublicAccessBlock() {
	ctx := context.Background()
	srv, s3c, err := startAWS(true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctl := s3control.NewFromConfig(srv.Config) // against AWS: s3control.NewFromConfig(cfg)
	account := srv.AccountID

	// A legacy bucket that serves a public website through its policy.
	createBucket(ctx, s3c, "website")
	_, _ = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("website"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::website/*"}]}`)})

	fmt.Println(securebucket.AuditAccountPublicAccessBlock(ctx, ctl, account).Status)
	plan, err := securebucket.SetAccountPublicAccessBlock(ctx, ctl, s3c, account, nil)
	fmt.Println(errors.Is(err, securebucket.ErrBucketsRelyOnPublicAccess))
	fmt.Println(plan)

	// DANGER: AllowBlockingPublicBuckets takes the website offline. Move
	// it behind CloudFront (package cloudfront) first.
	err = securebucket.ApplyAccountPublicAccessBlock(ctx, ctl, plan, &securebucket.AccountPublicAccessBlockOptions{AllowBlockingPublicBuckets: true})
	fmt.Println(err)
	fmt.Println(securebucket.AuditAccountPublicAccessBlock(ctx, ctl, account).Status)
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
	srv, s3c, err := startAWS(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctl := s3control.NewFromConfig(srv.Config)
	createBucket(ctx, s3c, "data") // Block Public Access on, as AWS creates buckets today

	res, err := securebucket.CreateAccessPoint(ctx, ctl, s3c, srv.AccountID, srv.Region(), "data", "reports-app",
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

	rs, _ := securebucket.AuditAccessPoints(ctx, ctl, srv.AccountID, nil)
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
	srv, err := s3securetest.Start(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ct := cloudtrail.NewFromConfig(srv.Config) // against AWS: cloudtrail.NewFromConfig(cfg)
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

// Security Hub S3.24: one result per Multi-Region Access Point, FAIL when
// any of its Block Public Access settings is off. The settings cannot be
// changed after creation, so a failing one must be replaced. The calls go
// to us-west-2, the only Region that serves Multi-Region Access Points,
// whatever the client's Region.
func ExampleAuditMultiRegionAccessPoints() {
	ctx := context.Background()
	srv, s3c, err := startAWS(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	ctl := s3control.NewFromConfig(srv.Config) // against AWS: s3control.NewFromConfig(cfg)
	account := srv.AccountID

	rs, _ := securebucket.AuditMultiRegionAccessPoints(ctx, ctl, account, nil)
	fmt.Println(rs[0].Status, rs[0].Message)

	createBucket(ctx, s3c, "global-data")
	// DANGER: a Multi-Region Access Point created with RestrictPublicBuckets
	// off can never have it turned on.
	_, _ = ctl.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(account),
		Details: &s3ctltypes.CreateMultiRegionAccessPointInput{Name: aws.String("global"), Regions: []s3ctltypes.Region{{Bucket: aws.String("global-data")}},
			PublicAccessBlock: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true),
				BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(false)}}},
		func(o *s3control.Options) { o.Region = "us-west-2" })
	rs, _ = securebucket.AuditMultiRegionAccessPoints(ctx, ctl, account, nil)
	for _, r := range rs {
		fmt.Println(r.Control, r.Status, strings.HasSuffix(r.Resource, ".mrap"), r.Message)
	}
	// Output:
	// NOT_APPLICABLE no Multi-Region Access Points (Security Hub reports S3.24 per Multi-Region Access Point)
	// S3.24 FAIL true Block Public Access off: RestrictPublicBuckets; it cannot be changed after creation: replace the Multi-Region Access Point
}
