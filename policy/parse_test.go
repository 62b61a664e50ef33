package policy_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

func compact(t testing.TB, src []byte) []byte {
	t.Helper()
	var buf bytes.Buffer
	require.NoError(t, json.Compact(&buf, src))
	return buf.Bytes()
}

func TestRoundTripFiles(t *testing.T) {
	files, err := filepath.Glob("testdata/roundtrip/*.json")
	require.NoError(t, err)
	require.GreaterOrEqual(t, len(files), 7)
	for _, f := range files {
		t.Run(filepath.Base(f), func(t *testing.T) {
			src, err := os.ReadFile(f)
			require.NoError(t, err)
			want := compact(t, src)

			doc, err := policy.Parse(src)
			require.NoError(t, err)
			got, err := doc.Marshal()
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got))

			// Pretty output parses back to the same document.
			pretty, err := doc.MarshalIndent("", "  ")
			require.NoError(t, err)
			assert.Equal(t, string(want), string(compact(t, pretty)))
			again, err := policy.Parse(pretty)
			require.NoError(t, err)
			got2, err := again.Marshal()
			require.NoError(t, err)
			assert.Equal(t, string(want), string(got2))

			// A deep copy marshals the same; encoding/json goes through Parse.
			clone, err := doc.Clone().Marshal()
			require.NoError(t, err)
			assert.Equal(t, string(want), string(clone))
			var viaJSON struct{ Policy *policy.Document }
			require.NoError(t, json.Unmarshal([]byte(`{"Policy":`+string(src)+`}`), &viaJSON))
			out, err := json.Marshal(viaJSON)
			require.NoError(t, err)
			assert.Equal(t, `{"Policy":`+string(want)+`}`, string(out))
			byValue, err := json.Marshal(struct{ Policy policy.Document }{*doc})
			require.NoError(t, err)
			assert.Equal(t, `{"Policy":`+string(want)+`}`, string(byValue))
		})
	}
}

func TestParseShapes(t *testing.T) {
	src, err := os.ReadFile("testdata/roundtrip/typed-condition-values.json")
	require.NoError(t, err)
	doc, err := policy.Parse(src)
	require.NoError(t, err)
	require.Len(t, doc.Statements, 3)

	s0 := doc.Statements[0]
	assert.Equal(t, policy.Deny, s0.Effect)
	assert.False(t, s0.Principal.Wildcard)
	assert.True(t, s0.Principal.IsEveryone())
	assert.Equal(t, policy.Values{"*"}, s0.Principal.Get(policy.PrincipalAWS))
	e, ok := s0.Condition.Get("Bool", "AWS:securetransport")
	require.True(t, ok)
	assert.Equal(t, []policy.ConditionValue{policy.BoolValue(false)}, e.Values)

	e, ok = doc.Statements[1].Condition.Get("NumericLessThan", "s3:TlsVersion")
	require.True(t, ok)
	assert.Equal(t, []policy.ConditionValue{policy.NumberValue("1.2")}, e.Values)
	assert.True(t, doc.Statements[1].Principal.Wildcard)

	c := doc.Statements[2].Condition
	require.Len(t, c, 3)
	assert.Equal(t, []string{"BoolIfExists", "NumericGreaterThan", "Null"}, []string{c[0].Operator, c[1].Operator, c[2].Operator})
	assert.Equal(t, []policy.ConditionValue{
		policy.NumberValue("3600"), policy.NumberValue("-1.5e3"), policy.StringValue("7200"), policy.NumberValue("0"),
	}, c[1].Entries[0].Values)
	assert.Equal(t, []string{"3600", "-1.5e3", "7200", "0"}, c[1].Entries[0].Strings())
	assert.Equal(t, policy.BoolValue(true), c[2].Entries[0].Values[0])

	single, err := os.ReadFile("testdata/roundtrip/single-statement.json")
	require.NoError(t, err)
	doc, err = policy.Parse(single)
	require.NoError(t, err)
	require.Len(t, doc.Statements, 1)
	assert.Equal(t, "PublicReadForWebsite", doc.Statements[0].Sid)
	assert.Equal(t, policy.Values{"s3:GetObject"}, doc.Statements[0].Action)
	assert.Equal(t, policy.Version2012, doc.Version)
	assert.Equal(t, []string{"PublicReadForWebsite"}, doc.Sids())
}

