package s3fake_test

import (
	"bytes"
	"context"
	"io"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/usage"
)

// startLogging makes buckets src and logs, and turns on server access
// logging of src into logs under prefix (with a key format when given).
func startLogging(t *testing.T, prefix string, format *types.TargetObjectKeyFormat) (*s3fake.Fake, *s3.Client) {
	t.Helper()
	ctx := t.Context()
	f := s3fake.Start(t, nil)
	c := f.OwnerClient()
	for _, b := range []string{"src", "logs"} {
		require.NoError(t, f.CreateBucket(b, s3fake.StateAWSDefault))
	}
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("logs"), Policy: aws.String(logDeliveryPolicy("logs", prefix, "src", f.AccountID()))})
	require.NoError(t, err)
	_, err = c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("src"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("logs"), TargetPrefix: aws.String(prefix), TargetObjectKeyFormat: format}}})
	require.NoError(t, err)
	return f, c
}

func logKeys(t *testing.T, c *s3.Client, prefix string) []string {
	t.Helper()
	out, err := c.ListObjectsV2(t.Context(), &s3.ListObjectsV2Input{Bucket: aws.String("logs"), Prefix: aws.String(prefix)})
	require.NoError(t, err)
	var keys []string
	for _, o := range out.Contents {
		keys = append(keys, aws.ToString(o.Key))
	}
	return keys
}

func readLog(t *testing.T, c *s3.Client, key string) string {
	t.Helper()
	out, err := c.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("logs"), Key: aws.String(key)})
	require.NoError(t, err)
	defer out.Body.Close()
	b, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	return string(b)
}

func TestServerAccessLogDelivery(t *testing.T) {
	ctx := t.Context()
	f, c := startLogging(t, "src/", nil)
	_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/a b+c.txt"), Body: strings.NewReader("hello")})
	require.NoError(t, err)
	alice := f.AddUser("", "alice")
	_, err = f.Client(alice).GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/a b+c.txt")})
	require.NoError(t, err)
	etl := f.AddRole("", "etl", "run-7")
	_, err = f.Client(etl).ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: aws.String("src"), Prefix: aws.String("dir/")})
	require.NoError(t, err)
	_, err = f.AnonymousClient().GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("src"), Key: aws.String("dir/a b+c.txt")})
	require.Error(t, err)
	_, err = c.GetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("logs"), Key: aws.String("nothing")})
	require.Error(t, err, "the target bucket does not log")

	assert.Empty(t, logKeys(t, c, "src/"), "records are buffered, as S3 delivers them later")
	require.NoError(t, f.FlushAccessLogs())
	keys := logKeys(t, c, "src/")
	require.Len(t, keys, 1)
	assert.Regexp(t, regexp.MustCompile(`^src/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$`), keys[0], "S3's simple key format")

	text := readLog(t, c, keys[0])
	lines := strings.Split(strings.TrimSuffix(text, "\n"), "\n")
	require.Len(t, lines, 5, "PutBucketLogging itself, the PUT, the GET, the listing and the refused GET:\n%s", text)
	for _, l := range lines {
		assert.True(t, strings.HasPrefix(l, s3fake.CanonicalUserID(f.AccountID())+" src ["), l)
	}

	var recs []usage.Record
	stats, err := usage.ParseServerAccessLog(strings.NewReader(text), keys[0], func(r *usage.Record) error {
		recs = append(recs, *r)
		return nil
	})
	require.NoError(t, err)
	require.Zero(t, stats.Malformed, "%v", stats.Errors)
	require.Len(t, recs, 5)
	assert.Equal(t, "REST.PUT.LOGGING_STATUS", recs[0].Operation)
	put, get, list, anon := recs[1], recs[2], recs[3], recs[4]
	assert.Equal(t, "REST.PUT.OBJECT", put.Operation)
	assert.Equal(t, "dir/a b+c.txt", put.Key, "the key is URL-encoded in the log and decoded by the parser")
	assert.Equal(t, s3fake.CanonicalUserID(f.AccountID()), put.Requester, "S3 names the root user by its canonical ID")
	assert.Equal(t, 200, put.Status)
	assert.Equal(t, "REST.GET.OBJECT", get.Operation)
	assert.Equal(t, "arn:aws:iam::"+f.AccountID()+":user/alice", get.Requester)
	assert.Equal(t, "REST.GET.BUCKET", list.Operation)
	assert.Equal(t, "arn:aws:sts::"+f.AccountID()+":assumed-role/etl/run-7", list.Requester)
	assert.True(t, list.HasListPrefix)
	assert.Equal(t, "dir/", list.ListPrefix)
	assert.Equal(t, "", anon.Requester)
	assert.Equal(t, 403, anon.Status)
	assert.Equal(t, "AccessDenied", anon.ErrorCode)
	d := get.Detail()
	assert.Equal(t, "SigV4", d.SignatureVersion)
	assert.Equal(t, "AuthHeader", d.AuthType)
	assert.Equal(t, "TLSv1.3", d.TLSVersion)
	assert.NotEmpty(t, d.CipherSuite)
	assert.Contains(t, d.UserAgent, "aws-sdk-go-v2")
	assert.Equal(t, "", anon.Detail().SignatureVersion)
	for _, r := range recs {
		assert.Equal(t, f.Now().UTC().Truncate(60e9), r.Time.Truncate(60e9))
	}

	// A second flush with nothing new delivers nothing.
	require.NoError(t, f.FlushAccessLogs())
	assert.Len(t, logKeys(t, c, "src/"), 1)
}

