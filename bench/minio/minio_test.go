// Package minio compares policy's compiled evaluator with minio's bucket
// policy evaluator (github.com/minio/pkg/v3/policy, BucketPolicy.IsAllowed)
// on the same 20-statement bucket policy and the same requests, read from
// policy/testdata/bench, which policy's BenchmarkEvaluate reads too.
package minio

import (
	"bytes"
	"encoding/json"
	"os"
	"strings"
	"testing"

	miniopolicy "github.com/minio/pkg/v3/policy"
	"github.com/minio/pkg/v3/policy/condition"

	"github.com/s3secure/s3secure/policy"
)

const (
	policyFile   = "../../policy/testdata/bench/policy.json"
	requestsFile = "../../policy/testdata/bench/requests.json"
)

// benchCase is one request of requests.json with the decision it must get.
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

// ours returns the request for policy.Compiled.Decide.
func (c *benchCase) ours() *policy.Request {
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

// minio returns the same request as minio's server builds it: the caller
// is the account name its Principal patterns are matched against (the
// caller's ARN; "" for the anonymous caller, whom only "*" matches, as in
// IAM), the resource is split into bucket and object name, and condition
// values are keyed by the key's name without its "aws:" or "s3:" prefix
// (minio's condition.KeyName.Name, which its evaluator looks keys up by).
func (c *benchCase) minio(tb testing.TB) miniopolicy.BucketPolicyArgs {
	const s3 = "arn:aws:s3:::"
	path, ok := strings.CutPrefix(c.Resource, s3)
	if !ok {
		tb.Fatalf("%s: resource %q is not an S3 ARN", c.Name, c.Resource)
	}
	bucket, object, _ := strings.Cut(path, "/")
	args := miniopolicy.BucketPolicyArgs{
		AccountName:     c.Caller.ARN,
		Action:          miniopolicy.Action(c.Action),
		BucketName:      bucket,
		ObjectName:      object,
		ConditionValues: map[string][]string{},
	}
	for _, kv := range c.Context {
		args.ConditionValues[condition.KeyName(kv.Key).Name()] = kv.Values
	}
	return args
}

type fixture struct {
	ours  *policy.Compiled
	doc   *policy.Document
	minio *miniopolicy.BucketPolicy
	cases []benchCase
}

// load reads the policy into both evaluators and checks that they agree
// with requests.json on every request in it, so the benchmark compares
// two evaluators that read the policy alike.
func load(tb testing.TB) *fixture {
	tb.Helper()
	src, err := os.ReadFile(policyFile)
	if err != nil {
		tb.Fatal(err)
	}
	var f fixture
	if f.doc, err = policy.Parse(src); err != nil {
		tb.Fatal(err)
	}
	if f.ours, err = policy.Compile(f.doc); err != nil {
		tb.Fatal(err)
	}
	// The same bytes, parsed and validated for the bucket as minio's
	// server does for PutBucketPolicy.
	if f.minio, err = miniopolicy.ParseBucketPolicyConfig(bytes.NewReader(src), "bench"); err != nil {
		tb.Fatal(err)
	}
	if got, want := len(f.minio.Statements), len(f.doc.Statements); got != want || want != 20 {
		tb.Fatalf("minio read %d statements, policy %d, want 20", got, want)
	}
	rs, err := os.ReadFile(requestsFile)
	if err != nil {
		tb.Fatal(err)
	}
	if err := json.Unmarshal(rs, &f.cases); err != nil {
		tb.Fatal(err)
	}
	for i := range f.cases {
		c := &f.cases[i]
		got := f.ours.Decide(c.ours())
		if got.Decision.String() != c.Decision || got.Matched && got.By.Sid != c.Sid {
			tb.Errorf("%s: ours %v by %q, want %s by %q", c.Name, got.Decision, got.By.Sid, c.Decision, c.Sid)
		}
		// minio answers allowed or not; an explicit and an implicit deny
		// are both "not allowed".
		if m := f.minio.IsAllowed(c.minio(tb)); m != (c.Decision == "Allow") {
			tb.Errorf("%s: minio allowed=%v, want %s", c.Name, m, c.Decision)
		}
	}
	if tb.Failed() {
		tb.FailNow()
	}
	return &f
}

func (f *fixture) find(tb testing.TB, name string) *benchCase {
	for i := range f.cases {
		if f.cases[i].Name == name {
			return &f.cases[i]
		}
	}
	tb.Fatalf("%s has no request %q", requestsFile, name)
	return nil
}

// TestAgree checks that both evaluators give every request of
// requests.json its stated decision.
func TestAgree(t *testing.T) {
	f := load(t)
	if len(f.cases) < 10 {
		t.Fatalf("only %d requests in %s", len(f.cases), requestsFile)
	}
}

// BenchmarkEvaluate measures one decision on the 20-statement policy by
// policy.Compiled.Decide, by policy.Evaluate (the parsed document,
// compiled for each decision) and by minio's BucketPolicy.IsAllowed, for
// the allowed read ("allow") and the request nothing matches ("nomatch").
func BenchmarkEvaluate(b *testing.B) {
	f := load(b)
	for _, name := range []string{"allow", "nomatch"} {
		c := f.find(b, name)
		req, args := c.ours(), c.minio(b)
		allowed := c.Decision == "Allow"
		b.Run(name+"/compiled", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if f.ours.Decide(req).Allowed() != allowed {
					b.Fatal("wrong decision")
				}
			}
		})
		b.Run(name+"/uncompiled", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				r, err := policy.Evaluate(req, f.doc)
				if err != nil || r.Allowed() != allowed {
					b.Fatal("wrong decision", err)
				}
			}
		})
		b.Run(name+"/minio", func(b *testing.B) {
			b.ReportAllocs()
			for b.Loop() {
				if f.minio.IsAllowed(args) != allowed {
					b.Fatal("wrong decision")
				}
			}
		})
	}
}
