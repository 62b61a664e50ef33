package policy

import (
	"math"
	"slices"
	"strings"
)

// AllowsNoMoreThan reports whether the Allow statement s grants no request
// that the Allow statement than does not: the same or fewer principals,
// actions and resources (each of s's matched by one of than's), and every
// condition of than also in s (the same operator and key, with the same or
// fewer values; more values for a negated operator; a numeric bound of the
// same side, NumericLessThan[Equals] or NumericGreaterThan[Equals], that
// holds only where than's does, compared as numbers). s may have
// conditions of its own, which only narrow it. Anything this check cannot
// compare (NotPrincipal, NotAction, NotResource, a wildcard where than has
// none, a policy variable, which renders to the request's value, beyond
// the text before it, a Deny) counts as broader, so a false answer means
// "maybe broader", never "narrower".
//
// It is how a library statement under its own Sid is judged when its
// owner may have narrowed it since it was written: such a statement is
// kept as it is, never replaced with a broader one.
func AllowsNoMoreThan(s, than Statement) bool {
	return s.Effect == Allow && than.Effect == Allow && coveredBy(s, than) && conditionsWithin(s.Condition, than.Condition)
}

// DeniesAtLeast reports whether the Deny statement s denies every request
// that the Deny statement than denies: the same or more principals,
// actions and resources (each of than's matched by one of s's), and every
// condition of s also in than (the same operator and key, with the same or
// more values; fewer for a negated operator; a numeric bound as loose or
// looser, compared as numbers, so NumericLessThan s3:TlsVersion "1.3"
// denies at least what "1.2" does), so s applies wherever than does. A Deny with no condition, such as a lockdown of everything, needs
// none of than's. Anything this check cannot compare (NotPrincipal,
// NotAction, NotResource, a wildcard in than that s does not cover, a
// policy variable beyond the text before it, an Allow) counts as
// narrower, so a false answer means "maybe narrower", never "broader".
//
// It is how a library Deny under its own Sid is judged when its owner may
// have made it stricter since it was written: such a statement is kept as
// it is, never replaced with one that denies less.
func DeniesAtLeast(s, than Statement) bool {
	return s.Effect == Deny && than.Effect == Deny && coveredBy(than, s) && conditionsWithin(than.Condition, s.Condition)
}

// conditionsWithin reports whether every entry of want is in cond
// ([conditionWithin]): a statement with cond applies only where one with
// want does.
func conditionsWithin(cond, want Condition) bool {
	for _, b := range want {
		for _, e := range b.Entries {
			if !conditionWithin(cond, b.Operator, e) {
				return false
			}
		}
	}
	return true
}

// coveredBy reports whether every principal, action and resource of s is
// matched by one of than's. Neither may use NotPrincipal, NotAction or
// NotResource, which this check cannot compare.
func coveredBy(s, than Statement) bool {
	if s.NotPrincipal != nil || s.NotAction != nil || s.NotResource != nil ||
		than.NotPrincipal != nil || than.NotAction != nil || than.NotResource != nil {
		return false
	}
	if !principalsWithin(s.Principal, than.Principal) {
		return false
	}
	for _, a := range s.Action {
		if !slices.ContainsFunc(than.Action, func(o string) bool { return patternWithin(asciiLower(a), asciiLower(o), MatchAction) }) {
			return false
		}
	}
	for _, r := range s.Resource {
		if !slices.ContainsFunc(than.Resource, func(o string) bool { return patternWithin(r, o, MatchARN) }) {
			return false
		}
	}
	return true
}

// principalsWithin reports whether every principal of p is one of than's
// (the same type and value; a wildcard only within a wildcard).
func principalsWithin(p, than *Principal) bool {
	if p == nil || than == nil {
		return p == nil && than == nil
	}
	if than.IsEveryone() {
		return true
	}
	if p.Wildcard {
		return false
	}
	for _, e := range p.Entries {
		for _, v := range e.Values {
			found := false
			for _, oe := range than.Entries {
				if oe.Type == e.Type && slices.Contains(oe.Values, v) {
					found = true
				}
			}
			if !found {
				return false
			}
		}
	}
	return true
}

