package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// accountControls are the account-level rows "audit -account" adds.
var accountControls = []string{"S3.1", "S3.19", "S3.24", "S3.22", "S3.23"}

// TestAuditAllWithAccountLocal: "audit -all -account-controls" on the embedded fake
// prints the account-level results (S3.1 account Block Public Access, S3.19
// access points, S3.24 Multi-Region Access Points, S3.22/S3.23 CloudTrail
// data events) beside every bucket's,
// and the embedded account's missing account Block Public Access fails.
func TestAuditAllWithAccountLocal(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "audit", "-all", "-account-controls")
	assert.Equal(t, exitFindings, code, stderr)
	status := map[string]string{}
	for _, r := range jsonRows(t, stdout) {
		status[r["control"]] = r["status"]
	}
	for _, c := range accountControls {
		assert.Contains(t, status, c, stdout)
	}
	assert.Equal(t, "FAIL", status["S3.1"], "the embedded account has no account-level Block Public Access")
}

// TestAuditRemediationsNameCommands: the account controls' remediations name
// the commands that fix them, never the library functions, in every format.
func TestAuditRemediationsNameCommands(t *testing.T) {
	for _, format := range []string{"text", "json", "ocsf"} {
		t.Run(format, func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", "-local", "-format", format, "audit", "-all", "-account-controls")
			assert.Equal(t, exitFindings, code, stderr)
			assert.Contains(t, stdout, "(s3secure account-bpa -apply)", "S3.1's remediation")
			assert.Contains(t, stdout, "set up data events with s3secure data-events -trail NAME -apply", "S3.22's remediation")
			assert.NotContains(t, stdout, "securebucket.")
		})
	}
	code, stdout, stderr := runCLI(t, "", "-local", "audit", "-organization", "-role", "S3SecureAudit", "-account-controls")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "s3secure account-bpa -apply")
	assert.NotContains(t, stdout, "securebucket.")
}

// TestAuditAllWithAccountUnreadable: against a plain S3-compatible endpoint
// there is no S3 Control or CloudTrail, so "audit -all -account-controls" reports
// every account-level control as UNKNOWN (never PASS) next to the buckets'
// results, and exits 1.
func TestAuditAllWithAccountUnreadable(t *testing.T) {
	f := s3fake.Start(t, nil)
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("cli-acct-a", s3fake.StateAWSDefault))
	require.NoError(t, f.CreateBucket("cli-acct-b", s3fake.StateLegacy))

	code, stdout, stderr := runCLI(t, "", "-endpoint", f.URL, "-region", "us-east-1", "-format", "json",
		"audit", "-all", "-account-controls", "-account-id", f.AccountID())
	assert.Equal(t, exitFindings, code, stderr)
	account := map[string]string{}
	buckets := map[string]int{}
	for _, r := range jsonRows(t, stdout) {
		switch r["bucket"] {
		case "cli-acct-a", "cli-acct-b":
			buckets[r["bucket"]]++
			assert.NotEqual(t, "S3.1", r["control"], "S3.1 comes once, from the account audit")
		default:
			account[r["control"]] = r["status"]
		}
	}
	for _, c := range accountControls {
		if assert.Contains(t, account, c, stdout) {
			assert.Equal(t, "UNKNOWN", account[c], "%s cannot be read without S3 Control/CloudTrail", c)
		}
	}
	assert.Positive(t, buckets["cli-acct-a"], stdout)
	assert.Positive(t, buckets["cli-acct-b"], stdout)
}
