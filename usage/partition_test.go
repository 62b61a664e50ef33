package usage_test

import (
	"context"
	"io"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/usage"
)

// TestSuggestInChina runs Suggest on the server access logs of a bucket in
// China (cn-north-1): the proposal and the report name the bucket as S3
// there does (arn:aws-cn:s3:::data), the replay proves it, and S3 takes the
// proposed policy, under which what was done still works. It named
// arn:aws:s3:::data, a bucket of another partition, which S3 in China
// refuses in a policy.
func TestSuggestInChina(t *testing.T) {
	ctx := t.Context()
	f := s3fake.Start(t, &s3fake.Options{Region: "cn-north-1"})
	acct := f.AccountID()
	c := f.OwnerClient()
	loggingBucket(t, f)

	etl := f.Client(f.AddRole("", "etl", "run-1"))
	_, err := etl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("in/a.csv"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	get := func() error {
		out, err := etl.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String("in/a.csv")})
		if err == nil {
			out.Body.Close()
		}
		return err
	}
	require.NoError(t, get())
	require.NoError(t, f.FlushAccessLogs())

	logs, err := usage.S3Location(c, "s3://logs/data/")
	require.NoError(t, err)
	rep, err := usage.Suggest(ctx, "data", usage.Input{ServerAccessLogs: []usage.Source{logs}, BucketOwner: acct, Policy: c}, nil)
	require.NoError(t, err)
	require.Zero(t, rep.ServerAccessLogs.Malformed, "%v", rep.ServerAccessLogs.Errors)

	etlRole := "arn:aws-cn:iam::" + acct + ":role/etl"
	require.NotNil(t, useOf(rep, etlRole, "s3:PutObject"), "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws-cn:s3:::data/in/a.csv"}, useOf(rep, etlRole, "s3:PutObject").Resources)
	assert.Equal(t, []string{"arn:aws-cn:s3:::data/in/a.csv"}, useOf(rep, etlRole, "s3:GetObject").Resources)
	for _, w := range rep.Withheld {
		if strings.Contains(w.Reason, "root user") {
			assert.Equal(t, "arn:aws-cn:iam::"+acct+":root", w.Principal.ARN)
		}
	}
	require.NotNil(t, rep.BucketPolicy)
	js, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	assert.NotContains(t, string(js), "arn:aws:")
	assert.Contains(t, string(js), `"arn:aws-cn:s3:::data/in/a.csv"`)
	for _, ip := range rep.IdentityPolicies {
		js, err := ip.Document.Marshal()
		require.NoError(t, err)
		assert.NotContains(t, string(js), "arn:aws:")
	}
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
	assert.Positive(t, rep.Replay.Allowed)

	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(string(js))})
	require.NoError(t, err, "%s", js)
	assert.NoError(t, get(), "the proposal keeps what was done")
}

// Logs read from files, with no client to tell the Region: the bucket's
// partition is the one the logged callers are in.
func TestSuggestPartitionOfTheLoggedCallers(t *testing.T) {
	const line = `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be data [06/Feb/2024:00:00:38 +0000] 192.0.2.3 arn:aws-us-gov:iam::111122223333:user/alice 3E57427F3EXAMPLE REST.GET.OBJECT r/a.csv "GET /data/r/a.csv HTTP/1.1" 200 - 113 113 7 6 "-" "S3Console/0.4" - s9lzHYrFp76ZVxRcpX9+5cjAnEH2ROuNkd2BHfIa6UkFVdtjf5mKR3/eTPFvsiP/XV/VLi31234= SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader data.s3.us-gov-west-1.amazonaws.com TLSv1.2 - -`
	open := func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(line + "\n")), nil }
	in := usage.Input{ServerAccessLogs: []usage.Source{usage.Stream("log", open)}, BucketOwner: "111122223333"}
	opts := &usage.Options{Now: time.Date(2024, 2, 7, 0, 0, 0, 0, time.UTC)}
	rep, err := usage.Suggest(t.Context(), "data", in, opts)
	require.NoError(t, err)
	u := useOf(rep, "arn:aws-us-gov:iam::111122223333:user/alice", "s3:GetObject")
	require.NotNil(t, u, "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws-us-gov:s3:::data/r/a.csv"}, u.Resources)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)

	// A bucket policy in force names the bucket in its partition: logs of
	// callers in another are not this bucket's.
	in.BucketPolicy = &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{
		Sid: "TLS", Effect: policy.Deny, Principal: policy.AnyPrincipal(), Action: policy.Strings("s3:*"),
		Resource: policy.Strings("arn:aws-cn:s3:::data", "arn:aws-cn:s3:::data/*"), Condition: policy.NewCondition("Bool", "aws:SecureTransport", "false"),
	}}}
	_, err = usage.Suggest(t.Context(), "data", in, opts)
	require.ErrorIs(t, err, usage.ErrInvalidInput)
	assert.Contains(t, err.Error(), "aws-us-gov")
}

