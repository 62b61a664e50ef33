package policy_test

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// IAM ignores ASCII case in names, nothing more: under Go's Unicode folding
// the Kelvin sign (U+212A) equals k and the long s (U+017F) equals s. Each
// case below failed while the catalog, the operator table and Validate
// folded with strings.ToLower or strings.EqualFold.
func TestNamesFoldASCIIOnly(t *testing.T) {
	for _, name := range []string{"s3:DeleteBuc\u212Aet", "\u017F3:GetObject", "s3:GetObjectTaggin\u0261"} {
		_, ok := policy.LookupAction(name)
		assert.Falsef(t, ok, "LookupAction(%q)", name)
	}
	_, ok := policy.LookupAction("S3:DELETEBUCKET")
	assert.True(t, ok, "ASCII case is ignored")

	for _, key := range []string{"aws:\u017FourceIp", "aws:TagKey\u017F", "aws:Tag\u212Aeys"} {
		_, ok := policy.LookupConditionKey(key)
		assert.Falsef(t, ok, "LookupConditionKey(%q)", key)
	}
	_, ok = policy.LookupResourceType("bucket")
	assert.True(t, ok)
	_, ok = policy.LookupResourceType("buc\u212Aet")
	assert.False(t, ok)

	// An operator spelled with the Kelvin sign is no operator: the
	// statement is invalid, for the evaluator and for Validate alike.
	src := `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::bucket-1/*","Condition":{"StringLi` + "\u212A" + `e":{"aws:Referer":"https://example.com/*"}}}]}`
	doc, err := policy.Parse([]byte(src))
	require.NoError(t, err)
	_, err = policy.Compile(doc)
	assert.Error(t, err, "Compile must refuse an unknown operator")
	var codes []string
	for _, f := range policy.Validate([]byte(src), nil) {
		codes = append(codes, fmt.Sprintf("%s %s", f.Severity, f.Code))
	}
	assert.Contains(t, codes, "ERROR INVALID_CONDITION_OPERATOR", "Validate: %v", codes)
}

func TestEqualName(t *testing.T) {
	for _, c := range []struct {
		a, b string
		want bool
	}{
		{"s3:GetObject", "S3:GETOBJECT", true},
		{"aws:SourceArn", "AWS:SourceArn", true},
		{"BoolIfExists", "boolifexists", true},
		{"s3:*", "S3:*", true},
		{"s3:DeleteBuc\u212Aet", "s3:DeleteBucket", false},
		{"aws:\u017FourceArn", "aws:SourceArn", false},
		{"s3:TlsVers\u0130on", "s3:TlsVersion", false},
		{"s3:Get*", "s3:GetObject", false},
		{"s3:GetObject", "s3:GetObjects", false},
	} {
		assert.Equalf(t, c.want, policy.EqualName(c.a, c.b), "EqualName(%q, %q)", c.a, c.b)
	}
}

func ExampleEqualName() {
	fmt.Println(policy.EqualName("s3:GetObject", "S3:getobject"))
	fmt.Println(policy.EqualName("aws:\u017FourceArn", "aws:SourceArn")) // long s: another key to IAM
	// Output:
	// true
	// false
}