func TestParseUnicodeAndEscapes(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject",` +
		`"Resource":"arn:aws:s3:::b/caf\u00e9\ud83d\ude00\/x\"y"}]}`))
	require.NoError(t, err)
	assert.Equal(t, `arn:aws:s3:::b/café😀/x"y`, doc.Statements[0].Resource[0])
	out, err := doc.Marshal()
	require.NoError(t, err)
	// Only the escapes JSON requires are written back.
	assert.Equal(t, `{"Statement":[{"Sid":"A","Effect":"Allow","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/café😀/x\"y"}]}`, string(out))
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name      string
		src       string
		line, col int
		err       error
		msg       string
	}{
		{"empty", ``, 1, 1, policy.ErrSyntax, "empty document"},
		{"not an object", `["x"]`, 1, 1, policy.ErrWrongType, "must be a JSON object"},
		{"trailing comma in list", "{\n  \"Statement\": [\n    {\"Effect\": \"Allow\"},\n  ]\n}", 4, 3, policy.ErrSyntax, "trailing comma before ']'"},
		{"trailing comma in object", "{\"Version\": \"2012-10-17\",\n}", 2, 1, policy.ErrSyntax, "trailing comma before '}'"},
		{"duplicate top-level key", "{\"Version\": \"2012-10-17\",\n \"Version\": \"2008-10-17\"}", 2, 2, policy.ErrDuplicateKey, `duplicate key "Version" (first at line 1, column 2)`},
		{"duplicate statement key", `{"Statement":[{"Effect":"Allow","Effect":"Deny"}]}`, 1, 33, policy.ErrDuplicateKey, `duplicate key "Effect"`},
		{"duplicate condition key", `{"Statement":{"Condition":{"Bool":{"aws:SecureTransport":"false","aws:SecureTransport":"true"}}}}`, 1, 66, policy.ErrDuplicateKey, `duplicate key "aws:SecureTransport"`},
		{"unknown top-level", "{\n  \"Version\": \"2012-10-17\",\n  \"Statements\": []\n}", 3, 3, policy.ErrUnknownField, `unknown top-level element "Statements"`},
		{"unknown statement field", `{"Statement":[{"Effect":"Allow","Actions":"s3:GetObject"}]}`, 1, 33, policy.ErrUnknownField, `unknown statement element "Actions"`},
		{"number action", `{"Statement":[{"Action":5}]}`, 1, 25, policy.ErrWrongType, "Statement[0].Action must be a string or a list of strings, not a number"},
		{"number in action list", `{"Statement":[{"Action":["s3:GetObject",7]}]}`, 1, 41, policy.ErrWrongType, "Statement[0].Action[1] must be a string, not a number"},
		{"bool version", `{"Version":true}`, 1, 12, policy.ErrWrongType, "Version must be a string, not a boolean"},
		{"statement string", `{"Statement":"x"}`, 1, 14, policy.ErrWrongType, "an object or a list of objects"},
		{"statement list of strings", `{"Statement":["x"]}`, 1, 15, policy.ErrWrongType, "Statement[0] must be an object"},
		{"principal string", `{"Statement":{"Principal":"arn:aws:iam::111122223333:root"}}`, 1, 27, policy.ErrWrongType, `must be "*" or an object`},
		{"principal number", `{"Statement":{"Principal":{"AWS":1}}}`, 1, 34, policy.ErrWrongType, "Statement[0].Principal.AWS must be a string or a list of strings"},
		{"condition null value", `{"Statement":{"Condition":{"Null":{"aws:TokenIssueTime":null}}}}`, 1, 57, policy.ErrWrongType, "must be a string, number or boolean, not null"},
		{"condition object value", `{"Statement":{"Condition":{"StringEquals":{"k":[{}]}}}}`, 1, 49, policy.ErrWrongType, "Statement[0].Condition.StringEquals.k[0] must be a string, number or boolean"},
		{"condition operator string", `{"Statement":{"Condition":{"StringEquals":"x"}}}`, 1, 43, policy.ErrWrongType, "an object of condition keys"},
		{"missing colon", `{"Version" "x"}`, 1, 12, policy.ErrSyntax, "expected ':'"},
		{"missing comma", "{\"Version\":\"x\"\n\"Id\":\"y\"}", 2, 1, policy.ErrSyntax, "expected ',' or '}'"},
		{"unterminated string", `{"Version":"x`, 1, 14, policy.ErrSyntax, "unterminated string"},
		{"single quotes", `{'Version':'x'}`, 1, 2, policy.ErrSyntax, "expected a quoted key"},
		{"garbage after", `{} x`, 1, 4, policy.ErrSyntax, "after the document"},
		{"bad number", `{"Statement":{"Condition":{"NumericEquals":{"k":01}}}}`, 1, 50, policy.ErrSyntax, "unexpected '1', expected ',' or '}'"},
		{"bad escape", `{"Version":"\x"}`, 1, 13, policy.ErrSyntax, `invalid escape \x`},
		{"control character", "{\"Version\":\"a\tb\"}", 1, 14, policy.ErrSyntax, "control character"},
		{"invalid utf-8", "{\"Version\":\"\xff\"}", 1, 13, policy.ErrSyntax, "invalid UTF-8"},
		{"bom", "\xef\xbb\xbf{}", 1, 1, policy.ErrSyntax, "byte order mark"},
		{"column counts characters", "{\"Sid\":\"é\",}", 1, 12, policy.ErrSyntax, "trailing comma"},
		{"deep nesting", strings.Repeat("[", 100), 1, 65, policy.ErrSyntax, "nesting deeper than 64"},
		{"truncated", `{"Statement":[`, 1, 15, policy.ErrSyntax, "unexpected end of input"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			doc, err := policy.Parse([]byte(tt.src))
			require.Error(t, err)
			assert.Nil(t, doc)
			var pe *policy.ParseError
			require.ErrorAs(t, err, &pe)
			assert.ErrorIs(t, err, tt.err)
			assert.Equal(t, tt.line, pe.Line, "line")
			assert.Equal(t, tt.col, pe.Column, "column")
			assert.Contains(t, err.Error(), tt.msg)
			assert.True(t, strings.HasPrefix(err.Error(), fmt.Sprintf("policy: line %d, column %d: ", tt.line, tt.col)), err.Error())
		})
	}
}

