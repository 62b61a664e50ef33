package iac

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/s3secure/s3secure/policy"
)

// Policy is one policy document found in a template or plan.
type Policy struct {
	// Resource names the resource the policy belongs to: a CloudFormation
	// logical id ("AppBucketPolicy") or a Terraform address
	// ("module.app.aws_s3_bucket_policy.this").
	Resource string
	// Type is the resource's type ("AWS::S3::BucketPolicy",
	// "aws_s3_bucket_policy").
	Type string
	// Property is where in the resource the policy is ("PolicyDocument",
	// "Policies[1].PolicyDocument", "policy", "inline_policy[0].policy").
	Property string
	// Kind is how AWS uses the policy (bucket, access point, managed or
	// inline identity policy); [Policy.Validate] validates it as such.
	Kind policy.Kind
	// Line and Column locate the policy in the file (1-based).
	Line, Column int
	// Document is the policy as JSON, with every value unknown until
	// deployment replaced as the package documentation describes, and the
	// Default of a NoEcho parameter as "s3secure-noecho-value". Of a
	// template's policy with an Fn::If inside, Document holds the first
	// branch that is present, and both in a list (Validate checks each
	// combination of branches).
	Document []byte
	// Unknown is set when the whole policy, or every one of its
	// statements, is known only at deployment: Document is empty, Line
	// and Column locate the value, and Validate reports it, unchecked,
	// with [policy.CodeUnknownPolicy].
	Unknown bool

	unknownWhy string // Unknown: what is known only at deployment, a clause

	doc       *value     // CloudFormation: the policy as evaluated
	trace     *textTrace // Terraform: where each byte of Document came from
	verbatim  bool       // a policy file: Document is the file
	sensitive bool       // Terraform marks the policy sensitive: findings quote none of its values
}

// quoted matches a quoted value in a finding's message.
var quoted = regexp.MustCompile(`"(?:[^"\\]|\\.)*"`)

// Validate validates the policy as its Kind ([policy.Validate]; opts gives
// the rest, such as the owner's account) and returns the findings with the
// line and column in the original file. Findings about a value unknown
// until deployment are left out: such a value may be anything, and is
// never reported as an error. A policy that is Unknown as a whole is one
// finding, [policy.CodeUnknownPolicy] (ERROR): nothing of it was checked. Validate may be called from several
// goroutines at once, on one policy or on several of one file.
func (p *Policy) Validate(opts *policy.ValidateOptions) []policy.Finding {
	var o policy.ValidateOptions
	if opts != nil {
		o = *opts
	}
	if p.Kind != 0 {
		o.Kind = p.Kind
	}
	if p.Unknown {
		return []policy.Finding{unknownFinding(p.Line, p.Column, p.unknownWhy)}
	}
	if p.doc == nil {
		fs := policy.Validate(p.Document, &o)
		for i := range fs {
			fs[i].Line, fs[i].Column = p.place(fs[i].Line, fs[i].Column)
			fs[i].Message = relocate(fs[i].Message, p.place)
			if p.sensitive {
				fs[i].Message = quoted.ReplaceAllString(fs[i].Message, "(sensitive value)")
			}
		}
		return fs
	}
	// Fn::If: which branch the stack takes is decided at deployment, so
	// the policy is checked with each combination of its conditions'
	// branches (each condition taken by its name, the same way wherever
	// it is), and a finding is reported once.
	conds := p.doc.conditions(nil, map[string]bool{})
	n := min(len(conds), maxConditions)
	var out []policy.Finding
	seen := map[findingKey]bool{}
	for w := range 1 << n {
		world := map[string]int{}
		for i, c := range conds[:n] {
			world[c] = w >> i & 1
		}
		doc := p.doc
		if len(conds) > 0 {
			doc = doc.resolve(world)
		}
		for _, f := range validateDoc(doc, &o) {
			k := findingKey{f.Code, f.Line, f.Column, f.Message}
			if !seen[k] {
				seen[k] = true
				out = append(out, f)
			}
		}
	}
	if len(conds) > maxConditions {
		sev, _ := policy.CodeSeverity(policy.CodeUnknownPolicy)
		out = append(out, policy.Finding{Severity: sev, Code: policy.CodeUnknownPolicy, Statement: -1, Line: p.Line, Column: p.Column,
			Message: fmt.Sprintf("the policy has %d Fn::If conditions; every combination of the branches of the first %d was checked, "+
				"the others at their first branch only, so it may grant more than was checked", len(conds), maxConditions)})
	}
	return out
}

