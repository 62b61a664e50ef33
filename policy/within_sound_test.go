package policy_test

import (
	"math/rand/v2"
	"testing"

	"github.com/s3secure/s3secure/policy"
)

// TestWithinAgreesWithTheEvaluator checks AllowsNoMoreThan and DeniesAtLeast
// against the evaluator on 40,000 generated pairs of statements: whenever
// one says s is within than, no request of 2,160 (five callers, four
// actions, nine resources, twelve contexts) that s's statement applies to
// may escape than's (for a Deny, the other way round). Principals, action
// and resource patterns (policy variables, "$*", short ARNs), and
// conditions of every kind the two functions compare are drawn from small
// sets, so that many pairs are within each other.
func TestWithinAgreesWithTheEvaluator(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	pick := func(xs ...string) string { return xs[r.IntN(len(xs))] }
	stmt := func(effect string) string {
		p := pick(`"*"`, `{"AWS":"*"}`, `{"AWS":"111122223333"}`, `{"AWS":"arn:aws:iam::111122223333:root"}`, `{"AWS":"arn:aws:iam::111122223333:user/alice"}`, `{"AWS":["arn:aws:iam::111122223333:user/alice","arn:aws:iam::444455556666:user/bob"]}`)
		a := pick(`"s3:GetObject"`, `"s3:Get*"`, `"s3:*"`, `"s3:G*"`, `"s3:Get?bject"`, `"*"`, `["s3:GetObject","s3:PutObject"]`, `"S3:getobject"`, `"s3:*Object"`)
		res := pick(`"arn:aws:s3:::b/*"`, `"arn:aws:s3:::b/a*"`, `"arn:aws:s3:::b/a/*"`, `"arn:aws:s3:::b*"`, `"*"`, `"arn:aws:s3:::b/a?"`, `"arn:aws:s3:::b/a"`,
			`"arn:aws:s3:::b/${aws:username}"`, `"arn:aws:s3:::b/$*"`, `"arn:aws:s3:*:*:b/*"`, `"arn:aws:s3:::b/${aws:username}*"`, `"arn:aws:s3:::*"`, `"arn:aws:s3*"`, `"arn:*"`, `["arn:aws:s3:::b/a","arn:aws:s3:::b/c"]`)
		c := pick(``, ``, `,"Condition":{"StringEquals":{"aws:SourceVpce":"v1"}}`, `,"Condition":{"StringEquals":{"aws:SourceVpce":["v1","v2"]}}`,
			`,"Condition":{"StringNotEquals":{"aws:SourceVpce":"v1"}}`, `,"Condition":{"StringNotEquals":{"aws:SourceVpce":["v1","v2"]}}`,
			`,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}`, `,"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.3"}}`, `,"Condition":{"NumericLessThanEquals":{"s3:TlsVersion":"1.2"}}`,
			`,"Condition":{"NumericGreaterThan":{"s3:TlsVersion":["1.1","1.3"]}}`, `,"Condition":{"NumericGreaterThanEquals":{"s3:TlsVersion":"1.2"}}`,
			`,"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":"a"}}`, `,"Condition":{"ForAllValues:StringEquals":{"aws:TagKeys":["a","b"]}}`,
			`,"Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":"a"}}`, `,"Condition":{"ForAnyValue:StringNotEquals":{"aws:TagKeys":["a","b"]}}`,
			`,"Condition":{"StringLike":{"aws:SourceVpce":"v*"}}`, `,"Condition":{"StringLike":{"aws:SourceVpce":["v*","w"]}}`,
			`,"Condition":{"IpAddress":{"aws:SourceIp":"10.0.0.0/8"}}`, `,"Condition":{"NotIpAddress":{"aws:SourceIp":["10.0.0.0/8","192.168.0.0/16"]}}`,
			`,"Condition":{"StringEquals":{"aws:SourceVpce":"v1"},"NumericLessThan":{"s3:TlsVersion":"1.2"}}`,
			`,"Condition":{"Null":{"aws:SourceVpce":"true"}}`, `,"Condition":{"Null":{"aws:SourceVpce":["true","false"]}}`,
			`,"Condition":{"StringEqualsIfExists":{"aws:SourceVpce":"v1"}}`)
		return `{"Effect":"` + effect + `","Principal":` + p + `,"Action":` + a + `,"Resource":` + res + c + `}`
	}
	callers := []policy.Caller{
		{ARN: "arn:aws:iam::111122223333:user/alice", Account: "111122223333"},
		{ARN: "arn:aws:iam::444455556666:user/bob", Account: "444455556666"},
		{ARN: "arn:aws:iam::111122223333:root", Account: "111122223333"},
		{},
		{ARN: "arn:aws:sts::111122223333:assumed-role/R/s", Account: "111122223333"},
	}
	var reqs []*policy.Request
	for _, c := range callers {
		for _, a := range []string{"s3:GetObject", "s3:PutObject", "s3:GetObjectAcl", "s3:ListBucket"} {
			for _, res := range []string{"arn:aws:s3:::b/a", "arn:aws:s3:::b/a/x", "arn:aws:s3:::b/alice", "arn:aws:s3:::b/$x", "arn:aws:s3:::b2/x", "arn:aws:s3:::b", "arn:aws:s3:us-east-1:111122223333:b/x", "arn:aws:s3:::b/c", "arn:aws:s3:::b/ab"} {
				for _, ctx := range [][]string{nil, {"aws:SourceVpce", "v1"}, {"aws:SourceVpce", "v2"}, {"aws:SourceVpce", "w"}, {"s3:TlsVersion", "1.2"}, {"s3:TlsVersion", "1.25"}, {"s3:TlsVersion", "1.1"}, {"aws:TagKeys", "a"}, {"aws:TagKeys", "c"}, {"aws:SourceIp", "10.1.1.1"}, {"aws:SourceIp", "192.168.1.1"}, {"aws:SourceIp", "8.8.8.8"}} {
					rq := &policy.Request{Caller: c, Action: a, Resource: res}
					if ctx != nil {
						rq.Context.Set(ctx[0], ctx[1])
					}
					reqs = append(reqs, rq)
				}
			}
		}
	}
	bad, judged := 0, 0
	for i := 0; i < 40000 && bad < 5; i++ {
		eff := pick("Allow", "Deny")
		sSrc, tSrc := stmt(eff), stmt(eff)
		s, err1 := policy.ParseStatement([]byte(sSrc))
		th, err2 := policy.ParseStatement([]byte(tSrc))
		if err1 != nil || err2 != nil {
			continue
		}
		var ok bool
		if eff == "Allow" {
			ok = policy.AllowsNoMoreThan(s, th)
		} else {
			ok = policy.DeniesAtLeast(s, th)
		}
		if !ok {
			continue
		}
		judged++
		cs, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{s}})
		if err != nil {
			continue
		}
		ct, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{th}})
		if err != nil {
			continue
		}
		for _, rq := range reqs {
			ms, mt := cs.Decide(rq).Matched, ct.Decide(rq).Matched
			if eff == "Allow" && ms && !mt || eff == "Deny" && mt && !ms {
				bad++
				t.Errorf("%s: s %s is judged within %s, but %+v %s %s (context %v) escapes it", eff, sSrc, tSrc, rq.Caller, rq.Action, rq.Resource, rq.Context.Keys())
				break
			}
		}
	}
	if judged < 500 {
		t.Errorf("only %d pairs were judged within each other: the generator tests little", judged)
	}
}
