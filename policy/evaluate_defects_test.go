package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// TestActionFoldingIsASCII pins IAM's case-insensitive action matching to
// ASCII letters ("The prefix and the action name are case insensitive",
// IAM JSON policy elements: Action): the Kelvin sign U+212A is not "k",
// although Unicode case folding maps it there. Compile once folded action
// names with strings.ToLower, so the compiled evaluator allowed
// s3:DeleteBucket on a statement naming s3:DeleteBuc\u212Aet while the
// uncompiled one (and IAM) did not.
func TestActionFoldingIsASCII(t *testing.T) {
	for _, action := range []string{"s3:DeleteBuc\u212Aet", "s3:DeleteBuc\u212A*", "s3:\u212A*"} {
		src := `{"Version":"2012-10-17","Statement":[{"Sid":"K","Effect":"Allow","Principal":"*","Action":"` + action + `","Resource":"*"}]}`
		t.Run(action, func(t *testing.T) {
			runEval(t, src, []evalCase{
				{"not the ASCII action", req(alice, "s3:DeleteBucket", "arn:aws:s3:::b"), policy.DecisionDeny, ""},
				{"not the ASCII action, lower case", req(alice, "s3:deletebucket", "arn:aws:s3:::b"), policy.DecisionDeny, ""},
			})
		})
	}
	// The Kelvin sign in the request is not a k either.
	runEval(t, `{"Version":"2012-10-17","Statement":[{"Sid":"K","Effect":"Allow","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}]}`, []evalCase{
		{"request with the Kelvin sign", req(alice, "s3:DeleteBuc\u212Aet", "arn:aws:s3:::b"), policy.DecisionDeny, ""},
		{"ASCII case still folds", req(alice, "S3:DELETEBUCKET", "arn:aws:s3:::b"), policy.DecisionAllow, "K"},
	})

	// Equivalent folds actions the same way, so Merge adds ours next to a
	// statement that only looks the same.
	a := policy.Statement{Effect: policy.Deny, Principal: policy.AnyPrincipal(), Action: policy.Strings("s3:DeleteBucket"), Resource: policy.Strings("*")}
	b := a.Clone()
	b.Action = policy.Strings("s3:DeleteBuc\u212Aet")
	assert.False(t, policy.Equivalent(a, b))
}

// TestEquivalentKeepsConditionValuesApart pins that Equivalent compares a
// condition's values per key: StringEquals {k: [a, b]} holds when k is a OR
// b, while StringEquals {k: a, K: b} (the same key twice, in another case)
// holds only when k is a AND b ("If you specify multiple values for a
// single condition key, AWS evaluates them using a logical OR"; "If you
// specify multiple ... condition keys ... AWS evaluates them using a
// logical AND", IAM user guide, "Creating a condition with multiple keys
// or values"). Equivalent once flattened both into the same value list, so
// Merge found ours "already there" and skipped it.
func TestEquivalentKeepsConditionValuesApart(t *testing.T) {
	either := `{"Sid":"Ours","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]}}}`
	both := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1","AWS:SOURCEVPCE":"vpce-2"}}}`
	a, err := policy.ParseStatement([]byte(either))
	require.NoError(t, err)
	b, err := policy.ParseStatement([]byte(both))
	require.NoError(t, err)
	assert.False(t, policy.Equivalent(a, b))

	// The evaluator agrees that they differ: vpce-1 alone satisfies one.
	r := req(policy.Caller{ARN: "arn:aws:iam::111122223333:role/R", Account: "111122223333"}, "s3:GetObject", "arn:aws:s3:::b/k", "aws:SourceVpce", "vpce-1")
	ra, err := policy.Evaluate(r, &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{a}})
	require.NoError(t, err)
	rb, err := policy.Evaluate(r, &policy.Document{Version: policy.Version2012, Statements: []policy.Statement{b}})
	require.NoError(t, err)
	assert.NotEqual(t, ra.Decision, rb.Decision)

	// Through Merge: ours is added, not taken as kept-equivalent.
	existing := parse(t, `{"Version":"2012-10-17","Statement":[`+both+`]}`)
	res, err := policy.Merge(existing, a)
	require.NoError(t, err)
	require.Len(t, res.Changes, 1)
	assert.Equal(t, policy.ChangeAdded, res.Changes[0].Kind)
	assert.Len(t, res.Document.Statements, 2)

	// Still equivalent: the same values in another order or repeated, the
	// same key in another case.
	same := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"AWS:SourceVPCE":["vpce-2","vpce-1","vpce-2"]}}}`
	c, err := policy.ParseStatement([]byte(same))
	require.NoError(t, err)
	assert.True(t, policy.Equivalent(a, c))
	// A key listed twice with the same value is the key once.
	twice := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1","AWS:SourceVpce":"vpce-1"}}}`
	once := `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/R"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-1"}}}`
	d, err := policy.ParseStatement([]byte(twice))
	require.NoError(t, err)
	e, err := policy.ParseStatement([]byte(once))
	require.NoError(t, err)
	assert.True(t, policy.Equivalent(d, e))
}

