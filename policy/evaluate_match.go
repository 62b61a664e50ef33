package policy

import "strings"

// text is a string or a byte slice, so the matchers below work on policy
// strings and on patterns rendered into a scratch buffer (policy variables)
// without converting, which would allocate.
type text interface{ ~string | ~[]byte }

// escByte marks the next byte of a rendered pattern as a literal, so that a
// policy variable's value (or ${*}, ${?}) containing * or ? is not taken as a
// wildcard. It only has this meaning when a matcher is called with esc set.
const escByte = 0

// globT matches name against pattern, where * matches any run of bytes
// (including none) and ? exactly one UTF-8 character; with fold, ASCII letters
// compare case-insensitively; with esc, escByte makes the next pattern byte a
// literal. It backtracks only to the last *, so it runs in
// O(len(pattern)·len(name)) time at worst and never allocates.
func globT[P, N text](pattern P, name N, fold, esc bool) bool {
	px, nx := 0, 0
	// starPx is the index of the last * seen, starNx where the text it
	// consumes ends; on a mismatch the * takes one more character.
	starPx, starNx := -1, 0
	for px < len(pattern) || nx < len(name) {
		if px < len(pattern) {
			c := pattern[px]
			switch {
			case esc && c == escByte && px+1 < len(pattern):
				if nx < len(name) && pattern[px+1] == name[nx] {
					px += 2
					nx++
					continue
				}
			case c == '*':
				starPx, starNx = px, nx
				px++
				continue
			case c == '?':
				if nx < len(name) {
					px++
					nx += runeLen(name, nx)
					continue
				}
			default:
				if nx < len(name) && byteEq(c, name[nx], fold) {
					px++
					nx++
					continue
				}
			}
		}
		if starPx >= 0 && starNx < len(name) {
			starNx += runeLen(name, starNx)
			px, nx = starPx+1, starNx
			continue
		}
		return false
	}
	return true
}

// glob is globT on strings without escapes.
func glob(pattern, name string, fold bool) bool { return globT(pattern, name, fold, false) }

// runeLen returns the length of the UTF-8 sequence starting at s[i] (1 for a
// stray byte).
func runeLen[T text](s T, i int) int {
	c := s[i]
	n := 1
	switch {
	case c >= 0xF0:
		n = 4
	case c >= 0xE0:
		n = 3
	case c >= 0xC0:
		n = 2
	}
	for k := 1; k < n; k++ {
		if i+k >= len(s) || s[i+k]&0xC0 != 0x80 {
			return 1
		}
	}
	return n
}

// hasWildcard reports whether s contains * or ?.
func hasWildcard(s string) bool { return strings.ContainsAny(s, "*?") }

// arnGlob matches an ARN against an ARN pattern the way IAM does for
// Resource elements and the Arn condition operators: the six colon-separated
// fields are matched separately (the last one, the resource, may itself
// contain colons), each with * and ?, case-sensitively. A wildcard therefore
// never spans a colon in the first five fields. A pattern "*" matches
// anything.
func arnGlob[P, N text](pattern P, arn N, esc bool) bool {
	if len(pattern) == 1 && pattern[0] == '*' {
		return true
	}
	// Fast path: when the first five fields of the pattern are literal, the
	// field-wise match is the same as a whole-string match, because the
	// literal prefix fixes the name's first five fields.
	colons := 0
	for i := 0; i < len(pattern) && colons < 5; i++ {
		c := pattern[i]
		if c == ':' {
			colons++
			continue
		}
		if c == '*' || c == '?' || (esc && c == escByte) {
			return arnGlobFields(pattern, arn, esc)
		}
	}
	return globT(pattern, arn, false, esc)
}

// arnGlobFields is arnGlob's general case.
func arnGlobFields[P, N text](pattern P, arn N, esc bool) bool {
	pi, ni := 0, 0
	for field := 0; field < 6; field++ {
		pe, ne := len(pattern), len(arn)
		if field < 5 {
			pe = indexColon(pattern, pi, esc)
			ne = indexColon(arn, ni, false)
			if pe < 0 || ne < 0 {
				// Fewer than six fields: compare what is left as a whole.
				if pe < 0 && ne < 0 {
					return globT(pattern[pi:], arn[ni:], false, esc)
				}
				return false
			}
		}
		if !globT(pattern[pi:pe], arn[ni:ne], false, esc) {
			return false
		}
		pi, ni = pe+1, ne+1
	}
	return true
}

