package policy_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// identity validates an identity policy (what lint -type identity does).
func identity(doc string) []policy.Finding {
	return policy.Validate([]byte(doc), &policy.ValidateOptions{Kind: policy.KindManaged})
}

// findingsWith returns the findings with the code.
func findingsWith(fs []policy.Finding, code string) []policy.Finding {
	var out []policy.Finding
	for _, f := range fs {
		if f.Code == code {
			out = append(out, f)
		}
	}
	return out
}

func errorsOf(fs []policy.Finding) []policy.Finding {
	var out []policy.Finding
	for _, f := range fs {
		if f.Severity == policy.SeverityError {
			out = append(out, f)
		}
	}
	return out
}

// An action that applies to none of the statement's resources is a WARNING
// naming it when the statement's other actions apply (AWS's
// ServerMigrationServiceRole lists s3:ListAllMyBuckets beside bucket
// actions on arn:aws:s3:::sms-app-*), and an ERROR only when no action of
// the statement applies: then the statement does nothing.
func TestValidateDeadAction(t *testing.T) {
	fs := identity(wrap(`{"Effect":"Allow","Action":["s3:CreateBucket","s3:GetObject","s3:ListAllMyBuckets"],"Resource":"arn:aws:s3:::sms-app-*"}`))
	assert.Empty(t, errorsOf(fs))
	dead := findingsWith(fs, policy.CodeDeadAction)
	require.Len(t, dead, 1)
	assert.Equal(t, policy.SeverityWarning, dead[0].Severity)
	assert.Equal(t, "Statement[0].Action[2]", dead[0].Path)
	assert.Contains(t, dead[0].Message, "s3:ListAllMyBuckets")

	// AWS's examples give s3:ListAllMyBuckets the resource arn:aws:s3:::*:
	// no dead action, no ERROR, but the Service Authorization Reference
	// wants "*" for it (TestValidateResourceNotStar).
	fs = identity(wrap(`{"Effect":"Allow","Action":["s3:ListAllMyBuckets","s3:GetBucketLocation"],"Resource":"arn:aws:s3:::*"}`))
	assert.Empty(t, findingsWith(fs, policy.CodeDeadAction), fs)
	assert.Empty(t, errorsOf(fs), fs)
	assert.Len(t, findingsWith(fs, policy.CodeResourceNotStar), 1, fs)

	// A wildcard that matches only dead actions.
	fs = identity(wrap(`{"Effect":"Allow","Action":["s3:GetObject","s3:ListAllMy*"],"Resource":"arn:aws:s3:::b-1/*"}`))
	require.Len(t, findingsWith(fs, policy.CodeDeadAction), 1)
	assert.Contains(t, findingsWith(fs, policy.CodeDeadAction)[0].Message, "s3:ListAllMyBuckets")

	// Every action dead: the statement is broken.
	fs = identity(wrap(`{"Effect":"Allow","Action":["s3:ListBucket","s3:GetBucketAcl"],"Resource":"arn:aws:s3:::b-1/*"}`))
	assert.Len(t, findingsWith(fs, policy.CodeActionResourceMismatch), 2)
	assert.Empty(t, findingsWith(fs, policy.CodeDeadAction))
	for _, f := range findingsWith(fs, policy.CodeActionResourceMismatch) {
		assert.Equal(t, policy.SeverityError, f.Severity)
	}

	// Another service's action may apply: not certain enough for an ERROR.
	fs = identity(wrap(`{"Effect":"Allow","Action":["s3:ListBucket","kms:Decrypt"],"Resource":"arn:aws:s3:::b-1/*"}`))
	assert.Empty(t, errorsOf(fs))
	assert.Len(t, findingsWith(fs, policy.CodeDeadAction), 1)
}

