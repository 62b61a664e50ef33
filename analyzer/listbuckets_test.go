package analyzer_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAnalyzeAllListsBucketsPaginated: AnalyzeAll lists the buckets with
// paginated requests (max-buckets): "All unpaginated ListBuckets requests
// will be rejected for AWS accounts with a general purpose bucket quota
// greater than 10,000" (S3 user guide, General purpose bucket quotas), and
// only paginated requests return each bucket's Region.
func TestAnalyzeAllListsBucketsPaginated(t *testing.T) {
	sf := s3fake.Start(t, &s3fake.Options{AccountID: owner})
	require.NoError(t, sf.CreateBucket("one", s3fake.StateAWSDefault))
	rec := &fakeutil.QueryRecorder{Match: fakeutil.IsListBuckets}
	client := sf.Client(sf.OwnerCredential(), func(o *s3.Options) {
		o.Retryer = aafake.ClosedConnRetryer{}
		rec.Next, o.HTTPClient = o.HTTPClient, rec
	})
	got, err := analyzer.AnalyzeAll(t.Context(), client, &analyzer.FetchOptions{Owner: owner})
	require.NoError(t, err)
	require.Len(t, got, 1)
	queries := rec.Queries()
	require.NotEmpty(t, queries)
	for _, q := range queries {
		assert.Contains(t, q, "max-buckets=", "every ListBuckets is paginated")
	}
}
