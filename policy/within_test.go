package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

func TestAllowsNoMoreThan(t *testing.T) {
	ours, err := policy.ServerAccessLogsDelivery("logs", "p/", "src", "111122223333")
	require.NoError(t, err)
	mod := modifier(ours)
	cases := []withinCase{
		{"ours", ours, true},
		{"a narrower resource", mod(func(s *policy.Statement) { s.Resource = policy.Values{"arn:aws:s3:::logs/p/2026/*"} }), true},
		{"a literal object", mod(func(s *policy.Statement) { s.Resource = policy.Values{"arn:aws:s3:::logs/p/x"} }), true},
		{"a broader resource", mod(func(s *policy.Statement) { s.Resource = policy.Values{"arn:aws:s3:::logs/*"} }), false},
		{"a wildcard action", mod(func(s *policy.Statement) { s.Action = policy.Values{"s3:Put*"} }), false},
		{"the action in another case", mod(func(s *policy.Statement) { s.Action = policy.Values{"S3:PUTOBJECT"} }), true},
		{"another principal", mod(func(s *policy.Statement) { s.Principal = policy.AWSPrincipal("444455556666") }), false},
		{"everyone", mod(func(s *policy.Statement) { s.Principal = policy.AnyPrincipal() }), false},
		{"a condition dropped", mod(func(s *policy.Statement) { s.Condition = s.Condition[:1] }), false},
		{"a condition of its own", mod(func(s *policy.Statement) {
			s.Condition = append(s.Condition, policy.ConditionBlock{Operator: "Bool", Entries: []policy.ConditionEntry{{Key: "aws:SecureTransport", Values: []policy.ConditionValue{{Text: "true"}}}}})
		}), true},
		{"NotResource", mod(func(s *policy.Statement) { s.Resource, s.NotResource = nil, policy.Values{"arn:aws:s3:::other/*"} }), false},
		{"a Deny", mod(func(s *policy.Statement) { s.Effect = policy.Deny }), false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, policy.AllowsNoMoreThan(c.s, ours), c.name)
	}
}

// A narrowed CloudFront OAC statement is within the library's: a prefix of
// the bucket's objects, the same distribution.
func TestAllowsNoMoreThanNarrowedOAC(t *testing.T) {
	const dist = "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"
	ours, err := policy.AllowCloudFrontOAC("media", dist, "arn:aws:cloudfront::111122223333:distribution/EOTHER")
	require.NoError(t, err)
	narrowed, err := policy.AllowCloudFrontOAC("media", dist)
	require.NoError(t, err)
	narrowed.Resource = policy.Values{"arn:aws:s3:::media/public/*"}
	assert.True(t, policy.AllowsNoMoreThan(narrowed, ours))
	assert.False(t, policy.AllowsNoMoreThan(ours, narrowed))
}

// Condition keys are compared as IAM compares names (EqualName): a
// negated condition on "aws:\u017FourceArn" (long s), a key IAM does not
// know and so never in a request, limits nothing, so the statement is
// broader than one negating aws:SourceArn. strings.EqualFold took the two
// keys for one and called it no broader. The evaluator agrees.
func TestAllowsNoMoreThanKeysFoldASCIIOnly(t *testing.T) {
	stmt := func(key string) policy.Statement {
		return policy.Statement{Effect: policy.Allow, Principal: policy.AWSPrincipal("444455556666"), Action: policy.Values{"s3:GetObject"},
			Resource: policy.Values{"arn:aws:s3:::b/*"}, Condition: policy.NewCondition("StringNotEquals", key, "arn:aws:s3:::other")}
	}
	ours, theirs := stmt("aws:SourceArn"), stmt("aws:\u017FourceArn")
	assert.True(t, policy.AllowsNoMoreThan(stmt("AWS:SOURCEARN"), ours))
	assert.False(t, policy.AllowsNoMoreThan(theirs, ours))

	decide := func(s policy.Statement) policy.Decision {
		c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{s}})
		require.NoError(t, err)
		r := policy.Request{Caller: policy.Caller{Account: "444455556666", ARN: "arn:aws:iam::444455556666:root"}, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
		r.Context.Set("aws:SourceArn", "arn:aws:s3:::other")
		return c.Decide(&r).Decision
	}
	assert.NotEqual(t, policy.DecisionAllow, decide(ours))
	assert.Equal(t, policy.DecisionAllow, decide(theirs), "theirs allows what ours does not")
}

