package iac_test

import (
	"fmt"

	"github.com/s3secure/s3secure/policy/iac"
)

func ExampleFind() {
	template := []byte(`Resources:
  Bucket:
    Type: AWS::S3::Bucket
  BucketPolicy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: !Ref Bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: !Sub "${Bucket.Arn}/*"
`)
	format, policies, err := iac.Find(template)
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(format)
	for _, p := range policies {
		for _, f := range p.Validate(nil) {
			fmt.Printf("%s line %d, column %d: %s %s\n", p.Resource, f.Line, f.Column, f.Severity, f.Code)
		}
	}
	// Output:
	// cloudformation
	// BucketPolicy line 12, column 24: SECURITY_WARNING S3SECURE_PUBLIC_ACCESS
}
