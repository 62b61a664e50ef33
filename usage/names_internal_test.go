package usage

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/policy"
)

// Condition keys are compared as IAM compares names, ASCII
// case-insensitively and nothing more (policy.EqualName): with
// strings.ToLower "s3:pref\u0130x" (dotted capital I) counted as the
// recorded s3:prefix, and with strings.EqualFold "\u017F3:prefix" (long s)
// as s3:prefix, keys IAM does not know and no log records.
func TestConditionKeysFoldASCIIOnly(t *testing.T) {
	st := func(key string) policy.Statement {
		return policy.Statement{Effect: policy.Allow, Action: policy.Values{"s3:ListBucket"}, Resource: policy.Values{"arn:aws:s3:::b"},
			Condition: policy.NewCondition("StringLike", key, "home/")}
	}
	assert.Empty(t, unrecordedKeys(st("S3:PREFIX")))
	assert.Equal(t, []string{"s3:pref\u0130x"}, unrecordedKeys(st("s3:pref\u0130x")))
	assert.Equal(t, []string{"aws:\u017FourceIp"}, unrecordedKeys(st("aws:\u017FourceIp")))

	// Each s3:prefix value is judged on its own; a condition on another
	// key is judged as written.
	s := &suggester{}
	two := func(key string) policy.Statement {
		x := st(key)
		x.Condition = policy.NewCondition("StringLike", key, "home/", "logs/")
		return x
	}
	assert.Len(t, s.unbacked(ourStatement{stmt: two("S3:Prefix")}), 2)
	assert.Len(t, s.unbacked(ourStatement{stmt: two("\u017F3:prefix")}), 1, "not s3:prefix: the statement is judged as written")
}
