package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// TestPrincipalTypeDerived: aws:PrincipalType "is included in the request
// context for all requests, including anonymous requests" (IAM user guide,
// "AWS global condition context keys"), with the values of the guide's
// "Principal key values" table. The evaluator left it out, so a Deny of
// every principal type but the signed ones (StringNotEquals, which matches
// an absent key) denied every caller, and the offline analyzer found no
// access where every signed caller of any account had it.
func TestPrincipalTypeDerived(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*"},
		{"Effect":"Deny","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bkt/*","Condition":{"StringNotEquals":{"aws:PrincipalType":["Account","User","AssumedRole"]}}}]}`))
	require.NoError(t, err)
	c, err := policy.Compile(doc)
	require.NoError(t, err)
	for _, tt := range []struct {
		caller policy.Caller
		want   policy.Decision
	}{
		{policy.Caller{}, policy.DecisionExplicitDeny}, // Anonymous
		{policy.Caller{Account: "444455556666", ARN: "arn:aws:iam::444455556666:root"}, policy.DecisionAllow},
		{policy.Caller{Account: "444455556666", ARN: "arn:aws:iam::444455556666:user/ops/root"}, policy.DecisionAllow},
		{policy.Caller{Account: "444455556666", ARN: "arn:aws:sts::444455556666:assumed-role/etl/job"}, policy.DecisionAllow},
		{policy.Caller{Account: "444455556666", ARN: "arn:aws:sts::444455556666:federated-user/bob"}, policy.DecisionExplicitDeny}, // FederatedUser
	} {
		req := &policy.Request{Caller: tt.caller, Action: "s3:GetObject", Resource: "arn:aws:s3:::bkt/k"}
		assert.Equal(t, tt.want, c.Decide(req).Decision, "%+v", tt.caller)
	}
	// A value in the context wins over the derived one.
	req := &policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::bkt/k"}
	req.Context.Set("aws:PrincipalType", "User")
	assert.Equal(t, policy.DecisionAllow, c.Decide(req).Decision)
}
