package iac_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/iac"
)

// A policy Terraform marks sensitive (after_sensitive in resource_changes,
// sensitive_values in planned_values or a state's values: built from a
// sensitive variable, such as a secret Referer) is checked, and its
// findings quote none of its values; those of other policies do. Findings
// end up in CI logs and in SARIF uploaded to code scanning.
func TestTerraformSensitivePolicy(t *testing.T) {
	const secret = "referer-secret-0123456789"
	doc := `{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":\"*\",\"Action\":\"s3:GetObject\",\"Resource\":\"arn:aws:s3:::my-bucket/*\",\"Condition\":{\"StringEquals\":{\"aws:Referer\":\"` + secret + `\"}}},{\"Effect\":\"Allow\",\"Principal\":{\"AWS\":\"111122223333\"},\"Action\":\"s3:GetObjectt\",\"Resource\":\"arn:aws:s3:::my-bucket/*\"}]}`
	plans := map[string]string{
		"resource_changes": `{"format_version":"1.2","terraform_version":"1.9.5","resource_changes":[
 {"address":"aws_s3_bucket_policy.secret","type":"aws_s3_bucket_policy","mode":"managed","change":{"actions":["create"],"after":{"bucket":"my-bucket","policy":"` + doc + `"},"after_sensitive":{"policy":true}}},
 {"address":"aws_s3_bucket_policy.plain","type":"aws_s3_bucket_policy","mode":"managed","change":{"actions":["create"],"after":{"bucket":"my-bucket","policy":"` + doc + `"},"after_sensitive":{}}},
 {"address":"aws_iam_role.r","type":"aws_iam_role","mode":"managed","change":{"actions":["create"],"after":{"name":"r","inline_policy":[{"name":"p","policy":"` + doc + `"}]},"after_sensitive":{"inline_policy":[{"policy":true}]}}}]}`,
		"planned_values": `{"format_version":"1.2","terraform_version":"1.9.5","planned_values":{"root_module":{"resources":[
 {"address":"aws_s3_bucket_policy.secret","type":"aws_s3_bucket_policy","mode":"managed","values":{"bucket":"my-bucket","policy":"` + doc + `"},"sensitive_values":{"policy":true}},
 {"address":"aws_s3_bucket_policy.plain","type":"aws_s3_bucket_policy","mode":"managed","values":{"bucket":"my-bucket","policy":"` + doc + `"},"sensitive_values":{}},
 {"address":"aws_iam_role.r","type":"aws_iam_role","mode":"managed","values":{"name":"r","inline_policy":[{"name":"p","policy":"` + doc + `"}]},"sensitive_values":{"inline_policy":true}}]}}}`,
	}
	for name, plan := range plans {
		t.Run(name, func(t *testing.T) {
			ps, err := iac.TerraformPlan([]byte(plan))
			require.NoError(t, err)
			require.Len(t, ps, 3)
			for _, p := range ps {
				fs := p.Validate(&policy.ValidateOptions{Kind: policy.KindBucket})
				require.NotEmpty(t, fs, p.Resource)
				var codes []string
				for _, f := range fs {
					codes = append(codes, f.Code)
					if strings.HasSuffix(p.Resource, ".plain") {
						continue
					}
					assert.NotContains(t, f.Message, secret, p.Resource)
					assert.NotContains(t, f.Message, "GetObjectt", "%s: no value of a sensitive policy is quoted", p.Resource)
				}
				assert.Contains(t, codes, "INVALID_ACTION", p.Resource)
			}
			// The plain policy's findings quote its values as always.
			var quoted bool
			for _, f := range ps[1].Validate(nil) {
				quoted = quoted || strings.Contains(f.Message, "GetObjectt")
			}
			assert.True(t, quoted)
		})
	}
}
