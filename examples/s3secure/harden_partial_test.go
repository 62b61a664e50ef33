package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// A write that fails part-way: exit 2, and every step that was meant to
// change but did not says so; a second run converges.
func TestHardenFailsPartWay(t *testing.T) {
	f := s3fake.Start(t, nil)
	owner := f.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, f)
	require.NoError(t, f.CreateBucket("cli-partial", s3fake.StateLegacy))
	f.InjectFault("PutBucketVersioning", s3fake.Fault{Code: "AccessDenied", StatusCode: 403})
	base := []string{"-endpoint", f.URL, "-region", "us-east-1", "-format", "json"}
	code, stdout, stderr := runCLI(t, "", append(base, "harden", "-bucket", "cli-partial")...)
	assert.Equal(t, exitUsage, code, stderr)
	assert.Contains(t, stderr, "versioning")
	rows := jsonRows(t, stdout)
	require.Len(t, rows, 6, stdout)
	for _, r := range rows {
		switch r["step"] {
		case "public-access-block", "ownership-controls", "encryption":
			assert.Equal(t, "true", r["applied"], r["step"])
		default:
			assert.Equal(t, "false", r["applied"], r["step"])
		}
	}
	f.ResetCounts()
	code, stdout, _ = runCLI(t, "", "-endpoint", f.URL, "-region", "us-east-1", "harden", "-bucket", "cli-partial")
	assert.Equal(t, exitUsage, code)
	assert.Regexp(t, `bucket-policy +create +add .* \[not applied\]\n`, stdout, "text marks the steps not applied")
	assert.Regexp(t, `(?m)^cli-partial: stopped part-way: 0 of 3 changes applied \(run again once the error is fixed\)$`, stdout)
	f.ClearFaults()
	code, stdout, stderr = runCLI(t, "", append(base, "harden", "-bucket", "cli-partial")...)
	require.Equal(t, exitOK, code, stderr)
	assert.NotContains(t, stdout, "[not applied]")
	cfg, _ := f.Bucket("cli-partial")
	assert.Equal(t, "Enabled", cfg.VersioningStatus)
}