// maxConditions bounds the Fn::If conditions of one policy whose every
// combination is checked (2^maxConditions validations).
const maxConditions = 6

// findingKey tells findings apart across the combinations of Fn::If
// branches.
type findingKey struct {
	code      string
	line, col int
	msg       string
}

// validateDoc validates a template's policy whose Fn::Ifs are resolved.
func validateDoc(doc *value, o *policy.ValidateOptions) []policy.Finding {
	if st := doc.member("Statement"); st.wholly() {
		return []policy.Finding{unknownFinding(st.line, st.col, "the policy's statements are known only at deployment "+
			"(!ImportValue, !GetAtt, !Ref of a parameter without a Default)")}
	}
	// A statement known only at deployment is left out of Document; it
	// was not checked, and may grant anything.
	var unknowns []policy.Finding
	known := 0
	if st := doc.member("Statement"); st != nil && st.kind == vArray {
		for _, it := range st.vals {
			for _, b := range branches(it) {
				switch b := b.pick(); {
				case b.wholly():
					unknowns = append(unknowns, unknownFinding(b.line, b.col, "a statement of the policy is known only at deployment "+
						"(!ImportValue, !GetAtt, !Ref of a parameter without a Default)"))
				case b.kind != vAbsent:
					known++
				}
			}
		}
	}
	if known == 0 && len(unknowns) > 0 {
		return unknowns // no statement is known: nothing else can be checked
	}
	r := render(doc, o.Account, false)
	fs := policy.Validate(r.buf.Bytes(), o)
	unknown, params := r.unknownPaths()
	out := fs[:0]
	for _, f := range fs {
		if covered(f.Path, unknown) {
			continue
		}
		hideNoEcho(&f, params)
		withDefaults(&f, params)
		place := func(line, col int) (int, int) { return r.place(line, col, doc.line, doc.col) }
		f.Line, f.Column = place(f.Line, f.Column)
		f.Message = relocate(f.Message, place)
		out = append(out, f)
	}
	return append(out, unknowns...)
}

// conditions appends to names the names of the Fn::If conditions in v,
// each once, in the order they come.
func (v *value) conditions(names []string, seen map[string]bool) []string {
	if v == nil {
		return names
	}
	if v.kind == vChoice && !seen[v.cond] {
		seen[v.cond] = true
		names = append(names, v.cond)
	}
	for _, c := range v.vals {
		names = c.conditions(names, seen)
	}
	return names
}

// resolve returns v with each Fn::If taken to the branch world gives its
// condition (0, the first, or 1); a branch AWS::NoValue leaves the element
// out.
func (v *value) resolve(world map[string]int) *value {
	switch v.kind {
	case vChoice:
		return v.vals[world[v.cond]].resolve(world)
	case vObject, vArray:
		c := *v
		c.vals = make([]*value, len(v.vals))
		for i, x := range v.vals {
			c.vals[i] = x.resolve(world)
		}
		return &c
	}
	return v
}

// firstAt is where a message places the first of duplicate keys
// (policy.Validate's "duplicate key %q (first at line L, column C)").
var firstAt = regexp.MustCompile(`\(first at line (\d+), column (\d+)\)`)

