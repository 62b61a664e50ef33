package main

import (
	"os"
	"regexp"
	"strings"
)

// secretParam matches a secret value written as name=value: SigV4 query
// parameters (in any letter case, %2D-escaped or not), CloudFront's
// Signature, and the environment-variable spelling of AWS credentials.
var secretParam = regexp.MustCompile(`(?i)((?:x(?:-|%2d)amz(?:-|%2d)signature|x(?:-|%2d)amz(?:-|%2d)security(?:-|%2d)token|signature|aws_secret_access_key|aws_session_token)(?:=|%3d))[^&\s"'<>]+`)

// redactSecrets replaces the values secretParam matches with REDACTED. The
// CLI passes every error message through it before writing stderr, so an
// error that quotes a presigned or signed URL (an SDK or transport error
// naming the request URL, say) does not put a bearer credential in a
// terminal log or CI output.
func redactSecrets(msg string) string {
	return secretParam.ReplaceAllString(msg, "${1}REDACTED")
}

// redact is the pass everything the CLI prints of an error or a panic
// goes through: redactSecrets, and the secret key and session token of
// the environment cut out wherever they appear.
func redact(s string) string {
	for _, name := range []string{"AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"} {
		if secret := os.Getenv(name); len(secret) >= 8 {
			s = strings.ReplaceAll(s, secret, "REDACTED")
		}
	}
	return redactSecrets(s)
}
