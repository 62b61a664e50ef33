package analyzer_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/iam"
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
		// alice is mid-rotation: two active keys (CIS 1.13) until the old
		// one is deactivated. bob's inactive key does not count.
		{"defaults: 90 days, active keys", &analyzer.KeyOptions{Now: func() time.Time { return now }}, map[string][]analyzer.KeyProblem{
			"AKIAALICEOLD00000001": {analyzer.KeyTooOld, analyzer.KeyMultipleActive},
			"AKIAALICENEW00000002": {analyzer.KeyMultipleActive},
			"AKIABOBUNUSED0000003": {analyzer.KeyNeverUsed},
		}},
		{"7 days", &analyzer.KeyOptions{AllowAgeUpTo: 7 * day, Now: func() time.Time { return now }}, map[string][]analyzer.KeyProblem{
			"AKIAALICEOLD00000001": {analyzer.KeyTooOld, analyzer.KeyMultipleActive},
			"AKIAALICENEW00000002": {analyzer.KeyTooOld, analyzer.KeyMultipleActive},
			"AKIABOBUNUSED0000003": {analyzer.KeyTooOld, analyzer.KeyNeverUsed},
		}},
		{"with inactive", &analyzer.KeyOptions{IncludeInactive: true, Now: func() time.Time { return now }}, map[string][]analyzer.KeyProblem{
			"AKIAALICEOLD00000001": {analyzer.KeyTooOld, analyzer.KeyMultipleActive},
			"AKIAALICENEW00000002": {analyzer.KeyMultipleActive},
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
	require.Len(t, got, 3)
	assert.Equal(t, "alice", got[1].User)
	assert.Equal(t, "AKIAALICEOLD00000001", got[1].KeyID)
	assert.Equal(t, 120*day, got[1].Age)
	assert.Equal(t, "s3", got[1].LastService)
	assert.Equal(t, now.Add(-day), got[1].LastUsed)
	assert.True(t, got[2].LastUsed.IsZero())
	assert.Equal(t, "N/A", got[2].LastService, "IAM reports N/A for a key never used")
	assert.GreaterOrEqual(t, fake.Calls("ListUsers"), 3, "paginated with Marker")

	_, err = analyzer.KeyHygiene(t.Context(), client, &analyzer.KeyOptions{AllowAgeUpTo: -time.Hour})
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
	assert.Equal(t, 45*24*time.Hour, analyzer.DefaultKeyUnusedAge)
	assert.Equal(t, 8, analyzer.DefaultConcurrency)
	assert.Equal(t, 100, analyzer.DefaultPageSize)
	assert.Equal(t, 20, analyzer.MaxFilterValues)
	assert.Equal(t, []string{"s3:DeleteBucketPolicy", "s3:PutBucketAcl", "s3:PutBucketOwnershipControls", "s3:PutBucketPolicy", "s3:PutBucketPublicAccessBlock", "s3:DeleteBucket"}, analyzer.DefaultGateActions())
	a := analyzer.DefaultGateActions()
	a[0] = "changed"
	assert.Equal(t, "s3:DeleteBucketPolicy", analyzer.DefaultGateActions()[0], "callers cannot change the default")
}

// TestKeyHygieneCIS pins the rules against CIS AWS Foundations: 1.14
// rotate every 90 days or less (a key exactly 90 days old passes, one
// second more fails), 1.12 credentials unused for 45 days or more, 1.13
// one active key per user.
func TestKeyHygieneCIS(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	fake, client := iamfake.Start(t)
	fake.PageSize = 2
	fake.AddUser("at-limit", now.Add(-400*day), iamfake.Key{ID: "AKIAATLIMIT000000001", Created: now.Add(-90 * day), LastUsed: now.Add(-time.Hour), Service: "s3", Region: "us-east-1"})
	fake.AddUser("over-limit", now.Add(-400*day), iamfake.Key{ID: "AKIAOVERLIMIT0000001", Created: now.Add(-90*day - time.Second), LastUsed: now.Add(-time.Hour), Service: "s3", Region: "us-east-1"})
	fake.AddUser("dormant", now.Add(-400*day), iamfake.Key{ID: "AKIADORMANT000000001", Created: now.Add(-60 * day), LastUsed: now.Add(-46 * day), Service: "s3", Region: "us-east-1"})
	fake.AddUser("recent", now.Add(-400*day), iamfake.Key{ID: "AKIARECENT0000000001", Created: now.Add(-60 * day), LastUsed: now.Add(-44 * day), Service: "s3", Region: "us-east-1"})
	fake.AddUser("two-keys", now.Add(-400*day),
		iamfake.Key{ID: "AKIATWOKEYS000000001", Created: now.Add(-20 * day), LastUsed: now.Add(-time.Hour), Service: "s3", Region: "us-east-1"},
		iamfake.Key{ID: "AKIATWOKEYS000000002", Created: now.Add(-2 * day), LastUsed: now.Add(-time.Hour), Service: "s3", Region: "us-east-1"})
	fake.AddUser("rotating", now.Add(-400*day),
		iamfake.Key{ID: "AKIAROTATING00000001", Created: now.Add(-20 * day), LastUsed: now.Add(-time.Hour), Service: "s3", Region: "us-east-1"},
		iamfake.Key{ID: "AKIAROTATING00000002", Created: now.Add(-200 * day), LastUsed: now.Add(-100 * day), Service: "s3", Region: "us-east-1", Inactive: true})
	for i := range 7 {
		fake.AddUser(fmt.Sprintf("quiet-%d", i), now.Add(-400*day))
	}

	got, err := analyzer.KeyHygiene(t.Context(), client, &analyzer.KeyOptions{Now: func() time.Time { return now }})
	require.NoError(t, err)
	m := map[string][]analyzer.KeyProblem{}
	for _, k := range got {
		m[k.KeyID] = k.Problems
	}
	assert.Equal(t, map[string][]analyzer.KeyProblem{
		"AKIAOVERLIMIT0000001": {analyzer.KeyTooOld},
		"AKIADORMANT000000001": {analyzer.KeyUnused},
		"AKIATWOKEYS000000001": {analyzer.KeyMultipleActive},
		"AKIATWOKEYS000000002": {analyzer.KeyMultipleActive},
	}, m)
	assert.GreaterOrEqual(t, fake.Calls("ListUsers"), 7, "every page of 2 users")

	got, err = analyzer.KeyHygiene(t.Context(), client, &analyzer.KeyOptions{AllowUnusedAgeUpTo: 30 * day, Now: func() time.Time { return now }})
	require.NoError(t, err)
	m = map[string][]analyzer.KeyProblem{}
	for _, k := range got {
		m[k.KeyID] = k.Problems
	}
	assert.Equal(t, []analyzer.KeyProblem{analyzer.KeyUnused}, m["AKIARECENT0000000001"], "AllowUnusedAgeUpTo is settable")

	_, err = analyzer.KeyHygiene(t.Context(), client, &analyzer.KeyOptions{AllowUnusedAgeUpTo: -time.Hour})
	require.ErrorIs(t, err, analyzer.ErrInvalidInput)
}

// deletingIAM deletes bob's keys right after ListAccessKeys has listed
// them, as an administrator rotating keys during the scan would.
type deletingIAM struct {
	*iam.Client
	fake *iamfake.Server
}

func (d deletingIAM) ListAccessKeys(ctx context.Context, in *iam.ListAccessKeysInput, o ...func(*iam.Options)) (*iam.ListAccessKeysOutput, error) {
	out, err := d.Client.ListAccessKeys(ctx, in, o...)
	if aws.ToString(in.UserName) == "bob" {
		d.fake.AddUser("bob", time.Now()) // same user, no keys any more
	}
	return out, err
}

// TestKeyHygieneKeyDeletedWhileListing: a key deleted between
// ListAccessKeys and GetAccessKeyLastUsed (NoSuchEntity) is gone, not an
// error that loses every other finding.
func TestKeyHygieneKeyDeletedWhileListing(t *testing.T) {
	now := time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
	fake, client := iamfake.Start(t)
	fake.AddUser("alice", now, iamfake.Key{ID: "AKIAALICEOLD00000001", Created: now.Add(-200 * 24 * time.Hour), LastUsed: now, Service: "s3", Region: "us-east-1"})
	fake.AddUser("bob", now, iamfake.Key{ID: "AKIABOBGONE000000001", Created: now.Add(-200 * 24 * time.Hour)})
	got, err := analyzer.KeyHygiene(t.Context(), deletingIAM{Client: client, fake: fake}, &analyzer.KeyOptions{Now: func() time.Time { return now }})
	require.NoError(t, err)
	require.Len(t, got, 1)
	assert.Equal(t, "AKIAALICEOLD00000001", got[0].KeyID)
}
