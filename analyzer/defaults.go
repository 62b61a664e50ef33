package analyzer

import (
	"time"

	"github.com/s3secure/s3secure/policy"
)

// Defaults. Each is pinned by a test.
const (
	// DefaultAnalyzerName is the name [EnsureAnalyzer] gives an analyzer it
	// creates: recognisable in the console as ours.
	DefaultAnalyzerName = "s3secure"
	// DefaultKeyMaxAge is the access-key age beyond which [KeyHygiene]
	// reports a key: 90 days, the rotation period of CIS AWS Foundations
	// 1.14 and Security Hub IAM.3.
	DefaultKeyMaxAge = 90 * 24 * time.Hour
	// DefaultKeyUnusedAge is how long a key may go unused before
	// [KeyHygiene] reports it: 45 days, CIS AWS Foundations 1.12 and
	// Security Hub IAM.22.
	DefaultKeyUnusedAge = 45 * 24 * time.Hour
	// DefaultConcurrency is how many buckets [AnalyzeAll] reads at once:
	// enough to hide latency, few enough to stay under S3's per-account
	// control-plane throttling.
	DefaultConcurrency = 8
	// DefaultPageSize is the maxResults sent to list calls: the largest
	// page Access Analyzer's ListFindings accepts, so fewer round trips.
	DefaultPageSize = 100
	// MaxFilterValues is the most values Access Analyzer accepts in one
	// filter criterion; bucket lists longer than this are queried in
	// batches.
	MaxFilterValues = 20
)

// DefaultGateActions returns the actions [Gate] asks CheckAccessNotGranted
// about when GateOptions.Actions is empty: granting any of them through a
// bucket policy hands over control of the bucket's own protection or lets
// others delete it. They come from AWS's Service Authorization Reference:
// every action of access level Permissions management that applies to a
// bucket (its policy, its ACL, the ownership controls that turn ACLs on,
// Block Public Access), in name order, then what DeleteBucket needs. It
// returns a new slice on each call.
func DefaultGateActions() []string {
	var out []string
	for _, a := range policy.Actions() {
		if a.AccessLevel == policy.AccessPermissionsManagement && a.AppliesTo("bucket") {
			out = append(out, a.Name)
		}
	}
	return append(out, policy.RequiredActions(false, "DeleteBucket")...)
}