// A policy variable in a bucket ARN stands for any text: the ARN may name a
// bucket, so bucket actions are not dead (AWS's SageMaker Studio policies
// use arn:aws:s3:::${aws:PrincipalTag/DomainBucketName}, whose tag key has
// a slash).
func TestValidateVariableBucketARN(t *testing.T) {
	fs := identity(wrap(`{"Effect":"Allow","Action":["s3:ListBucket","s3:GetBucketAcl"],"Resource":"arn:aws:s3:::${aws:PrincipalTag/DomainBucketName}"}`))
	assert.Empty(t, errorsOf(fs), fs)
	assert.Empty(t, findingsWith(fs, policy.CodeDeadAction))
	// A literal slash after the variable still makes it an object ARN.
	fs = identity(wrap(`{"Effect":"Allow","Action":["s3:ListBucket"],"Resource":"arn:aws:s3:::${aws:PrincipalTag/Bucket}/*"}`))
	assert.Len(t, findingsWith(fs, policy.CodeActionResourceMismatch), 1)
}

// "*" in the region or account field of a bucket ARN matches the empty
// field, so the ARN works (AWS's AWSCodePipeline_FullAccess grants on
// arn:aws:s3::*:codepipeline-*): a WARNING giving the plain spelling. A
// value that cannot match the empty field is an ERROR.
func TestValidateBucketARNWildcardField(t *testing.T) {
	for _, tc := range []struct {
		arn, code, plain string
	}{
		{"arn:aws:s3::*:codepipeline-*", policy.CodeBucketARNWildcardField, "arn:aws:s3:::codepipeline-*"},
		{"arn:aws:s3:*:*:b-1/*", policy.CodeBucketARNWildcardField, "arn:aws:s3:::b-1/*"},
		{"arn:aws:s3:**::b-1", policy.CodeBucketARNWildcardField, "arn:aws:s3:::b-1"},
		{"arn:aws-cn:s3::*:b-1", policy.CodeBucketARNWildcardField, "arn:aws-cn:s3:::b-1"},
		{"arn:aws:s3::111122223333:b-1", "ARN_ACCOUNT_NOT_ALLOWED", ""},
		{"arn:aws:s3::?:b-1", "ARN_ACCOUNT_NOT_ALLOWED", ""},
		{"arn:aws:s3::1111*:b-1", "ARN_ACCOUNT_NOT_ALLOWED", ""},
		{"arn:aws:s3:us-east-1::b-1", "ARN_REGION_NOT_ALLOWED", ""},
	} {
		t.Run(tc.arn, func(t *testing.T) {
			fs := identity(wrap(`{"Effect":"Allow","Action":["s3:GetObject","s3:ListBucket"],"Resource":"` + tc.arn + `"}`))
			got := findingsWith(fs, tc.code)
			require.Len(t, got, 1, fs)
			if tc.plain != "" {
				assert.Equal(t, policy.SeverityWarning, got[0].Severity)
				assert.Contains(t, got[0].Message, tc.plain)
				assert.Empty(t, errorsOf(fs), fs)
				assert.True(t, policy.MatchARN(tc.arn, strings.Replace(tc.plain, "*", "x", -1)), "the ARN really matches what its plain spelling names")
			} else {
				assert.Equal(t, policy.SeverityError, got[0].Severity)
			}
		})
	}
}

