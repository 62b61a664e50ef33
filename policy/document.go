package policy

import (
	"slices"
)

// Version2012 is the current policy language version. Policy variables such
// as ${aws:username} only work under it.
const Version2012 = "2012-10-17"

// Effect is a statement's effect: [Allow] or [Deny].
type Effect string

// The two effects IAM and S3 accept.
const (
	Allow Effect = "Allow"
	Deny  Effect = "Deny"
)

// Document is an IAM or resource (bucket, access point) policy document.
//
// A Document built in code marshals in the canonical key order (Version, Id,
// Statement) with one-element lists written as plain strings. A Document
// returned by [Parse] remembers the shape of its source: key order, whether
// each list was written as a single string, value types in conditions and the
// source position of every element ([Document.Pos]). Marshalling it gives back
// the source with its whitespace removed.
type Document struct {
	// Version is the policy language version, normally [Version2012].
	Version string
	// ID is the optional "Id" element.
	ID string
	// Statements are the statements, in order.
	Statements []Statement

	layout *docLayout
	pos    *positions
}

// docLayout is the source shape of a parsed document.
type docLayout struct {
	keys            []string // top-level keys in source order
	singleStatement bool     // "Statement" was one object, not a list
	emptyVersion    bool     // "Version": "" was present
	emptyID         bool     // "Id": "" was present
}

// Statement is one statement of a policy document.
//
// The Values fields (Action, Resource, …) are plain string slices. A nil slice
// means the element is absent; a non-nil empty slice is written as []. A
// parsed statement remembers whether each element was a single string or a
// list and marshals it the same way while it still has one element; built in
// code, a one-element list is written as a single string.
type Statement struct {
	Sid          string
	Effect       Effect
	Principal    *Principal
	NotPrincipal *Principal
	Action       Values
	NotAction    Values
	Resource     Values
	NotResource  Values
	Condition    Condition

	layout *stmtLayout
}

// Statement field names as they appear in JSON.
const (
	keySid          = "Sid"
	keyEffect       = "Effect"
	keyPrincipal    = "Principal"
	keyNotPrincipal = "NotPrincipal"
	keyAction       = "Action"
	keyNotAction    = "NotAction"
	keyResource     = "Resource"
	keyNotResource  = "NotResource"
	keyCondition    = "Condition"

	keyVersion   = "Version"
	keyID        = "Id"
	keyStatement = "Statement"
)

var (
	statementKeys = []string{keySid, keyEffect, keyPrincipal, keyNotPrincipal, keyAction, keyNotAction, keyResource, keyNotResource, keyCondition}
	documentKeys  = []string{keyVersion, keyID, keyStatement}
)

// stmtLayout is the source shape of a parsed statement.
type stmtLayout struct {
	keys        []string // statement keys in source order
	lists       uint8    // bit set of Values fields written as JSON lists
	emptySid    bool     // "Sid": "" was present
	emptyEffect bool     // "Effect": "" was present
}

const (
	listAction uint8 = 1 << iota
	listNotAction
	listResource
	listNotResource
)

// Values is a list of strings in an Action, NotAction, Resource, NotResource
// or principal element. JSON allows a single string or a list of strings.
type Values []string

// Strings returns its arguments as [Values]. It returns nil for no arguments.
func Strings(items ...string) Values {
	if len(items) == 0 {
		return nil
	}
	return Values(slices.Clone(items))
}

// Contains reports whether v contains s exactly.
func (v Values) Contains(s string) bool { return slices.Contains(v, s) }

// PrincipalType is a key of a Principal or NotPrincipal map.
type PrincipalType string

// The principal types IAM and S3 accept.
const (
	PrincipalAWS           PrincipalType = "AWS"
	PrincipalService       PrincipalType = "Service"
	PrincipalFederated     PrincipalType = "Federated"
	PrincipalCanonicalUser PrincipalType = "CanonicalUser"
)

// Principal is a Principal or NotPrincipal element: either the wildcard "*"
// (Wildcard true, no Entries) or an ordered map from principal type to values.
//
// Note that {"AWS": "*"} is not the same Go value as "*" (Wildcard), although
// IAM treats both as everyone; [Principal.IsEveryone] reports either.
type Principal struct {
	// Wildcard is true for the "*" form.
	Wildcard bool
	// Entries are the types and their values, in source order.
	Entries []PrincipalEntry
}

// PrincipalEntry is one type of a Principal map, with its values.
type PrincipalEntry struct {
	Type   PrincipalType
	Values Values

	list bool // written as a JSON list in the source
}

