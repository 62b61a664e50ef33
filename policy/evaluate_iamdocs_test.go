package policy_test

import (
	"testing"

	"github.com/s3secure/s3secure/policy"
)

// TestEvaluateConditionLogicIAMGuide follows the IAM user guide's
// "Conditions with multiple context keys or values"
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_multi-value-conditions.html):
// several keys under one operator, and several operators in one block, are
// ANDed; several values for one key are ORed; for a negated operator the
// values are NORed (the condition holds only when the request value is none
// of them), and a missing key satisfies it.
func TestEvaluateConditionLogicIAMGuide(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"FinanceAuditOrSecurity","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*",
	  "Condition":{"StringEquals":{"aws:PrincipalTag/department":"finance","aws:PrincipalTag/role":["audit","security"]}}},
	 {"Sid":"TwoOperators","Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*",
	  "Condition":{"StringEquals":{"aws:PrincipalTag/department":"finance"},"Bool":{"aws:SecureTransport":"true"}}},
	 {"Sid":"NotFinanceHRLegal","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"*",
	  "Condition":{"StringNotEquals":{"aws:PrincipalTag/department":["finance","hr","legal"]}}},
	 {"Sid":"AllowDelete","Effect":"Allow","Principal":"*","Action":"s3:DeleteObject","Resource":"*"}]}`
	runEval(t, src, []evalCase{
		{"both keys, first value", req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/department", "finance", "aws:PrincipalTag/role", "audit"), policy.DecisionAllow, "FinanceAuditOrSecurity"},
		{"both keys, second value", req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/department", "finance", "aws:PrincipalTag/role", "security"), policy.DecisionAllow, "FinanceAuditOrSecurity"},
		{"keys are ANDed: other department", req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/department", "hr", "aws:PrincipalTag/role", "audit"), policy.DecisionDeny, ""},
		{"keys are ANDed: one key missing", req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/department", "finance"), policy.DecisionDeny, ""},
		{"values are ORed: neither value", req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/department", "finance", "aws:PrincipalTag/role", "admin"), policy.DecisionDeny, ""},
		{"operators are ANDed: both hold", req(alice, "s3:PutObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/department", "finance", "aws:SecureTransport", "true"), policy.DecisionAllow, "TwoOperators"},
		{"operators are ANDed: no TLS", req(alice, "s3:PutObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/department", "finance", "aws:SecureTransport", "false"), policy.DecisionDeny, ""},
		{"negated values are NORed: listed value", req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/department", "hr"), policy.DecisionAllow, "AllowDelete"},
		{"negated values are NORed: unlisted value", req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k", "aws:PrincipalTag/department", "sales"), policy.DecisionExplicitDeny, "NotFinanceHRLegal"},
		{"negated operator: missing key matches", req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "NotFinanceHRLegal"},
	})
}
