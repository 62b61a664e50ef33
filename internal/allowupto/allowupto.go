// Package allowupto merges an Allow…UpTo option (presign's
// AllowExpiryUpTo, analyzer's AllowAgeUpTo) with the deprecated field it
// replaces (MaxExpiry, MaxAge), so that every package reads the pair the
// same way.
package allowupto

import "time"

// Merge returns the smaller of allow and deprecated that is set (non-zero):
// deprecated when allow is zero, allow when deprecated is zero. Setting both
// never allows more than either; a negative value, being the smaller, is
// kept for the caller to refuse.
func Merge(allow, deprecated time.Duration) time.Duration {
	switch {
	case allow == 0:
		return deprecated
	case deprecated == 0:
		return allow
	}
	return min(allow, deprecated)
}
