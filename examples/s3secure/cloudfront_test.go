package main

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

func TestCloudFrontCommandLocal(t *testing.T) {
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "cloudfront", "-bucket", "site-bucket", "-https-only")
	require.Equal(t, exitOK, code, stderr)
	var steps []string
	for _, line := range strings.Split(strings.TrimSpace(stdout), "\n") {
		var row struct{ Bucket, Step, Action, Detail string }
		require.NoError(t, json.Unmarshal([]byte(line), &row), line)
		assert.Equal(t, "site-bucket", row.Bucket)
		steps = append(steps, row.Step+":"+row.Action)
		if row.Step == "create-distribution" {
			assert.Contains(t, row.Detail, "https-only")
			assert.Contains(t, row.Detail, "site-bucket.s3.us-east-1.amazonaws.com")
		}
	}
	assert.Equal(t, []string{"origin-access-control:create", "create-distribution:create", "bucket-policy:create", "distribution:none"}, steps)
}

func TestCloudFrontCommandUsage(t *testing.T) {
	for _, tc := range []struct {
		args []string
		msg  string
	}{
		{[]string{"cloudfront"}, "-bucket is required"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate"}, "-migrate needs -distribution"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-delete-oai"}, "-delete-oai applies to -migrate only"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "extra"}, "unexpected argument"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate", "-distribution", "E1", "-https-only"}, "-migrate only switches the origin"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate", "-distribution", "E1", "-wait", "0"}, "-wait must be positive"},
		{[]string{"cloudfront", "-bucket", "b-b-b", "-migrate", "-distribution", "E1", "-wait", "-1s"}, "-wait must be positive"},
	} {
		code, _, stderr := runCLI(t, "", tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.msg)
	}
	code, _, stderr := runCLI(t, "", "-local", "cloudfront", "-bucket", "Bad_Name")
	assert.Equal(t, exitUsage, code)
	assert.Regexp(t, `(?i)invalid ?bucket ?name`, stderr)
}
