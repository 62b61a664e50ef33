package iac_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// A YAML merge key (<<) copies a mapping's members into another, as
// aliases copy values: CloudFormation takes neither, but aws cloudformation
// package writes the template it deploys with both resolved (cfn-lint's
// W1100 warns of merges for that reason). A policy whose Properties, or a
// resource whose Type, came from a merge was left out without a word, and
// a statement merged from another was reported as having an unknown
// element "<<" instead of being checked.
func TestCloudFormationYAMLMergeKeys(t *testing.T) {
	src := []byte(`Metadata:
  Public: &public
    Effect: Allow
    Principal: "*"
  Props: &props
    Bucket: my-bucket
    PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: "arn:aws:s3:::my-bucket/*"}]}
  Type: &type {Type: AWS::S3::BucketPolicy}
Resources:
  Statement:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - <<: *public
            Action: s3:GetObject
            Resource: "arn:aws:s3:::my-bucket/*"
  Properties:
    Type: AWS::S3::BucketPolicy
    Properties:
      <<: *props
  Type:
    <<: [*type, {Type: AWS::SNS::TopicPolicy}]
    Properties: *props
  Overridden:
    Type: AWS::S3::BucketPolicy
    Properties:
      <<: *props
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "111122223333"}, Action: s3:GetObject, Resource: "arn:aws:s3:::my-bucket/*"}]}
`)
	ps, err := iac.CloudFormation(src)
	require.NoError(t, err)
	type row struct {
		res   string
		codes []string
	}
	var got []row
	for _, p := range ps {
		r := row{res: p.Resource}
		for _, f := range p.Validate(nil) {
			r.codes = append(r.codes, f.Code)
		}
		got = append(got, r)
	}
	assert.Equal(t, []row{
		{"Statement", []string{policy.CodePublicAccess}},
		{"Properties", []string{policy.CodePublicAccess}},
		{"Type", []string{policy.CodePublicAccess}}, // the first mapping merged wins
		{"Overridden", nil},                         // a key of the mapping itself wins over a merged one
	}, got)
}
