package policy_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

func parse(t *testing.T, src string) *policy.Document {
	t.Helper()
	d, err := policy.Parse([]byte(src))
	require.NoError(t, err)
	return d
}

func marshal(t *testing.T, d *policy.Document) string {
	t.Helper()
	b, err := d.Marshal()
	require.NoError(t, err)
	return string(b)
}

func stmtJSON(t *testing.T, s policy.Statement) string {
	t.Helper()
	b, err := s.MarshalJSON()
	require.NoError(t, err)
	return string(b)
}

// foreignPolicy is someone else's bucket policy, written the way people do:
// odd key order, single strings and lists, a bool and a number.
const foreignPolicy = `{
  "Id": "Theirs",
  "Version": "2012-10-17",
  "Statement": [
    {
      "Principal": {"AWS": ["111122223333"]},
      "Effect": "Allow",
      "Action": ["s3:GetObject"],
      "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/shared/*",
      "Sid": "TheirRead"
    },
    {
      "Effect": "Deny",
      "Principal": "*",
      "Action": "s3:PutObject",
      "Resource": "arn:aws:s3:::amzn-s3-demo-bucket/*",
      "Condition": {"Null": {"s3:x-amz-server-side-encryption": true}, "NumericGreaterThan": {"s3:object-lock-remaining-retention-days": 30}}
    }
  ]
}`

func TestMergeKeepsForeignStatements(t *testing.T) {
	existing := parse(t, foreignPolicy)
	before := marshal(t, existing)
	tls := must(t)(policy.DenyInsecureTransport(bucketB))
	oac := must(t)(policy.AllowCloudFrontOAC(bucketB, testDistARN))

	res, err := policy.Merge(existing, tls, oac)
	require.NoError(t, err)
	assert.True(t, res.Changed())
	assert.Equal(t, []policy.Change{
		{Sid: policy.SidDenyInsecureTransport, Kind: policy.ChangeAdded, Index: 2},
		{Sid: policy.SidAllowCloudFrontOAC, Kind: policy.ChangeAdded, Index: 3},
	}, res.Changes)

	// Their statements keep their bytes, order and the document's key order;
	// ours are appended.
	want := strings.TrimSuffix(string(compact(t, []byte(foreignPolicy))), "]}") +
		"," + stmtJSON(t, tls) + "," + stmtJSON(t, oac) + "]}"
	got := marshal(t, res.Document)
	assert.Equal(t, want, got)
	assert.Equal(t, before, marshal(t, existing), "the input is not modified")

	// Merging again (also after a round trip through JSON) changes nothing.
	again, err := policy.Merge(parse(t, got), tls, oac)
	require.NoError(t, err)
	assert.False(t, again.Changed())
	assert.Equal(t, policy.ChangeUnchanged, again.Changes[0].Kind)
	assert.Equal(t, policy.ChangeUnchanged, again.Changes[1].Kind)
	assert.Equal(t, got, marshal(t, again.Document))
}