func TestPositions(t *testing.T) {
	src := "{\n" +
		"  \"Version\": \"2012-10-17\",\n" +
		"  \"Statement\": [\n" +
		"    {\n" +
		"      \"Sid\": \"Ip\",\n" +
		"      \"Effect\": \"Allow\",\n" +
		"      \"Principal\": {\"AWS\": [\"111122223333\", \"444455556666\"]},\n" +
		"      \"Action\": \"s3:GetObject\",\n" +
		"      \"Resource\": \"arn:aws:s3:::b/*\",\n" +
		"      \"Condition\": {\"IpAddress\": {\"aws:SourceIp\": [\"10.0.0.0/8\", \"é\", \"192.0.2.0/24\"]}}\n" +
		"    }\n" +
		"  ]\n" +
		"}\n"
	doc, err := policy.Parse([]byte(src))
	require.NoError(t, err)
	tests := []struct {
		path      string
		line, col int
		keyCol    int
	}{
		{"Version", 2, 14, 3},
		{"Statement", 3, 16, 3},
		{"Statement[0]", 4, 5, 5},
		{"Statement[0].Sid", 5, 14, 7},
		{"Statement[0].Principal", 7, 20, 7},
		{"Statement[0].Principal.AWS", 7, 28, 21},
		{"Statement[0].Principal.AWS[1]", 7, 45, 45},
		{"Statement[0].Action", 8, 17, 7},
		{"Statement[0].Action[0]", 8, 17, 17},
		{"Statement[0].Condition.IpAddress", 10, 34, 21},
		{"Statement[0].Condition.IpAddress.aws:SourceIp", 10, 51, 35},
		{"Statement[0].Condition.IpAddress.aws:SourceIp[2]", 10, 71, 71},
	}
	for _, tt := range tests {
		t.Run(tt.path, func(t *testing.T) {
			p := doc.Pos(tt.path)
			assert.Equal(t, tt.line, p.Line)
			assert.Equal(t, tt.col, p.Column)
			assert.Equal(t, tt.keyCol, doc.KeyPos(tt.path).Column)
			assert.Equal(t, tt.line, doc.KeyPos(tt.path).Line)
		})
	}
	assert.Equal(t, policy.Position{}, doc.Pos("Statement[1]"))
	assert.False(t, doc.Pos("nope").IsValid())
	assert.Equal(t, "line 2, column 14", doc.Pos("Version").String())
	assert.Equal(t, byte('"'), src[doc.Pos("Version").Offset])
	paths := doc.Paths()
	assert.Equal(t, "Version", paths[0])
	assert.Contains(t, paths, "Statement[0].Condition.IpAddress.aws:SourceIp[1]")
	assert.False(t, doc.Clone().Pos("Version").IsValid(), "a clone has no positions")

	// A single statement object is Statement[0] too.
	one, err := policy.Parse([]byte(`{"Statement": {"Effect": "Deny"}}`))
	require.NoError(t, err)
	assert.Equal(t, 15, one.Pos("Statement[0]").Column)
	assert.Equal(t, 26, one.Pos("Statement[0].Effect").Column)
}

