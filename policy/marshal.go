package policy

import (
	"fmt"
	"slices"
	"unicode/utf8"
)

// Marshal returns the document as minified JSON: what to send to
// PutBucketPolicy or IAM. The output is deterministic: the same document
// gives the same bytes. A document from [Parse] keeps its source's key
// order, string-or-list shapes and value types; a document built in code is
// written in the canonical order (Version, Id, Statement; Sid, Effect,
// Principal, NotPrincipal, Action, NotAction, Resource, NotResource,
// Condition) with one-element lists as plain strings.
//
// Strings are written as UTF-8 with only the escapes JSON requires (quote,
// backslash, control characters); "<", ">", "&" and "/" are not escaped.
// Marshal fails with an error wrapping [ErrInvalidValue] if a string is not
// valid UTF-8, a [NumberValue] is not a JSON number or a bool value is not
// "true" or "false".
func (d *Document) Marshal() ([]byte, error) {
	w := &jsonWriter{buf: make([]byte, 0, sizeHint(d))}
	if err := w.document(d); err != nil {
		return nil, err
	}
	return w.buf, nil
}

// MarshalIndent is like [Document.Marshal] but indents like
// [encoding/json.MarshalIndent]: each element on a new line starting with
// prefix followed by one or more copies of indent.
func (d *Document) MarshalIndent(prefix, indent string) ([]byte, error) {
	w := &jsonWriter{buf: make([]byte, 0, 2*sizeHint(d)), prefix: prefix, indent: indent, pretty: true}
	if err := w.document(d); err != nil {
		return nil, err
	}
	return w.buf, nil
}

// MarshalJSON implements [encoding/json.Marshaler] with [Document.Marshal].
// It has a value receiver so that a Document held by value in another
// struct marshals the same way.
func (d Document) MarshalJSON() ([]byte, error) { return d.Marshal() }

// UnmarshalJSON implements [encoding/json.Unmarshaler] with [Parse].
func (d *Document) UnmarshalJSON(data []byte) error {
	p, err := Parse(data)
	if err != nil {
		return err
	}
	*d = *p
	return nil
}

// String returns the document as indented JSON, or an error description.
func (d *Document) String() string {
	b, err := d.MarshalIndent("", "  ")
	if err != nil {
		return err.Error()
	}
	return string(b)
}

// sizeHint guesses the minified size, to allocate the output once.
func sizeHint(d *Document) int {
	if d == nil {
		return 0
	}
	return 64 + 256*len(d.Statements)
}

type jsonWriter struct {
	buf            []byte
	prefix, indent string
	pretty         bool
	depth          int
}

// newline starts a new line at the current depth (pretty output only).
func (w *jsonWriter) newline() {
	if !w.pretty {
		return
	}
	w.buf = append(w.buf, '\n')
	w.buf = append(w.buf, w.prefix...)
	for range w.depth {
		w.buf = append(w.buf, w.indent...)
	}
}

func (w *jsonWriter) open(c byte) {
	w.buf = append(w.buf, c)
	w.depth++
}

func (w *jsonWriter) close(c byte, empty bool) {
	w.depth--
	if !empty {
		w.newline()
	}
	w.buf = append(w.buf, c)
}

// member writes a separator (if not first), a newline and `"key":`.
func (w *jsonWriter) member(first bool, key string) error {
	if !first {
		w.buf = append(w.buf, ',')
	}
	w.newline()
	if err := w.string(key); err != nil {
		return err
	}
	w.buf = append(w.buf, ':')
	if w.pretty {
		w.buf = append(w.buf, ' ')
	}
	return nil
}

func (w *jsonWriter) elem(first bool) {
	if !first {
		w.buf = append(w.buf, ',')
	}
	w.newline()
}

const hexDigits = "0123456789abcdef"

