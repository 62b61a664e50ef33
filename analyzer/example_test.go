package analyzer_test

import (
	"context"
	"fmt"
	"net/http/httptest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// The online path: find the Region's analyzer and list the S3 findings
// that are still active. Here the client talks to the embedded fake, which
// plays an account with one analyzer and two findings; in production pass
// accessanalyzer.NewFromConfig(cfg).
func ExampleListFindings() {
	ctx := context.Background()
	fake := aafake.New(nil)
	srv := httptest.NewServer(fake)
	defer srv.Close()
	client := aafake.NewClient(srv.URL, "us-east-1")

	arn := fake.AddAnalyzer("us-east-1", "console-analyzer", aatypes.TypeAccount)
	_, _ = fake.SeedFinding(arn, aatypes.Finding{
		Resource: aws.String("arn:aws:s3:::website-assets"), IsPublic: aws.Bool(true),
		Principal: map[string]string{"AWS": "*"}, Action: []string{"s3:GetObject"},
		Sources: []aatypes.FindingSource{{Type: aatypes.FindingSourceTypePolicy}},
	})
	_, _ = fake.SeedFinding(arn, aatypes.Finding{
		Resource: aws.String("arn:aws:s3:::shared-reports"), IsPublic: aws.Bool(false),
		Principal: map[string]string{"AWS": "arn:aws:iam::444455556666:role/reader"}, Action: []string{"s3:GetObject"},
		Sources: []aatypes.FindingSource{{Type: aatypes.FindingSourceTypePolicy}},
	})

	a, err := analyzer.EnsureAnalyzer(ctx, client, nil) // finds; never creates unless AllowCreate
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
	// website-assets public [] [s3:GetObject]
	// shared-reports cross-account [444455556666] [s3:GetObject]
}

// The offline path: the same kind of findings computed from the bucket's
// own settings, without Access Analyzer. Here the bucket lives in the
// embedded S3 fake; in production pass s3.NewFromConfig(cfg) and, for the
// account-level Block Public Access and access points, an
// [analyzer.S3Control].
func ExampleAnalyzeBucket() {
	ctx := context.Background()
	fake, _ := s3fake.New(&s3fake.Options{AccountID: "111122223333", CreateBucketState: s3fake.StateLegacy})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	owner := fake.OwnerCredential()
	client := s3fake.NewClient(srv.URL, fake.Region(), nil,
		credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, ""),
		func(o *s3.Options) { o.Retryer = aafake.ClosedConnRetryer{} })

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
// checks run before the policy is written. The fake's check function
// stands in for Access Analyzer's reasoning.
func ExampleGate() {
	fake := aafake.New(&aafake.Options{
		CheckNoPublicAccess: func(policy, _ string) aafake.CheckResult {
			return aafake.CheckResult{Pass: false, Message: "The policy grants public access.",
				Reasons: []aatypes.ReasonSummary{{Description: aws.String("Principal is *"), StatementIndex: aws.Int32(0)}}}
		},
	})
	srv := httptest.NewServer(fake)
	defer srv.Close()
	gate := analyzer.NewGate(aafake.NewClient(srv.URL, "us-east-1"), nil)

	err := gate.CheckPolicy(context.Background(), "team-data",
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::team-data/*"}]}`)
	fmt.Println(err)
	// Output:
	// analyzer: policy allows public access (bucket team-data, CheckNoPublicAccess): statement 0: Principal is *
}
