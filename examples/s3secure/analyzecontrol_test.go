package main

import (
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3controlfake"
)

// TestAnalyzeOfflineS3ControlDenied: a bucket that delegates access
// control to its account's access points, one of which is public. When
// S3 Control refuses the caller (AccessDenied), "analyze -offline" cannot
// list the access points, so it cannot tell whether the bucket is public
// through them: the bucket has a blocking finding whose error says so
// (exit 1), never exit 0 with no finding.
// Before, it printed a note on stderr and exited 0, which a gate reads as
// "nothing public".
func TestAnalyzeOfflineS3ControlDenied(t *testing.T) {
	const account = "111122223333"
	a := startAWS(t, &localaws.Options{AccountID: account, LegacyBuckets: true})
	ctx := t.Context()
	ctl := delegatingBucket(t, a, account, "shared-data", "us-east-1")
	off := aws.Bool(false)
	out, err := ctl.CreateAccessPoint(ctx, &s3control.CreateAccessPointInput{AccountId: aws.String(account), Name: aws.String("open"), Bucket: aws.String("shared-data"),
		PublicAccessBlockConfiguration: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off}})
	require.NoError(t, err)
	_, err = ctl.PutAccessPointPolicy(ctx, &s3control.PutAccessPointPolicyInput{AccountId: aws.String(account), Name: aws.String("open"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + aws.ToString(out.AccessPointArn) + `/object/*"}]}`)})
	require.NoError(t, err)
	args := []string{"-endpoint", a.URL, "-region", "us-east-1", "-format", "json", "analyze", "-offline", "-account-id", account, "-bucket", "shared-data"}

	code, stdout, stderr := runCLI(t, "", args...)
	require.Equal(t, exitFindings, code, "with S3 Control the public access point is found: %s %s", stdout, stderr)

	a.Control.SetFault("GetPublicAccessBlock", s3controlfake.Fault{Status: 403, Code: "AccessDenied", Message: "Access Denied"})
	code, stdout, stderr = runCLI(t, "", args...)
	assert.Equal(t, exitFindings, code, "access through the access points is unknown, not none: %s %s", stdout, stderr)
	assert.Contains(t, stderr, "AccessDenied")
	got := rows(t, stdout)
	require.Len(t, got, 1, stdout)
	assert.Equal(t, "shared-data", got[0].Bucket)
	assert.Contains(t, got[0].Error, "UNREAD")
}

// delegatingBucket creates bucket in a, with a bucket policy that
// delegates access control to the account's access points, and returns an
// S3 Control client of a (for region) signed by the owner's root.
func delegatingBucket(t *testing.T, a *testAWS, account, bucket, region string) *s3control.Client {
	t.Helper()
	ctx := t.Context()
	c := a.OwnerClient()
	_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"*"},"Action":"*","Resource":["arn:aws:s3:::` + bucket + `","arn:aws:s3:::` + bucket + `/*"],` +
			`"Condition":{"StringEquals":{"s3:DataAccessPointAccount":"` + account + `"}}}]}`)})
	require.NoError(t, err)
	hs := httptest.NewServer(a.Control)
	t.Cleanup(hs.Close)
	root := a.AWS.Owner().Root()
	return s3controlfake.NewClient(hs.URL, hs.Listener.Addr().String(), region, func(o *s3control.Options) {
		o.Credentials = credentials.NewStaticCredentialsProvider(root.AccessKeyID, root.SecretAccessKey, "")
	})
}
