package policy

import (
	"bytes"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf16"
	"unicode/utf8"
)

// Position is a place in a parsed document. Line and Column are 1-based;
// Column counts characters (runes), not bytes. Offset is the 0-based byte
// offset. The zero Position means unknown (for example a document built in
// code).
type Position struct {
	Offset, Line, Column int
}

// IsValid reports whether p is a known position.
func (p Position) IsValid() bool { return p.Line > 0 }

// String formats p as "line L, column C", or "unknown position".
func (p Position) String() string {
	if !p.IsValid() {
		return "unknown position"
	}
	return fmt.Sprintf("line %d, column %d", p.Line, p.Column)
}

// positions maps JSON paths of a parsed document to source positions. The
// map is built on first use from the parse tree, so Parse does not pay for
// it when nobody asks.
type positions struct {
	once  sync.Once
	p     *jsonParser
	root  *jsonNode
	paths []string // in source order
	at    map[string]posPair
}

func (ps *positions) get() *positions {
	ps.once.Do(func() {
		ps.at = make(map[string]posPair, 256)
		b := &docBuilder{p: ps.p, pos: ps}
		_, _ = b.document(ps.root) // the tree parsed once already; it cannot fail
		ps.p, ps.root = nil, nil
	})
	return ps
}

type posPair struct{ key, val Position }

// Pos returns the source position of the value at path in a document
// returned by [Parse], or the zero Position when the path is unknown or the
// document was built or changed in code ([Document.Clone] drops positions).
//
// Paths name elements the way [Finding.Path] does:
//
//	Version, Id, Statement
//	Statement[0]                                  the statement object
//	Statement[0].Sid, Statement[0].Effect
//	Statement[0].Action                           the string or the list
//	Statement[0].Action[1]                        one value
//	Statement[0].Principal.AWS[0]
//	Statement[0].Condition                        the condition object
//	Statement[0].Condition.IpAddress              an operator block
//	Statement[0].Condition.IpAddress.aws:SourceIp       a key's value(s)
//	Statement[0].Condition.IpAddress.aws:SourceIp[1]    one value
//
// A statement is "Statement[0]" even when the document's Statement is a
// single object, and a value written as a single string is also reachable
// as element [0], so callers can index values uniformly. Element names are
// written as they appear in the source (operators and keys keep their case).
func (d *Document) Pos(path string) Position {
	if d == nil || d.pos == nil {
		return Position{}
	}
	return d.pos.get().at[path].val
}

// KeyPos returns the position of the member name (the quoted key) for a path
// that names an object member, such as "Statement[0].Condition.IpAddress";
// for list elements it equals [Document.Pos].
func (d *Document) KeyPos(path string) Position {
	if d == nil || d.pos == nil {
		return Position{}
	}
	return d.pos.get().at[path].key
}

// Paths returns every path [Document.Pos] knows, in source order.
func (d *Document) Paths() []string {
	if d == nil || d.pos == nil {
		return nil
	}
	return slices.Clone(d.pos.get().paths)
}

// Parse reads a policy document. It accepts what IAM and S3 accept: Statement
// as one object or a list; Action, Resource and principal values as a string
// or a list of strings; condition values as strings, numbers or booleans, one
// or a list. The returned Document remembers the source's shape, so
// [Document.Marshal] gives back the source with whitespace removed, and the
// position of every element ([Document.Pos]).
//
// Parse does not judge the policy (unknown actions, bad ARNs, a missing
// Effect, an Effect or condition operator in another case than IAM's…);
// that is [Validate]'s job, and [Compile] refuses a statement IAM would
// refuse for its Effect or operators. It fails with a [*ParseError] for
// invalid JSON (including trailing commas and a byte order mark), duplicate
// keys in any object, elements other than Version, Id and Statement at the top
// level and Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource,
// NotResource and Condition in a statement, and values of the wrong JSON type.
func Parse(data []byte) (*Document, error) {
	// A copy, so that positions (computed on first use) do not change if the
	// caller reuses data.
	p := &jsonParser{src: bytes.Clone(data)}
	root, err := p.parseDocument()
	if err != nil {
		return nil, err
	}
	b := &docBuilder{p: p}
	doc, err := b.document(root)
	if err != nil {
		return nil, err
	}
	doc.pos = &positions{p: p, root: root}
	return doc, nil
}

