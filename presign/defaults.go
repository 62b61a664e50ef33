package presign

import "time"

// Defaults. Each is pinned by TestDefaults.
const (
	// DefaultExpiry is used when a request's Expires is zero: long enough to
	// start a download or upload, short enough that a leaked URL soon dies.
	DefaultExpiry = 15 * time.Minute

	// DefaultMaxExpiry caps every expiry when Options.AllowExpiryUpTo is zero: an
	// hour covers slow uploads while keeping leaked links short-lived.
	DefaultMaxExpiry = time.Hour

	// HardMaxExpiry is SigV4's limit (X-Amz-Expires ≤ 604800): S3 refuses
	// anything longer at use time, so no option can exceed it.
	HardMaxExpiry = 7 * 24 * time.Hour

	// MinExpiry is the shortest expiry accepted: X-Amz-Expires counts whole
	// seconds and the SDK silently turns 500ms into 0.
	MinExpiry = time.Second

	// DefaultMaxClockSkew is the verifier's tolerance for X-Amz-Date in the
	// future (and for header-signed requests in the past): S3 uses 15 minutes.
	DefaultMaxClockSkew = 15 * time.Minute

	// MaxKeyLength is S3's limit on object key length, in UTF-8 bytes.
	MaxKeyLength = 1024

	// DefaultPostMaxContentLength is the content-length-range upper bound of
	// a POST policy when none is given: 10 MiB stops a form from being used
	// to fill the bucket.
	DefaultPostMaxContentLength = 10 << 20
)
