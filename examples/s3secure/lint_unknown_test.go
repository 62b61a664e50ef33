package main

import (
	"encoding/json"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A Terraform plan of a new bucket and its policy: the policy names the
// bucket's ARN, known only after apply, so the whole document is
// after_unknown (jsonencode or aws_iam_policy_document of an unknown value
// is unknown). It may be public: nothing was checked.
const planUnknownPolicy = `{"format_version": "1.2", "terraform_version": "1.9.5",
 "resource_changes": [
  {"address": "aws_s3_bucket.site", "mode": "managed", "type": "aws_s3_bucket", "name": "site",
   "change": {"actions": ["create"], "before": null, "after": {"bucket_prefix": "site-"}, "after_unknown": {"arn": true, "bucket": true, "id": true}}},
  {"address": "aws_s3_bucket_policy.site", "mode": "managed", "type": "aws_s3_bucket_policy", "name": "site",
   "change": {"actions": ["create"], "before": null, "after": {}, "after_unknown": {"bucket": true, "id": true, "policy": true}}}
 ]}`

// A template whose bucket policy is a parameter without a Default, and
// one whose statements are imported from another stack.
const templateUnknownPolicy = `Parameters:
  Doc:
    Type: String
Resources:
  FromParameter:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument: !Ref Doc
  Imported:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: c
      PolicyDocument:
        Version: "2012-10-17"
        Statement: !ImportValue shared-statements
`

// TestLintReportsPoliciesItCannotRead: a policy known only at deployment
// (a plan's after_unknown, a template's !Ref of a parameter without a
// Default or !ImportValue) was left out without a word: lint said "0
// policies: 0 findings" and exited 0, and its SARIF log had no result, so
// a gate passed a policy nobody checked, a public one included. Each is
// now a blocking finding (S3SECURE_UNKNOWN_POLICY) at its resource, in
// every format; -allow-unknown-policies makes it a WARNING, for a pipeline
// that checks the deployed policy otherwise.
func TestLintReportsPoliciesItCannotRead(t *testing.T) {
	plan := writeFile(t, "plan.json", planUnknownPolicy)
	tmpl := writeFile(t, "template.yaml", templateUnknownPolicy)

	code, stdout, stderr := runCLI(t, "", "-format", "json", "lint", plan, tmpl)
	assert.Equal(t, exitFindings, code, stderr)
	lines := parseLines(t, stdout)
	require.Len(t, lines, 3, stdout)
	want := []struct {
		resource string
		line     int
	}{{"aws_s3_bucket_policy.site", 6}, {"FromParameter", 9}, {"Imported", 15}}
	for i, l := range lines {
		assert.Equal(t, want[i].resource, l.Resource)
		assert.Equal(t, "S3SECURE_UNKNOWN_POLICY", l.Code)
		assert.Equal(t, "ERROR", l.Severity)
		assert.Equal(t, -1, l.Statement)
		assert.Equal(t, want[i].line, l.Line, l.Resource)
		assert.Contains(t, l.Message, "not checked")
	}

	code, stdout, _ = runCLI(t, "", "lint", plan)
	assert.Equal(t, exitFindings, code)
	assert.Contains(t, stdout, "1 file, 1 policy: 1 finding, 1 blocking\n")

	code, stdout, _ = runCLI(t, "", "-format", "sarif", "lint", plan)
	assert.Equal(t, exitFindings, code)
	var log struct {
		Runs []struct {
			Results []struct{ RuleID, Level string }
		}
	}
	require.NoError(t, json.Unmarshal([]byte(stdout), &log))
	require.Len(t, log.Runs[0].Results, 1)
	assert.Equal(t, "S3SECURE_UNKNOWN_POLICY", log.Runs[0].Results[0].RuleID)
	assert.Equal(t, "error", log.Runs[0].Results[0].Level)

	code, stdout, _ = runCLI(t, "", "-format", "json", "lint", "-allow-unknown-policies", plan, tmpl)
	assert.Equal(t, exitOK, code)
	for _, l := range parseLines(t, stdout) {
		assert.Equal(t, "WARNING", l.Severity)
	}
}