// resourceGlob matches an ARN against a Resource or NotResource value the
// way the IAM user guide describes it ("IAM JSON policy elements: Resource",
// "Using wildcards in resource ARNs"): wildcards work "within the individual
// segments of an ARN (the parts separated by colons)", and "If the *
// wildcard is the last character of a resource ARN segment, it can expand
// to match beyond the colon boundaries". So the pattern's segments before
// the resource part (partition, service, region, account) match one field
// of the ARN each, as arnGlob matches them, except that one ending in *
// also takes any number of the ARN's following fields; the resource part
// (after the fifth colon) takes the rest of the ARN, colons included. A
// pattern of fewer than six segments whose last one ends in * therefore
// names every ARN it is a prefix of: "arn:aws:s3:*" every S3 resource,
// "arn:*" every resource. Without such a segment the match is arnGlob's.
func resourceGlob[P, N text](pattern P, arn N, esc bool) bool {
	if len(pattern) == 1 && pattern[0] == '*' {
		return true
	}
	rp, spans := splitResourcePattern(pattern, esc)
	if !spans {
		return arnGlob(pattern, arn, esc)
	}
	return resourceMatch(&rp, arn, 0, 0, false)
}

// splitResourcePattern splits a Resource pattern into its segments before
// the resource part, and reports whether one of them ends in a *.
func splitResourcePattern[P text](pattern P, esc bool) (rp resourcePattern[P], spans bool) {
	rp.p, rp.esc, rp.rest = pattern, esc, -1
	for start := 0; ; {
		end := indexColon(pattern, start, esc)
		if end < 0 {
			end = len(pattern)
		}
		rp.seg[rp.n] = [2]int{start, end}
		spans = spans || rp.spans(rp.n)
		rp.n++
		if end == len(pattern) {
			return rp, spans
		}
		start = end + 1
		if rp.n == len(rp.seg) {
			rp.rest = start
			return rp, spans
		}
	}
}

// resourcePattern is a Resource pattern split into its segments before the
// resource part.
type resourcePattern[P text] struct {
	p    P
	esc  bool
	seg  [5][2]int // start and end of each segment in p
	n    int       // segments in seg
	rest int       // start of the resource part in p, or -1 without one
}

// spans reports whether segment j ends in an unescaped *.
func (rp *resourcePattern[P]) spans(j int) bool {
	star := false
	for i := rp.seg[j][0]; i < rp.seg[j][1]; i++ {
		if rp.esc && rp.p[i] == escByte {
			i++
			star = false
			continue
		}
		star = rp.p[i] == '*'
	}
	return star
}

// resourceMatch reports whether segments j on, then the resource part, match arn
// from the field starting at from or, when free (a * before segment j
// may take fields), from any later field. A field start past len(arn)
// means no field is left.
//
// It does not backtrack more than once: a run of segments that do not end
// in * matches consecutive fields, and when a segment ending in * follows
// it, the earliest place the run and that segment match is the best, since
// the * then takes whatever the later segments do not. Only a run that the
// resource part or the end of the pattern follows is tried at every place.
func resourceMatch[P, N text](rp *resourcePattern[P], arn N, j, from int, free bool) bool {
	for q := from; q <= len(arn); q = fieldEnd(arn, q) + 1 {
		t, ok := q, true
		k := j
		for ; k < rp.n && !rp.spans(k); k++ {
			if t > len(arn) {
				ok = false
				break
			}
			e := fieldEnd(arn, t)
			if !globT(rp.p[rp.seg[k][0]:rp.seg[k][1]], arn[t:e], false, rp.esc) {
				ok = false
				break
			}
			t = e + 1
		}
		switch {
		case !ok:
		case k == rp.n && rp.rest < 0:
			if t == len(arn)+1 {
				return true
			}
		case k == rp.n:
			if t <= len(arn) && globT(rp.p[rp.rest:], arn[t:], false, rp.esc) {
				return true
			}
		case t <= len(arn):
			e := fieldEnd(arn, t)
			if globT(rp.p[rp.seg[k][0]:rp.seg[k][1]], arn[t:e], false, rp.esc) {
				if k+1 == rp.n && rp.rest < 0 {
					return true // the last segment's * takes the rest
				}
				return resourceMatch(rp, arn, k+1, e+1, true)
			}
		}
		if !free {
			return false
		}
	}
	return false
}

