package usage_test

import (
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/usage"
)

// rolePathFixture is a bucket whose server access logs show a role that
// lives under a path (role/service/etl) through its session
// (arn:aws:sts::…:assumed-role/etl/run-1, which has no path), on a fake S3
// that refuses a bucket policy naming a principal IAM does not have.
func rolePathFixture(t *testing.T) (f *s3fake.Fake, iamSrv *iamfake.Server, iamClient usage.IAMAPI, logs usage.Source) {
	t.Helper()
	ctx := t.Context()
	iamSrv, ic := iamfake.Start(t)
	f = s3fake.Start(t, &s3fake.Options{AccountID: iamfake.DefaultAccount, KnownPrincipal: iamSrv.HasPrincipal})
	c := f.OwnerClient()
	loggingBucket(t, f)
	iamSrv.AddRole("etl", "/service/")
	iamSrv.PutRolePolicy("etl", "data", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::data/*"}]}`)

	etl := f.Client(f.AddRole("", "etl", "run-1"))
	for _, k := range []string{"in/a.csv", "in/b.csv"} {
		_, err := etl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String(k), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	out, err := etl.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("in/a.csv")})
	require.NoError(t, err)
	out.Body.Close()
	require.NoError(t, f.FlushAccessLogs())
	logs, err = usage.S3Location(c, "s3://logs/data/")
	require.NoError(t, err)
	return f, iamSrv, ic, logs
}

// TestSuggestResolvesRolePath: with Input.IAM, a role seen only through its
// sessions in server access logs is named by the ARN iam:GetRole returns,
// path included, everywhere: uses, proposal, identity policies read and
// proposed, diff; and S3 accepts the proposed bucket policy.
func TestSuggestResolvesRolePath(t *testing.T) {
	ctx := t.Context()
	f, iamSrv, ic, logs := rolePathFixture(t)
	acct := f.AccountID()
	rep, err := usage.Suggest(ctx, "data", usage.Input{ServerAccessLogs: []usage.Source{logs}, BucketOwner: acct, Policy: f.OwnerClient(), IAM: ic}, nil)
	require.NoError(t, err)
	assert.Equal(t, 1, iamSrv.Calls("GetRole"), "one GetRole per role")

	role := "arn:aws:iam::" + acct + ":role/service/etl"
	require.NotNil(t, useOf(rep, role, "s3:PutObject"), "%+v", rep.Used)
	assert.NotNil(t, useOf(rep, role, "s3:GetObject"))
	for _, u := range rep.Used {
		assert.NotEqual(t, "arn:aws:iam::"+acct+":role/etl", u.Principal.ARN, "no use under the guessed ARN")
	}
	assert.Empty(t, rep.UnresolvedRoles)
	require.Len(t, rep.IdentityPolicies, 1)
	assert.Equal(t, role, rep.IdentityPolicies[0].Principal.ARN)
	require.NotNil(t, rep.BucketPolicy)
	proposed, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	assert.Contains(t, string(proposed), role)
	assert.NotContains(t, string(proposed), `:role/etl"`)

	// The identity policy read through IAM is the role's: its s3:* on
	// data/* is mostly unused, and nothing the proposal grants is new.
	var unused []string
	for _, u := range rep.Unused {
		if strings.Contains(u.Policy, role) {
			unused = append(unused, u.Actions...)
		}
	}
	assert.Contains(t, unused, "s3:DeleteObject", "%+v", rep.Unused)
	for _, a := range rep.Added {
		assert.NotEqual(t, role, a.Principal, "the role's identity policy grants it: %+v", a)
	}
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
	assert.Positive(t, rep.Replay.IdentityAllowed, "the proposed identity policy is proved for the role too")

	_, err = f.OwnerClient().PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(string(proposed))})
	require.NoError(t, err, "S3 accepts the principal: %s", proposed)
}

// TestSuggestRolePathUnknown: without Input.IAM the role's path is not
// known; the report names the role and says how to learn it, and the guess
// is what S3 would refuse.
func TestSuggestRolePathUnknown(t *testing.T) {
	ctx := t.Context()
	f, _, _, logs := rolePathFixture(t)
	acct := f.AccountID()
	rep, err := usage.Suggest(ctx, "data", usage.Input{ServerAccessLogs: []usage.Source{logs}, BucketOwner: acct, Policy: f.OwnerClient()}, nil)
	require.NoError(t, err)
	guess := "arn:aws:iam::" + acct + ":role/etl"
	require.Len(t, rep.UnresolvedRoles, 1, "%+v", rep.UnresolvedRoles)
	ur := rep.UnresolvedRoles[0]
	assert.Equal(t, guess, ur.Principal.ARN)
	assert.Equal(t, 3, ur.Requests)
	assert.Contains(t, ur.Reason, "Input.IAM")
	assert.Contains(t, ur.Reason, "CloudTrail")

	proposed, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	_, err = f.OwnerClient().PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(string(proposed))})
	require.Error(t, err, "the guessed ARN names no role: this is why the report says so")
	assert.Contains(t, err.Error(), "Invalid principal")
}

// TestSuggestRoleNotInIAM: a role IAM no longer has (NoSuchEntity) keeps
// its guessed ARN, is reported, and is not proposed: S3 would refuse a
// policy naming it.
func TestSuggestRoleNotInIAM(t *testing.T) {
	iamSrv, ic := iamfake.Start(t)
	log := logOf(entry{at: now.Add(-time.Hour), requester: "arn:aws:sts::" + owner + ":assumed-role/gone/s1", op: "REST.GET.OBJECT", key: "reports/a.csv",
		uri: "GET /data-bucket/reports/a.csv HTTP/1.1", status: 200})
	rep := suggest(t, log, usage.Input{IAM: ic}, nil)
	assert.Equal(t, 1, iamSrv.Calls("GetRole"))
	guess := "arn:aws:iam::" + owner + ":role/gone"
	require.Len(t, rep.UnresolvedRoles, 1)
	assert.Equal(t, guess, rep.UnresolvedRoles[0].Principal.ARN)
	assert.Contains(t, rep.UnresolvedRoles[0].Reason, "NoSuchEntity")
	require.Len(t, rep.Withheld, 1)
	assert.Equal(t, guess, rep.Withheld[0].Principal.ARN)
	assert.Contains(t, rep.Withheld[0].Reason, "no role")
	assert.Nil(t, rep.BucketPolicy)
	assert.False(t, rep.Proved(), "its request is broken by the proposal")
}

// TestSuggestRolePathFromCloudTrail: CloudTrail's sessionIssuer names a
// role with its path; read with server access logs that name only its
// sessions, the role is one principal, under that ARN, without IAM.
func TestSuggestRolePathFromCloudTrail(t *testing.T) {
	b, err := os.ReadFile("testdata/cloudtrail-s3.json")
	require.NoError(t, err)
	log := logOf(entry{at: now.Add(-time.Hour), requester: etlSession1, op: "REST.PUT.OBJECT", key: "in/x.csv",
		uri: "PUT /data-bucket/in/x.csv HTTP/1.1", status: 200})
	rep := suggest(t, log, usage.Input{CloudTrail: []usage.Source{stringSource("trail.json", string(b))}, BucketPolicy: trailBucketPolicy(t)}, nil)
	const role = "arn:aws:iam::111122223333:role/service/etl"
	assert.Empty(t, rep.UnresolvedRoles)
	require.NotNil(t, useOf(rep, role, "s3:PutObject"), "the server access log's use, under the issuer's ARN: %+v", rep.Used)
	assert.NotNil(t, useOf(rep, role, "s3:GetObjectVersion"), "CloudTrail's own")
	assert.Nil(t, useOf(rep, etlRole, "s3:PutObject"))
	var ids []string
	for _, ip := range rep.IdentityPolicies {
		ids = append(ids, ip.Principal.ARN)
	}
	assert.Contains(t, ids, role)
	assert.NotContains(t, ids, etlRole)
	js, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	assert.NotContains(t, string(js), `"`+etlRole+`"`)
	assert.Zero(t, rep.Replay.Broken, "%+v", rep.Replay.Breaks)
}

// TestSuggestRolePathOtherAccount: another account's role seen through its
// sessions cannot be looked up with the owner's IAM; it is reported, and
// no GetRole is sent for it.
func TestSuggestRolePathOtherAccount(t *testing.T) {
	iamSrv, ic := iamfake.Start(t)
	log := logOf(entry{at: now.Add(-time.Hour), requester: "arn:aws:sts::444455556666:assumed-role/partner/s1", op: "REST.GET.OBJECT",
		key: "shared/a", uri: "GET /data-bucket/shared/a HTTP/1.1", status: 200})
	rep := suggest(t, log, usage.Input{IAM: ic}, nil)
	assert.Zero(t, iamSrv.Calls("GetRole"))
	require.Len(t, rep.UnresolvedRoles, 1)
	assert.Equal(t, "arn:aws:iam::444455556666:role/partner", rep.UnresolvedRoles[0].Principal.ARN)
	assert.Contains(t, rep.UnresolvedRoles[0].Reason, "another account")
	assert.Contains(t, rep.UnresolvedRoles[0].Reason, "CloudTrail")
}

// A GetRole that fails other than with NoSuchEntity stops the run with an
// *Error naming the role: a proposal under a guessed ARN is not made
// silently when IAM was asked and could not answer.
func TestSuggestGetRoleRefused(t *testing.T) {
	iamSrv, ic := iamfake.Start(t)
	iamSrv.Deny("GetRole")
	log := logOf(entry{at: now.Add(-time.Hour), requester: etlSession1, op: "REST.GET.OBJECT", key: "a", uri: "GET /data-bucket/a HTTP/1.1", status: 200})
	_, err := usage.Suggest(t.Context(), "data-bucket", usage.Input{ServerAccessLogs: []usage.Source{stringSource("access.log", log)}, BucketOwner: owner, IAM: ic},
		&usage.Options{Now: now})
	var ue *usage.Error
	require.ErrorAs(t, err, &ue)
	assert.Equal(t, "GetRole", ue.Op)
	assert.Equal(t, "etl", ue.Resource)
	var ae smithy.APIError
	require.ErrorAs(t, err, &ae)
	assert.Equal(t, "AccessDenied", ae.ErrorCode())
}

// TestSuggestRolePathInConditions: the proof and the diff decide a role's
// requests with its real ARN as aws:PrincipalArn once it is known, so a
// kept Deny that allows only the roles under /service/ does not break the
// role's requests (the session ARN alone gives role/etl, which the Deny
// refuses).
func TestSuggestRolePathInConditions(t *testing.T) {
	iamSrv, ic := iamfake.Start(t)
	iamSrv.AddRole("etl", "/service/")
	cur, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
	 {"Sid":"OnlyServiceRoles","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::data-bucket/*",
	  "Condition":{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::111122223333:role/service/*","arn:aws:iam::111122223333:root"]}}},
	 {"Sid":"Etl","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/service/etl"},"Action":["s3:GetObject","s3:DeleteObject"],"Resource":"arn:aws:s3:::data-bucket/*"}]}`))
	require.NoError(t, err)
	log := logOf(entry{at: now.Add(-time.Hour), requester: etlSession1, op: "REST.GET.OBJECT", key: "a", uri: "GET /data-bucket/a HTTP/1.1", status: 200})
	for name, in := range map[string]usage.Input{
		"iam":        {IAM: ic, BucketPolicy: cur},
		"cloudtrail": {BucketPolicy: cur, CloudTrail: []usage.Source{stringSource("trail.json", trailOf(t))}},
	} {
		t.Run(name, func(t *testing.T) {
			rep := suggest(t, log, in, nil)
			assert.Equal(t, []int{0}, rep.Kept)
			assert.Zero(t, rep.Replay.Broken, "%+v", rep.Replay.Breaks)
			assert.True(t, rep.Proved())
			for _, a := range rep.Added {
				assert.NotEqual(t, "s3:GetObject", a.Action, "the Allow in force grants it, the Deny does not apply: %+v", a)
			}
		})
	}
}

// trailOf is a CloudTrail file of one GetObject by a session of
// role/service/etl.
func trailOf(t *testing.T) string {
	t.Helper()
	return `{"Records":[{"eventVersion":"1.09","userIdentity":{"type":"AssumedRole","principalId":"AROAEXAMPLE:run-9",
	 "arn":"arn:aws:sts::111122223333:assumed-role/etl/run-9","accountId":"111122223333",
	 "sessionContext":{"sessionIssuer":{"type":"Role","principalId":"AROAEXAMPLE","arn":"arn:aws:iam::111122223333:role/service/etl","accountId":"111122223333","userName":"etl"}}},
	 "eventTime":"` + now.Add(-2*time.Hour).Format(time.RFC3339) + `","eventSource":"s3.amazonaws.com","eventName":"GetObject","awsRegion":"eu-west-1",
	 "sourceIPAddress":"203.0.113.7","requestParameters":{"bucketName":"data-bucket","key":"b"},
	 "additionalEventData":{"SignatureVersion":"SigV4","CipherSuite":"TLS_AES_128_GCM_SHA256"},"tlsDetails":{"tlsVersion":"TLSv1.3"},
	 "requestID":"R9","eventID":"e9","readOnly":true,"eventType":"AwsApiCall","managementEvent":false,"recipientAccountId":"111122223333"}]}`
}
