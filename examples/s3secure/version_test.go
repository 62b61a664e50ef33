package main

import (
	"encoding/json"
	"runtime"
	"runtime/debug"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// TestBuildVersion: the record names the module version Go stamped, the
// commit and whether the tree was modified; a build that knows none is
// "(devel)", which known() leaves out of SARIF and OCSF.
func TestBuildVersion(t *testing.T) {
	r := buildVersion(&debug.BuildInfo{GoVersion: "go1.26.1", Main: debug.Module{Path: "github.com/s3secure/s3secure", Version: "v1.4.0"},
		Settings: []debug.BuildSetting{{Key: "vcs.revision", Value: "0123abcd"}, {Key: "vcs.modified", Value: "true"}, {Key: "GOARCH", Value: "arm64"}}})
	assert.Equal(t, versionRecord{Version: "v1.4.0", Commit: "0123abcd", Modified: true, Go: "go1.26.1",
		Platform: runtime.GOOS + "/" + runtime.GOARCH, Actions: len(policy.Actions())}, r)
	assert.Equal(t, "v1.4.0", r.known())
	assert.Positive(t, r.Actions)

	for _, bi := range []*debug.BuildInfo{nil, {Main: debug.Module{Version: "(devel)"}}, {}} {
		r := buildVersion(bi)
		assert.Equal(t, develVersion, r.Version)
		assert.Empty(t, r.known())
		assert.Empty(t, r.Commit)
		assert.False(t, r.Modified)
		assert.Equal(t, runtime.Version(), r.Go)
	}
}

// TestVersionCommand: text is one row and the summary line; JSON is one
// object with every field; an argument is a usage error.
func TestVersionCommand(t *testing.T) {
	expectNoAWS(t)
	want := thisVersion()

	code, stdout, stderr := runCLI(t, "", "version")
	require.Equal(t, exitOK, code, stderr)
	lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
	require.Len(t, lines, 3, stdout)
	assert.Equal(t, []string{"VERSION", "COMMIT", "MODIFIED", "GO", "PLATFORM", "CATALOG_ACTIONS"}, strings.Fields(lines[0]))
	assert.Contains(t, lines[1], want.Go)
	assert.Equal(t, "s3secure "+want.Version, lines[2])

	code, stdout, stderr = runCLI(t, "", "-format", "json", "version")
	require.Equal(t, exitOK, code, stderr)
	var got map[string]any
	require.NoError(t, json.Unmarshal([]byte(stdout), &got), stdout)
	assert.Equal(t, want.Version, got["version"])
	assert.Equal(t, runtime.GOOS+"/"+runtime.GOARCH, got["platform"])
	assert.EqualValues(t, len(policy.Actions()), got["catalog_actions"])
	assert.Len(t, got, 6)

	code, stdout, stderr = runCLI(t, "", "version", "extra")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "s3secure: version: unexpected argument \"extra\"\n", stderr)
}

// TestVersionInReports: a build that knows its version names it in lint's
// SARIF (tool.driver.version) and in OCSF (metadata.product.version), so a
// report says which s3secure wrote it; a "(devel)" build leaves both out
// rather than write a version nobody can install.
func TestVersionInReports(t *testing.T) {
	policyFile := writeFile(t, "public.json", lintPublic)
	reports := func() (sarifVersion, ocsfVersion any) {
		t.Helper()
		code, stdout, stderr := runCLI(t, "", "-format", "sarif", "lint", policyFile)
		require.Equal(t, exitFindings, code, stderr)
		var log struct {
			Runs []struct {
				Tool struct {
					Driver map[string]any `json:"driver"`
				} `json:"tool"`
			} `json:"runs"`
		}
		require.NoError(t, json.Unmarshal([]byte(stdout), &log), stdout)
		require.Len(t, log.Runs, 1)

		code, stdout, stderr = runCLI(t, "", "-local", "-format", "ocsf", "audit", "-bucket", "version-bucket", "-controls", "S3.5")
		require.Contains(t, []int{exitOK, exitFindings}, code, stderr)
		var finding struct {
			Metadata struct {
				Product map[string]any `json:"product"`
			} `json:"metadata"`
		}
		first, _, _ := strings.Cut(stdout, "\n")
		require.NoError(t, json.Unmarshal([]byte(first), &finding), stdout)
		require.Equal(t, "s3secure", finding.Metadata.Product["name"])
		return log.Runs[0].Tool.Driver["version"], finding.Metadata.Product["version"]
	}

	s, o := reports()
	assert.Nil(t, s, "a test binary is (devel): no SARIF version")
	assert.Nil(t, o, "a test binary is (devel): no OCSF version")

	old := readBuildInfo
	t.Cleanup(func() { readBuildInfo = old })
	readBuildInfo = func() (*debug.BuildInfo, bool) {
		return &debug.BuildInfo{Main: debug.Module{Path: "github.com/s3secure/s3secure", Version: "v1.4.0"}}, true
	}
	s, o = reports()
	assert.Equal(t, "v1.4.0", s)
	assert.Equal(t, "v1.4.0", o)
}
