package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/report/ocsf"
)

// TestAuditOrganizationUnauditedRowsHaveSeverity: in audit -organization,
// what could not be audited (a bucket whose Region refuses the
// credentials, an account whose role cannot be assumed, a Region that is
// not enabled) is an UNKNOWN row with a severity of HIGH or above in JSON,
// text and OCSF, so a gate or view keeping HIGH and above never passes it:
// the bucket's is the highest of the controls it stands for, as in the
// single-account audit (TestUnauditedBucketHasTheSeverityOfItsControls);
// it had none (JSON "", OCSF severity_id 0). A suspended account is one
// NOT_APPLICABLE row in every format, so the record says it was seen.
func TestAuditOrganizationUnauditedRowsHaveSeverity(t *testing.T) {
	a, args := orgEnv(t, 3, nil)
	require.NoError(t, a.CreateBucketWith("far-bucket", &s3fake.BucketOptions{State: s3fake.StateLegacy, Region: "ap-east-1", AccountID: "222200000001"}))
	a.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultInvalidToken, Region: "ap-east-1"})
	run := func(format string, extra ...string) string {
		t.Helper()
		cmd := append(append(args, "-format", format, "audit", "-organization", "-role", orgTestRole, "-account-controls",
			"-regions", "us-east-1,ap-east-1"), extra...)
		code, out, errOut := runCLI(t, "", cmd...)
		require.Equal(t, exitFindings, code, errOut)
		return out
	}
	type key struct{ account, resource, region string }
	want := map[key]string{
		{"222200000001", "far-bucket", "ap-east-1"}:   "CRITICAL", // S3.2 and S3.3 among the default controls
		{"222200000001", "222200000001", "ap-east-1"}: "",         // Region not enabled: its controls' own severities
		{"222200000002", "222200000002", ""}:          "CRITICAL", // unreachable: its S3Secure.AccountAccess row stands for its buckets
	}

	// Security Hub's severities of the account controls
	// (https://docs.aws.amazon.com/securityhub/latest/userguide/s3-controls.html).
	ownSeverity := map[string]string{"S3.1": "MEDIUM", "S3.19": "CRITICAL", "S3.22": "MEDIUM", "S3.23": "MEDIUM", "S3.24": "HIGH"}

	unknown := map[key]bool{}
	suspended := 0
	for _, r := range orgRows(t, run("json")) {
		if r.AccountID == "222200000003" {
			suspended++
			assert.Equal(t, "NOT_APPLICABLE", r.Status, "the suspended account")
			continue
		}
		if r.Status != "UNKNOWN" {
			continue
		}
		k := key{r.AccountID, r.Resource, r.Region}
		unknown[k] = true
		if own, ok := ownSeverity[r.Control]; ok {
			assert.Equal(t, own, r.Severity, "one control's row has its severity: %+v", r)
		} else {
			assert.GreaterOrEqual(t, ocsf.ParseSeverity(r.Severity), ocsf.SeverityHigh, "%+v", r)
			if w := want[k]; w != "" {
				assert.Equal(t, w, r.Severity, "%+v", r)
			}
		}
	}
	assert.Equal(t, 1, suspended, "the suspended account is one row")
	for k := range want {
		assert.True(t, unknown[k], "an UNKNOWN row for %v", k)
	}

	got := map[key]bool{}
	suspended = 0
	for _, rec := range ocsfRecords(t, run("ocsf")) {
		cloud := rec["cloud"].(map[string]any)
		account := cloud["account"].(map[string]any)["uid"].(string)
		res := rec["resources"].([]any)[0].(map[string]any)
		region, _ := cloud["region"].(string)
		if account == "222200000003" {
			suspended++
			assert.Equal(t, "NOT_APPLICABLE", rec["status_code"], "the suspended account")
			continue
		}
		if rec["status_code"] != "UNKNOWN" {
			continue
		}
		k := key{account, res["name"].(string), region}
		got[k] = true
		assert.Greater(t, rec["severity_id"], float64(ocsf.SeverityUnknown), "%v", rec)
		analytic := rec["finding_info"].(map[string]any)["analytic"].(map[string]any)["uid"].(string)
		if w := want[k]; w != "" && ownSeverity[analytic] == "" {
			assert.Equal(t, strings.ToUpper(w[:1])+strings.ToLower(w[1:]), rec["severity"], "%v", rec)
		}
	}
	assert.Equal(t, 1, suspended, "the suspended account is one record")
	for k := range want {
		assert.True(t, got[k], "an UNKNOWN record for %v", k)
	}

	text := run("text")
	assert.Contains(t, text, "account 222200000003 (member-3): SKIPPED: 0 PASS, 0 FAIL, 0 UNKNOWN, 1 NOT_APPLICABLE")
	line := ""
	for _, l := range strings.Split(text, "\n") {
		if strings.Contains(l, "far-bucket") {
			line = l
		}
	}
	assert.Regexp(t, `\bUNKNOWN\s+CRITICAL\b`, line)
}