// AnyPrincipal returns the wildcard principal "*": everyone, including
// anonymous callers.
func AnyPrincipal() *Principal { return &Principal{Wildcard: true} }

// AWSPrincipal returns a principal of AWS accounts, users or roles (ARNs or
// 12-digit account IDs).
func AWSPrincipal(ids ...string) *Principal { return newPrincipal(PrincipalAWS, ids) }

// ServicePrincipal returns a principal of AWS services, for example
// "cloudfront.amazonaws.com".
func ServicePrincipal(services ...string) *Principal { return newPrincipal(PrincipalService, services) }

// FederatedPrincipal returns a principal of web identity or SAML providers.
func FederatedPrincipal(providers ...string) *Principal {
	return newPrincipal(PrincipalFederated, providers)
}

// CanonicalUserPrincipal returns a principal of S3 canonical user IDs.
func CanonicalUserPrincipal(ids ...string) *Principal {
	return newPrincipal(PrincipalCanonicalUser, ids)
}

func newPrincipal(t PrincipalType, ids []string) *Principal {
	return &Principal{Entries: []PrincipalEntry{{Type: t, Values: slices.Clone(Values(ids))}}}
}

// With returns a copy of p with ids added under type t (appended to an
// existing entry of that type, or as a new entry). A wildcard "*" becomes
// {"AWS": "*"} first, so the result still names everyone.
func (p *Principal) With(t PrincipalType, ids ...string) *Principal {
	c := p.Clone()
	if c == nil {
		c = &Principal{}
	}
	if c.Wildcard {
		c.Wildcard = false
		c.Entries = append([]PrincipalEntry{{Type: PrincipalAWS, Values: Values{"*"}}}, c.Entries...)
	}
	for i := range c.Entries {
		if c.Entries[i].Type == t {
			c.Entries[i].Values = append(c.Entries[i].Values, ids...)
			return c
		}
	}
	c.Entries = append(c.Entries, PrincipalEntry{Type: t, Values: slices.Clone(Values(ids))})
	return c
}

// Get returns the values of type t, or nil.
func (p *Principal) Get(t PrincipalType) Values {
	if p == nil {
		return nil
	}
	for _, e := range p.Entries {
		if e.Type == t {
			return e.Values
		}
	}
	return nil
}

// IsEveryone reports whether p names everyone: "*" or an AWS value of "*".
func (p *Principal) IsEveryone() bool {
	if p == nil {
		return false
	}
	if p.Wildcard {
		return true
	}
	return p.Get(PrincipalAWS).Contains("*")
}

// Clone returns a deep copy of p (nil for nil).
func (p *Principal) Clone() *Principal {
	if p == nil {
		return nil
	}
	c := &Principal{Wildcard: p.Wildcard}
	if p.Entries != nil {
		c.Entries = make([]PrincipalEntry, len(p.Entries))
		for i, e := range p.Entries {
			e.Values = cloneValues(e.Values)
			c.Entries[i] = e
		}
	}
	return c
}

// ValueType is the JSON type of a condition value.
type ValueType uint8

// JSON types a condition value may have. IAM compares them as strings, but
// they are kept so that a parsed document marshals back unchanged.
const (
	ValueString ValueType = iota
	ValueNumber
	ValueBool
)

// ConditionValue is one value of a condition key: its JSON type and its text
// (the string's content, the number's literal text, or "true"/"false").
type ConditionValue struct {
	Type ValueType
	Text string
}

// StringValue returns a JSON string condition value.
func StringValue(s string) ConditionValue { return ConditionValue{Type: ValueString, Text: s} }

// NumberValue returns a JSON number condition value with the literal text
// (for example "1.2"). [Document.Marshal] fails if text is not a JSON number.
func NumberValue(text string) ConditionValue { return ConditionValue{Type: ValueNumber, Text: text} }

// BoolValue returns a JSON boolean condition value.
func BoolValue(b bool) ConditionValue {
	if b {
		return ConditionValue{Type: ValueBool, Text: "true"}
	}
	return ConditionValue{Type: ValueBool, Text: "false"}
}

// Condition is a statement's Condition element: operator blocks in order,
// each with its keys in order, each key with one or more values. A nil
// Condition is absent; a non-nil empty one is written as {}.
type Condition []ConditionBlock

// ConditionBlock is one operator of a Condition, for example "StringEquals"
// or "ForAnyValue:StringLike", with its keys.
type ConditionBlock struct {
	Operator string
	Entries  []ConditionEntry
}

