package s3fake

import "time"

// Defaults. Each is pinned by TestDefaults.
const (
	// DefaultAccountID is the owner account, AWS's documentation example
	// account, so ARNs in tests read like the AWS docs.
	DefaultAccountID = "111122223333"
	// DefaultRegion is where buckets live unless a LocationConstraint says
	// otherwise; us-east-1 is the region with S3's legacy quirks.
	DefaultRegion = "us-east-1"
	// DefaultOwnerAccessKeyID and DefaultOwnerSecretAccessKey are the owner
	// account root's credentials: fixed, so a local `serve` is scriptable.
	// They are fake and grant nothing outside this process.
	DefaultOwnerAccessKeyID     = "AKIAS3FAKEOWNER00001"
	DefaultOwnerSecretAccessKey = "s3fake/owner/secret/DO-NOT-USE-OUTSIDE-TESTS"
	// DefaultMaxSkew is S3's allowed clock skew for header-signed requests.
	DefaultMaxSkew = 15 * time.Minute
	// MaxPolicySize is S3's bucket policy limit, counted after removing
	// whitespace outside strings (20 KB).
	MaxPolicySize = 20 * 1024
	// MaxBucketTags and MaxObjectTags are S3's tag-count limits.
	MaxBucketTags = 50
	MaxObjectTags = 10
)
