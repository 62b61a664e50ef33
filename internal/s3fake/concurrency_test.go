package s3fake_test

import (
	"fmt"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/johannesboyne/gofakes3"
	"github.com/johannesboyne/gofakes3/backend/s3mem"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestConcurrentHardenLike runs ten goroutines doing what a hardening pass
// does (read config, write config, put objects) on shared and own buckets.
func TestConcurrentHardenLike(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("shared", s3fake.StateLegacy))
	c := f.OwnerClient()
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 100)
	for i := range 10 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			own := fmt.Sprintf("own-%02d", i)
			steps := []func() error{
				func() error {
					_, err := c.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(own)})
					return err
				},
				func() error {
					_, err := c.PutPublicAccessBlock(ctx, &s3.PutPublicAccessBlockInput{Bucket: aws.String("shared"), PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{
						BlockPublicAcls: aws.Bool(true), IgnorePublicAcls: aws.Bool(true), BlockPublicPolicy: aws.Bool(true), RestrictPublicBuckets: aws.Bool(true)}})
					return err
				},
				func() error {
					_, err := c.GetBucketPolicyStatus(ctx, &s3.GetBucketPolicyStatusInput{Bucket: aws.String("shared")})
					if code(err) == "NoSuchBucketPolicy" {
						return nil
					}
					return err
				},
				func() error {
					_, err := c.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String(own), Key: aws.String("k"), Body: strings.NewReader("v")})
					return err
				},
				func() error {
					_, err := c.PutObjectTagging(ctx, &s3.PutObjectTaggingInput{Bucket: aws.String(own), Key: aws.String("k"), Tagging: &types.Tagging{TagSet: []types.Tag{{Key: aws.String("i"), Value: aws.String(own)}}}})
					return err
				},
				func() error {
					_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
					return err
				},
			}
			for _, step := range steps {
				if err := step(); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	out, err := c.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	assert.Len(t, out.Buckets, 11)
	assert.Equal(t, 10, f.Count("CreateBucket"))
	assert.Equal(t, 10, f.Count("PutPublicAccessBlock"))
}

// TestLatencyDoesNotSerialize checks that injected latency holds no lock:
// twenty concurrent requests with 1 s latency each would take at least 20 s
// if the latency were served one request at a time; they must finish in
// half that. The bound is what serialising would cost, not a speed target,
// so a loaded machine (TLS handshakes under -race on two busy cores took
// 0.8 s above the latency here) cannot fail it.
func TestLatencyDoesNotSerialize(t *testing.T) {
	const n, latency = 20, time.Second
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("slow", s3fake.StateAWSDefault))
	f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Latency: latency})
	c := f.OwnerClient()
	start := time.Now()
	var wg sync.WaitGroup
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, err := c.GetPublicAccessBlock(t.Context(), &s3.GetPublicAccessBlockInput{Bucket: aws.String("slow")})
			assert.NoError(t, err)
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	assert.GreaterOrEqual(t, elapsed, latency)
	assert.Less(t, elapsed, n*latency/2, "%d requests with %v latency took %v: the latency is served one request at a time", n, latency, elapsed)
}

func TestListBucketsPerAccountAndDelete(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("mine", s3fake.StateAWSDefault))
	require.NoError(t, f.CreateBucketWith("theirs", &s3fake.BucketOptions{AccountID: "444455556666", Region: "eu-west-1"}))
	ctx := t.Context()
	out, err := f.OwnerClient().ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	require.Len(t, out.Buckets, 1)
	assert.Equal(t, "mine", *out.Buckets[0].Name)
	assert.Equal(t, s3fake.CanonicalUserID(f.AccountID()), *out.Owner.ID)

	other := f.Client(f.AddAccountRoot("444455556666"), func(o *s3.Options) { o.Region = "eu-west-1" })
	out, err = other.ListBuckets(ctx, &s3.ListBucketsInput{})
	require.NoError(t, err)
	require.Len(t, out.Buckets, 1)
	assert.Equal(t, "theirs", *out.Buckets[0].Name)
	assert.Equal(t, "eu-west-1", *out.Buckets[0].BucketRegion)

	head, err := f.OwnerClient().HeadBucket(ctx, &s3.HeadBucketInput{Bucket: aws.String("mine")})
	require.NoError(t, err)
	assert.Equal(t, "us-east-1", *head.BucketRegion)

	_, err = f.OwnerClient().PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("mine"), Key: aws.String("k"), Body: strings.NewReader("x")})
	require.NoError(t, err)
	_, err = f.OwnerClient().DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("mine")})
	requireCode(t, err, "BucketNotEmpty")
	_, err = f.OwnerClient().DeleteObject(ctx, &s3.DeleteObjectInput{Bucket: aws.String("mine"), Key: aws.String("k")})
	require.NoError(t, err)
	_, err = f.OwnerClient().DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("mine")})
	require.NoError(t, err)
	_, ok := f.Bucket("mine")
	assert.False(t, ok)
	_, err = f.OwnerClient().GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("mine")})
	requireCode(t, err, "NoSuchBucket")
	// A new bucket of the same name starts fresh.
	require.NoError(t, f.CreateBucket("mine", s3fake.StateLegacy))
	_, err = f.OwnerClient().GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: aws.String("mine")})
	requireCode(t, err, "NoSuchPublicAccessBlockConfiguration")
}

// BenchmarkRequest compares a GetBucketVersioning through the s3fake (SigV4
// verification, authorization, counters) with bare gofakes3, in one run.
func BenchmarkRequest(b *testing.B) {
	f := s3fake.Start(b, nil)
	if err := f.CreateBucket("bench", s3fake.StateAWSDefault); err != nil {
		b.Fatal(err)
	}
	bare := httptest.NewServer(gofakes3.New(s3mem.New()).Server())
	b.Cleanup(bare.Close)
	bareClient := s3fake.NewClient(bare.URL, "us-east-1", bare.Client(), credentials.NewStaticCredentialsProvider("AKID", "SECRET", ""))
	if _, err := bareClient.CreateBucket(b.Context(), &s3.CreateBucketInput{Bucket: aws.String("bench")}); err != nil {
		b.Fatal(err)
	}
	for _, tc := range []struct {
		name string
		c    *s3.Client
	}{{"s3fake", f.OwnerClient()}, {"bare-gofakes3", bareClient}} {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := tc.c.GetBucketVersioning(b.Context(), &s3.GetBucketVersioningInput{Bucket: aws.String("bench")}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func TestListBucketsPaginated(t *testing.T) {
	f := s3fake.Start(t, nil)
	for i := range 25 {
		require.NoError(t, f.CreateBucket(fmt.Sprintf("page-%02d", i), s3fake.StateAWSDefault))
	}
	require.NoError(t, f.CreateBucket("other-prefix", s3fake.StateAWSDefault))
	p := s3.NewListBucketsPaginator(f.OwnerClient(), &s3.ListBucketsInput{Prefix: aws.String("page-"), MaxBuckets: aws.Int32(10)})
	var names []string
	pages := 0
	for p.HasMorePages() {
		out, err := p.NextPage(t.Context())
		require.NoError(t, err)
		pages++
		for _, b := range out.Buckets {
			names = append(names, *b.Name)
		}
	}
	assert.Equal(t, 3, pages)
	require.Len(t, names, 25)
	assert.Equal(t, "page-00", names[0])
	assert.Equal(t, "page-24", names[24])
}