// ConditionEntry is one condition key with its values.
type ConditionEntry struct {
	Key    string
	Values []ConditionValue

	list bool // written as a JSON list in the source
}

// Strings returns the entry's values as text.
func (e ConditionEntry) Strings() []string {
	out := make([]string, len(e.Values))
	for i, v := range e.Values {
		out[i] = v.Text
	}
	return out
}

// NewCondition returns a Condition with one operator, one key and string
// values.
func NewCondition(operator, key string, values ...string) Condition {
	return Condition(nil).With(operator, key, values...)
}

// With returns a copy of c with string values added for key under operator.
// An existing block with the same operator is extended; an existing key in
// it (compared case-insensitively, as IAM does) gets the values appended.
func (c Condition) With(operator, key string, values ...string) Condition {
	vs := make([]ConditionValue, len(values))
	for i, v := range values {
		vs[i] = StringValue(v)
	}
	return c.WithValues(operator, key, vs...)
}

// WithValues is like [Condition.With] with typed values.
func (c Condition) WithValues(operator, key string, values ...ConditionValue) Condition {
	out := c.Clone()
	if out == nil {
		out = Condition{}
	}
	bi := slices.IndexFunc(out, func(b ConditionBlock) bool { return b.Operator == operator })
	if bi < 0 {
		out = append(out, ConditionBlock{Operator: operator})
		bi = len(out) - 1
	}
	b := &out[bi]
	for i := range b.Entries {
		if equalFoldASCII(b.Entries[i].Key, key) {
			b.Entries[i].Values = append(b.Entries[i].Values, values...)
			return out
		}
	}
	b.Entries = append(b.Entries, ConditionEntry{Key: key, Values: slices.Clone(values)})
	return out
}

// Get returns the entry for key under operator. The operator is compared
// exactly, the key case-insensitively (condition keys are case-insensitive).
func (c Condition) Get(operator, key string) (ConditionEntry, bool) {
	for _, b := range c {
		if b.Operator != operator {
			continue
		}
		for _, e := range b.Entries {
			if equalFoldASCII(e.Key, key) {
				return e, true
			}
		}
	}
	return ConditionEntry{}, false
}

// Clone returns a deep copy of c (nil for nil).
func (c Condition) Clone() Condition {
	if c == nil {
		return nil
	}
	out := make(Condition, len(c))
	for i, b := range c {
		nb := ConditionBlock{Operator: b.Operator}
		if b.Entries != nil {
			nb.Entries = make([]ConditionEntry, len(b.Entries))
			for j, e := range b.Entries {
				e.Values = slices.Clone(e.Values)
				nb.Entries[j] = e
			}
		}
		out[i] = nb
	}
	return out
}

// Clone returns a deep copy of s. The copy keeps the source shape, so it
// marshals like s.
func (s Statement) Clone() Statement {
	s.Principal = s.Principal.Clone()
	s.NotPrincipal = s.NotPrincipal.Clone()
	s.Action = cloneValues(s.Action)
	s.NotAction = cloneValues(s.NotAction)
	s.Resource = cloneValues(s.Resource)
	s.NotResource = cloneValues(s.NotResource)
	s.Condition = s.Condition.Clone()
	return s
}

// Clone returns a deep copy of d. The copy keeps the source shape (so it
// marshals like d) but not the source positions, which no longer apply once
// the copy is changed.
func (d *Document) Clone() *Document {
	if d == nil {
		return nil
	}
	c := &Document{Version: d.Version, ID: d.ID, layout: d.layout}
	if d.Statements != nil {
		c.Statements = make([]Statement, len(d.Statements))
		for i, s := range d.Statements {
			c.Statements[i] = s.Clone()
		}
	}
	return c
}

// Sids returns the non-empty Sids of d's statements, in order.
func (d *Document) Sids() []string {
	var out []string
	for _, s := range d.Statements {
		if s.Sid != "" {
			out = append(out, s.Sid)
		}
	}
	return out
}

// Statement returns the first statement with the given Sid.
func (d *Document) Statement(sid string) (Statement, bool) {
	for _, s := range d.Statements {
		if s.Sid == sid {
			return s, true
		}
	}
	return Statement{}, false
}

func cloneValues(v Values) Values {
	if v == nil {
		return nil
	}
	return slices.Clone(v)
}

// valuesList reports whether the Values field identified by bit was written
// as a list in the source.
func (s *Statement) valuesList(bit uint8) bool {
	return s.layout != nil && s.layout.lists&bit != 0
}
