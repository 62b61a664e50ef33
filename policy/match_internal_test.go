package policy

import (
	"math/rand/v2"
	"regexp"
	"strings"
	"testing"
)

// resourceRegexp is the Resource matching rule written as a regular
// expression, the plain reading of the IAM user guide's sentences (see
// match.go): in the segments before the resource part a * that ends its
// segment is .*, any other * is [^:]* and ? is [^:]; in the resource part
// * is .* and ? is any character.
func resourceRegexp(pattern string) *regexp.Regexp {
	var b strings.Builder
	b.WriteString("^")
	colons := 0
	for i := 0; i < len(pattern); i++ {
		c := pattern[i]
		inHeader := colons < 5
		switch {
		case c == ':':
			colons++
			b.WriteByte(':')
		case c == '*' && (!inHeader || i+1 == len(pattern) || pattern[i+1] == ':'):
			b.WriteString("(?s:.*)")
		case c == '*':
			b.WriteString("[^:]*")
		case c == '?' && inHeader:
			b.WriteString("[^:]")
		case c == '?':
			b.WriteString("(?s:.)")
		default:
			b.WriteString(regexp.QuoteMeta(string(c)))
		}
	}
	b.WriteString("$")
	return regexp.MustCompile(b.String())
}

// TestResourceGlobAgreesWithRegexp checks resourceGlob, with its one
// backtrack per segment, against the regular expression on random patterns
// and ARNs over a small alphabet, so that colons, stars and repeats meet.
func TestResourceGlobAgreesWithRegexp(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	str := func(alphabet string, max int) string {
		n := r.IntN(max + 1)
		b := make([]byte, n)
		for i := range b {
			b[i] = alphabet[r.IntN(len(alphabet))]
		}
		return string(b)
	}
	for range 50000 {
		p, arn := str("ab:*?", 12), str("ab:", 14)
		want := resourceRegexp(p).MatchString(arn)
		if got := resourceGlob(p, arn, false); got != want {
			t.Fatalf("resourceGlob(%q, %q) = %v, the rule says %v", p, arn, got, want)
		}
		if pt := newResourcePattern(p); pt.match(arn) != want {
			t.Fatalf("compiled %q ~ %q = %v, the rule says %v", p, arn, !want, want)
		}
	}
}
