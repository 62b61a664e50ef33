package iac

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// jnode is a JSON value with its place in the source: the byte offset of
// its first character and its 1-based line and column (in runes, as
// policy.Finding counts them).
type jnode struct {
	kind      byte // 'o' object, 'a' array, 's' string, 'n' number, 'b' boolean, 'z' null
	off       int
	line, col int
	str       string   // a string's decoded value; a number's or boolean's text
	keys      []*jnode // an object's keys (strings), in order
	vals      []*jnode // an object's values, or an array's items
}

// get returns the value of the last member named key of an object, or nil.
func (n *jnode) get(key string) *jnode {
	if n == nil || n.kind != 'o' {
		return nil
	}
	for i := len(n.keys) - 1; i >= 0; i-- {
		if n.keys[i].str == key {
			return n.vals[i]
		}
	}
	return nil
}

// SyntaxError is a file that is not valid JSON or YAML, or not shaped like
// a CloudFormation template or Terraform plan.
type SyntaxError struct {
	// Line and Column locate the problem (1-based); zero when unknown.
	Line, Column int
	// Msg says what is wrong.
	Msg string
}

func (e *SyntaxError) Error() string {
	if e.Line > 0 {
		return fmt.Sprintf("iac: line %d, column %d: %s", e.Line, e.Column, e.Msg)
	}
	return "iac: " + e.Msg
}

// maxDepth bounds nesting, so a hostile file cannot exhaust the stack.
const maxDepth = 1000

// jsonParser is a small JSON parser that keeps positions. encoding/json
// gives none, and a policy inside a Terraform plan is a string whose
// characters must be traced back to the file.
type jsonParser struct {
	src []byte
	off int
	// The line and column of cursor, a byte offset at or before off;
	// positions are asked for in increasing order, so moving the cursor
	// forward keeps the whole parse linear even on a plan written as one
	// long line.
	cursor, line, col int
}

// parseJSON parses one JSON value (and nothing after it but whitespace).
func parseJSON(src []byte) (*jnode, error) {
	p := &jsonParser{src: src, line: 1, col: 1}
	p.skipBOM()
	p.space()
	n, err := p.value(0)
	if err != nil {
		return nil, err
	}
	p.space()
	if p.off < len(p.src) {
		return nil, p.errorf("unexpected %q after the JSON value", p.src[p.off])
	}
	return n, nil
}

func (p *jsonParser) skipBOM() {
	if bytes.HasPrefix(p.src, []byte(utf8BOM)) {
		p.off, p.cursor = len(utf8BOM), len(utf8BOM)
	}
}

// pos returns the line and column of byte offset off (off >= cursor).
func (p *jsonParser) pos(off int) (int, int) {
	for p.cursor < off {
		c := p.src[p.cursor]
		if c == '\n' {
			p.line++
			p.col = 1
			p.cursor++
			continue
		}
		if c < utf8.RuneSelf {
			p.cursor++
		} else {
			_, size := utf8.DecodeRune(p.src[p.cursor:])
			p.cursor += size
		}
		p.col++
	}
	return p.line, p.col
}

func (p *jsonParser) errorf(format string, args ...any) error {
	l, c := p.pos(min(p.off, len(p.src)))
	return &SyntaxError{Line: l, Column: c, Msg: fmt.Sprintf(format, args...)}
}

func (p *jsonParser) space() {
	for p.off < len(p.src) {
		switch p.src[p.off] {
		case ' ', '\t', '\n', '\r':
			p.off++
		default:
			return
		}
	}
}

func (p *jsonParser) node(kind byte) *jnode {
	n := &jnode{kind: kind, off: p.off}
	n.line, n.col = p.pos(p.off)
	return n
}

func (p *jsonParser) value(depth int) (*jnode, error) {
	if depth > maxDepth {
		return nil, p.errorf("nested deeper than %d levels", maxDepth)
	}
	if p.off >= len(p.src) {
		return nil, p.errorf("unexpected end of input")
	}
	switch c := p.src[p.off]; {
	case c == '{':
		return p.container(depth, 'o', '}')
	case c == '[':
		return p.container(depth, 'a', ']')
	case c == '"':
		n := p.node('s')
		s, err := p.string()
		n.str = s
		return n, err
	case c == 't' || c == 'f' || c == 'n':
		n := p.node('b')
		for _, lit := range []string{"true", "false", "null"} {
			if len(p.src)-p.off >= len(lit) && string(p.src[p.off:p.off+len(lit)]) == lit {
				p.off += len(lit)
				n.str = lit
				if lit == "null" {
					n.kind = 'z'
				}
				return n, nil
			}
		}
		return nil, p.errorf("invalid literal")
	case c == '-' || c >= '0' && c <= '9':
		n := p.node('n')
		start := p.off
		for p.off < len(p.src) && isNumberByte(p.src[p.off]) {
			p.off++
		}
		n.str = string(p.src[start:p.off])
		if !validNumber(n.str) {
			p.off = start
			return nil, p.errorf("invalid number %q", n.str)
		}
		return n, nil
	default:
		return nil, p.errorf("unexpected %q", c)
	}
}