// ---- JSON tree with positions ----

type jsonKind uint8

const (
	jsonString jsonKind = iota + 1
	jsonNumber
	jsonBool
	jsonNull
	jsonObject
	jsonArray
)

func (k jsonKind) String() string {
	switch k {
	case jsonString:
		return "a string"
	case jsonNumber:
		return "a number"
	case jsonBool:
		return "a boolean"
	case jsonNull:
		return "null"
	case jsonObject:
		return "an object"
	case jsonArray:
		return "a list"
	}
	return "nothing"
}

type jsonNode struct {
	kind    jsonKind
	off     int
	text    string // string content, number literal, "true"/"false"
	members []jsonMember
	elems   []*jsonNode
}

type jsonMember struct {
	key    string
	keyOff int
	val    *jsonNode
}

// maxJSONDepth bounds nesting. Real policies nest 5 deep; the bound keeps a
// hostile input from exhausting the stack.
const maxJSONDepth = 64

type jsonParser struct {
	src   []byte
	i     int
	depth int
	lines []int // byte offsets of line starts, built lazily
	last  Position
	nodes []jsonNode // slab for newNode

	// Scratch stacks: members and elements are collected here and copied
	// out at exact size when their object or list ends.
	memberStack []jsonMember
	elemStack   []*jsonNode
}

// newNode allocates nodes in chunks: a policy has thousands of them.
func (p *jsonParser) newNode(kind jsonKind, off int) *jsonNode {
	if len(p.nodes) == cap(p.nodes) {
		p.nodes = make([]jsonNode, 0, 128)
	}
	p.nodes = append(p.nodes, jsonNode{kind: kind, off: off})
	return &p.nodes[len(p.nodes)-1]
}

// position returns the position of byte offset off. Offsets asked for in
// increasing order (as when walking the tree) cost only the distance from
// the previous one.
func (p *jsonParser) position(off int) Position {
	off = min(max(off, 0), len(p.src))
	if p.last.Line > 0 && off >= p.last.Offset {
		pos := p.last
		for _, c := range p.src[pos.Offset:off] {
			if c == '\n' {
				pos.Line++
				pos.Column = 1
			} else if !utf8.RuneStart(c) {
				continue
			} else {
				pos.Column++
			}
		}
		pos.Offset = off
		p.last = pos
		return pos
	}
	pos := p.positionSlow(off)
	p.last = pos
	return pos
}

func (p *jsonParser) positionSlow(off int) Position {
	if p.lines == nil {
		p.lines = append(p.lines, 0)
		for i, c := range p.src {
			if c == '\n' {
				p.lines = append(p.lines, i+1)
			}
		}
	}
	ln := sort.Search(len(p.lines), func(i int) bool { return p.lines[i] > off }) - 1
	start := p.lines[ln]
	return Position{Offset: off, Line: ln + 1, Column: utf8.RuneCount(p.src[start:off]) + 1}
}

func (p *jsonParser) errAt(off int, sentinel error, path, format string, args ...any) *ParseError {
	pos := p.position(off)
	return &ParseError{Line: pos.Line, Column: pos.Column, Offset: pos.Offset, Path: path, Msg: fmt.Sprintf(format, args...), Err: sentinel}
}

func (p *jsonParser) syntaxErr(format string, args ...any) *ParseError {
	return p.errAt(p.i, ErrSyntax, "", format, args...)
}

func (p *jsonParser) skipSpace() {
	for p.i < len(p.src) {
		switch p.src[p.i] {
		case ' ', '\t', '\n', '\r':
			p.i++
		default:
			return
		}
	}
}