// relocate moves the positions a message names from the policy's text to
// the file.
func relocate(msg string, place func(line, col int) (int, int)) string {
	return firstAt.ReplaceAllStringFunc(msg, func(m string) string {
		sm := firstAt.FindStringSubmatch(m)
		line, _ := strconv.Atoi(sm[1])
		col, _ := strconv.Atoi(sm[2])
		line, col = place(line, col)
		return fmt.Sprintf("(first at line %d, column %d)", line, col)
	})
}

// unknownFinding reports, at line and col, what is known only at
// deployment (why, a clause) and so was not checked.
func unknownFinding(line, col int, why string) policy.Finding {
	sev, _ := policy.CodeSeverity(policy.CodeUnknownPolicy)
	return policy.Finding{Severity: sev, Code: policy.CodeUnknownPolicy, Statement: -1, Line: line, Column: col,
		Message: why + ", so it was not checked: it may grant anything, to anyone"}
}

// member returns the value of the object member named name, its choice
// resolved, or nil.
func (v *value) member(name string) *value {
	v = v.pick()
	if v == nil || v.kind != vObject {
		return nil
	}
	for i, k := range v.keys {
		if n, _ := k.literal(); n == name {
			return v.vals[i].pick()
		}
	}
	return nil
}

// place maps a position in Document to the file.
func (p *Policy) place(line, col int) (int, int) {
	switch {
	case line <= 0 || p.trace == nil && !p.verbatim:
		return p.Line, p.Column
	case p.verbatim:
		return line, col
	}
	return p.trace.place(p.Document, line, col)
}

// covered reports whether a finding at path is about an unknown value:
// the value itself or something inside it.
func covered(path string, unknown []string) bool {
	if path == "" {
		return false
	}
	for _, u := range unknown {
		if path == u || strings.HasPrefix(path, u+".") || strings.HasPrefix(path, u+"[") {
			return true
		}
		// A single value may be addressed as the element or as its first
		// item.
		if strings.TrimSuffix(path, "[0]") == strings.TrimSuffix(u, "[0]") {
			return true
		}
	}
	return false
}

// Unknown values: in Resource and NotResource an unknown part is written
// as "*", which matches anything; elsewhere (principals, condition values,
// actions) as unknownText, a fixed value that limits a public statement
// as the deployed value will, and findings at those values are dropped.
const unknownText = "s3secure-unknown-value"

// vkind is the kind of an evaluated template value.
type vkind uint8

const (
	vNull vkind = iota
	vString
	vNumber
	vBool
	vObject
	vArray
	vAbsent // AWS::NoValue: the element is left out
	vChoice // Fn::If: one of two values, known at deployment
)

// value is a template value after intrinsic functions are evaluated as far
// as they can be before deployment.
type value struct {
	kind      vkind
	line, col int
	text      string   // number or boolean literal
	parts     []part   // a string: literal text and unknown pieces
	keys      []*value // object member names (strings)
	vals      []*value // object member values, array items, or the two choices
	cond      string   // a choice: the name of its Fn::If condition
}

// part is a piece of a string: literal text, or a value unknown until
// deployment (pseudo names a pseudo parameter such as AWS::AccountId).
// Literal text taken from a template parameter's Default names the
// parameter.
type part struct {
	text    string
	unknown bool
	pseudo  string
	param   *paramDefault
}

// paramDefault is a template parameter checked at its Default; noEcho
// keeps the Default out of messages.
type paramDefault struct {
	name, def string
	noEcho    bool
}

func (v *value) literal() (string, bool) {
	if v == nil || v.kind != vString {
		return "", false
	}
	var b strings.Builder
	for _, p := range v.parts {
		if p.unknown {
			return "", false
		}
		b.WriteString(p.text)
	}
	return b.String(), true
}

// pick resolves a choice to its first branch that is present.
func (v *value) pick() *value {
	for v != nil && v.kind == vChoice {
		if v.vals[0].kind != vAbsent {
			v = v.vals[0]
		} else {
			v = v.vals[1]
		}
	}
	return v
}