// patternWithin reports whether everything the IAM pattern p matches, the
// pattern q matches too: p equal to q, p without wildcards or policy
// variables matched by q (with match, the matcher for the element), or q a
// literal prefix followed by one final '*' that p's literal prefix starts
// with. A policy variable renders to the request's value, which q's text
// or wildcards need not match as they match the variable's name
// ("arn:aws:s3:::b/$*" does not hold "arn:aws:s3:::b/${aws:username}"), so
// p's literal prefix ends at its first variable, and q with a variable
// holds only itself.
func patternWithin(p, q string, match func(pattern, s string) bool) bool {
	if p == q {
		return true
	}
	if strings.Contains(q, "${") {
		return false
	}
	end := strings.IndexAny(p, "*?")
	if v := strings.Index(p, "${"); v >= 0 && (end < 0 || v < end) {
		end = v
	}
	if end < 0 {
		return match(q, p)
	}
	prefix, ok := strings.CutSuffix(q, "*")
	if !ok || strings.ContainsAny(prefix, "*?") {
		return false
	}
	return strings.HasPrefix(p[:end], prefix)
}

// conditionWithin reports whether cond has op on entry's key with the same
// values as entry or fewer (more for a negated operator, "…Not…"), or, for
// a numeric ordering operator, a bound on the key that holds only where
// entry's does ([numericWithin]).
func conditionWithin(cond Condition, op string, entry ConditionEntry) bool {
	want := entry.Strings()
	if _, ok := numericBound[op]; ok && numericWithin(cond, op, entry.Key, want) {
		return true
	}
	for _, b := range cond {
		if b.Operator != op {
			continue
		}
		for _, e := range b.Entries {
			if !equalFoldASCII(e.Key, entry.Key) {
				continue
			}
			have := e.Strings()
			if strings.Contains(op, "Not") {
				return subset(want, have)
			}
			return len(have) > 0 && subset(have, want)
		}
	}
	return false
}

// subset reports whether every value of a is in b.
func subset(a, b []string) bool {
	for _, v := range a {
		if !slices.Contains(b, v) {
			return false
		}
	}
	return true
}

// numericBound gives, for each numeric ordering operator, its direction
// (-1: the key below the value, +1: above) and whether it includes the
// value itself.
var numericBound = map[string]struct {
	dir       int
	inclusive bool
}{
	"NumericLessThan":          {-1, false},
	"NumericLessThanEquals":    {-1, true},
	"NumericGreaterThan":       {+1, false},
	"NumericGreaterThanEquals": {+1, true},
}

// numericWithin reports whether cond bounds key on the same side as op
// with want's values so that it holds only where op does: a key below h
// (NumericLessThan h, or NumericLessThanEquals h) is below w when h ≤ w,
// or h < w for "≤ h" within "< w"; the mirror above. The values of one key
// are ORed, so the loosest bound of each side counts. Every value must be
// a number as the evaluator reads it; anything else is not compared.
func numericWithin(cond Condition, op, key string, want []string) bool {
	w := numericBound[op]
	wv, ok := loosestBound(want, w.dir)
	if !ok {
		return false
	}
	for _, b := range cond {
		h, ok := numericBound[b.Operator]
		if !ok || h.dir != w.dir {
			continue
		}
		for _, e := range b.Entries {
			if !equalFoldASCII(e.Key, key) {
				continue
			}
			hv, ok := loosestBound(e.Strings(), h.dir)
			if !ok {
				continue
			}
			d := (wv - hv) * float64(-w.dir) // > 0: h is strictly inside w
			if d > 0 || d == 0 && (w.inclusive || !h.inclusive) {
				return true
			}
		}
	}
	return false
}

// loosestBound returns the largest of values (dir -1) or the smallest (dir
// +1), read as numbers the evaluator reads; ok is false when there are
// none or one is not such a number.
func loosestBound(values []string, dir int) (float64, bool) {
	if len(values) == 0 {
		return 0, false
	}
	var out float64
	for i, v := range values {
		f, err := parseNumber(v)
		if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
			return 0, false
		}
		if i == 0 || dir < 0 && f > out || dir > 0 && f < out {
			out = f
		}
	}
	return out, true
}
