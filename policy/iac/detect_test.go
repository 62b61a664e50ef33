package iac_test

import (
	"errors"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy/iac"
)

// A YAML template with a syntax error is still a template: Find gives the
// YAML error with its line. It was read as a policy, whose error was
// "unexpected 'R', expected a value" at line 1 of a file that has no
// problem there.
func TestBrokenYAMLTemplate(t *testing.T) {
	for name, src := range map[string]string{
		"Resources":  "Resources:\n  A: [\n",
		"version":    "AWSTemplateFormatVersion: '2010-09-09'\nDescription: x\nResources:\n  A: {Type: AWS::S3::Bucket\n",
		"after text": "# a template\nDescription: \"x\nResources: {}\n",
	} {
		t.Run(name, func(t *testing.T) {
			assert.Equal(t, iac.FormatCloudFormation, iac.Detect([]byte(src)))
			f, _, err := iac.Find([]byte(src))
			assert.Equal(t, iac.FormatCloudFormation, f)
			var se *iac.SyntaxError
			require.True(t, errors.As(err, &se), "%v", err)
			assert.Positive(t, se.Line)
		})
	}
	// Broken YAML that names no template key stays a policy file.
	assert.Equal(t, iac.FormatPolicy, iac.Detect([]byte("a: [\n")))
}
