package usage_test

import (
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
	"github.com/s3secure/s3secure/usage"
)

// TestSuggestEndToEndOnTheFake turns on logging with Harden, makes a known
// mix of requests as several principals, lets the fake S3 deliver its
// server access logs, runs Suggest on them straight from s3://, and checks
// the proposal and the diff; then applies the proposed bucket policy and
// shows that what was done still works and what was not is refused.
func TestSuggestEndToEndOnTheFake(t *testing.T) {
	ctx := t.Context()
	f := s3fake.Start(t, nil)
	acct := f.AccountID()
	c := f.OwnerClient()
	loggingBucket(t, f)

	// A wide grant to a partner account, beside Harden's statements.
	const partner = "444455556666"
	out, err := c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String("data")})
	require.NoError(t, err)
	cur, err := policy.Parse([]byte(aws.ToString(out.Policy)))
	require.NoError(t, err)
	cur.Statements = append(cur.Statements, policy.Statement{Sid: "PartnerAll", Effect: policy.Allow,
		Principal: policy.AWSPrincipal("arn:aws:iam::" + partner + ":root"), Action: policy.Strings("s3:*"),
		Resource: policy.Strings("arn:aws:s3:::data", "arn:aws:s3:::data/*")})
	js, err := cur.Marshal()
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(string(js))})
	require.NoError(t, err)

	put := func(cl *s3.Client, key string) {
		t.Helper()
		_, err := cl.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String(key), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	getErr := func(cl *s3.Client, key string) error {
		out, err := cl.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("data"), Key: aws.String(key)})
		if err == nil {
			out.Body.Close()
		}
		return err
	}
	put(c, "reports/q1.csv")
	put(c, "shared/x")
	put(c, "shared/y")

	etl := f.Client(f.AddRole("", "etl", "run-1"))
	alice := f.Client(f.AddUser("", "alice"))
	bob := f.Client(f.AddUser(partner, "bob"))
	put(etl, "in/2024/01/a.csv")
	put(etl, "in/2024/01/b.csv")
	require.NoError(t, getErr(etl, "in/2024/01/a.csv"))
	_, err = etl.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("data"), Prefix: aws.String("in/")})
	require.NoError(t, err)
	require.NoError(t, getErr(alice, "reports/q1.csv"))
	require.NoError(t, getErr(bob, "shared/x"), "the partner's wide grant")
	require.Error(t, getErr(f.AnonymousClient(), "reports/q1.csv"), "Block Public Access")
	require.NoError(t, f.FlushAccessLogs())

	logs, err := usage.S3Location(c, "s3://logs/data/")
	require.NoError(t, err)
	rep, err := usage.Suggest(ctx, "data", usage.Input{ServerAccessLogs: []usage.Source{logs}, BucketOwner: acct, Policy: c}, nil)
	require.NoError(t, err)
	require.Zero(t, rep.ServerAccessLogs.Malformed, "%v", rep.ServerAccessLogs.Errors)
	assert.Equal(t, 1, rep.Counts.Denied)

	etlRole := "arn:aws:iam::" + acct + ":role/etl"
	require.NotNil(t, useOf(rep, etlRole, "s3:PutObject"), "%+v", rep.Used)
	assert.Equal(t, []string{"arn:aws:s3:::data/in/2024/01/a.csv", "arn:aws:s3:::data/in/2024/01/b.csv"}, useOf(rep, etlRole, "s3:PutObject").Resources)
	assert.Equal(t, []string{"arn:aws:s3:::data/in/2024/01/a.csv"}, useOf(rep, etlRole, "s3:GetObject").Resources)
	assert.Equal(t, []string{"in/"}, useOf(rep, etlRole, "s3:ListBucket").Prefixes)
	assert.NotNil(t, useOf(rep, "arn:aws:iam::"+acct+":user/alice", "s3:GetObject"))
	bobARN := "arn:aws:iam::" + partner + ":user/bob"
	assert.Equal(t, []string{"arn:aws:s3:::data/shared/x"}, useOf(rep, bobARN, "s3:GetObject").Resources)
	for _, w := range rep.Withheld {
		assert.Contains(t, w.Reason, "root user", "only Harden's and the fixtures' requests, by the owner's root: %+v", w)
	}

	// Harden's Deny statements are kept; the partner's s3:* is mostly unused.
	require.NotEmpty(t, rep.Kept)
	for _, i := range rep.Kept {
		assert.Equal(t, policy.Deny, cur.Statements[i].Effect)
	}
	var partnerUnused []string
	for _, u := range rep.Unused {
		if u.Sid == "PartnerAll" {
			partnerUnused = u.Actions
		}
	}
	assert.Contains(t, partnerUnused, "s3:DeleteObject")
	assert.Contains(t, partnerUnused, "s3:PutBucketPolicy")
	assert.NotContains(t, partnerUnused, "s3:GetObject")
	assert.Empty(t, rep.Unbacked)
	assert.True(t, rep.Proved(), "%+v", rep.Replay)
	assert.Positive(t, rep.Replay.Allowed)

	// Apply the proposal: what was done still works, the rest of the
	// partner's old access does not.
	proposed, err := rep.BucketPolicy.Marshal()
	require.NoError(t, err)
	_, err = c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("data"), Policy: aws.String(string(proposed))})
	require.NoError(t, err, "%s", proposed)
	assert.NoError(t, getErr(bob, "shared/x"))
	assert.Error(t, getErr(bob, "shared/y"), "never used, no longer granted")
	_, err = bob.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("data"), Key: aws.String("shared/z"), Body: strings.NewReader("x")})
	assert.Error(t, err)
}

// loggingBucket creates the buckets data and logs on f and hardens data
// with its server access logs delivered to logs/data/.
func loggingBucket(t *testing.T, f *s3fake.Fake) {
	t.Helper()
	require.NoError(t, f.CreateBucket("data", s3fake.StateAWSDefault))
	require.NoError(t, f.CreateBucket("logs", s3fake.StateAWSDefault))
	_, err := securebucket.Harden(t.Context(), f.OwnerClient(), "data", &securebucket.Options{
		ExpectedBucketOwner: f.AccountID(),
		Logging:             &securebucket.Logging{TargetBucket: "logs", TargetPrefix: "data/"},
	})
	require.NoError(t, err)
}

// An S3 location lists every object under its prefix, a page at a time,
// and skips folder markers.
func TestS3LocationSkipsFolderMarkers(t *testing.T) {
	ctx := t.Context()
	f := s3fake.Start(t, nil)
	c := f.OwnerClient()
	require.NoError(t, f.CreateBucket("logs", s3fake.StateAWSDefault))
	for _, k := range []string{"p/", "p/a", "p/sub/", "p/sub/b", "q/c"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("logs"), Key: aws.String(k), Body: strings.NewReader("")})
		require.NoError(t, err)
	}
	src, err := usage.S3Location(c, "s3://logs/p/")
	require.NoError(t, err)
	var names []string
	require.NoError(t, src.Objects(ctx, func(o usage.Object) error {
		names = append(names, o.Name)
		return nil
	}))
	assert.Equal(t, []string{"s3://logs/p/a", "s3://logs/p/sub/b"}, names)
}
