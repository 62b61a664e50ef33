package iac_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// A parameter with a Default is checked at its Default, and the finding
// says so: a bucket policy whose Principal or Resource is !Ref of a
// parameter defaulting to "*" linted clean, though deploying the template
// as it is makes the bucket public.
func TestParameterDefaultsAreChecked(t *testing.T) {
	const params = `Parameters:
  Reader: {Type: String, Default: "*"}
  Readers: {Type: CommaDelimitedList, Default: "111122223333,*"}
  Target: {Type: String, Default: "*"}
  Bucket: {Type: String, Default: my-bucket}
  NoDefault: {Type: String}
  FromSSM: {Type: 'AWS::SSM::Parameter::Value<String>', Default: /app/reader}
Resources:
  BP:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
`
	for name, tc := range map[string]struct {
		stmt, code, param string
		col               int // of the finding, on line 16
	}{
		"Principal Ref":       {"          - {Effect: Allow, Principal: !Ref Reader, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", policy.CodePublicAccess, "Reader", 40},
		"Principal AWS Ref":   {"          - {Effect: Allow, Principal: {AWS: !Ref Reader}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", policy.CodePublicAccess, "Reader", 40},
		"Principal long form": {"          - {Effect: Allow, Principal: {AWS: {Ref: Reader}}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", policy.CodePublicAccess, "Reader", 40},
		"Principal list":      {"          - {Effect: Allow, Principal: {AWS: !Ref Readers}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", policy.CodePublicAccess, "Readers", 40},
		"Principal Sub":       {"          - {Effect: Allow, Principal: {AWS: !Sub '${Reader}'}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", policy.CodePublicAccess, "Reader", 40},
		"Resource Sub":        {"          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:ListBucket, Resource: !Sub 'arn:aws:s3:::${Bucket}/*'}\n", policy.CodeActionResourceMismatch, "Bucket", 71},
		"public write":        {"          - {Effect: Allow, Principal: '*', Action: s3:PutObject, Resource: !Ref Target}\n", policy.CodePublicWrite, "Target", 40},
	} {
		t.Run(name, func(t *testing.T) {
			ps, err := iac.CloudFormation([]byte(params + tc.stmt))
			require.NoError(t, err)
			require.Len(t, ps, 1)
			fs := ps[0].Validate(&policy.ValidateOptions{Account: "111122223333"})
			var hit *policy.Finding
			for i := range fs {
				if fs[i].Code == tc.code {
					hit = &fs[i]
				}
			}
			require.NotNil(t, hit, "%s\n%v", ps[0].Document, fs)
			assert.Equal(t, 16, hit.Line)
			assert.Equal(t, tc.col, hit.Column, tc.stmt[hit.Column-1:])
			assert.Contains(t, hit.Message, "parameter "+tc.param+" at its Default")
		})
	}

	// A parameter without a Default, or whose Default names a Systems
	// Manager parameter, is still a placeholder: never reported.
	for _, p := range []string{"NoDefault", "FromSSM"} {
		ps, err := iac.CloudFormation([]byte(params + "          - {Effect: Allow, Principal: {AWS: !Ref " + p + "}, Action: s3:GetObject, Resource: !Ref " + p + "}\n"))
		require.NoError(t, err)
		require.Len(t, ps, 1)
		assert.Empty(t, ps[0].Validate(nil), p)
	}
	// A JSON template, {"Ref": "Reader"} in a Principal.
	ps, err := iac.CloudFormation([]byte(`{"Parameters": {"Reader": {"Type": "String", "Default": "*"}},
 "Resources": {"BP": {"Type": "AWS::S3::BucketPolicy", "Properties": {"Bucket": "b", "PolicyDocument": {
  "Version": "2012-10-17",
  "Statement": [{"Effect": "Allow", "Principal": {"AWS": {"Ref": "Reader"}}, "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"}]}}}}}`))
	require.NoError(t, err)
	require.Len(t, ps, 1)
	fs := ps[0].Validate(nil)
	require.Len(t, fs, 2)
	assert.Equal(t, policy.CodePublicAccess, fs[0].Code)
	assert.Equal(t, [2]int{4, 50}, [2]int{fs[0].Line, fs[0].Column}, "the Principal")
	assert.Contains(t, fs[0].Message, `parameter Reader at its Default "*"`)
	// A finding about another element than the Default does not name it.
	assert.Equal(t, policy.CodeInvalidBucketName, fs[1].Code)
	assert.NotContains(t, fs[1].Message, "Reader")

	// The Document shows the Default.
	ps, err = iac.CloudFormation([]byte(params + "          - {Effect: Allow, Principal: !Ref Reader, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n"))
	require.NoError(t, err)
	assert.True(t, strings.Contains(string(ps[0].Document), `"Principal": "*"`), string(ps[0].Document))
}

