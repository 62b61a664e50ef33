package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

const lintGood = `{"Version":"2012-10-17","Statement":[{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*",
 "Resource":["arn:aws:s3:::my-bucket","arn:aws:s3:::my-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`

const lintPublic = `{
  "Version": "2012-10-17",
  "Statement": [
    {"Sid": "PublicRead", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}
  ]
}`

const lintSuggestion = `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["s3:GetObject","s3:Get*"],"Resource":"arn:aws:s3:::my-bucket/*"}]}`

func writeFile(t *testing.T, name, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), name)
	require.NoError(t, os.WriteFile(p, []byte(content), 0o600))
	return p
}

type lintLine struct {
	File      string `json:"file"`
	Resource  string `json:"resource"`
	Severity  string `json:"severity"`
	Code      string `json:"code"`
	Statement int    `json:"statement"`
	Line      int    `json:"line"`
	Column    int    `json:"column"`
	Message   string `json:"message"`
}

func parseLines(t *testing.T, out string) []lintLine {
	t.Helper()
	var lines []lintLine
	for _, l := range strings.Split(strings.TrimSpace(out), "\n") {
		if l == "" {
			continue
		}
		var ll lintLine
		require.NoError(t, json.Unmarshal([]byte(l), &ll), l)
		lines = append(lines, ll)
	}
	return lines
}

func TestLintJSON(t *testing.T) {
	good := writeFile(t, "good.json", lintGood)
	public := writeFile(t, "public.json", lintPublic)
	code, stdout, stderr := runCLI(t, "", "-format", "json", "lint", good, public)
	assert.Equal(t, exitFindings, code, stderr)
	lines := parseLines(t, stdout)
	require.Len(t, lines, 1)
	assert.Equal(t, lintLine{File: public, Severity: "SECURITY_WARNING", Code: "S3SECURE_PUBLIC_ACCESS", Statement: 0, Line: 4, Column: 59,
		Message: lines[0].Message}, lines[0])
	assert.Contains(t, lines[0].Message, "public")
	// Keys come in the documented order.
	assert.True(t, strings.HasPrefix(stdout, `{"file":`+strconvQuote(public)+`,"resource":"","severity":`))
	assert.Contains(t, stdout, `"statement":0,"line":4,"column":59,"message":`)
}

func TestLintExitCodes(t *testing.T) {
	good := writeFile(t, "good.json", lintGood)
	sugg := writeFile(t, "sugg.json", lintSuggestion)
	code, stdout, _ := runCLI(t, "", "lint", good)
	assert.Equal(t, exitOK, code)
	assert.Equal(t, "1 file, 1 policy: 0 findings, 0 blocking\n", stdout, "text ends with a summary, even when nothing was found")

	code, stdout, _ = runCLI(t, "", "lint", sugg)
	assert.Equal(t, exitOK, code, "a SUGGESTION does not block")
	assert.Contains(t, stdout, "REDUNDANT_ACTION")
	assert.Contains(t, stdout, "FILE", "text mode has a header row")

	code, _, stderr := runCLI(t, "", "lint", filepath.Join(t.TempDir(), "missing.json"))
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "lint:")
	assert.Equal(t, 1, strings.Count(stderr, "\n"), "one-line message")

	code, _, stderr = runCLI(t, "", "lint")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "no files")

	code, _, stderr = runCLI(t, "", "lint", "-type", "scp", good)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-type")
}

