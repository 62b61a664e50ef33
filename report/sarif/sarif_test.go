package sarif_test

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/report/sarif"
)

// schema compiles the official SARIF 2.1.0 schema (testdata/README.md says
// where it comes from), asserting formats such as "uri".
func schema(t *testing.T) *jsonschema.Schema {
	t.Helper()
	f, err := os.Open("testdata/sarif-schema-2.1.0.json")
	require.NoError(t, err)
	defer f.Close()
	doc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	require.NoError(t, c.AddResource(sarif.SchemaURI, doc))
	s, err := c.Compile(sarif.SchemaURI)
	require.NoError(t, err)
	return s
}

// validate checks the log's JSON against the schema and returns it decoded.
func validate(t *testing.T, s *jsonschema.Schema, log *sarif.Log) map[string]any {
	t.Helper()
	var buf bytes.Buffer
	_, err := log.WriteTo(&buf)
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(bytes.NewReader(buf.Bytes()))
	require.NoError(t, err)
	require.NoError(t, s.Validate(inst), buf.String())
	var m map[string]any
	require.NoError(t, json.Unmarshal(buf.Bytes(), &m))
	return m
}

const publicPolicy = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"},
    {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": ["s3:GetObject", "s3:Get*"], "Resource": "arn:aws:s3:::my-bucket/*"}
  ]
}`

func TestLogIsValidSARIF(t *testing.T) {
	s := schema(t)

	// An empty run is valid and says so with an empty results array.
	empty := validate(t, s, sarif.NewLog(sarif.Tool{Name: "s3secure"}))
	run := empty["runs"].([]any)[0].(map[string]any)
	assert.Equal(t, []any{}, run["results"])

	log := sarif.NewLog(sarif.Tool{Name: "s3secure", Version: "1.2.3", InformationURI: "https://github.com/s3secure/s3secure"})
	findings := policy.Validate([]byte(publicPolicy), nil)
	require.NotEmpty(t, findings)
	for _, f := range findings {
		log.Add(sarif.Location{File: "policies/public bucket.json"}, f)
	}
	// A policy inside a template names its resource; a broken one has a
	// position only for the document.
	for _, f := range policy.Validate([]byte(`{"Version": "2012-10-17", "Statement": [}`), nil) {
		log.Add(sarif.Location{File: "/abs/template.yaml", Resource: "BucketPolicy"}, f)
	}
	// A finding with an unknown code and no position (a built document).
	log.Add(sarif.Location{File: "x:y.json"}, policy.Finding{Severity: policy.SeverityWarning, Code: "CUSTOM", Statement: -1, Message: "m"})
	// Standard input has no file.
	log.Add(sarif.Location{}, findings[0])
	m := validate(t, s, log)
	assert.Equal(t, "2.1.0", m["version"])
	assert.Equal(t, sarif.SchemaURI, m["$schema"])

	// The schema check can fail: a level SARIF does not have, a line 0.
	for _, broken := range []func(*sarif.Log){
		func(l *sarif.Log) { l.Runs[0].Results[0].Level = "fatal" },
		func(l *sarif.Log) { l.Runs[0].Results[0].Locations[0].PhysicalLocation.Region.StartLine = 0 },
		func(l *sarif.Log) { l.Version = "2.0.0" },
	} {
		l := *log
		l.Runs = []sarif.Run{log.Runs[0]}
		l.Runs[0].Results = append([]sarif.Result(nil), log.Runs[0].Results...)
		r := l.Runs[0].Results[0]
		pl := *r.Locations[0].PhysicalLocation
		reg := *pl.Region
		pl.Region = &reg
		r.Locations = []sarif.ResultLocation{{PhysicalLocation: &pl}}
		l.Runs[0].Results[0] = r
		broken(&l)
		var buf bytes.Buffer
		_, err := l.WriteTo(&buf)
		require.NoError(t, err)
		inst, err := jsonschema.UnmarshalJSON(&buf)
		require.NoError(t, err)
		assert.Error(t, s.Validate(inst))
	}
}

func TestLogContent(t *testing.T) {
	log := sarif.NewLog(sarif.Tool{Name: "s3secure"})
	var public, redundant policy.Finding
	for _, f := range policy.Validate([]byte(publicPolicy), nil) {
		switch f.Code {
		case policy.CodePublicAccess:
			public = f
		case "REDUNDANT_ACTION":
			redundant = f
		}
		log.Add(sarif.Location{File: "dir/p.json"}, f)
	}
	require.Equal(t, policy.SeveritySecurityWarning, public.Severity)
	require.Equal(t, policy.SeveritySuggestion, redundant.Severity)
	log.Add(sarif.Location{File: "dir/p.json"}, public) // same code again: one rule

	run := log.Runs[0]
	rules := run.Tool.Driver.Rules
	ids := map[string]int{}
	for i, r := range rules {
		_, dup := ids[r.ID]
		assert.False(t, dup, "one rule per code: %s", r.ID)
		ids[r.ID] = i
	}
	require.Contains(t, ids, policy.CodePublicAccess)
	require.Contains(t, ids, "REDUNDANT_ACTION")

	pr := rules[ids[policy.CodePublicAccess]]
	check, _ := policy.LookupCheck(policy.CodePublicAccess)
	assert.Equal(t, "PublicAccess", pr.Name)
	assert.Equal(t, check.Title, pr.ShortDescription.Text)
	assert.Equal(t, check.Description, pr.FullDescription.Text)
	assert.Contains(t, pr.Help.Text, check.Description)
	assert.Equal(t, check.HelpURL, pr.HelpURI)
	assert.Equal(t, "error", pr.DefaultConfiguration.Level)
	assert.Equal(t, sarif.SecuritySeverity, pr.Properties["security-severity"])
	assert.Contains(t, pr.Properties["tags"], "security")

	rr := rules[ids["REDUNDANT_ACTION"]]
	assert.Equal(t, "note", rr.DefaultConfiguration.Level)
	assert.NotContains(t, rr.Properties, "security-severity")
	assert.Equal(t, "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html", rr.HelpURI)

	var got *sarif.Result
	for i := range run.Results {
		if run.Results[i].RuleID == policy.CodePublicAccess {
			got = &run.Results[i]
			break
		}
	}
	require.NotNil(t, got)
	assert.Equal(t, ids[policy.CodePublicAccess], got.RuleIndex)
	assert.Equal(t, "error", got.Level)
	assert.Equal(t, public.Message, got.Message.Text)
	require.Len(t, got.Locations, 1)
	pl := got.Locations[0].PhysicalLocation
	assert.Equal(t, "dir/p.json", pl.ArtifactLocation.URI)
	assert.Equal(t, &sarif.Region{StartLine: 4, StartColumn: public.Column}, pl.Region)
	assert.Equal(t, public.Line, 4)
	assert.Equal(t, "SECURITY_WARNING", got.Properties["severity"])
	assert.Equal(t, 0, got.Properties["statement"])
	assert.Equal(t, "PublicRead", got.Properties["sid"])
	assert.Len(t, got.PartialFingerprints["s3secureFinding/v1"], 32)
	assert.Equal(t, "unicodeCodePoints", run.ColumnKind)
}

func TestLevel(t *testing.T) {
	assert.Equal(t, "error", sarif.Level(policy.SeverityError))
	assert.Equal(t, "error", sarif.Level(policy.SeveritySecurityWarning))
	assert.Equal(t, "warning", sarif.Level(policy.SeverityWarning))
	assert.Equal(t, "note", sarif.Level(policy.SeveritySuggestion))
	assert.Equal(t, "note", sarif.Level(""))
}

func TestLocations(t *testing.T) {
	f := policy.Finding{Severity: policy.SeverityError, Code: "JSON_SYNTAX_ERROR", Statement: -1, Line: 2, Column: 3, Path: "Statement", Message: "m"}
	for _, tc := range []struct {
		loc     sarif.Location
		uri     string
		logical string
	}{
		{sarif.Location{File: "a b/p%.json"}, "a%20b/p%25.json", ""},
		{sarif.Location{File: "/tmp/t.yaml", Resource: "MyPolicy"}, "file:///tmp/t.yaml", "MyPolicy.Statement"},
		{sarif.Location{File: "c:d.json"}, "./c:d.json", ""},
		{sarif.Location{Resource: "aws_s3_bucket_policy.b"}, "", "aws_s3_bucket_policy.b.Statement"},
	} {
		log := sarif.NewLog(sarif.Tool{Name: "t"})
		log.Add(tc.loc, f)
		r := log.Runs[0].Results[0]
		require.Len(t, r.Locations, 1)
		if tc.uri == "" {
			assert.Nil(t, r.Locations[0].PhysicalLocation)
		} else {
			assert.Equal(t, tc.uri, r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
		}
		if tc.logical == "" {
			assert.Empty(t, r.Locations[0].LogicalLocations)
		} else {
			ll := r.Locations[0].LogicalLocations[0]
			assert.Equal(t, tc.loc.Resource, ll.Name)
			assert.Equal(t, tc.logical, ll.FullyQualifiedName)
			assert.Equal(t, "resource", ll.Kind)
		}
	}
	// The fingerprint does not depend on the line.
	a, b := sarif.NewLog(sarif.Tool{Name: "t"}), sarif.NewLog(sarif.Tool{Name: "t"})
	a.Add(sarif.Location{File: "p.json"}, f)
	f.Line += 10
	b.Add(sarif.Location{File: "p.json"}, f)
	assert.Equal(t, a.Runs[0].Results[0].PartialFingerprints, b.Runs[0].Results[0].PartialFingerprints)
	assert.True(t, strings.HasPrefix(a.Runs[0].Results[0].Message.Text, "m"))
}