func TestMarshalBuilt(t *testing.T) {
	doc := &policy.Document{
		Version: policy.Version2012,
		Statements: []policy.Statement{{
			Sid:       "Read",
			Effect:    policy.Allow,
			Principal: policy.AWSPrincipal("arn:aws:iam::111122223333:role/r"),
			Action:    policy.Strings("s3:GetObject"),
			Resource:  policy.Strings("arn:aws:s3:::b/*"),
			Condition: policy.NewCondition("StringEquals", "aws:SourceVpce", "vpce-1").
				WithValues("Bool", "aws:SecureTransport", policy.BoolValue(true)).
				WithValues("NumericLessThan", "s3:TlsVersion", policy.NumberValue("1.2")).
				With("StringEquals", "aws:sourcevpce", "vpce-2"),
		}, {
			Effect:       policy.Deny,
			NotPrincipal: policy.ServicePrincipal("a.amazonaws.com", "b.amazonaws.com").With(policy.PrincipalAWS, "111122223333"),
			NotAction:    policy.Values{"s3:GetObject", "s3:ListBucket"},
			NotResource:  policy.Values{},
		}},
	}
	out, err := doc.Marshal()
	require.NoError(t, err)
	assert.Equal(t, `{"Version":"2012-10-17","Statement":[`+
		`{"Sid":"Read","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/r"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",`+
		`"Condition":{"StringEquals":{"aws:SourceVpce":["vpce-1","vpce-2"]},"Bool":{"aws:SecureTransport":true},"NumericLessThan":{"s3:TlsVersion":1.2}}},`+
		`{"Effect":"Deny","NotPrincipal":{"Service":["a.amazonaws.com","b.amazonaws.com"],"AWS":"111122223333"},"NotAction":["s3:GetObject","s3:ListBucket"],"NotResource":[]}]}`,
		string(out))

	pretty, err := doc.MarshalIndent("", "  ")
	require.NoError(t, err)
	assert.Contains(t, string(pretty), "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"Read\",")
	assert.Contains(t, string(pretty), "\"NotResource\": []\n    }\n  ]\n}")
	assert.Equal(t, string(pretty), doc.String())

	// Deterministic.
	for range 3 {
		again, err := doc.Marshal()
		require.NoError(t, err)
		assert.Equal(t, out, again)
	}

	empty, err := (&policy.Document{}).Marshal()
	require.NoError(t, err)
	assert.Equal(t, `{"Statement":[]}`, string(empty))
	anyP, err := (&policy.Document{Statements: []policy.Statement{{Principal: policy.AnyPrincipal()}}}).Marshal()
	require.NoError(t, err)
	assert.Equal(t, `{"Statement":[{"Principal":"*"}]}`, string(anyP))
}

func TestMarshalShapeFollowsEdits(t *testing.T) {
	doc, err := policy.Parse([]byte(`{"Statement":{"Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*"]}}`))
	require.NoError(t, err)
	doc.Statements[0].Action = append(doc.Statements[0].Action, "s3:GetObjectVersion")
	doc.Statements[0].Sid = "New"
	doc.Statements = append(doc.Statements, policy.Statement{Effect: policy.Deny})
	out, err := doc.Marshal()
	require.NoError(t, err)
	assert.Equal(t, `{"Statement":[{"Effect":"Allow","Action":["s3:GetObject","s3:GetObjectVersion"],"Resource":["arn:aws:s3:::b/*"],"Sid":"New"},{"Effect":"Deny"}]}`, string(out))
}

