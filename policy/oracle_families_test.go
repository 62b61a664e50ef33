package policy_test

import (
	"encoding/json"
	"fmt"
	"maps"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

// The family test runs the differential test's simulator on scenarios the
// random generator (oracle_test.go) reaches rarely or never: every
// condition operator with its qualifiers against edge values of its type
// (numbers with exponents or signs, dates in several ISO 8601 forms and as
// epoch seconds, IPv6 and IPv4-mapped addresses, Bool spellings, ARN
// operators on values that are not ARNs, policy variables with defaults and
// ${*} ${?} ${$}); Resource patterns, listed and random, with wildcards
// against object keys and access point ARNs with colons; S3's line between
// public and non-public bucket policies under RestrictPublicBuckets; and
// NotPrincipal lists in Deny and Allow. Each scenario holds one condition,
// one pattern or one principal element, so that a disagreement points at
// it.
//
// Where the simulator departs from AWS's documentation, the row is listed
// in familyDisagreements with the sentence that decides it; where no
// documentation decides, the entry says why ours is kept.

// familyRow is one scenario of the family test.
type familyRow struct {
	family   string
	policy   string // the caller's identity policy
	bucket   string // the bucket policy, "" for none
	bpa      bool   // RestrictPublicBuckets (the simulator's blockPublicAccess)
	caller   caller
	action   string
	resource string
	ctx      map[string]any // string or []string
	// For a condition row: the operator, key, policy values (JSON) and
	// request value (nil for absent). For a Resource row: op is
	// "Resource" or "NotResource" and pval the pattern.
	op, key, pval string
	rval          any
}

func (r familyRow) String() string {
	return fmt.Sprintf("%s: %s %s %s ctx %v\n%s\nbucket %s (RestrictPublicBuckets %v)", r.family, r.caller.policy.ARN, r.action, r.resource, r.ctx, r.policy, r.bucket, r.bpa)
}

// familyDisagreement is a known way the simulator departs from AWS's
// documented behaviour in the family test: the rows it covers, and the
// documentation that decides them.
type familyDisagreement struct {
	name  string
	doc   string
	match func(r familyRow, ours policy.Decision, sim string) bool
}

// knownDoc returns the documentation of the random test's known
// disagreement of that feature.
func knownDoc(feature string) string {
	for _, k := range knownDisagreements {
		if k.feature == feature {
			return k.doc
		}
	}
	panic("no known disagreement " + feature)
}

// Predicates of the family rows.
func (r familyRow) negated() bool {
	base := r.op[strings.IndexByte(r.op, ':')+1:]
	return strings.Contains(base, "Not")
}
func (r familyRow) setOp() bool    { return strings.HasPrefix(r.op, "For") }
func (r familyRow) ifExists() bool { return strings.HasSuffix(r.op, "IfExists") }
func (r familyRow) emptySet() bool { v, ok := r.rval.([]string); return ok && len(v) == 0 }
func (r familyRow) requestValue() string {
	if v, ok := r.rval.(string); ok {
		return v
	}
	return ""
}

var familyDisagreements = []familyDisagreement{
	{"date-epoch", knownDoc("date-epoch"), func(r familyRow, _ policy.Decision, _ string) bool {
		return r.key == "aws:CurrentTime" && (r.pval == `"1704067200"` || r.requestValue() == "1704067200")
	}},
	{"ip-no-prefix", knownDoc("ip-no-prefix"), func(r familyRow, _ policy.Decision, _ string) bool {
		return r.key == "aws:SourceIp" && r.pval == `"10.1.2.3"` && strings.Contains(r.requestValue(), ":")
	}},
	{"ifexists-set", knownDoc("ifexists-set"), func(r familyRow, _ policy.Decision, _ string) bool {
		return r.setOp() && r.ifExists() && (r.rval == nil || r.emptySet())
	}},
	{"unresolved-variable", knownDoc("unresolved-variable"), func(r familyRow, _ policy.Decision, _ string) bool {
		username := strings.Contains(r.policy, "${aws:username}") && r.caller.keys["aws:username"] == ""
		return username && (r.negated() || r.op == "NotResource")
	}},
	{"literal-character-variables", `IAM user guide, "Variables and tags", "Special characters": "There are a few predefined policy variables that have fixed values that enable you to represent characters that otherwise have special meaning": ${*}, ${?} and ${$} stand for the characters *, ? and $, in every operator; the simulator finds no match for them outside StringLike.`,
		func(r familyRow, _ policy.Decision, _ string) bool {
			return strings.Contains(r.pval, "${*}") || strings.Contains(r.pval, "${?}") || strings.Contains(r.pval, "${$}")
		}},
	{"literal-star-in-resource", `IAM user guide, "IAM JSON policy elements: Resource": wildcards are written in the policy's Resource element; the request's resource is the ARN of one object, whose key may itself contain * (S3 user guide, "Naming Amazon S3 objects": the asterisk is among the characters "that might require special handling"). The simulator takes a * in the requested ARN for a wildcard, so "arn:aws:s3:::b/A*" matches the object "*x".`,
		func(r familyRow, ours policy.Decision, _ string) bool {
			return ours == policy.DecisionDeny && strings.Contains(r.resource, "*")
		}},
	{"negated-empty-set", `IAM user guide, "Condition operators": "If the policy condition requires that the key is not matched, such as StringNotLike or ArnNotLike, and the right key is not present, the condition is true"; a key with no values (an empty set) has no value that matches, so a negated operator without a set operator holds, as [Context.Set] documents; the simulator finds it false.`,
		func(r familyRow, _ policy.Decision, _ string) bool {
			return r.emptySet() && r.negated() && !r.setOp()
		}},
	{"public-fixed-value", `S3 user guide, "The meaning of public": a policy is non-public when it grants only to "fixed values" of the limiting keys, and a fixed value is one without a wildcard or a policy variable; "vpce-*" (under StringEquals too), "arn:aws:iam::444455556666:user/*" and "${aws:PrincipalTag/vpce}" are not fixed, so the statement stays public. The simulator counts StringEquals values and ArnLike aws:PrincipalArn patterns with a fixed account as fixed, and resolves the variable.`,
		func(r familyRow, ours policy.Decision, _ string) bool {
			return strings.HasPrefix(r.family, "public") && ours == policy.DecisionDeny && (strings.ContainsAny(r.pval, "*?") || strings.Contains(r.pval, "${"))
		}},
	{"public-rfc1918-superset", `S3 user guide, "The meaning of public": aws:SourceIp ranges broader than /8 are public, RFC 1918 private ranges excepted; 10.0.0.0/7 is not an RFC 1918 range (it holds 11.0.0.0/8, public addresses), so it does not limit. The simulator excepts every range whose first octet is 10.`,
		func(r familyRow, ours policy.Decision, _ string) bool {
			return strings.HasPrefix(r.family, "public") && ours == policy.DecisionDeny && r.pval == `"10.0.0.0/7"`
		}},
	{"public-ip-no-prefix", knownDoc("ip-no-prefix") + ` A single address (a /32) is a narrow aws:SourceIp range, so it limits; the simulator reads no prefix length and calls the policy public.`,
		func(r familyRow, ours policy.Decision, _ string) bool {
			return strings.HasPrefix(r.family, "public") && ours == policy.DecisionAllow && r.key == "aws:SourceIp" && !strings.Contains(r.pval, "/")
		}},
	{"public-source-keys", `S3 user guide, "The meaning of public": fixed values of aws:SourceArn and aws:SourceOwner limit a statement, whichever string operator compares them (` + knownDoc("principalarn-string") + `); the simulator knows no aws:SourceOwner and counts aws:SourceArn only under ArnEquals.`,
		func(r familyRow, ours policy.Decision, _ string) bool {
			return strings.HasPrefix(r.family, "public") && ours == policy.DecisionAllow && strings.HasPrefix(r.op, "String") &&
				(r.key == "aws:SourceArn" || r.key == "aws:SourceOwner")
		}},
	{"public-notprincipal-limited", `S3 user guide, "The meaning of public": S3 "begins by assuming that the policy is public" and a policy is non-public when it grants only to fixed values of the limiting keys; an Allow with NotPrincipal and a condition that fixes one of them (aws:SourceVpce "vpce-1", aws:SourceIp 203.0.113.0/24) grants only there, as the same statement with Principal "*" does. The simulator calls every NotPrincipal statement public, whatever its conditions.`,
		func(r familyRow, ours policy.Decision, _ string) bool {
			return strings.HasPrefix(r.family, `public "NotPrincipal"`) && ours == policy.DecisionAllow
		}},
	{"notprincipal-chain", knownDoc("notprincipal-account") + ` So with Allow: the statement leaves out only a caller whose whole chain is listed, and allows the others; and "you cannot use a wildcard to mean all sessions. Principals must always name a specific session". The simulator leaves out every principal of a listed account, and a user or session listed without its account.`,
		func(r familyRow, ours policy.Decision, sim string) bool {
			if !strings.HasSuffix(r.family, "NotPrincipal") || chainListed(r.caller, r.pval) {
				return false
			}
			if strings.HasPrefix(r.family, "Deny") {
				return ours == policy.DecisionExplicitDeny && sim == "Allowed"
			}
			return ours == policy.DecisionAllow && sim == "ImplicitlyDenied"
		}},
	{"resource-segments", `IAM user guide, "IAM JSON policy elements: Resource": wildcards work "within the individual segments of an ARN (the parts separated by colons)", and "If the * wildcard is the last character of a resource ARN segment, it can expand to match beyond the colon boundaries"; the resource part of an ARN is one segment, / and : included. The simulator splits it at its first / or : into a resource type and an ID, except in an S3 ARN whose Region and account are both empty, so "arn:aws:s3:*:*:b*/*" (the Region and account wildcards take the empty fields) does not match the object "arn:aws:s3:::ba/a", nor "...:a*/" the access point object ".../accesspoint/a/object/a/"; and a * that ends the Region or account never takes more than its field ("arn:aws:s3:*:*:?" and the object "arn:aws:s3:::bb/::/").`,
		func(r familyRow, ours policy.Decision, sim string) bool {
			f := strings.SplitN(r.pval, ":", 6)
			return r.family == "random Resource" && ours == policy.DecisionAllow && len(f) == 6 && f[3]+f[4] != ""
		}},
	// The rows below are not decided by AWS's documentation; each says why
	// ours is the reading kept.
	{"multivalued-without-set-operator", `Not decided by the documentation: "Multivalued context keys require a condition set operator" (IAM user guide, "Single-valued vs. multivalued context keys") without saying what an operator without one does. Ours reads it as for several policy values ("evaluated using a logical OR", a negated operator "a logical NOR", "Conditions with multiple context keys or values"): a positive operator holds when any request value matches, a negated one when none does; the simulator holds neither.`,
		func(r familyRow, _ policy.Decision, _ string) bool {
			v, ok := r.rval.([]string)
			return ok && len(v) > 0 && !r.setOp()
		}},
	{"numeric-exponent", `Not decided by the documentation: "Numeric condition operators" do not say how a number is written. Ours reads a decimal number with an optional exponent ("1e1" is 10), as JSON writes numbers; the simulator refuses the exponent.`,
		func(r familyRow, _ policy.Decision, _ string) bool {
			return strings.HasPrefix(r.op, "Numeric") && (strings.ContainsAny(r.pval, "eE") || strings.ContainsAny(r.requestValue(), "eE"))
		}},
	{"numeric-not-a-number", `Not decided by the documentation, and not a request AWS makes: AWS fills numeric keys with numbers. Ours finds no numeric match for a request value that is not a number, so a negated operator holds ("If the policy condition requires that the key is not matched ... the condition is true"); the simulator holds neither.`,
		func(r familyRow, _ policy.Decision, _ string) bool {
			v := r.requestValue()
			return strings.HasPrefix(r.op, "Numeric") && r.negated() && (v == "" || v == "abc") && r.rval != nil
		}},
	{"arn-operator-star", `Not decided by the documentation: for ARN operators "each of the six colon-delimited components of the ARN is checked separately" (IAM user guide, "Condition operators") says nothing of a value "*" alone. Ours takes it, as the Resource element does ("*" is every resource), to match any value; the simulator matches none.`,
		func(r familyRow, _ policy.Decision, _ string) bool {
			return strings.HasPrefix(r.op, "Arn") && r.pval == `"*"`
		}},
	{"arn-operator-not-an-arn", `Not decided by the documentation, and not a request AWS makes: aws:SourceArn always holds an ARN. Ours finds no ARN match for a value that is not an ARN, so a negated ARN operator holds; the simulator holds neither.`,
		func(r familyRow, _ policy.Decision, _ string) bool {
			return strings.HasPrefix(r.op, "Arn") && r.negated() && r.requestValue() == "b"
		}},
}

func familyCallers() (alice, sess caller) {
	cs := oracleCallers()
	return cs[0], cs[1]
}

// conditionFamily returns scenarios with one condition in an Allow (and the
// same condition in a Deny beside an Allow of everything).
func conditionFamily() []familyRow {
	alice, sess := familyCallers()
	type keySpec struct {
		key    string
		ops    []string
		values []string // JSON of the condition's policy values
		reqs   []any    // request values: nil for absent, string, []string
	}
	stringOps := []string{"StringEquals", "StringNotEquals", "StringEqualsIgnoreCase", "StringNotEqualsIgnoreCase", "StringLike", "StringNotLike"}
	specs := []keySpec{
		{"aws:PrincipalTag/team", stringOps,
			[]string{`"red"`, `["red","blue"]`, `"r*"`, `"R?D"`, `""`, `"*"`, `"${aws:username}"`, `"${aws:PrincipalTag/dept}"`,
				`"${*}"`, `"a${?}"`, `"${$}x"`, `"${aws:PrincipalTag/none, 'dflt'}"`, `"x${aws:PrincipalTag/dept}*"`},
			[]any{nil, "red", "RED", "", "r*", "*", "alice", "dflt", "?", "a?", "ab", "$x", "xeng-1", "xeng", []string{"red", "green"}, []string{}}},
		{"aws:PrincipalOrgPaths", []string{"ForAnyValue:StringLike", "ForAllValues:StringLike", "ForAnyValue:StringEquals", "ForAllValues:StringEquals",
			"ForAnyValue:StringNotEquals", "ForAllValues:StringNotEquals", "ForAnyValue:StringNotLike", "ForAllValues:StringNotLike",
			"ForAnyValue:StringEqualsIfExists", "ForAllValues:StringNotEqualsIfExists", "StringLike", "StringNotEquals"},
			[]string{`"o-1/r-1/*"`, `["o-1/r-1/ou-1/","o-1/r-1/ou-2/"]`, `"o-1/r-1/ou-1/"`},
			[]any{nil, []string{}, []string{"o-1/r-1/ou-1/"}, []string{"o-1/r-1/ou-1/", "o-1/r-1/ou-3/"}, []string{"o-2/r-2/"}, []string{"o-1/r-1/ou-1/", "o-1/r-1/ou-2/"}}},
		{"aws:MultiFactorAuthAge", []string{"NumericEquals", "NumericNotEquals", "NumericLessThan", "NumericGreaterThanEquals", "NumericLessThanIfExists"},
			[]string{`"10"`, `"1e1"`, `"10.0"`, `"+10"`, `"-0"`, `"0"`, `".5"`, `"1E+1"`, `["5","20"]`},
			[]any{nil, "10", "9", "1e1", "0", "-0", "0.5", "abc", ""}},
		{"aws:CurrentTime", []string{"DateEquals", "DateNotEquals", "DateLessThan", "DateGreaterThanEquals", "DateGreaterThanIfExists"},
			[]string{`"2024-01-01T00:00:00Z"`, `"2024-01-01"`, `"2024-01-01T00:00:00.000Z"`, `"2024-01-01T01:00:00+01:00"`, `"1704067200"`,
				`"2024-01-01T00:00Z"`, `"2023-12-31T23:59:59Z"`, `"2024-01-01T00:00:00"`},
			[]any{nil, "2024-01-01T00:00:00Z", "2024-01-01T00:00:00.500Z", "2023-12-31T23:59:59Z", "2024-01-01", "1704067200", "2024-01-01T00:00:01+00:00"}},
		{"aws:SecureTransport", []string{"Bool", "BoolIfExists"},
			[]string{`"true"`, `"True"`, `"TRUE"`, `"false"`, `["true","false"]`},
			[]any{nil, "true", "false", "TRUE", "False"}},
		{"aws:SourceIp", []string{"IpAddress", "NotIpAddress", "IpAddressIfExists", "NotIpAddressIfExists"},
			[]string{`"10.0.0.0/8"`, `"10.1.2.3"`, `"10.1.2.3/32"`, `"::/0"`, `"2001:db8::/32"`, `"10.1.2.0/24"`, `["10.0.0.0/8","2001:db8::/32"]`,
				`"2001:db8::1/128"`, `"10.1.2.7/24"`},
			[]any{nil, "10.1.2.3", "10.9.9.9", "2001:db8::1", "2001:db8:1::1", "192.0.2.1", "2001:DB8::1"}},
		{"aws:SourceArn", []string{"ArnEquals", "ArnLike", "ArnNotEquals", "ArnNotLike", "ArnLikeIfExists", "ArnNotLikeIfExists", "StringLike"},
			[]string{`"arn:aws:s3:::b"`, `"arn:aws:s3:::b*"`, `"arn:aws:s3:*:*:b"`, `"arn:*:s3:::b"`, `"arn:aws:s3:::*"`, `"*"`,
				`"arn:aws:cloudfront::111122223333:distribution/*"`, `"arn:aws:sqs:*:111122223333:q*"`, `"arn:aws:sqs:us-?ast-1:111122223333:q"`},
			[]any{nil, "arn:aws:s3:::b", "arn:aws:s3:::bucket", "arn:aws:s3:::b:x", "arn:aws:cloudfront::111122223333:distribution/E1",
				"arn:aws:cloudfront::111122223333:distribution/a:b", "arn:aws:sqs:us-east-1:111122223333:q1", "arn:aws:sqs:us-east-1:111122223333:q:x", "b", "arn:aws:S3:::b"}},
		{"aws:PrincipalArn", []string{"ArnEquals", "ArnLike", "ArnNotLike", "StringEquals", "StringLike"},
			[]string{`"arn:aws:iam::111122223333:user/alice"`, `"arn:aws:iam::111122223333:role/Reader"`, `"arn:aws:iam::111122223333:*"`,
				`"arn:aws:iam::*:role/*"`, `"arn:aws:iam::111122223333:user/${aws:username}"`},
			[]any{nil}},
		{"aws:SourceVpce", []string{"Null"},
			[]string{`"true"`, `"false"`, `"TRUE"`, `"False"`},
			[]any{nil, "vpce-1", ""}},
	}
	var rows []familyRow
	for _, s := range specs {
		for _, op := range s.ops {
			for _, v := range s.values {
				for _, rv := range s.reqs {
					for _, c := range []caller{alice, sess} {
						if c.principal != alice.principal && !strings.Contains(v, "${") && s.key != "aws:PrincipalArn" {
							continue // a role session differs from the user only in its variables and its ARN
						}
						cond := `{` + strconv.Quote(op) + `:{` + strconv.Quote(s.key) + `:` + v + `}}`
						ctx := map[string]any{}
						if rv != nil {
							ctx[s.key] = rv
						}
						if s.key == "aws:PrincipalTag/team" || strings.Contains(v, "PrincipalTag/dept") {
							ctx["aws:PrincipalTag/dept"] = "eng-1"
						}
						for _, deny := range []bool{false, true} {
							stmt := `{"Sid":"C","Effect":"Allow","Action":"s3:GetObject","Resource":"*","Condition":` + cond + `}`
							if deny {
								stmt = `{"Sid":"All","Effect":"Allow","Action":"s3:GetObject","Resource":"*"},` +
									`{"Sid":"C","Effect":"Deny","Action":"s3:GetObject","Resource":"*","Condition":` + cond + `}`
							}
							rows = append(rows, familyRow{family: "condition " + op, caller: c, action: "s3:GetObject", resource: "arn:aws:s3:::b/k",
								policy: `{"Version":"2012-10-17","Statement":[` + stmt + `]}`, ctx: ctx, op: op, key: s.key, pval: v, rval: rv})
						}
					}
				}
			}
		}
	}
	return rows
}

// resourceFamily returns scenarios of Resource and NotResource patterns
// against object, bucket and access point ARNs.
func resourceFamily() []familyRow {
	alice, sess := familyCallers()
	patterns := []string{
		"arn:aws:s3:::b/*", "arn:aws:s3:::b/a?b", "arn:aws:s3:::b/a*b", "arn:aws:s3:::b*", "arn:aws:s3:::b/*/x", "arn:aws:s3:::*/a:b",
		"arn:aws:s3:::b/${aws:username}/*", "arn:aws:s3:::b/${aws:username}", "arn:aws:s3:::b/${aws:PrincipalTag/team}*", "arn:aws:s3:::b/${*}*",
		"arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/*", "arn:aws:s3:*:111122223333:accesspoint/*",
		"arn:aws:s3:us-east-1:*:accesspoint/ap/object/a:b", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap*",
		"arn:aws:s3:?s-east-1:111122223333:accesspoint/ap/object/*", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/a?b",
		"arn:aws:s3:::B/*", "arn:aws:s3:::b/A*", "arn:aws:s3:::b?a:b", "arn:aws:s3:::b/alice*",
	}
	resources := []struct{ action, arn string }{
		{"s3:GetObject", "arn:aws:s3:::b/a:b"}, {"s3:GetObject", "arn:aws:s3:::b/a/b"}, {"s3:GetObject", "arn:aws:s3:::b/ab"},
		{"s3:GetObject", "arn:aws:s3:::b/alice/k"}, {"s3:GetObject", "arn:aws:s3:::b/alice"}, {"s3:GetObject", "arn:aws:s3:::b/red-1"},
		{"s3:GetObject", "arn:aws:s3:::b/*x"}, {"s3:GetObject", "arn:aws:s3:::b/y/x"}, {"s3:GetObject", "arn:aws:s3:::c/a:b"},
		{"s3:ListBucket", "arn:aws:s3:::b"}, {"s3:ListBucket", "arn:aws:s3:::bb"},
		{"s3:GetObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/a:b"},
		{"s3:GetObject", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap/object/k"},
		{"s3:ListBucket", "arn:aws:s3:us-east-1:111122223333:accesspoint/ap"},
	}
	var rows []familyRow
	for _, p := range patterns {
		for _, res := range resources {
			for _, c := range []caller{alice, sess} {
				for _, elem := range []string{"Resource", "NotResource"} {
					ctx := map[string]any{"aws:PrincipalTag/team": "red"}
					stmt := `{"Sid":"R","Effect":"Allow","Action":"s3:*",` + strconv.Quote(elem) + `:` + strconv.Quote(p) + `}`
					rows = append(rows, familyRow{family: elem, caller: c, action: res.action, resource: res.arn,
						policy: `{"Version":"2012-10-17","Statement":[` + stmt + `]}`, ctx: ctx, op: elem, pval: p})
				}
			}
		}
	}
	return rows
}

// publicFamily returns scenarios that ask whether a bucket policy is
// public in S3's sense ("The meaning of public" in the S3 user guide):
// another account's caller, allowed everything by its own identity policy,
// asks for an object that one Allow statement of the bucket policy grants
// under a condition the request meets, with RestrictPublicBuckets on. The
// request is allowed when the policy is not public and refused when it is,
// so each row compares our public classification with the simulator's.
func publicFamily() []familyRow {
	bob := oracleCallers()[2]
	type cnd struct{ op, key, val, req string }
	conds := []cnd{
		{"StringEquals", "aws:SourceVpce", `"vpce-1"`, "vpce-1"},
		{"StringLike", "aws:SourceVpce", `"vpce-1"`, "vpce-1"},
		{"StringLike", "aws:SourceVpce", `"vpce-*"`, "vpce-1"},
		{"StringEquals", "aws:SourceVpce", `"vpce-*"`, "vpce-*"},
		{"StringEqualsIgnoreCase", "aws:SourceVpce", `"VPCE-1"`, "vpce-1"},
		{"ForAnyValue:StringEquals", "aws:SourceVpce", `"vpce-1"`, "vpce-1"},
		{"ForAllValues:StringEquals", "aws:SourceVpce", `"vpce-1"`, "vpce-1"},
		{"StringEqualsIfExists", "aws:SourceVpce", `"vpce-1"`, "vpce-1"},
		{"StringNotEquals", "aws:SourceVpce", `"vpce-2"`, "vpce-1"},
		{"StringEquals", "aws:SourceVpce", `"${aws:PrincipalTag/vpce}"`, "vpce-1"},
		{"StringEquals", "aws:SourceVpc", `"vpc-1"`, "vpc-1"},
		{"StringEquals", "aws:PrincipalOrgID", `"o-1"`, "o-1"},
		{"StringLike", "aws:PrincipalOrgID", `"o-*"`, "o-1"},
		{"StringEquals", "aws:PrincipalAccount", `"444455556666"`, ""},
		{"StringEquals", "aws:PrincipalAccount", `["444455556666","111122223333"]`, ""},
		{"StringLike", "aws:PrincipalAccount", `"4444*"`, ""},
		{"ArnEquals", "aws:PrincipalArn", `"arn:aws:iam::444455556666:user/bob"`, ""},
		{"ArnLike", "aws:PrincipalArn", `"arn:aws:iam::444455556666:user/*"`, ""},
		{"ArnLike", "aws:PrincipalArn", `"arn:aws:iam::*:user/bob"`, ""},
		{"StringEquals", "aws:SourceAccount", `"444455556666"`, "444455556666"},
		{"ArnEquals", "aws:SourceArn", `"arn:aws:sqs:us-east-1:444455556666:q"`, "arn:aws:sqs:us-east-1:444455556666:q"},
		{"ArnLike", "aws:SourceArn", `"arn:aws:sqs:us-east-1:444455556666:*"`, "arn:aws:sqs:us-east-1:444455556666:q"},
		{"StringEquals", "aws:SourceArn", `"arn:aws:sqs:us-east-1:444455556666:q"`, "arn:aws:sqs:us-east-1:444455556666:q"},
		{"StringEquals", "aws:SourceOwner", `"444455556666"`, "444455556666"},
		{"StringEquals", "aws:userid", `"AIDAEXAMPLE"`, "AIDAEXAMPLE"},
		{"StringLike", "aws:userid", `"*:s"`, "AROAEXAMPLE:s"},
		{"IpAddress", "aws:SourceIp", `"203.0.113.0/24"`, "203.0.113.7"},
		{"IpAddress", "aws:SourceIp", `"192.0.0.0/7"`, "193.0.113.7"},
		{"IpAddress", "aws:SourceIp", `"192.0.0.0/8"`, "192.0.113.7"},
		{"IpAddress", "aws:SourceIp", `"10.0.0.0/7"`, "10.0.113.7"},
		{"IpAddress", "aws:SourceIp", `"10.0.0.0/8"`, "10.0.113.7"},
		{"IpAddress", "aws:SourceIp", `"172.16.0.0/12"`, "172.17.0.1"},
		{"IpAddress", "aws:SourceIp", `"172.0.0.0/7"`, "172.17.0.1"},
		{"IpAddress", "aws:SourceIp", `"2001:db8::/32"`, "2001:db8::7"},
		{"IpAddress", "aws:SourceIp", `"2001:db8::/31"`, "2001:db8::7"},
		{"IpAddress", "aws:SourceIp", `"::/0"`, "2001:db8::7"},
		{"IpAddress", "aws:SourceIp", `"203.0.113.7"`, "203.0.113.7"},
		{"IpAddress", "aws:SourceIp", `["203.0.113.0/24","0.0.0.0/1"]`, "203.0.113.7"},
		{"NotIpAddress", "aws:SourceIp", `"10.0.0.0/8"`, "203.0.113.7"},
		{"Bool", "aws:SecureTransport", `"true"`, "true"},
	}
	principals := []string{`"Principal":"*"`, `"Principal":{"AWS":"*"}`, `"Principal":{"AWS":["*"]}`,
		`"NotPrincipal":{"AWS":"arn:aws:iam::999999999999:root"}`, `"Principal":{"AWS":"444455556666"}`}
	var rows []familyRow
	for _, p := range principals {
		for _, c := range conds {
			ctx := map[string]any{"aws:PrincipalOrgID": "o-1", "aws:PrincipalTag/vpce": "vpce-1"}
			if c.req != "" {
				ctx[c.key] = c.req
			}
			rows = append(rows, familyRow{family: "public " + p, caller: bob, action: "s3:GetObject", resource: "arn:aws:s3:::b/k",
				policy: fullAccess, bpa: true, ctx: ctx, op: c.op, key: c.key, pval: c.val,
				bucket: `{"Version":"2012-10-17","Statement":[{"Sid":"P","Effect":"Allow",` + p + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*",` +
					`"Condition":{` + strconv.Quote(c.op) + `:{` + strconv.Quote(c.key) + `:` + c.val + `}}}]}`})
		}
	}
	return rows
}

// notPrincipalFamily returns scenarios of a bucket policy with NotPrincipal,
// in a Deny beside an Allow of everyone and in an Allow alone, for every
// caller (the owner's root user among them) against lists that name
// accounts, roots, users, roles, sessions (one with a wildcard) and
// services in several combinations.
func notPrincipalFamily() []familyRow {
	root := caller{principal: "arn:aws:iam::111122223333:root", policy: policy.Caller{ARN: "arn:aws:iam::111122223333:root", Account: acctA}, iam: true,
		keys: map[string]string{"aws:PrincipalArn": "arn:aws:iam::111122223333:root", "aws:PrincipalAccount": acctA, "aws:PrincipalIsAWSService": "false"}}
	lists := []string{
		`"*"`, `{"AWS":"*"}`,
		`{"AWS":"111122223333"}`, `{"AWS":"arn:aws:iam::111122223333:root"}`,
		`{"AWS":["arn:aws:iam::111122223333:root","arn:aws:iam::111122223333:user/alice"]}`,
		`{"AWS":["111122223333","arn:aws:iam::111122223333:user/alice"]}`,
		`{"AWS":"arn:aws:iam::111122223333:user/alice"}`,
		`{"AWS":["arn:aws:iam::111122223333:role/Reader","arn:aws:iam::111122223333:root"]}`,
		`{"AWS":["arn:aws:sts::111122223333:assumed-role/Reader/s1","arn:aws:iam::111122223333:root"]}`,
		`{"AWS":["arn:aws:sts::111122223333:assumed-role/Reader/s1","arn:aws:iam::111122223333:role/Reader","arn:aws:iam::111122223333:root"]}`,
		`{"AWS":["arn:aws:sts::111122223333:assumed-role/Reader/s1","arn:aws:iam::111122223333:role/Reader","111122223333"]}`,
		`{"AWS":["arn:aws:sts::111122223333:assumed-role/Reader/*","arn:aws:iam::111122223333:role/Reader","arn:aws:iam::111122223333:root"]}`,
		`{"AWS":["arn:aws:iam::444455556666:user/bob","arn:aws:iam::444455556666:root"]}`,
		`{"AWS":"arn:aws:iam::444455556666:user/bob"}`,
		`{"Service":"cloudfront.amazonaws.com"}`,
		`{"AWS":"arn:aws:iam::111122223333:root","Service":"cloudfront.amazonaws.com"}`,
	}
	var rows []familyRow
	for _, l := range lists {
		for _, c := range append(oracleCallers(), root) {
			for _, effect := range []string{"Deny", "Allow"} {
				stmt := `{"Sid":"N","Effect":"Allow","NotPrincipal":` + l + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`
				if effect == "Deny" {
					stmt = `{"Sid":"All","Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"},` +
						`{"Sid":"N","Effect":"Deny","NotPrincipal":` + l + `,"Action":"s3:GetObject","Resource":"arn:aws:s3:::b/*"}`
				}
				id := ""
				if c.iam {
					id = fullAccess // so that another account's caller is decided by the bucket policy
				}
				rows = append(rows, familyRow{family: effect + " NotPrincipal", caller: c, action: "s3:GetObject", resource: "arn:aws:s3:::b/k",
					policy: id, bucket: `{"Version":"2012-10-17","Statement":[` + stmt + `]}`, pval: l})
			}
		}
	}
	return rows
}

// chainListed reports whether a NotPrincipal list names every principal of
// the caller's chain: its account (by ID or root ARN), and unless it is the
// root user itself, its own ARN, and for a role session also the role.
func chainListed(c caller, list string) bool {
	arn, _ := c.principal.(string)
	acct := c.policy.Account
	if !c.iam || (!strings.Contains(list, `"`+acct+`"`) && !strings.Contains(list, "arn:aws:iam::"+acct+":root")) {
		return false
	}
	if strings.HasSuffix(arn, ":root") {
		return true
	}
	if !strings.Contains(list, `"`+arn+`"`) {
		return false
	}
	if i := strings.Index(arn, ":assumed-role/"); i >= 0 {
		role := strings.SplitN(arn[i+len(":assumed-role/"):], "/", 2)[0]
		return strings.Contains(list, "arn:aws:iam::"+acct+":role/"+role+`"`)
	}
	return true
}

// randomResourceFamily returns n scenarios of random Resource patterns
// (each field of an S3 ARN from a few wildcard forms, the resource part
// from the characters a, b, *, ?, : and /) against random object ARNs,
// through a bucket or an access point, with : and / in their keys; seeded.
func randomResourceFamily(n int) []familyRow {
	alice := oracleCallers()[0]
	r := rand.New(rand.NewPCG(7, 7))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	frag := func(alpha string, n int) string {
		b := make([]byte, r.IntN(n+1))
		for i := range b {
			b[i] = alpha[r.IntN(len(alpha))]
		}
		return string(b)
	}
	rows := make([]familyRow, 0, n)
	for range n {
		pat := "arn:aws:s3:" + pick("", "*", "us-east-1", "us-*", "?s-east-1", "*1") + ":" + pick("", "*", "111122223333", "1111*", "*3333") + ":" + frag("ab*?:/", 7)
		if r.IntN(4) == 0 {
			pat = "arn:aws:s3:::" + frag("ab*?:/", 7)
		}
		key := pick("a", "b", ":", "/") + frag("ab:/", 4) // S3 keys are never empty
		arn := "arn:aws:s3:::b" + frag("ab", 2) + "/" + key
		if r.IntN(3) == 0 {
			arn = "arn:aws:s3:us-east-1:111122223333:accesspoint/" + pick("a", "ab") + "/object/" + key
		}
		rows = append(rows, familyRow{family: "random Resource", caller: alice, action: "s3:GetObject", resource: arn,
			policy: `{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Action":"s3:GetObject","Resource":` + strconv.Quote(pat) + `}]}`,
			op:     "Resource", pval: pat})
	}
	return rows
}

func TestDifferentialFamilies(t *testing.T) {
	node, dir := oracleNode(t)
	rows := slices.Concat(conditionFamily(), resourceFamily(), publicFamily(), notPrincipalFamily(), randomResourceFamily(3000))
	var sims []map[string]any
	var chains []*policy.Chain
	for _, r := range rows {
		ch := &policy.Chain{}
		identity := []map[string]any{}
		if r.policy != "" {
			doc, err := policy.Parse([]byte(r.policy))
			require.NoError(t, err, r.policy)
			c, err := policy.Compile(doc)
			require.NoError(t, err, r.policy)
			ch.Identity = []*policy.Compiled{c}
			identity = append(identity, map[string]any{"name": "id", "policy": json.RawMessage(r.policy)})
		}
		ch.BucketBlock.RestrictPublicBuckets = r.bpa
		if r.bucket != "" {
			bdoc, err := policy.Parse([]byte(r.bucket))
			require.NoError(t, err, r.bucket)
			ch.Bucket, err = policy.Compile(bdoc)
			require.NoError(t, err, r.bucket)
		}
		ctx := map[string]any{}
		for k, v := range r.caller.keys {
			ctx[k] = v
		}
		for k, v := range r.ctx {
			ctx[k] = v
		}
		sim := map[string]any{
			"request": map[string]any{
				"principal": r.caller.principal, "action": r.action,
				"resource":         map[string]string{"resource": r.resource, "accountId": acctA},
				"contextVariables": ctx,
			},
			"identityPolicies":        identity,
			"serviceControlPolicies":  []any{},
			"resourceControlPolicies": []any{},
		}
		if r.bucket != "" {
			sim["resourcePolicy"] = json.RawMessage(r.bucket)
		}
		if r.bpa {
			sim["additionalSettings"] = map[string]any{"s3": map[string]any{"blockPublicAccess": true}}
		}
		sims = append(sims, sim)
		chains = append(chains, ch)
	}
	answers := runSimulator(t, node, dir, sims)
	known := map[string]int{}
	unexplained := map[string][]string{}
	simErrs := 0
	agree := 0
	for i, a := range answers {
		r := rows[i]
		if a.Error != "" {
			simErrs++
			if simErrs <= 3 {
				t.Logf("simulator refused: %s\n%s", a.Error, r)
			}
			continue
		}
		req := &policy.AccessRequest{BucketOwner: acctA}
		req.Caller, req.Action, req.Resource = r.caller.policy, r.action, r.resource
		for k, v := range r.ctx {
			switch v := v.(type) {
			case string:
				req.Context.Set(k, v)
			case []string:
				req.Context.Set(k, v...)
			}
		}
		for _, k := range a.Ignored {
			req.Context.Delete(k)
		}
		got := policy.Authorize(req, chains[i]).Decision
		want := a.Result
		if want == "ExplicitlyDenied" && len(a.BlockedBy) == 1 && a.BlockedBy[0] == "s3-bpa" {
			want = "ImplicitlyDenied" // S3 answers a blocked public grant with the implicit deny
		}
		if simName(got) == want {
			agree++
			continue
		}
		name := ""
		for _, d := range familyDisagreements {
			if d.match(r, got, a.Result) {
				name = d.name
				break
			}
		}
		if name != "" {
			known[name]++
			continue
		}
		unexplained[r.family] = append(unexplained[r.family], fmt.Sprintf("ours %v, simulator %s: %s", got, a.Result, r))
	}
	t.Logf("%d rows: %d agree, %d refused by the simulator, known disagreements %v", len(rows), agree, simErrs, known)
	if simErrs > len(rows)/20 {
		t.Errorf("the simulator refused %d of %d rows: the families make scenarios it cannot read", simErrs, len(rows))
	}
	for _, f := range slices.Sorted(maps.Keys(unexplained)) {
		rs := unexplained[f]
		n := len(rs)
		if n > 6 {
			rs = rs[:6]
		}
		t.Errorf("%s: %d unexplained disagreements:\n%s", f, n, strings.Join(rs, "\n\n"))
	}
}
