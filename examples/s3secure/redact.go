package main

import "regexp"

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
