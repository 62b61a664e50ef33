package securebucket_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

const account = s3fake.DefaultAccountID

// fastRetry keeps retries in tests quick.
var fastRetry = securebucket.Retry{MaxAttempts: 12, BaseDelay: time.Millisecond, MaxDelay: 5 * time.Millisecond}

// startFake starts a fake S3 and returns it with the owner's client.
func startFake(t testing.TB) (*s3fake.Fake, *s3.Client) {
	t.Helper()
	f := s3fake.Start(t, nil)
	return f, f.OwnerClient()
}

// bucketIn seeds a bucket in state.
func bucketIn(t testing.TB, f *s3fake.Fake, name string, state s3fake.BucketState) {
	t.Helper()
	require.NoError(t, f.CreateBucket(name, state))
}

// opts returns default options with fast retries and the owner account.
func opts() *securebucket.Options {
	return &securebucket.Options{ExpectedBucketOwner: account, Retry: fastRetry}
}

func putPolicy(t testing.TB, c *s3.Client, bucket, doc string) {
	t.Helper()
	_, err := c.PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String(bucket), Policy: aws.String(doc)})
	require.NoError(t, err)
}

func sprintf(format string, a ...any) string { return fmt.Sprintf(format, a...) }

func withRegion(r string) func(*s3.Options) { return func(o *s3.Options) { o.Region = r } }