func (p *jsonParser) parseDocument() (*jsonNode, error) {
	if len(p.src) >= 3 && p.src[0] == 0xEF && p.src[1] == 0xBB && p.src[2] == 0xBF {
		return nil, p.syntaxErr("byte order mark at start of document")
	}
	p.skipSpace()
	if p.i >= len(p.src) {
		return nil, p.syntaxErr("empty document")
	}
	n, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.i < len(p.src) {
		return nil, p.syntaxErr("unexpected %s after the document", p.describe())
	}
	return n, nil
}

// describe names the byte at the cursor for an error message.
func (p *jsonParser) describe() string {
	if p.i >= len(p.src) {
		return "end of input"
	}
	r, _ := utf8.DecodeRune(p.src[p.i:])
	if r == utf8.RuneError {
		return fmt.Sprintf("byte 0x%02x", p.src[p.i])
	}
	return strconv.QuoteRune(r)
}

func (p *jsonParser) value() (*jsonNode, error) {
	if p.i >= len(p.src) {
		return nil, p.syntaxErr("unexpected end of input")
	}
	switch c := p.src[p.i]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		off := p.i
		s, err := p.str()
		if err != nil {
			return nil, err
		}
		n := p.newNode(jsonString, off)
		n.text = s
		return n, nil
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	case c == 't':
		return p.literal("true", jsonBool)
	case c == 'f':
		return p.literal("false", jsonBool)
	case c == 'n':
		return p.literal("null", jsonNull)
	default:
		return nil, p.syntaxErr("unexpected %s, expected a value", p.describe())
	}
}

func (p *jsonParser) literal(word string, kind jsonKind) (*jsonNode, error) {
	if !strings.HasPrefix(string(p.src[p.i:min(len(p.src), p.i+len(word))]), word) {
		return nil, p.syntaxErr("unexpected %s, expected a value", p.describe())
	}
	n := p.newNode(kind, p.i)
	n.text = word
	p.i += len(word)
	return n, nil
}

func (p *jsonParser) number() (*jsonNode, error) {
	start := p.i
	if p.src[p.i] == '-' {
		p.i++
	}
	digits := func() int {
		n := 0
		for p.i < len(p.src) && p.src[p.i] >= '0' && p.src[p.i] <= '9' {
			p.i++
			n++
		}
		return n
	}
	if p.i < len(p.src) && p.src[p.i] == '0' {
		p.i++
	} else if digits() == 0 {
		return nil, p.syntaxErr("invalid number")
	}
	if p.i < len(p.src) && p.src[p.i] == '.' {
		p.i++
		if digits() == 0 {
			return nil, p.syntaxErr("invalid number")
		}
	}
	if p.i < len(p.src) && (p.src[p.i] == 'e' || p.src[p.i] == 'E') {
		p.i++
		if p.i < len(p.src) && (p.src[p.i] == '+' || p.src[p.i] == '-') {
			p.i++
		}
		if digits() == 0 {
			return nil, p.syntaxErr("invalid number")
		}
	}
	n := p.newNode(jsonNumber, start)
	n.text = string(p.src[start:p.i])
	return n, nil
}

