package securebucket_test

import (
	"fmt"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// countSids counts statements by Sid.
func countSids(t *testing.T, doc string) map[string]int {
	t.Helper()
	d, err := policy.Parse([]byte(doc))
	require.NoError(t, err)
	out := map[string]int{}
	for _, s := range d.Statements {
		out[s.Sid]++
	}
	return out
}

func TestConcurrentHardenOneBucket(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "busy", s3fake.StateLegacy)
	putPolicy(t, c, "busy", `{"Version":"2012-10-17","Statement":[{"Sid":"Partner","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::busy/*"}]}`)
	_, err := c.PutBucketLifecycleConfiguration(t.Context(), &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String("busy"),
		LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("expire-tmp"), Status: types.ExpirationStatusEnabled,
			Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}}}})
	require.NoError(t, err)

	var wg sync.WaitGroup
	errs := make([]error, 10)
	for i := range errs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, errs[i] = securebucket.Harden(t.Context(), c, "busy", opts())
		}()
	}
	wg.Wait()
	for i, err := range errs {
		assert.NoError(t, err, "Harden #%d", i)
	}
	cfg := assertHardened(t, f, "busy")
	assert.Equal(t, map[string]int{"Partner": 1, policy.SidDenyInsecureTransport: 1, policy.SidDenyOutdatedTLS: 1}, countSids(t, cfg.Policy))
	out, err := c.GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String("busy")})
	require.NoError(t, err)
	ids := []string{}
	for _, r := range out.Rules {
		ids = append(ids, aws.ToString(r.ID))
	}
	assert.Equal(t, []string{"expire-tmp", securebucket.LifecycleRuleID}, ids)
}

// TestConcurrentLogSourcesOneTarget: ten buckets that log into the
// same target each merge their own statement into the target's policy at
// the same time. Without re-reading after the write, later writers would
// drop earlier writers' statements.
func TestConcurrentLogSourcesOneTarget(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "log-target", s3fake.StateAWSDefault)
	putPolicy(t, c, "log-target", `{"Version":"2012-10-17","Statement":[{"Sid":"Keep","Effect":"Deny","Principal":"*","Action":"s3:DeleteBucket","Resource":"arn:aws:s3:::log-target"}]}`)
	var wg sync.WaitGroup
	for i := 0; i < 10; i++ {
		name := fmt.Sprintf("source-%02d", i)
		bucketIn(t, f, name, s3fake.StateAWSDefault)
		wg.Add(1)
		go func() {
			defer wg.Done()
			o := opts()
			o.Logging = &securebucket.Logging{TargetBucket: "log-target", TargetPrefix: "logs/" + name + "/"}
			_, err := securebucket.Harden(t.Context(), c, name, o)
			assert.NoError(t, err, name)
		}()
	}
	wg.Wait()
	cfg, _ := f.Bucket("log-target")
	counts := countSids(t, cfg.Policy)
	assert.Equal(t, 1, counts["Keep"])
	delete(counts, "Keep")
	assert.Len(t, counts, 10, "one log-delivery statement per source: %v", counts)
	for sid, n := range counts {
		assert.Equal(t, 1, n, sid)
	}
	for i := 0; i < 10; i++ {
		src, _ := f.Bucket(fmt.Sprintf("source-%02d", i))
		assert.Equal(t, "log-target", src.LoggingTargetBucket)
	}
}
