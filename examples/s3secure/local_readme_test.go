package main

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestREADMELocal holds the README's paragraph on -local to what each
// command does with it: the commands it lists as refusing -local (exit 2,
// a line that names -local and points to serve) are exactly those that
// do, in the order of this table; and a bucket named with -bucket is made
// in the empty in-memory AWS first, as an old bucket for audit and harden
// (they find and fix its settings) and as AWS creates one today for
// cloudfront, accesspoint and suggest. lint reads only files; serve is
// the local server itself.
func TestREADMELocal(t *testing.T) {
	logs := oldLogFolder(t, "local-demo")
	runs := []struct {
		name string // as the README writes it
		args []string
	}{
		{"accesspoint", []string{"accesspoint", "create", "-bucket", "local-demo", "-name", "app", "-allow-internet"}},
		{"account-bpa", []string{"account-bpa"}},
		{"analyze -bucket", []string{"analyze", "-bucket", "local-demo"}},
		{"analyze -all", []string{"analyze", "-all"}},
		{"analyze -offline -bucket", []string{"analyze", "-offline", "-bucket", "local-demo"}},
		{"analyze -offline -all", []string{"analyze", "-offline", "-all"}},
		{"audit -bucket", []string{"audit", "-bucket", "local-demo"}},
		{"audit -all", []string{"audit", "-all"}},
		{"audit -organization", []string{"audit", "-organization", "-role", orgTestRole}},
		{"cloudfront", []string{"cloudfront", "-bucket", "local-demo"}},
		{"data-events", []string{"data-events", "-trail", "trail"}},
		{"harden", []string{"harden", "-bucket", "local-demo"}},
		{"keys", []string{"keys"}},
		{"presign", []string{"presign", "-bucket", "local-demo", "-key", "k"}},
		{"suggest", []string{"suggest", "-bucket", "local-demo", "-server-logs", logs}},
	}
	var refused []string
	outputs := map[string]string{}
	for _, r := range runs {
		code, stdout, stderr := runCLI(t, "", append([]string{"-local", "-format", "json"}, r.args...)...)
		outputs[r.name] = stdout
		if code == exitUsage && strings.Contains(stderr, "-local") {
			assert.Contains(t, stderr, "s3secure serve", "%s refuses -local: it points to serve", r.name)
			refused = append(refused, "`"+r.name+"`")
			continue
		}
		assert.NotEqual(t, exitUsage, code, "-local %s: %s", r.name, stderr)
		assert.NotEqual(t, exitInternal, code, "-local %s: %s", r.name, stderr)
	}
	require.NotEmpty(t, refused)

	sections := readmeSections(t)
	text := strings.Join(strings.Fields(sections["The command-line tool"]), " ")
	assert.Contains(t, text, "Commands that need state from an earlier run ("+strings.Join(refused, ", ")+") refuse `-local` and point to `serve`",
		"the README lists the commands that refuse -local")

	// The bucket named is made first: an old one for audit and harden.
	assert.Contains(t, text, "for `audit` and `harden` as an old bucket with nothing configured")
	assert.Contains(t, outputs["audit -bucket"], `"control":"S3.8","cis":"2.1.4","title":"S3 general purpose buckets should have block public access settings enabled","status":"FAIL"`)
	assert.Contains(t, outputs["harden"], `"step":"ownership-controls","action":"create"`)
	// As AWS creates one today for the others: Block Public Access on.
	assert.Contains(t, text, "for `cloudfront`, `accesspoint` and `suggest` as AWS creates one today")
	assert.Contains(t, outputs["cloudfront"], `"step":"create-distribution","action":"create"`)
	assert.Contains(t, outputs["accesspoint"], `"step":"access-point","action":"create"`)
	// -local's own help says so too.
	_, help := commandFlags(t, "audit")
	assert.Contains(t, help, "it starts empty, but for a demo bucket of the -bucket name the command gives")
}

// TestLocalRegion: -local's in-memory AWS takes its Region from -region
// only, never from the machine's AWS settings (it reads none), and the
// help of -region says so: with AWS_REGION=eu-west-1 a -local bucket is
// made in us-east-1, with -region eu-west-1 in eu-west-1.
func TestLocalRegion(t *testing.T) {
	t.Setenv("AWS_REGION", "eu-west-1")
	t.Setenv("AWS_DEFAULT_REGION", "eu-west-1")
	code, stdout, stderr := runCLI(t, "", "-local", "harden", "-bucket", "region-demo", "-create")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "create bucket in us-east-1")
	code, stdout, stderr = runCLI(t, "", "-local", "-region", "eu-west-1", "harden", "-bucket", "region-demo", "-create")
	require.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "create bucket in eu-west-1")

	_, help := commandFlags(t, "harden")
	assert.Contains(t, help, "the AWS Region (default: from the environment or profile, else us-east-1; with -local, us-east-1 whatever the environment says)")
}
