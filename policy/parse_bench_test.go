package policy_test

import (
	"encoding/json"
	"testing"

	"github.com/s3secure/s3secure/policy"
)

// The benchmarks compare, in one run, our Parse and Marshal of a 20 KB
// bucket policy with the obvious alternative: encoding/json into and from
// map[string]any (which loses key order, string-or-list shape and number
// text, and reports no positions).

func BenchmarkParse(b *testing.B) {
	src := largePolicy(b, policy.BucketPolicyMaxBytes)
	b.Run("policy.Parse", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for b.Loop() {
			if _, err := policy.Parse(src); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Unmarshal-any", func(b *testing.B) {
		b.SetBytes(int64(len(src)))
		b.ReportAllocs()
		for b.Loop() {
			var v map[string]any
			if err := json.Unmarshal(src, &v); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkMarshal(b *testing.B) {
	src := largePolicy(b, policy.BucketPolicyMaxBytes)
	doc, err := policy.Parse(src)
	if err != nil {
		b.Fatal(err)
	}
	var v map[string]any
	if err := json.Unmarshal(src, &v); err != nil {
		b.Fatal(err)
	}
	b.Run("policy.Marshal", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := doc.Marshal(); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("policy.MarshalIndent", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := doc.MarshalIndent("", "  "); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("json.Marshal-any", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, err := json.Marshal(v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
