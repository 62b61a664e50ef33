package s3fake_test

import (
	"context"
	"errors"
	"fmt"
	"net/http/httptest"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// Example runs the fake as a plain http.Handler (as the CLI's serve command
// does) and shows the two bucket states and an anonymous read refused.
func Example() {
	ctx := context.Background()
	srv := s3fake.MustNew(nil)
	hs := httptest.NewServer(srv)
	defer hs.Close()

	// The owner's credentials are fixed defaults; they are fake and only
	// valid against this process.
	owner := srv.OwnerCredential()
	client := s3fake.NewClient(hs.URL, srv.Region(), hs.Client(),
		credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, ""))

	// A bucket created through the API has today's AWS defaults.
	_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("new-bucket")})
	if err != nil {
		fmt.Println(err)
		return
	}
	pab, err := client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("new-bucket")})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("new bucket BlockPublicPolicy:", *pab.PublicAccessBlockConfiguration.BlockPublicPolicy)

	// A seeded legacy bucket has nothing configured, and says so with S3's codes.
	if err := srv.CreateBucket("old-bucket", s3fake.StateLegacy); err != nil {
		fmt.Println(err)
		return
	}
	_, err = client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("old-bucket")})
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		fmt.Println("old bucket:", apiErr.ErrorCode())
	}

	// Unsigned requests are anonymous and refused by the default authorizer.
	anon := s3fake.NewClient(hs.URL, srv.Region(), hs.Client(), aws.AnonymousCredentials{})
	_, err = anon.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("old-bucket")})
	if errors.As(err, &apiErr) {
		fmt.Println("anonymous:", apiErr.ErrorCode())
	}
	fmt.Println("requests:", srv.TotalCount(), "writes:", srv.WriteCount())
	// Output:
	// new bucket BlockPublicPolicy: true
	// old bucket: NoSuchPublicAccessBlockConfiguration
	// anonymous: AccessDenied
	// requests: 4 writes: 1
}

// ExampleServer_InjectFault makes the next PutBucketPolicy fail with 409
// OperationAborted, as S3 does right after bucket creation.
func ExampleServer_InjectFault() {
	ctx := context.Background()
	srv := s3fake.MustNew(nil)
	hs := httptest.NewServer(srv)
	defer hs.Close()
	owner := srv.OwnerCredential()
	client := s3fake.NewClient(hs.URL, srv.Region(), hs.Client(),
		credentials.NewStaticCredentialsProvider(owner.AccessKeyID, owner.SecretAccessKey, ""))
	_ = srv.CreateBucket("busy-bucket", s3fake.StateAWSDefault)

	srv.InjectFault("PutBucketPolicy", s3fake.Fault{Code: s3fake.FaultOperationAborted, Count: 1})
	policy := `{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*",` +
		`"Resource":"arn:aws:s3:::busy-bucket/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	for attempt := 1; attempt <= 2; attempt++ {
		_, err := client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("busy-bucket"), Policy: aws.String(policy)})
		var apiErr smithy.APIError
		if errors.As(err, &apiErr) {
			fmt.Println("attempt", attempt, apiErr.ErrorCode())
			continue
		}
		fmt.Println("attempt", attempt, "ok")
	}
	fmt.Println("PutBucketPolicy requests:", srv.Count("PutBucketPolicy"))
	// Output:
	// attempt 1 OperationAborted
	// attempt 2 ok
	// PutBucketPolicy requests: 2
}
