package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// severityCodes returns "SEVERITY CODE" for each finding.
func severityCodes(fs []policy.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, fmt.Sprintf("%s %s", f.Severity, f.Code))
	}
	return out
}

// Condition operator names are spelled one way. The IAM user guide
// documents two kinds of names as case-insensitive, and only those: action
// names ("The prefix and the action name are case insensitive") and
// condition key names ("Condition key names are not case-sensitive"); the
// operators are listed by name ("IAM JSON policy elements: Condition
// operators"), and IAM refuses another spelling: CreateRole answered
// "MalformedPolicyDocument: Invalid Condition type : stringEquals"
// (ministryofjustice/modernisation-platform-environments#8893, 2024). A
// mis-cased operator is no operator: Compile and Evaluate refuse the
// statement, Validate reports INVALID_CONDITION_OPERATOR (an ERROR) with
// the spelling IAM takes, and the condition limits nothing for IsPublic.
// Before, "stringequals" compiled as StringEquals and Validate was silent.
func TestConditionOperatorNamesAreCaseSensitive(t *testing.T) {
	stmt := func(op string) string {
		return `{"Version":"2012-10-17","Statement":[{"Sid":"Vpce","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-1/*","Condition":{"` + op + `":{"aws:SourceVpce":"vpce-1a2b3c4d"}}}]}`
	}
	request := req(anonymous, "s3:GetObject", "arn:aws:s3:::bucket-1/k", "aws:SourceVpce", "vpce-1a2b3c4d")
	for _, op := range []string{"StringEquals", "StringEqualsIfExists", "ForAnyValue:StringEquals", "ForAllValues:StringLikeIfExists"} {
		c, err := policy.Compile(mustParse(t, stmt(op)))
		require.NoError(t, err, op)
		assert.Equal(t, policy.DecisionAllow, c.Decide(request).Decision, op)
		assert.Empty(t, findingsWith(policy.Validate([]byte(stmt(op)), nil), "INVALID_CONDITION_OPERATOR"), op)
	}
	for _, tc := range []struct{ op, want string }{
		{"stringEquals", "StringEquals"},
		{"stringequals", "StringEquals"},
		{"STRINGEQUALS", "StringEquals"},
		{"StringEqualsifexists", "StringEqualsIfExists"},
		{"forAnyValue:StringEquals", "ForAnyValue:StringEquals"},
		{"ForAllValues:stringLike", "ForAllValues:StringLike"},
		{"arnLike", "ArnLike"},
	} {
		t.Run(tc.op, func(t *testing.T) {
			src := stmt(tc.op)
			doc := mustParse(t, src) // Parse reads the shape; the names are Validate's
			_, err := policy.Compile(doc)
			var se *policy.StatementError
			require.ErrorAs(t, err, &se, "Compile must refuse %q", tc.op)
			assert.Contains(t, se.Reason, tc.op)
			_, err = policy.Evaluate(request, doc)
			assert.Error(t, err, "Evaluate")

			fs := findingsWith(policy.Validate([]byte(src), nil), "INVALID_CONDITION_OPERATOR")
			require.Len(t, fs, 1, "Validate")
			assert.Equal(t, policy.SeverityError, fs[0].Severity)
			assert.Equal(t, "Statement[0].Condition."+tc.op, fs[0].Path)
			assert.Contains(t, fs[0].Message, fmt.Sprintf("write %q", tc.want))

			// No operator, no limit: Principal "*" is public.
			assert.True(t, policy.IsPublic(doc, policy.KindBucket).IsPublic, "IsPublic")
		})
	}
	// A name that is no operator in any case gets no spelling advice.
	fs := findingsWith(policy.Validate([]byte(stmt("StringEqual")), nil), "INVALID_CONDITION_OPERATOR")
	require.Len(t, fs, 1)
	assert.NotContains(t, fs[0].Message, "write")
}

