package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

func TestMatchAction(t *testing.T) {
	for _, tc := range []struct {
		pattern, action string
		want            bool
	}{
		{"s3:*", "s3:GetObject", true},
		{"S3:get*", "s3:GetObject", true},
		{"s3:GetObject", "S3:GETOBJECT", true},
		{"s3:Get*Acl", "s3:GetBucketAcl", true},
		{"s3:Get*Acl", "s3:GetObject", false},
		{"s3:?etObject", "s3:GetObject", true},
		{"s3:?etObject", "s3:etObject", false},
		{"*", "s3:ListBucket", true},
		{"s3:List", "s3:ListBucket", false},
		{"s3:*Object", "s3:GetObjectAcl", false},
		{"s3:*", "sqs:SendMessage", false},
		{"", "", true},
		{"*", "", true},
		{"**", "", true},
		{"?", "", false},
		// IAM folds ASCII only: the Kelvin sign is not k.
		{"s3:DeleteBucket", "s3:DeleteBuc\u212Aet", false},
		{"s3:DeleteBuc?et", "s3:DeleteBuc\u212Aet", true},
	} {
		assert.Equal(t, tc.want, policy.MatchAction(tc.pattern, tc.action), "%q ~ %q", tc.pattern, tc.action)
	}
}

// TestMatchARN holds MatchARN to the IAM user guide, "IAM JSON policy
// elements: Resource", "Using wildcards in resource ARNs": "You can use
// wildcard characters (* and ?) within the individual segments of an ARN
// (the parts separated by colons)" and "If the * wildcard is the last
// character of a resource ARN segment, it can expand to match beyond the
// colon boundaries."
func TestMatchARN(t *testing.T) {
	const (
		object = "arn:aws:s3:::b/x"
		ap     = "arn:aws:s3:us-east-1:111122223333:accesspoint/ap"
	)
	for _, tc := range []struct {
		pattern, arn string
		want         bool
	}{
		// "When this is the case, you use the wildcard character (*) in the
		// Resource element": every resource.
		{"*", "arn:aws:s3:::b", true},
		{"*", ap, true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b/x", true},
		// The resource part (the sixth field) may itself contain colons.
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/a:b:c", true},
		{"arn:aws:s3:::b/?", "arn:aws:s3:::b/é", true},
		{"arn:aws:s3:::b/??", "arn:aws:s3:::b/é", false},
		// Case-sensitive.
		{"arn:aws:s3:::B/*", "arn:aws:s3:::b/x", false},
		{"arn:aws:s3:::b/X", "arn:aws:s3:::b/x", false},
		{"arn:aws:s3:::b", "arn:aws:s3:::c", false},
		// Within a segment: a * or ? that does not end its segment stays in
		// its field.
		{"arn:aws:s3:*:*:accesspoint/ap", ap, true},
		{"arn:*:s3:::b", "arn:aws:s3:::b", true},
		{"arn:aws:s3::*:b", "arn:aws:s3:::b", true},
		{"arn:aws:s3:us-*-1:111122223333:accesspoint/ap", ap, true},
		{"arn:aws:s3:u*1:accesspoint/ap", ap, false},
		{"arn:aws:s3:us-east-?:111122223333:accesspoint/ap", ap, true},
		{"arn:aws:s3:?:accesspoint/ap", ap, false},
		// "arn:aws:s3:::*" names the resources whose Region and account
		// fields are empty, buckets and objects, not access points.
		{"arn:aws:s3:::*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::*", object, true},
		{"arn:aws:s3:::*", ap, false},
		// A * that ends a segment expands beyond the colons: a short
		// pattern whose last segment ends in * names every ARN it starts.
		{"arn:aws:s3:*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:*", object, true},
		{"arn:aws:s3:*", ap, true},
		{"arn:aws:s3:*", "arn:aws:sqs:us-east-1:111122223333:q", false},
		{"arn:aws:s3:*", "arn:aws-cn:s3:::b", false},
		{"arn:*", object, true},
		{"arn:*", ap, true},
		{"arn:aws:*", ap, true},
		{"arn:aws:s3:us-*", ap, true},
		{"arn:aws:s3:us-*", object, false},
		{"arn:aws:s3::*", object, true},
		{"arn:aws:s3::*", ap, false},
		{"arn:aws:s3:*:accesspoint/ap", ap, true},
		{"arn:aws:s3:*:accesspoint/other", ap, false},
		// So does a * ending the Region or account segment of a six-field
		// pattern: the fields after it may begin further on.
		{"arn:aws:s3:*:111122223333:accesspoint/*", ap, true},
		{"arn:aws:s3:*:111122223333:accesspoint/*", "arn:aws:s3:::b/k:111122223333:accesspoint/x", true},
		{"arn:aws:s3:us-east-1:111122223333:accesspoint/*", "arn:aws:s3:::b/k:111122223333:accesspoint/x", false},
		// A short pattern without such a segment names no six-field ARN.
		{"arn:aws:s3", object, false},
		{"arn:aws:s3:", object, false},
		{"arn:a?s:s3", object, false},
		{"arn:aws:s3:*:", object, false},
	} {
		assert.Equal(t, tc.want, policy.MatchARN(tc.pattern, tc.arn), "%q ~ %q", tc.pattern, tc.arn)
	}
}

// TestEvaluateShortResourceARNs: the evaluator matches Resource and
// NotResource as MatchARN does, compiled and not, with and without policy
// variables; the Arn condition operators keep to six fields (IAM user
// guide, "Condition operators": ArnLike "Each of the six colon-delimited
// components of the ARN is checked separately"), so a short value matches
// nothing there.
func TestEvaluateShortResourceARNs(t *testing.T) {
	runEval(t, `{"Version":"2012-10-17","Statement":[
		{"Sid":"AllS3","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:*"},
		{"Sid":"OwnAccessPoints","Effect":"Allow","Action":"s3:PutObject","Resource":"arn:aws:s3:*:${aws:PrincipalAccount}:accesspoint/*"},
		{"Sid":"NotChina","Effect":"Deny","Action":"s3:DeleteObject","NotResource":"arn:aws-cn:*"},
		{"Sid":"Everything","Effect":"Allow","Action":"s3:ListBucket","NotResource":"arn:*"},
		{"Sid":"ShortArnLike","Effect":"Allow","Action":"s3:GetBucketPolicy","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:s3:*"}}}
	]}`, []evalCase{
		{"short pattern names an object", req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "AllS3"},
		{"short pattern names an access point object", req(alice, "s3:GetObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k"), policy.DecisionAllow, "AllS3"},
		{"spanning segment then a variable", req(alice, "s3:PutObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k"), policy.DecisionAllow, "OwnAccessPoints"},
		{"variable names another account", req(alice, "s3:PutObject", "arn:aws:s3:us-east-1:444455556666:accesspoint/ap/object/k"), policy.DecisionDeny, ""},
		{"outside the NotResource pattern", req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "NotChina"},
		{"NotResource arn:* excludes everything", req(alice, "s3:ListBucket", "arn:aws:s3:::b"), policy.DecisionDeny, ""},
		{"ArnLike with a short value", req(alice, "s3:GetBucketPolicy", "arn:aws:s3:::b", "aws:SourceArn", "arn:aws:s3:::b"), policy.DecisionDeny, ""},
	})
}

func TestMatchString(t *testing.T) {
	for _, tc := range []struct {
		pattern, s string
		want       bool
	}{
		{"*", "anything", true}, {"a*c", "abbbc", true}, {"a*c", "abbb", false}, {"a?c", "abc", true},
		{"", "", true}, {"", "a", false}, {"**", "", true},
		{"https://d111111abcdef8.cloudfront.net/*", "https://d111111abcdef8.cloudfront.net/a/b.jpg?x=1", true},
		{"a*", "A", false},
		{"x:*", "x:a:b", true},
		{"${aws:username}", "alice", false},
		{"${aws:username}", "${aws:username}", true},
	} {
		assert.Equal(t, tc.want, policy.MatchString(tc.pattern, tc.s), "%q ~ %q", tc.pattern, tc.s)
	}
}

// TestShortResourceARNsDoNotAllocate: deciding with Resource patterns whose
// inner segment ends in *, compiled, with and without a policy variable,
// allocates nothing.
func TestShortResourceARNsDoNotAllocate(t *testing.T) {
	c := mustCompile(t, `{"Version":"2012-10-17","Statement":[
		{"Effect":"Deny","Action":"s3:PutObject","Resource":"arn:aws:s3:*:${aws:PrincipalAccount}:accesspoint/x/*"},
		{"Effect":"Allow","Action":"s3:*","Resource":["arn:aws:s3:us-*:111122223333:accesspoint/*","arn:aws:s3:*"]}]}`)
	for _, r := range []*policy.Request{
		req(alice, "s3:GetObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/a:b:c"),
		req(alice, "s3:PutObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k"),
	} {
		require.Equal(t, policy.DecisionAllow, c.Decide(r).Decision)
		assert.Zero(t, testing.AllocsPerRun(100, func() { c.Decide(r) }))
	}
}
