package securebucket_test

import (
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// regionBuckets seeds two buckets in the fake's own Region (us-east-1),
// one in eu-west-1 and two in ap-east-1 (Hong Kong, an opt-in Region).
func regionBuckets(t *testing.T, f *s3fake.Fake) {
	t.Helper()
	bucketIn(t, f, "a-home", s3fake.StateAWSDefault)
	bucketIn(t, f, "b-home", s3fake.StateLegacy)
	for name, region := range map[string]string{"c-eu": "eu-west-1", "d-hk": "ap-east-1", "e-hk": "ap-east-1"} {
		require.NoError(t, f.CreateBucketWith(name, &s3fake.BucketOptions{State: s3fake.StateLegacy, Region: region}))
	}
}

// TestAuditAllRegionRefusesTheToken: S3 in one Region (ap-east-1) refuses
// the session token as AWS does in an opt-in Region where it is not valid
// (400 InvalidToken: "Version 1 tokens are valid only in AWS Regions that
// are available by default. These tokens do not work in manually enabled
// Regions, such as Asia Pacific (Hong Kong)", IAM API reference,
// SetSecurityTokenServicePreferences), while the client's Region answers.
// AuditAll goes on: the buckets of the other Regions have the results an
// audit of each gives, those of ap-east-1 are not audited (Report.Err, a
// *RegionError naming the Region and wrapping InvalidToken; never PASS),
// and only one of them was started. Before, AuditAll stopped at the first
// ap-east-1 bucket and returned the InvalidToken *StepError with only the
// reports finished before it.
func TestAuditAllRegionRefusesTheToken(t *testing.T) {
	f := s3fake.Start(t, nil)
	regionBuckets(t, f)
	session := f.AddRole("", "auditor", "run")
	c := f.Client(session)
	want := map[string][]securebucket.ControlResult{}
	for name, region := range map[string]string{"a-home": "", "b-home": "", "c-eu": "eu-west-1"} {
		cl := c
		if region != "" {
			cl = f.Client(session, withRegion(region))
		}
		rep, err := securebucket.Audit(t.Context(), cl, name, &securebucket.AuditOptions{Retry: fastRetry})
		require.NoError(t, err)
		want[name] = rep.Results
	}

	f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultInvalidToken, Region: "ap-east-1"})
	f.ResetCounts()
	var progress []securebucket.Progress
	fleet, err := securebucket.AuditAll(t.Context(), c, &securebucket.AuditOptions{Retry: fastRetry, Concurrency: 1,
		Progress: func(p securebucket.Progress) { progress = append(progress, p) }})
	require.NoError(t, err, "a Region's setup problem does not stop the run")
	require.NotNil(t, fleet)
	require.Len(t, fleet.Buckets, 5, "every bucket has a report")
	assert.True(t, fleet.Failed())
	for _, rep := range fleet.Buckets {
		if w, ok := want[rep.Bucket]; ok {
			require.NoError(t, rep.Err, rep.Bucket)
			assert.Equal(t, w, rep.Results, "%s: as audited alone", rep.Bucket)
			continue
		}
		assert.Equal(t, "ap-east-1", rep.Region)
		assert.Empty(t, rep.Results, "%s: no results, never PASS", rep.Bucket)
		assert.True(t, rep.Failed(), rep.Bucket)
		var re *securebucket.RegionError
		require.ErrorAs(t, rep.Err, &re, rep.Bucket)
		assert.Equal(t, "ap-east-1", re.Region)
		assert.Equal(t, "us-east-1", re.ClientRegion)
		var ae smithy.APIError
		require.ErrorAs(t, rep.Err, &ae)
		assert.Equal(t, "InvalidToken", ae.ErrorCode())
		msg := rep.Err.Error()
		assert.Contains(t, msg, "ap-east-1")
		assert.Contains(t, msg, "InvalidToken")
		assert.NotContains(t, msg, session.SessionToken)
	}
	assert.Equal(t, 4, f.Count("GetBucketPolicy"), "buckets started: e-hk was not, its Region known unreachable (%v)", f.Counts())
	assert.Equal(t, 2, f.Count("ListBuckets"), "the listing, and one look at the client's Region")
	require.Len(t, progress, 5, "progress for every bucket")
	assert.Equal(t, 5, progress[4].Done)
	for _, p := range progress {
		if p.Bucket == "d-hk" || p.Bucket == "e-hk" {
			var re *securebucket.RegionError
			assert.ErrorAs(t, p.Err, &re, p.Bucket)
		} else {
			assert.NoError(t, p.Err, p.Bucket)
		}
	}
}

