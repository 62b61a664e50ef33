// Package redaction cuts secret values out of text s3secure prints or logs:
// the CLI's error messages and panics, and the HTTP server log of the
// in-memory AWS (s3secure serve, s3securetest). One rule for all of them.
package redaction

import "regexp"

// Redacted stands for a value cut out.
const Redacted = "REDACTED"

var (
	// param matches a secret value written as name=value: SigV4 query
	// parameters and the Authorization header's Signature (in any letter
	// case, %2D-escaped or not), CloudFront's Signature, and the
	// environment-variable spelling of AWS credentials.
	param = regexp.MustCompile(`(?i)((?:x(?:-|%2d)amz(?:-|%2d)signature|x(?:-|%2d)amz(?:-|%2d)security(?:-|%2d)token|signature|aws_secret_access_key|aws_session_token)(?:=|%3d))[^&\s"'<>]+`)
	// header matches the session token header as Go and HTTP print it:
	// "X-Amz-Security-Token: tok", http.Header's map[X-Amz-Security-Token:[tok]]
	// and %#v's "X-Amz-Security-Token":[]string{"tok"}.
	header = regexp.MustCompile(`(?i)(x-amz-security-token"?:\s*(?:\[\]string\{)?\[?"?)[^&\s"'<>\]}]+`)
)

// Secrets returns s with every value param or header matches replaced by
// [Redacted]. The access key id (X-Amz-Credential, Credential=) is kept:
// it names a key, it is not a secret, and it tells whose request it was.
func Secrets(s string) string {
	s = param.ReplaceAllString(s, "${1}"+Redacted)
	return header.ReplaceAllString(s, "${1}"+Redacted)
}
