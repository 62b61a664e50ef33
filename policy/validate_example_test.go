package policy_test

import (
	"fmt"

	"github.com/s3secure/s3secure/policy"
)

// Validate reports what is wrong with a policy, with Access Analyzer's issue
// codes and the position of each problem.
func ExampleValidate() {
	src := []byte(`{
  "Version": "2012-10-17",
  "Statement": [{
    "Sid": "Read",
    "Effect": "Allow",
    "Principal": "*",
    "Action": ["s3:GetObject", "s3:ListBucket"],
    "Resource": "arn:aws:s3:::example-bucket/*"
  }]
}`)
	for _, f := range policy.Validate(src, &policy.ValidateOptions{Kind: policy.KindBucket}) {
		fmt.Printf("%d:%d %s %s\n", f.Line, f.Column, f.Severity, f.Code)
	}
	// Output:
	// 6:18 SECURITY_WARNING S3SECURE_PUBLIC_ACCESS
	// 7:32 ERROR S3SECURE_ACTION_RESOURCE_MISMATCH
}
