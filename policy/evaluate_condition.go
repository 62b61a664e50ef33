package policy

import (
	"encoding/binary"
	"errors"
	"fmt"
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// opFamily is the family of a condition operator.
type opFamily uint8

const (
	famString opFamily = iota + 1
	famNumeric
	famDate
	famBool
	famBinary
	famIP
	famARN
	famNull
)

// opCmp is how an operator compares one request value with one policy value.
type opCmp uint8

const (
	cmpEquals opCmp = iota
	cmpEqualsFold
	cmpLike
	cmpLess
	cmpLessEq
	cmpGreater
	cmpGreaterEq
)

// setQualifier is ForAnyValue, ForAllValues or neither.
type setQualifier uint8

const (
	setNone setQualifier = iota
	setAny
	setAll
)

// operator is a parsed condition operator such as
// "ForAllValues:StringLikeIfExists".
type operator struct {
	name     string // the base name, for example "StringLike"
	family   opFamily
	cmp      opCmp
	negated  bool
	ifExists bool
	set      setQualifier
}

// baseOperators are IAM's condition operators without qualifiers, by name.
var baseOperators = map[string]operator{
	"StringEquals":              {name: "StringEquals", family: famString, cmp: cmpEquals},
	"StringNotEquals":           {name: "StringNotEquals", family: famString, cmp: cmpEquals, negated: true},
	"StringEqualsIgnoreCase":    {name: "StringEqualsIgnoreCase", family: famString, cmp: cmpEqualsFold},
	"StringNotEqualsIgnoreCase": {name: "StringNotEqualsIgnoreCase", family: famString, cmp: cmpEqualsFold, negated: true},
	"StringLike":                {name: "StringLike", family: famString, cmp: cmpLike},
	"StringNotLike":             {name: "StringNotLike", family: famString, cmp: cmpLike, negated: true},
	"NumericEquals":             {name: "NumericEquals", family: famNumeric, cmp: cmpEquals},
	"NumericNotEquals":          {name: "NumericNotEquals", family: famNumeric, cmp: cmpEquals, negated: true},
	"NumericLessThan":           {name: "NumericLessThan", family: famNumeric, cmp: cmpLess},
	"NumericLessThanEquals":     {name: "NumericLessThanEquals", family: famNumeric, cmp: cmpLessEq},
	"NumericGreaterThan":        {name: "NumericGreaterThan", family: famNumeric, cmp: cmpGreater},
	"NumericGreaterThanEquals":  {name: "NumericGreaterThanEquals", family: famNumeric, cmp: cmpGreaterEq},
	"DateEquals":                {name: "DateEquals", family: famDate, cmp: cmpEquals},
	"DateNotEquals":             {name: "DateNotEquals", family: famDate, cmp: cmpEquals, negated: true},
	"DateLessThan":              {name: "DateLessThan", family: famDate, cmp: cmpLess},
	"DateLessThanEquals":        {name: "DateLessThanEquals", family: famDate, cmp: cmpLessEq},
	"DateGreaterThan":           {name: "DateGreaterThan", family: famDate, cmp: cmpGreater},
	"DateGreaterThanEquals":     {name: "DateGreaterThanEquals", family: famDate, cmp: cmpGreaterEq},
	"Bool":                      {name: "Bool", family: famBool, cmp: cmpEqualsFold},
	"BinaryEquals":              {name: "BinaryEquals", family: famBinary, cmp: cmpEquals},
	"IpAddress":                 {name: "IpAddress", family: famIP, cmp: cmpEquals},
	"NotIpAddress":              {name: "NotIpAddress", family: famIP, cmp: cmpEquals, negated: true},
	"ArnEquals":                 {name: "ArnEquals", family: famARN, cmp: cmpLike},
	"ArnLike":                   {name: "ArnLike", family: famARN, cmp: cmpLike},
	"ArnNotEquals":              {name: "ArnNotEquals", family: famARN, cmp: cmpLike, negated: true},
	"ArnNotLike":                {name: "ArnNotLike", family: famARN, cmp: cmpLike, negated: true},
	"Null":                      {name: "Null", family: famNull, cmp: cmpEquals},
}

// lookupOperator parses a condition operator with its optional
// ForAnyValue:/ForAllValues: prefix and IfExists suffix. Names are matched
// exactly, as IAM spells them: IAM refuses "stringEquals" ("Invalid
// Condition type : stringEquals", MalformedPolicyDocument) where action
// names and condition key names are documented as case-insensitive.
// Null takes neither IfExists nor a set qualifier.
func lookupOperator(s string) (operator, bool) {
	var set setQualifier
	rest := s
	if i := strings.IndexByte(s, ':'); i >= 0 {
		switch s[:i] {
		case "ForAnyValue":
			set = setAny
		case "ForAllValues":
			set = setAll
		default:
			return operator{}, false
		}
		rest = s[i+1:]
	}
	ifExists := false
	if base, ok := strings.CutSuffix(rest, "IfExists"); ok && base != "" {
		ifExists = true
		rest = base
	}
	op, ok := baseOperators[rest]
	if !ok {
		return operator{}, false
	}
	if op.family == famNull && (ifExists || set != setNone) {
		return operator{}, false
	}
	op.ifExists, op.set = ifExists, set
	return op, true
}

// cCondition is one compiled condition key with its policy values.
type cCondition struct {
	op     operator
	key    condKey
	values []cValue
	hasVar bool
	// plain: no policy variable, no ForAnyValue/ForAllValues, not Null.
	plain bool
}

// cValue is a policy value parsed for its operator's family.
type cValue struct {
	t    template
	pat  pattern // StringLike and Arn values without variables
	num  float64
	date int64
	ipr  ipRange
	null bool // for Null: true means "the key is absent"
	// boolean is boolWord(t.lit), for Bool.
	boolean int8
}

var (
	errNumber = errors.New("not a number")
	errDate   = errors.New("not a date")
	errIP     = errors.New("not an IP address or CIDR block")
	errNull   = errors.New(`the Null operator takes "true" or "false"`)
	errEmpty  = errors.New("no values")
)

func compileCondition(op operator, e ConditionEntry, vars bool) (cCondition, error) {
	cc := cCondition{op: op, key: newCondKey(e.Key)}
	if len(e.Values) == 0 {
		return cc, errEmpty
	}
	for _, v := range e.Values {
		var cv cValue
		switch op.family {
		case famString, famARN:
			cv.t = template{lit: v.Text}
			if vars {
				cv.t, _ = parseTemplate(v.Text)
			}
			if cv.t.parts != nil {
				cc.hasVar = true
			} else if op.cmp == cmpLike {
				cv.pat = newPattern(v.Text, op.family == famARN)
			}
		case famNumeric:
			f, err := parseNumber(v.Text)
			if err != nil {
				return cc, fmt.Errorf("%q: %w", v.Text, errNumber)
			}
			cv.num = f
		case famDate:
			d, ok := parseDate(v.Text)
			if !ok {
				return cc, fmt.Errorf("%q: %w", v.Text, errDate)
			}
			cv.date = d
		case famIP:
			p, ok := parseIPRange(v.Text)
			if !ok {
				return cc, fmt.Errorf("%q: %w", v.Text, errIP)
			}
			cv.ipr = newIPRange(p)
		case famNull:
			switch strings.ToLower(v.Text) {
			case "true":
				cv.null = true
			case "false":
			default:
				return cc, errNull
			}
		default: // Bool, Binary: compared as text
			cv.t = template{lit: v.Text}
			cv.boolean = boolWord(v.Text)
		}
		cc.values = append(cc.values, cv)
	}
	cc.plain = !cc.hasVar && op.set == setNone && op.family != famNull
	return cc, nil
}

// parseNumber parses a Numeric condition value: a decimal number, with an
// optional sign, fraction and exponent. strconv.ParseFloat alone also takes
// "NaN", "Inf", hexadecimal and underscores, which are not IAM numbers (a
// NaN policy value would make NumericNotEquals always true).
func parseNumber(s string) (float64, error) {
	if s == "" || strings.Trim(s, "0123456789+-.eE") != "" {
		return 0, errNumber
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return 0, errNumber
	}
	return f, nil
}

// parseIPRange parses a CIDR block or a single address (a /32 or /128).
func parseIPRange(s string) (netip.Prefix, bool) {
	if strings.IndexByte(s, '/') >= 0 {
		p, err := netip.ParsePrefix(s)
		if err != nil {
			return netip.Prefix{}, false
		}
		if p.Addr().Is4In6() {
			p = netip.PrefixFrom(p.Addr().Unmap(), p.Bits()-96)
		}
		return p.Masked(), true
	}
	a, err := netip.ParseAddr(s)
	if err != nil {
		return netip.Prefix{}, false
	}
	a = a.Unmap()
	return netip.PrefixFrom(a, a.BitLen()), true
}

// dateLayouts are the ISO 8601 forms IAM accepts in Date conditions ("one
// of the W3C implementations of the ISO 8601 date formats", IAM user guide,
// "Condition operators": https://www.w3.org/TR/NOTE-datetime), and some
// more: a time without a time zone designator (read as UTC) and an offset
// without a colon. The W3C's year-and-month form is parsed apart
// (parseDate), its year alone ("1997") reads as epoch seconds.
var dateLayouts = []string{
	time.RFC3339Nano,
	"2006-01-02T15:04:05Z0700",
	"2006-01-02T15:04Z07:00",
	"2006-01-02T15:04:05",
	"2006-01-02T15:04",
	"2006-01-02",
	"2006-01-02T15:04:05.999999999Z0700",
}

// parseDate parses a Date condition value: ISO 8601 or seconds since the
// Unix epoch. It returns Unix nanoseconds.
func parseDate(s string) (int64, bool) {
	if s == "" {
		return 0, false
	}
	if s[0] >= '0' && s[0] <= '9' && !strings.ContainsAny(s, "-:T") {
		n, err := strconv.ParseInt(s, 10, 64)
		if err != nil || n > 1<<33 || n < 0 {
			return 0, false
		}
		return n * int64(time.Second), true
	}
	// Year and month, YYYY-MM: the first instant of the month, UTC.
	if len(s) == 7 && s[4] == '-' && isDigits(s[:4]) && isDigits(s[5:]) {
		t, err := time.Parse("2006-01", s)
		return t.UnixNano(), err == nil
	}
	// Every other ISO 8601 form starts YYYY-MM-DD: anything else (a bucket
	// name like "logs-2026", a key) is refused here, before time.Parse,
	// whose failures allocate; Context.Set tries every value as a date.
	if len(s) < 10 || s[4] != '-' || s[7] != '-' || !isDigits(s[:4]) || !isDigits(s[5:7]) || !isDigits(s[8:10]) {
		return 0, false
	}
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t.UnixNano(), true
		}
	}
	return 0, false
}