// TestDeniesAtLeast: a Deny applies wherever the library's TLS deny does
// when it covers its principals, actions and resources and holds none of
// its conditions but ours (none at all: a lockdown of everything).
func TestDeniesAtLeast(t *testing.T) {
	ours, err := policy.DenyInsecureTransport("bkt")
	require.NoError(t, err)
	mod := modifier(ours)
	cases := []withinCase{
		{"ours", ours, true},
		{"no condition", mod(func(s *policy.Statement) { s.Condition = nil }), true},
		{"every action and resource, no condition", mod(func(s *policy.Statement) {
			s.Action, s.Resource, s.Condition = policy.Values{"*"}, policy.Values{"*"}, nil
		}), true},
		{"a wildcard resource that covers the bucket and its objects", mod(func(s *policy.Statement) { s.Resource = policy.Values{"arn:aws:s3:::bkt*"} }), true},
		{"the action in another case", mod(func(s *policy.Statement) { s.Action = policy.Values{"S3:*"} }), true},
		{"more values for our key", mod(func(s *policy.Statement) {
			s.Condition[0].Entries[0].Values = append(s.Condition[0].Entries[0].Values, policy.ConditionValue{Text: "true"})
		}), true},
		{"objects only", mod(func(s *policy.Statement) { s.Resource = policy.Values{"arn:aws:s3:::bkt/*"} }), false},
		{"some actions", mod(func(s *policy.Statement) { s.Action = policy.Values{"s3:Get*"} }), false},
		{"one account", mod(func(s *policy.Statement) { s.Principal = policy.AWSPrincipal("444455556666") }), false},
		{"a condition of its own", mod(func(s *policy.Statement) {
			s.Condition = append(s.Condition, policy.ConditionBlock{Operator: "StringEquals", Entries: []policy.ConditionEntry{{Key: "aws:PrincipalAccount", Values: []policy.ConditionValue{{Text: "111122223333"}}}}})
		}), false},
		{"another operator", mod(func(s *policy.Statement) { s.Condition[0].Operator = "StringEquals" }), false},
		{"NotAction", mod(func(s *policy.Statement) {
			s.Action, s.NotAction, s.Condition = nil, policy.Values{"s3:GetObject"}, nil
		}), false},
		{"an Allow", mod(func(s *policy.Statement) { s.Effect, s.Condition = policy.Allow, nil }), false},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, policy.DeniesAtLeast(c.s, ours), c.name)
	}
}

// TestDeniesAtLeastNumericBounds: a numeric bound is compared as a number
// ("Less than matching", "Less than or equals matching", IAM JSON policy
// elements: Condition operators): NumericLessThan s3:TlsVersion 1.3 denies
// every version 1.2 does and more, NumericLessThanEquals 1.2 too (it also
// denies 1.2), while 1.1, NumericLessThanEquals 1.1 and a value the
// evaluator does not read as a number deny less, or are not compared. The
// same ordering decides which of two Denies the library may replace:
// DeniesAtLeast(ours, older) when ours denies all the older one did.
func TestDeniesAtLeastNumericBounds(t *testing.T) {
	ours, err := policy.DenyOutdatedTLS("bkt")
	require.NoError(t, err)
	mod := modifier(ours)
	bound := func(op string, vals ...string) policy.Statement {
		return mod(func(s *policy.Statement) { s.Condition = policy.NewCondition(op, "s3:TlsVersion", vals...) })
	}
	cases := []struct {
		name              string
		s                 policy.Statement
		atLeast, atMostOf bool // DeniesAtLeast(s, ours), DeniesAtLeast(ours, s)
	}{
		{"ours", ours, true, true},
		{"below 1.3", bound("NumericLessThan", "1.3"), true, false},
		{"below 1.20, the same number", bound("NumericLessThan", "1.20"), true, true},
		{"up to 1.2", bound("NumericLessThanEquals", "1.2"), true, false},
		{"below 1.1", bound("NumericLessThan", "1.1"), false, true},
		{"up to 1.1", bound("NumericLessThanEquals", "1.1"), false, true},
		{"below 1.0 or 1.3: the loosest bound counts", bound("NumericLessThan", "1.0", "1.3"), true, false},
		{"not a number the evaluator reads", bound("NumericLessThan", "Infinity"), false, false},
		{"a bound from above", bound("NumericGreaterThan", "1.3"), false, false},
		{"another key", mod(func(s *policy.Statement) {
			s.Condition = policy.NewCondition("NumericLessThan", "s3:signatureAge", "1.3")
		}), false, false},
	}
	for _, c := range cases {
		assert.Equal(t, c.atLeast, policy.DeniesAtLeast(c.s, ours), "DeniesAtLeast(%s, ours)", c.name)
		assert.Equal(t, c.atMostOf, policy.DeniesAtLeast(ours, c.s), "DeniesAtLeast(ours, %s)", c.name)
	}
	// From above, mirrored: a key above 5 is above 3.
	above := func(op, v string) policy.Statement {
		return mod(func(s *policy.Statement) { s.Condition = policy.NewCondition(op, "s3:signatureAge", v) })
	}
	assert.True(t, policy.DeniesAtLeast(above("NumericGreaterThan", "3"), above("NumericGreaterThan", "5")))
	assert.True(t, policy.DeniesAtLeast(above("NumericGreaterThanEquals", "5"), above("NumericGreaterThan", "5")))
	assert.False(t, policy.DeniesAtLeast(above("NumericGreaterThan", "5"), above("NumericGreaterThanEquals", "5")))
	assert.False(t, policy.DeniesAtLeast(above("NumericGreaterThan", "5"), above("NumericGreaterThan", "3")))
}

