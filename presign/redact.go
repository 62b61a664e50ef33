package presign

import (
	"net/url"
	"strings"
)

// redacted replaces secret query values in [Redact].
const redacted = "REDACTED"

// Redact returns rawURL with the values of X-Amz-Signature and
// X-Amz-Security-Token (in any letter case, their names percent-encoded
// or not) replaced by "REDACTED", for logging, also where they follow a
// ';', a second '?' or an HTML-escaped "&amp;" rather than a plain '&'. The rest of the URL, including the access key id in
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
		b.WriteString(redactParam(param))
	}
	return b.String()
}

// redactParam returns one '&'-separated pair with the value of a secret
// parameter redacted. A secret name may also follow a ';' or a '?' inside
// the pair (a URL HTML-escaped to "&amp;", joined with ';', or given a
// second '?'): the value of the first one found is redacted to the end
// of the pair.
func redactParam(param string) string {
	for start := 0; start <= len(param); {
		seg := param[start:]
		end := strings.IndexAny(seg, ";?")
		if end >= 0 {
			seg = seg[:end]
		}
		if name, _, hasValue := strings.Cut(seg, "="); hasValue && isSecretParam(name) {
			return param[:start] + name + "=" + redacted
		}
		if end < 0 {
			break
		}
		start += end + 1
	}
	return param
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
