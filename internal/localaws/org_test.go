package localaws_test

import (
	"testing"
	"time"

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

	"github.com/s3secure/s3secure/internal/accountfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/orgfake"
)

// TestOrganizations drives the Organizations fake with the real SDK
// client: ListAccounts pages through every account with its state, from
// the management account and a delegated administrator only; other
// members may describe the organization but not list it; an account
// outside it is told it is not in one.
func TestOrganizations(t *testing.T) {
	srv, ep := start(t, nil, nil)
	ctx := t.Context()
	org, err := srv.CreateOrganization()
	require.NoError(t, err)
	_, err = srv.CreateOrganization()
	require.Error(t, err)
	ids := []string{"222233334444", "333344445555", "444455556666"}
	for _, id := range ids {
		_, err := srv.AddAccount(id)
		require.NoError(t, err)
		require.NoError(t, org.AddAccount(orgfake.Account{ID: id}))
	}
	require.NoError(t, org.SetState(ids[1], orgfake.StateSuspended))
	outsider, err := srv.AddAccount("555566667777")
	require.NoError(t, err)

	client := func(a *localaws.Account) *organizations.Client {
		return organizations.NewFromConfig(ep.Config(a.Root()))
	}
	mgmt := client(srv.Owner())
	var got []orgtypes.Account
	pages := 0
	p := organizations.NewListAccountsPaginator(mgmt, &organizations.ListAccountsInput{MaxResults: aws.Int32(2)})
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		require.NoError(t, err)
		got = append(got, out.Accounts...)
		pages++
	}
	assert.Equal(t, 2, pages)
	require.Len(t, got, 4)
	assert.Equal(t, localaws.DefaultAccountID, aws.ToString(got[0].Id))
	assert.Equal(t, orgtypes.AccountStateSuspended, got[2].State)
	assert.Equal(t, orgtypes.AccountStateActive, got[3].State)
	assert.Contains(t, aws.ToString(got[1].Arn), ":account/"+org.ID()+"/"+ids[0])
	assert.False(t, aws.ToTime(got[1].JoinedTimestamp).IsZero())

	d, err := mgmt.DescribeOrganization(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, localaws.DefaultAccountID, aws.ToString(d.Organization.MasterAccountId))
	assert.Regexp(t, `^o-[a-z0-9]{10,32}$`, aws.ToString(d.Organization.Id))

	member, _ := srv.Account(ids[0])
	_, err = client(member).DescribeOrganization(ctx, nil)
	require.NoError(t, err)
	_, err = client(member).ListAccounts(ctx, nil)
	var denied *orgtypes.AccessDeniedException
	require.ErrorAs(t, err, &denied)
	org.AddDelegatedAdministrator(ids[0])
	out, err := client(member).ListAccounts(ctx, nil)
	require.NoError(t, err)
	assert.Len(t, out.Accounts, 4)

	_, err = client(outsider).DescribeOrganization(ctx, nil)
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	require.ErrorAs(t, err, &notInUse)

	_, err = mgmt.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: aws.String("forged")})
	var bad *orgtypes.InvalidInputException
	require.ErrorAs(t, err, &bad)

	org.SetFault("ListAccounts", fakeutil.Fault{Status: 400, Code: "TooManyRequestsException", Times: 1})
	_, err = mgmt.ListAccounts(ctx, nil)
	assert.Equal(t, "TooManyRequestsException", fakeutil.ErrorCode(err))
	assert.Equal(t, 6, org.Count("ListAccounts"), "two pages, a refusal, the delegated listing, the forged token, the fault")
}