// seg maps generated text from column col of a line onward to a place in
// the file.
type seg struct{ col, line, ocol int }

// rendered is a policy written out as JSON, one element a line, with the
// place in the file of everything on each line.
type rendered struct {
	buf     bytes.Buffer
	line    int // current line, 1-based
	col     int // next column, 1-based
	segs    map[int][]seg
	holes   map[[2]int]bool            // line/column of strings with unknown parts
	params  map[[2]int][]*paramDefault // line/column of strings with parameter Defaults
	account string
	masked  bool // NoEcho Defaults are written as noEchoText (Policy.Document)
}

// noEchoText stands for a NoEcho parameter's Default in Policy.Document.
const noEchoText = "s3secure-noecho-value"

func render(v *value, account string, masked bool) *rendered {
	r := &rendered{line: 1, col: 1, segs: map[int][]seg{}, holes: map[[2]int]bool{},
		params: map[[2]int][]*paramDefault{}, account: account, masked: masked}
	r.mark(v)
	r.value(v, false, "")
	return r
}

func (r *rendered) write(s string) {
	r.buf.WriteString(s)
	r.col += utf8.RuneCountInString(s)
}

func (r *rendered) newline() {
	r.buf.WriteByte('\n')
	r.line++
	r.col = 1
}

// mark records that what is written next comes from v's place.
func (r *rendered) mark(v *value) {
	if v == nil || v.line == 0 {
		return
	}
	r.segs[r.line] = append(r.segs[r.line], seg{col: r.col, line: v.line, ocol: v.col})
}

// branches returns the items an item of a list stands for: both branches
// of an Fn::If that are present, else the item itself.
func branches(it *value) []*value {
	if it.kind == vChoice {
		return present(it.vals)
	}
	return []*value{it}
}

func present(vs []*value) []*value {
	out := make([]*value, 0, len(vs))
	for _, v := range vs {
		if v.pick().kind != vAbsent {
			out = append(out, v)
		}
	}
	return out
}

// member writes the value of an object member named name. An element
// that must be an object but is wholly unknown is written as an object
// of the same effect: a principal as {"AWS": unknown}, a condition as one
// fixed (limiting) value of aws:SourceVpce.
func (r *rendered) member(name string, v *value, wild bool) {
	if v.wholly() {
		switch name {
		case "Principal", "NotPrincipal":
			r.write(`{"AWS": `)
			r.value(v, false, name)
			r.write("}")
			return
		case "Condition":
			r.write(`{"StringEquals": {"aws:SourceVpce": `)
			r.value(v, false, name)
			r.write("}}")
			return
		}
	}
	r.value(v, wild, name)
}

// wholly reports whether v is a string known only at deployment.
func (v *value) wholly() bool {
	if v == nil || v.kind != vString || len(v.parts) == 0 {
		return false
	}
	for _, p := range v.parts {
		if !p.unknown {
			return false
		}
	}
	return true
}

