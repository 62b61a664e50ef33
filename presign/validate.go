package presign

import (
	"net"
	"net/url"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/s3secure/s3secure/internal/plainhttp"
)

// ValidateBucket reports whether name follows the S3 general purpose bucket
// naming rules: 3–63 characters of lower-case letters, digits, dots and
// hyphens; starting and ending with a letter or digit; no two adjacent dots;
// not shaped like an IP address; none of the reserved prefixes (xn--,
// sthree-, amzn-s3-demo-) or suffixes (-s3alias, --ol-s3, .mrap, --x-s3,
// --table-s3). See
// https://docs.aws.amazon.com/AmazonS3/latest/userguide/bucketnamingrules.html.
// The error is a *[ValidationError] wrapping [ErrInvalidBucket].
func ValidateBucket(name string) error {
	bad := func(reason string) error {
		return &ValidationError{Field: "bucket", Reason: reason, Err: ErrInvalidBucket}
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("must be 3 to 63 characters, got " + strconv.Itoa(len(name)))
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '.' || c == '-') {
			return bad("only lower-case letters, digits, '.' and '-' are allowed")
		}
	}
	if !isAlnum(name[0]) || !isAlnum(name[len(name)-1]) {
		return bad("must begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") {
		return bad("must not contain two adjacent periods")
	}
	if looksNumeric(name) && net.ParseIP(name) != nil {
		return bad("must not be formatted as an IP address")
	}
	for _, p := range [...]string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return bad("must not start with the reserved prefix " + strconv.Quote(p))
		}
	}
	for _, s := range [...]string{"-s3alias", "--ol-s3", ".mrap", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return bad("must not end with the reserved suffix " + strconv.Quote(s))
		}
	}
	return nil
}

// looksNumeric reports whether s has only digits and dots, the only way a
// name of bucket characters can parse as an IP address; it spares
// net.ParseIP's allocation on the signing path.
func looksNumeric(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && (c < '0' || c > '9') {
			return false
		}
	}
	return true
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }

// ValidateKey reports whether key is safe to sign: not empty, at most
// [MaxKeyLength] bytes, valid UTF-8, no control characters (Unicode Cc,
// which includes NUL, CR, LF, DEL and C1 controls), and no "." or ".."
// path segments (which clients and proxies normalise away, so the URL would
// name a different object). The error is a *[ValidationError] wrapping
// [ErrInvalidKey]; it never repeats the key.
func ValidateKey(key string) error {
	bad := func(reason string) error {
		return &ValidationError{Field: "key", Reason: reason, Err: ErrInvalidKey}
	}
	if key == "" {
		return bad("must not be empty")
	}
	if len(key) > MaxKeyLength {
		return bad("is " + strconv.Itoa(len(key)) + " bytes, over the 1024-byte limit")
	}
	// Fast path: printable ASCII only.
	ascii := true
	for i := 0; i < len(key); i++ {
		c := key[i]
		if c < 0x20 || c == 0x7f {
			return bad("must not contain control characters")
		}
		if c >= utf8.RuneSelf {
			ascii = false
		}
	}
	if !ascii {
		if !utf8.ValidString(key) {
			return bad("must be valid UTF-8")
		}
		for _, r := range key {
			if unicode.IsControl(r) {
				return bad("must not contain control characters")
			}
		}
	}
	for seg := range strings.SplitSeq(key, "/") {
		if seg == "." || seg == ".." {
			return bad(`must not contain "." or ".." path segments`)
		}
	}
	return nil
}

// validateRegion accepts what the S3 endpoint rules accept as a region: a
// single DNS label.
func validateRegion(region string) error {
	bad := func(reason string) error {
		return &ValidationError{Field: "region", Reason: reason, Err: ErrInvalidRegion}
	}
	if region == "" {
		return bad("must be set")
	}
	if len(region) > 63 {
		return bad("longer than 63 characters")
	}
	for i := 0; i < len(region); i++ {
		c := region[i]
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
			return bad("only lower-case letters, digits and '-' are allowed")
		}
	}
	if region[0] == '-' || region[len(region)-1] == '-' {
		return bad("must not begin or end with '-'")
	}
	return nil
}

// parseEndpoint checks a custom endpoint: absolute http(s) URL without user
// info, query or fragment, a path of unreserved characters only, and HTTPS
// unless the host is a loopback address or insecure is set.
func parseEndpoint(raw string, insecure bool) (*url.URL, error) {
	bad := func(reason string) error {
		return &ValidationError{Field: "endpoint", Reason: reason, Err: ErrInvalidEndpoint}
	}
	u, err := url.Parse(raw)
	if err != nil {
		return nil, bad("not a URL")
	}
	if u.Host == "" || u.Opaque != "" {
		return nil, bad("must be an absolute URL with a host")
	}
	if u.User != nil {
		return nil, bad("must not contain user information")
	}
	if u.RawQuery != "" || u.ForceQuery || u.Fragment != "" {
		return nil, bad("must not contain a query or fragment")
	}
	for i := 0; i < len(u.Path); i++ {
		if c := u.Path[i]; !(unreserved(c) || c == '/') {
			return nil, bad("path may contain only unreserved characters and '/'")
		}
	}
	if u.RawPath != "" {
		return nil, bad("path may contain only unreserved characters and '/'")
	}
	switch u.Scheme {
	case "https":
	case "http":
		if !insecure && !IsLoopback(u.Hostname()) {
			return nil, bad("plain HTTP is allowed only for loopback hosts (set InsecureAllowHTTP to override)")
		}
	default:
		return nil, bad("scheme must be https")
	}
	return u, nil
}

// IsLoopback reports whether host (without port) is "localhost" or an IP
// address in 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool { return plainhttp.IsLoopback(host) }

func unreserved(c byte) bool {
	return c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' ||
		c == '-' || c == '.' || c == '_' || c == '~'
}