func (w *jsonWriter) string(s string) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("%w: string %q is not valid UTF-8", ErrInvalidValue, s)
	}
	w.buf = append(w.buf, '"')
	start := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 0x20 && c != '"' && c != '\\' {
			continue
		}
		w.buf = append(w.buf, s[start:i]...)
		switch c {
		case '"', '\\':
			w.buf = append(w.buf, '\\', c)
		case '\n':
			w.buf = append(w.buf, '\\', 'n')
		case '\r':
			w.buf = append(w.buf, '\\', 'r')
		case '\t':
			w.buf = append(w.buf, '\\', 't')
		case '\b':
			w.buf = append(w.buf, '\\', 'b')
		case '\f':
			w.buf = append(w.buf, '\\', 'f')
		default:
			w.buf = append(w.buf, '\\', 'u', '0', '0', hexDigits[c>>4], hexDigits[c&0xF])
		}
		start = i + 1
	}
	w.buf = append(w.buf, s[start:]...)
	w.buf = append(w.buf, '"')
	return nil
}

// orderedKeys returns the keys to write: the source's order for keys it had,
// then the canonical order for the rest, keeping only present ones.
func orderedKeys(source, canonical []string, present func(string) bool) []string {
	out := make([]string, 0, len(canonical))
	for _, k := range source {
		if present(k) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	for _, k := range canonical {
		if present(k) && !slices.Contains(out, k) {
			out = append(out, k)
		}
	}
	return out
}

func (w *jsonWriter) document(d *Document) error {
	if d == nil {
		return fmt.Errorf("%w: nil document", ErrInvalidValue)
	}
	l := d.layout
	if l == nil {
		l = &docLayout{}
	}
	present := func(k string) bool {
		switch k {
		case keyVersion:
			return d.Version != "" || l.emptyVersion
		case keyID:
			return d.ID != "" || l.emptyID
		case keyStatement:
			// A built document always has Statement; a parsed one keeps
			// its absence while it has no statements.
			return d.Statements != nil || d.layout == nil || slices.Contains(l.keys, keyStatement)
		}
		return false
	}
	w.open('{')
	keys := orderedKeys(l.keys, documentKeys, present)
	for i, k := range keys {
		if err := w.member(i == 0, k); err != nil {
			return err
		}
		var err error
		switch k {
		case keyVersion:
			err = w.string(d.Version)
		case keyID:
			err = w.string(d.ID)
		case keyStatement:
			if l.singleStatement && len(d.Statements) == 1 {
				err = w.statement(&d.Statements[0])
				break
			}
			w.open('[')
			for j := range d.Statements {
				w.elem(j == 0)
				if err = w.statement(&d.Statements[j]); err != nil {
					return err
				}
			}
			w.close(']', len(d.Statements) == 0)
		}
		if err != nil {
			return err
		}
	}
	w.close('}', len(keys) == 0)
	return nil
}

func (w *jsonWriter) statement(s *Statement) error {
	l := s.layout
	if l == nil {
		l = &stmtLayout{}
	}
	present := func(k string) bool {
		switch k {
		case keySid:
			return s.Sid != "" || l.emptySid
		case keyEffect:
			return s.Effect != "" || l.emptyEffect
		case keyPrincipal:
			return s.Principal != nil
		case keyNotPrincipal:
			return s.NotPrincipal != nil
		case keyAction:
			return s.Action != nil
		case keyNotAction:
			return s.NotAction != nil
		case keyResource:
			return s.Resource != nil
		case keyNotResource:
			return s.NotResource != nil
		case keyCondition:
			return s.Condition != nil
		}
		return false
	}
	w.open('{')
	keys := orderedKeys(l.keys, statementKeys, present)
	for i, k := range keys {
		if err := w.member(i == 0, k); err != nil {
			return err
		}
		var err error
		switch k {
		case keySid:
			err = w.string(s.Sid)
		case keyEffect:
			err = w.string(string(s.Effect))
		case keyPrincipal:
			err = w.principal(s.Principal)
		case keyNotPrincipal:
			err = w.principal(s.NotPrincipal)
		case keyAction:
			err = w.values(s.Action, s.valuesList(listAction))
		case keyNotAction:
			err = w.values(s.NotAction, s.valuesList(listNotAction))
		case keyResource:
			err = w.values(s.Resource, s.valuesList(listResource))
		case keyNotResource:
			err = w.values(s.NotResource, s.valuesList(listNotResource))
		case keyCondition:
			err = w.condition(s.Condition)
		}
		if err != nil {
			return err
		}
	}
	w.close('}', len(keys) == 0)
	return nil
}

// values writes a single string when there is one value and the source did
// not write a list, else a list.
func (w *jsonWriter) values(v Values, list bool) error {
	if len(v) == 1 && !list {
		return w.string(v[0])
	}
	w.open('[')
	for i, s := range v {
		w.elem(i == 0)
		if err := w.string(s); err != nil {
			return err
		}
	}
	w.close(']', len(v) == 0)
	return nil
}

func (w *jsonWriter) principal(p *Principal) error {
	if p.Wildcard && len(p.Entries) == 0 {
		return w.string("*")
	}
	if p.Wildcard {
		return fmt.Errorf("%w: principal is both \"*\" and a map", ErrInvalidValue)
	}
	w.open('{')
	for i, e := range p.Entries {
		if err := w.member(i == 0, string(e.Type)); err != nil {
			return err
		}
		if err := w.values(e.Values, e.list); err != nil {
			return err
		}
	}
	w.close('}', len(p.Entries) == 0)
	return nil
}

func (w *jsonWriter) condition(c Condition) error {
	w.open('{')
	for i, b := range c {
		if err := w.member(i == 0, b.Operator); err != nil {
			return err
		}
		w.open('{')
		for j, e := range b.Entries {
			if err := w.member(j == 0, e.Key); err != nil {
				return err
			}
			if len(e.Values) == 1 && !e.list {
				if err := w.conditionValue(e.Values[0]); err != nil {
					return err
				}
				continue
			}
			w.open('[')
			for k, v := range e.Values {
				w.elem(k == 0)
				if err := w.conditionValue(v); err != nil {
					return err
				}
			}
			w.close(']', len(e.Values) == 0)
		}
		w.close('}', len(b.Entries) == 0)
	}
	w.close('}', len(c) == 0)
	return nil
}

func (w *jsonWriter) conditionValue(v ConditionValue) error {
	switch v.Type {
	case ValueString:
		return w.string(v.Text)
	case ValueNumber:
		if !isJSONNumber(v.Text) {
			return fmt.Errorf("%w: %q is not a JSON number", ErrInvalidValue, v.Text)
		}
	case ValueBool:
		if v.Text != "true" && v.Text != "false" {
			return fmt.Errorf("%w: %q is not a JSON boolean", ErrInvalidValue, v.Text)
		}
	default:
		return fmt.Errorf("%w: unknown condition value type %d", ErrInvalidValue, v.Type)
	}
	w.buf = append(w.buf, v.Text...)
	return nil
}

// isJSONNumber reports whether s is a number in JSON's grammar.
func isJSONNumber(s string) bool {
	i := 0
	digits := func() int {
		n := 0
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
			n++
		}
		return n
	}
	if i < len(s) && s[i] == '-' {
		i++
	}
	if i < len(s) && s[i] == '0' {
		i++
	} else if digits() == 0 {
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		if digits() == 0 {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		if digits() == 0 {
			return false
		}
	}
	return i == len(s)
}

// MarshalJSON implements [encoding/json.Marshaler]: the statement as a
// minified JSON object, written as [Document.Marshal] writes statements.
func (s Statement) MarshalJSON() ([]byte, error) {
	w := &jsonWriter{buf: make([]byte, 0, 256)}
	if err := w.statement(&s); err != nil {
		return nil, err
	}
	return w.buf, nil
}

// UnmarshalJSON implements [encoding/json.Unmarshaler] with [ParseStatement].
func (s *Statement) UnmarshalJSON(data []byte) error {
	st, err := ParseStatement(data)
	if err != nil {
		return err
	}
	*s = st
	return nil
}
