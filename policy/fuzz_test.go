package policy_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3secure/s3secure/policy"
)

// kinds are the policy kinds the fuzzers pick from.
var kinds = []policy.Kind{policy.KindBucket, policy.KindAccessPoint, policy.KindManaged, policy.KindInlineRole}

func addTestdata(f *testing.F, add func([]byte)) {
	files, _ := filepath.Glob("testdata/*/*.json")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			add(b)
		}
	}
}

// FuzzValidate checks that Validate never panics, that every finding has a
// known code with its documented severity and a sane location, and that a
// document with no findings at all compiles. Seed corpus:
// testdata/fuzz/FuzzValidate, plus the documents under testdata.
func FuzzValidate(f *testing.F) {
	addTestdata(f, func(b []byte) { f.Add(b, uint8(0)) })
	f.Add([]byte(goodBucketPolicy), uint8(0))
	f.Add([]byte(benchPolicy(f, 20)), uint8(1))
	f.Fuzz(func(t *testing.T, src []byte, k uint8) {
		kind := kinds[int(k)%len(kinds)]
		fs := policy.Validate(src, &policy.ValidateOptions{Kind: kind, Account: "111122223333"})
		doc, perr := policy.Parse(src)
		for _, fi := range fs {
			sev, ok := policy.CodeSeverity(fi.Code)
			if !ok || sev != fi.Severity {
				t.Fatalf("finding with unknown code or wrong severity: %+v", fi)
			}
			if fi.Line < 0 || fi.Column < 0 || fi.Statement < -1 || fi.Message == "" {
				t.Fatalf("bad finding location: %+v", fi)
			}
			if perr == nil && fi.Statement >= len(doc.Statements) {
				t.Fatalf("statement index out of range: %+v", fi)
			}
		}
		if perr != nil {
			if len(fs) != 1 {
				t.Fatalf("a parse error gives one finding, got %v", fs)
			}
			return
		}
		_ = policy.IsPublic(doc, kind)
		c, err := policy.Compile(doc)
		if len(fs) == 0 && err != nil {
			t.Fatalf("no findings, but Compile fails: %v", err)
		}
		_ = c
	})
}

// FuzzEvaluate checks that evaluation never panics or hangs on arbitrary
// policies and requests, that the compiled and uncompiled paths agree, and
// that the decision agrees with the statements Matches reports. Seed corpus:
// testdata/fuzz/FuzzEvaluate.
func FuzzEvaluate(f *testing.F) {
	f.Add([]byte(benchPolicy(f, 20)), "s3:GetObject", "arn:aws:s3:::bench/index.html", "aws:SourceIp", "203.0.113.9", false)
	f.Add([]byte(goodBucketPolicy), "s3:ListBucket", "arn:aws:s3:::my-bucket", "s3:prefix", "team/x", true)
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"ForAllValues:StringLike":{"aws:TagKeys":["a*","${*}?"]}}}]}`),
		"s3:PutObject", "arn:aws:s3:::b/alice/k", "aws:TagKeys", "a1", false)
	f.Add([]byte(`{"Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":"111122223333"},"NotAction":"s3:Get*","NotResource":"arn:*:s3:::b*","Condition":{"DateLessThanIfExists":{"aws:CurrentTime":"2030-01-01"},"Null":{"aws:SourceVpce":"true"}}}]}`),
		"s3:DeleteObject", "arn:aws:s3:::c/k", "aws:CurrentTime", "2025-01-01T00:00:00Z", true)
	// IAM folds action names in ASCII only: the Kelvin sign is not a k,
	// compiled or not.
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":["s3:DeleteBuc\u212Aet","s3:\u212A*"],"Resource":"*"}]}`),
		"s3:DeleteBucket", "arn:aws:s3:::b", "k", "v", false)
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:DeleteBucket","Resource":"*"}]}`),
		"s3:DeleteBuc\u212Aet", "arn:aws:s3:::b", "k", "v", false)
	// A variable without a value makes the statement invalid, NotResource
	// and negated operators included.
	f.Add([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","Principal":"*","Action":"s3:*","NotResource":"arn:aws:s3:::b/${aws:username}/*","Condition":{"StringNotLike":{"s3:prefix":"${aws:PrincipalTag/team}/*"}}},{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"*"}]}`),
		"s3:ListBucket", "arn:aws:s3:::b", "s3:prefix", "x/", true)
	f.Fuzz(func(t *testing.T, src []byte, action, resource, key, value string, anon bool) {
		doc, err := policy.Parse(src)
		if err != nil {
			return
		}
		c, err := policy.Compile(doc)
		if err != nil {
			return
		}
		r := &policy.Request{Action: action, Resource: resource}
		if !anon {
			r.Caller = policy.Caller{ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"}
		}
		r.Context.Set(key, value, value+"x")
		got := c.Decide(r)
		if again := c.Decide(r); again != got {
			t.Fatalf("not deterministic: %+v then %+v", got, again)
		}
		un, err := policy.Evaluate(r, doc)
		if err != nil || un != got {
			t.Fatalf("compiled %+v, uncompiled %+v (%v)", got, un, err)
		}
		ms := policy.Matches(r, c)
		hasDeny := false
		for _, m := range ms {
			if m.Effect == policy.Deny {
				hasDeny = true
			}
		}
		switch got.Decision {
		case policy.DecisionExplicitDeny:
			if !hasDeny || !got.Matched {
				t.Fatalf("explicit deny without a matching Deny: %+v %+v", got, ms)
			}
		case policy.DecisionAllow:
			if hasDeny || len(ms) == 0 {
				t.Fatalf("allow inconsistent with matches: %+v %+v", got, ms)
			}
		default:
			if len(ms) != 0 || got.Matched {
				t.Fatalf("implicit deny but statements match: %+v %+v", got, ms)
			}
		}
	})
}

// FuzzParse checks that Parse never panics and that a parse error points
// inside the input: its offset, line and column exist in the source. (The
// round-trip properties of what Parse accepts are FuzzParseRoundTrip's.)
// Seed corpus: testdata/fuzz/FuzzParse, plus the documents under testdata.
func FuzzParse(f *testing.F) {
	addTestdata(f, func(b []byte) { f.Add(b) })
	f.Add([]byte("{\n \"Version\": \"2012-10-17\",\n \"Statement\": [,]\n}"))
	f.Fuzz(func(t *testing.T, src []byte) {
		_, err := policy.Parse(src)
		if err == nil {
			return
		}
		var pe *policy.ParseError
		if !errors.As(err, &pe) {
			t.Fatalf("not a *ParseError: %v", err)
		}
		if pe.Offset < 0 || pe.Offset > len(src) {
			t.Fatalf("offset %d outside the %d-byte input", pe.Offset, len(src))
		}
		lines := 1 + bytes.Count(src, []byte("\n"))
		if pe.Line < 1 || pe.Line > lines || pe.Column < 1 {
			t.Fatalf("line %d column %d outside the %d-line input: %v", pe.Line, pe.Column, lines, err)
		}
		if !errors.Is(err, policy.ErrSyntax) && !errors.Is(err, policy.ErrDuplicateKey) &&
			!errors.Is(err, policy.ErrUnknownField) && !errors.Is(err, policy.ErrWrongType) {
			t.Fatalf("error wraps no documented sentinel: %v", err)
		}
	})
}