func isNumberByte(c byte) bool {
	return c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E'
}

// validNumber checks the JSON number grammar.
func validNumber(s string) bool {
	i := 0
	if i < len(s) && s[i] == '-' {
		i++
	}
	switch {
	case i < len(s) && s[i] == '0':
		i++
	case i < len(s) && s[i] >= '1' && s[i] <= '9':
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
	default:
		return false
	}
	if i < len(s) && s[i] == '.' {
		i++
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	if i < len(s) && (s[i] == 'e' || s[i] == 'E') {
		i++
		if i < len(s) && (s[i] == '+' || s[i] == '-') {
			i++
		}
		d := i
		for i < len(s) && s[i] >= '0' && s[i] <= '9' {
			i++
		}
		if i == d {
			return false
		}
	}
	return i == len(s)
}

// eat consumes c if it is next.
func (p *jsonParser) eat(c byte) bool {
	if p.off < len(p.src) && p.src[p.off] == c {
		p.off++
		return true
	}
	return false
}

// container reads an object ('o', closed by '}') or an array ('a', closed
// by ']').
func (p *jsonParser) container(depth int, kind, closer byte) (*jnode, error) {
	n := p.node(kind)
	p.off++ // { or [
	p.space()
	if p.eat(closer) {
		return n, nil
	}
	for {
		p.space()
		if kind == 'o' {
			if p.off >= len(p.src) || p.src[p.off] != '"' {
				return nil, p.errorf("expected a string key")
			}
			k, err := p.value(depth + 1)
			if err != nil {
				return nil, err
			}
			p.space()
			if !p.eat(':') {
				return nil, p.errorf("expected ':' after a key")
			}
			p.space()
			n.keys = append(n.keys, k)
		}
		v, err := p.value(depth + 1)
		if err != nil {
			return nil, err
		}
		n.vals = append(n.vals, v)
		p.space()
		if p.eat(',') {
			continue
		}
		if p.eat(closer) {
			return n, nil
		}
		return nil, p.errorf("expected ',' or '%c'", closer)
	}
}

// string reads a string literal at off and returns its value.
func (p *jsonParser) string() (string, error) {
	b, _, end, err := decodeString(p.src, p.off, false)
	if err != nil {
		p.off = end
		return "", p.errorf("%v", err)
	}
	p.off = end
	return string(b), nil
}

var errUnterminated = errors.New("unterminated string")

// decodeString decodes the JSON string literal starting at src[start] (a
// '"'). It returns the value, and when trace is set, the source offset of
// each byte of the value; end is the offset after the closing quote (or of
// the error).
func decodeString(src []byte, start int, trace bool) (val []byte, offs []int, end int, err error) {
	i := start + 1
	for {
		if i >= len(src) {
			return nil, nil, i, errUnterminated
		}
		c := src[i]
		switch {
		case c == '"':
			return val, offs, i + 1, nil
		case c < 0x20:
			return nil, nil, i, errors.New("control character in string")
		case c == '\\':
			if i+1 >= len(src) {
				return nil, nil, i, errUnterminated
			}
			esc := src[i+1]
			var r rune
			n := 2
			switch esc {
			case '"', '\\', '/':
				r = rune(esc)
			case 'b':
				r = '\b'
			case 'f':
				r = '\f'
			case 'n':
				r = '\n'
			case 'r':
				r = '\r'
			case 't':
				r = '\t'
			case 'u':
				v, ok := hex4(src, i+2)
				if !ok {
					return nil, nil, i, errors.New("invalid \\u escape")
				}
				r, n = rune(v), 6
				if utf16.IsSurrogate(r) {
					if v2, ok := hex4(src, i+8); ok && i+7 < len(src) && src[i+6] == '\\' && src[i+7] == 'u' {
						if d := utf16.DecodeRune(r, rune(v2)); d != utf8.RuneError {
							r, n = d, 12
						} else {
							r = utf8.RuneError
						}
					} else {
						r = utf8.RuneError
					}
				}
			default:
				return nil, nil, i, fmt.Errorf("invalid escape \\%c", esc)
			}
			before := len(val)
			val = utf8.AppendRune(val, r)
			if trace {
				for range len(val) - before {
					offs = append(offs, i)
				}
			}
			i += n
		default:
			val = append(val, c)
			if trace {
				offs = append(offs, i)
			}
			i++
		}
	}
}

func hex4(src []byte, at int) (int, bool) {
	if at+4 > len(src) {
		return 0, false
	}
	v, err := strconv.ParseUint(string(src[at:at+4]), 16, 32)
	return int(v), err == nil
}
