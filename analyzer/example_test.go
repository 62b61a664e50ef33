package analyzer_test

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/s3securetest"
)

// The online path: find the Region's analyzer and list the S3 findings
// that are still active. Here the client talks to the in-memory AWS of
// package s3securetest, whose Access Analyzer analyzes the account's
// buckets as AWS does (when the analyzer is created, and after every
// change); in production pass accessanalyzer.NewFromConfig(cfg).
func ExampleListFindings() {
	ctx := context.Background()
	srv, err := s3securetest.Start(&s3securetest.Options{LegacyBuckets: true}) // in a test: s3securetest.NewServer(t, opts)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	s3c, client := s3.NewFromConfig(srv.Config), accessanalyzer.NewFromConfig(srv.Config)
	for bucket, principal := range map[string]string{"website-assets": `"*"`, "shared-reports": `{"AWS":"arn:aws:iam::444455556666:role/reader"}`} {
		_, _ = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		_, _ = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":` + principal + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`)})
	}

	// DANGER: AllowCreate changes the account. Without it EnsureAnalyzer
	// only finds an analyzer.
	a, err := analyzer.EnsureAnalyzer(ctx, client, &analyzer.EnsureOptions{AllowCreate: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	findings, err := analyzer.ListFindings(ctx, client, a, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Println(f.Bucket, f.Kind, f.Accounts, f.Actions)
	}
	// Output:
	// shared-reports cross-account [444455556666] [s3:GetObject]
	// website-assets public [] [s3:GetObject]
}

// The offline path: the same kind of findings computed from the bucket's
// own settings, without Access Analyzer. Here the bucket lives in the
// in-memory AWS of package s3securetest; in production pass
// s3.NewFromConfig(cfg) and, for the
// account-level Block Public Access and access points, an
// [analyzer.S3Control].
func ExampleAnalyzeBucket() {
	ctx := context.Background()
	srv, err := s3securetest.Start(&s3securetest.Options{LegacyBuckets: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	client := s3.NewFromConfig(srv.Config)

	_, _ = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("team-data")})
	_, _ = client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("team-data"), Policy: aws.String(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "Org", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
	     "Resource": "arn:aws:s3:::team-data/*",
	     "Condition": {"StringEquals": {"aws:PrincipalOrgID": "o-a1b2c3d4e5"}}},
	    {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:ListBucket",
	     "Resource": "arn:aws:s3:::team-data"}
	  ]
	}`)})

	findings, err := analyzer.AnalyzeBucket(ctx, client, "team-data", &analyzer.FetchOptions{Owner: "111122223333"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Println(f.Sid, f.Kind, f.Public, f.Organization, f.Accounts, f.Actions)
	}
	// Output:
	// Org organization false o-a1b2c3d4e5 [] [s3:GetObject]
	// Partner cross-account false  [444455556666] [s3:ListBucket]
}

// A pre-flight gate for bucket policies: Access Analyzer's custom policy
// checks run before the policy is written. The in-memory AWS of package
// s3securetest judges public access with S3's definition (package policy);
// in production pass accessanalyzer.NewFromConfig(cfg).
func ExampleGate() {
	srv, err := s3securetest.Start(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	gate := analyzer.NewGate(accessanalyzer.NewFromConfig(srv.Config), nil)

	err = gate.CheckPolicy(context.Background(), "team-data",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::team-data/*"}]}`)
	fmt.Println(err)
	// Output:
	// analyzer: policy allows public access (bucket team-data, CheckNoPublicAccess): statement 0: Principal "*" without a condition that limits it to fixed values
}

// A Multi-Region Access Point is analyzed as an access point: here the
// bucket delegates access control to its account's access points (the
// usual s3:DataAccessPointAccount statement), which also lets requests
// through the account's Multi-Region Access Points, and one of them was
// created with Block Public Access off and given a public policy. With an
// [analyzer.S3Control], Fetch reads the Multi-Region Access Points in
// front of the bucket (in us-west-2, the only Region that serves them).
func ExampleS3Control_MultiRegionAccessPoints() {
	ctx := context.Background()
	srv, err := s3securetest.Start(&s3securetest.Options{LegacyBuckets: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	client, control := s3.NewFromConfig(srv.Config), s3control.NewFromConfig(srv.Config)
	account := "111122223333"
	inOregon := func(o *s3control.Options) { o.Region = "us-west-2" }

	_, _ = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("global-data")})
	_, _ = client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("global-data"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*",` +
			`"Resource":["arn:aws:s3:::global-data","arn:aws:s3:::global-data/*"],` +
			`"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + account + `"}}}]}`)})
	// DANGER: Block Public Access off, and it can never be turned on for
	// this Multi-Region Access Point.
	off := aws.Bool(false)
	_, _ = control.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(account),
		Details: &s3ctypes.CreateMultiRegionAccessPointInput{Name: aws.String("global"), Regions: []s3ctypes.Region{{Bucket: aws.String("global-data")}},
			PublicAccessBlock: &s3ctypes.PublicAccessBlockConfiguration{BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off}}}, inOregon)
	m, err := control.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: aws.String(account), Name: aws.String("global")}, inOregon)
	if err != nil {
		fmt.Println(err)
		return
	}
	arn := "arn:aws:s3::" + account + ":accesspoint/" + aws.ToString(m.AccessPoint.Alias)
	_, _ = control.PutMultiRegionAccessPointPolicy(ctx, &s3control.PutMultiRegionAccessPointPolicyInput{AccountId: aws.String(account),
		Details: &s3ctypes.PutMultiRegionAccessPointPolicyInput{Name: aws.String("global"), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + arn + `/object/*"}]}`)}}, inOregon)

	findings, err := analyzer.AnalyzeBucket(ctx, client, "global-data", &analyzer.FetchOptions{
		Owner: account, Control: &analyzer.S3Control{Client: control, Account: account},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, f := range findings {
		fmt.Println(f.Kind, f.Actions, f.Sources[0].Type, f.Sources[0].AccessPointARN == arn)
	}
	// Output:
	// public [s3:GetObject] S3_ACCESS_POINT true
}