// str reads a JSON string at the cursor and returns its content.
func (p *jsonParser) str() (string, error) {
	p.i++ // opening quote
	start := p.i
	// Fast path: no escapes.
	for p.i < len(p.src) {
		c := p.src[p.i]
		if c == '"' {
			s := p.src[start:p.i]
			if !utf8.Valid(s) {
				return "", p.errAt(start, ErrSyntax, "", "invalid UTF-8 in string")
			}
			p.i++
			return string(s), nil
		}
		if c == '\\' || c < 0x20 {
			break
		}
		p.i++
	}
	buf := []byte(string(p.src[start:p.i]))
	for {
		if p.i >= len(p.src) {
			return "", p.syntaxErr("unterminated string")
		}
		c := p.src[p.i]
		switch {
		case c == '"':
			p.i++
			if !utf8.Valid(buf) {
				return "", p.errAt(start, ErrSyntax, "", "invalid UTF-8 in string")
			}
			return string(buf), nil
		case c < 0x20:
			return "", p.syntaxErr("control character in string")
		case c == '\\':
			if p.i+1 >= len(p.src) {
				return "", p.syntaxErr("unterminated string")
			}
			e := p.src[p.i+1]
			switch e {
			case '"', '\\', '/':
				buf = append(buf, e)
			case 'b':
				buf = append(buf, '\b')
			case 'f':
				buf = append(buf, '\f')
			case 'n':
				buf = append(buf, '\n')
			case 'r':
				buf = append(buf, '\r')
			case 't':
				buf = append(buf, '\t')
			case 'u':
				r, ok := p.hex4(p.i + 2)
				if !ok {
					return "", p.syntaxErr("invalid \\u escape")
				}
				p.i += 6
				if utf16.IsSurrogate(r) {
					r2, ok2 := rune(-1), false
					if p.i+1 < len(p.src) && p.src[p.i] == '\\' && p.src[p.i+1] == 'u' {
						r2, ok2 = p.hex4(p.i + 2)
					}
					if d := utf16.DecodeRune(r, r2); ok2 && d != utf8.RuneError {
						r = d
						p.i += 6
					} else {
						r = utf8.RuneError
					}
				}
				buf = utf8.AppendRune(buf, r)
				continue
			default:
				return "", p.syntaxErr("invalid escape \\%c", e)
			}
			p.i += 2
		default:
			buf = append(buf, c)
			p.i++
		}
	}
}

// key reads an object key, returning the policy grammar's common names
// without allocating.
func (p *jsonParser) key() (string, error) {
	if end := p.i + 1; end < len(p.src) {
		for j := end; j < len(p.src) && j < end+32; j++ {
			c := p.src[j]
			if c == '\\' || c < 0x20 {
				break
			}
			if c == '"' {
				if k, ok := commonKey(p.src[end:j]); ok {
					p.i = j + 1
					return k, nil
				}
				break
			}
		}
	}
	return p.str()
}

func commonKey(b []byte) (string, bool) {
	switch string(b) {
	case keyVersion:
		return keyVersion, true
	case keyID:
		return keyID, true
	case keyStatement:
		return keyStatement, true
	case keySid:
		return keySid, true
	case keyEffect:
		return keyEffect, true
	case keyPrincipal:
		return keyPrincipal, true
	case keyNotPrincipal:
		return keyNotPrincipal, true
	case keyAction:
		return keyAction, true
	case keyNotAction:
		return keyNotAction, true
	case keyResource:
		return keyResource, true
	case keyNotResource:
		return keyNotResource, true
	case keyCondition:
		return keyCondition, true
	case "AWS":
		return "AWS", true
	case "Service":
		return "Service", true
	case "StringEquals":
		return "StringEquals", true
	case "StringLike":
		return "StringLike", true
	case "Bool":
		return "Bool", true
	case "aws:SecureTransport":
		return "aws:SecureTransport", true
	}
	return "", false
}

func (p *jsonParser) hex4(at int) (rune, bool) {
	if at+4 > len(p.src) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(p.src[at:at+4]), 16, 32)
	if err != nil {
		return 0, false
	}
	return rune(v), true
}

func (p *jsonParser) enter() error {
	p.depth++
	if p.depth > maxJSONDepth {
		return p.syntaxErr("nesting deeper than %d", maxJSONDepth)
	}
	return nil
}

