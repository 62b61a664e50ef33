package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

func TestPrincipalHelpers(t *testing.T) {
	var none *policy.Principal
	assert.False(t, none.IsEveryone())
	assert.Nil(t, none.Get(policy.PrincipalAWS))
	assert.Nil(t, none.Clone())

	p := none.With(policy.PrincipalAWS, "111122223333")
	assert.Equal(t, policy.AWSPrincipal("111122223333"), p)
	p2 := p.With(policy.PrincipalAWS, "444455556666").With(policy.PrincipalService, "logging.s3.amazonaws.com")
	assert.Equal(t, policy.Values{"111122223333"}, p.Get(policy.PrincipalAWS), "With does not modify its receiver")
	assert.Equal(t, policy.Values{"111122223333", "444455556666"}, p2.Get(policy.PrincipalAWS))
	assert.Equal(t, policy.Values{"logging.s3.amazonaws.com"}, p2.Get(policy.PrincipalService))
	assert.False(t, p2.IsEveryone())
	assert.True(t, policy.AnyPrincipal().IsEveryone())
	assert.True(t, policy.AWSPrincipal("*").IsEveryone())
	assert.False(t, policy.ServicePrincipal("*").IsEveryone(), `only "*" and AWS "*" are everyone`)
	assert.Equal(t, policy.PrincipalFederated, policy.FederatedPrincipal("cognito-identity.amazonaws.com").Entries[0].Type)
	assert.Equal(t, policy.PrincipalCanonicalUser, policy.CanonicalUserPrincipal("abc").Entries[0].Type)

	w := policy.AnyPrincipal().With(policy.PrincipalService, "cloudfront.amazonaws.com")
	assert.True(t, w.IsEveryone(), "adding to everyone still names everyone")
	assert.Equal(t, policy.Values{"*"}, w.Get(policy.PrincipalAWS))

	ids := []string{"111122223333"}
	q := policy.AWSPrincipal(ids...)
	ids[0] = "changed"
	assert.Equal(t, policy.Values{"111122223333"}, q.Get(policy.PrincipalAWS), "constructors copy their arguments")
}

func TestValuesAndConditionHelpers(t *testing.T) {
	assert.Nil(t, policy.Strings())
	v := policy.Strings("a", "b")
	assert.True(t, v.Contains("b"))
	assert.False(t, v.Contains("B"))

	c := policy.NewCondition("StringEquals", "aws:SourceAccount", "111122223333")
	_, ok := c.Get("StringLike", "aws:SourceAccount")
	assert.False(t, ok)
	_, ok = c.Get("StringEquals", "aws:SourceArn")
	assert.False(t, ok)
	c2 := c.With("StringEquals", "AWS:SOURCEACCOUNT", "444455556666")
	e, ok := c.Get("StringEquals", "aws:sourceaccount")
	require.True(t, ok)
	assert.Equal(t, []string{"111122223333"}, e.Strings(), "With does not modify its receiver")
	e, _ = c2.Get("StringEquals", "aws:SourceAccount")
	assert.Equal(t, []string{"111122223333", "444455556666"}, e.Strings())
	assert.Nil(t, policy.Condition(nil).Clone())
}

func TestCloneIsDeep(t *testing.T) {
	doc := parse(t, foreignPolicy)
	before := marshal(t, doc)
	c := doc.Clone()
	c.Statements[0].Action[0] = "s3:DeleteObject"
	c.Statements[0].Principal.Entries[0].Values[0] = "999999999999"
	c.Statements[1].Condition[0].Entries[0].Values[0] = policy.BoolValue(false)
	c.Statements[1].Condition[0].Operator = "X"
	assert.Equal(t, before, marshal(t, doc))
	assert.NotEqual(t, before, marshal(t, c))
	var nilDoc *policy.Document
	assert.Nil(t, nilDoc.Clone())

	s, ok := doc.Statement("TheirRead")
	require.True(t, ok)
	assert.Equal(t, policy.Allow, s.Effect)
	_, ok = doc.Statement("Nope")
	assert.False(t, ok)
	assert.Equal(t, []string{"TheirRead"}, doc.Sids())
}
