package main

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/iamfake"
)

// The fake account owner's credentials, which every fake accepts (the
// fakes verify SigV4 signatures against the keys they know).
const (
	keysTestKey    = fakeutil.OwnerAccessKeyID
	keysTestSecret = fakeutil.OwnerSecretAccessKey
)

// iamEnv starts the test AWS and returns its IAM fake with the global and
// command arguments that reach it.
func iamEnv(t *testing.T) (*iamfake.Server, []string) {
	t.Helper()
	a := startAWS(t, nil)
	return a.IAM, []string{"-endpoint", a.URL, "-region", "us-east-1", "keys"}
}

type keyRow struct {
	User        string   `json:"user"`
	KeyID       string   `json:"key_id"`
	Status      string   `json:"status"`
	Created     string   `json:"created"`
	AgeDays     int      `json:"age_days"`
	LastUsed    *string  `json:"last_used"`
	LastService *string  `json:"last_service"`
	Problems    []string `json:"problems"`
}

func keyRows(t *testing.T, out string) []keyRow {
	t.Helper()
	var rs []keyRow
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var r keyRow
		dec := json.NewDecoder(strings.NewReader(l))
		dec.DisallowUnknownFields()
		require.NoError(t, dec.Decode(&r), l)
		rs = append(rs, r)
	}
	return rs
}

func TestKeysFindings(t *testing.T) {
	srv, args := iamEnv(t)
	now := time.Now()
	day := 24 * time.Hour
	srv.AddUser("alice", now.Add(-400*day), iamfake.Key{ID: "AKIAALICEOLDKEY00001", Created: now.Add(-200 * day),
		LastUsed: now.Add(-day), Service: "s3", Region: "us-east-1"})
	srv.AddUser("bob", now.Add(-20*day), iamfake.Key{ID: "AKIABOBUNUSEDKEY0001", Created: now.Add(-10 * day)})
	srv.AddUser("carol", now.Add(-20*day), iamfake.Key{ID: "AKIACAROLGOODKEY0001", Created: now.Add(-10 * day),
		LastUsed: now.Add(-day), Service: "s3", Region: "us-east-1"})
	srv.AddUser("dave", now.Add(-400*day), iamfake.Key{ID: "AKIADAVEINACTIVE0001", Created: now.Add(-300 * day), Inactive: true})

	code, stdout, stderr := runCLI(t, "", append([]string{"-format", "json"}, args...)...)
	require.Equal(t, exitFindings, code, stderr)
	rows := keyRows(t, stdout)
	require.Len(t, rows, 2, stdout)
	assert.Equal(t, "alice", rows[0].User)
	assert.Equal(t, "AKIAALICEOLDKEY00001", rows[0].KeyID)
	assert.Equal(t, "active", rows[0].Status)
	assert.Equal(t, 200, rows[0].AgeDays)
	require.NotNil(t, rows[0].LastUsed)
	assert.Equal(t, now.Add(-day).UTC().Format(time.RFC3339), *rows[0].LastUsed)
	require.NotNil(t, rows[0].LastService)
	assert.Equal(t, "s3", *rows[0].LastService)
	assert.Equal(t, []string{"too-old"}, rows[0].Problems)
	assert.Equal(t, "bob", rows[1].User)
	assert.Nil(t, rows[1].LastUsed, "never used is null, not a date")
	assert.Nil(t, rows[1].LastService)
	assert.Equal(t, 10, rows[1].AgeDays)
	assert.Equal(t, []string{"never-used"}, rows[1].Problems)

	// A longer -max-age: alice's key is no longer too old; bob's still never used.
	code, stdout, stderr = runCLI(t, "", append(args, "-max-age", "365d")...)
	require.Equal(t, exitFindings, code, stderr)
	assert.Regexp(t, `(?m)^USER +KEY_ID +STATUS +CREATED +AGE_DAYS +LAST_USED +LAST_SERVICE +PROBLEMS$`, stdout)
	assert.Regexp(t, `bob +AKIABOBUNUSEDKEY0001 +active +\S+ +10 +never +- +never-used`, stdout)
	assert.NotContains(t, stdout, "alice")

	// -include-inactive lists dave's old, unused key as well.
	code, stdout, stderr = runCLI(t, "", append(args, "-include-inactive", "-max-age", "2160h")...)
	require.Equal(t, exitFindings, code, stderr)
	assert.Regexp(t, `dave +AKIADAVEINACTIVE0001 +inactive +\S+ +300 +never +- +too-old,never-used`, stdout)
	assert.Regexp(t, `alice +AKIAALICEOLDKEY00001 +active`, stdout)
	assert.NotContains(t, stdout, "carol", "a recent key in use is fine")
	assert.NotContains(t, stdout+stderr, keysTestSecret)
}

