package securebucket_test

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

// startAWS starts the in-memory AWS of package s3securetest and returns a
// client for its owner account. With legacy, buckets created through the
// API start with nothing configured, as buckets from before 2023 do. In a
// test, use s3securetest.NewServer(t, opts); against AWS, use
// s3.NewFromConfig with the configuration from config.LoadDefaultConfig.
func startAWS(legacy bool) (*s3securetest.Server, *s3.Client, error) {
	srv, err := s3securetest.Start(&s3securetest.Options{LegacyBuckets: legacy})
	if err != nil {
		return nil, nil, err
	}
	return srv, s3.NewFromConfig(srv.Config), nil
}

// createBucket creates a bucket through the API.
func createBucket(ctx context.Context, client *s3.Client, name string) {
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(name)}); err != nil {
		panic(err)
	}
}

func ExampleHarden() {
	ctx := context.Background()
	srv, client, err := startAWS(true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	// A bucket from before 2023 that nobody configured.
	createBucket(ctx, client, "example-legacy")

	res, err := securebucket.Harden(ctx, client, "example-legacy", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Steps {
		fmt.Printf("%-20s %-7s %s\n", s.Name, s.Action, s.Detail)
	}

	// Harden again: nothing left to change.
	res, _ = securebucket.Harden(ctx, client, "example-legacy", nil)
	fmt.Println("changed on the second run:", res.Changed())
	// Output:
	// public-access-block  create  turn on BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets
	// ownership-controls   create  set Object Ownership to BucketOwnerEnforced (was not set, ACLs enabled)
	// encryption           create  set default encryption to SSE-S3; block SSE-C
	// versioning           create  enable versioning (was never enabled)
	// lifecycle            create  add rule S3SecureAbortIncompleteMultipartUploads (abort incomplete multipart uploads after 7 days)
	// bucket-policy        create  add S3SecureDenyInsecureTransport; add S3SecureDenyOutdatedTLS
	// changed on the second run: false
}

func ExamplePlan() {
	ctx := context.Background()
	srv, client, err := startAWS(true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	createBucket(ctx, client, "example-site") // nothing configured, as before 2023
	_, _ = client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("example-site"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::example-site/*"}]}`)})

	// Plan only reads. The public statement is kept by default and
	// reported: Block Public Access neutralises it from the first step on,
	// and BlockPublicPolicy follows the policy, which S3 would otherwise
	// refuse to store.
	plan, err := securebucket.Plan(ctx, client, "example-site", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range plan.Steps {
		switch s.Name {
		case securebucket.StepBlockPublicAccess, securebucket.StepBlockPublicPolicy:
			fmt.Println(s.Name, s.Action, s.Detail)
		case securebucket.StepPolicy:
			fmt.Println(s.Name, s.Action, s.Detail)
			fmt.Println(s.Notes[0])
		}
	}
	fmt.Println("changes:", len(plan.Changes()))
	// Output:
	// public-access-block create turn on BlockPublicAcls, IgnorePublicAcls, RestrictPublicBuckets
	// bucket-policy update add S3SecureDenyInsecureTransport; add S3SecureDenyOutdatedTLS
	// kept public statements "PublicRead": Block Public Access neutralises them; AllowPublicStatementRemoval removes them
	// block-public-policy update turn on BlockPublicPolicy (after the bucket policy)
	// changes: 7
}

func ExampleAudit() {
	ctx := context.Background()
	srv, client, err := startAWS(true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	createBucket(ctx, client, "example-audit") // nothing configured, as before 2023

	show := func() {
		rep, err := securebucket.Audit(ctx, client, "example-audit", nil)
		if err != nil {
			fmt.Println(err)
			return
		}
		for _, r := range rep.Results {
			fmt.Printf("%-31s %-14s %s\n", r.Control, r.Status, r.Severity)
		}
	}
	show()
	_, _ = securebucket.Harden(ctx, client, "example-audit", nil)
	fmt.Println("after Harden:")
	show()
	// Output:
	// S3.2                            PASS           CRITICAL
	// S3.3                            PASS           CRITICAL
	// S3.5                            FAIL           MEDIUM
	// S3Secure.DenyOutdatedTLS        FAIL           MEDIUM
	// S3.6                            PASS           HIGH
	// S3Secure.ServicePrincipalScoped NOT_APPLICABLE HIGH
	// S3.8                            FAIL           HIGH
	// S3.12                           FAIL           MEDIUM
	// S3Secure.SSECBlocked            FAIL           MEDIUM
	// S3.14                           FAIL           LOW
	// S3.13                           FAIL           LOW
	// S3.10                           NOT_APPLICABLE MEDIUM
	// after Harden:
	// S3.2                            PASS           CRITICAL
	// S3.3                            PASS           CRITICAL
	// S3.5                            PASS           MEDIUM
	// S3Secure.DenyOutdatedTLS        PASS           MEDIUM
	// S3.6                            PASS           HIGH
	// S3Secure.ServicePrincipalScoped PASS           HIGH
	// S3.8                            PASS           HIGH
	// S3.12                           PASS           MEDIUM
	// S3Secure.SSECBlocked            PASS           MEDIUM
	// S3.14                           PASS           LOW
	// S3.13                           PASS           LOW
	// S3.10                           PASS           MEDIUM
}

func ExampleOptions_allowPublicAccess() {
	ctx := context.Background()
	srv, client, err := startAWS(true)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	createBucket(ctx, client, "example-website") // nothing configured, as before 2023

	// DANGER: AllowPublicAccess leaves Block Public Access off, so a public
	// policy statement or ACL grant exposes the objects to the internet.
	// Use it only for a bucket that must serve the public directly, and
	// prefer CloudFront with Origin Access Control instead.
	o := &securebucket.Options{AllowPublicAccess: true}
	res, err := securebucket.Harden(ctx, client, "example-website", o)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Steps {
		if s.Name == securebucket.StepBlockPublicAccess {
			fmt.Println(s.Action, s.Detail)
		}
	}
	// Output:
	// none left as is (AllowPublicAccess); off: BlockPublicAcls, IgnorePublicAcls, BlockPublicPolicy, RestrictPublicBuckets
}

func ExampleCreate() {
	ctx := context.Background()
	srv, client, err := startAWS(false)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()

	res, err := securebucket.Create(ctx, client, "example-new-bucket", &securebucket.Options{Region: "us-east-1"})
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, s := range res.Steps {
		fmt.Printf("%-20s %-7s %s\n", s.Name, s.Action, s.Detail)
	}

	// Bucket names are global: another account already has this one.
	other, _ := srv.AddAccount("444455556666")
	createBucket(ctx, s3.NewFromConfig(other), "example-taken")
	_, err = securebucket.Create(ctx, client, "example-taken", nil)
	fmt.Println(errors.Is(err, securebucket.ErrBucketAlreadyExists))
	// Output:
	// create               create  create bucket in us-east-1 with ACLs disabled, then Block Public Access switched on
	// public-access-block  none    all four Block Public Access settings are on
	// ownership-controls   none    BucketOwnerEnforced: ACLs are disabled
	// encryption           none    default encryption SSE-S3
	// versioning           create  enable versioning (was never enabled)
	// lifecycle            create  add rule S3SecureAbortIncompleteMultipartUploads (abort incomplete multipart uploads after 7 days)
	// bucket-policy        create  add S3SecureDenyInsecureTransport; add S3SecureDenyOutdatedTLS
	// true
}

// Harden refuses a plain-HTTP endpoint before sending anything: the bucket
// policy it writes denies requests without TLS, so its own next request
// would be refused and the bucket left half hardened.
func ExampleHarden_plainHTTP() {
	ctx := context.Background()
	// DANGER: InsecureHTTP serves plain HTTP; it is only for tests.
	srv, err := s3securetest.Start(&s3securetest.Options{InsecureHTTP: true, LegacyBuckets: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	client := s3.NewFromConfig(srv.Config)
	createBucket(ctx, client, "example-plain")

	_, err = securebucket.Harden(ctx, client, "example-plain", nil)
	fmt.Println(errors.Is(err, securebucket.ErrPlainHTTPEndpoint))

	// DANGER: AllowInsecureTransport leaves the TLS-only statement out, so
	// requests to the bucket may travel unencrypted. Use it for a local
	// test server only, never against AWS.
	_, err = securebucket.Harden(ctx, client, "example-plain", &securebucket.Options{AllowInsecureTransport: true})
	fmt.Println(err)
	// Output:
	// true
	// <nil>
}
