package organization_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/conformance"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditOrganizationOnMoto runs the organization audit against
// moto_server, which implements Organizations, STS AssumeRole and acting
// as the assumed account: it creates an organization with two member
// accounts, a bucket in each (one hardened, one not), and checks that
// every member's bucket is audited in its own account.
//
// moto does not check that the role exists or trusts the caller ("the
// role does not need to exist", its AssumeRole says), so the unreachable
// account is tested on the fake only: AWS answers AccessDenied ("the
// trust policy of the role must allow the principal", STS API reference,
// AssumeRole).
func TestAuditOrganizationOnMoto(t *testing.T) {
	ep := conformance.StartMoto(t)
	ctx := t.Context()
	cfg := aws.Config{Region: "us-east-1", BaseEndpoint: aws.String(ep),
		Credentials: credentials.NewStaticCredentialsProvider("AKIAMOTOTESTING00001", "moto-secret", "")}
	orgc := organizations.NewFromConfig(cfg)
	if _, err := orgc.CreateOrganization(ctx, &organizations.CreateOrganizationInput{FeatureSet: orgtypes.OrganizationFeatureSetAll}); err != nil {
		var already *orgtypes.AlreadyInOrganizationException
		require.ErrorAs(t, err, &already, "a shared moto may have the organization already")
	}
	run := fmt.Sprint(time.Now().UnixNano() % 1e9)
	var members []string
	for i := range 2 {
		out, err := orgc.CreateAccount(ctx, &organizations.CreateAccountInput{AccountName: aws.String(fmt.Sprintf("member-%d-%s", i, run)),
			Email: aws.String(fmt.Sprintf("member-%d-%s@example.com", i, run))})
		require.NoError(t, err)
		id := aws.ToString(out.CreateAccountStatus.AccountId)
		require.Regexp(t, `^[0-9]{12}$`, id)
		members = append(members, id)
	}
	// Make a bucket in each member account as that account.
	stsc := sts.NewFromConfig(cfg)
	for i, id := range members {
		as, err := stsc.AssumeRole(ctx, &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + id + ":role/" + orgAccessRole),
			RoleSessionName: aws.String("setup")})
		require.NoError(t, err)
		mc := cfg.Copy()
		mc.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(as.Credentials.AccessKeyId), aws.ToString(as.Credentials.SecretAccessKey), aws.ToString(as.Credentials.SessionToken))
		s3c := s3.NewFromConfig(mc, func(o *s3.Options) { o.UsePathStyle = true })
		bucket := fmt.Sprintf("s3secure-org-%d-%s", i, run)
		_, err = s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
		require.NoError(t, err)
		if i == 0 {
			_, err = s3c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String(bucket), PublicAccessBlockConfiguration: &s3types.PublicAccessBlockConfiguration{
				BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
			require.NoError(t, err)
		}
	}

	var reports []*organization.Report
	sum, err := organization.Audit(ctx, cfg, orgc, stsc, func(r *organization.Report) error { reports = append(reports, r); return nil },
		&organization.Options{Role: orgAccessRole, Controls: []securebucket.Control{securebucket.ControlBucketBPA},
			Clients: &organization.Clients{S3: func(c aws.Config) securebucket.ReadAPI {
				return s3.NewFromConfig(c, func(o *s3.Options) { o.UsePathStyle = true })
			}}})
	require.NoError(t, err)
	assert.GreaterOrEqual(t, sum.Audited, 3, "the management account and both members")
	m := byID(reports)
	for i, id := range members {
		r := m[id]
		require.NotNil(t, r, id)
		assert.Equal(t, organization.Audited, r.Status, r.Reason)
		want := securebucket.StatusFail
		if i == 0 {
			want = securebucket.StatusPass
		}
		bucket := fmt.Sprintf("s3secure-org-%d-%s", i, run)
		assert.True(t, hasRow(r, bucket, securebucket.ControlBucketBPA, want), "%s in %s: %+v", bucket, id, r.Rows)
		for _, row := range r.Rows {
			assert.Equal(t, id, row.AccountID)
			assert.NotEqual(t, fmt.Sprintf("s3secure-org-%d-%s", 1-i, run), row.Resource, "an account sees its own buckets only")
		}
	}
}

// orgAccessRole is the role Organizations creates in the accounts it
// creates.
const orgAccessRole = "OrganizationAccountAccessRole"