// A Resource of fewer than six fields whose last segment ends in * works:
// "If the * wildcard is the last character of a resource ARN segment, it
// can expand to match beyond the colon boundaries" (IAM user guide, "IAM
// JSON policy elements: Resource"), and the evaluator matches it so
// (MatchARN). The same page recommends wildcards "within ARN segments
// separated by colons", so Validate reports a WARNING with the six-field
// spelling, never MISSING_ARN_FIELD (an ERROR: "this is broken"). A short
// pattern without such a segment matches nothing and stays an ERROR.
func TestValidateShortARNWildcard(t *testing.T) {
	samples := []string{"arn:aws:s3:::b-1", "arn:aws:s3:::b-1/k:x", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap",
		"arn:aws:s3:us-east-1:111122223333:job/j", "arn:aws:logs:us-east-1:111122223333:log-group:g"}
	for _, tc := range []struct {
		arn    string
		kind   policy.Kind
		code   string
		sixish string // the six-field spelling the warning offers, if any
	}{
		{"arn:aws:s3:*", policy.KindManaged, policy.CodeShortARNWildcard, "arn:aws:s3:*:*:*"},
		{"arn:aws:s3:*", policy.KindBucket, policy.CodeShortARNWildcard, "arn:aws:s3:*:*:*"},
		{"arn:aws:s3:us-*", policy.KindManaged, policy.CodeShortARNWildcard, "arn:aws:s3:us-*:*:*"},
		{"arn:aws:s3::*", policy.KindManaged, policy.CodeShortARNWildcard, "arn:aws:s3::*:*"},
		{"arn:aws:s3:*:accesspoint/ap", policy.KindManaged, policy.CodeShortARNWildcard, ""},
		{"arn:aws:logs:*", policy.KindManaged, policy.CodeShortARNWildcard, "arn:aws:logs:*:*:*"},
		{"arn:aws:logs:*", policy.KindBucket, "UNSUPPORTED_RESOURCE_ARN_IN_POLICY", ""},
		{"arn:aws:s3:b-1", policy.KindManaged, "MISSING_ARN_FIELD", ""},
		{"arn:aws:s3:?", policy.KindManaged, "MISSING_ARN_FIELD", ""},
		{"arn:aws:s3:*:b-1", policy.KindManaged, policy.CodeShortARNWildcard, ""},
		{"arn:aws:*", policy.KindManaged, "INVALID_SERVICE", ""},
		{"arn:*", policy.KindManaged, "INVALID_SERVICE", ""},
	} {
		t.Run(tc.arn+"/"+tc.kind.String(), func(t *testing.T) {
			principal := ""
			if tc.kind == policy.KindBucket {
				principal = `"Principal":{"AWS":"111122223333"},`
			}
			fs := policy.Validate([]byte(wrap(`{"Effect":"Allow",`+principal+`"Action":"s3:GetObject","Resource":"`+tc.arn+`"}`)), &policy.ValidateOptions{Kind: tc.kind})
			got := findingsWith(fs, tc.code)
			require.Len(t, got, 1, fs)
			assert.Equal(t, "Statement[0].Resource[0]", got[0].Path)
			sev, _ := policy.CodeSeverity(tc.code)
			assert.Equal(t, sev, got[0].Severity)
			if tc.code != policy.CodeShortARNWildcard {
				if tc.code == "MISSING_ARN_FIELD" {
					// Broken: the evaluator matches it to nothing.
					for _, s := range samples {
						assert.False(t, policy.MatchARN(tc.arn, s), s)
					}
				}
				return
			}
			assert.Equal(t, policy.SeverityWarning, got[0].Severity)
			assert.Empty(t, errorsOf(fs), fs)
			matched := false
			for _, s := range samples {
				m := policy.MatchARN(tc.arn, s)
				matched = matched || m
				if tc.sixish != "" {
					assert.Contains(t, got[0].Message, tc.sixish)
					assert.Equal(t, m, policy.MatchARN(tc.sixish, s), "the six-field spelling names the same resources: %s", s)
				}
			}
			assert.True(t, matched, "the pattern works: the evaluator matches it to a resource")
			if tc.sixish != "" {
				// The spelling offered draws no warning of its own.
				fs := policy.Validate([]byte(wrap(`{"Effect":"Allow",`+principal+`"Action":"s3:GetObject","Resource":"`+tc.sixish+`"}`)), &policy.ValidateOptions{Kind: tc.kind})
				assert.Empty(t, errorsOf(fs), fs)
				assert.Empty(t, findingsWith(fs, policy.CodeShortARNWildcard), fs)
				assert.Empty(t, findingsWith(fs, policy.CodeBucketARNWildcardField), fs)
			}
		})
	}
}

