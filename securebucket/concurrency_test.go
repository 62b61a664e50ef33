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

func TestHardenConcurrentOnOneBucket(t *testing.T) {
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

// TestHardenConcurrentLogSourcesOneTarget: ten buckets that log into the
// same target each merge their own statement into the target's policy at
// the same time. Without re-reading after the write, later writers would
// drop earlier writers' statements.
func TestHardenConcurrentLogSourcesOneTarget(t *testing.T) {
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

// TestHardenConvergesUnderFaults: with about 20% of requests failing (503
// SlowDown, 500 InternalError, 409 OperationAborted), Harden on 100 buckets
// converges on every one and loses no foreign statement or rule.
func TestHardenConvergesUnderFaults(t *testing.T) {
	if testing.Short() {
		t.Skip("100 buckets")
	}
	f, c := startFake(t)
	const n = 100
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("fault-%03d", i)
		state := s3fake.StateLegacy
		if i%2 == 1 {
			state = s3fake.StateAWSDefault
		}
		bucketIn(t, f, name, state)
		putPolicy(t, c, name, sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Foreign","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::%s/*"}]}`, name))
		_, err := c.PutBucketLifecycleConfiguration(t.Context(), &s3.PutBucketLifecycleConfigurationInput{Bucket: aws.String(name),
			LifecycleConfiguration: &types.BucketLifecycleConfiguration{Rules: []types.LifecycleRule{{ID: aws.String("expire-tmp"), Status: types.ExpirationStatusEnabled,
				Filter: &types.LifecycleRuleFilter{Prefix: aws.String("tmp/")}, Expiration: &types.LifecycleExpiration{Days: aws.Int32(1)}}}}})
		require.NoError(t, err)
	}
	// 1-(1-0.1)(1-0.111) ≈ 20% of requests fail: SlowDown on any operation,
	// and OperationAborted on writes or InternalError on reads.
	f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultSlowDown, Rate: 0.1})
	for _, op := range []string{"PutBucketPolicy", "PutPublicAccessBlock", "PutBucketOwnershipControls", "PutBucketEncryption", "PutBucketVersioning", "PutBucketLifecycleConfiguration", "PutBucketAcl"} {
		f.InjectFault(op, s3fake.Fault{Code: s3fake.FaultOperationAborted, Rate: 0.111})
	}
	for _, op := range []string{"GetBucketPolicy", "GetPublicAccessBlock", "GetBucketOwnershipControls", "GetBucketEncryption", "GetBucketVersioning", "GetBucketLifecycleConfiguration", "GetBucketAcl"} {
		f.InjectFault(op, s3fake.Fault{Code: s3fake.FaultInternalError, Rate: 0.111})
	}
	var wg sync.WaitGroup
	sem := make(chan struct{}, 8)
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("fault-%03d", i)
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			_, err := securebucket.Harden(t.Context(), c, name, opts())
			assert.NoError(t, err, name)
		}()
	}
	wg.Wait()
	f.ClearFaults()
	for i := 0; i < n; i++ {
		name := fmt.Sprintf("fault-%03d", i)
		cfg := assertHardened(t, f, name)
		assert.Equal(t, map[string]int{"Foreign": 1, policy.SidDenyInsecureTransport: 1, policy.SidDenyOutdatedTLS: 1}, countSids(t, cfg.Policy), name)
		out, err := c.GetBucketLifecycleConfiguration(t.Context(), &s3.GetBucketLifecycleConfigurationInput{Bucket: aws.String(name)})
		require.NoError(t, err)
		require.Len(t, out.Rules, 2, name)
		assert.Equal(t, "expire-tmp", aws.ToString(out.Rules[0].ID))
	}
	// And they are stable: another pass writes nothing.
	f.ResetCounts()
	for i := 0; i < n; i++ {
		_, err := securebucket.Harden(t.Context(), c, fmt.Sprintf("fault-%03d", i), opts())
		require.NoError(t, err)
	}
	assert.Zero(t, f.WriteCount())
}
