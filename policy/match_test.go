package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

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

func TestMatchARN(t *testing.T) {
	for _, tc := range []struct {
		pattern, arn string
		want         bool
	}{
		{"*", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/x/y", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b", false},
		{"arn:aws:s3:::b*", "arn:aws:s3:::b/x", true},
		{"arn:aws:s3:::b/*", "arn:aws:s3:::b/a:b:c", true},
		{"arn:aws:s3:::b/?", "arn:aws:s3:::b/é", true},
		{"arn:aws:s3:::b/??", "arn:aws:s3:::b/é", false},
		// Case-sensitive.
		{"arn:aws:s3:::B/*", "arn:aws:s3:::b/x", false},
		{"arn:aws:s3:::b/X", "arn:aws:s3:::b/x", false},
		// Field by field: a wildcard in the first five fields stays in its field.
		{"arn:aws:s3:*:*:accesspoint/ap", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", true},
		{"arn:aws:s3:*:accesspoint/ap", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap", false},
		{"arn:*:s3:::b", "arn:aws:s3:::b", true},
		{"arn:aws:s3::*:b", "arn:aws:s3:::b", true},
		{"arn:aws:s3:::b", "arn:aws:s3:::c", false},
	} {
		assert.Equal(t, tc.want, policy.MatchARN(tc.pattern, tc.arn), "%q ~ %q", tc.pattern, tc.arn)
	}
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
