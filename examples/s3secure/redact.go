package main

import (
	"os"
	"strings"

	"github.com/s3secure/s3secure/internal/redaction"
)

// redact is the pass everything the CLI prints of an error or a panic
// goes through: the secret key and session token of the environment cut
// out wherever they appear, then internal/redaction.Secrets (SigV4 and
// CloudFront signatures, session tokens, the environment-variable spelling
// of credentials), so an error that quotes a presigned or signed URL (an
// SDK or transport error naming the request URL, say) does not put a
// bearer credential in a terminal log or CI output.
func redact(s string) string {
	for _, name := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if secret := os.Getenv(name); len(secret) >= 8 {
			s = strings.ReplaceAll(s, secret, redaction.Redacted)
		}
	}
	return redaction.Secrets(s)
}
