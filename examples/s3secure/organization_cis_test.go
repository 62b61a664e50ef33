package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestAuditOrganizationRowsCarryCIS: a row of audit -organization names
// the control's CIS recommendation as audit -bucket's does, in JSON
// ("cis", after "control") and in OCSF (unmapped.cis), so a pipeline that
// maps CIS ids reads an organization run as it reads a single account's;
// the organization rows had none. Its JSON fields are the README's row
// for audit -organization.
func TestAuditOrganizationRowsCarryCIS(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "audit", "-organization", "-role", orgTestRole)
	require.Equal(t, exitFindings, code, stderr)
	seen := 0
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var r map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &r), line)
		require.Contains(t, r, "cis", line)
		if r["control"] == "S3.5" {
			assert.Equal(t, "2.1.1", r["cis"], line)
			seen++
		}
	}
	assert.Positive(t, seen, "the demo organization's buckets are audited for S3.5")

	code, stdout, stderr = runCLI(t, "", "-local", "-format", "ocsf", "audit", "-organization", "-role", orgTestRole)
	require.Equal(t, exitFindings, code, stderr)
	seen = 0
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var f struct {
			FindingInfo struct {
				UID string `json:"uid"`
			} `json:"finding_info"`
			Unmapped map[string]any `json:"unmapped"`
		}
		require.NoError(t, json.Unmarshal([]byte(line), &f), line)
		if strings.Contains(f.FindingInfo.UID, "/S3.5/") {
			assert.Equal(t, "2.1.1", f.Unmapped["cis"], line)
			seen++
		}
	}
	assert.Positive(t, seen, "OCSF records for S3.5")
}
