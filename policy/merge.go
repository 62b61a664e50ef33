package policy

import (
	"slices"
	"strconv"
)

// ChangeKind says what [Merge] or [Remove] did with one statement.
type ChangeKind string

// Kinds of changes.
const (
	// ChangeAdded: the statement was appended.
	ChangeAdded ChangeKind = "added"
	// ChangeReplaced: a statement with the same Sid said something else and
	// was replaced in place.
	ChangeReplaced ChangeKind = "replaced"
	// ChangeUnchanged: a statement with the same Sid already said the same.
	ChangeUnchanged ChangeKind = "unchanged"
	// ChangeKeptEquivalent: no statement had the Sid, but another
	// statement (someone else's, for example Security Hub's
	// AllowSSLRequestsOnly or CDK's unnamed enforceSSL deny) already says
	// the same, so nothing was added.
	ChangeKeptEquivalent ChangeKind = "kept-equivalent"
	// ChangeRemoved: the statement was removed.
	ChangeRemoved ChangeKind = "removed"
)

// Change is what happened to one statement.
type Change struct {
	// Sid is the Sid of our statement.
	Sid  string
	Kind ChangeKind
	// Index is the statement's index in the result; for
	// ChangeKeptEquivalent the index of the equivalent statement; for
	// ChangeRemoved its index in the input.
	Index int
	// EquivalentSid is the Sid of the equivalent statement for
	// ChangeKeptEquivalent ("" when it has none).
	EquivalentSid string
}

// String formats the change, for example "S3SecureDenyInsecureTransport: added".
func (c Change) String() string {
	s := c.Sid + ": " + string(c.Kind)
	if c.Kind == ChangeKeptEquivalent {
		if c.EquivalentSid != "" {
			s += " (statement " + strconv.Quote(c.EquivalentSid) + ")"
		} else {
			s += " (statement #" + strconv.Itoa(c.Index) + ")"
		}
	}
	return s
}

// MergeResult is the outcome of [Merge] or [Remove].
type MergeResult struct {
	// Document is the new document. The input is never modified.
	Document *Document
	// Changes has one entry per statement passed to Merge (in order), or
	// per statement removed.
	Changes []Change
}

// Changed reports whether the document changed (anything added, replaced
// or removed), that is, whether it needs to be written back.
func (r *MergeResult) Changed() bool {
	for _, c := range r.Changes {
		switch c.Kind {
		case ChangeAdded, ChangeReplaced, ChangeRemoved:
			return true
		}
	}
	return false
}

