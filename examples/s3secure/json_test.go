package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// fieldNameRe is the shape of our JSON field names (snake_case).
var fieldNameRe = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

var update = flag.Bool("update", false, "rewrite the golden files under testdata")

// jsonType names the JSON type of a value: string, number, bool, null,
// array of T, object.
func jsonType(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return "string"
	case float64:
		return "number"
	case bool:
		return "bool"
	case []any:
		if len(x) == 0 {
			return "array"
		}
		return "array of " + jsonType(x[0])
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if len(keys) == 0 {
			return "object"
		}
		if !fieldNameRe.MatchString(keys[0]) {
			// A map (principal, conditions, headers): its keys are data.
			return "object of " + jsonType(x[keys[0]])
		}
		parts := make([]string, len(keys))
		for i, k := range keys {
			parts[i] = k + ": " + jsonType(x[k])
		}
		return "object {" + strings.Join(parts, ", ") + "}"
	}
	return fmt.Sprintf("%T", v)
}

// TestJSONFields pins the fields of every command's JSON lines, in order,
// with their types (testdata/json-fields.golden; go test -update rewrites
// it): stable, typed fields, lists as arrays (never null), one name per
// concept across commands. Only keys' last_used and last_service are null
// (a key never used).
func TestJSONFields(t *testing.T) {
	a := startAWS(t, nil)
	seedEndpointAWS(t, a)
	require.NoError(t, a.CreateBucket("fields-public", s3fake.StateLegacy))
	_, err := a.OwnerClient().PutBucketPolicy(t.Context(), &s3.PutBucketPolicyInput{Bucket: aws.String("fields-public"), Policy: aws.String(
		`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::fields-public/*"}]}`)})
	require.NoError(t, err)
	arn := a.Analyzer.AddAnalyzer(a.Region(), "fields", aatypes.TypeAccount)
	_, err = a.Analyzer.SeedFinding(arn, aatypes.Finding{Resource: aws.String("arn:aws:s3:::ep-site"), IsPublic: aws.Bool(true),
		Principal: map[string]string{"AWS": "*"}, Action: []string{"s3:GetObject"}, Sources: []aatypes.FindingSource{{Type: aatypes.FindingSourceTypePolicy}}})
	require.NoError(t, err)
	a.IAM.AddUser("bob", time.Now(), iamfake.Key{ID: "AKIABOBNEVERUSED0001", Created: time.Now().Add(-200 * 24 * time.Hour)},
		iamfake.Key{ID: "AKIABOBTOOOLDKEY0001", Created: time.Now().Add(-200 * 24 * time.Hour), LastUsed: time.Now(), Service: "s3", Region: "us-east-1"})
	policyFile := filepath.Join(t.TempDir(), "policy.json")
	require.NoError(t, os.WriteFile(policyFile, []byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`), 0o600))

	commands := [][]string{
		{"audit", "-bucket", "ep-data", "-account-controls"},
		{"harden", "-bucket", "ep-data", "-dry-run"},
		{"analyze", "-all"},
		{"analyze", "-offline", "-all"},
		{"accesspoint", "create", "-bucket", "ep-data", "-name", "fields-ap", "-vpc", "vpc-1"},
		{"account-bpa"},
		{"data-events", "-trail", "main"},
		{"keys"},
		{"cloudfront", "-bucket", "ep-logs"},
		{"presign", "-bucket", "ep-data", "-key", "k"},
		{"lint", "-type", "resource", policyFile},
		{"version"},
	}
	var golden strings.Builder
	for _, args := range commands {
		code, stdout, stderr := runCLI(t, "", append([]string{"-endpoint", a.URL, "-format", "json"}, args...)...)
		require.Contains(t, []int{exitOK, exitFindings}, code, "%v: %s", args, stderr)
		fields := map[string][]string{} // field -> types seen
		var order []string
		for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
			var keys []string
			dec := json.NewDecoder(strings.NewReader(line))
			var m map[string]any
			require.NoError(t, json.Unmarshal([]byte(line), &m), line)
			_, _ = dec.Token()
			for dec.More() {
				tok, err := dec.Token()
				require.NoError(t, err)
				keys = append(keys, tok.(string))
				var skip json.RawMessage
				require.NoError(t, dec.Decode(&skip))
			}
			if order == nil {
				order = keys
			}
			assert.Equal(t, order, keys, "%v: every line has the same fields in the same order", args)
			for _, k := range keys {
				if ty := jsonType(m[k]); !slices.Contains(fields[k], ty) {
					fields[k] = append(fields[k], ty)
				}
			}
		}
		require.NotEmpty(t, order, "%v printed no JSON", args)
		label := args[0]
		if len(args) > 1 && args[1] == "-offline" {
			label += " -offline"
		}
		fmt.Fprintf(&golden, "%s\n", label)
		for _, k := range order {
			types := fields[k]
			sort.Strings(types)
			if args[0] != "keys" {
				assert.NotContains(t, types, "null", "%v: field %s is null", args, k)
			}
			fmt.Fprintf(&golden, "  %s: %s\n", k, strings.Join(types, " | "))
		}
	}
	path := filepath.Join("testdata", "json-fields.golden")
	if *update {
		require.NoError(t, os.MkdirAll("testdata", 0o755))
		require.NoError(t, os.WriteFile(path, []byte(golden.String()), 0o644))
	}
	want, err := os.ReadFile(path)
	require.NoError(t, err, "run go test -run TestJSONFields -update to write it")
	assert.Equal(t, string(want), golden.String())
}

// TestTextEndsWithSummary: text output always ends with a summary line,
// also when nothing was found (then it is the whole output).
func TestTextEndsWithSummary(t *testing.T) {
	a := startAWS(t, nil)
	seedEndpointAWS(t, a)
	for _, tc := range []struct {
		args    []string
		summary string // the last line, a regexp
		alone   bool   // nothing found: the summary is the whole output
	}{
		{[]string{"-local", "audit", "-all"}, `audited 0 buckets: 0 PASS, 0 FAIL, 0 UNKNOWN, 0 NOT_APPLICABLE \(0 blocking\)`, true},
		{[]string{"audit", "-bucket", "ep-data"}, `audited 1 bucket: \d+ PASS, \d+ FAIL, 0 UNKNOWN, \d+ NOT_APPLICABLE \(\d+ blocking\)`, false},
		{[]string{"-local", "analyze", "-offline", "-all"}, `0 findings: 0 active \(blocking\), 0 archived \(offline analysis of the buckets' own settings\)`, true},
		{[]string{"analyze", "-all"}, `0 findings: 0 active \(blocking\), 0 archived`, true},
		{[]string{"-local", "keys"}, `0 access keys needing attention: 0 active \(blocking\), 0 inactive`, true},
		{[]string{"harden", "-bucket", "ep-site", "-dry-run"}, `plan for ep-site: \d+ changes?, \d+ steps? already as wanted; nothing written \(run without -dry-run to apply\)`, false},
		{[]string{"accesspoint", "create", "-bucket", "ep-data", "-name", "sum-ap", "-vpc", "vpc-1", "-dry-run"},
			`plan for access point sum-ap \(arn:aws:s3:us-east-1:\d{12}:accesspoint/sum-ap\): 2 changes; nothing written \(run without -dry-run to apply\)`, false},
		{[]string{"account-bpa"}, `account \d{12}: planned: nothing written; run with -apply .*`, false},
		{[]string{"data-events", "-trail", "main"}, `trail arn:aws:cloudtrail:us-east-1:\d{12}:trail/main: planned: nothing written; run with -apply to write the event selectors`, false},
	} {
		args := tc.args
		if args[0] != "-local" {
			args = append([]string{"-endpoint", a.URL}, args...)
		}
		code, stdout, stderr := runCLI(t, "", args...)
		require.Contains(t, []int{exitOK, exitFindings}, code, "%v: %s", args, stderr)
		require.True(t, strings.HasSuffix(stdout, "\n"), "%v: %q", args, stdout)
		lines := strings.Split(strings.TrimSuffix(stdout, "\n"), "\n")
		assert.Regexp(t, "^"+tc.summary+"$", lines[len(lines)-1], args)
		if tc.alone {
			assert.Len(t, lines, 1, "%v: %s", args, stdout)
		}
	}
}
