package iac_test

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// Fn::ForEach (the AWS::LanguageExtensions transform) makes resources of
// a fragment, once for each item of a collection: "All instances of
// ${Identifier} or &{Identifier} in the OutputKey and OutputValue
// parameters are replaced with the values from the Collection parameter",
// which is "an array in this parameter, or it can be a Ref to a
// CommaDelimitedList". The policies of such resources were left out
// without a word, so a public one passed lint.
func TestCloudFormationForEach(t *testing.T) {
	src := []byte(`Transform: AWS::LanguageExtensions
Parameters:
  Buckets: {Type: CommaDelimitedList, Default: "logs-bucket,ab"}
  Unknown: {Type: CommaDelimitedList}
Resources:
  Fn::ForEach::Public:
    - Name
    - [my-bucket, data.bucket]
    - '&{Name}Policy':
        Type: AWS::S3::BucketPolicy
        Properties:
          Bucket: !Ref Name
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: !Sub "arn:aws:s3:::${Name}/*"}
  Fn::ForEach::Named:
    - Name
    - !Ref Buckets
    - ${Name}Policy:
        Type: AWS::S3::BucketPolicy
        Properties:
          Bucket: !Ref Name
          PolicyDocument:
            Version: "2012-10-17"
            Statement:
              - {Effect: Allow, Principal: {AWS: "111122223333"}, Action: s3:GetObject, Resource: "arn:aws:s3:::${Name}/*"}
  Fn::ForEach::Outer:
    - Team
    - [red, blue]
    - Fn::ForEach::Inner:
        - Access
        - !Ref Unknown
        - ${Team}${Access}:
            Type: AWS::IAM::ManagedPolicy
            Properties:
              PolicyDocument:
                Version: "2012-10-17"
                Statement:
                  - {Effect: Allow, Action: !Sub "s3:${Access}", Resource: !Sub "arn:aws:s3:::${Team}-bucket/*"}
                  - {Effect: Allow, Action: s3:GetObjectt, Resource: !Sub "arn:aws:s3:::${Team}-bucket/*"}
`)
	ps, err := iac.CloudFormation(src)
	require.NoError(t, err)
	type row struct {
		res   string
		codes []string
		line  int
	}
	var got []row
	for _, p := range ps {
		r := row{res: p.Resource}
		for _, f := range p.Validate(nil) {
			r.codes = append(r.codes, f.Code)
			r.line = f.Line
		}
		got = append(got, r)
	}
	assert.Equal(t, []row{
		{"mybucketPolicy", []string{policy.CodePublicAccess}, 16},
		{"databucketPolicy", []string{policy.CodePublicAccess}, 16},
		{"logs-bucketPolicy", nil, 0},
		{"abPolicy", []string{policy.CodeInvalidBucketName}, 27}, // the Default's second item, "ab", is no bucket name
		{"red${Access}", []string{"INVALID_ACTION"}, 41},         // the collection is known only at deployment
		{"blue${Access}", []string{"INVALID_ACTION"}, 41},
	}, got)
}

// Fn::ForEach may also make the members of a mapping inside a resource's
// properties; loops over long lists in each other stay bounded.
func TestCloudFormationForEachMembers(t *testing.T) {
	ps, err := iac.CloudFormation(tmpl(`          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: arn:aws:s3:::my-bucket/*
            Condition:
              StringEquals:
                Fn::ForEach::Keys:
                  - Key
                  - [aws:SourceVpce]
                  - ${Key}: vpce-1a2b3c4d
`))
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Empty(t, ps[0].Validate(nil), "limited to an endpoint: not public\n%s", ps[0].Document)

	long := strings.Repeat("a,", 200_000) + "a"
	src := "Parameters:\n  L: {Type: CommaDelimitedList, Default: '" + long + "'}\nResources:\n" +
		"  Fn::ForEach::A:\n    - X\n    - !Ref L\n    - Fn::ForEach::B:\n        - Y\n        - !Ref L\n        - ${X}${Y}:\n            Type: AWS::IAM::ManagedPolicy\n" +
		"            Properties: {PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}}\n"
	start := time.Now()
	ps, err = iac.CloudFormation([]byte(src))
	require.NoError(t, err)
	assert.Less(t, len(ps), 100_000)
	assert.Less(t, time.Since(start), 20*time.Second)
}