// fieldEnd returns the end of the ARN field starting at i: the index of the
// next ':' or len(arn).
func fieldEnd[N text](arn N, i int) int {
	if e := indexColon(arn, i, false); e >= 0 {
		return e
	}
	return len(arn)
}

// indexColon returns the index of the first unescaped ':' at or after i, or -1.
func indexColon[T text](s T, i int, esc bool) int {
	for ; i < len(s); i++ {
		if esc && s[i] == escByte {
			i++
			continue
		}
		if s[i] == ':' {
			return i
		}
	}
	return -1
}

// actionMatcher matches request actions against one Action or NotAction
// value, case-insensitively.
type actionMatcher struct {
	kind    uint8 // matchExact, matchPrefix, matchAll, matchGlob
	pattern string
}

const (
	matchExact uint8 = iota
	matchPrefix
	matchAll
	matchGlob
)

func newActionMatcher(p string) actionMatcher {
	// Patterns are kept in ASCII lower case, so matching folds only the
	// request's side.
	p = asciiLower(p)
	switch {
	case p == "*":
		return actionMatcher{kind: matchAll}
	case !hasWildcard(p):
		return actionMatcher{kind: matchExact, pattern: p}
	case strings.IndexAny(p, "*?") == len(p)-1 && p[len(p)-1] == '*':
		return actionMatcher{kind: matchPrefix, pattern: p[:len(p)-1]}
	}
	return actionMatcher{kind: matchGlob, pattern: p}
}

func (m *actionMatcher) match(action string) bool {
	switch m.kind {
	case matchAll:
		return true
	case matchExact:
		return len(m.pattern) == len(action) && lowerEq(m.pattern, action)
	case matchPrefix:
		return len(action) >= len(m.pattern) && lowerEq(m.pattern, action[:len(m.pattern)])
	}
	return glob(m.pattern, action, true)
}

