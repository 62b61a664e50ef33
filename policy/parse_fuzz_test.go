package policy_test

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/s3secure/s3secure/policy"
)

// FuzzParseRoundTrip checks that Parse never panics, accepts only valid
// JSON, and that whatever it accepts marshals to a fixed point: parsing the
// output gives the same bytes again, and the output is the input minus
// whitespace for inputs without escapes other than the ones Marshal writes.
func FuzzParseRoundTrip(f *testing.F) {
	files, _ := filepath.Glob("testdata/roundtrip/*.json")
	for _, file := range files {
		if b, err := os.ReadFile(file); err == nil {
			f.Add(b)
		}
	}
	f.Add([]byte(`{"Statement":{"Condition":{"Bool":{"k":[true,1e5,"x"]}}}}`))
	f.Add([]byte(`{"Statement":[{"Principal":"*","Action":[],"Sid":"\u00e9\""}],}`))
	f.Fuzz(func(t *testing.T, src []byte) {
		doc, err := policy.Parse(src)
		if err != nil {
			var pe *policy.ParseError
			if !errors.As(err, &pe) || pe.Line < 1 || pe.Column < 1 {
				t.Fatalf("error without position: %v", err)
			}
			return
		}
		if !json.Valid(src) {
			t.Fatalf("Parse accepted invalid JSON %q", src)
		}
		out, err := doc.Marshal()
		if err != nil {
			t.Fatalf("Marshal of a parsed document failed: %v", err)
		}
		if !json.Valid(out) {
			t.Fatalf("Marshal wrote invalid JSON %q", out)
		}
		again, err := policy.Parse(out)
		if err != nil {
			t.Fatalf("Parse of Marshal output failed: %v\n%s", err, out)
		}
		out2, err := again.Marshal()
		if err != nil || string(out2) != string(out) {
			t.Fatalf("not a fixed point:\n%s\n%s", out, out2)
		}
		pretty, err := doc.MarshalIndent("", "\t")
		if err != nil {
			t.Fatal(err)
		}
		fromPretty, err := policy.Parse(pretty)
		if err != nil {
			t.Fatalf("Parse of MarshalIndent output failed: %v", err)
		}
		out3, _ := fromPretty.Marshal()
		if string(out3) != string(out) {
			t.Fatalf("pretty output differs:\n%s\n%s", out, out3)
		}
		for _, p := range doc.Paths() {
			if pos := doc.Pos(p); !pos.IsValid() || pos.Offset >= len(src) {
				t.Fatalf("bad position %v for %s", pos, p)
			}
		}
	})
}
