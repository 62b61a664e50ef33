package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestUnauditedBucketHasTheSeverityOfItsControls: a bucket that could not
// be audited at all (its Region refuses the credentials) is one UNKNOWN
// row standing for every control of the run, S3.2 and S3.3 (CRITICAL)
// among them by default, but it had no severity (JSON "", OCSF Unknown,
// severity_id 0), so a gate or a Security Hub view that keeps HIGH and
// above passed the bucket nobody audited. It now has the highest severity
// of the controls it stands for.
func TestUnauditedBucketHasTheSeverityOfItsControls(t *testing.T) {
	a := startAWS(t, nil)
	require.NoError(t, a.CreateBucketWith("far-bucket", &s3fake.BucketOptions{State: s3fake.StateLegacy, Region: "ap-east-1"}))
	a.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultInvalidToken, Region: "ap-east-1"})
	base := []string{"-endpoint", a.URL, "-region", "us-east-1"}

	code, stdout, stderr := runCLI(t, "", append(base, "-format", "json", "audit", "-all")...)
	require.Equal(t, exitFindings, code, stderr)
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 1, stdout)
	assert.Equal(t, "UNKNOWN", rows[0]["status"])
	assert.Equal(t, "CRITICAL", rows[0]["severity"])

	code, stdout, _ = runCLI(t, "", append(base, "-format", "json", "audit", "-all", "-controls", "S3.5,S3.14")...)
	require.Equal(t, exitFindings, code)
	assert.Equal(t, "MEDIUM", jsonRows(t, stdout)[0]["severity"], "the highest of S3.5 (MEDIUM) and S3.14 (LOW)")

	code, stdout, _ = runCLI(t, "", append(base, "-format", "ocsf", "audit", "-all")...)
	require.Equal(t, exitFindings, code)
	recs := ocsfRecords(t, stdout)
	require.Len(t, recs, 1)
	assert.Equal(t, "Critical", recs[0]["severity"])
	assert.Equal(t, "New", recs[0]["status"])
}
