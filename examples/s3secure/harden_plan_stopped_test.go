package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestHardenDryRunThatStops: a plan that stops at a setting it cannot read
// (access denied to GetBucketVersioning) exits 2, and its summary line
// said "nothing to change" of the steps it had read, a line a script may
// take for the bucket being as wanted; it now says the plan is incomplete
// and names none of the unread steps as wanted.
func TestHardenDryRunThatStops(t *testing.T) {
	f := s3fake.Start(t, nil)
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("plan-stops", s3fake.StateLegacy))
	base := []string{"-endpoint", f.URL, "-region", "us-east-1"}
	code, _, stderr := runCLI(t, "", append(base, "harden", "-bucket", "plan-stops")...)
	require.Equal(t, exitOK, code, stderr)
	f.InjectFault("GetBucketVersioning", s3fake.Fault{Code: "AccessDenied", StatusCode: 403})

	code, stdout, stderr := runCLI(t, "", append(base, "harden", "-bucket", "plan-stops", "-dry-run")...)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "GetBucketVersioning")
	assert.NotContains(t, stdout, "nothing to change")
	assert.Regexp(t, `(?m)^plan for plan-stops: incomplete: it stopped at the error below after 3 steps \(3 already as wanted, 0 changes\); nothing written$`, stdout)
}
