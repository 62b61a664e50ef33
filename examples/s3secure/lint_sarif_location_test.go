package main

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestLintSARIFEveryResultHasAFile: GitHub code scanning displays a result
// only with a location in a file: "At least one location is required for
// code scanning to display a result", and a location's physicalLocation
// (artifactLocation.uri, region.startLine) is required (GitHub Docs, SARIF
// support for code scanning, result and location objects). A policy on
// standard input has no file, so its findings, a public statement
// included, would be uploaded and never shown: the alert a gate waits for
// would not come. lint -format sarif refuses standard input (exit 2,
// before any output); every result of the files it takes has a file and a
// line.
func TestLintSARIFEveryResultHasAFile(t *testing.T) {
	code, stdout, stderr := runCLI(t, lintPublic, "-format", "sarif", "lint", "-")
	assert.Equal(t, exitUsage, code, stdout)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "standard input")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
	// Given with files, too.
	code, stdout, _ = runCLI(t, lintPublic, "-format", "sarif", "lint", writeFile(t, "good.json", lintGood), "-")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	// Text and JSON name it <stdin>, as before.
	code, stdout, _ = runCLI(t, lintPublic, "-format", "json", "lint", "-")
	assert.Equal(t, exitFindings, code)
	lines := parseLines(t, stdout)
	require.NotEmpty(t, lines)
	assert.Equal(t, "<stdin>", lines[0].File)

	iacData := filepath.Join("..", "..", "policy", "iac", "testdata")
	code, stdout, stderr = runCLI(t, "", "-format", "sarif", "lint",
		filepath.Join(iacData, "template.yaml"), filepath.Join(iacData, "template.json"), filepath.Join(iacData, "plan.json"),
		writeFile(t, "public.json", lintPublic), writeFile(t, "broken.yaml", "Resources:\n  P: [\n"))
	assert.Equal(t, exitFindings, code, stderr)
	var log struct {
		Runs []struct {
			Results []struct {
				RuleID    string
				Locations []struct {
					PhysicalLocation *struct {
						ArtifactLocation struct{ URI string }
						Region           *struct{ StartLine int }
					}
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &log))
	require.Len(t, log.Runs, 1)
	require.NotEmpty(t, log.Runs[0].Results)
	for _, r := range log.Runs[0].Results {
		require.NotEmpty(t, r.Locations, r.RuleID)
		pl := r.Locations[0].PhysicalLocation
		require.NotNil(t, pl, r.RuleID)
		assert.NotEmpty(t, pl.ArtifactLocation.URI, r.RuleID)
		if assert.NotNil(t, pl.Region, r.RuleID) {
			assert.GreaterOrEqual(t, pl.Region.StartLine, 1, r.RuleID)
		}
	}
}
