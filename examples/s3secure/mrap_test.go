package main

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestMultiRegionAccessPointCLI: a Multi-Region Access Point created with
// Block Public Access off, with a public policy, in front of a bucket that
// delegates to the account's access points: "audit -account-controls"
// fails S3.24 for it (and exits 1), and "analyze -offline" reports the
// public access through it, with its ARN as the source.
func TestMultiRegionAccessPointCLI(t *testing.T) {
	const account = "111122223333"
	a := startAWS(t, &localaws.Options{AccountID: account, LegacyBuckets: true})
	ctx := t.Context()
	// The account's S3 Control fake, reached directly to set the
	// Multi-Region Access Point up.
	ctl := delegatingBucket(t, a, account, "global-data", s3controlfake.MRAPRegion)
	off := aws.Bool(false)
	_, err := ctl.CreateMultiRegionAccessPoint(ctx, &s3control.CreateMultiRegionAccessPointInput{AccountId: aws.String(account), Details: &s3ctltypes.CreateMultiRegionAccessPointInput{
		Name: aws.String("global"), Regions: []s3ctltypes.Region{{Bucket: aws.String("global-data")}},
		PublicAccessBlock: &s3ctltypes.PublicAccessBlockConfiguration{BlockPublicAcls: off, IgnorePublicAcls: off, BlockPublicPolicy: off, RestrictPublicBuckets: off}}})
	require.NoError(t, err)
	arn := a.Control.MultiRegionAccessPoints()[0].ARN
	_, err = ctl.PutMultiRegionAccessPointPolicy(ctx, &s3control.PutMultiRegionAccessPointPolicyInput{AccountId: aws.String(account),
		Details: &s3ctltypes.PutMultiRegionAccessPointPolicyInput{Name: aws.String("global"), Policy: aws.String(
			`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"` + arn + `/object/*"}]}`)}})
	require.NoError(t, err)

	code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "-format", "json", "audit", "-bucket", "global-data",
		"-account-controls", "-account-id", account)
	assert.Equal(t, exitFindings, code, stderr)
	s24 := controlRows(t, stdout, "S3.24")
	require.Len(t, s24, 1, stdout)
	assert.Equal(t, "FAIL", s24[0]["status"])
	assert.Equal(t, arn, s24[0]["resource"])
	assert.Contains(t, s24[0]["message"], "Block Public Access off")

	// In OCSF, the resource is the Multi-Region Access Point, with Security
	// Hub's resource type for S3.24.
	code, stdout, stderr = runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "-format", "ocsf", "audit", "-bucket", "global-data",
		"-account-controls", "-account-id", account)
	assert.Equal(t, exitFindings, code, stderr)
	found := false
	for _, r := range ocsfRecords(t, stdout) {
		if r["metadata"].(map[string]any)["event_code"] != "S3.24" {
			continue
		}
		found = true
		res := r["resources"].([]any)[0].(map[string]any)
		assert.Equal(t, arn, res["uid"])
		assert.Equal(t, "AWS::S3::MultiRegionAccessPoint", res["type"])
		assert.Equal(t, "High", r["severity"])
	}
	assert.True(t, found, stdout)

	code, stdout, stderr = runCLI(t, "", "-endpoint", a.URL, "-region", "us-east-1", "-format", "json", "analyze", "-offline",
		"-account-id", account, "-bucket", "global-data")
	require.Equal(t, exitFindings, code, stderr)
	got := rows(t, stdout)
	require.Len(t, got, 1, stdout)
	assert.Equal(t, "public", got[0].Kind)
	assert.Contains(t, stdout, `"access_point_arn":"`+arn+`"`)
}

// TestAnalyzeWithoutS3ControlSaysSo: against an S3-compatible endpoint
// without S3 Control, "analyze -offline" says that access points and
// Multi-Region Access Points were not read, rather than taking them as
// none in silence.
func TestAnalyzeWithoutS3ControlSaysSo(t *testing.T) {
	f := s3fake.Start(t, nil)
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("plain-data", s3fake.StateAWSDefault))
	code, _, stderr := runCLI(t, "", "-endpoint", f.URL, "-region", "us-east-1", "analyze", "-offline", "-account-id", f.AccountID(), "-bucket", "plain-data")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stderr, "access points and Multi-Region Access Points are not listed")
}