// modifier returns a function that applies f to a copy of base.
func modifier(base policy.Statement) func(f func(s *policy.Statement)) policy.Statement {
	return func(f func(s *policy.Statement)) policy.Statement {
		s := base.Clone()
		f(&s)
		return s
	}
}

// withinCase is one row of TestAllowsNoMoreThan and TestDeniesAtLeast: s
// compared with the library's statement.
type withinCase struct {
	name string
	s    policy.Statement
	want bool
}

// TestWithinPolicyVariables: AllowsNoMoreThan and DeniesAtLeast compared a
// Resource with a policy variable as its text, so "arn:aws:s3:::b/$*" (any
// key starting with $) or "arn:aws:s3:::b/x*}" was taken to cover
// "arn:aws:s3:::b/${aws:username}", which grants alice b/alice: a true
// answer that was not, where the doc promises a false answer means "maybe
// broader", never "narrower". A variable renders to the request's value
// ("Variables and tags"), so only the text before it is known; each row is
// checked against the evaluator too.
func TestWithinPolicyVariables(t *testing.T) {
	stmt := func(effect policy.Effect, res string) policy.Statement {
		return policy.Statement{Effect: effect, Principal: policy.AnyPrincipal(), Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{res}}
	}
	keys := []string{"b/alice", "b/$x", "b/x}", "b/xalice", "b/home/alice/k", "b/home/bob/k", "b/${aws:username}", "b/x${aws:username}"}
	// narrower reports whether every key s's statement matches for alice,
	// than's matches too, as the evaluator decides.
	narrower := func(s, than policy.Statement) bool {
		cs := mustCompileDoc(t, s)
		ct := mustCompileDoc(t, than)
		for _, k := range keys {
			r := req(alice, "s3:GetObject", "arn:aws:s3:::"+k)
			if cs.Decide(r).Matched && !ct.Decide(r).Matched {
				return false
			}
		}
		return true
	}
	for _, c := range []struct {
		s, than string
		want    bool
	}{
		{"arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/$*", false},
		{"arn:aws:s3:::b/x${aws:username}", "arn:aws:s3:::b/x*}", false},
		{"arn:aws:s3:::b/${aws:username}*", "arn:aws:s3:::b/$*", false},
		{"arn:aws:s3:::b/home/${aws:username}/*", "arn:aws:s3:::b/home/*", true},
		{"arn:aws:s3:::b/home/${aws:username}/*", "arn:aws:s3:::b/*", true},
		{"arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/${aws:username}", true},
	} {
		s, than := stmt(policy.Allow, c.s), stmt(policy.Allow, c.than)
		assert.Equal(t, c.want, narrower(s, than), "evaluator: %s within %s", c.s, c.than)
		assert.Equal(t, c.want, policy.AllowsNoMoreThan(s, than), "AllowsNoMoreThan(%s, %s)", c.s, c.than)
		// The same pair the other way round for a Deny: than's denies
		// at least s's.
		assert.Equal(t, c.want, policy.DeniesAtLeast(stmt(policy.Deny, c.than), stmt(policy.Deny, c.s)), "DeniesAtLeast(%s, %s)", c.than, c.s)
	}
}

func mustCompileDoc(t *testing.T, s policy.Statement) *policy.Compiled {
	t.Helper()
	c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{s}})
	require.NoError(t, err)
	return c
}