// TestAssumeRole: the role must exist in the target account and trust the
// caller (with the ExternalId its trust policy asks for); the credentials
// returned act as the role's session in the target account in every
// service of the endpoint.
func TestAssumeRole(t *testing.T) {
	srv, ep := start(t, nil, nil)
	ctx := t.Context()
	target, err := srv.AddAccount("222233334444")
	require.NoError(t, err)
	stranger, err := srv.AddAccount("999988887777")
	require.NoError(t, err)
	_, err = s3.NewFromConfig(ep.Config(target.Root())).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("target-bucket")})
	require.NoError(t, err)
	_, err = s3.NewFromConfig(ep.Config(srv.Owner().Root())).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("owner-bucket")})
	require.NoError(t, err)
	require.NoError(t, target.AddRole("Audit", localaws.TrustPolicy(srv.Owner().ID, "")))
	require.NoError(t, target.AddRole("Vendor", localaws.TrustPolicy(srv.Owner().ID, "ext-1234")))
	require.Error(t, target.AddRole("bad name!", localaws.TrustPolicy(srv.Owner().ID, "")))

	assume := func(from *localaws.Account, role, externalID string) (*sts.AssumeRoleOutput, error) {
		in := &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::" + target.ID + ":role/" + role), RoleSessionName: aws.String("s3secure-test")}
		if externalID != "" {
			in.ExternalId = aws.String(externalID)
		}
		return sts.NewFromConfig(ep.Config(from.Root())).AssumeRole(ctx, in)
	}
	out, err := assume(srv.Owner(), "Audit", "")
	require.NoError(t, err)
	assert.Equal(t, "arn:aws:sts::222233334444:assumed-role/Audit/s3secure-test", aws.ToString(out.AssumedRoleUser.Arn))
	assert.WithinDuration(t, time.Now().Add(time.Hour), aws.ToTime(out.Credentials.Expiration), time.Minute)

	cfg := ep.Config(srv.Owner().Root())
	c := out.Credentials
	cfg.Credentials = credentials.NewStaticCredentialsProvider(aws.ToString(c.AccessKeyId), aws.ToString(c.SecretAccessKey), aws.ToString(c.SessionToken))
	id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, target.ID, aws.ToString(id.Account))
	lb, err := s3.NewFromConfig(cfg).ListBuckets(ctx, nil)
	require.NoError(t, err)
	require.Len(t, lb.Buckets, 1, "the session lists the target account's buckets only")
	assert.Equal(t, "target-bucket", aws.ToString(lb.Buckets[0].Name))

	for name, tc := range map[string]struct {
		from        *localaws.Account
		role, extID string
		code        string
	}{
		"missing role":        {srv.Owner(), "Nope", "", "AccessDenied"},
		"untrusted caller":    {stranger, "Audit", "", "AccessDenied"},
		"external id missing": {srv.Owner(), "Vendor", "", "AccessDenied"},
		"external id wrong":   {srv.Owner(), "Vendor", "ext-9999", "AccessDenied"},
	} {
		t.Run(name, func(t *testing.T) {
			_, err := assume(tc.from, tc.role, tc.extID)
			assert.Equal(t, tc.code, fakeutil.ErrorCode(err))
		})
	}
	_, err = assume(srv.Owner(), "Vendor", "ext-1234")
	require.NoError(t, err)
	_, err = sts.NewFromConfig(ep.Config(srv.Owner().Root())).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::000000000000:role/Audit"), RoleSessionName: aws.String("x")})
	assert.Equal(t, "ValidationError", fakeutil.ErrorCode(err), "a one-character session name")
	_, err = sts.NewFromConfig(ep.Config(srv.Owner().Root())).AssumeRole(ctx, &sts.AssumeRoleInput{
		RoleArn: aws.String("arn:aws:iam::000000000000:role/Audit"), RoleSessionName: aws.String("s3secure")})
	assert.Equal(t, "AccessDenied", fakeutil.ErrorCode(err), "an account the server does not have")

	target.RemoveRole("Audit")
	_, err = assume(srv.Owner(), "Audit", "")
	assert.Equal(t, "AccessDenied", fakeutil.ErrorCode(err))
}