// !FindInMap with literal keys and !Select of a known list are known
// before deployment, and are checked: a Principal from a mapping whose
// value is "*" linted clean.
func TestMappingsAndSelectAreChecked(t *testing.T) {
	const head = `Parameters:
  Env: {Type: String, Default: prod}
  Readers: {Type: CommaDelimitedList, Default: "*,111122223333"}
  NoDefault: {Type: String}
Mappings:
  Access:
    prod: {Reader: "*"}
    dev: {Reader: "111122223333"}
Resources:
  BP:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
`
	for name, tc := range map[string]struct {
		stmt   string
		public bool
	}{
		"FindInMap":                 {"          - {Effect: Allow, Principal: {AWS: !FindInMap [Access, prod, Reader]}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", true},
		"FindInMap long form":       {"          - {Effect: Allow, Principal: {AWS: {'Fn::FindInMap': [Access, prod, Reader]}}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", true},
		"FindInMap private":         {"          - {Effect: Allow, Principal: {AWS: !FindInMap [Access, dev, Reader]}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", false},
		"FindInMap by Default":      {"          - {Effect: Allow, Principal: {AWS: !FindInMap [Access, !Ref Env, Reader]}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", true},
		"FindInMap unknown key":     {"          - {Effect: Allow, Principal: {AWS: !FindInMap [Access, !Ref NoDefault, Reader]}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", false},
		"FindInMap missing":         {"          - {Effect: Allow, Principal: {AWS: !FindInMap [Access, test, Reader]}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", false},
		"Select literal":            {"          - {Effect: Allow, Principal: {AWS: !Select [1, ['111122223333', '*']]}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", true},
		"Select of a list Default":  {"          - {Effect: Allow, Principal: {AWS: !Select [0, !Ref Readers]}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", true},
		"Select out of range":       {"          - {Effect: Allow, Principal: {AWS: !Select [5, ['*']]}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", false},
		"Select of an unknown list": {"          - {Effect: Allow, Principal: {AWS: !Select [0, !GetAZs '']}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n", false},
	} {
		t.Run(name, func(t *testing.T) {
			ps, err := iac.CloudFormation([]byte(head + tc.stmt))
			require.NoError(t, err)
			require.Len(t, ps, 1)
			fs := ps[0].Validate(&policy.ValidateOptions{Account: "111122223333"})
			if !tc.public {
				assert.Empty(t, fs, string(ps[0].Document))
				return
			}
			require.Len(t, fs, 1, "%s\n%v", ps[0].Document, fs)
			assert.Equal(t, policy.CodePublicAccess, fs[0].Code)
			assert.Equal(t, 17, fs[0].Line)
		})
	}
}

// A NoEcho parameter's Default is a secret: a finding names the parameter
// but never prints its Default.
func TestNoEchoDefaultIsNotPrinted(t *testing.T) {
	const secret = "s3cr3t-referer-value-0123456789"
	ps, err := iac.CloudFormation([]byte(`Parameters:
  Referer: {Type: String, NoEcho: true, Default: ` + secret + `}
Resources:
  BP:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: "*", Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*, Condition: {StringEquals: {aws:Referer: !Ref Referer}}}
`))
	require.NoError(t, err)
	require.Len(t, ps, 1)
	fs := ps[0].Validate(nil)
	require.NotEmpty(t, fs, string(ps[0].Document))
	named := false
	for _, f := range fs {
		assert.NotContains(t, f.Message, secret)
		named = named || strings.Contains(f.Message, "parameter Referer at its Default (NoEcho: not shown)")
	}
	assert.True(t, named, "%v", fs)
	assert.NotContains(t, string(ps[0].Document), secret)

	// A message that quotes the value itself shows the parameter instead.
	ps, err = iac.CloudFormation([]byte(`Parameters:
  Key: {Type: String, NoEcho: "true", Default: ` + secret + `}
Resources:
  BP:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: !Ref Key, Resource: arn:aws:s3:::my-bucket/*}
`))
	require.NoError(t, err)
	fs = ps[0].Validate(nil)
	require.NotEmpty(t, fs, "the action is not an action")
	for _, f := range fs {
		assert.NotContains(t, f.Message, secret)
	}
	assert.Contains(t, fs[0].Message, "(NoEcho parameter Key)")
}
