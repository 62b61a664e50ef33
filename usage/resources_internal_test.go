package usage

import (
	"fmt"
	"testing"

	"github.com/stretchr/testify/assert"
)

func patterns(es []*keyEntry) []string {
	var out []string
	for _, e := range es {
		p := e.pattern
		if e.prefix {
			p += "*"
		}
		out = append(out, p)
	}
	return out
}

func TestGeneralize(t *testing.T) {
	set := func(keys ...string) []*keyEntry {
		s := newKeySet(1000)
		for _, k := range keys {
			s.add(k)
		}
		return s.entries()
	}
	tests := []struct {
		name string
		keys []string
		max  int
		want []string
	}{
		{"under the bound, exact keys", []string{"a/1", "b/2"}, 5, []string{"a/1", "b/2"}},
		{"siblings merge into their folder", []string{"logs/2024/01/a", "logs/2024/01/b", "reports/q1"}, 2, []string{"logs/2024/01/*", "reports/q1"}},
		{"the deepest common folder first", []string{"d/x/1", "d/x/2", "d/y/1", "e/1"}, 3, []string{"d/x/*", "d/y/1", "e/1"}},
		{"folders merge upwards", []string{"d/x/1", "d/x/2", "d/y/1", "e/1"}, 2, []string{"d/*", "e/1"}},
		{"flat keys keep their common text", []string{"report-2024-01.csv", "report-2024-02.csv", "z"}, 2, []string{"report-2024-0*", "z"}},
		{"the whole bucket only when nothing longer is shared", []string{"a/1", "b/1", "c/1"}, 1, []string{"*"}},
		{"a prefix swallows what it covers", []string{"a/b/1", "a/b/2", "a/c"}, 1, []string{"a/*"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := generalize(set(tt.keys...), tt.max)
			assert.Equal(t, tt.want, patterns(got))
			total := 0
			for _, e := range got {
				total += e.requests
				assert.Truef(t, !e.prefix && e.pattern == e.sample || e.prefix && len(e.sample) >= len(e.pattern) && e.sample[:len(e.pattern)] == e.pattern,
					"%q's sample %q is under it", e.pattern, e.sample)
			}
			assert.Equal(t, len(tt.keys), total, "no request is lost")
		})
	}
}

func TestKeySetStaysBounded(t *testing.T) {
	s := newKeySet(64)
	for i := 0; i < 100000; i++ {
		s.add(fmt.Sprintf("data/%02d/%04d/part-%d", i%7, i%500, i))
	}
	assert.LessOrEqual(t, s.len(), 64)
	total := 0
	for _, e := range s.entries() {
		total += e.requests
	}
	assert.Equal(t, 100000, total)
	for i := 0; i < 100000; i += 997 {
		k := fmt.Sprintf("data/%02d/%04d/part-%d", i%7, i%500, i)
		_, exact := s.exact[k]
		assert.True(t, exact || s.covering(k) != nil, "%s is still covered", k)
	}
}
