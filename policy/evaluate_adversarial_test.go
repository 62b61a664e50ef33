package policy_test

import (
	"testing"

	"github.com/s3secure/s3secure/policy"
)

// TestEvaluateAdversarialRows are the red-team rows of the evaluator that
// were already right, kept so that a change which breaks one fails: each
// asserts the decision IAM makes, from the IAM user guide's pages "IAM JSON
// policy elements" (Action, NotAction, Resource, NotResource, Principal),
// "Condition operators" (a missing key matches no positive operator and
// every negated one; ...IfExists holds on a missing key; Null "true" means
// absent; StringEquals is case-sensitive and StringEqualsIgnoreCase is not;
// ARN operators compare each of the six fields case-sensitively; numbers by
// value), "Single-valued vs. multivalued context keys" (ForAllValues holds
// on a missing key, ForAnyValue does not) and "Variables and tags"
// (defaults, ${*} ${?} ${$} as literals, no variables before 2012-10-17,
// a variable without a value invalidates the statement).
func TestEvaluateAdversarialRows(t *testing.T) {
	const all = `{"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"*"}`
	doc := func(stmts ...string) string {
		s := `{"Version":"2012-10-17","Statement":[`
		for i, x := range stmts {
			if i > 0 {
				s += ","
			}
			s += x
		}
		return s + `]}`
	}
	cond := func(c string) string {
		return doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":` + c + `}`)
	}
	get := func(kv ...string) *policy.Request { return req(alice, "s3:GetObject", "arn:aws:s3:::b/k", kv...) }
	D, A, N := policy.DecisionExplicitDeny, policy.DecisionAllow, policy.DecisionDeny
	rows := []struct {
		name string
		src  string
		req  *policy.Request
		want policy.Decision
		sid  string
	}{
		{"allow notaction other", doc(`{"Sid":"X","Effect":"Allow","NotAction":"s3:Delete*","Resource":"*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		{"allow notaction listed", doc(`{"Sid":"X","Effect":"Allow","NotAction":"s3:Delete*","Resource":"*"}`), req(alice, "s3:DeleteObject", "arn:aws:s3:::b/k"), N, ""},
		{"allow notaction other service", doc(`{"Sid":"X","Effect":"Allow","NotAction":"s3:*","Resource":"*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), N, ""},
		{"deny notresource outside", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`), req(alice, "s3:GetObject", "arn:aws:s3:::c/k"), D, "X"},
		{"deny notresource inside", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","NotResource":["arn:aws:s3:::b","arn:aws:s3:::b/*"]}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), A, "All"},
		{"deny notaction", doc(all, `{"Sid":"X","Effect":"Deny","NotAction":"s3:Get*","Resource":"*"}`), req(alice, "s3:PutObject", "arn:aws:s3:::b/k"), D, "X"},
		{"forany absent allow", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringEquals":{"aws:TagKeys":"a"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), N, ""},
		{"forall absent allow", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		{"forall present other", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:TagKeys", "b"), N, ""},
		{"notequals ifexists absent deny", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), D, "X"},
		{"equals ifexists absent deny", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"vpce-1"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), D, "X"},
		{"notequals absent deny", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:SourceVpce":"vpce-1"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), D, "X"},
		{"null true absent", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:SourceVpce":"true"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), D, "X"},
		{"null false absent", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:SourceVpce":"false"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), A, "All"},
		{"null false present", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Null":{"aws:SourceVpce":"false"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceVpce", "v"), D, "X"},
		{"var default", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/shared/k"), A, "X"},
		{"var default not other", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/x/k"), N, ""},
		{"var default with value", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team, 'shared'}/*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/shared/k", "aws:PrincipalTag/team", "red"), N, ""},
		{"var star literal", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/x"), N, ""},
		{"var star literal hit", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${*}"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/*"), A, "X"},
		{"var q literal", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/a${?}"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/ax"), N, ""},
		{"var dollar", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${$}x"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/$x"), A, "X"},
		{"var username role", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}`), req(session, "s3:GetObject", "arn:aws:s3:::b/Reader/k"), N, ""},
		{"var username user", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/alice/k"), A, "X"},
		{"var in condition", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}`), req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "home/alice/x"), A, "X"},
		{"var in condition other", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringLike":{"s3:prefix":"home/${aws:username}/*"}}}`), req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "home/bob/x"), N, ""},
		{"var value with star", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:PrincipalTag/team}/*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/red/k", "aws:PrincipalTag/team", "*"), N, ""},
		{"key with colon", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/a:b:c"), A, "X"},
		{"q across colon in key", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/a?b"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/a:b"), A, "X"},
		{"star across slash", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/a*z"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/a/b/z"), A, "X"},
		{"bucket star not other bucket", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b2/k"), A, "X"},
		{"resource case", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::B/*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), N, ""},
		{"key case", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::b/K*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), N, ""},
		{"stringequals case", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"aws:SourceVpce":"VPCE-1"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceVpce", "vpce-1"), N, ""},
		{"stringequalsignorecase", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEqualsIgnoreCase":{"aws:SourceVpce":"VPCE-1"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceVpce", "vpce-1"), A, "X"},
		{"stringnotequalsignorecase", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEqualsIgnoreCase":{"aws:SourceVpce":"VPCE-1"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceVpce", "vpce-1"), A, "All"},
		{"key name case", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringEquals":{"AWS:SOURCEVPCE":"vpce-1"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceVpce", "vpce-1"), A, "X"},
		{"arnlike case", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:S3:::b"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceArn", "arn:aws:s3:::b"), N, ""},
		{"arnlike star not across colon", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"ArnLike":{"aws:SourceArn":"arn:aws:*:123456789012:x"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceArn", "arn:aws:s3:us-east-1:123456789012:x"), N, ""},
		{"bool True", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"True"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SecureTransport", "true"), A, "X"},
		{"bool false deny absent", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), A, "All"},
		{"numeric 01", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"01"}}}`), req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:max-keys", "1"), A, "X"},
		{"numeric 1.0", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericEquals":{"s3:max-keys":"1.0"}}}`), req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:max-keys", "1"), A, "X"},
		{"numeric lt", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"NumericLessThanEquals":{"s3:max-keys":"10"}}}`), req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:max-keys", "100"), N, ""},
		{"numeric not number request", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NumericGreaterThan":{"s3:max-keys":"10"}}}`), req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:max-keys", "abc"), A, "All"},
		{"date iso vs epoch", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateGreaterThan":{"aws:CurrentTime":"2020-01-01T00:00:00Z"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:CurrentTime", "2021-01-01T00:00:00Z"), A, "X"},
		{"date epoch", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"DateLessThan":{"aws:EpochTime":"1577836800"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:EpochTime", "1609459200"), N, ""},
		{"ip v6 not in v4", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceIp", "2001:db8::1"), N, ""},
		{"ip v6 in v6", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"IpAddress":{"aws:SourceIp":"2001:db8::/32"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceIp", "2001:DB8::1"), A, "X"},
		{"notip v6 deny", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"NotIpAddress":{"aws:SourceIp":"10.0.0.0/8"}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceIp", "2001:db8::1"), D, "X"},
		{"principal account id", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		{"principal root arn", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:*","Resource":"*"}`), req(session, "s3:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		{"principal other account", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:*","Resource":"*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), N, ""},
		{"a user ARN does not name a service", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:*","Resource":"*"}`), req(cloudfrnt, "s3:GetObject", "arn:aws:s3:::b/k"), N, ""},
		{"principal anonymous root", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:*","Resource":"*"}`), req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k"), N, ""},
		{"action case", doc(`{"Sid":"X","Effect":"Allow","Action":"S3:getobject","Resource":"*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		{"action q", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:Get?bject","Resource":"*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		{"action star not prefix of other", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:GetObject*","Resource":"*"}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		{"action other service", doc(`{"Sid":"X","Effect":"Allow","Action":"s3*","Resource":"*"}`), req(alice, "s3-object-lambda:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		{"legacy version var literal", `{"Version":"2008-10-17","Statement":[{"Sid":"X","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`, req(alice, "s3:GetObject", "arn:aws:s3:::b/alice/k"), N, ""},
		{"no version var literal", `{"Statement":[{"Sid":"X","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*"}]}`, req(alice, "s3:GetObject", "arn:aws:s3:::b/alice/k"), N, ""},
		{"stringlike multi", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":["a/*","b/*"]}}}`), req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "b/x"), A, "X"},
		{"two keys and", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"*","Condition":{"StringLike":{"s3:prefix":"a/*","s3:delimiter":"/"}}}`), req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "a/x"), N, ""},
		{"forallvalues stringnotequals", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"ForAllValues:StringNotEquals":{"aws:TagKeys":["a","b"]}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:TagKeys", "a"), A, "All"},
		{"foranyvalue stringnotequals", doc(all, `{"Sid":"X","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}}}`), req(alice, "s3:GetObject", "arn:aws:s3:::b/k", "aws:TagKeys", "a"), A, "All"},
		{"arnequals takes wildcards", cond(`{"ArnEquals":{"aws:SourceArn":"arn:aws:s3:::b*"}}`), get("aws:SourceArn", "arn:aws:s3:::bucket"), A, "X"},
		{"arnlike other account", cond(`{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::111122223333:distribution/*"}}`), get("aws:SourceArn", "arn:aws:cloudfront::444455556666:distribution/E1"), N, ""},
		{"arnlike star is one field", cond(`{"ArnLike":{"aws:SourceArn":"arn:aws:cloudfront::*"}}`), get("aws:SourceArn", "arn:aws:cloudfront::111122223333:distribution/E1"), N, ""},
		{"date in another zone, same instant", cond(`{"DateEquals":{"aws:CurrentTime":"2020-01-01T01:00:00+01:00"}}`), get("aws:CurrentTime", "2020-01-01T00:00:00Z"), A, "X"},
		{"stringlike ? is one character", cond(`{"StringLike":{"s3:prefix":"a?b"}}`), get("s3:prefix", "a\u00e9b"), A, "X"},
		{"stringlike * on a missing key", cond(`{"StringLike":{"s3:prefix":"*"}}`), get(), N, ""},
		{"bool on a non-boolean request value", cond(`{"Bool":{"aws:SecureTransport":"true"}}`), get("aws:SecureTransport", "yes"), N, ""},
		{"* in region and account takes the empty field", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:*:*:b/*"}`), get(), A, "X"},
		{"*/* is no bucket", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:::*/*"}`), req(alice, "s3:ListBucket", "arn:aws:s3:::b"), N, ""},
		{"other partition", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws-cn:s3:::b/*"}`), get(), N, ""},
		{"short ARN ending in *", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3:*"}`), get(), A, "X"},
		{"short ARN without *", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3"}`), get(), N, ""},
		{"? does not take a colon before the resource", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","Resource":"arn:aws:s3?::b/k"}`), get(), N, ""},
		{"NotResource with an unresolved variable", doc(`{"Sid":"X","Effect":"Allow","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*"}`), req(session, "s3:GetObject", "arn:aws:s3:::c/k"), N, ""},
		{"AWS [*] names the anonymous caller", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":["*"]},"Action":"s3:*","Resource":"*"}`), req(anonymous, "s3:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		{"user ARN is case-sensitive", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/Alice"},"Action":"s3:*","Resource":"*"}`), get(), N, ""},
		{"role with a path names its sessions", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team/Reader"},"Action":"s3:*","Resource":"*"}`), req(session, "s3:GetObject", "arn:aws:s3:::b/k"), A, "X"},
		// IAM allows no policy variable in Principal or NotPrincipal
		// (Validate: VARIABLE_UNSUPPORTED_IN_ELEMENT); the text names
		// no one, so it grants nothing and exempts no one.
		{"a variable in Principal names no one", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/${aws:username}"},"Action":"s3:*","Resource":"*"}`), get(), N, ""},
		{"a variable in NotPrincipal exempts no one", doc(all, `{"Sid":"X","Effect":"Deny","NotPrincipal":{"AWS":["111122223333","arn:aws:iam::111122223333:user/${aws:username}"]},"Action":"s3:*","Resource":"*"}`), get(), D, "X"},
		{"a user of the role's name is not its session", doc(`{"Sid":"X","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/Reader"},"Action":"s3:*","Resource":"*"}`), req(session, "s3:GetObject", "arn:aws:s3:::b/k"), N, ""},
	}
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			runEval(t, r.src, []evalCase{{r.name, r.req, r.want, r.sid}})
		})
	}
}
