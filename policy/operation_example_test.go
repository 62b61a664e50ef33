package policy_test

import (
	"fmt"

	"github.com/s3secure/s3secure/policy"
)

// S3 and S3 Control both have an operation named GetPublicAccessBlock: S3's
// reads a bucket's Block Public Access settings, S3 Control's the account's.
// A name qualified by the SDK service asks for S3 Control's.
func ExampleLookupOperation() {
	for _, name := range []string{"GetPublicAccessBlock", "s3control:GetPublicAccessBlock", "GetBucketLifecycleConfiguration"} {
		op, ok := policy.LookupOperation(name)
		fmt.Println(ok, op.Service, op.Name, op.Required)
	}
	fmt.Println(policy.RequiredActions(false, "ListBuckets", "s3control:ListAccessPoints", "s3control:GetAccessPointPolicy"))
	// Output:
	// true s3 GetPublicAccessBlock [s3:GetBucketPublicAccessBlock]
	// true s3control GetPublicAccessBlock [s3:GetAccountPublicAccessBlock]
	// true s3 GetBucketLifecycleConfiguration [s3:GetLifecycleConfiguration]
	// [s3:ListAllMyBuckets s3:ListAccessPoints s3:GetAccessPointPolicy]
}
