package securebucket_test

import (
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditBucketDisabled: S3 answers every request to a bucket AWS has
// disabled with 403 AllAccessDisabled ("All access to this Amazon S3
// resource has been disabled. Contact Amazon Web Services Support for
// further assistance.", S3 API reference, list of error codes). That is
// the bucket's state, not a setup problem of the caller: AuditAll goes on
// with the other buckets, which have the results an audit of each gives,
// and the disabled bucket is not audited (Report.Err, a *StepError
// wrapping the SDK error, no results: never PASS), after one request.
// Audit of it alone returns the *StepError, as for a bucket that does not
// exist. Before, each control was UNKNOWN from a failed read of its own
// (seven requests, and no word that the bucket itself was disabled).
func TestAuditBucketDisabled(t *testing.T) {
	f := s3fake.Start(t, nil)
	regionBuckets(t, f)
	c := f.Client(f.OwnerCredential())
	want := map[string][]securebucket.ControlResult{}
	for name, region := range map[string]string{"a-home": "", "c-eu": "eu-west-1", "d-hk": "ap-east-1", "e-hk": "ap-east-1"} {
		cl := c
		if region != "" {
			cl = f.Client(f.OwnerCredential(), withRegion(region))
		}
		rep, err := securebucket.Audit(t.Context(), cl, name, &securebucket.AuditOptions{Retry: fastRetry})
		require.NoError(t, err)
		want[name] = rep.Results
	}
	f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultAllAccessDisabled, Bucket: "b-home"})

	requireDisabled := func(t *testing.T, err error) {
		t.Helper()
		var se *securebucket.StepError
		require.ErrorAs(t, err, &se)
		assert.Equal(t, "b-home", se.Bucket)
		assert.Equal(t, securebucket.StepAudit, se.Step)
		var ae smithy.APIError
		require.ErrorAs(t, err, &ae)
		assert.Equal(t, "AllAccessDisabled", ae.ErrorCode())
		assert.Contains(t, err.Error(), "disabled")
		assert.Contains(t, err.Error(), "AWS Support")
	}
	t.Run("AuditAll", func(t *testing.T) {
		f.ResetCounts()
		var progress []securebucket.Progress
		fleet, err := securebucket.AuditAll(t.Context(), c, &securebucket.AuditOptions{Retry: fastRetry, Concurrency: 1,
			Progress: func(p securebucket.Progress) { progress = append(progress, p) }})
		require.NoError(t, err, "one disabled bucket does not stop the run")
		require.Len(t, fleet.Buckets, 5)
		assert.True(t, fleet.Failed())
		for _, rep := range fleet.Buckets {
			if rep.Bucket != "b-home" {
				require.NoError(t, rep.Err, rep.Bucket)
				assert.Equal(t, want[rep.Bucket], rep.Results, "%s: as audited alone", rep.Bucket)
				continue
			}
			assert.Empty(t, rep.Results, "not audited, never PASS")
			assert.True(t, rep.Failed())
			requireDisabled(t, rep.Err)
		}
		assert.Equal(t, 5, f.Count("GetBucketPolicy"), "%v", f.Counts())
		assert.Equal(t, 4, f.Count("GetPublicAccessBlock"), "one request to the disabled bucket: %v", f.Counts())
		require.Len(t, progress, 5)
		for _, p := range progress {
			if p.Bucket == "b-home" {
				requireDisabled(t, p.Err)
			} else {
				assert.NoError(t, p.Err, p.Bucket)
			}
		}
	})
	t.Run("Audit", func(t *testing.T) {
		f.ResetCounts()
		rep, err := securebucket.Audit(t.Context(), c, "b-home", &securebucket.AuditOptions{Retry: fastRetry})
		assert.Nil(t, rep)
		requireDisabled(t, err)
		assert.Equal(t, 1, f.TotalCount(), "%v", f.Counts())
	})
}