func TestMarshalInvalidValues(t *testing.T) {
	tests := map[string]policy.Document{
		"number":       {Statements: []policy.Statement{{Condition: policy.Condition{}.WithValues("NumericEquals", "k", policy.NumberValue("1.2.3"))}}},
		"empty number": {Statements: []policy.Statement{{Condition: policy.Condition{}.WithValues("NumericEquals", "k", policy.NumberValue(""))}}},
		"bool":         {Statements: []policy.Statement{{Condition: policy.Condition{}.WithValues("Bool", "k", policy.ConditionValue{Type: policy.ValueBool, Text: "False"})}}},
		"utf8":         {Statements: []policy.Statement{{Sid: "\xff"}}},
		"both":         {Statements: []policy.Statement{{Principal: &policy.Principal{Wildcard: true, Entries: []policy.PrincipalEntry{{Type: "AWS"}}}}}},
		"type":         {Statements: []policy.Statement{{Condition: policy.Condition{}.WithValues("Bool", "k", policy.ConditionValue{Type: 9})}}},
	}
	for name, doc := range tests {
		t.Run(name, func(t *testing.T) {
			_, err := doc.Marshal()
			assert.ErrorIs(t, err, policy.ErrInvalidValue)
			_, err = doc.MarshalIndent("", " ")
			assert.ErrorIs(t, err, policy.ErrInvalidValue)
		})
	}
	var nilDoc *policy.Document
	_, err := nilDoc.Marshal()
	assert.ErrorIs(t, err, policy.ErrInvalidValue)
}

func TestPositionsConcurrentAndMinified(t *testing.T) {
	// Positions are computed on first use; concurrent readers are safe, and
	// a minified 20 KB document (one line) gets character columns.
	src := compact(t, largePolicy(t, policy.BucketPolicyMaxBytes))
	doc, err := policy.Parse(src)
	require.NoError(t, err)
	n := len(doc.Statements)
	last := fmt.Sprintf("Statement[%d]", n-1)
	done := make(chan policy.Position)
	for range 4 {
		go func() { done <- doc.Pos(last) }()
	}
	for range 4 {
		p := <-done
		assert.Equal(t, 1, p.Line)
		assert.Equal(t, byte('{'), src[p.Offset])
		assert.Equal(t, utf8.RuneCount(src[:p.Offset])+1, p.Column)
	}
	// Reusing the input buffer before positions are first asked for does
	// not move them.
	buf := slices.Clone(src)
	doc2, err := policy.Parse(buf)
	require.NoError(t, err)
	for i := range buf {
		buf[i] = '\n'
	}
	assert.Equal(t, doc.Pos("Statement[3].Resource"), doc2.Pos("Statement[3].Resource"))
}

func TestNumberValues(t *testing.T) {
	for text, ok := range map[string]bool{
		"0": true, "-0": true, "1.2": true, "-1.5e3": true, "1E+2": true, "12": true,
		"": false, "-": false, "01": false, "1.": false, ".5": false, "1e": false, "+1": false, "1.2.3": false, "0x1": false, " 1": false, "NaN": false,
	} {
		d := &policy.Document{Statements: []policy.Statement{{Condition: policy.Condition{}.WithValues("NumericEquals", "k", policy.NumberValue(text))}}}
		out, err := d.Marshal()
		if ok {
			require.NoError(t, err, text)
			assert.Contains(t, string(out), `"k":`+text+`}`)
		} else {
			assert.ErrorIs(t, err, policy.ErrInvalidValue, text)
		}
	}
}

func TestParseLargeObjects(t *testing.T) {
	// Many keys: duplicates are still found (in both the scanned and the
	// indexed range), and parsing stays linear.
	var b strings.Builder
	b.WriteString(`{"Statement":{"Condition":{"StringEquals":{`)
	for i := range 20000 {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `"k%d":"v"`, i)
	}
	ok := b.String() + `}}}}`
	doc, err := policy.Parse([]byte(ok))
	require.NoError(t, err)
	assert.Len(t, doc.Statements[0].Condition[0].Entries, 20000)
	for _, dup := range []string{"k3", "k15000"} {
		_, err = policy.Parse([]byte(b.String() + `,"` + dup + `":"w"}}}}`))
		assert.ErrorIs(t, err, policy.ErrDuplicateKey, dup)
		assert.Contains(t, err.Error(), `duplicate key "`+dup+`"`)
	}
	_, err = policy.Parse([]byte(`{"a":1,"b":2,"c":3,"d":4,"e":5,"f":6,"g":7,"h":8,"i":9,"j":10,"k":11,"l":12,"m":13,"n":14,"o":15,"p":16,"q":17,"a":18}`))
	assert.ErrorIs(t, err, policy.ErrDuplicateKey)
}
