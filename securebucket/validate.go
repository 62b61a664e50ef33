package securebucket

import (
	"fmt"
	"net/netip"
	"strings"
)

// validateBucketName checks name against S3's rules for general purpose
// buckets. strict applies the rules for new buckets (Create); otherwise the
// looser rules that old us-east-1 buckets were created under are accepted
// (up to 255 characters, upper case and underscores), since Harden and
// Audit must work on buckets that exist.
func validateBucketName(name string, strict bool) error {
	bad := func(why string) error {
		return fmt.Errorf("%w %q: %s", ErrInvalidBucketName, name, why)
	}
	if name == "" {
		return bad("empty")
	}
	// These suffixes name other resources, which take no bucket
	// configuration: access point and Object Lambda access point aliases,
	// directory buckets and table buckets. Whatever the age of the bucket.
	for _, s := range []string{"-s3alias", "--ol-s3", "--x-s3", "--table-s3"} {
		if strings.HasSuffix(name, s) {
			return bad("must not end with the reserved suffix " + s + " (an alias, directory bucket or table bucket, not a general purpose bucket)")
		}
	}
	if !strict {
		if len(name) < 3 || len(name) > 255 {
			return bad("must be 3 to 255 characters long")
		}
		for _, r := range name {
			if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' || r == '_') {
				return bad(fmt.Sprintf("character %q is not allowed", r))
			}
		}
		return nil
	}
	if len(name) < 3 || len(name) > 63 {
		return bad("must be 3 to 63 characters long")
	}
	for _, r := range name {
		if !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.' || r == '-') {
			return bad(fmt.Sprintf("character %q is not allowed (lower-case letters, digits, '.' and '-' only)", r))
		}
	}
	first, last := name[0], name[len(name)-1]
	if !isAlnum(first) || !isAlnum(last) {
		return bad("must begin and end with a letter or digit")
	}
	if strings.Contains(name, "..") {
		return bad("must not contain two adjacent periods")
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return bad("must not be formatted as an IP address")
	}
	for _, p := range []string{"xn--", "sthree-", "amzn-s3-demo-"} {
		if strings.HasPrefix(name, p) {
			return bad("must not start with the reserved prefix " + p)
		}
	}
	for _, s := range []string{".mrap"} {
		if strings.HasSuffix(name, s) {
			return bad("must not end with the reserved suffix " + s)
		}
	}
	return nil
}

func isAlnum(c byte) bool { return c >= 'a' && c <= 'z' || c >= '0' && c <= '9' }