func (p *jsonParser) object() (*jsonNode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	n := p.newNode(jsonObject, p.i)
	p.i++ // {
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == '}' {
		p.i++
		return n, nil
	}
	base := len(p.memberStack)
	defer func() { p.memberStack = p.memberStack[:base] }()
	var seen map[string]int // key → index in members, once there are many
	for {
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, p.syntaxErr("unexpected end of input in object")
		}
		if p.src[p.i] != '"' {
			if p.src[p.i] == '}' {
				return nil, p.syntaxErr("trailing comma before '}'")
			}
			return nil, p.syntaxErr("unexpected %s, expected a quoted key", p.describe())
		}
		keyOff := p.i
		key, err := p.key()
		if err != nil {
			return nil, err
		}
		// Small objects (all of a real policy's) are scanned; large ones
		// get an index so a hostile document cannot make this quadratic.
		members := p.memberStack[base:]
		if len(members) == 16 {
			seen = make(map[string]int, 32)
			for i, m := range members {
				seen[m.key] = i
			}
		}
		first := -1
		if seen != nil {
			if i, ok := seen[key]; ok {
				first = i
			}
			seen[key] = len(members)
		} else {
			for i, m := range members {
				if m.key == key {
					first = i
					break
				}
			}
		}
		if first >= 0 {
			return nil, p.errAt(keyOff, ErrDuplicateKey, "", "duplicate key %q (first at %s)", key, p.position(members[first].keyOff))
		}
		p.skipSpace()
		if p.i >= len(p.src) || p.src[p.i] != ':' {
			return nil, p.syntaxErr("unexpected %s, expected ':' after key %q", p.describe(), key)
		}
		p.i++
		p.skipSpace()
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.memberStack = append(p.memberStack, jsonMember{key: key, keyOff: keyOff, val: v})
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, p.syntaxErr("unexpected end of input in object")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case '}':
			p.i++
			n.members = slices.Clone(p.memberStack[base:])
			return n, nil
		default:
			return nil, p.syntaxErr("unexpected %s, expected ',' or '}'", p.describe())
		}
	}
}

func (p *jsonParser) array() (*jsonNode, error) {
	if err := p.enter(); err != nil {
		return nil, err
	}
	defer func() { p.depth-- }()
	n := p.newNode(jsonArray, p.i)
	p.i++ // [
	p.skipSpace()
	if p.i < len(p.src) && p.src[p.i] == ']' {
		p.i++
		n.elems = []*jsonNode{}
		return n, nil
	}
	base := len(p.elemStack)
	defer func() { p.elemStack = p.elemStack[:base] }()
	for {
		p.skipSpace()
		if p.i < len(p.src) && p.src[p.i] == ']' {
			return nil, p.syntaxErr("trailing comma before ']'")
		}
		v, err := p.value()
		if err != nil {
			return nil, err
		}
		p.elemStack = append(p.elemStack, v)
		p.skipSpace()
		if p.i >= len(p.src) {
			return nil, p.syntaxErr("unexpected end of input in list")
		}
		switch p.src[p.i] {
		case ',':
			p.i++
		case ']':
			p.i++
			n.elems = slices.Clone(p.elemStack[base:])
			return n, nil
		default:
			return nil, p.syntaxErr("unexpected %s, expected ',' or ']'", p.describe())
		}
	}
}

// ---- tree to Document ----

type docBuilder struct {
	p   *jsonParser
	pos *positions
}

func (b *docBuilder) record(path string, keyOff, valOff int) {
	if b.pos == nil {
		return
	}
	b.pos.paths = append(b.pos.paths, path)
	b.pos.at[path] = posPair{key: b.p.position(keyOff), val: b.p.position(valOff)}
}

func (b *docBuilder) typeErr(n *jsonNode, path, want string) error {
	return b.p.errAt(n.off, ErrWrongType, path, "%s must be %s, not %s", path, want, n.kind)
}

func (b *docBuilder) str(n *jsonNode, path string) (string, error) {
	if n.kind != jsonString {
		return "", b.typeErr(n, path, "a string")
	}
	return n.text, nil
}

