package main

import (
	"bytes"
	"regexp"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStory runs the program and checks each turn of the story, so that
// what it prints stays true.
func TestStory(t *testing.T) {
	var out bytes.Buffer
	require.NoError(t, run(t.Context(), &out))
	text := out.String()

	sections := regexp.MustCompile(`(?m)^\d\. `).Split(text, -1)
	require.Len(t, sections, 6, text)
	form, upload, refused, download, tooLong := sections[1], sections[2], sections[3], sections[4], sections[5]

	// 1. The form pins prefix, type, size and expiry; no signature printed.
	assert.Contains(t, form, "field    key = uploads/${filename}")
	assert.Contains(t, form, "field    x-amz-signature = REDACTED")
	// The form expires 10 minutes after the server's clock at the start.
	clock := regexp.MustCompile(`its clock reads (\S+)\.`).FindStringSubmatch(sections[0])
	require.NotNil(t, clock, sections[0])
	now, err := time.Parse(time.RFC3339, clock[1])
	require.NoError(t, err)
	assert.Contains(t, form, "policy   expiration "+now.Add(formExpiry).UTC().Format("2006-01-02T15:04:05.000Z"))
	assert.Contains(t, form, `policy   ["starts-with","$key","uploads/"]`)
	assert.Contains(t, form, `policy   ["starts-with","$Content-Type","image/"]`)
	assert.Contains(t, form, `policy   ["content-length-range",0,1048576]`)

	// 2. The browser's upload is stored under the prefix.
	assert.Contains(t, upload, "-> 204 stored at /uploads-demo/uploads/cat.png")

	// 3. Each upload outside the form's policy is refused by S3.
	// Over the cap: S3 answers 400 EntityTooLarge ("Your proposed upload
	// exceeds the maximum allowed size").
	assert.Regexp(t, `1 MiB \+ 1 byte:\s+-> 400 EntityTooLarge \(Your proposed upload exceeds the maximum allowed size\)`, refused)
	assert.Regexp(t, `text/html:\s+-> 403 AccessDenied \(.*Policy Condition failed: starts-with \$content-type\)`, refused)
	assert.Regexp(t, `key outside:\s+-> 403 AccessDenied \(.*Policy Condition failed: starts-with \$key\)`, refused)
	assert.Regexp(t, `11m0s later:\s+-> 403 AccessDenied \(Invalid according to Policy: Policy expired\.\)`, refused)
	assert.NotContains(t, refused, "stored at")

	// 4. The presigned GET works, is redacted, and nothing refused was stored.
	assert.Regexp(t, `https://127\.0\.0\.1:PORT/uploads-demo/uploads/cat\.png\?\S*X-Amz-Expires=300\S*&X-Amz-Signature=REDACTED\n`, download)
	assert.Contains(t, download, "GET -> 200, 2048 bytes, Content-Type image/png, same bytes as uploaded: true")
	for _, name := range []string{"huge.png", "page.html", "late.png"} {
		assert.Regexp(t, name+`\s+GET -> 404 NoSuchKey`, download)
	}

	// 5. An 8-day URL is refused with the typed error.
	assert.Contains(t, tooLong, "refused: presign: expiry 192h0m0s exceeds the 1h0m0s maximum")
	assert.Contains(t, tooLong, "errors.Is(err, presign.ErrExpiryTooLong) = true")

	// No signature anywhere in the output.
	assert.NotRegexp(t, `(?i)signature[=: ]+[0-9a-f]{16,}`, text)
}

// TestDeterministic pins that two runs print the same text apart from the
// times, which the package comment promises.
func TestDeterministic(t *testing.T) {
	var a, b bytes.Buffer
	require.NoError(t, run(t.Context(), &a))
	require.NoError(t, run(t.Context(), &b))
	times := regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z|\d{8}(T\d{6}Z)?`)
	assert.Equal(t, times.ReplaceAllString(a.String(), "TIME"), times.ReplaceAllString(b.String(), "TIME"))
}

func TestS3Error(t *testing.T) {
	code, msg := s3Error([]byte(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>AccessDenied</Code><Message>the policy&#39;s range</Message></Error>`))
	assert.Equal(t, "AccessDenied", code)
	assert.Equal(t, "the policy's range", msg)
	code, _ = s3Error([]byte("not xml"))
	assert.Equal(t, "?", code)
}
