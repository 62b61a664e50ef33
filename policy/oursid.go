package policy

import (
	"fmt"
	"slices"
	"strings"
)

// SidVerdict is what a writer that merges its statements by Sid does with
// a statement it finds under the Sid of one of its own: see [JudgeSid].
type SidVerdict int

const (
	// SidKeep: the statement says what the writer's says, or is the
	// writer's made stricter since; it is kept as it is.
	SidKeep SidVerdict = iota
	// SidReplace: the statement is a version of the writer's that the
	// writer's strengthens; it is replaced with the writer's.
	SidReplace
	// SidConflict: the statement is someone else's; replacing it would
	// drop it, so the writer refuses before any write.
	SidConflict
)

// JudgeSid decides whose statement existing is, found under the Sid of
// ours, a statement s3secure writes there. It is the one rule of every
// s3secure writer that merges by Sid (securebucket's Harden, logging
// target, access point and delegation policies; cloudfront's OAC, OAI and
// KMS key statements):
//
//   - [SidKeep]: existing says what ours says ([Equivalent]) or is ours
//     made stricter: a Deny that applies wherever ours does
//     ([DeniesAtLeast]) and that [Compile] accepts, or an Allow that grants
//     nothing ours does not ([AllowsNoMoreThan]);
//   - [SidReplace]: existing is a version of ours that ours strengthens: the
//     same effect, principals, actions and resources as ours (NotPrincipal,
//     NotAction and NotResource as ours: none), conditions only on keys
//     ours has, and ours denies everything it denies ([DeniesAtLeast] with
//     ours first; a Deny Compile refuses denies nothing) or grants nothing
//     it does not grant ([AllowsNoMoreThan] with ours first): replacing it
//     keeps or strengthens the protection. It may narrow an Allow: values
//     someone added to a condition on one of our keys (another
//     aws:SourceArn, say) go with it, as under our Sid ours decides what
//     is granted; a grant of anything beyond ours in another way is
//     [SidConflict];
//   - [SidConflict]: anything else is someone else's statement (a Deny
//     under the Sid of an Allow, a grant of other actions or principals, a
//     condition on another key). Replacing it would drop it and could open
//     what it closed; the reason, for the writer's error, says in a few
//     words how it differs from ours.
//
// A writer may know more forms of its own statement made stricter than
// these (securebucket's TLS denies as its audit reads them) and keep them
// before asking JudgeSid.
func JudgeSid(existing, ours Statement) (SidVerdict, string) {
	switch {
	case Equivalent(existing, ours),
		ours.Effect == Deny && DeniesAtLeast(existing, ours) && compiles(existing),
		ours.Effect == Allow && AllowsNoMoreThan(existing, ours):
		return SidKeep, ""
	}
	if existing.Effect != ours.Effect {
		return SidConflict, fmt.Sprintf("it is %s, and s3secure's is %s", withArticle(existing.Effect), withArticle(ours.Effect))
	}
	if diff := shapeDiff(existing, ours); len(diff) > 0 {
		return SidConflict, fmt.Sprintf("its %s differ from s3secure's", strings.Join(diff, ", "))
	}
	var ourKeys []string
	for _, b := range ours.Condition {
		for _, e := range b.Entries {
			ourKeys = append(ourKeys, e.Key)
		}
	}
	for _, b := range existing.Condition {
		for _, e := range b.Entries {
			if !slices.ContainsFunc(ourKeys, func(k string) bool { return EqualName(k, e.Key) }) {
				return SidConflict, fmt.Sprintf("it has a condition on %s, which s3secure's does not", e.Key)
			}
		}
	}
	switch {
	case ours.Effect == Deny && (DeniesAtLeast(ours, existing) || !compiles(existing)):
		return SidReplace, ""
	case ours.Effect == Allow && AllowsNoMoreThan(ours, existing):
		return SidReplace, ""
	case ours.Effect == Deny:
		return SidConflict, "its conditions deny what s3secure's would not"
	}
	return SidConflict, "its conditions grant what s3secure's would not"
}

// withArticle is an effect with its indefinite article: "an Allow", "a
// Deny".
func withArticle(e Effect) string {
	if e != "" && strings.ContainsRune("AEIOUaeiou", rune(e[0])) {
		return "an " + string(e)
	}
	return "a " + string(e)
}

// compiles reports whether the evaluator can decide s: a statement Compile
// refuses (a condition value IAM cannot read, such as NumericLessThan
// "Infinity") grants and denies nothing there.
func compiles(s Statement) bool {
	_, err := Compile(&Document{Version: Version2012, Statements: []Statement{s}})
	return err == nil
}

// shapeDiff names the parts of a statement, among principals, actions and
// resources, in which a and b differ ([Equivalent] of those parts alone).
func shapeDiff(a, b Statement) []string {
	parts := []struct {
		name string
		only func(s Statement) Statement
	}{
		{"principals", func(s Statement) Statement { return Statement{Principal: s.Principal, NotPrincipal: s.NotPrincipal} }},
		{"actions", func(s Statement) Statement { return Statement{Action: s.Action, NotAction: s.NotAction} }},
		{"resources", func(s Statement) Statement { return Statement{Resource: s.Resource, NotResource: s.NotResource} }},
	}
	var out []string
	for _, p := range parts {
		if !Equivalent(p.only(a), p.only(b)) {
			out = append(out, p.name)
		}
	}
	return out
}
