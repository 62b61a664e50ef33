package usage

import "time"

// Defaults. Each is pinned by a test.
const (
	// DefaultSince is how far back the window of observed use reaches: 90
	// days, the longest window IAM Access Analyzer's policy generation
	// offers, long enough to include monthly and quarterly jobs.
	DefaultSince = 90 * 24 * time.Hour
	// DefaultMaxResources is the most resources (and s3:prefix values) a
	// proposed statement lists: few enough for a reviewer to read, and for
	// a bucket policy of dozens of principals to stay under S3's 20 KB.
	DefaultMaxResources = 10
	// DefaultConcurrency is how many log objects are read at once: enough
	// to hide S3's first-byte latency; each reader holds two 64 KiB
	// buffers (and gzip's window).
	DefaultConcurrency = 4
	// DefaultMaxTrackedKeys is the most keys (or prefixes) remembered for
	// one principal and action while reading; beyond it the closest are
	// merged into prefixes. It is what bounds memory: a few hundred bytes a
	// key, whatever the size of the logs.
	DefaultMaxTrackedKeys = 1024
	// MaxBreaks is the most replay failures a report lists; the count goes
	// on.
	MaxBreaks = 100
)