// value writes v; parent is the name of the member it is the value of
// (or an item of).
func (r *rendered) value(v *value, wild bool, parent string) {
	v = v.pick()
	switch v.kind {
	case vObject:
		r.write("{")
		n := 0
		for i, k := range v.keys {
			name, _ := k.literal()
			val := v.vals[i].pick()
			if val.kind == vAbsent || parent == "Condition" && val.wholly() {
				// A condition operator whose keys are all unknown: left out.
				continue
			}
			if n > 0 {
				r.write(",")
			}
			n++
			r.newline()
			r.mark(k)
			r.write(quote(name) + ": ")
			r.mark(val)
			r.member(name, val, wild || name == "Resource" || name == "NotResource")
		}
		r.newline()
		r.mark(v)
		r.write("}")
	case vArray:
		r.write("[")
		var items []*value
		for _, it := range v.vals {
			// Fn::If in a list: both branches are linted. A statement
			// known only at deployment is left out (Validate reports it).
			for _, b := range branches(it) {
				if p := b.pick(); p.kind != vAbsent && !(parent == "Statement" && p.wholly()) {
					items = append(items, b)
				}
			}
		}
		for i, it := range items {
			if i > 0 {
				r.write(",")
			}
			r.newline()
			r.mark(it.pick())
			r.value(it, wild, parent)
		}
		r.newline()
		r.mark(v)
		r.write("]")
	case vString:
		var b strings.Builder
		hole := false
		for _, p := range v.parts {
			if p.param != nil {
				at := [2]int{r.line, r.col}
				r.params[at] = append(r.params[at], p.param)
			}
			switch {
			case r.masked && p.param != nil && p.param.noEcho:
				b.WriteString(noEchoText)
			case !p.unknown:
				b.WriteString(p.text)
			case p.pseudo == "AWS::AccountId" && r.account != "":
				b.WriteString(r.account)
			case wild:
				b.WriteString("*")
				hole = true
			default:
				b.WriteString(unknownText)
				hole = true
			}
		}
		if hole {
			r.holes[[2]int{r.line, r.col}] = true
		}
		r.write(quote(b.String()))
	case vNumber, vBool:
		r.write(v.text)
	default:
		r.write("null")
	}
}

