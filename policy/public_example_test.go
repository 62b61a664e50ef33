package policy_test

import (
	"fmt"

	"github.com/s3secure/s3secure/policy"
)

// IsPublic applies S3's definition of a public bucket policy: a fixed
// aws:SourceVpce limits the grant to everyone; a wildcard one does not.
func ExampleIsPublic() {
	for _, vpce := range []string{"vpce-1a2b3c4d", "vpce-*"} {
		doc, err := policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{
		  "Sid": "ViaEndpoint", "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
		  "Resource": "arn:aws:s3:::example-bucket/*",
		  "Condition": {"StringLike": {"aws:SourceVpce": "` + vpce + `"}}}]}`))
		if err != nil {
			panic(err)
		}
		st := policy.IsPublic(doc, policy.KindBucket)
		fmt.Println(vpce, st.IsPublic)
	}
	// With Block Public Access's BlockPublicPolicy on, S3 refuses a public policy.
	doc, _ := policy.Parse([]byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*",
	  "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/*"}]}`))
	ok, _ := policy.AllBlocked().AllowsPolicy(doc, policy.KindBucket)
	fmt.Println("allowed under Block Public Access:", ok)
	// Output:
	// vpce-1a2b3c4d false
	// vpce-* true
	// allowed under Block Public Access: false
}
