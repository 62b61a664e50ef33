package policy

// Defaults. Each is pinned by a test (defaults_test.go).
const (
	// BucketPolicyMaxBytes is S3's bucket (and access point) policy limit:
	// 20 KB, counted as bytes of the whitespace-stripped document.
	BucketPolicyMaxBytes = 20480
	// ManagedPolicyMaxChars is IAM's customer managed policy limit, in
	// non-whitespace characters.
	ManagedPolicyMaxChars = 6144
	// InlineUserPolicyMaxChars is IAM's limit for a user's inline policies.
	InlineUserPolicyMaxChars = 2048
	// InlineRolePolicyMaxChars is IAM's limit for a role's inline policies.
	InlineRolePolicyMaxChars = 10240
	// InlineGroupPolicyMaxChars is IAM's limit for a group's inline policies.
	InlineGroupPolicyMaxChars = 5120

	// SidPrefix starts the Sid of every statement this package writes
	// (ready-made statements), so [Merge] can tell ours from anyone else's.
	SidPrefix = "S3Secure"

	// MinTLSVersion is the lowest TLS version [DenyOutdatedTLS] lets through:
	// TLS 1.0 and 1.1 are deprecated (RFC 8996).
	MinTLSVersion = "1.2"
)