// TestListRegions: each account has its own Regions; the management
// account may ask for a member's.
func TestListRegions(t *testing.T) {
	srv, ep := start(t, nil, nil)
	ctx := t.Context()
	member, err := srv.AddAccount("222233334444")
	require.NoError(t, err)
	srv.Regions().SetRegions(member.ID, map[string]string{"us-east-1": accountfake.EnabledByDefault, "eu-west-1": accountfake.Enabled, "ap-east-1": accountfake.Disabled})

	names := func(out *account.ListRegionsOutput) map[string]accttypes.RegionOptStatus {
		m := map[string]accttypes.RegionOptStatus{}
		for _, r := range out.Regions {
			m[aws.ToString(r.RegionName)] = r.RegionOptStatus
		}
		return m
	}
	out, err := account.NewFromConfig(ep.Config(srv.Owner().Root())).ListRegions(ctx, nil)
	require.NoError(t, err)
	assert.Equal(t, map[string]accttypes.RegionOptStatus{"us-east-1": "ENABLED_BY_DEFAULT"}, names(out))

	mc := account.NewFromConfig(ep.Config(member.Root()))
	out, err = mc.ListRegions(ctx, &account.ListRegionsInput{RegionOptStatusContains: []accttypes.RegionOptStatus{"ENABLED", "ENABLED_BY_DEFAULT"}})
	require.NoError(t, err)
	assert.Equal(t, map[string]accttypes.RegionOptStatus{"us-east-1": "ENABLED_BY_DEFAULT", "eu-west-1": "ENABLED"}, names(out))

	_, err = mc.ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String(srv.Owner().ID)})
	assert.Equal(t, "AccessDeniedException", fakeutil.ErrorCode(err), "no organization: a member cannot ask for another account")
	_, err = srv.CreateOrganization()
	require.NoError(t, err)
	out, err = account.NewFromConfig(ep.Config(srv.Owner().Root())).ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String(member.ID)})
	require.NoError(t, err)
	assert.Len(t, out.Regions, 3)
}

// TestSetS3Fault throttles one account's S3 requests and no other's.
func TestSetS3Fault(t *testing.T) {
	srv, ep := start(t, nil, nil)
	ctx := t.Context()
	busy, err := srv.AddAccount("222233334444")
	require.NoError(t, err)
	busy.SetS3Fault(fakeutil.Fault{Status: 503, Code: "SlowDown", Message: "Please reduce your request rate.", Times: 2})
	bc := s3.NewFromConfig(ep.Config(busy.Root()))
	for range 2 {
		_, err = bc.ListBuckets(ctx, nil)
		assert.Equal(t, "SlowDown", fakeutil.ErrorCode(err))
		_, err = s3.NewFromConfig(ep.Config(srv.Owner().Root())).ListBuckets(ctx, nil)
		require.NoError(t, err)
	}
	_, err = bc.ListBuckets(ctx, nil)
	require.NoError(t, err, "the fault was used up")
	busy.SetS3Fault(fakeutil.Fault{Status: 503, Code: "SlowDown"})
	_, err = bc.ListBuckets(ctx, nil)
	assert.Equal(t, "SlowDown", fakeutil.ErrorCode(err))
	busy.SetS3Fault(fakeutil.Fault{})
	_, err = bc.ListBuckets(ctx, nil)
	require.NoError(t, err)
}

