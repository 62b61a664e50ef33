package iac_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy/iac"
)

// The message of a duplicate key names where the key first is; it named a
// line and column of the document the package writes out (a template's)
// or of the policy's JSON string (a plan's), not of the file.
func TestDuplicateKeyMessageNamesTheFile(t *testing.T) {
	src := []byte(`Resources:
  BP:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Principal: {AWS: "111122223333"}
            Action: s3:GetObject
            Resource: "arn:aws:s3:::my-bucket/*"
`)
	ps, err := iac.CloudFormation(src)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	fs := ps[0].Validate(nil)
	require.Len(t, fs, 1)
	assert.Equal(t, "JSON_SYNTAX_ERROR", fs[0].Code)
	assert.Equal(t, [2]int{11, 13}, [2]int{fs[0].Line, fs[0].Column})
	assert.Contains(t, fs[0].Message, "(first at line 10, column 13)")
	assert.True(t, len(at(src, 10, 13)) > 0 && at(src, 10, 13)[:10] == "Principal:")

	plan := []byte("{\"format_version\": \"1.2\", \"resource_changes\": [{\"address\": \"aws_iam_policy.p\", \"mode\": \"managed\", \"type\": \"aws_iam_policy\",\n" +
		"  \"change\": {\"actions\": [\"create\"], \"after\": {\"policy\":\n" +
		"    \"{\\\"Version\\\": \\\"2012-10-17\\\", \\\"Statement\\\": [{\\\"Effect\\\": \\\"Allow\\\", \\\"Effect\\\": \\\"Deny\\\", \\\"Action\\\": \\\"s3:GetObject\\\", \\\"Resource\\\": \\\"*\\\"}]}\"}}}]}\n")
	ps, err = iac.TerraformPlan(plan)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	fs = ps[0].Validate(nil)
	require.Len(t, fs, 1)
	assert.Equal(t, "JSON_SYNTAX_ERROR", fs[0].Code)
	assert.Equal(t, 3, fs[0].Line)
	assert.Contains(t, fs[0].Message, "(first at line 3, column 53)")
	assert.True(t, len(at(plan, 3, 53)) > 10 && at(plan, 3, 53)[:10] == `\"Effect\"`, at(plan, 3, 53))
}