// On the fake's clock, a batch is delivered once it is AccessLogDelivery
// old, by the next request: a week of traffic makes hourly log objects.
func TestServerAccessLogDeliveryOnTheClock(t *testing.T) {
	ctx := t.Context()
	f, _ := startLogging(t, "", nil)
	c := f.Client(f.OwnerCredential(), s3fake.SignWithClock(f.Server))
	for i := 0; i < 3; i++ {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String("k"), Body: bytes.NewReader(nil)})
		require.NoError(t, err)
		f.Advance(s3fake.AccessLogDelivery)
	}
	_, err := c.HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("src")})
	require.NoError(t, err)
	keys := logKeys(t, c, "")
	assert.Len(t, keys, 3, "three batches delivered; the HEAD is still buffered: %v", keys)
	require.NoError(t, f.FlushAccessLogs())
	assert.Len(t, logKeys(t, c, ""), 4)
}

func TestServerAccessLogPartitionedKeys(t *testing.T) {
	f, c := startLogging(t, "p/", &types.TargetObjectKeyFormat{PartitionedPrefix: &types.PartitionedPrefix{PartitionDateSource: types.PartitionDateSourceEventTime}})
	_, err := c.HeadBucket(context.Background(), &s3.HeadBucketInput{Bucket: aws.String("src")})
	require.NoError(t, err)
	require.NoError(t, f.FlushAccessLogs())
	keys := logKeys(t, c, "p/")
	require.Len(t, keys, 1)
	want := `^p/` + f.AccountID() + `/` + f.Region() + `/src/\d{4}/\d{2}/\d{2}/\d{4}-\d{2}-\d{2}-\d{2}-\d{2}-\d{2}-[0-9A-F]{16}$`
	assert.Regexp(t, regexp.MustCompile(want), keys[0], "S3's partitioned key format")
	assert.Contains(t, readLog(t, c, keys[0]), " REST.HEAD.BUCKET - ")
}

