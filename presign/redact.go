package presign

import (
	"net/url"
	"strings"
)

// redacted replaces secret query values in [Redact].
const redacted = "REDACTED"

// Redact returns rawURL with the values of X-Amz-Signature and
// X-Amz-Security-Token (in any letter case) replaced by "REDACTED", for
// logging. The rest of the URL, including the access key id in
// X-Amz-Credential (an identifier, not a secret), is kept so the log stays
// useful. Redact does not parse or normalise the URL otherwise; a fragment is
// dropped.
func Redact(rawURL string) string {
	base, query, ok := strings.Cut(rawURL, "?")
	if !ok {
		return rawURL
	}
	query, _, _ = strings.Cut(query, "#")
	var b strings.Builder
	b.Grow(len(rawURL))
	b.WriteString(base)
	b.WriteByte('?')
	first := true
	for param := range strings.SplitSeq(query, "&") {
		if !first {
			b.WriteByte('&')
		}
		first = false
		name, _, hasValue := strings.Cut(param, "=")
		if hasValue && isSecretParam(name) {
			b.WriteString(name)
			b.WriteString("=" + redacted)
			continue
		}
		b.WriteString(param)
	}
	return b.String()
}

func isSecretParam(escapedName string) bool {
	// Names are compared after percent-decoding, as S3 decodes them: a
	// name spelled %58-Amz-Signature is still the signature.
	n := escapedName
	if u, err := url.QueryUnescape(n); err == nil {
		n = u
	}
	n = strings.ToLower(n)
	return n == "x-amz-signature" || n == "x-amz-security-token"
}
