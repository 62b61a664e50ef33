package iac_test

import (
	"errors"
	"os"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

func read(t *testing.T, name string) []byte {
	t.Helper()
	b, err := os.ReadFile(name)
	require.NoError(t, err)
	return b
}

// at returns the text of src from a 1-based line and column (in runes).
func at(src []byte, line, col int) string {
	lines := strings.Split(string(src), "\n")
	if line < 1 || line > len(lines) {
		return ""
	}
	r := []rune(lines[line-1])
	if col < 1 || col > len(r)+1 {
		return ""
	}
	return string(r[col-1:])
}

type found struct {
	code, path string
	line, col  int
}

func findings(fs []policy.Finding) []found {
	out := []found{}
	for _, f := range fs {
		out = append(out, found{f.Code, f.Path, f.Line, f.Column})
	}
	return out
}

func TestCloudFormationYAML(t *testing.T) {
	src := read(t, "testdata/template.yaml")
	ps, err := iac.CloudFormation(src)
	require.NoError(t, err)
	require.Len(t, ps, 2, "the bucket policy and the role's inline policy; not the trust policy")

	bp := ps[0]
	assert.Equal(t, "BucketPolicy", bp.Resource)
	assert.Equal(t, "AWS::S3::BucketPolicy", bp.Type)
	assert.Equal(t, "PolicyDocument", bp.Property)
	assert.Equal(t, policy.KindBucket, bp.Kind)
	assert.Equal(t, 14, bp.Line)
	assert.True(t, strings.HasPrefix(at(src, bp.Line, bp.Column), "Version:"))
	// Only the statement public by its own text is reported: the one
	// limited by !Ref VpceId is limited by a fixed (deploy-time) value, and
	// the !GetAtt/!Sub/!Join resources match anything.
	assert.Equal(t, []found{{policy.CodePublicAccess, "Statement[2].Principal", 36, 24}}, findings(bp.Validate(nil)))
	assert.True(t, strings.HasPrefix(at(src, 36, 24), `"*"`))

	role := ps[1]
	assert.Equal(t, "Reader", role.Resource)
	assert.Equal(t, "AWS::IAM::Role", role.Type)
	assert.Equal(t, "Policies[0].PolicyDocument", role.Property)
	assert.Equal(t, policy.KindInlineRole, role.Kind)
	got := findings(role.Validate(nil))
	assert.Equal(t, []found{
		{"REDUNDANT_ACTION", "Statement[0].Action[0]", 54, 26},
		{"INVALID_ACTION", "Statement[1].Action[0]", 57, 25},
	}, got)
	assert.True(t, strings.HasPrefix(at(src, 54, 26), "s3:GetObject,"))
	assert.True(t, strings.HasPrefix(at(src, 57, 25), "s3:GetObjectt"))
	// ${!aws:username} in a !Sub is the policy variable ${aws:username}.
	assert.Contains(t, string(role.Document), `/home/${aws:username}/*`)
}

func TestCloudFormationJSON(t *testing.T) {
	src := read(t, "testdata/template.json")
	ps, err := iac.CloudFormation(src)
	require.NoError(t, err)
	require.Len(t, ps, 3, "the bucket policy, the managed policy given as a string, and the one from Fn::ImportValue")
	// A policy known only at deployment is one finding: it was not checked.
	imported := ps[2]
	assert.True(t, imported.Unknown)
	assert.Empty(t, imported.Document)
	assert.Equal(t, []found{{policy.CodeUnknownPolicy, "", imported.Line, imported.Column}}, findings(imported.Validate(nil)))
	assert.True(t, strings.HasPrefix(at(src, imported.Line, imported.Column), `{"Fn::ImportValue"`), at(src, imported.Line, imported.Column))
	assert.False(t, ps[0].Unknown)

	bp := ps[0]
	assert.Equal(t, "BucketPolicy", bp.Resource)
	assert.Equal(t, 10, bp.Line)
	assert.Equal(t, []found{
		{policy.CodePublicAccess, "Statement[2].Principal", 31, 28},
		{policy.CodePublicWrite, "Statement[2].Principal", 31, 28},
	}, findings(bp.Validate(nil)))
	assert.True(t, strings.HasPrefix(at(src, 31, 28), `"*"`))
	// Even with the owner's account known, a principal from a parameter
	// granted PutBucketPolicy is not reported: it may be the owner's.
	assert.Len(t, bp.Validate(&policy.ValidateOptions{Account: "111122223333"}), 2)

	mp := ps[1]
	assert.Equal(t, "AppPolicy", mp.Resource)
	assert.Equal(t, policy.KindManaged, mp.Kind)
	// A document given as a JSON string: findings point at the string.
	assert.Equal(t, []found{{"INVALID_ACTION", "Statement[0].Action[0]", 42, 27}}, findings(mp.Validate(nil)))
	assert.True(t, strings.HasPrefix(at(src, 42, 27), `"{\"Version`))
}

// tmpl wraps one bucket policy statement (YAML, indented for its place) in
// a template.
func tmpl(stmt string) []byte {
	return []byte(`Parameters:
  P: {Type: String}
Resources:
  BP:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument:
        Version: "2012-10-17"
        Statement:
` + stmt)
}

// Values known only at deployment are placeholders that match anything:
// they never produce a finding, wherever they are.
func TestUnknownValuesAreNeverReported(t *testing.T) {
	for name, stmt := range map[string]string{
		"principal Ref":          "          - {Effect: Allow, Principal: {AWS: !Ref P}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n",
		"principal GetAtt":       "          - {Effect: Allow, Principal: {AWS: !GetAtt Role.Arn}, Action: 's3:*', Resource: arn:aws:s3:::my-bucket/*}\n",
		"principal Sub account":  "          - {Effect: Allow, Principal: {AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:root'}, Action: s3:PutBucketPolicy, Resource: arn:aws:s3:::my-bucket}\n",
		"service principal":      "          - {Effect: Allow, Principal: {Service: !Sub 'logging.s3.${AWS::URLSuffix}'}, Action: s3:PutObject, Resource: arn:aws:s3:::my-bucket/*, Condition: {StringEquals: {aws:SourceAccount: !Ref AWS::AccountId}}}\n",
		"condition Ref":          "          - {Effect: Allow, Principal: '*', Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*, Condition: {StringEquals: {aws:SourceVpce: !Ref P}}}\n",
		"condition ip":           "          - {Effect: Deny, Principal: '*', Action: 's3:*', Resource: arn:aws:s3:::my-bucket/*, Condition: {NotIpAddress: {aws:SourceIp: !Ref P}}}\n",
		"condition date":         "          - {Effect: Deny, Principal: '*', Action: 's3:*', Resource: arn:aws:s3:::my-bucket/*, Condition: {DateGreaterThan: {aws:CurrentTime: !Ref P}}}\n",
		"condition list":         "          - {Effect: Allow, Principal: '*', Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*, Condition: {StringEquals: {aws:PrincipalOrgID: [!Ref P, o-abc123def4]}}}\n",
		"action":                 "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: !Ref P, Resource: arn:aws:s3:::my-bucket/*}\n",
		"action Sub":             "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: !Sub 's3:${P}', Resource: arn:aws:s3:::my-bucket/*}\n",
		"resource Ref":           "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: !Ref P}\n",
		"resource partition":     "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:ListBucket, Resource: !Sub 'arn:${AWS::Partition}:s3:::${P}'}\n",
		"resource access point":  "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: !Sub 'arn:aws:s3:${AWS::Region}:${AWS::AccountId}:accesspoint/${P}/object/*'}\n",
		"resource Join":          "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: !Join ['/', [!GetAtt B.Arn, '*']]}\n",
		"resource Select":        "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: !Select [0, !Ref P]}\n",
		"sid":                    "          - {Sid: !Ref P, Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n",
		"effect":                 "          - {Effect: !If [C, Allow, Deny], Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n",
		"condition FindInMap":    "          - {Effect: Allow, Principal: '*', Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*, Condition: {StringEquals: {aws:SourceArn: !FindInMap [M, K, V]}}}\n",
		"long form":              "          - {Effect: Allow, Principal: {AWS: {Ref: P}}, Action: s3:GetObject, Resource: {'Fn::Sub': 'arn:aws:s3:::${P}/*'}, Condition: {StringEquals: {aws:SourceVpce: {'Fn::ImportValue': x}}}}\n",
		"NoValue condition":      "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*, Condition: !Ref AWS::NoValue}\n",
		"account known":          "          - {Effect: Allow, Principal: '*', Action: s3:PutBucketPolicy, Resource: arn:aws:s3:::my-bucket, Condition: {StringEquals: {aws:PrincipalAccount: !Ref AWS::AccountId}}}\n",
		"variable in plain text": "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: 'arn:aws:s3:::my-bucket/${aws:PrincipalTag/team}/*'}\n",
	} {
		t.Run(name, func(t *testing.T) {
			ps, err := iac.CloudFormation(tmpl(stmt))
			require.NoError(t, err)
			require.Len(t, ps, 1)
			assert.Empty(t, ps[0].Validate(&policy.ValidateOptions{Account: "111122223333"}), string(ps[0].Document))
		})
	}
}

// What is known before deployment is checked: a !Sub variable given a
// literal value, the owner's account, literal text around unknown parts.
func TestKnownValuesAreChecked(t *testing.T) {
	for name, tc := range map[string]struct {
		stmt, code string
	}{
		"Sub variable": {"          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: !Sub ['arn:aws:s3:::${Name}/*', {Name: ab}]}\n",
			policy.CodeInvalidBucketName},
		"literal around unknown": {"          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObjectt, Resource: !Sub '${B.Arn}/*'}\n",
			"INVALID_ACTION"},
		"other account": {"          - {Effect: Allow, Principal: '*', Action: s3:PutBucketPolicy, Resource: arn:aws:s3:::my-bucket, Condition: {StringEquals: {aws:PrincipalAccount: '444455556666'}}}\n",
			policy.CodeCrossAccountPermissionsManagement},
		"unlimited public": {"          - {Effect: Allow, Principal: '*', Action: s3:GetObject, Resource: !Sub '${B.Arn}/*'}\n",
			policy.CodePublicAccess},
		"Sub escape is checked as literal text": {"          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:ListBucket, Resource: !Sub 'arn:aws:s3:::my-bucket/${!aws:username}'}\n",
			policy.CodeActionResourceMismatch},
	} {
		t.Run(name, func(t *testing.T) {
			ps, err := iac.CloudFormation(tmpl(tc.stmt))
			require.NoError(t, err)
			require.Len(t, ps, 1)
			fs := ps[0].Validate(&policy.ValidateOptions{Account: "111122223333"})
			var codes []string
			for _, f := range fs {
				codes = append(codes, f.Code)
				assert.Equal(t, 11, f.Line, "findings point into the statement's line")
			}
			assert.Contains(t, codes, tc.code, string(ps[0].Document))
		})
	}
}

// Fn::If in a statement list lints both branches; AWS::NoValue drops the
// element.
func TestCloudFormationIf(t *testing.T) {
	src := tmpl(`          - !If
            - IsProd
            - {Effect: Allow, Principal: '*', Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}
            - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObjectt, Resource: arn:aws:s3:::my-bucket/*}
          - !If [IsProd, !Ref AWS::NoValue, {Effect: Deny, Principal: '*', Action: 's3:*', Resource: arn:aws:s3:::my-bucket/*, Condition: {Bool: {aws:SecureTransport: 'false'}}}]
`)
	ps, err := iac.CloudFormation(src)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	got := findings(ps[0].Validate(nil))
	require.Len(t, got, 2, string(ps[0].Document))
	assert.Equal(t, policy.CodePublicAccess, got[0].code)
	assert.Equal(t, 13, got[0].line)
	assert.Equal(t, "INVALID_ACTION", got[1].code)
	assert.Equal(t, 14, got[1].line)
	assert.Contains(t, string(ps[0].Document), "aws:SecureTransport")
}

func TestCloudFormationResourceTypes(t *testing.T) {
	src := []byte(`Resources:
  AP:
    Type: AWS::S3::AccessPoint
    Properties:
      Bucket: b
      Policy: {Version: "2012-10-17", Statement: [{Effect: Allow, Principal: {AWS: "111122223333"}, Action: s3:GetObject, Resource: "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*"}]}
  Managed:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:ListAllMyBuckets, Resource: "*"}]}
  UserInline:
    Type: AWS::IAM::Policy
    Properties:
      PolicyName: p
      Users: [alice]
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:ListAllMyBuckets, Resource: "*"}]}
  GroupInline:
    Type: AWS::IAM::Policy
    Properties:
      Groups: [devs]
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:ListAllMyBuckets, Resource: "*"}]}
  User:
    Type: AWS::IAM::User
    Properties:
      Policies:
        - {PolicyName: a, PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:ListAllMyBuckets, Resource: "*"}]}}
        - {PolicyName: b, PolicyDocument: !ImportValue shared}
        - {PolicyName: c, PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:ListAllMyBuckets, Resource: "*"}]}}
  Group:
    Type: AWS::IAM::Group
    Properties:
      Policies: [{PolicyName: a, PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:ListAllMyBuckets, Resource: "*"}]}}]
  RolePolicy:
    Type: AWS::IAM::RolePolicy
    Properties:
      PolicyDocument: {Version: "2012-10-17", Statement: [{Effect: Allow, Action: s3:ListAllMyBuckets, Resource: "*"}]}
  Other:
    Type: AWS::SNS::TopicPolicy
    Properties:
      PolicyDocument: {Version: "2012-10-17", Statement: []}
`)
	ps, err := iac.CloudFormation(src)
	require.NoError(t, err)
	type row struct {
		res, prop string
		kind      policy.Kind
	}
	var got []row
	for _, p := range ps {
		got = append(got, row{p.Resource, p.Property, p.Kind})
		if p.Unknown {
			assert.Equal(t, "User", p.Resource)
			continue
		}
		assert.Empty(t, p.Validate(nil), p.Resource)
	}
	assert.Equal(t, []row{
		{"AP", "Policy", policy.KindAccessPoint},
		{"Managed", "PolicyDocument", policy.KindManaged},
		{"UserInline", "PolicyDocument", policy.KindInlineUser},
		{"GroupInline", "PolicyDocument", policy.KindInlineGroup},
		{"User", "Policies[0].PolicyDocument", policy.KindInlineUser},
		{"User", "Policies[1].PolicyDocument", policy.KindInlineUser}, // !ImportValue: Unknown
		{"User", "Policies[2].PolicyDocument", policy.KindInlineUser},
		{"Group", "Policies[0].PolicyDocument", policy.KindInlineGroup},
		{"RolePolicy", "PolicyDocument", policy.KindInlineRole},
	}, got)
}

func TestTerraformPlan(t *testing.T) {
	src := read(t, "testdata/plan.json")
	ps, err := iac.TerraformPlan(src)
	require.NoError(t, err)
	type row struct {
		res, typ, prop string
		kind           policy.Kind
	}
	var got []row
	for _, p := range ps {
		got = append(got, row{p.Resource, p.Type, p.Property, p.Kind})
		if p.Unknown {
			// At its after_unknown entry.
			assert.True(t, strings.HasPrefix(at(src, p.Line, p.Column), `true, "arn"`), p.Resource)
			continue
		}
		assert.True(t, strings.HasPrefix(at(src, p.Line, p.Column), `"{`), p.Resource)
	}
	// The policy known only after apply is one, Unknown; not the deleted
	// one, the trust policies, nor the data source that renders the bucket
	// policy's document again.
	assert.Equal(t, []row{
		{"aws_s3_bucket_policy.this", "aws_s3_bucket_policy", "policy", policy.KindBucket},
		{"module.app.aws_iam_role.reader", "aws_iam_role", "inline_policy[0].policy", policy.KindInlineRole},
		{"aws_iam_policy.unknown", "aws_iam_policy", "policy", policy.KindManaged},
		{`aws_iam_policy.list["a"]`, "aws_iam_policy", "policy", policy.KindManaged},
		{"data.aws_iam_policy_document.logs", "aws_iam_policy_document", "json", policy.KindManaged},
	}, got)

	// Findings point into the JSON string, at the escaped text.
	fs := ps[0].Validate(nil)
	require.Len(t, fs, 1)
	assert.Equal(t, policy.CodePublicAccess, fs[0].Code)
	assert.Equal(t, 1, fs[0].Line)
	assert.True(t, strings.HasPrefix(at(src, fs[0].Line, fs[0].Column), `\"*\"`), at(src, fs[0].Line, fs[0].Column)[:20])

	fs = ps[1].Validate(nil)
	require.Len(t, fs, 1)
	assert.Equal(t, "REDUNDANT_ACTION", fs[0].Code)
	assert.True(t, strings.HasPrefix(at(src, fs[0].Line, fs[0].Column), `\"s3:GetObject\"`))

	// An indented document (jsonencode's is compact, the data source's is
	// not): the finding is on the data source's line in the plan.
	fs = ps[4].Validate(nil)
	require.Len(t, fs, 1)
	assert.Equal(t, "EMPTY_SID_VALUE", fs[0].Code)
	assert.True(t, strings.HasPrefix(at(src, fs[0].Line, fs[0].Column), `\"\",\n      \"Effect\"`))

	// The policy known only after apply is one finding, not checked.
	fs = ps[2].Validate(nil)
	require.Len(t, fs, 1)
	assert.Equal(t, policy.CodeUnknownPolicy, fs[0].Code)
	assert.Equal(t, policy.SeverityError, fs[0].Severity)
	assert.Contains(t, fs[0].Message, "known only after apply")
}

func TestTerraformState(t *testing.T) {
	src := []byte(`{"format_version":"1.0","terraform_version":"1.9.5","values":{"root_module":{"child_modules":[{"address":"module.m","resources":[
{"address":"module.m.aws_iam_user_policy.u","mode":"managed","type":"aws_iam_user_policy","values":{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObjectt\",\"Resource\":\"*\"}]}"}},
{"address":"module.m.aws_iam_group_policy.g","mode":"managed","type":"aws_iam_group_policy","values":{"policy":""}}
]}]}}}`)
	assert.Equal(t, iac.FormatTerraformPlan, iac.Detect(src))
	ps, err := iac.TerraformPlan(src)
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.Equal(t, "module.m.aws_iam_user_policy.u", ps[0].Resource)
	assert.Equal(t, policy.KindInlineUser, ps[0].Kind)
	fs := ps[0].Validate(nil)
	require.Len(t, fs, 1)
	assert.Equal(t, 2, fs[0].Line)
	assert.True(t, strings.HasPrefix(at(src, fs[0].Line, fs[0].Column), `\"s3:GetObjectt\"`))
}

func TestDetect(t *testing.T) {
	for name, tc := range map[string]struct {
		src  string
		want iac.Format
	}{
		"policy":            {`{"Version":"2012-10-17","Statement":[]}`, iac.FormatPolicy},
		"policy with BOM":   {"\xEF\xBB\xBF {\"Statement\":[]}", iac.FormatPolicy},
		"plan":              {`{"format_version":"1.2","terraform_version":"1.9.5","resource_changes":[]}`, iac.FormatTerraformPlan},
		"nested keys":       {`{"x":{"Resources":{}},"Statement":[{"Resources":1}]}`, iac.FormatPolicy},
		"cfn json":          {`{"Resources":{}}`, iac.FormatCloudFormation},
		"cfn json version":  {` {"AWSTemplateFormatVersion":"2010-09-09"}`, iac.FormatCloudFormation},
		"cfn yaml":          {"Resources:\n  A: {Type: AWS::S3::Bucket}\n", iac.FormatCloudFormation},
		"cfn yaml version":  {"AWSTemplateFormatVersion: '2010-09-09'\n", iac.FormatCloudFormation},
		"garbage":           {"not a policy", iac.FormatPolicy},
		"empty":             {"", iac.FormatPolicy},
		"broken json":       {`{"Version": `, iac.FormatPolicy},
		"string with brace": {`{"a":"}{\"Resources\"","Resources":{}}`, iac.FormatCloudFormation},
	} {
		assert.Equal(t, tc.want, iac.Detect([]byte(tc.src)), name)
	}
	assert.Equal(t, "cloudformation", iac.FormatCloudFormation.String())
	assert.Equal(t, "terraform-plan", iac.FormatTerraformPlan.String())
	assert.Equal(t, "policy", iac.FormatPolicy.String())
}

func TestFind(t *testing.T) {
	src := []byte("{\"Version\": \"2012-10-17\",\n \"Statement\": [{\"Effect\": \"Allow\", \"Action\": \"s3:GetObjectt\", \"Resource\": \"*\"}]}")
	f, ps, err := iac.Find(src)
	require.NoError(t, err)
	assert.Equal(t, iac.FormatPolicy, f)
	require.Len(t, ps, 1)
	assert.Equal(t, policy.Kind(0), ps[0].Kind)
	fs := ps[0].Validate(&policy.ValidateOptions{Kind: policy.KindManaged})
	require.Len(t, fs, 1)
	assert.Equal(t, "INVALID_ACTION", fs[0].Code)
	assert.Equal(t, 2, fs[0].Line)
	assert.True(t, strings.HasPrefix(at(src, fs[0].Line, fs[0].Column), `"s3:GetObjectt"`))

	// A finding without a position (an empty document) points at the
	// start of the file, never at line 0.
	_, ps, err = iac.Find([]byte("{}"))
	require.NoError(t, err)
	for _, f := range ps[0].Validate(nil) {
		assert.Equal(t, [2]int{1, 1}, [2]int{f.Line, f.Column}, f.Code)
	}

	f, ps, err = iac.Find(read(t, "testdata/template.yaml"))
	require.NoError(t, err)
	assert.Equal(t, iac.FormatCloudFormation, f)
	assert.Len(t, ps, 2)
	f, ps, err = iac.Find(read(t, "testdata/plan.json"))
	require.NoError(t, err)
	assert.Equal(t, iac.FormatTerraformPlan, f)
	assert.Len(t, ps, 5)
}

func TestSyntaxErrors(t *testing.T) {
	for name, tc := range map[string]struct {
		src        string
		parse      func([]byte) ([]iac.Policy, error)
		line, col  int
		msgContain string
	}{
		"yaml":          {"Resources:\n  A: [\n", iac.CloudFormation, 2, 1, ""},
		"yaml no res":   {"Description: x\n", iac.CloudFormation, 1, 1, "no Resources"},
		"yaml scalar":   {"just text\n", iac.CloudFormation, 1, 1, "not a mapping"},
		"json template": {"{\"Resources\": {\n  \"A\": }", iac.CloudFormation, 2, 8, "unexpected"},
		"json plan":     {"{\"format_version\": \"1.2\",\n \"resource_changes\": [1,}", iac.TerraformPlan, 2, 25, ""},
		"plan array":    {"[1]", iac.TerraformPlan, 1, 1, "not a Terraform plan"},
		"bad escape":    {`{"a": "\x"}`, iac.TerraformPlan, 1, 8, "escape"},
		"deep":          {strings.Repeat("[", 2000), iac.TerraformPlan, 1, 1002, "deeper"},
	} {
		_, err := tc.parse([]byte(tc.src))
		var se *iac.SyntaxError
		require.True(t, errors.As(err, &se), "%s: %v", name, err)
		if tc.line > 0 {
			assert.Equal(t, tc.line, se.Line, name)
		}
		if tc.col > 0 && name != "yaml" {
			assert.Equal(t, tc.col, se.Column, name)
		}
		assert.Contains(t, se.Error(), tc.msgContain, name)
		assert.True(t, strings.HasPrefix(se.Error(), "iac: "), name)
	}
}

// Aliases nested in each other expand exponentially; evaluation stops at a
// budget instead of running out of memory.
func TestAliasBomb(t *testing.T) {
	src := "x0: &a0 [s3:GetObject, s3:GetObject, s3:GetObject, s3:GetObject, s3:GetObject, s3:GetObject, s3:GetObject, s3:GetObject, s3:GetObject]\n"
	for i := 1; i < 12; i++ {
		p := "*a" + strconv.Itoa(i-1)
		src += "x" + strconv.Itoa(i) + ": &a" + strconv.Itoa(i) + " [" + strings.Repeat(p+", ", 8) + p + "]\n"
	}
	src += "Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: *a11, Resource: '*'}]}\n"
	ps, err := iac.CloudFormation([]byte(src))
	require.NoError(t, err)
	// The policy is not checked (its Action would be placeholders past
	// the budget); the template is one Unknown policy instead.
	require.Len(t, ps, 1)
	assert.True(t, ps[0].Unknown)
	assert.Equal(t, []found{{policy.CodeUnknownPolicy, "", 14, 3}}, findings(ps[0].Validate(nil)))
}

// An element that must be an object but is known only at deployment is
// no error either.
func TestUnknownObjects(t *testing.T) {
	for name, stmt := range map[string]string{
		"principal":      "          - {Effect: Allow, Principal: !Ref P, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n",
		"not principal":  "          - {Effect: Deny, NotPrincipal: !GetAtt R.Arn, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}\n",
		"condition":      "          - {Effect: Allow, Principal: '*', Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*, Condition: !Ref P}\n",
		"operator block": "          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*, Condition: {StringEquals: !Ref P, Bool: {aws:SecureTransport: 'true'}}}\n",
	} {
		t.Run(name, func(t *testing.T) {
			ps, err := iac.CloudFormation(tmpl(stmt))
			require.NoError(t, err)
			require.Len(t, ps, 1)
			assert.Empty(t, ps[0].Validate(nil), string(ps[0].Document))
		})
	}
	// The whole statement list: nothing could be checked, which is the
	// one finding.
	ps, err := iac.CloudFormation([]byte("Resources:\n  P:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: {Version: '2012-10-17', Statement: !Ref S}\n"))
	require.NoError(t, err)
	require.Len(t, ps, 1)
	assert.True(t, ps[0].Unknown)
	assert.Equal(t, []found{{policy.CodeUnknownPolicy, "", 5, 23}}, findings(ps[0].Validate(nil)))
	// What is known next to an unknown statement is still checked, and
	// the unknown statement, which may grant anything, is one finding: it
	// was not checked (it was left out without a word).
	ps, err = iac.CloudFormation(tmpl("          - !ImportValue shared-statement\n          - {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObjectt, Resource: arn:aws:s3:::my-bucket/*}\n"))
	require.NoError(t, err)
	assert.Equal(t, []found{{"INVALID_ACTION", "Statement[0].Action[0]", 12, 71}, {policy.CodeUnknownPolicy, "", 11, 13}},
		findings(ps[0].Validate(nil)))
	// So is an Fn::If branch (it was a DATA_TYPE_MISMATCH ERROR: "must be
	// an object, not a string").
	ps, err = iac.CloudFormation(tmpl("          - !If [Cond, !ImportValue a, {Effect: Allow, Principal: {AWS: '111122223333'}, Action: s3:GetObject, Resource: arn:aws:s3:::my-bucket/*}]\n"))
	require.NoError(t, err)
	assert.Equal(t, []found{{policy.CodeUnknownPolicy, "", 11, 24}}, findings(ps[0].Validate(nil)))
}

// Policies may be validated at the same time (go test -race).
func TestValidateConcurrently(t *testing.T) {
	ps, err := iac.TerraformPlan(read(t, "testdata/plan.json"))
	require.NoError(t, err)
	want := make([][]policy.Finding, len(ps))
	for i := range ps {
		want[i] = ps[i].Validate(nil)
	}
	ps, err = iac.TerraformPlan(read(t, "testdata/plan.json"))
	require.NoError(t, err)
	done := make(chan struct{})
	for range 4 {
		go func() {
			defer func() { done <- struct{}{} }()
			for i := range ps {
				assert.Equal(t, want[i], ps[i].Validate(nil))
			}
		}()
	}
	for range 4 {
		<-done
	}
}

// Lines end at a line feed only, in a YAML template as in a JSON one and
// in the policy package: yaml.v3 also ends a line at a lone CR, NEL, LS
// and PS (YAML 1.1), and its positions are moved to the package's, so a
// policy and its findings point where the file's lines say (found by the
// CI's fuzz smoke run: a policy "at line 6 of 5").
func TestYAMLLinesEndAtLineFeeds(t *testing.T) {
	body := "Resources:\n  A:\n    Type: AWS::IAM::ManagedPolicy\n    Properties:\n      PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:GetObjectt', Resource: '*'}]}\n"
	for name, head := range map[string]string{
		"lone CR":   "AWSTemplateFormatVersion: '2010-09-09'\rDescription: x\n",
		"CRLF":      "AWSTemplateFormatVersion: '2010-09-09'\r\nDescription: x\n",
		"NEL":       "Description: \"a\u0085b\"\n",
		"LS and PS": "Description: \"a\u2028b\u2029c\"\n",
		"BOM":       "\uFEFFDescription: \"é\"\n",
		"none":      "Description: x\n",
	} {
		src := []byte(head + body)
		ps, err := iac.CloudFormation(src)
		require.NoError(t, err, name)
		require.Len(t, ps, 1, name)
		lines := strings.Count(head, "\n")
		assert.Equal(t, lines+5, ps[0].Line, name)
		assert.True(t, strings.HasPrefix(at(src, ps[0].Line, ps[0].Column), "{Version:"), name)
		fs := findings(ps[0].Validate(nil))
		if !assert.Len(t, fs, 1, name) {
			continue
		}
		assert.Equal(t, lines+5, fs[0].line, name)
		assert.True(t, strings.HasPrefix(at(src, fs[0].line, fs[0].col), "'s3:GetObjectt'"), "%s: %q", name, at(src, fs[0].line, fs[0].col))
	}
	// A syntax error's line counts alike.
	_, err := iac.CloudFormation([]byte("Description: \"a\u2028b\"\rX: 1\nResources:\n  A: [\n"))
	var se *iac.SyntaxError
	require.ErrorAs(t, err, &se)
	assert.Equal(t, 3, se.Line, se.Error()) // "  A: [", as in TestSyntaxErrors
}

// A byte order mark is no column: a finding on a plan's first line points
// at the same column with one as without.
func TestByteOrderMarkIsNoColumn(t *testing.T) {
	plan := `{"values":{"root_module":{"resources":[{"address":"a","mode":"managed","type":"aws_iam_policy","values":{"policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:GetObjectt\",\"Resource\":\"*\"}]}"}}]}}}`
	var cols []int
	for _, bom := range []string{"", "\uFEFF"} {
		ps, err := iac.TerraformPlan([]byte(bom + plan))
		require.NoError(t, err)
		require.Len(t, ps, 1)
		fs := ps[0].Validate(nil)
		require.Len(t, fs, 1)
		assert.Equal(t, 1, fs[0].Line)
		cols = append(cols, fs[0].Column)
	}
	assert.True(t, strings.HasPrefix(at([]byte(plan), 1, cols[0]), `\"s3:GetObjectt\"`), at([]byte(plan), 1, cols[0]))
	assert.Equal(t, cols[0], cols[1], "with a byte order mark")
}

// TestTerraformUnknownPolicies: a policy attribute a plan marks
// after_unknown is an Unknown policy at that entry, unless the provider's
// schema makes the attribute Computed (aws_s3_bucket's and
// aws_s3_access_point's policy are unknown on every new resource, set or
// not); a data source's document is reported where a resource holds it.
func TestTerraformUnknownPolicies(t *testing.T) {
	src := []byte(`{"format_version": "1.2", "resource_changes": [
{"address": "aws_s3_bucket.b", "mode": "managed", "type": "aws_s3_bucket", "change": {"after": {}, "after_unknown": {"policy": true}}},
{"address": "aws_s3_access_point.a", "mode": "managed", "type": "aws_s3_access_point", "change": {"after": {}, "after_unknown": {"policy": true}}},
{"address": "data.aws_iam_policy_document.d", "mode": "data", "type": "aws_iam_policy_document", "change": {"after": {}, "after_unknown": {"json": true}}},
{"address": "aws_s3control_access_point_policy.p", "mode": "managed", "type": "aws_s3control_access_point_policy", "change": {"after": {}, "after_unknown": {"policy": true}}},
{"address": "aws_iam_role.r", "mode": "managed", "type": "aws_iam_role", "change": {"after": {"inline_policy": [{"name": "a"}, {"name": "b", "policy": "{}"}]}, "after_unknown": {"inline_policy": [{"policy": true}, {}]}}},
{"address": "aws_iam_role.all", "mode": "managed", "type": "aws_iam_role", "change": {"after": {}, "after_unknown": {"inline_policy": true}}},
{"address": "aws_iam_user_policy.gone", "mode": "managed", "type": "aws_iam_user_policy", "change": {"after": null, "after_unknown": {"policy": true}}}
]}`)
	ps, err := iac.TerraformPlan(src)
	require.NoError(t, err)
	var unknown []string
	for _, p := range ps {
		if p.Unknown {
			unknown = append(unknown, p.Resource+" "+p.Property)
			assert.Equal(t, "true", at(src, p.Line, p.Column)[:4], p.Resource)
		}
	}
	assert.Equal(t, []string{"aws_s3control_access_point_policy.p policy", "aws_iam_role.r inline_policy[0].policy", "aws_iam_role.all inline_policy"}, unknown)
}
