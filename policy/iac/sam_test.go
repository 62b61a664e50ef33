package iac_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// An AWS SAM function's (or state machine's) Policies mix "policy
// templates with AWS Managed Policies, custom managed policies or inline
// policy statements" (SAM, policy templates): the inline documents become
// inline policies of the role SAM makes, and were never checked.
func TestCloudFormationSAMPolicies(t *testing.T) {
	src := []byte(`Transform: AWS::Serverless-2016-10-31
Resources:
  Fn:
    Type: AWS::Serverless::Function
    Properties:
      Handler: index.handler
      Runtime: python3.12
      Policies:
        - AWSLambdaBasicExecutionRole
        - S3ReadPolicy: {BucketName: my-bucket}
        - Version: "2012-10-17"
          Statement:
            - {Effect: Allow, Action: s3:GetObjectt, Resource: "arn:aws:s3:::my-bucket/*"}
        - Statement: [{Effect: Allow, Action: s3:PutObject, Resource: "arn:aws:s3:::my-bucket/*"}]
  One:
    Type: AWS::Serverless::Function
    Properties:
      Policies:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Action: s3:ListBuckett, Resource: "*"}]
  Machine:
    Type: AWS::Serverless::StateMachine
    Properties:
      Policies: [{Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:GetObjectt, Resource: "arn:aws:s3:::my-bucket/*"}]}]
  Managed:
    Type: AWS::Serverless::Function
    Properties:
      Policies: AmazonS3ReadOnlyAccess
`)
	ps, err := iac.CloudFormation(src)
	require.NoError(t, err)
	type row struct {
		res, prop string
		kind      policy.Kind
		codes     []string
	}
	var got []row
	for _, p := range ps {
		r := row{res: p.Resource, prop: p.Property, kind: p.Kind}
		for _, f := range p.Validate(nil) {
			if f.Severity.Blocking() {
				r.codes = append(r.codes, f.Code)
			}
		}
		got = append(got, r)
	}
	assert.Equal(t, []row{
		{"Fn", "Policies[2]", policy.KindInlineRole, []string{"INVALID_ACTION"}},
		{"Fn", "Policies[3]", policy.KindInlineRole, nil},
		{"One", "Policies", policy.KindInlineRole, []string{"INVALID_ACTION"}},
		{"Machine", "Policies[0]", policy.KindInlineRole, []string{"INVALID_ACTION"}},
	}, got)
}
