package main

import (
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/conformance"
)

// TestAuditOrganizationOnMoto: audit -organization against moto_server,
// reached with -endpoint only: moto's Organizations lists the accounts,
// its STS assumes OrganizationAccountAccessRole (the role Organizations
// creates in the accounts it creates) in each member, and each member's
// bucket is audited as that member, in its own rows; the text summary
// counts them. moto's AssumeRole lets in any role ("the role does not need
// to exist"), so the unreachable account is tested on the fake only
// (TestAuditOrganization).
func TestAuditOrganizationOnMoto(t *testing.T) {
	moto := conformance.StartPrivateMoto(t)
	cliEnv(t, "test", "test")
	t.Setenv("AWS_REGION", "us-east-1")
	ctx := t.Context()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(moto), Credentials: credentials.NewStaticCredentialsProvider("test", "test", "")}
	orgc := organizations.NewFromConfig(cfg)
	_, err := orgc.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll})
	require.NoError(t, err)
	const role = "OrganizationAccountAccessRole"
	buckets := map[string]string{}
	for i := range 2 {
		out, err := orgc.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(fmt.Sprintf("member-%d", i)),
			Email: aws.String(fmt.Sprintf("member-%d@example.com", i))})
		require.NoError(t, err)
		id := aws.ToString(out.CreateAccountStatus.AccountId)
		as, err := sts.NewFromConfig(cfg).AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + id + ":role/" + role),
			RoleSessionName: aws.String("setup")})
		require.NoError(t, err)
		mc := cfg.Copy()
		mc.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(as.Credentials.AccessKeyId),
			aws.ToString(as.Credentials.SecretAccessKey), aws.ToString(as.Credentials.SessionToken))
		buckets[id] = fmt.Sprintf("cli-org-moto-%d", i)
		_, err = s3.NewFromConfig(mc, func(o *s3.Options) { o.UsePathStyle = true }).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(buckets[id])})
		require.NoError(t, err)
	}

	base := []string{"-endpoint", moto, "audit", "-organization", "-role", role, "-controls", "S3.8"}
	code, stdout, stderr := runCLI(t, "", append(base, "-format", "json")...)
	assert.Equal(t, exitFindings, code, stderr)
	seen := map[string]bool{}
	for _, r := range jsonRows(t, stdout) {
		if id, ok := r["account_id"], buckets[r["account_id"]] != ""; ok && r["resource"] == buckets[id] {
			seen[id] = true
			assert.Equal(t, "FAIL", r["status"], "%v", r)
		}
		assert.NotEqual(t, "UNKNOWN", r["status"], "%v", r)
		for id, b := range buckets {
			if r["resource"] == b {
				assert.Equal(t, id, r["account_id"], "a bucket is audited in its own account")
			}
		}
	}
	assert.Len(t, seen, 2, "both members' buckets: %s", stdout)

	code, stdout, stderr = runCLI(t, "", base...)
	assert.Equal(t, exitFindings, code, stderr)
	assert.True(t, strings.HasSuffix(stdout, "3 accounts: 3 audited, 0 unreachable, 0 skipped\n"), stdout)
}
