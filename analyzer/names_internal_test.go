package analyzer

import (
	"testing"

	"github.com/stretchr/testify/assert"
)

// The analysis compares condition operators and keys the way IAM does,
// ASCII case-insensitively and nothing more (policy.EqualName), as the
// policy evaluator that decides the probes does. With strings.ToLower and
// strings.EqualFold it read "StringLi\u212Ae" (Kelvin sign) as StringLike,
// "Not\u0130pAddress" (dotted capital I) as NotIpAddress,
// "aws:Pr\u0130ncipalOrgID" as aws:PrincipalOrgID and "aws:\u017FourceIp"
// (long s) as aws:SourceIp: names IAM does not know, which the evaluator
// treats as such.
func TestNamesFoldASCIIOnly(t *testing.T) {
	t.Run("operators", func(t *testing.T) {
		for _, tc := range []struct {
			op                string
			positive, negated bool
		}{
			{"StringLike", true, false},
			{"stringlike", true, false},
			{"ForAnyValue:stringEquals", true, false},
			{"StringLi\u212Ae", false, false},
			{"ForAnyValue:StringLi\u212Ae", false, false},
			{"BoolIfExists", false, false},
			{"ForAllValues:StringEquals", false, false},
			{"NotIpAddress", false, true},
			{"notipaddress", false, true},
			{"Not\u0130pAddress", false, false},
			{"StringNotLi\u212Ae", false, false},
		} {
			assert.Equal(t, tc.positive, positiveOperator(tc.op), "positive %q", tc.op)
			assert.Equal(t, tc.negated, negatedOperator(tc.op), "negated %q", tc.op)
		}
	})
	t.Run("keys", func(t *testing.T) {
		f := Finding{Conditions: map[string]string{"aws:Pr\u0130ncipalOrgID": "o-a1b2c3d4e5"}}
		f.classify()
		assert.Empty(t, f.Organization)
		f = Finding{Conditions: map[string]string{"AWS:PRINCIPALORGID": "o-a1b2c3d4e5"}}
		f.classify()
		assert.Equal(t, "o-a1b2c3d4e5", f.Organization)

		assert.Equal(t, SourcePolicy, sourceFor(nil, map[string]string{"s3:DataAccessPo\u0130ntAccount": "444455556666"}).Type)
		assert.Equal(t, SourceAccessPointAccount, sourceFor(nil, map[string]string{"S3:DATAACCESSPOINTACCOUNT": "444455556666"}).Type)

		assert.False(t, hasKey(map[string]string{"aws:\u017FourceIp": "x"}, "aws:SourceIp"))
		assert.True(t, hasKey(map[string]string{"AWS:SOURCEIP": "x"}, "aws:SourceIp"))

		assert.Equal(t, "192.0.2.0/24", sample("aws:\u017FourceIp", "192.0.2.0/24"), "not aws:SourceIp: the value is used as written")
		assert.Equal(t, "192.0.2.0", sample("AWS:SourceIP", "192.0.2.0/24"))
	})
	t.Run("caller chosen", func(t *testing.T) {
		for _, tc := range []struct {
			key  string
			want bool
		}{
			{"s3:x-amz-acl", true},
			{"S3:X-AMZ-ACL", true},
			{"aws:RequestTag/team", true},
			{"s3:ExistingObjectTag/team", false},
			{"s3:DataAccessPointAccount", false},
			{"aws:Referer", true},
			{"AWS:USERAGENT", true},
			{"aws:SourceVpce", false},
			// Keys IAM does not know are in no request: no caller can
			// set them, so a Deny on one is never satisfied by a probe.
			{"s3:x-amz-acl-typo", false},
			{"s3:Ex\u0130stingObjectTag/team", false},
		} {
			assert.Equal(t, tc.want, callerChosen(tc.key), tc.key)
		}
	})
}