func isDigits(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// eval evaluates the condition against the request.
func (c *cCondition) eval(req *Request) bool {
	var one [1]contextValue // a principal key derived from the caller
	vals, present := req.Context.find(&c.key)
	if c.plain && len(vals) == 1 {
		// The common case, the general one below made short.
		return c.anyPolicyValue(req, &vals[0]) != c.op.negated
	}
	if !present && c.key.derived != derivedNone {
		if s, ok := req.derivedValue(c.key.derived); ok {
			one[0].s = s
			vals, present = one[:], true
		}
	}
	present = present && len(vals) > 0
	if c.hasVar && (present || !c.op.ifExists) && !c.varsResolve(req) {
		// A policy variable without a value makes the statement invalid:
		// the condition is false whatever the operator, so a negated
		// operator does not turn the missing value into a match. IfExists
		// on an absent key holds before any value is looked at, which is
		// how the IAM user guide says to keep such statements valid.
		return false
	}
	if c.op.family == famNull {
		for i := range c.values {
			if c.values[i].null != present {
				return true
			}
		}
		return false
	}
	if !present {
		switch {
		case c.op.ifExists:
			return true
		case c.op.set == setAll:
			return true // ForAllValues is true for an absent or empty key
		case c.op.set == setAny:
			return false
		}
		return c.op.negated // negated operators match a missing key
	}
	switch c.op.set {
	case setAll:
		// Every request value must satisfy the operator.
		for i := range vals {
			if c.anyPolicyValue(req, &vals[i]) == c.op.negated {
				return false
			}
		}
		return true
	case setAny:
		// At least one request value must satisfy the operator.
		for i := range vals {
			if c.anyPolicyValue(req, &vals[i]) != c.op.negated {
				return true
			}
		}
		return false
	}
	// No qualifier: a positive operator matches when any request value
	// matches any policy value; a negated one when none does.
	for i := range vals {
		if c.anyPolicyValue(req, &vals[i]) {
			return !c.op.negated
		}
	}
	return c.op.negated
}

// varsResolve reports whether every policy variable in the condition's
// values has a value in the request (or a default).
func (c *cCondition) varsResolve(req *Request) bool {
	for i := range c.values {
		if !c.values[i].t.resolves(req) {
			return false
		}
	}
	return true
}

// anyPolicyValue reports whether the request value matches any of the
// policy values under the operator's positive comparison.
func (c *cCondition) anyPolicyValue(req *Request, v *contextValue) bool {
	// The families that compare values parsed when the policy was compiled
	// and the request's context set, with one switch per request value
	// rather than one per pair.
	switch c.op.family {
	case famIP:
		for i := range c.values {
			if c.values[i].ipr.contains(&v.ip) {
				return true
			}
		}
		return false
	case famNumeric:
		if !v.hasNum {
			return false
		}
		for i := range c.values {
			if compare(c.op.cmp, v.num, c.values[i].num) {
				return true
			}
		}
		return false
	case famDate:
		if !v.hasDt {
			return false
		}
		for i := range c.values {
			if compare(c.op.cmp, v.date, c.values[i].date) {
				return true
			}
		}
		return false
	case famBool:
		for i := range c.values {
			p := &c.values[i]
			if p.boolean != 0 {
				if p.boolean == v.boolean {
					return true
				}
			} else if strings.EqualFold(p.t.lit, v.s) {
				return true
			}
		}
		return false
	}
	for i := range c.values {
		if c.matchValue(req, &c.values[i], v) {
			return true
		}
	}
	return false
}

func (c *cCondition) matchValue(req *Request, p *cValue, v *contextValue) bool {
	switch c.op.family {
	case famString, famARN:
		if p.t.parts != nil {
			var buf [scratchSize]byte
			switch {
			case c.op.family == famARN:
				b, ok := p.t.render(buf[:0], req, true)
				return ok && arnGlob(b, v.s, true)
			case c.op.cmp == cmpLike:
				b, ok := p.t.render(buf[:0], req, true)
				return ok && globT(b, v.s, false, true)
			case c.op.cmp == cmpEqualsFold:
				b, ok := p.t.render(buf[:0], req, false)
				return ok && strings.EqualFold(string(b), v.s)
			default:
				b, ok := p.t.render(buf[:0], req, false)
				return ok && string(b) == v.s
			}
		}
		switch c.op.cmp {
		case cmpLike:
			return p.pat.match(v.s)
		case cmpEqualsFold:
			return strings.EqualFold(p.t.lit, v.s)
		}
		return p.t.lit == v.s
	case famBinary:
		return p.t.lit == v.s
	}
	return false // numbers, dates, addresses and Bool: anyPolicyValue
}

func compare[T int64 | float64](cmp opCmp, req, pol T) bool {
	switch cmp {
	case cmpLess:
		return req < pol
	case cmpLessEq:
		return req <= pol
	case cmpGreater:
		return req > pol
	case cmpGreaterEq:
		return req >= pol
	}
	return req == pol
}

// ipBits is an IP address as 128 bits, an IPv4 address in its IPv4-mapped
// form, with its family: what a CIDR test needs, precomputed so that the
// test is two masked compares.
type ipBits struct {
	hi, lo uint64
	fam    uint8 // 0 for no address (or one with a zone, which no range contains), 4 or 6
}

func newIPBits(a netip.Addr) ipBits {
	a = a.Unmap()
	if !a.IsValid() || a.Zone() != "" {
		return ipBits{}
	}
	b := a.As16()
	fam := uint8(6)
	if a.Is4() {
		fam = 4
	}
	return ipBits{hi: binary.BigEndian.Uint64(b[:8]), lo: binary.BigEndian.Uint64(b[8:]), fam: fam}
}

// ipRange is a CIDR block: the addresses whose bits under mask are net's.
type ipRange struct {
	net      ipBits
	mHi, mLo uint64
}

// newIPRange converts p; it contains what p.Contains does: addresses of
// its family (IPv4 and IPv6 never mix), none when p is invalid.
func newIPRange(p netip.Prefix) ipRange {
	if !p.IsValid() {
		return ipRange{}
	}
	n := newIPBits(p.Addr())
	bits := p.Bits()
	if n.fam == 4 {
		bits += 96
	}
	var r ipRange
	if bits >= 64 {
		r.mHi, r.mLo = ^uint64(0), ^uint64(0)<<(128-bits)
	} else {
		r.mHi = ^uint64(0) << (64 - bits)
	}
	r.net = ipBits{hi: n.hi & r.mHi, lo: n.lo & r.mLo, fam: n.fam}
	return r
}

func (r *ipRange) contains(a *ipBits) bool {
	return a.fam != 0 && a.fam == r.net.fam && a.hi&r.mHi == r.net.hi && a.lo&r.mLo == r.net.lo
}

// boolWord returns 1 for a string strings.EqualFold takes for "true", 2
// for "false", else 0, so that Bool compares two such strings as
// strings.EqualFold would (it is an equivalence) without folding them at
// each decision.
func boolWord(s string) int8 {
	switch {
	case strings.EqualFold(s, "true"):
		return 1
	case strings.EqualFold(s, "false"):
		return 2
	}
	return 0
}
