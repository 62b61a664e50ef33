package s3securetest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/s3securetest"
)

// TestNoOrganizationByDefault: without Options.Organization the owner is
// in no organization, and members cannot be added.
func TestNoOrganizationByDefault(t *testing.T) {
	srv := s3securetest.NewServer(t, nil)
	_, err := organizations.NewFromConfig(srv.Config).DescribeOrganization(t.Context(), nil)
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	assert.ErrorAs(t, err, &notInUse)
	_, err = srv.AddMember("222233334444", nil)
	assert.ErrorContains(t, err, "s3securetest: no organization")
	assert.Error(t, srv.InjectFault(s3securetest.ServiceOrganizations, "ListAccounts", s3securetest.Fault{Code: "TooManyRequestsException"}))
}

// TestOrganizationMembers: the owner is the management account and lists
// its members with their names and states; a member's role trusts the
// owner account, with the ExternalId it requires, and its session acts in
// the member account; a member without a role cannot be assumed; each
// member has its Regions; faults and counts reach Organizations.
func TestOrganizationMembers(t *testing.T) {
	srv := s3securetest.NewServer(t, &s3securetest.Options{Organization: true})
	ctx := t.Context()
	prod, err := srv.AddMember("222233334444", &s3securetest.MemberOptions{Name: "prod", Role: "S3SecureAudit",
		Regions: []string{"us-east-1", "eu-west-1"}, DisabledRegions: []string{"af-south-1"}})
	require.NoError(t, err)
	_, err = srv.AddMember("333344445555", &s3securetest.MemberOptions{Role: "VendorAudit", ExternalID: "vendor-7"})
	require.NoError(t, err)
	_, err = srv.AddMember("444455556666", nil)
	require.NoError(t, err)
	_, err = srv.AddMember("555566667777", &s3securetest.MemberOptions{Suspended: true})
	require.NoError(t, err)

	list, err := organizations.NewFromConfig(srv.Config).ListAccounts(ctx, nil)
	require.NoError(t, err)
	var got []string
	for _, a := range list.Accounts {
		got = append(got, aws.ToString(a.Id)+" "+aws.ToString(a.Name)+" "+string(a.State))
	}
	assert.Equal(t, []string{"111122223333 management ACTIVE", "222233334444 prod ACTIVE", "333344445555 account-333344445555 ACTIVE",
		"444455556666 account-444455556666 ACTIVE", "555566667777 account-555566667777 SUSPENDED"}, got)

	_, err = s3.NewFromConfig(prod).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("prod-data")})
	require.NoError(t, err)
	assume := func(account, role, externalID string) (aws.Config, error) {
		in := &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + account + ":role/" + role), RoleSessionName: aws.String("audit")}
		if externalID != "" {
			in.ExternalId = aws.String(externalID)
		}
		out, err := sts.NewFromConfig(srv.Config).AssumeRole(ctx, in)
		if err != nil {
			return aws.Config{}, err
		}
		cfg := srv.Config.Copy()
		c := out.Credentials
		cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
		return cfg, nil
	}
	session, err := assume("222233334444", "S3SecureAudit", "")
	require.NoError(t, err)
	id, err := sts.NewFromConfig(session).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::222233334444:assumed-role/S3SecureAudit/audit", aws.ToString(id.Arn))
	buckets, err := s3.NewFromConfig(session).ListBuckets(ctx, nil)
	require.NoError(t, err)
	require.Len(t, buckets.Buckets, 1)
	assert.Equal(t, "prod-data", aws.ToString(buckets.Buckets[0].Name))

	_, err = assume("333344445555", "VendorAudit", "")
	assert.Equal(t, "AccessDenied", errorCode(err), "the ExternalId is required")
	_, err = assume("333344445555", "VendorAudit", "vendor-7")
	assert.NoError(t, err)
	_, err = assume("444455556666", "S3SecureAudit", "")
	assert.Equal(t, "AccessDenied", errorCode(err), "no role")

	regions := func(accountID string) map[string]accttypes.RegionOptStatus {
		out, err := account.NewFromConfig(srv.Config).ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String(accountID)})
		require.NoError(t, err)
		m := map[string]accttypes.RegionOptStatus{}
		for _, r := range out.Regions {
			m[aws.ToString(r.RegionName)] = r.RegionOptStatus
		}
		return m
	}
	assert.Equal(t, map[string]accttypes.RegionOptStatus{"us-east-1": "ENABLED_BY_DEFAULT", "eu-west-1": "ENABLED_BY_DEFAULT", "af-south-1": "DISABLED"},
		regions("222233334444"))
	assert.Equal(t, map[string]accttypes.RegionOptStatus{srv.Region(): "ENABLED_BY_DEFAULT"}, regions("444455556666"))

	require.NoError(t, srv.InjectFault(s3securetest.ServiceOrganizations, "ListAccounts", s3securetest.Fault{Code: "TooManyRequestsException", Status: 400, Times: 1}))
	_, err = organizations.NewFromConfig(srv.Config).ListAccounts(ctx, nil)
	assert.Equal(t, "TooManyRequestsException", errorCode(err))
	assert.Equal(t, 2, srv.Count(s3securetest.ServiceOrganizations, "ListAccounts"))
	assert.Equal(t, 2, srv.Count(s3securetest.ServiceAccount, "ListRegions"))
}

// TestAddMemberErrors: bad input is refused before anything is added.
func TestAddMemberErrors(t *testing.T) {
	srv := s3securetest.NewServer(t, &s3securetest.Options{Organization: true})
	_, err := srv.AddMember("222233334444", nil)
	require.NoError(t, err)
	for name, tc := range map[string]struct {
		id   string
		opts *s3securetest.MemberOptions
	}{
		"member twice":          {"222233334444", nil},
		"not 12 digits":         {"2222", nil},
		"external id, no role":  {"333344445555", &s3securetest.MemberOptions{ExternalID: "x-1"}},
		"role name IAM refuses": {"333344445555", &s3securetest.MemberOptions{Role: "no spaces"}},
		"not a Region":          {"333344445555", &s3securetest.MemberOptions{Regions: []string{"mars"}}},
		"not a disabled Region": {"333344445555", &s3securetest.MemberOptions{DisabledRegions: []string{"US-EAST-1"}}},
	} {
		_, err := srv.AddMember(tc.id, tc.opts)
		assert.ErrorContains(t, err, "s3securetest: ", name)
	}
	list, err := organizations.NewFromConfig(srv.Config).ListAccounts(t.Context(), nil)
	require.NoError(t, err)
	assert.Len(t, list.Accounts, 2, "nothing refused was added")
	_, err = srv.AddUser("333344445555", "someone")
	assert.Error(t, err, "the refused account was not created")
}
