package usertest

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

// TestReportsBucketIsPrivate is the README's test, as written there
// (TestREADMEShowsThisTest keeps the two the same).
func TestReportsBucketIsPrivate(t *testing.T) {
	ctx := t.Context()
	srv := s3securetest.NewServer(t, &s3securetest.Options{LegacyBuckets: true}) // closed when the test ends

	client := s3.NewFromConfig(srv.Config) // s3control, sts, cloudfront, … NewFromConfig(srv.Config) too

	// An old bucket with an object anyone may read (its ACL says public-read).
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("reports")}); err != nil {
		t.Fatal(err)
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("q3.csv"),
		Body: strings.NewReader("q3,1200\n"), ACL: types.ObjectCannedACLPublicRead}); err != nil {
		t.Fatal(err)
	}
	anonymous := srv.Config.Copy()
	anonymous.Credentials = aws.AnonymousCredentials{}
	read := func() error {
		_, err := s3.NewFromConfig(anonymous).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("reports"), Key: aws.String("q3.csv")})
		return err
	}
	if err := read(); err != nil {
		t.Fatalf("before Harden, anyone can read q3.csv; got %v", err)
	}

	if _, err := securebucket.Harden(ctx, client, "reports", nil); err != nil {
		t.Fatal(err)
	}
	var apiErr smithy.APIError
	if err := read(); !errors.As(err, &apiErr) || apiErr.ErrorCode() != "AccessDenied" {
		t.Fatalf("after Harden, an anonymous read got %v; want AccessDenied", err)
	}
}

// TestREADMEShowsThisTest: the README's "Test your own code" shows
// TestReportsBucketIsPrivate exactly as this file has it, so the code a
// reader copies compiles and passes.
func TestREADMEShowsThisTest(t *testing.T) {
	readme, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	self, err := os.ReadFile("readme_test.go")
	if err != nil {
		t.Fatal(err)
	}
	_, fn, _ := strings.Cut(string(self), "\nfunc TestReportsBucketIsPrivate(")
	fn, _, _ = strings.Cut(fn, "\n}\n")
	fn = "func TestReportsBucketIsPrivate(" + fn + "\n}\n"
	if !strings.Contains(string(readme), "```go\n"+fn+"```\n") {
		t.Errorf("README.md does not show TestReportsBucketIsPrivate as examples/usertest/readme_test.go has it:\n%s", fn)
	}
}
