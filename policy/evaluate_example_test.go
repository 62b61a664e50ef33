package policy_test

import (
	"fmt"

	"github.com/s3secure/s3secure/policy"
)

// Compile a bucket policy once, then decide requests against it.
func ExampleCompile() {
	doc, err := policy.Parse([]byte(`{
	  "Version": "2012-10-17",
	  "Statement": [
	    {"Sid": "DenyInsecureTransport", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
	     "Resource": ["arn:aws:s3:::example-bucket", "arn:aws:s3:::example-bucket/*"],
	     "Condition": {"Bool": {"aws:SecureTransport": "false"}}},
	    {"Sid": "TeamRead", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:role/team"},
	     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::example-bucket/team/*"}
	  ]
	}`))
	if err != nil {
		panic(err)
	}
	c, err := policy.Compile(doc)
	if err != nil {
		panic(err)
	}
	req := &policy.Request{
		Caller:   policy.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/team/ci", Account: "111122223333"},
		Action:   "s3:GetObject",
		Resource: "arn:aws:s3:::example-bucket/team/report.csv",
	}
	req.Context.SetBool("aws:SecureTransport", true)
	r := c.Decide(req)
	fmt.Println(r.Decision, r.By.Sid)

	req.Context.SetBool("aws:SecureTransport", false)
	r = c.Decide(req)
	fmt.Println(r.Decision, r.By.Sid)

	req.Caller = policy.Caller{} // anonymous
	req.Context.SetBool("aws:SecureTransport", true)
	fmt.Println(c.Decide(req).Decision)
	// Output:
	// Allow TeamRead
	// ExplicitDeny DenyInsecureTransport
	// ImplicitDeny
}
