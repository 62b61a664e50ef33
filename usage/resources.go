package usage

import (
	"slices"
	"sort"
	"strings"
)

// keySet is the keys (or listing prefixes) one principal used one action on,
// kept in bounded memory: exact keys until there are more than limit
// entries, then the closest ones merged into prefixes (see generalize). Each
// entry keeps the first key seen under it, to replay and compare against.
type keySet struct {
	exact    map[string]*keyEntry
	prefixes []*keyEntry // sorted by pattern; none covers another or an exact key
	limit    int
}

// keyEntry is an exact key, or a prefix standing for every key under it.
type keyEntry struct {
	pattern  string
	prefix   bool
	requests int
	sample   string // a key seen under the entry
}

func newKeySet(limit int) *keySet {
	return &keySet{exact: map[string]*keyEntry{}, limit: limit}
}

func (s *keySet) len() int { return len(s.exact) + len(s.prefixes) }

// add records one request for key. key may share memory with a log line;
// it is cloned when kept.
func (s *keySet) add(key string) {
	if e, ok := s.exact[key]; ok {
		e.requests++
		return
	}
	if e := s.covering(key); e != nil {
		e.requests++
		return
	}
	k := strings.Clone(key)
	s.exact[k] = &keyEntry{pattern: k, requests: 1, sample: k}
	if s.len() > s.limit {
		s.reduce(s.limit / 2)
	}
}

// covering returns the prefix entry that covers key, if any. Prefixes do not
// cover one another, so only the greatest prefix not after key can.
func (s *keySet) covering(key string) *keyEntry {
	i := sort.Search(len(s.prefixes), func(i int) bool { return s.prefixes[i].pattern > key })
	if i > 0 && strings.HasPrefix(key, s.prefixes[i-1].pattern) {
		return s.prefixes[i-1]
	}
	return nil
}

// entries returns the entries sorted by pattern.
func (s *keySet) entries() []*keyEntry {
	out := make([]*keyEntry, 0, s.len())
	for _, e := range s.exact {
		out = append(out, e)
	}
	out = append(out, s.prefixes...)
	sortEntries(out)
	return out
}

// sortEntries sorts by pattern, a prefix before an exact key of the same
// text.
func sortEntries(es []*keyEntry) {
	sort.Slice(es, func(i, j int) bool {
		if es[i].pattern != es[j].pattern {
			return es[i].pattern < es[j].pattern
		}
		return es[i].prefix && !es[j].prefix
	})
}

// reduce merges entries until at most max remain.
func (s *keySet) reduce(max int) {
	es := generalize(s.entries(), max)
	clear(s.exact)
	s.prefixes = s.prefixes[:0]
	for _, e := range es {
		if e.prefix {
			s.prefixes = append(s.prefixes, e)
		} else {
			s.exact[e.pattern] = e
		}
	}
}

// generalize merges sorted entries into at most max (≥ 1), each merge
// replacing the entries under the longest common prefix of two neighbours by
// that prefix: cut back to its last '/' when it has one (keys are usually
// paths), whole otherwise (a flat namespace such as "report-2024-01.csv").
// The whole bucket (the empty prefix) comes only when the entries have
// nothing longer in common. The result is sorted, and no entry covers
// another.
func generalize(es []*keyEntry, max int) []*keyEntry {
	if max < 1 {
		max = 1
	}
	for len(es) > max {
		best, bestLen := -1, -1
		for i := 0; i+1 < len(es); i++ {
			if p := mergePrefix(es[i].pattern, es[i+1].pattern); len(p) > bestLen {
				best, bestLen = i, len(p)
			}
		}
		p := mergePrefix(es[best].pattern, es[best+1].pattern)
		// Every entry under p is a neighbour of the pair in sorted order.
		lo, hi := best, best+1
		for lo > 0 && strings.HasPrefix(es[lo-1].pattern, p) {
			lo--
		}
		for hi+1 < len(es) && strings.HasPrefix(es[hi+1].pattern, p) {
			hi++
		}
		merged := &keyEntry{pattern: p, prefix: true, sample: es[lo].sample}
		for _, e := range es[lo : hi+1] {
			merged.requests += e.requests
		}
		es = slices.Replace(es, lo, hi+1, merged)
	}
	return es
}

// mergePrefix is the prefix two patterns merge under.
func mergePrefix(a, b string) string {
	n := 0
	for n < len(a) && n < len(b) && a[n] == b[n] {
		n++
	}
	p := a[:n]
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		return p[:i+1]
	}
	return p
}