func (b *docBuilder) document(root *jsonNode) (*Document, error) {
	if root.kind != jsonObject {
		return nil, b.p.errAt(root.off, ErrWrongType, "", "a policy document must be a JSON object, not %s", root.kind)
	}
	doc := &Document{layout: &docLayout{keys: make([]string, 0, len(root.members))}}
	for _, m := range root.members {
		path := m.key
		b.record(path, m.keyOff, m.val.off)
		doc.layout.keys = append(doc.layout.keys, m.key)
		var err error
		switch m.key {
		case keyVersion:
			doc.Version, err = b.str(m.val, path)
			doc.layout.emptyVersion = err == nil && doc.Version == ""
		case keyID:
			doc.ID, err = b.str(m.val, path)
			doc.layout.emptyID = err == nil && doc.ID == ""
		case keyStatement:
			switch m.val.kind {
			case jsonObject:
				doc.layout.singleStatement = true
				b.record("Statement[0]", m.val.off, m.val.off)
				var s Statement
				s, err = b.statement(m.val, "Statement[0]")
				doc.Statements = []Statement{s}
			case jsonArray:
				doc.Statements = make([]Statement, 0, len(m.val.elems))
				for i, e := range m.val.elems {
					sp := "Statement[" + strconv.Itoa(i) + "]"
					b.record(sp, e.off, e.off)
					if e.kind != jsonObject {
						return nil, b.typeErr(e, sp, "an object")
					}
					var s Statement
					if s, err = b.statement(e, sp); err != nil {
						return nil, err
					}
					doc.Statements = append(doc.Statements, s)
				}
			default:
				err = b.typeErr(m.val, path, "an object or a list of objects")
			}
		default:
			return nil, b.p.errAt(m.keyOff, ErrUnknownField, path, "unknown top-level element %q (expected Version, Id or Statement)", m.key)
		}
		if err != nil {
			return nil, err
		}
	}
	return doc, nil
}

func (b *docBuilder) statement(n *jsonNode, sp string) (Statement, error) {
	s := Statement{layout: &stmtLayout{keys: make([]string, 0, len(n.members))}}
	for _, m := range n.members {
		path := sp + "." + m.key
		b.record(path, m.keyOff, m.val.off)
		s.layout.keys = append(s.layout.keys, m.key)
		var err error
		var list bool
		switch m.key {
		case keySid:
			s.Sid, err = b.str(m.val, path)
			s.layout.emptySid = err == nil && s.Sid == ""
		case keyEffect:
			var e string
			e, err = b.str(m.val, path)
			s.Effect = Effect(e)
			s.layout.emptyEffect = err == nil && e == ""
		case keyPrincipal:
			s.Principal, err = b.principal(m.val, path)
		case keyNotPrincipal:
			s.NotPrincipal, err = b.principal(m.val, path)
		case keyAction:
			s.Action, list, err = b.values(m.val, path)
			s.layout.setList(listAction, list)
		case keyNotAction:
			s.NotAction, list, err = b.values(m.val, path)
			s.layout.setList(listNotAction, list)
		case keyResource:
			s.Resource, list, err = b.values(m.val, path)
			s.layout.setList(listResource, list)
		case keyNotResource:
			s.NotResource, list, err = b.values(m.val, path)
			s.layout.setList(listNotResource, list)
		case keyCondition:
			s.Condition, err = b.condition(m.val, path)
		default:
			return s, b.p.errAt(m.keyOff, ErrUnknownField, path, "unknown statement element %q", m.key)
		}
		if err != nil {
			return s, err
		}
	}
	return s, nil
}

func (l *stmtLayout) setList(bit uint8, list bool) {
	if list {
		l.lists |= bit
	}
}