// TestAddMember: a member joins the organization with its state, a role
// the management account may assume (with the ExternalId it requires)
// and its Regions; faults and counters reach Organizations and the
// Account Management API.
func TestAddMember(t *testing.T) {
	srv, ep := start(t, nil, nil)
	ctx := t.Context()
	_, err := organizations.NewFromConfig(ep.Config(srv.Owner().Root())).DescribeOrganization(ctx, nil)
	var notInUse *orgtypes.AWSOrganizationsNotInUseException
	require.ErrorAs(t, err, &notInUse, "no organization yet")
	forged := ep.Config(srv.Owner().Root())
	forged.Credentials = credentials.NewStaticCredentialsProvider(srv.Owner().Root().AccessKeyID, "not-the-secret", "")
	_, err = organizations.NewFromConfig(forged).DescribeOrganization(ctx, nil)
	assert.Equal(t, "InvalidSignatureException", fakeutil.ErrorCode(err), "signatures are checked without an organization too")
	_, err = srv.AddMember("222233334444", localaws.Member{})
	require.ErrorContains(t, err, "no organization")
	require.Error(t, srv.Owner().SetFault(localaws.ServiceOrganizations, "ListAccounts", fakeutil.Fault{Status: 500, Code: "X"}))
	_, err = srv.CreateOrganization()
	require.NoError(t, err)

	_, err = srv.AddMember("222233334444", localaws.Member{Name: "prod", Role: "Audit", ExternalID: "ext-1234",
		Regions: map[string]string{"us-east-1": accountfake.EnabledByDefault, "ap-east-1": accountfake.Disabled}})
	require.NoError(t, err)
	existing, err := srv.AddAccount("333344445555")
	require.NoError(t, err)
	joined, err := srv.AddMember("333344445555", localaws.Member{State: orgfake.StateSuspended})
	require.NoError(t, err)
	assert.Same(t, existing, joined, "an account the server has joins as it is")
	for name, m := range map[string]localaws.Member{
		"member twice":         {},
		"external id, no role": {ExternalID: "x"},
		"bad role":             {Role: "no spaces"},
		"bad state":            {State: "SLEEPING"},
	} {
		id := "222233334444"
		if name != "member twice" {
			id = "444455556666"
		}
		_, err := srv.AddMember(id, m)
		assert.Error(t, err, name)
	}
	_, ok := srv.Account("444455556666")
	assert.False(t, ok, "a refused member is not added")

	mgmt := ep.Config(srv.Owner().Root())
	out, err := organizations.NewFromConfig(mgmt).ListAccounts(ctx, nil)
	require.NoError(t, err)
	require.Len(t, out.Accounts, 3)
	assert.Equal(t, "prod", aws.ToString(out.Accounts[1].Name))
	assert.Equal(t, orgtypes.AccountStateSuspended, out.Accounts[2].State)

	stsc := sts.NewFromConfig(mgmt)
	in := &sts.AssumeRoleInput{RoleArn: aws.String("arn:aws:iam::222233334444:role/Audit"), RoleSessionName: aws.String("s3secure-test")}
	_, err = stsc.AssumeRole(ctx, in)
	assert.Equal(t, "AccessDenied", fakeutil.ErrorCode(err), "without the ExternalId")
	in.ExternalId = aws.String("ext-1234")
	_, err = stsc.AssumeRole(ctx, in)
	require.NoError(t, err)

	regions, err := account.NewFromConfig(mgmt).ListRegions(ctx, &account.ListRegionsInput{AccountId: aws.String("222233334444")})
	require.NoError(t, err)
	assert.Len(t, regions.Regions, 2)

	require.NoError(t, srv.Owner().SetFault(localaws.ServiceOrganizations, "ListAccounts", fakeutil.Fault{Status: 400, Code: "TooManyRequestsException", Times: 1}))
	_, err = organizations.NewFromConfig(mgmt).ListAccounts(ctx, nil)
	assert.Equal(t, "TooManyRequestsException", fakeutil.ErrorCode(err))
	assert.Equal(t, 2, srv.Owner().Count(localaws.ServiceOrganizations, "ListAccounts"))
	require.NoError(t, srv.Owner().SetFault(localaws.ServiceAccount, "ListRegions", fakeutil.Fault{Status: 500, Code: "InternalServerException", Times: 1}))
	_, err = account.NewFromConfig(mgmt).ListRegions(ctx, nil)
	assert.Equal(t, "InternalServerException", fakeutil.ErrorCode(err))
	assert.Equal(t, 2, srv.Owner().Count(localaws.ServiceAccount, "ListRegions"))
}
