package policy_test

import (
	"encoding/json"
	"fmt"
	"os"
	"testing"

	"github.com/s3secure/s3secure/policy"
)

// The benchmark's policy and requests live in testdata/bench, shared with
// the comparison against minio's evaluator in bench/minio (a module of its
// own, see its README), so both measure the same statements and requests.
// policy.json is a bucket policy of 20 statements with conditions, of the
// kinds real bucket policies carry: TLS and signature-age denies, grants to
// users, prefix-scoped listing, IP restrictions, referer- and tag-scoped
// shared reads. It keeps to what minio's policy language expresses (no
// service principals, only the condition keys minio knows), so the same
// bytes mean the same thing to both evaluators.
const (
	benchPolicyFile   = "testdata/bench/policy.json"
	benchRequestsFile = "testdata/bench/requests.json"
)

// benchPolicy returns the benchmark policy cut to its first n statements.
func benchPolicy(tb testing.TB, n int) string {
	tb.Helper()
	src, err := os.ReadFile(benchPolicyFile)
	if err != nil {
		tb.Fatal(err)
	}
	doc, err := policy.Parse(src)
	if err != nil {
		tb.Fatal(err)
	}
	if n > len(doc.Statements) {
		tb.Fatalf("%s has %d statements, not %d", benchPolicyFile, len(doc.Statements), n)
	}
	doc.Statements = doc.Statements[:n]
	b, err := doc.Marshal()
	if err != nil {
		tb.Fatal(err)
	}
	return string(b)
}

// benchCase is one request of testdata/bench/requests.json with the
// decision both evaluators must reach on the 20-statement policy.
type benchCase struct {
	Name   string `json:"name"`
	Caller struct {
		ARN     string `json:"arn"`
		Account string `json:"account"`
	} `json:"caller"`
	Action   string `json:"action"`
	Resource string `json:"resource"`
	Context  []struct {
		Key    string   `json:"key"`
		Values []string `json:"values"`
	} `json:"context"`
	Decision string `json:"decision"`
	Sid      string `json:"sid"`
}

// benchCases returns the requests of testdata/bench/requests.json.
func benchCases(tb testing.TB) []benchCase {
	tb.Helper()
	src, err := os.ReadFile(benchRequestsFile)
	if err != nil {
		tb.Fatal(err)
	}
	var cases []benchCase
	if err := json.Unmarshal(src, &cases); err != nil {
		tb.Fatal(err)
	}
	return cases
}

func (c *benchCase) request() *policy.Request {
	r := &policy.Request{
		Caller:   policy.Caller{ARN: c.Caller.ARN, Account: c.Caller.Account},
		Action:   c.Action,
		Resource: c.Resource,
	}
	for _, kv := range c.Context {
		r.Context.Set(kv.Key, kv.Values...)
	}
	return r
}

// benchRequest returns the request named name in testdata/bench/requests.json
// and the decision it must get.
func benchRequest(tb testing.TB, name string) (*policy.Request, benchCase) {
	tb.Helper()
	for _, c := range benchCases(tb) {
		if c.Name == name {
			return c.request(), c
		}
	}
	tb.Fatalf("%s has no request %q", benchRequestsFile, name)
	return nil, benchCase{}
}

// TestBenchRequests holds the benchmark's policy to the decisions
// testdata/bench/requests.json states, which bench/minio holds minio's
// evaluator to as well: the two evaluators read the policy alike.
func TestBenchRequests(t *testing.T) {
	doc, err := policy.Parse([]byte(benchPolicy(t, 20)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := policy.Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, bc := range benchCases(t) {
		t.Run(bc.Name, func(t *testing.T) {
			req := bc.request()
			got := c.Decide(req)
			if got.Decision.String() != bc.Decision || got.Matched && got.By.Sid != bc.Sid {
				t.Errorf("compiled: %v by %q, want %s by %q", got.Decision, got.By.Sid, bc.Decision, bc.Sid)
			}
			if u, err := policy.Evaluate(req, doc); err != nil || u != got {
				t.Errorf("uncompiled: %+v, %v; compiled: %+v", u, err, got)
			}
		})
	}
}

func BenchmarkEvaluate(b *testing.B) {
	for _, n := range []int{3, 20} {
		doc, err := policy.Parse([]byte(benchPolicy(b, n)))
		if err != nil {
			b.Fatal(err)
		}
		c, err := policy.Compile(doc)
		if err != nil {
			b.Fatal(err)
		}
		// An allowed read: both Deny statements on s3:* are evaluated and
		// must not match, then AllowReaders decides.
		req, want := benchRequest(b, "allow")
		if got := c.Decide(req); got.Decision.String() != want.Decision || got.By.Sid != want.Sid {
			b.Fatalf("%d statements: %+v, want %s by %s", n, got, want.Decision, want.Sid)
		}
		b.Run(fmt.Sprintf("statements=%d/compiled", n), func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if c.Decide(req).Decision != policy.DecisionAllow {
					b.Fatal("not allowed")
				}
			}
		})
		// The worst case: nothing matches, so every statement that can
		// apply to the action is tested.
		miss, want := benchRequest(b, "nomatch")
		if got := c.Decide(miss); got.Decision.String() != want.Decision {
			b.Fatalf("%d statements: miss %+v, want %s", n, got, want.Decision)
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
	doc, err := policy.Parse([]byte(benchPolicy(t, 20)))
	if err != nil {
		t.Fatal(err)
	}
	c, err := policy.Compile(doc)
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"allow", "nomatch"} {
		req, _ := benchRequest(t, name)
		if n := testing.AllocsPerRun(100, func() { c.Decide(req) }); n != 0 {
			t.Errorf("Decide (%s) allocates %v times per call", name, n)
		}
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
