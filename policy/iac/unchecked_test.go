package iac_test

import (
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// TestUncheckedPolicyTypes: the policies of S3 resource types package
// policy cannot validate yet (Multi-Region Access Point, directory bucket,
// Object Lambda and Outposts policies: their actions and ARNs are not in
// its catalog) were skipped without a word, so a template or plan whose
// only policy is a public Multi-Region Access Point policy linted as
// "0 policies", exit 0. Each is now an Unknown policy at its value, one
// blocking S3SECURE_UNKNOWN_POLICY that names the type; a data source's
// document such a resource holds is not linted again (it would be checked
// as a bucket policy, with false errors).
func TestUncheckedPolicyTypes(t *testing.T) {
	public := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3::111122223333:accesspoint/m.mrap/object/*"}]}`
	cfn := []byte(`Resources:
  Mrap:
    Type: AWS::S3::MultiRegionAccessPoint
    Properties:
      Regions: [{Bucket: b}]
  MrapPolicy:
    Type: AWS::S3::MultiRegionAccessPointPolicy
    Properties:
      MrapName: m
      Policy:
        Version: "2012-10-17"
        Statement: [{Effect: Allow, Principal: "*", Action: "s3:GetObject", Resource: "arn:aws:s3::111122223333:accesspoint/m.mrap/object/*"}]
  Express:
    Type: AWS::S3Express::BucketPolicy
    Properties:
      Bucket: b--use1-az4--x-s3
      PolicyDocument: '` + public + `'
  NoPolicy:
    Type: AWS::S3Outposts::AccessPoint
    Properties:
      Bucket: x
`)
	ps, err := iac.CloudFormation(cfn)
	require.NoError(t, err)
	require.Len(t, ps, 2)
	assert.Equal(t, []any{"MrapPolicy", "AWS::S3::MultiRegionAccessPointPolicy", "Policy", 11, 9, true},
		[]any{ps[0].Resource, ps[0].Type, ps[0].Property, ps[0].Line, ps[0].Column, ps[0].Unknown})
	assert.Equal(t, []any{"Express", "AWS::S3Express::BucketPolicy", "PolicyDocument", 17, 23, true},
		[]any{ps[1].Resource, ps[1].Type, ps[1].Property, ps[1].Line, ps[1].Column, ps[1].Unknown})
	fs := ps[0].Validate(nil)
	require.Len(t, fs, 1)
	assert.Equal(t, policy.CodeUnknownPolicy, fs[0].Code)
	assert.Equal(t, policy.SeverityError, fs[0].Severity)
	assert.Contains(t, fs[0].Message, "s3secure does not check Multi-Region Access Point policies (AWS::S3::MultiRegionAccessPointPolicy) yet")

	plan := []byte(`{"format_version": "1.2", "resource_changes": [
{"address": "data.aws_iam_policy_document.d", "mode": "data", "type": "aws_iam_policy_document", "change": {"after": {"json": ` + strconv.Quote(public) + `}}},
{"address": "aws_s3control_multi_region_access_point_policy.p", "mode": "managed", "type": "aws_s3control_multi_region_access_point_policy",
 "change": {"after": {"details": [{"name": "m", "policy": ` + strconv.Quote(public) + `}]}}},
{"address": "aws_s3control_bucket_policy.o", "mode": "managed", "type": "aws_s3control_bucket_policy", "change": {"after": {"bucket": "x"}, "after_unknown": {"policy": true}}}
]}`)
	ps, err = iac.TerraformPlan(plan)
	require.NoError(t, err)
	var got []string
	for _, p := range ps {
		got = append(got, p.Resource+" "+p.Property)
		assert.True(t, p.Unknown, p.Resource)
		fs := p.Validate(nil)
		require.Len(t, fs, 1, p.Resource)
		assert.Equal(t, policy.CodeUnknownPolicy, fs[0].Code)
	}
	assert.Equal(t, []string{"aws_s3control_multi_region_access_point_policy.p details[0].policy", "aws_s3control_bucket_policy.o policy"}, got)
}
