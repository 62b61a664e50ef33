package policy_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

func mustParse(t testing.TB, src string) *policy.Document {
	t.Helper()
	d, err := policy.Parse([]byte(src))
	require.NoError(t, err)
	return d
}

func mustCompile(t testing.TB, src string) *policy.Compiled {
	t.Helper()
	c, err := policy.Compile(mustParse(t, src))
	require.NoError(t, err)
	return c
}

var (
	alice     = policy.Caller{ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"}
	bob       = policy.Caller{ARN: "arn:aws:iam::444455556666:user/bob", Account: "444455556666"}
	session   = policy.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/Reader/i-0abc", Account: "111122223333"}
	cloudfrnt = policy.Caller{Service: "cloudfront.amazonaws.com"}
	anonymous = policy.Caller{}
)

func req(c policy.Caller, action, resource string, kv ...string) *policy.Request {
	r := &policy.Request{Caller: c, Action: action, Resource: resource}
	for i := 0; i+1 < len(kv); i += 2 {
		r.Context.Set(kv[i], kv[i+1])
	}
	return r
}

type evalCase struct {
	name string
	req  *policy.Request
	want policy.Decision
	sid  string // deciding statement, when the decision is not the implicit deny
}

func runEval(t *testing.T, src string, cases []evalCase) {
	t.Helper()
	c := mustCompile(t, src)
	doc := mustParse(t, src)
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := c.Decide(tc.req)
			assert.Equal(t, tc.want, got.Decision)
			if tc.want != policy.DecisionDeny {
				assert.True(t, got.Matched)
				assert.Equal(t, tc.sid, got.By.Sid)
			} else {
				assert.False(t, got.Matched)
			}
			// The uncompiled path agrees.
			un, err := policy.Evaluate(tc.req, doc)
			require.NoError(t, err)
			assert.Equal(t, got, un)
		})
	}
}

