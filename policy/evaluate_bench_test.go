package policy_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/s3secure/s3secure/policy"
)

// benchPolicy returns a bucket policy of n statements with conditions, of
// the kinds real bucket policies carry: TLS and TLS-version denies, an OAC
// grant, VPC-endpoint and IP restrictions, prefix-scoped grants to roles.
func benchPolicy(n int) string {
	stmts := []string{
		`{"Sid":"DenyInsecureTransport","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bench","arn:aws:s3:::bench/*"],"Condition":{"Bool":{"aws:SecureTransport":"false"}}}`,
		`{"Sid":"DenyOldTLS","Effect":"Deny","Principal":"*","Action":"s3:*","Resource":["arn:aws:s3:::bench","arn:aws:s3:::bench/*"],"Condition":{"NumericLessThan":{"s3:TlsVersion":"1.2"}}}`,
		`{"Sid":"AllowOAC","Effect":"Allow","Principal":{"Service":"cloudfront.amazonaws.com"},"Action":"s3:GetObject","Resource":"arn:aws:s3:::bench/*","Condition":{"StringEquals":{"AWS:SourceArn":"arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE"}}}`,
	}
	for i := len(stmts); i < n; i++ {
		switch i % 4 {
		case 0:
			stmts = append(stmts, fmt.Sprintf(`{"Sid":"Team%d","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team%d"},"Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::bench/team%d/*","Condition":{"StringEquals":{"aws:SourceVpce":"vpce-%04d"}}}`, i, i, i, i))
		case 1:
			stmts = append(stmts, fmt.Sprintf(`{"Sid":"List%d","Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:role/team%d"},"Action":"s3:ListBucket","Resource":"arn:aws:s3:::bench","Condition":{"StringLike":{"s3:prefix":["team%d/*"]}}}`, i, i, i))
		case 2:
			stmts = append(stmts, fmt.Sprintf(`{"Sid":"Net%d","Effect":"Deny","Principal":"*","Action":"s3:PutObject*","Resource":"arn:aws:s3:::bench/net%d/*","Condition":{"NotIpAddress":{"aws:SourceIp":["203.0.113.0/24","2001:db8::/32"]}}}`, i, i))
		case 3:
			stmts = append(stmts, fmt.Sprintf(`{"Sid":"Org%d","Effect":"Allow","Principal":"*","Action":"s3:Get*","Resource":"arn:aws:s3:::bench/shared%d/*","Condition":{"StringEquals":{"aws:PrincipalOrgID":"o-abc%d"},"ForAnyValue:StringLike":{"aws:PrincipalOrgPaths":["o-abc%d/r-1/*"]}}}`, i, i, i, i))
		}
	}
	return `{"Version":"2012-10-17","Statement":[` + strings.Join(stmts[:n], ",") + `]}`
}

// benchRequest is an allowed OAC read: every Deny is evaluated and must not
// match, then the Allow decides.
func benchRequest() *policy.Request {
	r := &policy.Request{
		Caller:   policy.Caller{Service: "cloudfront.amazonaws.com"},
		Action:   "s3:GetObject",
		Resource: "arn:aws:s3:::bench/index.html",
	}
	r.Context.Set("aws:SecureTransport", "true")
	r.Context.Set("s3:TlsVersion", "1.3")
	r.Context.Set("aws:SourceIp", "198.51.100.7")
	r.Context.Set("aws:SourceArn", "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE")
	return r
}

func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{3, 20} {
		doc, err := policy.Parse([]byte(benchPolicy(n)))
		if err != nil {
			b.Fatal(err)
		}
		req := benchRequest()
		c, err := policy.Compile(doc)
		if err != nil {
			b.Fatal(err)
		}
		if got := c.Decide(req); got.Decision != policy.DecisionAllow || got.By.Sid != "AllowOAC" {
			b.Fatalf("%d statements: %+v", n, got)
		}
		b.Run(fmt.Sprintf("statements=%d/compiled", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.Decide(req).Decision != policy.DecisionAllow {
					b.Fatal("not allowed")
				}
			}
		})
		// The worst case: nothing matches, so every statement is tested.
		miss := benchRequest()
		miss.Caller = policy.Caller{ARN: "arn:aws:iam::444455556666:user/x", Account: "444455556666"}
		miss.Action = "s3:PutObject"
		miss.Resource = "arn:aws:s3:::bench/team4/net6/k"
		if got := c.Decide(miss); got.Decision != policy.DecisionDeny {
			b.Fatalf("%d statements: miss %+v", n, got)
		}
		b.Run(fmt.Sprintf("statements=%d/compiled-nomatch", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.Decide(miss).Decision != policy.DecisionDeny {
					b.Fatal("allowed")
				}
			}
		})
		b.Run(fmt.Sprintf("statements=%d/uncompiled", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := policy.Evaluate(req, doc)
				if err != nil || r.Decision != policy.DecisionAllow {
					b.Fatal("not allowed", err)
				}
			}
		})
	}
}

func TestDecideDoesNotAllocate(t *testing.T) {
	doc, err := policy.Parse([]byte(benchPolicy(20)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := policy.Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	req := benchRequest()
	if n := testing.AllocsPerRun(100, func() { c.Decide(req) }); n != 0 {
		t.Errorf("Decide allocates %v times per call", n)
	}

	// NotPrincipal checks the caller's whole chain (account from the ARN
	// when Caller.Account is empty) without allocating either.
	np, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Effect":"Deny","NotPrincipal":{"AWS":["arn:aws:sts::111122223333:assumed-role/R/s","arn:aws:iam::111122223333:role/R","111122223333"]},"Action":"s3:*","Resource":"*"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	cnp, err := policy.Compile(np)
	if err != nil {
		t.Fatal(err)
	}
	sess := &policy.Request{Caller: policy.Caller{ARN: "arn:aws:sts::111122223333:assumed-role/R/s"}, Action: "s3:GetObject", Resource: "arn:aws:s3:::b/k"}
	if got := cnp.Decide(sess).Decision; got != policy.DecisionDeny {
		t.Errorf("listed session: got %v, want the implicit deny", got)
	}
	if n := testing.AllocsPerRun(100, func() { cnp.Decide(sess) }); n != 0 {
		t.Errorf("Decide with NotPrincipal allocates %v times per call", n)
	}
}
