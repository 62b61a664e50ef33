package usertest

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

// TestMachineAWSSettingsIgnored: the README and s3securetest's doc
// promise that srv.Config reads nothing of the machine's AWS settings, so
// a user's tests pass whatever their shell has: here a profile whose
// endpoint, Region, CA bundle and credential process would all break a
// client that read them, the SDK's endpoint, Region, key, FIPS and
// dual-stack variables pointing elsewhere. The server's Config still
// signs as its owner, in DefaultRegion, on the server's endpoint, for S3,
// S3 Control and STS.
func TestMachineAWSSettingsIgnored(t *testing.T) {
	dir := t.TempDir()
	cfgFile := filepath.Join(dir, "config")
	if err := os.WriteFile(cfgFile, []byte("[profile work]\nregion = ap-southeast-2\nendpoint_url = http://127.0.0.1:1\n"+
		"ca_bundle = "+filepath.Join(dir, "gone.pem")+"\ncredential_process = /bin/false\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"AWS_CONFIG_FILE":             cfgFile,
		"AWS_SHARED_CREDENTIALS_FILE": cfgFile,
		"AWS_PROFILE":                 "work",
		"AWS_ENDPOINT_URL":            "http://127.0.0.1:1",
		"AWS_ENDPOINT_URL_S3":         "http://127.0.0.1:1",
		"AWS_ENDPOINT_URL_STS":        "http://127.0.0.1:1",
		"AWS_ENDPOINT_URL_S3_CONTROL": "http://127.0.0.1:1",
		"AWS_REGION":                  "eu-central-1",
		"AWS_DEFAULT_REGION":          "eu-central-1",
		"AWS_ACCESS_KEY_ID":           "AKIAIOSFODNN7EXAMPLE",
		"AWS_SECRET_ACCESS_KEY":       "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY",
		"AWS_SESSION_TOKEN":           "a-token-of-another-account",
		"AWS_CA_BUNDLE":               filepath.Join(dir, "gone.pem"),
		"AWS_USE_FIPS_ENDPOINT":       "true",
		"AWS_USE_DUALSTACK_ENDPOINT":  "true",
		"AWS_S3_USE_ARN_REGION":       "true",
		"AWS_MAX_ATTEMPTS":            "not-a-number",
	} {
		t.Setenv(k, v)
	}

	ctx := t.Context()
	srv := s3securetest.NewServer(t, &s3securetest.Options{LegacyBuckets: true})
	if srv.Config.Region != s3securetest.DefaultRegion {
		t.Errorf("srv.Config.Region = %q; want %q whatever AWS_REGION says", srv.Config.Region, s3securetest.DefaultRegion)
	}
	id, err := sts.NewFromConfig(srv.Config).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Account) != srv.AccountID {
		t.Fatalf("GetCallerIdentity = %v, %v; want the server's owner account %s", id, err, srv.AccountID)
	}
	client := s3.NewFromConfig(srv.Config)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("env-bucket")}); err != nil {
		t.Fatal(err)
	}
	if _, err := securebucket.Harden(ctx, client, "env-bucket", nil); err != nil {
		t.Fatal(err)
	}
	// S3 Control answers from the server: the account has no Block Public
	// Access configuration yet.
	_, err = s3control.NewFromConfig(srv.Config).GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(srv.AccountID)})
	var ae smithy.APIError
	if !errors.As(err, &ae) || ae.ErrorCode() != "NoSuchPublicAccessBlockConfiguration" {
		t.Fatalf("S3 Control GetPublicAccessBlock: %v; want the server's NoSuchPublicAccessBlockConfiguration", err)
	}
}
