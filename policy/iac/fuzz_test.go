package iac_test

import (
	"bytes"
	"os"
	"testing"
	"unicode/utf8"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// checkPolicies validates every policy found and checks that each finding
// points inside the file.
func checkPolicies(t *testing.T, data []byte, ps []iac.Policy) {
	lines := bytes.Split(bytes.TrimPrefix(data, []byte("\xEF\xBB\xBF")), []byte("\n"))
	// inside reports whether a 1-based line and column (in characters)
	// is in the file: at most one past its line's last character.
	inside := func(line, col int) bool {
		return line >= 1 && line <= len(lines) && col >= 1 && col <= utf8.RuneCount(lines[line-1])+1
	}
	for _, p := range ps {
		if !inside(p.Line, p.Column) {
			t.Fatalf("policy %s at line %d, column %d, outside the file (%d lines)", p.Resource, p.Line, p.Column, len(lines))
		}
		for _, f := range p.Validate(&policy.ValidateOptions{Account: "111122223333"}) {
			if !inside(f.Line, f.Column) {
				t.Fatalf("finding %v of %s outside the file (%d lines)", f, p.Resource, len(lines))
			}
		}
	}
}

func seed(f *testing.F, names ...string) {
	for _, n := range names {
		b, err := os.ReadFile(n)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
}

func FuzzCloudFormation(f *testing.F) {
	seed(f, "testdata/template.yaml", "testdata/template.json", "testdata/language.yaml")
	f.Add([]byte("S: &s {Principal: '*', Action: s3:GetObject}\nM: &m {Type: AWS::S3::BucketPolicy, Properties: {PolicyDocument: {Statement: [{<<: *s, Effect: Allow}]}}}\nResources:\n  A: {<<: [*m, {Type: x}]}\n  B: {<<: *m, Properties: {<<: {Bucket: b}}}\n"))
	f.Add(tmpl("          - {Effect: Allow, Principal: {AWS: !Sub 'arn:aws:iam::${AWS::AccountId}:root'}, Action: !Join ['', [s3, ':', !Ref P]], Resource: !If [C, '*', !Ref AWS::NoValue]}\n"))
	f.Add([]byte("Resources:\n  A: &a\n    Type: AWS::IAM::ManagedPolicy\n    Properties: {PolicyDocument: '{\"Statement\": []}'}\n  B: *a\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := iac.CloudFormation(data)
		if err != nil {
			return
		}
		checkPolicies(t, data, ps)
	})
}

func FuzzTerraformPlan(f *testing.F) {
	seed(f, "testdata/plan.json")
	f.Add([]byte(`{"values":{"root_module":{"resources":[{"address":"a","mode":"managed","type":"aws_iam_policy","values":{"policy":"{\"Statement\":[{\"Effect\":\"Allow\",\"Action\":\"s3:Get\u00e9\",\"Resource\":\"*\"}]}\n"}}]}}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		ps, err := iac.TerraformPlan(data)
		if err != nil {
			return
		}
		checkPolicies(t, data, ps)
	})
}

func FuzzFind(f *testing.F) {
	seed(f, "testdata/template.yaml", "testdata/plan.json", "testdata/language.yaml")
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		_, ps, err := iac.Find(data)
		if err != nil {
			return
		}
		checkPolicies(t, data, ps)
	})
}