// Merge adds statements to existing (nil for a bucket without a policy) or
// replaces the ones with the same Sid, and returns the new document with
// what changed. It never reorders, changes or drops a statement whose Sid
// is not one of ours: they keep their exact bytes in the output, and
// existing's Version (but see below), Id and layout are kept. For each
// statement:
//
//   - a statement with the same Sid that is [Equivalent] is kept as it is
//     (ChangeUnchanged), even if S3 rewrote its form;
//   - a statement with the same Sid that differs is replaced in place
//     (ChangeReplaced), and so is one with a policy variable whose
//     version Merge raises (below), since it said something else;
//   - otherwise, an existing [Equivalent] statement under another Sid or
//     none, such as Security Hub's AllowSSLRequestsOnly or CDK's unnamed
//     deny of insecure transport, is recognised and nothing is added
//     (ChangeKeptEquivalent);
//   - otherwise the statement is appended (ChangeAdded).
//
// Merging the same statements again changes nothing and gives the same
// bytes. For a nil existing document the result has Version [Version2012],
// and so it has when a statement passed uses a policy variable
// (${aws:username}), which older versions read as literal text.
//
// Merge fails with a [*MergeError] wrapping [ErrMissingSid] for a statement
// without Sid, [ErrDuplicateSid] when two statements passed share a Sid
// or existing has the Sid more than once, or [ErrVersionConflict] when a
// statement passed uses a policy variable and existing, of an older
// version, has a statement not passed whose text would start reading as
// one.
//
// Note that an infrastructure-as-code tool that owns the bucket policy
// (Terraform, CloudFormation/CDK) will remove merged statements on its next
// apply; add them there instead.
func Merge(existing *Document, statements ...Statement) (*MergeResult, error) {
	ours := make(map[string]bool, len(statements))
	for _, s := range statements {
		if s.Sid == "" {
			return nil, &MergeError{Err: ErrMissingSid}
		}
		if ours[s.Sid] {
			return nil, &MergeError{Sid: s.Sid, Err: ErrDuplicateSid}
		}
		ours[s.Sid] = true
	}
	var out *Document
	if existing == nil {
		out = &Document{Version: Version2012}
	} else {
		out = existing.Clone()
	}
	upgraded := false // the version changed: our variables mean something now
	if out.Version != Version2012 && slices.ContainsFunc(statements, usesVariables) {
		// Before 2012-10-17 a variable is literal text ("Variables and
		// tags": in earlier versions variables "aren't recognized as
		// variables and are instead treated as literal strings"), so ours
		// would not do what it says, and a foreign statement of the same
		// text would pass for it. The version changes the meaning of no
		// statement without a variable.
		for _, e := range out.Statements {
			if !ours[e.Sid] && usesVariables(e) {
				return nil, &MergeError{Sid: e.Sid, Err: ErrVersionConflict}
			}
		}
		out.Version = Version2012
		upgraded = true
	}
	foreign := len(out.Statements) // statements before this index came from existing
	res := &MergeResult{Document: out, Changes: make([]Change, 0, len(statements))}
	for _, s := range statements {
		at := -1
		for i, e := range out.Statements {
			if e.Sid != s.Sid {
				continue
			}
			if at >= 0 {
				return nil, &MergeError{Sid: s.Sid, Err: ErrDuplicateSid}
			}
			at = i
		}
		if at >= 0 {
			// Under the old version the same text was literal: it said
			// something else.
			if Equivalent(out.Statements[at], s) && !(upgraded && usesVariables(s)) {
				res.Changes = append(res.Changes, Change{Sid: s.Sid, Kind: ChangeUnchanged, Index: at})
				continue
			}
			out.Statements[at] = s.Clone()
			res.Changes = append(res.Changes, Change{Sid: s.Sid, Kind: ChangeReplaced, Index: at})
			continue
		}
		if eq := findEquivalent(out.Statements[:foreign], s, ours); eq >= 0 {
			res.Changes = append(res.Changes, Change{Sid: s.Sid, Kind: ChangeKeptEquivalent, Index: eq, EquivalentSid: out.Statements[eq].Sid})
			continue
		}
		out.Statements = append(out.Statements, s.Clone())
		res.Changes = append(res.Changes, Change{Sid: s.Sid, Kind: ChangeAdded, Index: len(out.Statements) - 1})
	}
	return res, nil
}

// findEquivalent returns the index of a statement in stmts that is not one
// of ours (by Sid) and is equivalent to s, or -1.
func findEquivalent(stmts []Statement, s Statement, ours map[string]bool) int {
	want := canonicalStatement(s)
	for i, e := range stmts {
		if e.Sid != "" && ours[e.Sid] {
			continue
		}
		if canonicalStatement(e) == want {
			return i
		}
	}
	return -1
}

// Remove returns a copy of existing without the statements whose Sid is
// one of sids (every statement with that Sid), for example to migrate from
// an older statement. Other statements keep their order and bytes. A Sid
// that is not present is not an error and gives no Change. If no statement
// is left, the caller should delete the policy (S3 refuses an empty one).
// Remove of a nil document returns an empty result.
func Remove(existing *Document, sids ...string) (*MergeResult, error) {
	drop := make(map[string]bool, len(sids))
	for _, s := range sids {
		if s == "" {
			return nil, &MergeError{Err: ErrMissingSid}
		}
		drop[s] = true
	}
	res := &MergeResult{}
	if existing == nil {
		return res, nil
	}
	out := existing.Clone()
	kept := out.Statements[:0]
	for i, s := range out.Statements {
		if s.Sid != "" && drop[s.Sid] {
			res.Changes = append(res.Changes, Change{Sid: s.Sid, Kind: ChangeRemoved, Index: i})
			continue
		}
		kept = append(kept, s)
	}
	if out.Statements != nil {
		out.Statements = kept
	}
	res.Document = out
	return res, nil
}

// usesVariables reports whether a statement holds a policy variable where
// the evaluator reads one under Version 2012-10-17: in its resources or its
// condition values.
func usesVariables(s Statement) bool {
	has := func(vs []string) bool {
		for _, v := range vs {
			if t, _ := parseTemplate(v); t.parts != nil {
				return true
			}
		}
		return false
	}
	if has(s.Resource) || has(s.NotResource) {
		return true
	}
	for _, b := range s.Condition {
		for _, e := range b.Entries {
			for _, v := range e.Values {
				if t, _ := parseTemplate(v.Text); t.parts != nil {
					return true
				}
			}
		}
	}
	return false
}