// Condition key names are not case-sensitive, and the case-sensitivity of
// values depends on the operator (IAM user guide, "IAM JSON policy
// elements: Condition": "Condition key names are not case-sensitive. For
// example, including the aws:SourceIP condition key is equivalent to
// testing for AWS:SourceIp. Case-sensitivity of condition key values
// depends on the condition operator that you use. For example, the
// following condition includes the StringEquals operator to ensure that
// only requests made by johndoe match. Users named JohnDoe are denied
// access."; the StringEqualsIgnoreCase example matches "users named
// johndoe or JohnDoe"; StringLike is "Case-sensitive matching", ArnLike
// "Case-sensitive matching of the ARN"). A tag key after the slash is part
// of the name.
func TestConditionKeyNamesFoldValuesPerOperator(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Ip","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"}}},
	 {"Sid":"Exact","Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"StringEquals":{"aws:username":"johndoe"}}},
	 {"Sid":"Fold","Effect":"Allow","Principal":"*","Action":"s3:DeleteObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:username":"johndoe"}}},
	 {"Sid":"Like","Effect":"Allow","Principal":"*","Action":"s3:GetObjectAcl","Resource":"*","Condition":{"StringLike":{"aws:username":"john*"}}},
	 {"Sid":"Arn","Effect":"Allow","Principal":"*","Action":"s3:GetObjectTagging","Resource":"*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:user/john*"}}},
	 {"Sid":"Tag","Effect":"Allow","Principal":"*","Action":"s3:GetObjectVersion","Resource":"*","Condition":{"StringEquals":{"aws:ResourceTag/TagKey1":"Value1"}}}]}`
	john := policy.Caller{ARN: "arn:aws:iam::111122223333:user/johndoe", Account: "111122223333"}
	John := policy.Caller{ARN: "arn:aws:iam::111122223333:user/JohnDoe", Account: "111122223333"}
	runEval(t, src, []evalCase{
		{"key in another case", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceIP", "192.0.2.7"), policy.DecisionAllow, "Ip"},
		{"key in upper case", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", "AWS:SOURCEIP", "192.0.2.7"), policy.DecisionAllow, "Ip"},
		{"StringEquals johndoe", req(john, "s3:PutObject", "arn:aws:s3:::b/k", "aws:username", "johndoe"), policy.DecisionAllow, "Exact"},
		{"StringEquals JohnDoe denied", req(John, "s3:PutObject", "arn:aws:s3:::b/k", "aws:username", "JohnDoe"), policy.DecisionDeny, ""},
		{"IgnoreCase JohnDoe", req(John, "s3:DeleteObject", "arn:aws:s3:::b/k", "aws:username", "JohnDoe"), policy.DecisionAllow, "Fold"},
		{"StringLike is case-sensitive", req(John, "s3:GetObjectAcl", "arn:aws:s3:::b/k", "aws:username", "JohnDoe"), policy.DecisionDeny, ""},
		{"ArnLike is case-sensitive", req(John, "s3:GetObjectTagging", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		{"ArnLike matches", req(john, "s3:GetObjectTagging", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Arn"},
		// "if you specify "aws:ResourceTag/TagKey1": "Value1" in the
		// condition element of your policy, then the condition matches a
		// resource tag key named either TagKey1 or tagkey1"
		{"tag key in another case", req(john, "s3:GetObjectVersion", "arn:aws:s3:::b/k", "aws:ResourceTag/tagkey1", "Value1"), policy.DecisionAllow, "Tag"},
		{"tag value is case-sensitive", req(john, "s3:GetObjectVersion", "arn:aws:s3:::b/k", "aws:ResourceTag/TagKey1", "value1"), policy.DecisionDeny, ""},
	})
}

// "Valid values for Effect are Allow and Deny. The Effect value is case
// sensitive." (IAM user guide, "IAM JSON policy elements: Effect"); IAM
// refuses "allow" (MalformedPolicyDocument). Parse reads the document (it
// judges no element's value, so Validate can report on it), Compile and
// Evaluate refuse the statement, and Validate reports INVALID_EFFECT, an
// ERROR.
func TestEffectIsCaseSensitive(t *testing.T) {
	for _, effect := range []string{"allow", "ALLOW", "deny", "Allow ", ""} {
		src := `{"Version":"2012-10-17","Statement":[{"Effect":"` + effect + `","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-1/*"}]}`
		doc := mustParse(t, src)
		_, err := policy.Compile(doc)
		var se *policy.StatementError
		require.ErrorAsf(t, err, &se, "Compile(%q)", effect)
		_, err = policy.Evaluate(req(anonymous, "s3:GetObject", "arn:aws:s3:::bucket-1/k"), doc)
		assert.Errorf(t, err, "Evaluate(%q)", effect)
		codes := severityCodes(policy.Validate([]byte(src), nil))
		want := "ERROR INVALID_EFFECT"
		if effect == "" {
			want = "ERROR MISSING_EFFECT"
		}
		assert.Containsf(t, codes, want, "Validate(%q): %s", effect, strings.Join(codes, ", "))
	}
}

// An action that takes no resource needs Resource "*": "If there is no value for this column, you must specify all
// resources ("*") to which the policy applies in the Resource element of
// your policy statement" (Service Authorization Reference, "Actions,
// resources, and condition keys for Amazon S3"; s3:ListAllMyBuckets has no
// resource type in aws-service-reference-s3.json). The evaluator, and
// @cloud-copilot/iam-simulate 0.1.173 (Allowed with "*", ImplicitlyDenied
// with arn:aws:s3:::*), match no ARN against it. Validate was silent on
// arn:aws:s3:::*, which some of AWS's S3 examples and 12 of its managed
// policies (CloudFrontFullAccess, AWSBackupFullAccess; MAMIP, 2025-02)
// write, so AWS may match it (a report that S3 ignored it,
// awsdocs/amazon-s3-userguide#51, was closed as "Sample written as
// intended"): it is now a WARNING, S3SECURE_RESOURCE_NOT_STAR, that cites
// the sentence and says both, reported exactly when the evaluator does not
// decide the action by the statement.
func TestValidateResourceNotStar(t *testing.T) {
	for _, tc := range []struct {
		name, stmt string
		warn       []string // paths of the warnings
		// undecided: the evaluator does not decide s3:ListAllMyBuckets by
		// the statement, and another code, or none, says so: s3:* names
		// no action in particular, and an action dead beside bucket ARNs
		// is S3SECURE_DEAD_ACTION.
		undecided string
	}{
		{"bucket wildcard ARN", `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}`, []string{"Statement[0].Action[0]"}, ""},
		{"beside a bucket action", `{"Effect":"Allow","Action":["s3:GetBucketLocation","s3:ListAllMyBuckets"],"Resource":"arn:aws:s3:::*"}`, []string{"Statement[0].Action[1]"}, ""},
		{"wildcard naming only it", `{"Effect":"Allow","Action":"s3:ListAllMy*","Resource":"arn:aws:s3:::*"}`, []string{"Statement[0].Action[0]"}, ""},
		{"short S3 ARN", `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:*"}`, []string{"Statement[0].Action[0]"}, ""},
		{"another service's ARN", `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:kms:us-east-1:111122223333:key/k"}`, []string{"Statement[0].Action[0]"}, ""},
		{"deny", `{"Effect":"Deny","Action":"s3:ListAllMyBuckets","Resource":"arn:aws:s3:::*"}`, []string{"Statement[0].Action[0]"}, ""},
		{"star", `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":"*"}`, nil, ""},
		{"star beside an ARN", `{"Effect":"Allow","Action":"s3:ListAllMyBuckets","Resource":["arn:aws:s3:::*","*"]}`, nil, ""},
		{"s3:* names actions the ARN serves", `{"Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::*"}`, nil, "none"},
		{"bucket ARN: a dead action, reported as such", `{"Effect":"Allow","Action":["s3:ListBucket","s3:ListAllMyBuckets"],"Resource":"arn:aws:s3:::b-1"}`, nil, policy.CodeDeadAction},
	} {
		t.Run(tc.name, func(t *testing.T) {
			src := wrap(tc.stmt)
			fs := findingsWith(identity(src), policy.CodeResourceNotStar)
			var paths []string
			for _, f := range fs {
				paths = append(paths, f.Path)
				assert.Equal(t, policy.SeverityWarning, f.Severity)
				assert.Contains(t, f.Message, `you must specify all resources ("*")`)
				assert.Contains(t, f.Message, "CloudFrontFullAccess", "the message says AWS's own policies write it")
			}
			assert.Equal(t, tc.warn, paths, "%v", fs)

			// The warning is there exactly when the statement does not
			// decide a request for s3:ListAllMyBuckets.
			r, err := policy.Evaluate(req(alice, "s3:ListAllMyBuckets", ""), mustParse(t, src))
			require.NoError(t, err)
			assert.Equal(t, len(tc.warn) == 0 && tc.undecided == "", r.Matched, "evaluator: %v", r.Decision)
			if tc.undecided != "" && tc.undecided != "none" {
				assert.NotEmpty(t, findingsWith(identity(src), tc.undecided))
			}
		})
	}
}

