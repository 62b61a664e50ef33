package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestOCSFFindingPerRegionOfAnAccountControl: finding_info.uid is the
// finding's identity, so a consumer (Security Hub) keeps one finding per
// uid and a later record replaces an earlier one. audit -organization
// -account-controls reports the Region-wide controls (S3.19 access points,
// S3.22/S3.23 trails) once in each Region, all about the account: their
// records had one uid, so an UNKNOWN or FAIL of one Region was replaced by
// the PASS of the next and disappeared. Each (control, resource, Region)
// now has its own uid; a bucket's, whose ARN names it alone, is as before.
func TestOCSFFindingPerRegionOfAnAccountControl(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "ocsf", "audit", "-organization", "-role", "S3SecureAudit",
		"-account-controls", "-regions", "us-east-1,eu-west-1")
	require.Equal(t, exitFindings, code, stderr)
	recs := ocsfRecords(t, stdout)
	type key struct{ control, resource, region string }
	uids := map[string]key{}
	perRegion := 0
	for _, r := range recs {
		uid := r["finding_info"].(map[string]any)["uid"].(string)
		k := key{r["metadata"].(map[string]any)["event_code"].(string),
			r["resources"].([]any)[0].(map[string]any)["uid"].(string), ""}
		if region, ok := r["cloud"].(map[string]any)["region"].(string); ok {
			k.region = region
		}
		if prev, dup := uids[uid]; dup {
			t.Errorf("two records share uid %s: %+v and %+v", uid, prev, k)
		}
		uids[uid] = k
		if k.control == "S3.22" && k.resource == "AWS::::Account:222200000001" {
			perRegion++
		}
	}
	assert.Equal(t, 2, perRegion, "S3.22 of member-1 in each Region")
	assert.Contains(t, uids, "s3secure/S3.8/arn:aws:s3:::demo-222200000001", "a bucket's uid is unchanged")
}

// TestOCSFAccountRecordsNameTheirRegion: without -region, audit
// -account-controls audits the account controls in the configured Region
// (AWS_REGION, the profile's), but its OCSF records named none, in
// cloud.region or the uid: two runs for two Regions wrote S3.22 under one
// uid, and the second run's PASS replaced the first one's FAIL. The
// records name the Region the controls were audited in.
func TestOCSFAccountRecordsNameTheirRegion(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "ocsf", "audit", "-all", "-account-controls")
	require.Equal(t, exitFindings, code, stderr)
	n := 0
	for _, r := range ocsfRecords(t, stdout) {
		res := r["resources"].([]any)[0].(map[string]any)
		if res["type"] != ocsfAccountType {
			continue
		}
		n++
		assert.Equal(t, "us-east-1", r["cloud"].(map[string]any)["region"], r["finding_info"])
		assert.Regexp(t, `/us-east-1$`, r["finding_info"].(map[string]any)["uid"])
	}
	assert.Positive(t, n)
}