// S3 delivers no server access logs into a Requester Pays bucket: Requester
// Pays buckets do not support "Using a Requester Pays bucket as the target
// bucket for end-user logging, or vice versa. However, you can turn on
// end-user logging on a Requester Pays bucket where the target bucket is
// not a Requester Pays bucket." (S3 user guide, "Using Requester Pays
// general purpose buckets for storage transfers and usage"). The records of
// that time are lost, as a best-effort delivery's are; delivery resumes once
// the owner pays again. A Requester Pays source logs as any other.
func TestServerAccessLogNotIntoRequesterPaysTarget(t *testing.T) {
	ctx := t.Context()
	f, c := startLogging(t, "src/", nil)
	payer := func(bucket string, p types.Payer) {
		t.Helper()
		_, err := c.PutBucketRequestPayment(ctx, &s3.PutBucketRequestPaymentInput{Bucket: aws.String(bucket),
			RequestPaymentConfiguration: &types.RequestPaymentConfiguration{Payer: p}})
		require.NoError(t, err)
	}
	put := func(key string) {
		t.Helper()
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String(key), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	payer("logs", types.PayerRequester)
	put("while-requester-pays")
	require.NoError(t, f.FlushAccessLogs())
	assert.Empty(t, logKeys(t, c, "src/"), "no log object in a Requester Pays target")

	payer("logs", types.PayerBucketOwner)
	payer("src", types.PayerRequester)
	put("after")
	require.NoError(t, f.FlushAccessLogs())
	keys := logKeys(t, c, "src/")
	require.Len(t, keys, 1, "delivered again once the target's owner pays; a Requester Pays source logs")
	text := readLog(t, c, keys[0])
	assert.Contains(t, text, "/src/after")
	assert.NotContains(t, text, "while-requester-pays", "records of the Requester Pays time are not delivered later")
}

// S3 delivers no log object into a target with a default Object Lock
// retention period (S3 user guide, server access logging: the destination
// bucket must have no default retention period; Security Hub's S3.9
// requires the same; ../shared/REFERENCE.md 3.1 and 5.1). A target with
// Object Lock on and no default retention receives them.
func TestServerAccessLogNotIntoDefaultRetentionTarget(t *testing.T) {
	ctx := t.Context()
	f := s3fake.Start(t, nil)
	c := f.OwnerClient()
	require.NoError(t, f.CreateBucket("src", s3fake.StateAWSDefault))
	require.NoError(t, f.CreateBucketWith("logs", &s3fake.BucketOptions{ObjectLock: true}))
	_, err := c.PutBucketPolicy(ctx, &s3.PutBucketPolicyInput{Bucket: aws.String("logs"), Policy: aws.String(logDeliveryPolicy("logs", "src/", "src", f.AccountID()))})
	require.NoError(t, err)
	_, err = c.PutBucketLogging(ctx, &s3.PutBucketLoggingInput{Bucket: aws.String("src"), BucketLoggingStatus: &types.BucketLoggingStatus{
		LoggingEnabled: &types.LoggingEnabled{TargetBucket: aws.String("logs"), TargetPrefix: aws.String("src/")}}})
	require.NoError(t, err)
	put := func(key string) {
		t.Helper()
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String(key), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	put("lock-without-retention")
	require.NoError(t, f.FlushAccessLogs())
	require.Len(t, logKeys(t, c, "src/"), 1, "Object Lock without a default retention is a fine target")

	_, err = c.PutObjectLockConfiguration(ctx, &s3.PutObjectLockConfigurationInput{Bucket: aws.String("logs"),
		ObjectLockConfiguration: &types.ObjectLockConfiguration{ObjectLockEnabled: types.ObjectLockEnabledEnabled,
			Rule: &types.ObjectLockRule{DefaultRetention: &types.DefaultRetention{Mode: types.ObjectLockRetentionModeGovernance, Days: aws.Int32(1)}}}})
	require.NoError(t, err)
	put("with-default-retention")
	require.NoError(t, f.FlushAccessLogs())
	assert.Len(t, logKeys(t, c, "src/"), 1, "no log object lands in a target with a default retention period")
}

// A DeleteObjects is logged as S3 logs it: the request on the bucket
// (REST.POST.MULTI_OBJECT_DELETE), and one BATCH.DELETE.OBJECT record per
// key, with the key and version, Request-URI, Referer and User-Agent a bare
// "-" (as in real logs, noobaa-core's S3 log replication tests). The
// per-key records carry the s3:DeleteObject each key needs: without them an
// end-to-end run proposed no delete for the keys, and its proof held.
func TestServerAccessLogBatchDelete(t *testing.T) {
	ctx := t.Context()
	f, c := startLogging(t, "src/", nil)
	for _, k := range []string{"tmp/a", "tmp/b c"} {
		_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("src"), Key: aws.String(k), Body: strings.NewReader("x")})
		require.NoError(t, err)
	}
	_, err := c.DeleteObjects(ctx, &s3.DeleteObjectsInput{Bucket: aws.String("src"), Delete: &types.Delete{Objects: []types.ObjectIdentifier{
		{Key: aws.String("tmp/a")}, {Key: aws.String("tmp/b c")}}}})
	require.NoError(t, err)
	require.NoError(t, f.FlushAccessLogs())
	keys := logKeys(t, c, "src/")
	require.Len(t, keys, 1)
	text := readLog(t, c, keys[0])
	var recs []usage.Record
	stats, err := usage.ParseServerAccessLog(strings.NewReader(text), keys[0], func(r *usage.Record) error {
		recs = append(recs, *r)
		return nil
	})
	require.NoError(t, err)
	require.Zero(t, stats.Malformed, "%v\n%s", stats.Errors, text)
	var batch []usage.Record
	for _, r := range recs {
		if r.Operation == "BATCH.DELETE.OBJECT" {
			batch = append(batch, r)
		}
	}
	require.Len(t, batch, 2, text)
	assert.Equal(t, "tmp/a", batch[0].Key)
	assert.Equal(t, "tmp/b c", batch[1].Key)
	for _, r := range batch {
		assert.Equal(t, 204, r.Status)
		assert.Empty(t, r.RequestURI)
		assert.Equal(t, s3fake.CanonicalUserID(f.AccountID()), r.Requester)
		assert.Equal(t, "SigV4", r.Detail().SignatureVersion)
	}
	assert.Regexp(t, ` BATCH\.DELETE\.OBJECT tmp/a - 204 - - - \d+ - - - `, text)
	assert.Equal(t, "REST.POST.MULTI_OBJECT_DELETE", recs[len(recs)-3].Operation, "the request, then its keys")
}