// lowerEq reports whether s, folded to ASCII lower case, equals the
// lower-case lower. They must have the same length.
func lowerEq(lower, s string) bool {
	for i := len(s) - 1; i >= 0; i-- { // action names differ most at the end
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// asciiLower lower-cases ASCII letters only, like IAM's case-insensitive
// action matching.
func asciiLower(s string) string {
	return string(appendLower(make([]byte, 0, len(s)), s))
}

// template is a Resource or condition value that may contain policy
// variables (${aws:username}, ${aws:PrincipalTag/team}, ${*}, …). Without
// variables it is just lit.
type template struct {
	lit   string
	parts []templatePart // nil when lit has no variables
}

type templatePart struct {
	lit    string  // literal text (when key is "")
	single bool    // lit is ${*}, ${?} or ${$}: always a literal character
	key    condKey // the condition key of a variable; key.name is "" for text
	def    string  // default value, ${key, 'default'}
	hasDef bool
}

// parseTemplate splits s into literal text and policy variables. It returns
// ok false for a malformed variable (no closing brace, empty name), which
// IAM rejects; the caller then treats s as literal text.
func parseTemplate(s string) (template, bool) {
	if !strings.Contains(s, "${") {
		return template{lit: s}, true
	}
	var parts []templatePart
	rest := s
	for {
		i := strings.Index(rest, "${")
		if i < 0 {
			if rest != "" {
				parts = append(parts, templatePart{lit: rest})
			}
			break
		}
		if i > 0 {
			parts = append(parts, templatePart{lit: rest[:i]})
		}
		j := strings.IndexByte(rest[i:], '}')
		if j < 0 {
			return template{lit: s}, false
		}
		body := strings.TrimSpace(rest[i+2 : i+j])
		rest = rest[i+j+1:]
		switch body {
		case "*", "?", "$":
			// ${*}, ${?} and ${$} stand for the literal character.
			parts = append(parts, templatePart{lit: body, single: true})
			continue
		case "":
			return template{lit: s}, false
		}
		p := templatePart{}
		if k := strings.IndexByte(body, ','); k >= 0 {
			def := strings.TrimSpace(body[k+1:])
			if len(def) < 2 || def[0] != '\'' || def[len(def)-1] != '\'' {
				return template{lit: s}, false
			}
			p.def, p.hasDef = def[1:len(def)-1], true
			body = strings.TrimSpace(body[:k])
		}
		if body == "" || strings.ContainsAny(body, " \t'") {
			return template{lit: s}, false
		}
		p.key = newCondKey(body)
		parts = append(parts, p)
	}
	return template{lit: s, parts: parts}, true
}

// resolves reports whether every variable of the template has a value in
// the request, or a default. It does not allocate.
func (t *template) resolves(req *Request) bool {
	for i := range t.parts {
		p := &t.parts[i]
		if p.key.name == "" || p.hasDef {
			continue
		}
		if _, ok := req.variable(&p.key); !ok {
			return false
		}
	}
	return true
}

// render writes the template into dst with each variable replaced by its
// value from the request. ok is false when a variable has no value and no
// default: IAM then treats the element as not matching.
//
// With escape (for patterns), literal text keeps its wildcards, while
// substituted values and ${*}, ${?} are escaped with escByte so they match
// literally. Without escape the result is plain text, for exact comparison.
func (t *template) render(dst []byte, req *Request, escape bool) ([]byte, bool) {
	for i := range t.parts {
		p := &t.parts[i]
		if !escape {
			if p.key.name == "" {
				dst = append(dst, p.lit...)
				continue
			}
			v, ok := req.variable(&p.key)
			if !ok {
				if !p.hasDef {
					return dst, false
				}
				v = p.def
			}
			dst = append(dst, v...)
			continue
		}
		if p.key.name == "" {
			for i := 0; i < len(p.lit); i++ {
				if c := p.lit[i]; c == escByte || (p.single && (c == '*' || c == '?')) {
					dst = append(dst, escByte)
				}
				dst = append(dst, p.lit[i])
			}
			continue
		}
		v, ok := req.variable(&p.key)
		if !ok {
			if !p.hasDef {
				return dst, false
			}
			v = p.def
		}
		for i := 0; i < len(v); i++ {
			if c := v[i]; c == '*' || c == '?' || c == escByte {
				dst = append(dst, escByte)
			}
			dst = append(dst, v[i])
		}
	}
	return dst, true
}

// pattern is a compiled, case-sensitive wildcard pattern (a Resource value
// or a StringLike/ArnLike policy value without variables), with fast paths
// for the common shapes.
type pattern struct {
	kind uint8 // patExact, patPrefix, patAll, patSuffix, patGlob, patARN
	s    string
}

const (
	patExact uint8 = iota
	patPrefix
	patAll
	patSuffix
	patGlob
	patARN      // an ArnLike value with a wildcard in its first five fields
	patResource // a Resource value with a * ending one of its first five fields
)

// newPattern compiles p; with arn, wildcards match within ARN fields.
func newPattern(p string, arn bool) pattern {
	i := strings.IndexAny(p, "*?")
	switch {
	case p == "*":
		return pattern{kind: patAll}
	case i < 0:
		return pattern{kind: patExact, s: p}
	}
	if arn {
		colons := strings.Count(p[:i], ":")
		if colons < 5 {
			return pattern{kind: patARN, s: p}
		}
	}
	switch {
	case i == len(p)-1 && p[i] == '*':
		return pattern{kind: patPrefix, s: p[:i]}
	case i == 0 && p[0] == '*' && !hasWildcard(p[1:]):
		return pattern{kind: patSuffix, s: p[1:]}
	}
	return pattern{kind: patGlob, s: p}
}

// newResourcePattern compiles a Resource or NotResource value: an ARN
// pattern matched as resourceGlob matches it.
func newResourcePattern(p string) pattern {
	pt := newPattern(p, true)
	if _, spans := splitResourcePattern(p, false); pt.kind == patARN && spans {
		pt.kind = patResource
	}
	return pt
}

func (p *pattern) match(name string) bool {
	switch p.kind {
	case patExact:
		return p.s == name
	case patPrefix:
		return strings.HasPrefix(name, p.s)
	case patAll:
		return true
	case patSuffix:
		return strings.HasSuffix(name, p.s)
	case patARN:
		return arnGlobFields(p.s, name, false)
	case patResource:
		return resourceGlob(p.s, name, false)
	}
	return glob(p.s, name, false)
}
