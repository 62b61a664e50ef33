// Package usertest is a user's own test, in a module of its own, of the
// kind s3securetest is for: it imports s3secure as any other module would
// (here through a replace directive pointing at this repository), starts
// the in-memory AWS, hardens a bucket with securebucket, and sees an
// anonymous read refused. Nothing under s3secure's internal/ is reachable
// from here: the Go toolchain refuses such imports across modules.
package usertest

import (
	"context"
	"errors"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

const (
	bucket = "user-reports"
	key    = "2026/q3.csv"
)

func TestHardenedBucketRefusesAnonymousReads(t *testing.T) {
	ctx := context.Background()
	srv := s3securetest.NewServer(t, &s3securetest.Options{LegacyBuckets: true})
	client := s3.NewFromConfig(srv.Config)

	id, err := sts.NewFromConfig(srv.Config).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != srv.AccountID {
		t.Fatalf("GetCallerIdentity = %v, %v; want account %s", id, err, srv.AccountID)
	}

	// An old bucket with a public-read policy.
	mustDo(t, "CreateBucket", func() error {
		_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		return err
	})
	mustDo(t, "PutBucketPolicy", func() error {
		_, err := client.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::` + bucket + `/*"}]}`)})
		return err
	})
	mustDo(t, "PutObject", func() error {
		_, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(bucket), Key: aws.String(key), Body: strings.NewReader("q3,1200\n")})
		return err
	})

	// An anonymous GET: no credentials, no signature.
	anonymousGet := func() (int, string) {
		t.Helper()
		resp, err := srv.Client().Get(srv.URL + "/" + bucket + "/" + key)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(body)
	}
	if status, body := anonymousGet(); status != http.StatusOK || body != "q3,1200\n" {
		t.Fatalf("before hardening: anonymous GET = %d %q; want the object", status, body)
	}

	res, err := securebucket.Harden(ctx, client, bucket, nil)
	if err != nil {
		t.Fatalf("Harden: %v", err)
	}
	if !res.Changed() {
		t.Fatal("Harden changed nothing on a legacy bucket")
	}

	status, body := anonymousGet()
	if status != http.StatusForbidden || !strings.Contains(body, "<Code>AccessDenied</Code>") {
		t.Fatalf("after hardening: anonymous GET = %d %q; want 403 AccessDenied", status, body)
	}
	// The same refusal through the SDK, with anonymous credentials.
	anonymous := srv.Config.Copy()
	anonymous.Credentials = aws.AnonymousCredentials{}
	_, err = s3.NewFromConfig(anonymous).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "AccessDenied" {
		t.Fatalf("anonymous SDK GetObject: %v; want AccessDenied", err)
	}
	// The owner still reads it.
	if _, err := client.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String(bucket), Key: aws.String(key)}); err != nil {
		t.Fatalf("owner GetObject after hardening: %v", err)
	}
}

func mustDo(t *testing.T, what string, f func() error) {
	t.Helper()
	if err := f(); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}