// TestAuditAllRegionRefusesConcurrently: with every bucket at once, the
// buckets of the refusing Region that are in flight together each come
// back with the Region's error, and the client's Region is asked once.
func TestAuditAllRegionRefusesConcurrently(t *testing.T) {
	f := s3fake.Start(t, nil)
	for i := range 12 {
		region := "ap-east-1"
		if i%3 == 0 {
			region = "us-east-1"
		}
		require.NoError(t, f.CreateBucketWith(fmt.Sprintf("conc-%02d", i), &s3fake.BucketOptions{State: s3fake.StateAWSDefault, Region: region}))
	}
	c := f.Client(f.AddRole("", "auditor", "run"))
	f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultInvalidToken, Region: "ap-east-1"})
	fleet, err := securebucket.AuditAll(t.Context(), c, &securebucket.AuditOptions{Retry: fastRetry, Concurrency: 12})
	require.NoError(t, err)
	require.Len(t, fleet.Buckets, 12)
	for _, rep := range fleet.Buckets {
		var re *securebucket.RegionError
		if rep.Region == "ap-east-1" {
			assert.ErrorAs(t, rep.Err, &re, rep.Bucket)
			continue
		}
		require.NoError(t, rep.Err, rep.Bucket)
		require.NotEmpty(t, rep.Results, rep.Bucket)
		for _, r := range rep.Results {
			assert.NotEqual(t, securebucket.StatusUnknown, r.Status, "%s %s: %s", rep.Bucket, r.Control, r.Message)
		}
	}
	assert.Equal(t, 2, f.Count("ListBuckets"), "the client's Region is asked once")
}

// TestAuditAllStopsWhenTheClientsRegionRefusesToo: credentials that expire
// while a bucket of another Region is read are refused in the client's
// Region too: that is no Region's problem, and AuditAll stops with the
// *StepError (ExpiredToken) and the reports finished before it, as for a
// bucket of its own Region.
func TestAuditAllStopsWhenTheClientsRegionRefusesToo(t *testing.T) {
	f := s3fake.Start(t, nil)
	for i := range 4 {
		require.NoError(t, f.CreateBucketWith(fmt.Sprintf("eu-%d", i), &s3fake.BucketOptions{State: s3fake.StateAWSDefault, Region: "eu-west-1"}))
	}
	session := f.AddRoleUntil("", "auditor", "run", f.Now().Add(time.Hour))
	c := f.Client(session, s3fake.SignWithClock(f.Server))
	fleet, err := securebucket.AuditAll(t.Context(), c, &securebucket.AuditOptions{Retry: fastRetry, Concurrency: 1,
		Progress: func(p securebucket.Progress) {
			if p.Done == 1 {
				f.Advance(2 * time.Hour)
			}
		}})
	requireSetupStepError(t, err, "eu-1", "ExpiredToken")
	var re *securebucket.RegionError
	assert.False(t, errors.As(err, &re), "not a Region's problem: %v", err)
	require.NotNil(t, fleet)
	require.Len(t, fleet.Buckets, 1)
	assert.Equal(t, "eu-0", fleet.Buckets[0].Bucket)
	assert.Equal(t, 2, f.Count("GetBucketPolicy"), "buckets started")
}