// TestUnresolvedVariableInvalidatesStatement pins the IAM user guide's rule
// for a policy variable that cannot be resolved ("IAM policy elements:
// Variables and tags",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_variables.html):
// "If AWS cannot resolve a variable this might cause the entire statement
// to be invalid. ... To prevent variables from causing invalid statements,
// use the ...IfExists condition operator." A statement that is invalid for
// a request neither allows nor denies it. aws:username exists only for IAM
// users, so for a role session NotResource ".../${aws:username}/*" must not
// match every other resource, and a negated operator must not turn the
// missing value into a match.
func TestUnresolvedVariableInvalidatesStatement(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	 {"Sid":"DenyOutsideHome","Effect":"Deny","Principal":"*","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/home/${aws:username}/*"},
	 {"Sid":"DenyOtherPrefix","Effect":"Deny","Principal":"*","Action":"s3:ListBucket","Resource":"arn:aws:s3:::b","Condition":{"StringNotLike":{"s3:prefix":"home/${aws:username}/*"}}},
	 {"Sid":"DenyNotOwner","Effect":"Deny","Principal":"*","Action":"s3:PutObject","Resource":"*","Condition":{"StringNotEquals":{"s3:ExistingObjectTag/owner":"${aws:username}"}}},
	 {"Sid":"DenyIfExists","Effect":"Deny","Principal":"*","Action":"s3:DeleteObject","Resource":"*","Condition":{"StringNotEqualsIfExists":{"s3:ExistingObjectTag/owner":"${aws:username}"}}},
	 {"Sid":"AllowHome","Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b/home/${aws:username}/*","arn:aws:s3:::b/public/*"]},
	 {"Sid":"AllowAll","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:ListBucket","s3:PutObject","s3:DeleteObject"],"Resource":"*"}]}`
	runEval(t, src, []evalCase{
		// An IAM user: every variable resolves.
		{"user outside home", req(alice, "s3:GetObject", "arn:aws:s3:::b/home/bob/k"), policy.DecisionExplicitDeny, "DenyOutsideHome"},
		{"user inside home", req(alice, "s3:GetObject", "arn:aws:s3:::b/home/alice/k"), policy.DecisionAllow, "AllowHome"},
		{"user lists another prefix", req(alice, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "home/bob/"), policy.DecisionExplicitDeny, "DenyOtherPrefix"},
		{"user puts over another's object", req(alice, "s3:PutObject", "arn:aws:s3:::b/x", "s3:ExistingObjectTag/owner", "bob"), policy.DecisionExplicitDeny, "DenyNotOwner"},
		// A role session has no aws:username: the statements that use it
		// do not apply, neither the Denies nor the first Allow's variable
		// resource.
		{"session: NotResource with a variable does not apply", req(session, "s3:GetObject", "arn:aws:s3:::b/home/bob/k"), policy.DecisionAllow, "AllowAll"},
		{"session: negated operator does not apply", req(session, "s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "home/bob/"), policy.DecisionAllow, "AllowAll"},
		{"session: StringNotEquals does not apply", req(session, "s3:PutObject", "arn:aws:s3:::b/x", "s3:ExistingObjectTag/owner", "bob"), policy.DecisionAllow, "AllowAll"},
		{"session: IfExists with the key absent holds", req(session, "s3:DeleteObject", "arn:aws:s3:::b/x"), policy.DecisionExplicitDeny, "DenyIfExists"},
		{"session: IfExists with the key present does not apply", req(session, "s3:DeleteObject", "arn:aws:s3:::b/x", "s3:ExistingObjectTag/owner", "bob"), policy.DecisionAllow, "AllowAll"},
	})

	// An Allow whose only resources use the variable grants nothing to the
	// session, even the literal resource next to it (the whole statement is
	// invalid).
	runEval(t, `{"Version":"2012-10-17","Statement":[{"Sid":"AllowHome","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/home/${aws:username}/*","arn:aws:s3:::b/public/*"]}]}`, []evalCase{
		{"user, public", req(alice, "s3:GetObject", "arn:aws:s3:::b/public/k"), policy.DecisionAllow, "AllowHome"},
		{"session, public", req(session, "s3:GetObject", "arn:aws:s3:::b/public/k"), policy.DecisionDeny, ""},
		{"session, literal ${aws:username} text", req(session, "s3:GetObject", "arn:aws:s3:::b/home/${aws:username}/k"), policy.DecisionDeny, ""},
	})

	// A default value resolves the variable.
	runEval(t, `{"Version":"2012-10-17","Statement":[{"Sid":"D","Effect":"Deny","Principal":"*","Action":"s3:GetObject","NotResource":"arn:aws:s3:::b/home/${aws:username, 'nobody'}/*"}]}`, []evalCase{
		{"session, default", req(session, "s3:GetObject", "arn:aws:s3:::b/home/bob/k"), policy.DecisionExplicitDeny, "D"},
		{"session, default home", req(session, "s3:GetObject", "arn:aws:s3:::b/home/nobody/k"), policy.DecisionDeny, ""},
	})
}

// TestEquivalentNumbersAsTheEvaluatorReadsThem pins that Equivalent reads a
// Numeric condition value as the evaluator does (a decimal number, with
// sign, fraction and exponent; IAM user guide, "Condition operators",
// Numeric): "0x3e8", "1_000", "Inf" and "NaN" are not numbers there, so a
// statement with one is not the statement with 1000. Equivalent once read
// them with strconv.ParseFloat, so Merge took a Deny whose NumericGreaterThan
// the evaluator refuses to compile for ours and left ours out.
func TestEquivalentNumbersAsTheEvaluatorReadsThem(t *testing.T) {
	stmt := func(v string) policy.Statement {
		return policy.Statement{Effect: policy.Deny, Principal: policy.AnyPrincipal(), Action: policy.Strings("s3:ListBucket"),
			Resource: policy.Strings("arn:aws:s3:::b"), Condition: policy.NewCondition("NumericGreaterThan", "s3:max-keys", v)}
	}
	for _, v := range []string{"0x3e8", "1_000", "1e3", "1000.0", "+1000", "01000"} {
		_, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{stmt(v)}})
		assert.Equal(t, err == nil, policy.Equivalent(stmt("1000"), stmt(v)), "%s: compiles %v", v, err == nil)
	}
	assert.False(t, policy.Equivalent(stmt("NaN"), stmt("nan")))
	assert.True(t, policy.Equivalent(stmt("1000"), stmt("1000")))
}

// TestPrincipalAccountFromTheARN pins that aws:PrincipalAccount is derived
// from the caller's ARN when Caller.Account is not set, as Authorize reads
// the caller's account: "the account to which the requesting principal
// belongs" (IAM user guide, "AWS global condition context keys") is in
// every IAM ARN. Without it the key was missing, so the data-perimeter
// Deny "StringNotEquals aws:PrincipalAccount <owner>" denied the owner's
// own user.
func TestPrincipalAccountFromTheARN(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Action":"s3:*","Resource":"*"},
	 {"Sid":"Perimeter","Effect":"Deny","Action":"s3:*","Resource":"*","Condition":{"StringNotEquals":{"aws:PrincipalAccount":"111122223333"}}}]}`
	runEval(t, src, []evalCase{
		{"owner's user without Account", req(policy.Caller{ARN: "arn:aws:iam::111122223333:user/alice"}, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "All"},
		{"owner's role session without Account", req(policy.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/Reader/s"}, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "All"},
		{"another account's user", req(policy.Caller{ARN: "arn:aws:iam::444455556666:user/bob"}, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "Perimeter"},
		{"Account set wins", req(policy.Caller{ARN: "arn:aws:iam::111122223333:user/alice", Account: "444455556666"}, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "Perimeter"},
	})

	// A Principal that names an account names it for a caller given by its
	// ARN alone, as aws:PrincipalAccount does: the account's users and
	// role sessions are granted (or denied) by it.
	bobARN := policy.Caller{ARN: "arn:aws:iam::444455556666:user/bob"}
	sessARN := policy.Caller{ARN: "arn:aws:sts::444455556666:assumed-role/Writer/s2"}
	for _, named := range []string{`"444455556666"`, `"arn:aws:iam::444455556666:root"`} {
		runEval(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Account","Effect":"Allow","Principal":{"AWS":`+named+`},"Action":"s3:GetObject","Resource":"*"}]}`, []evalCase{
			{"user without Account", req(bobARN, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Account"},
			{"role session without Account", req(sessARN, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionAllow, "Account"},
			{"another account", req(policy.Caller{ARN: "arn:aws:iam::777788889999:user/eve"}, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionDeny, ""},
		})
		runEval(t, `{"Version":"2012-10-17","Statement":[{"Sid":"All","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"*"},
		 {"Sid":"NotThem","Effect":"Deny","Principal":{"AWS":`+named+`},"Action":"s3:GetObject","Resource":"*"}]}`, []evalCase{
			{"denied user without Account", req(bobARN, "s3:GetObject", "arn:aws:s3:::b/k"), policy.DecisionExplicitDeny, "NotThem"},
		})
	}

	// Authorize: the cross-account grant reaches bob by his ARN alone, and
	// Block Public Access's RestrictPublicBuckets counts the owner's user
	// by hers.
	bucket := mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Bob","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}]}`)
	ar := &policy.AccessRequest{BucketOwner: "111122223333"}
	ar.Caller, ar.Action, ar.Resource = bobARN, "s3:GetObject", "arn:aws:s3:::b/k"
	az := policy.Authorize(ar, &policy.Chain{Bucket: bucket, Identity: []*policy.Compiled{mustCompile(t, `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:*","Resource":"*"}]}`)}})
	assert.True(t, az.Allowed(), "%v", az)
	rpb := policy.BlockPublicAccess{RestrictPublicBuckets: true}
	assert.True(t, rpb.PolicyReaches(true, policy.Caller{ARN: "arn:aws:iam::111122223333:user/alice"}, "111122223333"))
	assert.False(t, rpb.PolicyReaches(true, bobARN, "111122223333"))
}
