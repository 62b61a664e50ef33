package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/securebucket"
)

// TestStory runs the quickstart and checks each turn of the story, so the
// README's first command keeps telling the truth.
func TestStory(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, runLocal(t.Context(), &out))
	text := out.String()

	sections := regexp.MustCompile(`(?m)^\d\. `).Split(text, -1)
	require.Len(t, sections, 9, text)
	firstAudit, anonBefore, harden, secondAudit, anonAfter, kept, again :=
		sections[2], sections[3], sections[4], sections[5], sections[6], sections[7], sections[8]

	assert.Regexp(t, `S3\.2\s+FAIL\s+CRITICAL`, firstAudit)
	assert.Regexp(t, `S3\.8\s+FAIL`, firstAudit)
	assert.Regexp(t, `S3\.5\s+FAIL`, firstAudit)
	assert.NotContains(t, firstAudit, "=> 0 of")

	assert.Contains(t, anonBefore, "-> 200: anyone can read \"quarter,revenue\"")

	assert.Contains(t, harden, "public-access-block")
	assert.Contains(t, harden, "add S3SecureDenyInsecureTransport")
	assert.Contains(t, harden, `kept public statements "PublicRead"`)

	assert.Contains(t, secondAudit, "=> 0 of")
	assert.NotContains(t, secondAudit, "FAIL")
	assert.NotContains(t, secondAudit, "UNKNOWN")

	assert.Contains(t, anonAfter, "-> 403 AccessDenied: refused")

	assert.Contains(t, kept, `"PublicRead"`)
	assert.Equal(t, 1, strings.Count(kept, "S3SecureDenyInsecureTransport"))

	assert.Contains(t, again, "changed: false")
}

func TestAWSNeedsBucket(t *testing.T) {
	err := runAWS(t.Context(), &bytes.Buffer{}, "", false)
	require.Error(t, err)
	assert.Contains(t, err.Error(), "-bucket")
}

// TestFlagsNeedAWS: -bucket and -apply name a bucket of yours, which only
// -aws works on. Without -aws the demo ran on the in-memory S3 and exited
// 0, so "quickstart -bucket prod -apply" looked like prod was hardened.
func TestFlagsNeedAWS(t *testing.T) {
	for _, args := range [][]string{{"-bucket", "my-bucket"}, {"-apply"}, {"-bucket", "my-bucket", "-apply"}} {
		var stdout, stderr bytes.Buffer
		code := run(t.Context(), args, &stdout, &stderr)
		assert.Equal(t, 2, code, args)
		assert.Empty(t, stdout.String(), "%v: nothing runs", args)
		assert.Contains(t, stderr.String(), "quickstart: -bucket and -apply work on a bucket of yours and need -aws", args)
	}
	var stdout, stderr bytes.Buffer
	assert.Equal(t, 2, run(t.Context(), []string{"-nope"}, &stdout, &stderr))
	assert.Equal(t, 0, run(t.Context(), []string{"-h"}, &stdout, &stderr))
}

// TestAWSAuditCountsUnknown: a control that could not be read is UNKNOWN,
// never a pass, so the summary line does not say "0 of 12 controls fail"
// about a bucket whose settings it could not see; and a plan with nothing
// to change says so instead of asking for -apply.
func TestAWSAuditCountsUnknown(t *testing.T) {
	srv := s3securetest.NewServer(t, nil)
	client := s3.NewFromConfig(srv.Config)
	ctx := t.Context()
	_, err := securebucket.Create(ctx, client, "mine", nil)
	require.NoError(t, err)

	var out bytes.Buffer
	require.NoError(t, hardenBucket(ctx, &out, client, "mine", false))
	assert.Contains(t, out.String(), "=> 0 of 12 controls fail\n")
	assert.Contains(t, out.String(), "Nothing to change: the bucket is hardened.")
	assert.NotContains(t, out.String(), "-apply")

	require.NoError(t, srv.InjectFault(s3securetest.ServiceS3, "GetBucketVersioning", s3securetest.Fault{Code: "AccessDenied", Status: 403}))
	out.Reset()
	err = hardenBucket(ctx, &out, client, "mine", false)
	assert.Contains(t, out.String(), "=> 0 of 12 controls fail, 2 could not be read (UNKNOWN: not a pass)\n")
	assert.ErrorContains(t, err, "AccessDenied", "the plan cannot be made without the setting either")
}