// values reads a string or a list of strings.
func (b *docBuilder) values(n *jsonNode, path string) (Values, bool, error) {
	switch n.kind {
	case jsonString:
		b.record(path+"[0]", n.off, n.off)
		return Values{n.text}, false, nil
	case jsonArray:
		out := make(Values, len(n.elems))
		for i, e := range n.elems {
			ep := path + "[" + strconv.Itoa(i) + "]"
			b.record(ep, e.off, e.off)
			if e.kind != jsonString {
				return nil, false, b.typeErr(e, ep, "a string")
			}
			out[i] = e.text
		}
		return out, true, nil
	}
	return nil, false, b.typeErr(n, path, "a string or a list of strings")
}

func (b *docBuilder) principal(n *jsonNode, path string) (*Principal, error) {
	switch n.kind {
	case jsonString:
		if n.text != "*" {
			return nil, b.p.errAt(n.off, ErrWrongType, path, `%s must be "*" or an object such as {"AWS": "..."}, not the string %q`, path, n.text)
		}
		return &Principal{Wildcard: true}, nil
	case jsonObject:
		p := &Principal{Entries: make([]PrincipalEntry, 0, len(n.members))}
		for _, m := range n.members {
			ep := path + "." + m.key
			b.record(ep, m.keyOff, m.val.off)
			vs, list, err := b.values(m.val, ep)
			if err != nil {
				return nil, err
			}
			p.Entries = append(p.Entries, PrincipalEntry{Type: PrincipalType(m.key), Values: vs, list: list})
		}
		return p, nil
	}
	return nil, b.typeErr(n, path, `"*" or an object`)
}

func (b *docBuilder) condition(n *jsonNode, path string) (Condition, error) {
	if n.kind != jsonObject {
		return nil, b.typeErr(n, path, "an object")
	}
	c := make(Condition, 0, len(n.members))
	for _, m := range n.members {
		op := path + "." + m.key
		b.record(op, m.keyOff, m.val.off)
		if m.val.kind != jsonObject {
			return nil, b.typeErr(m.val, op, "an object of condition keys")
		}
		block := ConditionBlock{Operator: m.key, Entries: make([]ConditionEntry, 0, len(m.val.members))}
		for _, k := range m.val.members {
			kp := op + "." + k.key
			b.record(kp, k.keyOff, k.val.off)
			e := ConditionEntry{Key: k.key}
			switch k.val.kind {
			case jsonArray:
				e.list = true
				e.Values = make([]ConditionValue, len(k.val.elems))
				for i, v := range k.val.elems {
					vp := kp + "[" + strconv.Itoa(i) + "]"
					b.record(vp, v.off, v.off)
					cv, err := b.conditionValue(v, vp)
					if err != nil {
						return nil, err
					}
					e.Values[i] = cv
				}
			default:
				b.record(kp+"[0]", k.val.off, k.val.off)
				cv, err := b.conditionValue(k.val, kp)
				if err != nil {
					return nil, err
				}
				e.Values = []ConditionValue{cv}
			}
			block.Entries = append(block.Entries, e)
		}
		c = append(c, block)
	}
	return c, nil
}

func (b *docBuilder) conditionValue(n *jsonNode, path string) (ConditionValue, error) {
	switch n.kind {
	case jsonString:
		return ConditionValue{Type: ValueString, Text: n.text}, nil
	case jsonNumber:
		return ConditionValue{Type: ValueNumber, Text: n.text}, nil
	case jsonBool:
		return ConditionValue{Type: ValueBool, Text: n.text}, nil
	}
	return ConditionValue{}, b.typeErr(n, path, "a string, number or boolean")
}

// ParseStatement reads one statement object with the rules of [Parse].
// Errors name the statement "Statement[0]".
func ParseStatement(data []byte) (Statement, error) {
	p := &jsonParser{src: data}
	root, err := p.parseDocument()
	if err != nil {
		return Statement{}, err
	}
	if root.kind != jsonObject {
		return Statement{}, p.errAt(root.off, ErrWrongType, "Statement[0]", "a statement must be a JSON object, not %s", root.kind)
	}
	b := &docBuilder{p: p}
	return b.statement(root, "Statement[0]")
}