// A CloudTrail trail in China: DeleteObjects names its keys as
// arn:aws-cn:s3:::bucket/key resources, and an account is named in the
// event's partition.
func TestParseCloudTrailInChina(t *testing.T) {
	b, err := os.ReadFile("testdata/cloudtrail-s3.json")
	require.NoError(t, err)
	cn := strings.NewReplacer("arn:aws:", "arn:aws-cn:", "eu-west-1", "cn-north-1").Replace(string(b))
	recs, stats := parseTrail(t, cn)
	assert.Zero(t, stats.Malformed, "%v", stats.Errors)
	require.Len(t, recs, 8, "DeleteObjects gives one record per key")
	assert.Equal(t, "DeleteObjects", recs[5].Operation)
	assert.Equal(t, "tmp/a", recs[5].Key)
	assert.Equal(t, "tmp/b", recs[6].Key)

	const account = `{"Records":[{"userIdentity":{"type":"AWSAccount","principalId":"AIDAOTHER","accountId":"444455556666"},"eventTime":"2024-03-01T10:23:00Z","eventSource":"s3.amazonaws.com","eventName":"PutObject","awsRegion":"cn-northwest-1","requestParameters":{"bucketName":"data-bucket","key":"inbox/x.json"},"requestID":"D4"}]}`
	recs, _ = parseTrail(t, account)
	require.Len(t, recs, 1)
	assert.Equal(t, usage.Principal{Kind: usage.Root, ARN: "arn:aws-cn:iam::444455556666:root", Account: "444455556666"}, recs[0].Principal)
}

// TestSuggestResolvesRolePathInChina: in China, IAM names the role
// arn:aws-cn:iam::ACCOUNT:role/service/etl, and the proposal names it so,
// beside the bucket's arn:aws-cn ARNs; the fake S3 (which refuses a
// principal IAM does not have) takes the proposal. The fake IAM answered
// arn:aws:iam:: ARNs whatever its partition.
func TestSuggestResolvesRolePathInChina(t *testing.T) {
	ctx := t.Context()
	iamSrv, ic := iamfake.StartWith(t, &iamfake.Options{Region: "cn-north-1"})
	f := s3fake.Start(t, &s3fake.Options{Region: "cn-north-1", AccountID: iamfake.DefaultAccount, KnownPrincipal: iamSrv.HasPrincipal})
	c := f.OwnerClient()
	loggingBucket(t, f)
	role := iamSrv.AddRole("etl", "/service/")
	assert.Equal(t, "arn:aws-cn:iam::"+f.AccountID()+":role/service/etl", role)
	etl := f.Client(f.AddRole("", "etl", "run-1"))
	_, err := etl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("in/a.csv"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	require.NoError(t, f.FlushAccessLogs())
	logs, err := usage.S3Location(c, "s3://logs/data/")
	require.NoError(t, err)

	rep, err := usage.Suggest(ctx, "data", usage.Input{ServerAccessLogs: []usage.Source{logs}, BucketOwner: f.AccountID(), Policy: c, IAM: ic}, nil)
	require.NoError(t, err)
	u := useOf(rep, role, "s3:PutObject")
	require.NotNil(t, u, "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws-cn:s3:::data/in/a.csv"}, u.Resources)
	assert.Empty(t, rep.UnresolvedRoles)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
	proposed, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	assert.NotContains(t, string(proposed), "arn:aws:")
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(string(proposed))})
	require.NoError(t, err, "S3 accepts the principal: %s", proposed)
}