// Date condition values: "You must specify date/time values with one of
// the W3C implementations of the ISO 8601 date formats
// (http://www.w3.org/TR/NOTE-datetime) or in epoch (UNIX) time" (IAM user
// guide, "Condition operators", Date). The W3C note's examples of each form
// with a month at least are read (its year alone, "1997", is also epoch
// seconds: which one IAM reads is not documented, and the evaluator keeps
// epoch). "1997-07" (year and month) was refused: Compile failed and
// Validate warned TYPE_MISMATCH_DATE on a value the guide accepts.
// iam-simulate 0.1.173 reads it as the month's first instant, as here.
func TestDateValuesW3CForms(t *testing.T) {
	forms := []struct{ value, justBefore, at string }{
		{"1997-07", "1997-06-30T23:59:59Z", "1997-07-01T00:00:00Z"},
		{"1997-07-16", "1997-07-15T23:59:59Z", "1997-07-16T00:00:00Z"},
		{"1997-07-16T19:20+01:00", "1997-07-16T18:19:59Z", "1997-07-16T18:20:00Z"},
		{"1997-07-16T19:20:30+01:00", "1997-07-16T18:20:29Z", "1997-07-16T18:20:30Z"},
		{"1997-07-16T19:20:30.45+01:00", "1997-07-16T18:20:30.44Z", "1997-07-16T18:20:30.45Z"},
		{"1997-07-16T19:20:30Z", "1997-07-16T19:20:29Z", "1997-07-16T19:20:30Z"},
		{"869080830", "1997-07-16T19:20:29Z", "1997-07-16T19:20:30Z"}, // epoch seconds
	}
	for _, f := range forms {
		t.Run(f.value, func(t *testing.T) {
			src := wrap(`{"Sid":"From","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":"` + f.value + `"}}}`)
			assert.Empty(t, findingsWith(identity(src), "TYPE_MISMATCH_DATE"))
			runEval(t, src, []evalCase{
				{"just before", req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:CurrentTime", f.justBefore), policy.DecisionDeny, ""},
				{"at", req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:CurrentTime", f.at), policy.DecisionAllow, "From"},
			})
		})
	}
	// Not dates: refused by Compile, reported by Validate.
	for _, v := range []string{"1997-7", "1997-13", "97-07-16", "16/07/1997", "1997-07-16T25:00Z"} {
		src := wrap(`{"Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"` + v + `"}}}`)
		_, err := policy.Compile(mustParse(t, src))
		assert.Errorf(t, err, "Compile(%q)", v)
		assert.NotEmptyf(t, findingsWith(identity(src), "TYPE_MISMATCH_DATE"), "Validate(%q)", v)
	}
}
