package main

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
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
