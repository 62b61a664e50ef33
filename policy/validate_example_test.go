package policy_test

import (
	"fmt"
	"strings"

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
	// 7:32 WARNING S3SECURE_DEAD_ACTION
}

// A newer AWS service reference file lets Validate know actions AWS added
// after this release. In a program, open the file AWS publishes at
// https://servicereference.us-east-1.amazonaws.com/v1/s3/s3.json; here a
// made-up action stands for one added later.
func ExampleLoadServiceReference() {
	file := `{"Name": "s3", "Version": "v1.4",
  "Actions": [{"Name": "ExampleActionAddedLater", "Resources": [{"Name": "bucket"}],
    "Annotations": {"Properties": {"IsWrite": true}}}]}`
	ref, err := policy.LoadServiceReference(strings.NewReader(file))
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("added:", ref.Added())

	doc := []byte(`{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
  "Action": "s3:ExampleActionAddedLater", "Resource": "arn:aws:s3:::example-bucket"}]}`)
	for _, opts := range []*policy.ValidateOptions{
		{Kind: policy.KindManaged},
		{Kind: policy.KindManaged, ServiceReference: ref},
	} {
		fs := policy.Validate(doc, opts)
		fmt.Println(len(fs), "findings", codesOfFindings(fs))
	}
	// Output:
	// added: [s3:ExampleActionAddedLater]
	// 1 findings [INVALID_ACTION]
	// 0 findings []
}

func codesOfFindings(fs []policy.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.Code)
	}
	return out
}
