package localaws_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/orgfake"
)

// TestAccessAnalyzerInChina: the local Access Analyzer of an AWS in
// cn-north-1 analyzes the account's buckets by their ARNs there
// (arn:aws-cn:s3:::bucket): a public bucket policy is an active public
// finding on that ARN, and a scan asked for that ARN analyzes the bucket.
// It named and scanned arn:aws:s3:::bucket only, so in China a scan of the
// bucket's real ARN found nothing.
func TestAccessAnalyzerInChina(t *testing.T) {
	srv, ep := start(t, &localaws.Options{LegacyBuckets: true, Region: "cn-north-1"}, nil)
	ctx := t.Context()
	cfg := ep.Config(srv.Owner().Root())
	s3c, aa := s3.NewFromConfig(cfg), accessanalyzer.NewFromConfig(cfg)
	_, err := s3c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("open-bucket"),
		CreateBucketConfiguration: &s3types.CreateBucketConfiguration{LocationConstraint: s3types.BucketLocationConstraint("cn-north-1")}})
	require.NoError(t, err)
	_, err = s3c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("open-bucket"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws-cn:s3:::open-bucket/*"}]}`)})
	require.NoError(t, err)
	created, err := aa.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{AnalyzerName: aws.String("acct"), Type: aatypes.TypeAccount})
	require.NoError(t, err)

	out, err := aa.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: created.Arn})
	require.NoError(t, err)
	require.Len(t, out.Findings, 1)
	assert.Equal(t, "arn:aws-cn:s3:::open-bucket", aws.ToString(out.Findings[0].Resource))
	assert.True(t, aws.ToBool(out.Findings[0].IsPublic))

	_, err = aa.StartResourceScan(ctx, &accessanalyzer.StartResourceScanInput{AnalyzerArn: created.Arn, ResourceArn: aws.String("arn:aws-cn:s3:::open-bucket")})
	require.NoError(t, err)
	out, err = aa.ListFindings(ctx, &accessanalyzer.ListFindingsInput{AnalyzerArn: created.Arn,
		Filter: map[string]aatypes.Criterion{"status": {Eq: []string{"ACTIVE"}}}})
	require.NoError(t, err)
	require.Len(t, out.Findings, 1, "the scan of the bucket's ARN keeps its finding")
	assert.Equal(t, "arn:aws-cn:s3:::open-bucket", aws.ToString(out.Findings[0].Resource))
}

// TestPrincipalsInChina: the accounts of a local AWS in cn-north-1, their
// users and role sessions are named in aws-cn, as STS and IAM there name
// them; a role is assumed by its arn:aws-cn ARN. They were arn:aws:iam::
// whatever the Region, so a caller's ARN named another partition than the
// buckets it reached.
func TestPrincipalsInChina(t *testing.T) {
	srv, ep := start(t, &localaws.Options{Region: "cn-north-1"}, nil)
	ctx := t.Context()
	id, err := sts.NewFromConfig(ep.Config(srv.Owner().Root())).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws-cn:iam::"+srv.Owner().ID+":root", aws.ToString(id.Arn))

	alice, err := srv.Owner().AddUser("alice")
	require.NoError(t, err)
	id, err = sts.NewFromConfig(ep.Config(alice)).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws-cn:iam::"+srv.Owner().ID+":user/alice", aws.ToString(id.Arn))
	srv.Owner().IAM.AddUser("bob", time.Now())
	users, err := iam.NewFromConfig(ep.Config(srv.Owner().Root())).ListUsers(ctx, &iam.ListUsersInput{})
	require.NoError(t, err)
	require.Len(t, users.Users, 1)
	assert.Equal(t, "arn:aws-cn:iam::"+srv.Owner().ID+":user/bob", aws.ToString(users.Users[0].Arn))

	target, err := srv.AddAccount("222233334444")
	require.NoError(t, err)
	require.NoError(t, target.AddRole("Audit", localaws.TrustPolicy(srv.Owner().ID, "")))
	assume := func(partition string) (*sts.AssumeRoleOutput, error) {
		return sts.NewFromConfig(ep.Config(srv.Owner().Root())).AssumeRole(ctx, &sts.AssumeRoleInput{
			RoleArn: aws.String("arn:" + partition + ":iam::222233334444:role/Audit"), RoleSessionName: aws.String("s3secure")})
	}
	out, err := assume("aws-cn")
	require.NoError(t, err)
	assert.Equal(t, "arn:aws-cn:sts::222233334444:assumed-role/Audit/s3secure", aws.ToString(out.AssumedRoleUser.Arn))
	_, err = assume("aws")
	assert.Error(t, err, "no role of another partition")
}

// TestOrganizationInThePartition: an organization's ARNs, and its
// accounts', are in the partition of its Region ("In the Beijing and
// Ningxia Regions, the Amazon Resource Name (ARN) syntax includes a cn",
// ARNs for Amazon Web Services in China; the Service Authorization
// Reference gives arn:${Partition}:organizations::${Account}:account/
// o-${OrganizationId}/${AccountId}). The fake wrote arn:aws:organizations
// in every Region.
func TestOrganizationInThePartition(t *testing.T) {
	for region, partition := range map[string]string{"us-east-1": "aws", "cn-north-1": "aws-cn", "us-gov-west-1": "aws-us-gov", "eusc-de-east-1": "aws-eusc"} {
		t.Run(region, func(t *testing.T) {
			srv, ep := start(t, &localaws.Options{Region: region}, nil)
			ctx := t.Context()
			org, err := srv.CreateOrganization()
			require.NoError(t, err)
			_, err = srv.AddAccount("222233334444")
			require.NoError(t, err)
			require.NoError(t, org.AddAccount(orgfake.Account{ID: "222233334444"}))
			prefix := "arn:" + partition + ":organizations::" + srv.Owner().ID + ":"
			c := organizations.NewFromConfig(ep.Config(srv.Owner().Root()))
			d, err := c.DescribeOrganization(ctx, nil)
			require.NoError(t, err)
			assert.Equal(t, prefix+"organization/"+org.ID(), aws.ToString(d.Organization.Arn))
			assert.Equal(t, prefix+"account/"+org.ID()+"/"+srv.Owner().ID, aws.ToString(d.Organization.MasterAccountArn))
			out, err := c.ListAccounts(ctx, nil)
			require.NoError(t, err)
			require.Len(t, out.Accounts, 2)
			for _, a := range out.Accounts {
				assert.Equal(t, prefix+"account/"+org.ID()+"/"+aws.ToString(a.Id), aws.ToString(a.Arn))
			}
			one, err := c.DescribeAccount(ctx, &organizations.DescribeAccountInput{AccountId: aws.String("222233334444")})
			require.NoError(t, err)
			assert.Equal(t, prefix+"account/"+org.ID()+"/222233334444", aws.ToString(one.Account.Arn))
		})
	}
}
