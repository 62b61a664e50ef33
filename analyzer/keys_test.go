package analyzer_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/iamfake"
)

func TestKeyHygiene(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	fake, client := iamfake.Start(t)
	fake.PageSize = 1 // every list call pages
	fake.AddUser("alice", now.Add(-400*day),
		iamfake.Key{ID: "AKIAALICEOLD00000001", Created: now.Add(-120 * day), LastUsed: now.Add(-day), Service: "s3", Region: "us-east-1"},
		iamfake.Key{ID: "AKIAALICENEW00000002", Created: now.Add(-10 * day), LastUsed: now.Add(-time.Hour), Service: "sts", Region: "us-east-1"},
	)
	fake.AddUser("bob", now.Add(-50*day),
		iamfake.Key{ID: "AKIABOBUNUSED0000003", Created: now.Add(-30 * day)},
		iamfake.Key{ID: "AKIABOBINACTIVE00004", Created: now.Add(-300 * day), Inactive: true},
	)
	fake.AddUser("carol", now.Add(-5*day))

	cases := []struct {
		name string
		opts *analyzer.KeyOptions
		want map[string][]analyzer.KeyProblem
	}{
		{"defaults: 90 days, active keys", &analyzer.KeyOptions{Now: func() time.Time { return now }}, map[string][]analyzer.KeyProblem{
			"AKIAALICEOLD00000001": {analyzer.KeyTooOld},
			"AKIABOBUNUSED0000003": {analyzer.KeyNeverUsed},
		}},
		{"7 days", &analyzer.KeyOptions{MaxAge: 7 * day, Now: func() time.Time { return now }}, map[string][]analyzer.KeyProblem{
			"AKIAALICEOLD00000001": {analyzer.KeyTooOld},
			"AKIAALICENEW00000002": {analyzer.KeyTooOld},
			"AKIABOBUNUSED0000003": {analyzer.KeyTooOld, analyzer.KeyNeverUsed},
		}},
		{"with inactive", &analyzer.KeyOptions{IncludeInactive: true, Now: func() time.Time { return now }}, map[string][]analyzer.KeyProblem{
			"AKIAALICEOLD00000001": {analyzer.KeyTooOld},
			"AKIABOBUNUSED0000003": {analyzer.KeyNeverUsed},
			"AKIABOBINACTIVE00004": {analyzer.KeyTooOld, analyzer.KeyNeverUsed},
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := analyzer.KeyHygiene(t.Context(), client, tc.opts)
			require.NoError(t, err)
			m := map[string][]analyzer.KeyProblem{}
			for _, k := range got {
				m[k.KeyID] = k.Problems
			}
			assert.Equal(t, tc.want, m)
			for _, k := range got {
				out := fmt.Sprintf("%+v", k)
				assert.NotContains(t, out, "secret", "no secret in a finding")
			}
		})
	}

	got, err := analyzer.KeyHygiene(t.Context(), client, &analyzer.KeyOptions{Now: func() time.Time { return now }})
	require.NoError(t, err)
	require.Len(t, got, 2)
	assert.Equal(t, "alice", got[0].User)
	assert.Equal(t, 120*day, got[0].Age)
	assert.Equal(t, "s3", got[0].LastService)
	assert.Equal(t, now.Add(-day), got[0].LastUsed)
	assert.True(t, got[1].LastUsed.IsZero())
	assert.Equal(t, "N/A", got[1].LastService, "IAM reports N/A for a key never used")
	assert.GreaterOrEqual(t, fake.Calls("ListUsers"), 3, "paginated with Marker")

	_, err = analyzer.KeyHygiene(t.Context(), client, &analyzer.KeyOptions{MaxAge: -time.Hour})
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
}

func TestKeyHygieneAccessDenied(t *testing.T) {
	fake, client := iamfake.Start(t)
	fake.AddUser("alice", time.Now(), iamfake.Key{ID: "AKIAALICE00000000001", Created: time.Now()})
	fake.Deny("GetAccessKeyLastUsed")
	_, err := analyzer.KeyHygiene(t.Context(), client, nil)
	require.ErrorIs(t, err, analyzer.ErrAccessDenied)
	assert.Contains(t, err.Error(), "analyzer: GetAccessKeyLastUsed AKIAALICE00000000001")
	assert.NotContains(t, err.Error(), "iamfake-secret")
}

func TestDefaults(t *testing.T) {
	assert.Equal(t, "s3secure", analyzer.DefaultAnalyzerName)
	assert.Equal(t, 90*24*time.Hour, analyzer.DefaultKeyMaxAge)
	assert.Equal(t, 8, analyzer.DefaultConcurrency)
	assert.Equal(t, 100, analyzer.DefaultPageSize)
	assert.Equal(t, 20, analyzer.MaxFilterValues)
	assert.Equal(t, []string{"s3:PutBucketPolicy", "s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketPublicAccessBlock", "s3:DeleteBucket"}, analyzer.DefaultGateActions())
	a := analyzer.DefaultGateActions()
	a[0] = "changed"
	assert.Equal(t, "s3:PutBucketPolicy", analyzer.DefaultGateActions()[0], "callers cannot change the default")
}