func TestEvaluateDenyOverridesAllow(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Read","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},
	 {"Sid":"NoSecret","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/secret/*"}]}`
	runEval(t, src, []evalCase{
		{"allowed", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/public/x"), policy.DecisionAllow, "Read"},
		{"explicit deny wins", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/secret/x"), policy.DecisionExplicitDeny, "NoSecret"},
		{"implicit deny: other action", req(anonymous, "s3:PutObject", "arn:aws:s3:::b/public/x"), policy.DecisionDeny, ""},
		{"implicit deny: other bucket", req(anonymous, "s3:GetObject", "arn:aws:s3:::c/x"), policy.DecisionDeny, ""},
		{"action case-insensitive", req(anonymous, "S3:getobject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Read"},
		{"resource case-sensitive", req(anonymous, "s3:GetObject", "arn:aws:s3:::B/k"), policy.DecisionDeny, ""},
	})
}

func TestEvaluateActionWildcards(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Get","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":["s3:Get*","s3:List?ucket"],"Resource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]},
	 {"Sid":"Tags","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*Object*Tagging","Resource":"arn:aws:s3:::b/*"}]}`
	runEval(t, src, []evalCase{
		{"prefix", req(alice, "s3:GetObjectVersion", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Get"},
		{"question mark", req(alice, "s3:ListBucket", "arn:aws:s3:::b"), policy.DecisionAllow, "Get"},
		{"question mark one char", req(alice, "s3:ListBucketVersions", "arn:aws:s3:::b"), policy.DecisionDeny, ""},
		{"infix", req(alice, "s3:PutObjectVersionTagging", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Tags"},
		{"account principal", req(bob, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		{"role session of the account", req(session, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Get"},
		{"anonymous not an account principal", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
	})
}

func TestEvaluateResourceMatching(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Logs","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/logs/*/20??.txt"},
	 {"Sid":"AP","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:*:111122223333:accesspoint/*"}]}`
	runEval(t, src, []evalCase{
		{"star spans slashes", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/logs/a/b/2024.txt"), policy.DecisionAllow, "Logs"},
		{"question marks", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/logs/a/2024x.txt"), policy.DecisionDeny, ""},
		{"region wildcard", req(anonymous, "s3:GetObject", "arn:aws:s3:eu-west-1:111122223333:accesspoint/ap1/object/k"), policy.DecisionAllow, "AP"},
		// The region's * ends its segment, so it also takes the fields that
		// follow, as far as the account field matches: "If the * wildcard is
		// the last character of a resource ARN segment, it can expand to
		// match beyond the colon boundaries" (IAM user guide, "IAM JSON
		// policy elements: Resource"). See TestMatchARN.
		{"segment-final wildcard spans colons", req(anonymous, "s3:GetObject", "arn:aws:s3:eu-west-1:x:111122223333:accesspoint/a"), policy.DecisionAllow, "AP"},
		{"other account", req(anonymous, "s3:GetObject", "arn:aws:s3:eu-west-1:444455556666:accesspoint/a"), policy.DecisionDeny, ""},
	})
}

func TestEvaluateNotElements(t *testing.T) {
	// IAM user guide: Deny with NotPrincipal denies everyone but the listed
	// principals; Allow with NotAction grants everything not listed; Deny
	// with NotResource denies everything outside the listed resources.
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"AllButDelete","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"NotAction":"s3:Delete*","Resource":"arn:aws:s3:::b/*"},
	 {"Sid":"OnlyAlice","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:sts::111122223333:assumed-role/Reader/i-0abc","arn:aws:iam::111122223333:role/Reader","arn:aws:iam::111122223333:root"]},"Action":"s3:*","Resource":"arn:aws:s3:::b/private/*"},
	 {"Sid":"OutsideB","Effect":"Deny","Principal":"*","Action":"s3:GetObject","NotResource":["arn:aws:s3:::b/*","arn:aws:s3:::b"]}]}`
	runEval(t, src, []evalCase{
		{"not action grants others", req(alice, "s3:PutObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "AllButDelete"},
		{"not action excludes listed", req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		{"not principal exempts alice", req(alice, "s3:GetObject", "arn:aws:s3:::b/private/k"), policy.DecisionAllow, "AllButDelete"},
		{"not principal exempts the listed role session", req(session, "s3:GetObject", "arn:aws:s3:::b/private/k"), policy.DecisionAllow, "AllButDelete"},
		{"not principal denies others", req(policy.Caller{ARN: "arn:aws:iam::111122223333:user/mallory", Account: "111122223333"}, "s3:GetObject", "arn:aws:s3:::b/private/k"), policy.DecisionExplicitDeny, "OnlyAlice"},
		{"not principal denies anonymous", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/private/k"), policy.DecisionExplicitDeny, "OnlyAlice"},
		{"not resource", req(alice, "s3:GetObject", "arn:aws:s3:::c/k"), policy.DecisionExplicitDeny, "OutsideB"},
	})
}

func TestEvaluateNotPrincipalNeedsWholeChain(t *testing.T) {
	// IAM user guide, "AWS JSON policy elements: NotPrincipal": with Deny,
	// AWS may check the account, then the role, then the role session, so
	// each must be listed for the caller to be exempt; a role ARN does not
	// stand for its sessions ("Principals must always name a specific
	// session").
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"RoleOnly","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:iam::111122223333:role/Reader","arn:aws:iam::111122223333:root"]},"Action":"s3:GetObject","Resource":"*"},
	 {"Sid":"UserNoAccount","Effect":"Deny","NotPrincipal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:PutObject","Resource":"*"},
	 {"Sid":"AccountOnly","Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"Action":"s3:DeleteObject","Resource":"*"},
	 {"Sid":"SessionNoRole","Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::111122223333:assumed-role/Reader/i-0abc","arn:aws:iam::111122223333:root"]},"Action":"s3:GetObjectAcl","Resource":"*"},
	 {"Sid":"Service","Effect":"Deny","NotPrincipal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObjectTagging","Resource":"*"},
	 {"Sid":"Everything","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`
	root := policy.Caller{ARN: "arn:aws:iam::111122223333:root", Account: "111122223333"}
	runEval(t, src, []evalCase{
		{"role arn does not exempt its sessions", req(session, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "RoleOnly"},
		{"user without its account is denied", req(alice, "s3:PutObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "UserNoAccount"},
		{"account does not exempt its users", req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "AccountOnly"},
		{"account exempts its root", req(root, "s3:DeleteObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Everything"},
		{"session without its role is denied", req(session, "s3:GetObjectAcl", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "SessionNoRole"},
		{"service exempt", req(cloudfrnt, "s3:GetObjectTagging", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Everything"},
		{"anonymous denied", req(anonymous, "s3:GetObjectTagging", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "Service"},
	})
}

func TestEvaluateStringConditions(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Eq","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}},
	 {"Sid":"Fold","Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"s3:x-amz-acl":"PRIVATE"}}},
	 {"Sid":"Like","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"*","Condition":{"StringLike":{"s3:prefix":["home/*","shared/?"]}}},
	 {"Sid":"NotEq","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}},
	 {"Sid":"NotLike","Effect":"Deny","Principal":"*","Action":"s3:GetObjectAcl","Resource":"*","Condition":{"StringNotLike":{"aws:userid":["AROA*:*"]}}},
	 {"Sid":"NotFold","Effect":"Allow","Principal":"*","Action":"s3:GetObjectAcl","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"aws:userid":"AROAXYZ:BAD"}}}]}`
	runEval(t, src, []evalCase{
		{"equals second value", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceVpce", "vpce-2"), policy.DecisionAllow, "Eq"},
		{"equals is case-sensitive", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceVpce", "VPCE-2"), policy.DecisionDeny, ""},
		{"key name case-insensitive", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", "AWS:SOURCEVPCE", "vpce-1"), policy.DecisionAllow, "Eq"},
		{"missing key", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		{"ignore case", req(anonymous, "s3:PutObject", "arn:aws:s3:::b/k", "s3:x-amz-acl", "private"), policy.DecisionAllow, "Fold"},
		{"like star", req(anonymous, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "home/alice/x"), policy.DecisionAllow, "Like"},
		{"like question", req(anonymous, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "shared/ab"), policy.DecisionDeny, ""},
		{"not equals other account", req(bob, "s3:DeleteObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "NotEq"},
		{"not equals own account", req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		// Negated operators match when the key is missing (anonymous has no account).
		{"not equals missing key", req(anonymous, "s3:DeleteObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "NotEq"},
		{"not like matches", req(anonymous, "s3:GetObjectAcl", "arn:aws:s3:::b/k", "aws:userid", "AIDAUSER"), policy.DecisionExplicitDeny, "NotLike"},
		{"not like excluded", req(anonymous, "s3:GetObjectAcl", "arn:aws:s3:::b/k", "aws:userid", "AROAXYZ:sess"), policy.DecisionAllow, "NotFold"},
		{"not equals ignore case", req(anonymous, "s3:GetObjectAcl", "arn:aws:s3:::b/k", "aws:userid", "AROAXYZ:bad"), policy.DecisionDeny, ""},
	})
}

func TestEvaluateNumericDateBoolBinaryIP(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:TlsVersion":1.2}}},
	 {"Sid":"Plain","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":false}}},
	 {"Sid":"MaxKeys","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"},"NumericGreaterThan":{"s3:max-keys":0}}},
	 {"Sid":"Window","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*","Condition":{"DateGreaterThanEquals":{"aws:CurrentTime":"2025-01-01T00:00:00Z"},"DateLessThan":{"aws:CurrentTime":"2025-02-01"}}},
	 {"Sid":"Epoch","Effect":"Allow","Principal":"*","Action":"s3:GetObjectVersion","Resource":"*","Condition":{"DateEquals":{"aws:EpochTime":1700000000}}},
	 {"Sid":"Net","Effect":"Allow","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}},
	 {"Sid":"NotNet","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/25","2001:db8::/32"]}}},
	 {"Sid":"Bin","Effect":"Allow","Principal":"*","Action":"s3:GetObjectTagging","Resource":"*","Condition":{"BinaryEquals":{"aws:UserAgent":"QmluYXJ5"}}},
	 {"Sid":"NotEqNum","Effect":"Allow","Principal":"*","Action":"s3:GetObjectAcl","Resource":"*","Condition":{"NumericNotEquals":{"s3:signatureAge":[1,2]}}},
	 {"Sid":"NotEqDate","Effect":"Allow","Principal":"*","Action":"s3:GetBucketAcl","Resource":"*","Condition":{"DateNotEquals":{"aws:TokenIssueTime":"2025-01-01T00:00:00Z"}}}]}`
	sec := []string{"aws:SecureTransport", "true", "s3:TlsVersion", "1.3"}
	with := func(kv ...string) []string { return append(append([]string{}, sec...), kv...) }
	runEval(t, src, []evalCase{
		{"old TLS denied", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SecureTransport", "true", "s3:TlsVersion", "1.1"), policy.DecisionExplicitDeny, "TLS"},
		{"plain HTTP denied", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SecureTransport", "false"), policy.DecisionExplicitDeny, "Plain"},
		{"bool case-insensitive", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SecureTransport", "FALSE"), policy.DecisionExplicitDeny, "Plain"},
		// Bool (not IfExists) is false when the key is absent, so the Deny does not apply.
		{"bool key absent", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", "s3:TlsVersion", "1.3", "aws:CurrentTime", "2025-01-15T10:00:00Z"), policy.DecisionAllow, "Window"},
		{"numeric range", req(anonymous, "s3:ListBucket", "arn:aws:s3:::b", with("s3:max-keys", "10")...), policy.DecisionAllow, "MaxKeys"},
		{"numeric out of range", req(anonymous, "s3:ListBucket", "arn:aws:s3:::b", with("s3:max-keys", "11")...), policy.DecisionDeny, ""},
		{"numeric not a number", req(anonymous, "s3:ListBucket", "arn:aws:s3:::b", with("s3:max-keys", "ten")...), policy.DecisionDeny, ""},
		{"date inside", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", with("aws:CurrentTime", "2025-01-15T10:00:00Z")...), policy.DecisionAllow, "Window"},
		{"date boundary", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", with("aws:CurrentTime", "2025-02-01T00:00:00Z")...), policy.DecisionDeny, ""},
		{"date with offset", req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k", with("aws:CurrentTime", "2025-01-01T01:00:00+02:00")...), policy.DecisionDeny, ""},
		{"epoch", req(anonymous, "s3:GetObjectVersion", "arn:aws:s3:::b/k", with("aws:EpochTime", "1700000000")...), policy.DecisionAllow, "Epoch"},
		{"epoch as ISO date", req(anonymous, "s3:GetObjectVersion", "arn:aws:s3:::b/k", with("aws:EpochTime", "2023-11-14T22:13:20Z")...), policy.DecisionAllow, "Epoch"},
		{"ip inside both", req(anonymous, "s3:PutObject", "arn:aws:s3:::b/k", with("aws:SourceIp", "203.0.113.5")...), policy.DecisionAllow, "Net"},
		{"ip in allow only", req(anonymous, "s3:PutObject", "arn:aws:s3:::b/k", with("aws:SourceIp", "203.0.113.200")...), policy.DecisionExplicitDeny, "NotNet"},
		{"ipv6", req(anonymous, "s3:PutObject", "arn:aws:s3:::b/k", with("aws:SourceIp", "2001:db8::1")...), policy.DecisionAllow, "Net"},
		{"ipv4-mapped ipv6", req(anonymous, "s3:PutObject", "arn:aws:s3:::b/k", with("aws:SourceIp", "::ffff:203.0.113.5")...), policy.DecisionAllow, "Net"},
		{"no source ip: not ip address matches", req(anonymous, "s3:PutObject", "arn:aws:s3:::b/k", sec...), policy.DecisionExplicitDeny, "NotNet"},
		{"binary", req(anonymous, "s3:GetObjectTagging", "arn:aws:s3:::b/k", with("aws:UserAgent", "QmluYXJ5")...), policy.DecisionAllow, "Bin"},
		{"numeric not equals", req(anonymous, "s3:GetObjectAcl", "arn:aws:s3:::b/k", with("s3:signatureAge", "3")...), policy.DecisionAllow, "NotEqNum"},
		{"numeric not equals listed", req(anonymous, "s3:GetObjectAcl", "arn:aws:s3:::b/k", with("s3:signatureAge", "2.0")...), policy.DecisionDeny, ""},
		{"date not equals", req(anonymous, "s3:GetBucketAcl", "arn:aws:s3:::b", with("aws:TokenIssueTime", "2025-01-01T00:00:00.000Z")...), policy.DecisionDeny, ""},
	})
}

func TestEvaluateArnAndNullAndIfExists(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"OAC","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::111122223333:distribution/E*"}}},
	 {"Sid":"ArnEq","Effect":"Allow","Principal":"*","Action":"s3:GetObjectAcl","Resource":"*","Condition":{"ArnEquals":{"aws:PrincipalArn":"arn:aws:iam::111122223333:role/Reader"}}},
	 {"Sid":"ArnNot","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"ArnNotLike":{"aws:PrincipalArn":["arn:aws:iam::*:role/Writer*"]}}},
	 {"Sid":"NeedTag","Effect":"Deny","Principal":"*","Action":"s3:PutObjectTagging","Resource":"*","Condition":{"Null":{"s3:RequestObjectTag/team":"true"}}},
	 {"Sid":"HasMFA","Effect":"Allow","Principal":"*","Action":"s3:DeleteObject","Resource":"*","Condition":{"Null":{"aws:MultiFactorAuthAge":"false"}}},
	 {"Sid":"MaybeVpc","Effect":"Allow","Principal":"*","Action":"s3:GetObjectTagging","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpc":"vpc-1"}}},
	 {"Sid":"MaybeAge","Effect":"Deny","Principal":"*","Action":"s3:DeleteObjectVersion","Resource":"*","Condition":{"NumericGreaterThanIfExists":{"aws:MultiFactorAuthAge":"3600"}}},
	 {"Sid":"OnlyVpce","Effect":"Deny","Principal":"*","Action":"s3:PutObjectAcl","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}]}`
	writer := policy.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/WriterApp/s", Account: "111122223333"}
	runEval(t, src, []evalCase{
		{"arn like", req(cloudfrnt, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceArn", "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"), policy.DecisionAllow, "OAC"},
		{"arn like wrong account", req(cloudfrnt, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceArn", "arn:aws:cloudfront::444455556666:distribution/EDFDVBD6EXAMPLE"), policy.DecisionDeny, ""},
		{"service principal only", req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceArn", "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"), policy.DecisionDeny, ""},
		{"arn equals derived principal arn", req(session, "s3:GetObjectAcl", "arn:aws:s3:::b/k"), policy.DecisionAllow, "ArnEq"},
		{"arn not like denies", req(alice, "s3:PutObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "ArnNot"},
		{"arn not like spares writer", req(writer, "s3:PutObject", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		{"null true: key absent", req(alice, "s3:PutObjectTagging", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "NeedTag"},
		{"null true: key present", req(alice, "s3:PutObjectTagging", "arn:aws:s3:::b/k", "s3:RequestObjectTag/Team", "x"), policy.DecisionDeny, ""},
		{"null false: key present", req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k", "aws:MultiFactorAuthAge", "30"), policy.DecisionAllow, "HasMFA"},
		{"null false: key absent", req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		{"if exists absent", req(alice, "s3:GetObjectTagging", "arn:aws:s3:::b/k"), policy.DecisionAllow, "MaybeVpc"},
		{"if exists present wrong", req(alice, "s3:GetObjectTagging", "arn:aws:s3:::b/k", "aws:SourceVpc", "vpc-2"), policy.DecisionDeny, ""},
		{"if exists deny absent", req(alice, "s3:DeleteObjectVersion", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "MaybeAge"},
		{"if exists deny present ok", req(alice, "s3:DeleteObjectVersion", "arn:aws:s3:::b/k", "aws:MultiFactorAuthAge", "60"), policy.DecisionDeny, ""},
		{"negated if exists absent", req(alice, "s3:PutObjectAcl", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "OnlyVpce"},
		{"negated if exists other", req(alice, "s3:PutObjectAcl", "arn:aws:s3:::b/k", "aws:SourceVpce", "vpce-2"), policy.DecisionExplicitDeny, "OnlyVpce"},
		{"negated if exists listed", req(alice, "s3:PutObjectAcl", "arn:aws:s3:::b/k", "aws:SourceVpce", "vpce-1"), policy.DecisionDeny, ""},
	})
}

func TestEvaluateSetOperators(t *testing.T) {
	// IAM user guide, "Multivalued context keys": ForAllValues is true when
	// every request value matches (and when there are none); ForAnyValue
	// when at least one does.
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"All","Effect":"Allow","Principal":"*","Action":"s3:PutObjectTagging","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["team","env"]}}},
	 {"Sid":"Any","Effect":"Allow","Principal":"*","Action":"s3:GetObjectTagging","Resource":"*","Condition":{"ForAnyValue:StringLike":{"aws:TagKeys":"cost*"}}},
	 {"Sid":"NoneSecret","Effect":"Deny","Principal":"*","Action":"s3:DeleteObjectTagging","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["team","env"]}}},
	 {"Sid":"AllNot","Effect":"Allow","Principal":"*","Action":"s3:DeleteObjectTagging","Resource":"*","Condition":{"ForAllValues:StringNotLike":{"aws:TagKeys":"secret*"}}}]}`
	tags := func(a string, keys ...string) *policy.Request {
		r := &policy.Request{Action: a, Resource: "arn:aws:s3:::b/k"}
		r.Context.Set("aws:TagKeys", keys...)
		return r
	}
	runEval(t, src, []evalCase{
		{"all subset", tags("s3:PutObjectTagging", "team"), policy.DecisionAllow, "All"},
		{"all every", tags("s3:PutObjectTagging", "team", "env"), policy.DecisionAllow, "All"},
		{"all extra", tags("s3:PutObjectTagging", "team", "owner"), policy.DecisionDeny, ""},
		{"all empty is true", tags("s3:PutObjectTagging"), policy.DecisionAllow, "All"},
		{"all absent is true", req(anonymous, "s3:PutObjectTagging", "arn:aws:s3:::b/k"), policy.DecisionAllow, "All"},
		{"any one", tags("s3:GetObjectTagging", "team", "costcenter"), policy.DecisionAllow, "Any"},
		{"any none", tags("s3:GetObjectTagging", "team"), policy.DecisionDeny, ""},
		{"any absent is false", req(anonymous, "s3:GetObjectTagging", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		{"any not equals: one outside", tags("s3:DeleteObjectTagging", "team", "secret1"), policy.DecisionExplicitDeny, "NoneSecret"},
		{"any not equals: all listed", tags("s3:DeleteObjectTagging", "team", "env"), policy.DecisionAllow, "AllNot"},
	})
}

func TestEvaluatePolicyVariables(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Home","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"},
	 {"Sid":"List","Effect":"Allow","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":["home/${aws:username}/*","${*}literal"]}}},
	 {"Sid":"Team","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/team/${aws:PrincipalTag/team, 'none'}/*"},
	 {"Sid":"Owner","Effect":"Allow","Principal":"*","Action":"s3:GetObjectAcl","Resource":"*","Condition":{"StringEquals":{"s3:ExistingObjectTag/owner":"${aws:username}"}}}]}`
	star := policy.Caller{ARN: "arn:aws:iam::111122223333:user/*", Account: "111122223333"}
	runEval(t, src, []evalCase{
		{"own home", req(alice, "s3:PutObject", "arn:aws:s3:::b/home/alice/x"), policy.DecisionAllow, "Home"},
		{"other home", req(alice, "s3:PutObject", "arn:aws:s3:::b/home/bob/x"), policy.DecisionDeny, ""},
		{"no username: no match", req(session, "s3:PutObject", "arn:aws:s3:::b/home/alice/x"), policy.DecisionDeny, ""},
		{"variable value is literal", req(star, "s3:PutObject", "arn:aws:s3:::b/home/bob/x"), policy.DecisionDeny, ""},
		{"variable in condition", req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "home/alice/docs"), policy.DecisionAllow, "List"},
		{"variable in condition other", req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "home/bob/docs"), policy.DecisionDeny, ""},
		{"${*} is a literal star", req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "*literal"), policy.DecisionAllow, "List"},
		{"${*} is not a wildcard", req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "xliteral"), policy.DecisionDeny, ""},
		{"tag variable", req(alice, "s3:GetObject", "arn:aws:s3:::b/team/red/x", "aws:PrincipalTag/team", "red"), policy.DecisionAllow, "Team"},
		{"default value", req(alice, "s3:GetObject", "arn:aws:s3:::b/team/none/x"), policy.DecisionAllow, "Team"},
		{"equals with variable", req(alice, "s3:GetObjectAcl", "arn:aws:s3:::b/k", "s3:ExistingObjectTag/owner", "alice"), policy.DecisionAllow, "Owner"},
	})

	// Without Version 2012-10-17, ${...} is literal text.
	old := `{"Statement":[{"Sid":"Home","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}]}`
	runEval(t, old, []evalCase{
		{"literal", req(alice, "s3:PutObject", "arn:aws:s3:::b/home/${aws:username}/x"), policy.DecisionAllow, "Home"},
		{"not substituted", req(alice, "s3:PutObject", "arn:aws:s3:::b/home/alice/x"), policy.DecisionDeny, ""},
	})
}

func TestEvaluatePrincipals(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"Users","Effect":"Allow","Principal":{"AWS":["arn:aws:iam::444455556666:user/bob","arn:aws:iam::111122223333:role/path/Reader"]},"Action":"s3:GetObject","Resource":"*"},
	 {"Sid":"Canon","Effect":"Allow","Principal":{"CanonicalUser":"79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"},"Action":"s3:PutObject","Resource":"*"},
	 {"Sid":"Fed","Effect":"Allow","Principal":{"Federated":"cognito-identity.amazonaws.com"},"Action":"s3:ListBucket","Resource":"*"},
	 {"Sid":"Everyone","Effect":"Allow","Principal":{"AWS":"*"},"Action":"s3:GetBucketLocation","Resource":"*"}]}`
	runEval(t, src, []evalCase{
		{"user arn", req(bob, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Users"},
		{"role with path matches session", req(session, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Users"},
		{"account member is not the user", req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		{"canonical user", req(policy.Caller{CanonicalUser: "79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be"}, "s3:PutObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Canon"},
		{"federated", req(policy.Caller{Federated: "cognito-identity.amazonaws.com"}, "s3:ListBucket", "arn:aws:s3:::b"), policy.DecisionAllow, "Fed"},
		{"AWS star includes anonymous", req(anonymous, "s3:GetBucketLocation", "arn:aws:s3:::b"), policy.DecisionAllow, "Everyone"},
	})
}

func TestDecideAcrossPolicies(t *testing.T) {
	identity := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Id","Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)
	bucket := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"TLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`)
	r := req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SecureTransport", "true")
	got := policy.Decide(r, identity, bucket)
	assert.Equal(t, policy.DecisionAllow, got.Decision)
	assert.Equal(t, policy.StatementRef{Policy: 0, Index: 0, Sid: "Id"}, got.By)

	r.Context.Set("aws:SecureTransport", "false")
	got = policy.Decide(r, identity, bucket)
	assert.Equal(t, policy.DecisionExplicitDeny, got.Decision)
	assert.Equal(t, policy.StatementRef{Policy: 1, Index: 0, Sid: "TLS"}, got.By)
	assert.Equal(t, []policy.Match{
		{StatementRef: policy.StatementRef{Policy: 0, Index: 0, Sid: "Id"}, Effect: policy.Allow},
		{StatementRef: policy.StatementRef{Policy: 1, Index: 0, Sid: "TLS"}, Effect: policy.Deny},
	}, policy.Matches(r, identity, bucket))

	assert.Equal(t, policy.DecisionDeny, policy.Decide(r).Decision, "no policies: implicit deny")
	assert.Equal(t, policy.DecisionDeny, policy.Decide(r, nil).Decision)
}

func TestCompileErrors(t *testing.T) {
	for name, src := range map[string]string{
		"effect":          `{"Statement":[{"Effect":"Permit","Action":"s3:*","Resource":"*"}]}`,
		"no action":       `{"Statement":[{"Effect":"Allow","Resource":"*"}]}`,
		"both actions":    `{"Statement":[{"Effect":"Allow","Action":"s3:*","NotAction":"s3:Get*","Resource":"*"}]}`,
		"operator":        `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringSorta":{"aws:SourceVpc":"v"}}}]}`,
		"null if exists":  `{"Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NullIfExists":{"aws:SourceVpc":"true"}}}]}`,
		"numeric value":   `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NumericLessThan":{"s3:TlsVersion":"one"}}}]}`,
		"numeric NaN":     `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NumericNotEquals":{"s3:max-keys":"NaN"}}}]}`,
		"numeric hex":     `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"0x1p4"}}}]}`,
		"date value":      `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:CurrentTime":"yesterday"}}}]}`,
		"cidr value":      `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/33"}}}]}`,
		"set qualifier":   `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"ForSomeValues:StringEquals":{"aws:TagKeys":"a"}}}]}`,
		"null bad value":  `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:TagKeys":"maybe"}}}]}`,
		"both resources":  `{"Statement":[{"Effect":"Deny","Action":"s3:*","Resource":"*","NotResource":"*"}]}`,
		"both principals": `{"Statement":[{"Effect":"Deny","Principal":"*","NotPrincipal":"*","Action":"s3:*","Resource":"*"}]}`,
	} {
		t.Run(name, func(t *testing.T) {
			_, err := policy.Compile(mustParse(t, src))
			require.Error(t, err)
			assert.ErrorIs(t, err, policy.ErrInvalidStatement)
			var se *policy.StatementError
			assert.True(t, errors.As(err, &se))
			_, err = policy.Evaluate(req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), mustParse(t, src))
			assert.ErrorIs(t, err, policy.ErrInvalidStatement)
		})
	}
	c, err := policy.Compile(nil)
	require.NoError(t, err)
	assert.Equal(t, policy.DecisionDeny, c.Decide(req(alice, "s3:GetObject", "x")).Decision)
}

func TestContext(t *testing.T) {
	var c policy.Context
	c.Set("AWS:SourceIp", "203.0.113.1")
	c.SetBool("aws:SecureTransport", true)
	c.SetTime("aws:CurrentTime", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC))
	v, ok := c.Lookup("aws:sourceip")
	require.True(t, ok)
	assert.Equal(t, []string{"203.0.113.1"}, v)
	v, _ = c.Lookup("aws:EpochTime")
	assert.Equal(t, []string{"1735787045"}, v)
	v, _ = c.Lookup("aws:CurrentTime")
	assert.Equal(t, []string{"2025-01-02T03:04:05Z"}, v)
	c.Set("aws:sourceip", "198.51.100.1")
	v, _ = c.Lookup("aws:SourceIp")
	assert.Equal(t, []string{"198.51.100.1"}, v)
	c.Delete("AWS:SOURCEIP")
	_, ok = c.Lookup("aws:SourceIp")
	assert.False(t, ok)
	assert.Equal(t, []string{"aws:securetransport", "aws:currenttime", "aws:epochtime"}, c.Keys())
	assert.True(t, anonymous.Anonymous())
	assert.False(t, alice.Anonymous())
	assert.Equal(t, "ExplicitDeny", policy.DecisionExplicitDeny.String())
	assert.Equal(t, "ImplicitDeny", policy.DecisionDeny.String())
	assert.Equal(t, "Allow", policy.DecisionAllow.String())
}

// TestEvaluateActionPatternsAgreeWithCatalog checks that a compiled
// statement matches exactly the actions ExpandActions lists for its pattern,
// whatever the request's case, and still matches actions the catalog does
// not know by pattern.
func TestEvaluateActionPatternsAgreeWithCatalog(t *testing.T) {
	for _, pattern := range []string{"*", "s3:*", "s3:Get*", "S3:get*", "s3:?et*", "s3:*Object*Tagging", "s3:GetObject", "s3:listbucket", "s3:Put*Acl", "ec2:*"} {
		doc := mustParse(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"`+pattern+`","Resource":"*"}]}`)
		c, err := policy.Compile(doc)
		require.NoError(t, err)
		want := map[string]bool{}
		for _, a := range policy.ExpandActions(pattern) {
			want[a.Name] = true
		}
		for _, a := range policy.Actions() {
			for _, name := range []string{a.Name, strings.ToUpper(a.Name), strings.ToLower(a.Name)} {
				r := &policy.Request{Action: name, Resource: "arn:aws:s3:::b"}
				got := c.Decide(r).Allowed()
				assert.Equalf(t, want[a.Name], got, "pattern %s, action %s", pattern, name)
				// Evaluate matches by pattern, without the catalog bit set.
				un, err := policy.Evaluate(r, doc)
				require.NoError(t, err)
				assert.Equalf(t, want[a.Name], un.Allowed(), "uncompiled: pattern %s, action %s", pattern, name)
			}
		}
	}
	// Actions outside the catalog match by pattern.
	c := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:Get*","ec2:Describe*"],"Resource":"*"}]}`)
	assert.True(t, c.Decide(&policy.Request{Action: "s3:GetFutureThing", Resource: "x"}).Allowed())
	assert.True(t, c.Decide(&policy.Request{Action: "EC2:DescribeInstances", Resource: "x"}).Allowed())
	assert.False(t, c.Decide(&policy.Request{Action: "ec2:RunInstances", Resource: "x"}).Allowed())
	assert.False(t, c.Decide(&policy.Request{Action: "s3:" + strings.Repeat("x", 100), Resource: "x"}).Allowed())
}
