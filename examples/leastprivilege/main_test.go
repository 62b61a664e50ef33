package main

import (
	"bytes"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStory runs the story and checks each turn of it, so that the README's
// section keeps telling the truth.
func TestStory(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out))
	text := out.String()
	sections := regexp.MustCompile(`(?m)^\d\. `).Split(text, -1)
	require.Len(t, sections, 7, text)
	traffic, suggest, narrowed, proof, inForce := sections[2], sections[3], sections[4], sections[5], sections[6]

	assert.Regexp(t, `252 requests from \w+ \d+ \w+ to \w+ \d+ \w+; S3 delivered \d+ access log objects to s3://shop-logs/shop-data/`, traffic)
	assert.Contains(t, suggest, "(0 malformed)")
	assert.Regexp(t, `user/orders\s+s3:PutObject\s+112\s+arn:aws:s3:::shop-data/orders/\*`, suggest)
	assert.Regexp(t, `user/reporting\s+s3:ListBucket\s+7\s+arn:aws:s3:::shop-data \(listing orders/\*\)`, suggest)
	assert.Regexp(t, `444455556666:user/analytics\s+s3:GetObject\s+7\s+arn:aws:s3:::shop-data/exports/partner/\*`, suggest)
	assert.Contains(t, suggest, "unused: arn:aws:iam::444455556666:root may do s3:* and used 1 of its")
	assert.Contains(t, suggest, "withheld: 4 requests by the owner's root user")

	assert.Regexp(t, `UserAnalyticsObjects\s+s3:GetObject\s+arn:aws:s3:::shop-data/exports/partner/\*`, narrowed)
	assert.NotContains(t, narrowed, "s3:*\n")
	assert.Regexp(t, `5 statements, \d+ bytes`, narrowed)

	assert.Contains(t, proof, "256 requests, 256 decisions: 256 allowed, 0 broken; every grant backed by a request: true")

	assert.Regexp(t, `the partner reads its export\s+-> allowed`, inForce)
	assert.Regexp(t, `the partner reads an order\s+-> refused \(AccessDenied\)`, inForce)
	assert.Regexp(t, `the partner writes an export\s+-> refused \(AccessDenied\)`, inForce)

	// The README shows this run's output: every line it quotes is in it.
	readme, err := os.ReadFile("../../README.md")
	require.NoError(t, err)
	start := strings.Index(string(readme), "```\n   used:")
	require.Positive(t, start, "the README quotes the story's output")
	quoted := string(readme)[start+4:]
	quoted = quoted[:strings.Index(quoted, "```")]
	for _, l := range strings.Split(strings.TrimSpace(quoted), "\n") {
		if strings.TrimSpace(l) != "..." {
			assert.Contains(t, text, l+"\n", "the README quotes a line the story does not print")
		}
	}
}
