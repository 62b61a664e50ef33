package iac_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// Which branch of an Fn::If a stack takes is decided at deployment, by its
// parameters: a policy is checked in every branch, wherever the Fn::If is
// (the whole document, its statement list, an element of a statement, an
// item of a role's Policies, the Properties, a !Join or !Sub argument),
// not at its first branch only, which let a public second branch pass.
func TestCloudFormationIfEveryBranch(t *testing.T) {
	const safe = `{Effect: Allow, Principal: {AWS: "111122223333"}, Action: s3:GetObject, Resource: "arn:aws:s3:::my-bucket/*"}`
	const public = `{Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: "arn:aws:s3:::my-bucket/*"}`
	bucket := func(props string) []byte {
		return []byte("Conditions:\n  C: !Equals [a, b]\nResources:\n  BP:\n    Type: AWS::S3::BucketPolicy\n" + props)
	}
	for name, tc := range map[string]struct {
		src  []byte
		line int // of the public statement's Principal
	}{
		"document": {bucket(`    Properties:
      Bucket: my-bucket
      PolicyDocument: !If
        - C
        - {Version: "2012-10-17", Statement: [` + safe + `]}
        - {Version: "2012-10-17", Statement: [` + public + `]}
`), 11},
		"statement list": {bucket(`    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement: !If [C, [` + safe + `], [` + public + `]]
`), 10},
		"principal": {bucket(`    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: !If [C, {AWS: "111122223333"}, "*"]
            Action: s3:GetObject
            Resource: "arn:aws:s3:::my-bucket/*"
`), 12},
		"principal long form": {bucket(`    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: {"Fn::If": [C, "111122223333", "*"]}}
            Action: s3:GetObject
            Resource: "arn:aws:s3:::my-bucket/*"
`), 12},
		"principal Join": {bucket(`    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Join ["", [!If [C, "111122223333", "*"]]]}
            Action: s3:GetObject
            Resource: "arn:aws:s3:::my-bucket/*"
`), 12},
		"principal Sub": {bucket(`    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub ["${Who}", {Who: !If [C, "111122223333", "*"]}]}
            Action: s3:GetObject
            Resource: "arn:aws:s3:::my-bucket/*"
`), 12},
		"condition dropped": {bucket(`    Properties:
      Bucket: my-bucket
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - Effect: Allow
            Principal: "*"
            Action: s3:GetObject
            Resource: "arn:aws:s3:::my-bucket/*"
            Condition: !If [C, {StringEquals: {aws:SourceVpce: vpce-1a2b3c4d}}, !Ref AWS::NoValue]
`), 12},
		"properties": {bucket(`    Properties: !If
      - C
      - {Bucket: my-bucket, PolicyDocument: {Version: "2012-10-17", Statement: [` + safe + `]}}
      - {Bucket: my-bucket, PolicyDocument: {Version: "2012-10-17", Statement: [` + public + `]}}
`), 9},
	} {
		t.Run(name, func(t *testing.T) {
			ps, err := iac.CloudFormation(tc.src)
			require.NoError(t, err)
			require.NotEmpty(t, ps)
			var got []found
			for _, p := range ps {
				assert.Equal(t, "BP", p.Resource)
				got = append(got, findings(p.Validate(nil))...)
			}
			require.Len(t, got, 1, "%s", ps[0].Document)
			assert.Equal(t, policy.CodePublicAccess, got[0].code)
			assert.Equal(t, tc.line, got[0].line)
		})
	}

	// A role's inline policy chosen by Fn::If: both are checked.
	ps, err := iac.CloudFormation([]byte(`Conditions:
  C: !Equals [a, b]
Resources:
  R:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {}
      Policies:
        - !If
          - C
          - {PolicyName: a, PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:GetObject, Resource: "arn:aws:s3:::my-bucket/*"}]}}
          - {PolicyName: a, PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:GetObjectt, Resource: "arn:aws:s3:::my-bucket/*"}]}}
`))
	require.NoError(t, err)
	var got []found
	for _, p := range ps {
		assert.Equal(t, "Policies[0].PolicyDocument", p.Property)
		got = append(got, findings(p.Validate(nil))...)
	}
	assert.Equal(t, []found{{"INVALID_ACTION", "Statement[0].Action[0]", 12, 105}}, got)
}

// A finding that holds whichever way the conditions go is reported once,
// and the findings of each branch are all reported.
func TestCloudFormationIfFindingsOnce(t *testing.T) {
	ps, err := iac.CloudFormation(tmpl(`          - Effect: Allow
            Principal: !If [C, {AWS: "111122223333"}, "*"]
            Action: !If [D, s3:GetObjectt, s3:GetObject]
            Resource: arn:aws:s3:::my-bucket/*
          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:PutObjectt, Resource: arn:aws:s3:::my-bucket/*}
`))
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.ElementsMatch(t, []found{
		{"INVALID_ACTION", "Statement[0].Action[0]", 13, 29},        // at the branch: s3:GetObjectt
		{policy.CodePublicAccess, "Statement[0].Principal", 12, 55}, // at the branch: "*"
		{"INVALID_ACTION", "Statement[1].Action[0]", 15, 71},
	}, findings(ps[0].Validate(nil)))
}

// A condition is taken by its name, the same way everywhere in the
// policy: a public principal limited, under the same condition, to an
// endpoint is never public.
func TestCloudFormationIfConditionByName(t *testing.T) {
	ps, err := iac.CloudFormation(tmpl(`          - Effect: Allow
            Principal: !If [Open, "*", {AWS: "111122223333"}]
            Action: s3:GetObject
            Resource: arn:aws:s3:::my-bucket/*
            Condition: !If [Open, {StringEquals: {aws:SourceVpce: vpce-1a2b3c4d}}, !Ref AWS::NoValue]
`))
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Empty(t, ps[0].Validate(nil))

	// Past 6 conditions, the others are taken at their first branch, and
	// Validate says so.
	stmt := ""
	for i := range 7 {
		stmt += "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: !If [C" + strconv.Itoa(i) + ", s3:GetObject, s3:PutObject], Resource: arn:aws:s3:::my-bucket/" + strconv.Itoa(i) + "/*}\n"
	}
	ps, err = iac.CloudFormation(tmpl(stmt))
	require.NoError(t, err)
	require.Len(t, ps, 1)
	fs := ps[0].Validate(nil)
	require.Len(t, fs, 1)
	assert.Equal(t, policy.CodeUnknownPolicy, fs[0].Code)
	assert.Equal(t, policy.SeverityError, fs[0].Severity)
	assert.Contains(t, fs[0].Message, "7 Fn::If conditions")
	assert.Equal(t, 9, fs[0].Line)
}
