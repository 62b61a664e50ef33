package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// TestCallerDerivedKeys pins Request's doc: aws:username comes from an IAM
// user's Caller, aws:userid never does (Caller holds no unique ID), unless
// Context sets it.
func TestCallerDerivedKeys(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[
		{"Sid":"ByName","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-1/name/*","Condition":{"StringEquals":{"aws:username":"alice"}}},
		{"Sid":"ById","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-1/id/*","Condition":{"StringEquals":{"aws:userid":"AIDAEXAMPLE"}}}]}`))
	require.NoError(t, err)
	c, err := policy.Compile(doc)
	require.NoError(t, err)
	alice := policy.Caller{ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"}

	req := &policy.Request{Caller: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-1/name/k"}
	assert.Equal(t, policy.DecisionAllow, c.Decide(req).Decision, "aws:username from the caller")

	req = &policy.Request{Caller: alice, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-1/id/k"}
	assert.NotEqual(t, policy.DecisionAllow, c.Decide(req).Decision, "aws:userid is not derived")
	req.Context.Set("aws:userid", "AIDAEXAMPLE")
	assert.Equal(t, policy.DecisionAllow, c.Decide(req).Decision, "aws:userid from Context")
}

// TestContextSetDoesNotParseNonDates: Context.Set tries every value as a
// number, a date and an address; a value shaped like "logs-2026-..." must
// not cost time.Parse's failures (seven allocated errors each, 57 MB over
// the fakes' 3,544 requests of the organization benchmark).
func TestContextSetDoesNotParseNonDates(t *testing.T) {
	var c policy.Context
	allocs := testing.AllocsPerRun(100, func() {
		c.Set("s3:prefix", "logs-2026-12-07/part")
	})
	assert.LessOrEqual(t, allocs, 3.0, "Set allocates its values, not parse errors")
	// Dates still parse: a DateLessThan on such a value decides by time.
	doc, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"2026-12-08"}}}]}`))
	require.NoError(t, err)
	cp, err := policy.Compile(doc)
	require.NoError(t, err)
	req := &policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	req.Context.Set("aws:CurrentTime", "2026-12-07T10:00:00Z")
	assert.Equal(t, policy.DecisionAllow, cp.Decide(req).Decision)
	req.Context.Set("aws:CurrentTime", "2026-12-09T10:00:00Z")
	assert.NotEqual(t, policy.DecisionAllow, cp.Decide(req).Decision)
}

// TestCallerRoleUnderAPath pins Request's doc on aws:PrincipalArn for a
// session of a role under a path: "For IAM roles, the request context
// returns the ARN of the role" (IAM user guide, "AWS global condition
// context keys"), which holds the path; a session's ARN does not, so the
// derived value lacks it, and Context supplies it. The Principal element
// names the session either way (role names are unique in an account,
// whatever their path).
func TestCallerRoleUnderAPath(t *testing.T) {
	c := mustCompile(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"ByPath","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-1/path/*","Condition":{"ArnLike":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/admin/*"}}},
		{"Sid":"ByRole","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/admin/Ops"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-1/role/*"}]}`)
	ops := policy.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/Ops/s1", Account: "111122223333"}

	req := &policy.Request{Caller: ops, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-1/path/k"}
	assert.Equal(t, policy.DecisionDeny, c.Decide(req).Decision, "the derived aws:PrincipalArn has no path")
	req.Context.Set("aws:PrincipalArn", "arn:aws:iam::111122223333:role/admin/Ops")
	assert.Equal(t, policy.DecisionAllow, c.Decide(req).Decision, "aws:PrincipalArn from Context")

	req = &policy.Request{Caller: ops, Action: "s3:GetObject", Resource: "arn:aws:s3:::bucket-1/role/k"}
	assert.Equal(t, policy.DecisionAllow, c.Decide(req).Decision, "the role ARN with its path names the session")
}