func quote(s string) string {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(s) // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// unknownPaths returns the JSON paths (as policy.Finding.Path writes
// them) of the strings that hold unknown values, and of those that hold
// parameter Defaults with the parameters.
func (r *rendered) unknownPaths() (unknown []string, params map[string][]*paramDefault) {
	if len(r.holes) == 0 && len(r.params) == 0 {
		return nil, nil
	}
	doc, err := policy.Parse(r.buf.Bytes())
	if err != nil {
		return nil, nil
	}
	params = map[string][]*paramDefault{}
	for _, p := range doc.Paths() {
		pos := doc.Pos(p)
		at := [2]int{pos.Line, pos.Column}
		if r.holes[at] {
			unknown = append(unknown, p)
		}
		if ps := r.params[at]; len(ps) > 0 {
			params[p] = ps
		}
	}
	return unknown, params
}

// statementCodes are the codes of findings about what a whole statement
// grants: whether it is public, or names resources its actions apply to,
// depends on every element of it.
var statementCodes = map[string]bool{
	policy.CodePublicAccess: true, policy.CodePublicWrite: true, policy.CodeActionResourceMismatch: true,
	policy.CodeCrossAccountPermissionsManagement: true, policy.CodeDeadAction: true, policy.CodeResourceNotStar: true,
	policy.CodeAllowWithNotAction: true, policy.CodeAllowWithNotResource: true,
}

// withDefaults adds to a finding's message the parameters whose Defaults
// it was found with: for a finding about what a statement grants, those in
// the statement; else those at its path, inside it or around it.
func withDefaults(f *policy.Finding, params map[string][]*paramDefault) {
	if f.Path == "" || len(params) == 0 {
		return
	}
	base := f.Path
	switch {
	case !statementCodes[f.Code]:
	case strings.HasPrefix(base, "Statement["):
		base = base[:strings.IndexByte(base, ']')+1]
	case strings.HasPrefix(base, "Statement."):
		base = "Statement"
	}
	var notes []string
	seen := map[string]bool{}
	paths := make([]string, 0, len(params))
	for p := range params {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		if !within(p, base) && !within(base, p) {
			continue
		}
		for _, d := range params[p] {
			if !seen[d.name] {
				seen[d.name] = true
				def := quote(d.def)
				if d.noEcho {
					def = "(NoEcho: not shown)"
				}
				notes = append(notes, "parameter "+d.name+" at its Default "+def)
			}
		}
	}
	switch len(notes) {
	case 0:
	case 1:
		f.Message += " (checked with " + notes[0] + "; a deployment may give it another value)"
	default:
		f.Message += " (checked with " + strings.Join(notes, ", ") + "; a deployment may give them other values)"
	}
}

// hideNoEcho replaces in a finding's message the Default of every NoEcho
// parameter the policy uses: a message may quote a value (a condition's,
// a principal's), and that value is a secret.
func hideNoEcho(f *policy.Finding, params map[string][]*paramDefault) {
	for _, ds := range params {
		for _, d := range ds {
			if d.noEcho && d.def != "" {
				f.Message = strings.ReplaceAll(f.Message, d.def, "(NoEcho parameter "+d.name+")")
			}
		}
	}
}

// within reports whether path is base or inside it.
func within(path, base string) bool {
	return path == base || strings.HasPrefix(path, base+".") || strings.HasPrefix(path, base+"[")
}

// place maps a position in the rendered text to the file; a finding with
// no position gets the policy's.
func (r *rendered) place(line, col, pline, pcol int) (int, int) {
	segs := r.segs[line]
	if line <= 0 || len(segs) == 0 {
		return pline, pcol
	}
	i := sort.Search(len(segs), func(i int) bool { return segs[i].col > col })
	if i == 0 {
		i = 1
	}
	return segs[i-1].line, segs[i-1].ocol
}

// textTrace maps the bytes of a policy that was a JSON string in the file
// (a Terraform plan's attribute) back to the file. The offset of each
// byte is worked out again when a finding needs it, so that a plan with
// many clean policies costs nothing more.
type textTrace struct {
	start int // offset of the string literal's opening quote
	lines *lineIndex
	once  sync.Once
	offs  []int // file offset of each byte of the document, once needed
}

func (t *textTrace) place(doc []byte, line, col int) (int, int) {
	// The document offset of (line, col), col in runes.
	off, l := 0, 1
	for l < line && off < len(doc) {
		if i := bytes.IndexByte(doc[off:], '\n'); i >= 0 {
			off += i + 1
			l++
		} else {
			off = len(doc)
		}
	}
	for c := 1; c < col && off < len(doc) && doc[off] != '\n'; c++ {
		_, size := utf8.DecodeRune(doc[off:])
		off += size
	}
	t.once.Do(func() { _, t.offs, _, _ = decodeString(t.lines.src, t.start, true) })
	if len(t.offs) == 0 {
		return t.lines.pos(t.start)
	}
	return t.lines.pos(t.offs[min(off, len(t.offs)-1)])
}

// utf8BOM is UTF-8's byte order mark. A file may start with it; it is no
// column of the first line.
const utf8BOM = "\xEF\xBB\xBF"

// lineIndex turns byte offsets of a file into lines and columns. A line
// ends at a line feed.
type lineIndex struct {
	src    []byte
	starts []int
	mu     sync.Mutex
	ascii  map[int]bool // lines known to be ASCII or not
}

func newLineIndex(src []byte) *lineIndex {
	x := &lineIndex{src: src, starts: []int{0}, ascii: map[int]bool{}}
	for i, c := range src {
		if c == '\n' {
			x.starts = append(x.starts, i+1)
		}
	}
	return x
}

func (x *lineIndex) pos(off int) (int, int) {
	i := sort.Search(len(x.starts), func(i int) bool { return x.starts[i] > off }) - 1
	start := x.starts[i]
	if i == 0 && bytes.HasPrefix(x.src, []byte(utf8BOM)) {
		start = min(len(utf8BOM), off)
	}
	end := len(x.src)
	if i+1 < len(x.starts) {
		end = x.starts[i+1]
	}
	x.mu.Lock()
	ascii, ok := x.ascii[i]
	x.mu.Unlock()
	if !ok {
		ascii = true
		for _, c := range x.src[start:end] {
			if c >= utf8.RuneSelf {
				ascii = false
				break
			}
		}
		x.mu.Lock()
		x.ascii[i] = ascii
		x.mu.Unlock()
	}
	if ascii {
		return i + 1, off - start + 1
	}
	return i + 1, utf8.RuneCount(x.src[start:off]) + 1
}