func TestLintStdinAndTypes(t *testing.T) {
	identity := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::my-bucket/*"}]}`
	code, stdout, _ := runCLI(t, identity, "-format", "json", "lint", "-type", "identity", "-")
	assert.Equal(t, exitFindings, code)
	lines := parseLines(t, stdout)
	require.NotEmpty(t, lines)
	assert.Equal(t, "<stdin>", lines[0].File)
	assert.Equal(t, "UNSUPPORTED_PRINCIPAL", lines[0].Code)

	code, stdout, _ = runCLI(t, "{\"Version\": \"2012-10-17\",\n \"Statement\": [}", "-format", "json", "lint", "-")
	assert.Equal(t, exitFindings, code)
	lines = parseLines(t, stdout)
	require.Len(t, lines, 1)
	assert.Equal(t, "JSON_SYNTAX_ERROR", lines[0].Code)
	assert.Equal(t, -1, lines[0].Statement)
	assert.Equal(t, 2, lines[0].Line)
}

func strconvQuote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

func TestLintTemplatesAndPlans(t *testing.T) {
	tmpl := filepath.Join("..", "..", "policy", "iac", "testdata", "template.yaml")
	plan := filepath.Join("..", "..", "policy", "iac", "testdata", "plan.json")
	code, stdout, stderr := runCLI(t, "", "-format", "json", "lint", "-account-id", "111122223333", tmpl, plan)
	assert.Equal(t, exitFindings, code, stderr)
	lines := parseLines(t, stdout)
	type key struct {
		file, resource, code string
		line                 int
	}
	var got []key
	for _, l := range lines {
		got = append(got, key{l.File, l.Resource, l.Code, l.Line})
		assert.Positive(t, l.Column)
	}
	assert.Equal(t, []key{
		{tmpl, "BucketPolicy", "S3SECURE_PUBLIC_ACCESS", 36},
		{tmpl, "Reader", "REDUNDANT_ACTION", 54},
		{tmpl, "Reader", "INVALID_ACTION", 57},
		{plan, "aws_s3_bucket_policy.this", "S3SECURE_PUBLIC_ACCESS", 1},
		{plan, "module.app.aws_iam_role.reader", "REDUNDANT_ACTION", 1},
		{plan, "aws_iam_policy.unknown", "S3SECURE_UNKNOWN_POLICY", 1}, // known only after apply: not checked
		{plan, "data.aws_iam_policy_document.logs", "EMPTY_SID_VALUE", 1},
	}, got)

	// Text: one line per finding with the resource, then the summary.
	code, stdout, _ = runCLI(t, "", "lint", tmpl)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, "RESOURCE")
	assert.Regexp(t, `template\.yaml\s+BucketPolicy\s+SECURITY_WARNING\s+S3SECURE_PUBLIC_ACCESS\s+2\s+36\s+24\s+the statement is public`, stdout)
	assert.True(t, strings.HasSuffix(stdout, "1 file, 2 policies: 3 findings, 2 blocking\n"), stdout)

	// A template on standard input.
	yaml := "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement:\n          - {Effect: Allow, Action: !Sub 's3:${Op}', Resource: !GetAtt B.Arn}\n"
	code, stdout, _ = runCLI(t, yaml, "-format", "json", "lint", "-")
	assert.Equal(t, exitOK, code, "placeholders are never errors: %s", stdout)
	assert.Empty(t, stdout)

	// A template that does not parse is one finding at the error.
	code, stdout, _ = runCLI(t, "{\"Resources\": {\n  \"A\": }", "-format", "json", "lint", "-")
	assert.Equal(t, exitFindings, code)
	lines = parseLines(t, stdout)
	require.Len(t, lines, 1)
	assert.Equal(t, lintLine{File: "<stdin>", Severity: "ERROR", Code: "JSON_SYNTAX_ERROR", Statement: -1, Line: 2, Column: 8, Message: lines[0].Message}, lines[0])
}

func TestLintSARIF(t *testing.T) {
	tmpl := filepath.Join("..", "..", "policy", "iac", "testdata", "template.yaml")
	public := writeFile(t, "public.json", lintPublic)
	code, stdout, stderr := runCLI(t, "", "-format", "sarif", "lint", tmpl, public)
	assert.Equal(t, exitFindings, code, stderr)

	// The official schema accepts the log (the report/sarif tests say where
	// it comes from).
	f, err := os.Open(filepath.Join("..", "..", "report", "sarif", "testdata", "sarif-schema-2.1.0.json"))
	require.NoError(t, err)
	defer f.Close()
	schemaDoc, err := jsonschema.UnmarshalJSON(f)
	require.NoError(t, err)
	c := jsonschema.NewCompiler()
	require.NoError(t, c.AddResource("sarif.json", schemaDoc))
	schema, err := c.Compile("sarif.json")
	require.NoError(t, err)
	inst, err := jsonschema.UnmarshalJSON(strings.NewReader(stdout))
	require.NoError(t, err)
	require.NoError(t, schema.Validate(inst))

	var log struct {
		Runs []struct {
			Tool struct {
				Driver struct {
					Name  string
					Rules []struct{ ID string }
				}
			}
			Results []struct {
				RuleID    string
				Level     string
				Locations []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI string }
						Region           struct{ StartLine, StartColumn int }
					}
					LogicalLocations []struct{ Name string }
				}
			}
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &log))
	require.Len(t, log.Runs, 1)
	run := log.Runs[0]
	assert.Equal(t, "s3secure", run.Tool.Driver.Name)
	require.Len(t, run.Results, 4)
	r := run.Results[0]
	assert.Equal(t, "S3SECURE_PUBLIC_ACCESS", r.RuleID)
	assert.Equal(t, "error", r.Level)
	assert.Equal(t, filepath.ToSlash(tmpl), r.Locations[0].PhysicalLocation.ArtifactLocation.URI)
	assert.Equal(t, 36, r.Locations[0].PhysicalLocation.Region.StartLine)
	assert.Equal(t, 24, r.Locations[0].PhysicalLocation.Region.StartColumn)
	assert.Equal(t, "BucketPolicy", r.Locations[0].LogicalLocations[0].Name)
	last := run.Results[3]
	assert.Equal(t, "S3SECURE_PUBLIC_ACCESS", last.RuleID)
	assert.Empty(t, last.Locations[0].LogicalLocations)
	var ids []string
	for _, rule := range run.Tool.Driver.Rules {
		ids = append(ids, rule.ID)
	}
	assert.ElementsMatch(t, []string{"S3SECURE_PUBLIC_ACCESS", "REDUNDANT_ACTION", "INVALID_ACTION"}, ids)

	// A clean run is a valid log with no results, exit 0.
	good := writeFile(t, "good.json", lintGood)
	code, stdout, _ = runCLI(t, "", "-format", "sarif", "lint", good)
	assert.Equal(t, exitOK, code)
	inst, err = jsonschema.UnmarshalJSON(strings.NewReader(stdout))
	require.NoError(t, err)
	require.NoError(t, schema.Validate(inst))
	assert.Contains(t, stdout, `"results": []`)
}

// Oversized input is refused with exit 2 before it is all read.
func TestLintSizeLimits(t *testing.T) {
	big := `{"Version":"2012-10-17","Statement":[` + strings.Repeat(`{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},`, 12_000) + `{}]}`
	require.Greater(t, len(big), maxPolicyFile)
	path := writeFile(t, "big.json", big)
	code, stdout, stderr := runCLI(t, "", "lint", path)
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Contains(t, stderr, "is larger than 1 MiB, the limit for its kind of file")
	assert.Equal(t, 1, strings.Count(stderr, "\n"))

	// The same bytes on standard input.
	code, _, stderr = runCLI(t, big, "lint", "-")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "<stdin> (policy) is larger than 1 MiB")

	// An endless file stops at the most lint reads.
	if _, err := os.Stat("/dev/zero"); err == nil {
		code, _, stderr = runCLI(t, "", "lint", "/dev/zero")
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, "/dev/zero is larger than 64 MiB, the most lint reads")
	}

	// A template may be bigger than a policy file.
	tmpl := "Resources:\n" + strings.Repeat("  # "+strings.Repeat("x", 100)+"\n", 15_000) +
		"  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties: {PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: s3:GetObjectt, Resource: '*'}]}}\n"
	require.Greater(t, len(tmpl), maxPolicyFile)
	code, stdout, stderr = runCLI(t, tmpl, "-format", "json", "lint", "-")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Contains(t, stdout, "INVALID_ACTION")
}

func TestLintAccountID(t *testing.T) {
	good := writeFile(t, "good.json", lintGood)
	code, _, stderr := runCLI(t, "", "lint", "-account-id", "12345", good)
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-account-id")
	pm := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::444455556666:root"},"Action":"s3:PutBucketPolicy","Resource":"arn:aws:s3:::my-bucket"}]}`
	path := writeFile(t, "pm.json", pm)
	code, stdout, _ := runCLI(t, "", "-format", "json", "lint", "-account-id", "444455556666", path)
	assert.Equal(t, exitOK, code, stdout)
	code, stdout, _ = runCLI(t, "", "-format", "json", "lint", "-account-id", "111122223333", path)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, "S3SECURE_CROSS_ACCOUNT_PERMISSIONS_MANAGEMENT")
}

// Flags may follow the files; "--" ends them.
func TestLintFlagsAfterFiles(t *testing.T) {
	public := writeFile(t, "public.json", lintPublic)
	code, stdout, stderr := runCLI(t, "", "lint", public, "-format", "json", "-type", "identity")
	assert.Equal(t, exitFindings, code, stderr)
	lines := parseLines(t, stdout)
	require.NotEmpty(t, lines)
	assert.Equal(t, "UNSUPPORTED_PRINCIPAL", lines[0].Code, "-type after the file applies")

	dir := t.TempDir()
	dash := filepath.Join(dir, "-p.json")
	require.NoError(t, os.WriteFile(dash, []byte(lintPublic), 0o600))
	t.Chdir(dir)
	code, stdout, stderr = runCLI(t, "", "-format", "json", "lint", "--", "-p.json")
	assert.Equal(t, exitFindings, code, stderr)
	assert.Equal(t, "-p.json", parseLines(t, stdout)[0].File)
}

// -service-reference makes an action AWS added after this build known.
func TestLintServiceReference(t *testing.T) {
	raw, err := os.ReadFile(filepath.Join("..", "..", "policy", "internal", "gen", "data", "aws-service-reference-s3.json"))
	require.NoError(t, err)
	var ref map[string]any
	require.NoError(t, json.Unmarshal(raw, &ref))
	ref["Actions"] = append(ref["Actions"].([]any), map[string]any{
		"Name": "ExampleActionAddedLater", "Annotations": map[string]any{"Properties": map[string]bool{"IsWrite": true}},
		"Resources": []map[string]string{{"Name": "bucket"}},
	})
	b, err := json.Marshal(ref)
	require.NoError(t, err)
	refFile := writeFile(t, "s3.json", string(b))
	pol := writeFile(t, "p.json", `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:ExampleActionAddedLater","Resource":"arn:aws:s3:::my-bucket"}]}`)

	code, stdout, _ := runCLI(t, "", "-format", "json", "lint", "-type", "identity", pol)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, "INVALID_ACTION")

	code, stdout, stderr := runCLI(t, "", "-format", "json", "lint", "-type", "identity", "-service-reference", refFile, pol)
	assert.Equal(t, exitOK, code, stderr)
	assert.Empty(t, stdout)

	// In a template too.
	tmpl := writeFile(t, "t.yaml", "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: s3:ExampleActionAddedLater, Resource: !GetAtt B.Arn}]}\n")
	code, _, stderr = runCLI(t, "", "lint", "-service-reference", refFile, tmpl)
	assert.Equal(t, exitOK, code, stderr)

	for _, bad := range []string{filepath.Join(t.TempDir(), "missing.json"), writeFile(t, "other.json", `{"Name":"ec2"}`)} {
		code, _, stderr = runCLI(t, "", "lint", "-service-reference", bad, pol)
		assert.Equal(t, exitUsage, code)
		assert.Contains(t, stderr, "-service-reference")
		assert.Equal(t, 1, strings.Count(stderr, "\n"))
	}
}
