package iac_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// AWS::Include inserts a file's content where its Fn::Transform is, when
// the stack is deployed ("You can use the AWS::Include transform anywhere
// within the CloudFormation template except in the template parameters
// section or the template version"): a policy resource's Properties, a
// whole resource, a role's inline policy or the Resources themselves may
// be included, and what they grant is known only at deployment. Each was
// left out without a word, so the template passed lint.
func TestCloudFormationIncludeIsUnknown(t *testing.T) {
	src := []byte(`Resources:
  BP:
    Type: AWS::S3::BucketPolicy
    Properties:
      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/policy.yaml}}
  BP2:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/policy.yaml}}
  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/policy.yaml}}
  Role2:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies: {Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/policies.yaml}}}
  Included:
    Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/resource.yaml}}
  Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/resources.yaml}}
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/bucket.yaml}}
  Topic:
    Type: AWS::SNS::Topic
  BP3:
    Type: AWS::S3::BucketPolicy
    Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/properties.yaml}}
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      Fn::Transform: {Name: AWS::Include, Parameters: {Location: s3://bucket/tags.yaml}}
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:ListAllMyBuckets, Resource: "*"}]}
`)
	ps, err := iac.CloudFormation(src)
	require.NoError(t, err)
	type row struct {
		res, prop string
		unknown   bool
		line, col int
		nFindings int
	}
	var got []row
	for _, p := range ps {
		fs := p.Validate(nil)
		for _, f := range fs {
			if p.Unknown {
				assert.Equal(t, policy.CodeUnknownPolicy, f.Code)
				assert.Contains(t, f.Message, "Fn::Transform")
			}
		}
		got = append(got, row{p.Resource, p.Property, p.Unknown, p.Line, p.Column, len(fs)})
	}
	assert.Equal(t, []row{
		{"BP", "PolicyDocument", true, 5, 7, 1},
		{"BP2", "PolicyDocument", true, 10, 7, 1},
		{"Role", "Policies[0]", true, 16, 11, 1},
		{"Role2", "Policies", true, 21, 17, 1},
		{"Included", "", true, 23, 5, 1},
		{"Fn::Transform", "", true, 24, 3, 1},
		{"BP3", "PolicyDocument", true, 33, 20, 1},
		{"Managed", "PolicyDocument", false, 38, 23, 0}, // given: checked
	}, got)
}