func TestKeysMaxUnused(t *testing.T) {
	srv, args := iamEnv(t)
	now := time.Now()
	day := 24 * time.Hour
	srv.AddUser("erin", now.Add(-100*day), iamfake.Key{ID: "AKIAERINIDLEKEY00001", Created: now.Add(-60 * day),
		LastUsed: now.Add(-50 * day), Service: "s3", Region: "us-east-1"})

	// Last used 50 days ago: over the CIS 1.12 default of 45 days.
	code, stdout, stderr := runCLI(t, "", append([]string{"-format", "json"}, args...)...)
	require.Equal(t, exitFindings, code, stderr)
	rows := keyRows(t, stdout)
	require.Len(t, rows, 1, stdout)
	assert.Equal(t, "AKIAERINIDLEKEY00001", rows[0].KeyID)
	assert.Equal(t, []string{"unused"}, rows[0].Problems)

	// A longer -max-unused accepts it.
	code, stdout, stderr = runCLI(t, "", append(args, "-max-unused", "60d")...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "0 access keys needing attention: 0 active (blocking), 0 inactive\n", stdout, "nothing found: the summary line alone")

	code, _, stderr = runCLI(t, "", append(args, "-max-unused", "0d")...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-max-unused")
}

func TestKeysClean(t *testing.T) {
	srv, args := iamEnv(t)
	now := time.Now()
	srv.AddUser("carol", now, iamfake.Key{ID: "AKIACAROLGOODKEY0001", Created: now.Add(-time.Hour), LastUsed: now, Service: "s3", Region: "us-east-1"})
	srv.AddUser("dave", now, iamfake.Key{ID: "AKIADAVEINACTIVE0001", Created: now.Add(-time.Hour), Inactive: true})
	code, stdout, stderr := runCLI(t, "", args...)
	assert.Equal(t, exitOK, code, stderr)
	assert.Equal(t, "0 access keys needing attention: 0 active (blocking), 0 inactive\n", stdout)

	// An inactive key is listed with -include-inactive but cannot sign
	// requests, so it does not fail the run.
	code, stdout, stderr = runCLI(t, "", append([]string{"-format", "json"}, append(args, "-include-inactive")...)...)
	assert.Equal(t, exitOK, code, stderr)
	rows := keyRows(t, stdout)
	require.Len(t, rows, 1, stdout)
	assert.Equal(t, "AKIADAVEINACTIVE0001", rows[0].KeyID)
	assert.Equal(t, "inactive", rows[0].Status)
	assert.Equal(t, []string{"never-used"}, rows[0].Problems)
}

func TestKeysAccessDenied(t *testing.T) {
	srv, args := iamEnv(t)
	srv.AddUser("alice", time.Now(), iamfake.Key{ID: "AKIAALICEKEY00000001", Created: time.Now()})
	srv.Deny("GetAccessKeyLastUsed")
	code, stdout, stderr := runCLI(t, "", args...)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "AccessDenied")
	assert.Contains(t, stderr, "GetAccessKeyLastUsed")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line on stderr")
	assert.NotContains(t, stderr, keysTestSecret)
}

func TestKeysUsageErrors(t *testing.T) {
	cliEnv(t, keysTestKey, keysTestSecret)
	tests := []struct {
		name   string
		args   []string
		stderr string
	}{
		{"zero days", []string{"keys", "-max-age", "0d"}, "must be positive"},
		{"negative duration", []string{"keys", "-max-age", "-5h"}, "must be positive"},
		{"not days", []string{"keys", "-max-age", "xd"}, "is not a number of days"},
		{"not a duration", []string{"keys", "-max-age", "90 days"}, "neither days (90d) nor a duration"},
		{"extra argument", []string{"keys", "extra"}, `unexpected argument "extra"`},
		{"unknown flag", []string{"keys", "-nope"}, "flag provided but not defined"},
		{"bad endpoint", []string{"keys", "-endpoint", "iam.local"}, `-endpoint "iam.local" is not an endpoint URL`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", tt.args...)
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, tt.stderr)
			assert.Empty(t, stdout)
		})
	}
}

func TestParseAge(t *testing.T) {
	for in, want := range map[string]time.Duration{"90d": 90 * 24 * time.Hour, "1d": 24 * time.Hour, "2160h": 90 * 24 * time.Hour, "30m": 30 * time.Minute} {
		got, err := parseAge(in)
		require.NoError(t, err, in)
		assert.Equal(t, want, got, in)
	}
}
