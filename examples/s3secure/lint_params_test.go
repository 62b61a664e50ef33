package main

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// A template whose bucket policy's Principal is !Ref of a parameter that
// defaults to "*" blocks (exit 1), and the finding names the parameter; it
// linted clean with exit 0.
func TestLintParameterDefault(t *testing.T) {
	tmpl := writeFile(t, "template.yaml", `Parameters:
  Reader: {Type: String, Default: "*"}
Resources:
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: !Ref Reader, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}
`)
	code, stdout, stderr := runCLI(t, "", "lint", "-format", "json", tmpl)
	assert.Equal(t, 1, code, stderr)
	lines := parseLines(t, stdout)
	require.Len(t, lines, 1, stdout)
	assert.Equal(t, "S3SECURE_PUBLIC_ACCESS", lines[0].Code)
	assert.Equal(t, "BucketPolicy", lines[0].Resource)
	assert.Equal(t, [2]int{11, 40}, [2]int{lines[0].Line, lines[0].Column})
	assert.Contains(t, lines[0].Message, `parameter Reader at its Default "*"`)
}
