package main

import (
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestAuditAllSessionExpiresMidRun: credentials that expire during
// "audit -all" (after the preflight and two buckets) are one line on
// stderr with the hint, exit 2, and no rows; the run stops at the bucket
// that met the expiry instead of starting the others. Before, every later
// bucket was audited with the expired session: its rows were all UNKNOWN
// (ExpiredToken), and the run exited 1.
func TestAuditAllSessionExpiresMidRun(t *testing.T) {
	a := startAWS(t, nil)
	for i := range 6 {
		require.NoError(t, a.CreateBucket(fmt.Sprintf("mid-run-%d", i), s3fake.StateLegacy))
	}
	// A session valid for ten more minutes; the clock moves eleven minutes
	// on (within S3's 15-minute signature skew) just before the third
	// bucket's first read.
	sess, err := a.AWS.Owner().AddRoleSession("auditor", "cli", a.AWS.Now().Add(10*time.Minute))
	require.NoError(t, err)
	t.Setenv("AWS_ACCESS_KEY_ID", sess.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", sess.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", sess.SessionToken)
	policyReads := 0
	a.before = func(r *http.Request) {
		if _, ok := r.URL.Query()["policy"]; ok && r.Method == http.MethodGet {
			if policyReads++; policyReads == 3 {
				a.AWS.Advance(11 * time.Minute)
			}
		}
	}
	code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "audit", "-all", "-concurrency", "1")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Empty(t, stdout, "no rows")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	assert.Contains(t, stderr, "bucket mid-run-2: step audit: read bucket policy: S3 GetBucketPolicy: ExpiredToken: ")
	assert.Contains(t, stderr, "(hint: the session has expired: refresh the credentials")
	for _, junk := range []string{"RequestID", "HostID", "operation error", "https response error", sess.SecretAccessKey, sess.SessionToken} {
		assert.NotContains(t, stderr, junk)
	}
	assert.Equal(t, 3, a.Count("GetBucketPolicy"), "buckets started: two audited, the third met the expiry")
}

// TestAuditClockSkew: with this machine's clock an hour behind the
// endpoint's, audit gives the rows and exit code a right clock gives (the
// SDK corrects the skew from the first refusal's Date). When the endpoint
// refuses every request as skewed, the SDK's correction included, the run
// is one line with the clock hint and exit 2, not rows of UNKNOWN (as
// before: exit 1, every row UNKNOWN RequestTimeTooSkewed).
func TestAuditClockSkew(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("skewed", s3fake.StateLegacy))
	wantCode, wantOut, wantErr := runCLI(t, "", "-endpoint", a.URL, "audit", "-bucket", "skewed")
	require.NotEmpty(t, wantOut, wantErr)

	a.AWS.Advance(time.Hour)
	code, stdout, stderr := runCLI(t, "", "-endpoint", a.URL, "audit", "-bucket", "skewed")
	assert.Equal(t, wantCode, code, stderr)
	assert.Equal(t, wantOut, stdout)

	a.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: "RequestTimeTooSkewed", StatusCode: http.StatusForbidden})
	code, stdout, stderr = runCLI(t, "", "-endpoint", a.URL, "audit", "-bucket", "skewed")
	assert.Equal(t, exitUsage, code, stderr)
	assert.Empty(t, stdout, "no rows")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	assert.Contains(t, stderr, "RequestTimeTooSkewed")
	assert.Contains(t, stderr, "(hint: this machine's clock is off: synchronise it)")
}

// TestAuditAllRegionRefusesTheToken: S3 in one Region (ap-east-1, an
// opt-in Region) refuses the session token with 400 InvalidToken, as AWS
// does for a token of the global STS endpoint there, while the client's
// Region accepts it. "audit -all" prints every row: the other Regions'
// buckets as a run without the refusal gives them, each ap-east-1 bucket
// as one UNKNOWN row naming the Region and InvalidToken (no token), with
// one note on stderr for the Region and its hint, and exits 1, not 0: a
// gate does not pass. Before, the run stopped at the
// first ap-east-1 bucket: one error line, exit 2, no rows.
func TestAuditAllRegionRefusesTheToken(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucket("a-home", s3fake.StateLegacy))
	for name, region := range map[string]string{"b-eu": "eu-west-1", "c-hk": "ap-east-1", "d-hk": "ap-east-1"} {
		require.NoError(t, a.CreateBucketWith(name, &s3fake.BucketOptions{State: s3fake.StateLegacy, Region: region}))
	}
	// The buckets outside ap-east-1 pass every control: what blocks the
	// gate below is the Region's UNKNOWN rows alone.
	for b, region := range map[string]string{"a-home": "us-east-1", "b-eu": "eu-west-1"} {
		code, _, stderr := runCLI(t, "", "-endpoint", a.URL, "-region", region, "harden", "-bucket", b)
		require.Equal(t, exitOK, code, stderr)
	}
	sess, err := a.AWS.Owner().AddRoleSession("auditor", "cli", a.AWS.Now().Add(time.Hour))
	require.NoError(t, err)
	t.Setenv("AWS_ACCESS_KEY_ID", sess.AccessKeyID)
	t.Setenv("AWS_SECRET_ACCESS_KEY", sess.SecretAccessKey)
	t.Setenv("AWS_SESSION_TOKEN", sess.SessionToken)
	args := []string{"-endpoint", a.URL, "-region", "us-east-1", "-format", "json", "audit", "-all", "-concurrency", "1"}
	code, before, stderr := runCLI(t, "", args...)
	require.Equal(t, exitFindings, code, "the ap-east-1 buckets are not hardened: %s", stderr)
	want := map[string][]map[string]string{}
	for _, r := range jsonRows(t, before) {
		want[r["bucket"]] = append(want[r["bucket"]], r)
	}
	require.Len(t, want, 4, stderr)

	a.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultInvalidToken, Region: "ap-east-1"})
	code, stdout, stderr := runCLI(t, "", args...)
	assert.Equal(t, exitFindings, code, stderr)
	got := map[string][]map[string]string{}
	for _, r := range jsonRows(t, stdout) {
		got[r["bucket"]] = append(got[r["bucket"]], r)
	}
	for _, b := range []string{"a-home", "b-eu"} {
		assert.Equal(t, want[b], got[b], "%s: the rows of a run without the refusal", b)
		for _, r := range got[b] {
			assert.Contains(t, []string{"PASS", "NOT_APPLICABLE"}, r["status"], "%s %s: %s", b, r["control"], r["message"])
		}
	}
	for _, b := range []string{"c-hk", "d-hk"} {
		require.Len(t, got[b], 1, b)
		r := got[b][0]
		assert.Equal(t, "UNKNOWN", r["status"], b)
		assert.Contains(t, r["message"], "could not audit the bucket: securebucket: Region ap-east-1 could not be read, while the client's Region (us-east-1) answered: ", b)
		assert.Contains(t, r["message"], "S3 GetBucketPolicy: InvalidToken: The provided token is malformed or otherwise invalid.", b)
		for _, junk := range []string{"RequestID", "HostID", sess.SecretAccessKey, sess.SessionToken} {
			assert.NotContains(t, r["message"], junk, b)
		}
	}
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one note for the Region: %q", stderr)
	assert.Contains(t, stderr, "s3secure: note: the buckets of ap-east-1 are UNKNOWN: securebucket: Region ap-east-1 could not be read")
	assert.Contains(t, stderr, "(hint: enable the Region for the account, or use credentials valid there: ")
	assert.NotContains(t, stderr, sess.SessionToken)
}