// A wildcard in the region or account field of an S3 ARN whose resource
// part can also name an access point, a job or another resource with a
// Region and account ("arn:aws:s3:*:*:*", "arn:aws:s3:*:*:a*") names those
// too: it is not a bucket ARN spelled oddly, so advising "arn:aws:s3:::*"
// would narrow it, and a Region or account there is no error
// ("arn:aws:s3:us-east-1:111122223333:*" names that account's access points
// and jobs in the Region).
func TestValidateWildcardFieldsNamingMoreThanBuckets(t *testing.T) {
	for _, tc := range []struct{ arn, names, action string }{
		{"arn:aws:s3:*:*:*", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", "s3:GetAccessPointPolicy"},
		{"arn:aws:s3:*:*:a*", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", "s3:GetAccessPointPolicy"},
		{"arn:aws:s3:*:*:?ccesspoint/*", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", "s3:GetAccessPointPolicy"},
		{"arn:aws:s3:*:*:accesspoint*", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", "s3:GetAccessPointPolicy"},
		{"arn:aws:s3:*:*:j*", "arn:aws:s3:us-east-1:111122223333:job/j-1", "s3:DescribeJob"},
		{"arn:aws:s3:us-east-1:111122223333:*", "arn:aws:s3:us-east-1:111122223333:job/j-1", "s3:DescribeJob"},
		{"arn:aws:s3:*:111122223333:*", "arn:aws:s3:us-east-1:111122223333:storage-lens/l", "s3:GetStorageLensConfiguration"},
		{"arn:aws:s3:*:111122223333:st*", "arn:aws:s3:us-east-1:111122223333:storage-lens/l", "s3:GetStorageLensConfiguration"},
		{"arn:aws:s3::*:*", "arn:aws:s3::111122223333:accesspoint/m.mrap", "s3:GetMultiRegionAccessPoint"},
	} {
		t.Run(tc.arn, func(t *testing.T) {
			res := strings.SplitN(tc.arn, ":", 6)[5]
			require.True(t, policy.MatchARN(tc.arn, tc.names), "the ARN names a resource with a Region or account")
			require.False(t, policy.MatchARN("arn:aws:s3:::"+res, tc.names), "which the bucket spelling does not")
			for _, action := range []string{"s3:GetObject", tc.action} {
				fs := identity(wrap(`{"Effect":"Allow","Action":"` + action + `","Resource":"` + tc.arn + `"}`))
				assert.Empty(t, findingsWith(fs, policy.CodeBucketARNWildcardField), fs)
				assert.Empty(t, errorsOf(fs), "%s applies to %s: %v", action, tc.names, fs)
			}
		})
	}
}

// A condition key none of the actions that can apply to the statement's
// resources supports is reported, also when the statement says s3:* or
// uses NotAction: s3:prefix on an object ARN never reaches an action that
// has it.
func TestValidateConditionKeyOfApplicableActions(t *testing.T) {
	for _, tc := range []struct {
		name, stmt string
		want       bool
	}{
		{"s3:* on objects", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`, true},
		{"* on objects", `{"Effect":"Allow","Action":"*","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`, true},
		{"NotAction on objects", `{"Effect":"Allow","NotAction":"s3:Delete*","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`, true},
		{"GetObject", `{"Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`, true},
		{"s3:* on the bucket", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b-1","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`, false},
		{"ListBucket", `{"Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b-1","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`, false},
		{"s3:* anywhere", `{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":"home/*"}}}`, false},
		{"object key on objects", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEquals":{"s3:x-amz-acl":"private"}}}`, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fs := identity(wrap(tc.stmt))
			got := findingsWith(fs, "UNSUPPORTED_ACTION_FOR_CONDITION_KEY")
			assert.Equal(t, tc.want, len(got) == 1, fs)
			if tc.want {
				assert.Equal(t, policy.SeverityError, got[0].Severity)
				assert.Contains(t, got[0].Message, "s3:prefix")
			}
		})
	}
}

func codesOf(fs []policy.Finding) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.Code)
	}
	slices.Sort(out)
	return out
}

// Validate and the evaluator agree on what a Resource names: when Validate
// says an ARN names nothing (an ARN ERROR on the resource) or that an
// action applies to none of the statement's resources
// (S3SECURE_ACTION_RESOURCE_MISMATCH), MatchARN matches no real S3 ARN of a
// type the action applies to. Tried on patterns made of the shapes that
// meet in practice: empty, literal and wildcard Regions and accounts,
// resource parts that can or cannot start a typed resource, short patterns.
func TestValidateARNErrorsAgreeWithMatchARN(t *testing.T) {
	samples := map[string]string{ // a real ARN of each type
		"arn:aws:s3:::b-1":       "bucket",
		"arn:aws:s3:::job":       "bucket",
		"arn:aws:s3:::b-1/k":     "object",
		"arn:aws:s3:::b-1/job/k": "object",
		"arn:aws:s3:us-east-1:111122223333:accesspoint/ap":          "accesspoint",
		"arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k": "accesspointobject",
		"arn:aws:s3:us-east-1:111122223333:job/j-1":                 "job",
		"arn:aws:s3:us-east-1:111122223333:storage-lens/l":          "storagelensconfiguration",
		"arn:aws:s3::111122223333:accesspoint/m.mrap":               "multiregionaccesspoint",
	}
	actions := []string{"s3:GetObject", "s3:ListBucket", "s3:GetAccessPointPolicy", "s3:DescribeJob",
		"s3:GetStorageLensConfiguration", "s3:GetMultiRegionAccessPoint"}
	var patterns []string
	for _, region := range []string{"", "*", "us-*", "us-east-1", "?"} {
		for _, account := range []string{"", "*", "111122223333", "1*"} {
			for _, res := range []string{"b-1", "b-1/*", "*", "a*", "j*", "job*", "accesspoint/ap", "accesspoint/*", "job/*", "st*", "?*", "b*"} {
				patterns = append(patterns, "arn:aws:s3:"+region+":"+account+":"+res)
			}
		}
	}
	patterns = append(patterns, "arn:aws:s3:*", "arn:aws:s3:us-*", "arn:aws:s3::*", "arn:aws:s3:*:b-1", "arn:aws:s3:b-1", "arn:aws:s3:?")
	arnErrors := 0
	for _, p := range patterns {
		for _, action := range actions {
			a, ok := policy.LookupAction(action)
			require.True(t, ok, action)
			fs := identity(wrap(`{"Effect":"Allow","Action":"` + action + `","Resource":"` + p + `"}`))
			for _, f := range errorsOf(fs) {
				resourceError := f.Path == "Statement[0].Resource[0]"
				mismatch := f.Code == policy.CodeActionResourceMismatch
				if !resourceError && !mismatch {
					continue
				}
				if resourceError {
					arnErrors++
				}
				for s, typ := range samples {
					if resourceError || a.AppliesTo(typ) {
						assert.False(t, policy.MatchARN(p, s), "%s on %s: Validate says %s (%s), but the pattern matches %s", action, p, f.Code, f.Message, s)
					}
				}
			}
		}
	}
	assert.Positive(t, arnErrors, "some patterns are broken")
}

// Two statements that differ only in a condition key IAM tells apart
// ("aws:Pr\u0130ncipalOrgID", with a dotted capital I, is not
// aws:PrincipalOrgID) are not one statement written twice; the same key in
// another ASCII case is.
func TestRedundantStatementKeysFoldASCIIOnly(t *testing.T) {
	st := func(sid, key string) string {
		return `{"Sid":"` + sid + `","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b-1/*","Condition":{"StringEquals":{"` + key + `":"o-a1b2c3d4e5"}}}`
	}
	assert.Len(t, findingsWith(identity(wrap(st("A", "aws:PrincipalOrgID"), st("B", "AWS:PRINCIPALORGID"))), "REDUNDANT_STATEMENT"), 1)
	assert.Empty(t, findingsWith(identity(wrap(st("A", "aws:PrincipalOrgID"), st("B", "aws:Pr\u0130ncipalOrgID"))), "REDUNDANT_STATEMENT"))
}