func TestMergeIntoNothing(t *testing.T) {
	tls := must(t)(policy.DenyInsecureTransport(bucketB))
	res, err := policy.Merge(nil, tls)
	require.NoError(t, err)
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[`+stmtJSON(t, tls)+`]}`, marshal(t, res.Document))
	assert.Equal(t, "S3SecureDenyInsecureTransport: added", res.Changes[0].String())
}

func TestMergeSingleStatementBecomesList(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":{"Sid":"Only","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"}}`
	tls := must(t)(policy.DenyInsecureTransport(bucketB))
	res, err := policy.Merge(parse(t, src), tls)
	require.NoError(t, err)
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[{"Sid":"Only","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"},`+stmtJSON(t, tls)+`]}`, marshal(t, res.Document))

	// Removing ours again gives back the single-object form.
	rm, err := policy.Remove(res.Document, policy.SidDenyInsecureTransport)
	require.NoError(t, err)
	assert.Equal(t, src, marshal(t, rm.Document))
}

func TestMergeReplacesInPlace(t *testing.T) {
	src := `{"Version":"2012-10-17","Statement":[
	  {"Sid":"A","Effect":"Allow","Principal":{"AWS":"111122223333"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"},
	  {"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.1"}}},
	  {"Sid":"B","Effect":"Allow","Principal":{"AWS":"444455556666"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/b/*"}]}`
	tlsv := must(t)(policy.DenyOutdatedTLS(bucketB))
	res, err := policy.Merge(parse(t, src), tlsv)
	require.NoError(t, err)
	assert.Equal(t, []policy.Change{{Sid: policy.SidDenyOutdatedTLS, Kind: policy.ChangeReplaced, Index: 1}}, res.Changes)
	c := string(compact(t, []byte(src)))
	old := `{"Sid":"S3SecureDenyOutdatedTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.1"}}}`
	require.Contains(t, c, old)
	assert.Equal(t, strings.Replace(c, old, stmtJSON(t, tlsv), 1), marshal(t, res.Document))
}

func TestMergeRecognisesEquivalents(t *testing.T) {
	tls := must(t)(policy.DenyInsecureTransport(bucketB))
	tests := []struct {
		name, src string
		eqSid     string
		eqIndex   int
	}{
		{"Security Hub AllowSSLRequestsOnly", `{"Version":"2012-10-17","Statement":[{"Sid":"AllowSSLRequestsOnly","Action":"s3:*","Effect":"Deny","Resource":["arn:aws:s3:::amzn-s3-demo-bucket","arn:aws:s3:::amzn-s3-demo-bucket/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}},"Principal":"*"}]}`, "AllowSSLRequestsOnly", 0},
		{"CDK enforceSSL, unnamed, bool false", `{"Version":"2012-10-17","Statement":[{"Action":"s3:GetObject","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*"},{"Action":"s3:*","Condition":{"Bool":{"aws:SecureTransport":false}},"Effect":"Deny","Principal":{"AWS":"*"},"Resource":["arn:aws:s3:::amzn-s3-demo-bucket/*","arn:aws:s3:::amzn-s3-demo-bucket"]}]}`, "", 1},
		{"case and list shapes", `{"Statement":[{"Sid":"x","Effect":"Deny","Principal":{"AWS":["*"]},"Action":["S3:*","s3:*"],"Resource":["arn:aws:s3:::amzn-s3-demo-bucket/*","arn:aws:s3:::amzn-s3-demo-bucket"],"Condition":{"Bool":{"AWS:SecureTransport":["False"]}}}]}`, "x", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			existing := parse(t, tt.src)
			res, err := policy.Merge(existing, tls)
			require.NoError(t, err)
			assert.False(t, res.Changed())
			assert.Equal(t, []policy.Change{{Sid: policy.SidDenyInsecureTransport, Kind: policy.ChangeKeptEquivalent, Index: tt.eqIndex, EquivalentSid: tt.eqSid}}, res.Changes)
			assert.Equal(t, string(compact(t, []byte(tt.src))), marshal(t, res.Document))
			assert.Contains(t, res.Changes[0].String(), "kept-equivalent")
		})
	}

	// Narrower statements are not equivalent: ours is added.
	narrower := `{"Statement":[{"Sid":"ObjectsOnly","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::amzn-s3-demo-bucket/*","Condition":{"Bool":{"aws:SecureTransport":"false"}}}]}`
	res, err := policy.Merge(parse(t, narrower), tls)
	require.NoError(t, err)
	assert.Equal(t, policy.ChangeAdded, res.Changes[0].Kind)
	assert.Len(t, res.Document.Statements, 2)
}

func TestMergeUnchangedAfterRewrite(t *testing.T) {
	// S3 may hand back our statement with {"AWS":"*"} and lists; that is
	// still ours and unchanged.
	src := `{"Version":"2012-10-17","Statement":[{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:*"],"Resource":["arn:aws:s3:::amzn-s3-demo-bucket/*","arn:aws:s3:::amzn-s3-demo-bucket"],"Condition":{"Bool":{"aws:SecureTransport":["false"]}}}]}`
	res, err := policy.Merge(parse(t, src), must(t)(policy.DenyInsecureTransport(bucketB)))
	require.NoError(t, err)
	assert.False(t, res.Changed())
	assert.Equal(t, src, marshal(t, res.Document))
}

func TestMergeErrors(t *testing.T) {
	tls := must(t)(policy.DenyInsecureTransport(bucketB))
	_, err := policy.Merge(nil, policy.Statement{Effect: policy.Deny})
	assert.ErrorIs(t, err, policy.ErrMissingSid)
	var me *policy.MergeError
	assert.ErrorAs(t, err, &me)

	_, err = policy.Merge(nil, tls, tls)
	assert.ErrorIs(t, err, policy.ErrDuplicateSid)
	assert.Contains(t, err.Error(), `"S3SecureDenyInsecureTransport"`)

	dup := `{"Statement":[{"Sid":"S3SecureDenyInsecureTransport","Effect":"Deny"},{"Sid":"S3SecureDenyInsecureTransport","Effect":"Allow"}]}`
	_, err = policy.Merge(parse(t, dup), tls)
	assert.ErrorIs(t, err, policy.ErrDuplicateSid)

	_, err = policy.Remove(nil, "")
	assert.ErrorIs(t, err, policy.ErrMissingSid)
}

func TestRemove(t *testing.T) {
	existing := parse(t, foreignPolicy)
	tls := must(t)(policy.DenyInsecureTransport(bucketB))
	merged, err := policy.Merge(existing, tls)
	require.NoError(t, err)

	rm, err := policy.Remove(merged.Document, policy.SidDenyInsecureTransport, "NotThere")
	require.NoError(t, err)
	assert.Equal(t, []policy.Change{{Sid: policy.SidDenyInsecureTransport, Kind: policy.ChangeRemoved, Index: 2}}, rm.Changes)
	assert.True(t, rm.Changed())
	assert.Equal(t, string(compact(t, []byte(foreignPolicy))), marshal(t, rm.Document))
	assert.Len(t, merged.Document.Statements, 3, "the input is not modified")

	none, err := policy.Remove(existing, "NotThere")
	require.NoError(t, err)
	assert.False(t, none.Changed())
	assert.Equal(t, marshal(t, existing), marshal(t, none.Document))

	empty, err := policy.Remove(nil, "X")
	require.NoError(t, err)
	assert.Nil(t, empty.Document)
}

func TestEquivalent(t *testing.T) {
	base := `{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`
	tests := []struct {
		other string
		equal bool
	}{
		{base, true},
		{`{"Sid":"Other","Effect":"Deny","Principal":{"AWS":"*"},"Action":["s3:*"],"Resource":["arn:aws:s3:::b-1/*","arn:aws:s3:::b-1"],"Condition":{"NumericLessThan":{"S3:TLSVERSION":1.20}}}`, true},
		// Operator names are case-sensitive: "numericlessthan" is no
		// operator, and IAM refuses the statement (TestConditionOperatorNamesAreCaseSensitive).
		{`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"],"Condition":{"numericlessthan":{"s3:TlsVersion":"1.2"}}}`, false},
		{`{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`, false},
		{`{"Effect":"Deny","Principal":"*","Action":"*","Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`, false},
		{`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::B-1","arn:aws:s3:::b-1/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`, false},
		{`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"}}}`, false},
		{`{"Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"]}`, false},
		{`{"Effect":"Deny","NotPrincipal":"*","Action":"s3:*","Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`, false},
		{`{"Effect":"Deny","Principal":"*","NotAction":"s3:*","Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`, false},
		{`{"Effect":"Deny","Principal":{"Service":"*"},"Action":"s3:*","Resource":["arn:aws:s3:::b-1","arn:aws:s3:::b-1/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`, false},
	}
	a, err := policy.ParseStatement([]byte(base))
	require.NoError(t, err)
	for i, tt := range tests {
		b, err := policy.ParseStatement([]byte(tt.other))
		require.NoError(t, err)
		assert.Equal(t, tt.equal, policy.Equivalent(a, b), "case %d: %s", i, tt.other)
		assert.Equal(t, tt.equal, policy.Equivalent(b, a), "case %d (swapped)", i)
	}

	acct := policy.Statement{Effect: policy.Allow, Principal: policy.AWSPrincipal("111122223333")}
	root := policy.Statement{Effect: policy.Allow, Principal: policy.AWSPrincipal("arn:aws:iam::111122223333:root")}
	assert.True(t, policy.Equivalent(acct, root))
	emptyCond := policy.Statement{Effect: policy.Allow, Condition: policy.Condition{}}
	assert.True(t, policy.Equivalent(emptyCond, policy.Statement{Effect: policy.Allow}))
}

// TestMergeAllReadyMadeIntoEveryShape merges every ready-made statement into
// every round-trip document: their statements keep their bytes, and a
// second merge (after a round trip through JSON) changes nothing.
func TestMergeAllReadyMadeIntoEveryShape(t *testing.T) {
	ms := must(t)
	ours := []policy.Statement{
		ms(policy.DenyInsecureTransport(bucketB)),
		ms(policy.DenyOutdatedTLS(bucketB)),
		ms(policy.AllowCloudFrontOAC(bucketB, testDistARN)),
		ms(policy.AllowCloudFrontOAI(bucketB, "E2QWRUHEXAMPLE")),
		ms(policy.ServerAccessLogsDelivery(bucketB, "logs/", "amzn-s3-demo-source", testAccount)),
		ms(policy.DenyOutsideVPCEndpoint(bucketB, "vpce-1a2b3c4d")),
		ms(policy.DenyOutsideOrganization(bucketB, "o-a1b2c3d4e5")),
		ms(policy.DelegateToAccessPoints(bucketB, testAccount)),
		ms(policy.RequireMFAForDeletes(bucketB)),
	}
	files, err := filepath.Glob("testdata/roundtrip/*.json")
	require.NoError(t, err)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			existing := parse(t, string(src))
			res, err := policy.Merge(existing, ours...)
			require.NoError(t, err)
			require.Len(t, res.Changes, len(ours))
			out := marshal(t, res.Document)
			for i, s := range existing.Statements {
				assert.Contains(t, out, stmtJSON(t, s), "statement %d kept", i)
				assert.Equal(t, stmtJSON(t, s), stmtJSON(t, res.Document.Statements[i]), "statement %d in place", i)
			}
			again, err := policy.Merge(parse(t, out), ours...)
			require.NoError(t, err)
			assert.False(t, again.Changed(), "%v", again.Changes)
			assert.Equal(t, out, marshal(t, again.Document))
			rm, err := policy.Remove(again.Document, res.Document.Sids()...)
			require.NoError(t, err)
			for _, s := range rm.Document.Statements {
				assert.Empty(t, s.Sid)
			}
		})
	}
}

// TestMergeKeepsPolicyVariables: a statement with a policy variable merged
// into a policy of language version 2008-10-17 (or of none) did nothing
// there, since "in earlier versions ... variables such as ${aws:username}
// aren't recognized as variables and are instead treated as literal
// strings in the policy" (IAM user guide, "Variables and tags"), and a
// foreign statement written the same was taken for it. Merge now brings
// the document to 2012-10-17 when a statement it adds uses a variable, and
// refuses when a foreign statement would change meaning with it.
func TestMergeKeepsPolicyVariables(t *testing.T) {
	home := policy.Statement{Sid: "Home", Effect: policy.Allow, Principal: policy.AWSPrincipal("arn:aws:iam::111122223333:user/alice"),
		Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{"arn:aws:s3:::b/home/${aws:username}/*"}}
	const old = `{"Sid":"Old","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::b"}`
	const literal = `{"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:user/alice"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/home/${aws:username}/*"}`
	r := req(alice, "s3:GetObject", "arn:aws:s3:::b/home/alice/x")
	for _, tc := range []struct{ name, src string }{
		{"2008-10-17", `{"Version":"2008-10-17","Statement":[` + old + `]}`},
		{"no Version", `{"Statement":[` + old + `]}`},
		{"2008-10-17, our statement already there", `{"Version":"2008-10-17","Statement":[` + old + `,{"Sid":"Home",` + literal[1:] + `]}`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			res, err := policy.Merge(parse(t, tc.src), home)
			require.NoError(t, err)
			assert.True(t, res.Changed())
			assert.Equal(t, policy.Version2012, res.Document.Version)
			c, err := policy.Compile(res.Document)
			require.NoError(t, err)
			got := c.Decide(r)
			assert.Equal(t, policy.DecisionAllow, got.Decision, "the merged statement grants alice her home")
			assert.Equal(t, "Home", got.By.Sid)
			// The document reads back as it was written.
			again, err := policy.Parse([]byte(marshal(t, res.Document)))
			require.NoError(t, err)
			assert.Equal(t, policy.Version2012, again.Version)
			// Merging again changes nothing.
			res2, err := policy.Merge(again, home)
			require.NoError(t, err)
			assert.False(t, res2.Changed())
		})
	}
	// A foreign statement whose text holds ${...} would start reading it as
	// a variable under 2012-10-17: Merge refuses rather than change it, and
	// does not take it for ours.
	for sid, src := range map[string]string{
		"Theirs": `{"Version":"2008-10-17","Statement":[` + old + `,{"Sid":"Theirs",` + literal[1:] + `]}`,
		"":       `{"Statement":[` + old + `,` + literal + `]}`,
	} {
		_, err := policy.Merge(parse(t, src), home)
		var me *policy.MergeError
		require.ErrorAs(t, err, &me)
		assert.ErrorIs(t, err, policy.ErrVersionConflict)
		assert.Equal(t, sid, me.Sid)
	}
	// Statements without variables leave the version alone.
	res, err := policy.Merge(parse(t, `{"Version":"2008-10-17","Statement":[`+old+`]}`), policy.Statement{Sid: "Plain", Effect: policy.Allow,
		Principal: policy.AWSPrincipal("arn:aws:iam::111122223333:user/alice"), Action: policy.Values{"s3:GetObject"}, Resource: policy.Values{"arn:aws:s3:::b/*"}})
	require.NoError(t, err)
	assert.Equal(t, "2008-10-17", res.Document.Version)
}
