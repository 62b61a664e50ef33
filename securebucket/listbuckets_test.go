package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestBucketListingsArePaginated: every listing of the account's buckets
// (AuditAll, PlanAccountPublicAccessBlock) is paginated (max-buckets):
// "All unpaginated ListBuckets requests will be rejected for AWS accounts
// with a general purpose bucket quota greater than 10,000" (S3 user guide,
// General purpose bucket quotas).
func TestBucketListingsArePaginated(t *testing.T) {
	e := newAcctEnv(t)
	require.NoError(t, e.s3f.CreateBucket("listed", s3fake.StateAWSDefault))
	rec := &fakeutil.QueryRecorder{Match: fakeutil.IsListBuckets}
	client := e.s3f.Client(e.s3f.OwnerCredential(), func(o *s3.Options) {
		rec.Next, o.HTTPClient = o.HTTPClient, rec
	})

	_, err := securebucket.PlanAccountPublicAccessBlock(t.Context(), e.control, client, e.account, nil)
	require.NoError(t, err)
	_, err = securebucket.AuditAll(t.Context(), client, nil)
	require.NoError(t, err)
	queries := rec.Queries()
	require.GreaterOrEqual(t, len(queries), 2)
	for _, q := range queries {
		assert.Contains(t, q, "max-buckets=", "every ListBuckets is paginated")
	}
}
