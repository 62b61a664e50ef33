package s3securetest_test

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

// errorCode returns the AWS error code of err, or "".
func errorCode(err error) string {
	var ae smithy.APIError
	if errors.As(err, &ae) {
		return ae.ErrorCode()
	}
	return ""
}

// In a test, start the server with s3securetest.NewServer(t, opts), which
// fails the test if it cannot start and closes it when the test ends.
// Outside tests, as here, use Start and Close.
func ExampleStart() {
	ctx := context.Background()
	srv, err := s3securetest.Start(&s3securetest.Options{LegacyBuckets: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	client := s3.NewFromConfig(srv.Config) // in production: s3.NewFromConfig(cfg) from config.LoadDefaultConfig

	// A bucket as many old ones look: nothing configured, a public-read policy.
	_, _ = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("team-reports")})
	_, _ = client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("team-reports"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Sid":"PublicRead","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::team-reports/*"}]}`)})
	_, _ = client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("team-reports"), Key: aws.String("q3.csv"), Body: strings.NewReader("q3,1200\n")})

	// Anyone on the internet, as the server sees them: unsigned requests.
	anonymous := srv.Config.Copy()
	anonymous.Credentials = aws.AnonymousCredentials{}
	read := func() string {
		_, err := s3.NewFromConfig(anonymous).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("team-reports"), Key: aws.String("q3.csv")})
		if err != nil {
			return errorCode(err)
		}
		return "read"
	}
	fmt.Println("before:", read())
	if _, err := securebucket.Harden(ctx, client, "team-reports", nil); err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("after Harden:", read())
	// Output:
	// before: read
	// after Harden: AccessDenied
}

// Each account has its own services and credentials; bucket names are
// global, and another account's bucket is reached only as its policy
// allows.
func ExampleServer_AddAccount() {
	ctx := context.Background()
	srv, err := s3securetest.Start(nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	partner, err := srv.AddAccount("444455556666")
	if err != nil {
		fmt.Println(err)
		return
	}
	id, _ := sts.NewFromConfig(partner).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	fmt.Println(aws.ToString(id.Account), aws.ToString(id.Arn))

	_, _ = s3.NewFromConfig(srv.Config).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("owner-data")})
	_, err = s3.NewFromConfig(partner).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("owner-data")})
	fmt.Println("partner lists owner-data:", errorCode(err))
	_, err = s3.NewFromConfig(partner).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("owner-data")})
	fmt.Println("partner creates owner-data:", errorCode(err))
	// Output:
	// 444455556666 arn:aws:iam::444455556666:root
	// partner lists owner-data: AccessDenied
	// partner creates owner-data: BucketAlreadyExists
}

// Inject faults to test how code copes with throttling and refusals, and
// count the requests it made.
func ExampleServer_InjectFault() {
	ctx := context.Background()
	srv, err := s3securetest.Start(&s3securetest.Options{LegacyBuckets: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	client := s3.NewFromConfig(srv.Config)
	_, _ = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("busy-bucket")})
	_, _ = client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("locked-bucket")})

	// Two throttled answers: Harden backs off, retries and succeeds.
	_ = srv.InjectFault(s3securetest.ServiceS3, "PutBucketVersioning", s3securetest.Fault{Code: "SlowDown", Times: 2})
	_, err = securebucket.Harden(ctx, client, "busy-bucket", nil)
	fmt.Println(err, srv.Count(s3securetest.ServiceS3, "PutBucketVersioning"))

	// A refusal is not retried: Harden stops and says where.
	_ = srv.InjectFault(s3securetest.ServiceS3, "PutBucketPolicy", s3securetest.Fault{Code: "AccessDenied", Status: 403})
	_, err = securebucket.Harden(ctx, client, "locked-bucket", nil)
	var step *securebucket.StepError
	fmt.Println(errors.As(err, &step), step.Step, errorCode(err))
	// Output:
	// <nil> 3
	// true bucket-policy AccessDenied
}

// A server with Options.Organization is the management account of an AWS
// Organization; members join with AddMember, here one with a role the
// management account may assume and one suspended. The role's session acts
// in the member account. (Package organization's examples audit such an
// organization.)
func ExampleServer_AddMember() {
	ctx := context.Background()
	srv, err := s3securetest.Start(&s3securetest.Options{Organization: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	prod, err := srv.AddMember("222233334444", &s3securetest.MemberOptions{Name: "prod", Role: "S3SecureAudit"})
	if err != nil {
		fmt.Println(err)
		return
	}
	_, _ = srv.AddMember("333344445555", &s3securetest.MemberOptions{Name: "retired", Suspended: true})
	_, _ = s3.NewFromConfig(prod).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("prod-data")})

	list, _ := organizations.NewFromConfig(srv.Config).ListAccounts(ctx, &organizations.ListAccountsInput{})
	for _, a := range list.Accounts {
		fmt.Println(aws.ToString(a.Id), aws.ToString(a.Name), a.State)
	}
	out, err := sts.NewFromConfig(srv.Config).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::222233334444:role/S3SecureAudit"), RoleSessionName: aws.String("audit")})
	if err != nil {
		fmt.Println(err)
		return
	}
	session := srv.Config.Copy()
	session.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(out.Credentials.AccessKeyId),
		aws.ToString(out.Credentials.SecretAccessKey), aws.ToString(out.Credentials.SessionToken))
	buckets, _ := s3.NewFromConfig(session).ListBuckets(ctx, &s3.ListBucketsInput{})
	fmt.Println(aws.ToString(out.AssumedRoleUser.Arn), "lists", aws.ToString(buckets.Buckets[0].Name))
	// Output:
	// 111122223333 management ACTIVE
	// 222233334444 prod ACTIVE
	// 333344445555 retired SUSPENDED
	// arn:aws:sts::222233334444:assumed-role/S3SecureAudit/audit lists prod-data
}
