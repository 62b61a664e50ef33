package iac

import (
	"bytes"
	"errors"
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"

	"go.yaml.in/yaml/v3"

	"github.com/s3secure/s3secure/policy"
)

// cfnPolicies says where each CloudFormation resource type keeps its
// policies: a property holding one document, or a list property whose
// items hold one each (AWS::IAM::Role's Policies[].PolicyDocument).
var cfnPolicies = map[string]struct {
	prop, list string // the document's property; the list it is in, if any (no prop: the list's items are the documents)
	kind       policy.Kind
	// unchecked: package policy cannot validate the type's policies yet
	// (their actions, s3express:, s3-object-lambda:, s3-outposts:, or
	// ARNs are not in its catalog, so every one would give false errors);
	// what they are, a plural for unchecked. Each is returned Unknown,
	// at its value: it may grant anything and was not read.
	unchecked string
}{
	"AWS::S3::BucketPolicy":   {prop: "PolicyDocument", kind: policy.KindBucket},
	"AWS::S3::AccessPoint":    {prop: "Policy", kind: policy.KindAccessPoint},
	"AWS::IAM::ManagedPolicy": {prop: "PolicyDocument", kind: policy.KindManaged},
	"AWS::IAM::Policy":        {prop: "PolicyDocument", kind: policy.KindInlineRole}, // see iamPolicyKind
	"AWS::IAM::RolePolicy":    {prop: "PolicyDocument", kind: policy.KindInlineRole},
	"AWS::IAM::UserPolicy":    {prop: "PolicyDocument", kind: policy.KindInlineUser},
	"AWS::IAM::GroupPolicy":   {prop: "PolicyDocument", kind: policy.KindInlineGroup},
	"AWS::IAM::Role":          {list: "Policies", prop: "PolicyDocument", kind: policy.KindInlineRole},
	"AWS::IAM::User":          {list: "Policies", prop: "PolicyDocument", kind: policy.KindInlineUser},
	"AWS::IAM::Group":         {list: "Policies", prop: "PolicyDocument", kind: policy.KindInlineGroup},
	// AWS SAM: Policies is one item or a list, each a managed policy's
	// name or ARN, a policy template, or an inline policy document (a
	// mapping with a Statement), which SAM makes an inline policy of the
	// role it makes.
	"AWS::Serverless::Function":              {list: "Policies", kind: policy.KindInlineRole},
	"AWS::Serverless::StateMachine":          {list: "Policies", kind: policy.KindInlineRole},
	"AWS::S3Express::BucketPolicy":           {prop: "PolicyDocument", unchecked: "directory bucket policies"},
	"AWS::S3::MultiRegionAccessPointPolicy":  {prop: "Policy", unchecked: "Multi-Region Access Point policies"},
	"AWS::S3ObjectLambda::AccessPointPolicy": {prop: "PolicyDocument", unchecked: "Object Lambda Access Point policies"},
	"AWS::S3Outposts::BucketPolicy":          {prop: "PolicyDocument", unchecked: "S3 on Outposts bucket policies"},
	"AWS::S3Outposts::AccessPoint":           {prop: "Policy", unchecked: "S3 on Outposts access point policies"},
}

// unchecked returns p, a policy of a type package policy cannot validate
// yet (what they are, a plural: cfnPolicies, tfPolicies), as an Unknown
// policy at the same place, unless it is Unknown already.
func unchecked(p Policy, what string) Policy {
	if p.Unknown {
		return p
	}
	return Policy{Resource: p.Resource, Type: p.Type, Property: p.Property, Line: p.Line, Column: p.Column, Unknown: true,
		unknownWhy: "s3secure does not check " + what + " (" + p.Type + ") yet"}
}

// CloudFormation returns the policies of a CloudFormation template, in
// JSON or YAML (with the short-form intrinsic functions !Sub, !Ref,
// !GetAtt, !Join, !If, ...), in the order of the template's resources:
// AWS::S3::BucketPolicy, AWS::S3::AccessPoint, AWS::IAM::ManagedPolicy,
// AWS::IAM::Policy (and RolePolicy, UserPolicy, GroupPolicy), and the
// inline Policies of AWS::IAM::Role, User and Group, and the inline
// policy documents among the Policies of AWS SAM's
// AWS::Serverless::Function and AWS::Serverless::StateMachine (as role
// inline policies; SAM's policy templates are not expanded, and managed
// policies are named, not written, there); the policies of the types in
// the package documentation that package policy cannot validate yet are
// returned Unknown. Role trust policies
// (AssumeRolePolicyDocument) grant no S3 access and are not returned.
//
// A parameter with a Default (other than a Systems Manager parameter type)
// is checked at its Default, which a deployment that gives no value uses,
// and !FindInMap and !Select are applied when what they name is known;
// findings in a statement that uses one name the parameter and its
// Default. A policy given by a function whose value is known only at
// deployment (!Ref a parameter without a Default, !GetAtt, !ImportValue),
// or whose statements all are, is returned Unknown (see [Policy.Unknown]).
// Inside a policy, such values are placeholders (see the
// package documentation); !Sub
// substitutes its variables where they are known, and its ${!Literal}
// escape is the literal text ${Literal}, so IAM policy variables such as
// ${aws:username} are written ${!aws:username} in a !Sub and plainly
// elsewhere. An Fn::If is checked in every branch (see the package
// documentation): a policy in one is returned for each branch. The
// resources of an Fn::ForEach loop are returned once for each item, with
// their logical ids as the loop makes them. YAML aliases and merge keys
// (<<) are followed, as aws cloudformation package resolves them in the
// template it deploys.
//
// The error is a *SyntaxError when data is neither JSON nor YAML, or has
// no Resources mapping.
func CloudFormation(data []byte) ([]Policy, error) {
	root, err := parseTemplate(data)
	if err != nil {
		return nil, err
	}
	resources := mapGet(root, "Resources")
	if resources == nil || resources.Kind != yaml.MappingNode {
		return nil, &SyntaxError{Line: root.Line, Column: root.Column, Msg: "not a CloudFormation template: no Resources mapping"}
	}
	e := &evaluator{budget: evalBudget, params: parameters(root), mappings: mapGet(root, "Mappings")}
	var out []Policy
	var walk func(m *yaml.Node, depth int)
	walk = func(m *yaml.Node, depth int) {
		ps := pairs(m)
		for i := 0; i+1 < len(ps); i += 2 {
			key := ps[i]
			if strings.HasPrefix(key.Value, forEachPrefix) {
				// Fn::ForEach (AWS::LanguageExtensions): the fragment's
				// resources, once for each item.
				e.forEach(deref(ps[i+1]), depth, func(fragment *yaml.Node) { walk(fragment, depth+1) })
				continue
			}
			out = append(out, e.resource(key, e.name(key.Value), deref(ps[i+1]))...)
		}
	}
	walk(resources, 0)
	if e.budget < 0 {
		// What is past the budget was read as values known only at
		// deployment, placeholders that may hide anything.
		out = append(out, Policy{Line: resources.Line, Column: resources.Column, Unknown: true,
			unknownWhy: fmt.Sprintf("the template is too large to check whole (more than %d values to evaluate, YAML aliases "+
				"and Fn::ForEach loops expanded), and its policies past that", evalBudget)})
	}
	return out, nil
}

// resource returns the policies of the resource res, whose logical id is
// id (key in the template).
func (e *evaluator) resource(key *yaml.Node, id string, res *yaml.Node) []Policy {
	if e.budget < 0 {
		return nil // CloudFormation reports what is past the budget
	}
	if id == transform {
		// Resources included at deployment (AWS::Include).
		return []Policy{included(id, "", "", 0, key.Line, key.Column, "resources")}
	}
	typ := scalar(mapGet(res, "Type"))
	where, ok := cfnPolicies[typ]
	if !ok {
		if typ == "" && mapGet(res, transform) != nil {
			return []Policy{included(id, "", "", 0, res.Line, res.Column, "resource")}
		}
		return nil
	}
	prop := where.prop
	if where.list != "" {
		prop = where.list
	}
	props := mapGet(res, "Properties")
	if props == nil {
		if t := mapGet(res, transform); t != nil {
			// Properties included at deployment.
			return []Policy{included(id, typ, prop, where.kind, t.Line, t.Column, "policy")}
		}
		return nil
	}
	pvs := alternatives(e.eval(props, 0))
	if e.budget < 0 {
		return nil // CloudFormation reports what is past the budget
	}
	var out []Policy
	// Which branch of an Fn::If the stack takes is decided at
	// deployment: a policy in either is found.
	for _, pv := range pvs {
		kind := where.kind
		if typ == "AWS::IAM::Policy" {
			kind = iamPolicyKind(pv)
		}
		if p, ok := includedProperty(id, typ, prop, kind, pv); ok {
			out = append(out, p)
			continue
		}
		if where.list == "" {
			out = append(out, policyFromValue(id, typ, where.prop, kind, pv.get(where.prop))...)
			continue
		}
		if where.prop == "" {
			out = append(out, samPolicies(id, typ, where.list, kind, pv.get(where.list))...)
			continue
		}
		for _, list := range alternatives(pv.get(where.list)) {
			if list.wholly() {
				out = append(out, included(id, typ, where.list, kind, list.line, list.col, "policies"))
				continue
			}
			if list.kind != vArray {
				continue
			}
			for j, it := range list.vals {
				for _, item := range alternatives(it) {
					if item.wholly() {
						out = append(out, included(id, typ, fmt.Sprintf("%s[%d]", where.list, j), kind, item.line, item.col, "policy"))
						continue
					}
					if item.kind != vObject {
						continue
					}
					for k, key := range item.keys {
						if name, _ := key.literal(); name == where.prop {
							prop := fmt.Sprintf("%s[%d].%s", where.list, j, where.prop)
							out = append(out, policyFromValue(id, typ, prop, where.kind, item.vals[k])...)
						}
					}
				}
			}
		}
	}
	if where.unchecked != "" {
		for i := range out {
			out[i] = unchecked(out[i], where.unchecked)
		}
	}
	return out
}

// samPolicies returns the inline policy documents of an AWS SAM resource's
// Policies (list, the property's name): the property itself, or its items,
// that are mappings with a Statement. Managed policies' names and ARNs, and
// policy templates, are not documents of the template.
func samPolicies(id, typ, list string, kind policy.Kind, v *value) []Policy {
	var out []Policy
	for _, l := range alternatives(v) {
		if l.kind == vObject && l.get("Statement") != nil {
			out = append(out, policyFromValue(id, typ, list, kind, l)...)
			continue
		}
		if l.kind != vArray {
			continue
		}
		for j, it := range l.vals {
			for _, item := range alternatives(it) {
				if item.kind == vObject && item.get("Statement") != nil {
					out = append(out, policyFromValue(id, typ, fmt.Sprintf("%s[%d]", list, j), kind, item)...)
				}
			}
		}
	}
	return out
}

// transform is the key of AWS::Include (and other macros) inside a
// template: what it names is inserted in its place at deployment.
const transform = "Fn::Transform"

// includedProperty returns, for a policy resource's Properties that are
// known only at deployment (AWS::Include in place of them, or beside
// them without the policy's property prop), the Unknown policy.
func includedProperty(id, typ, prop string, kind policy.Kind, props *value) (Policy, bool) {
	if props.wholly() {
		return included(id, typ, prop, kind, props.line, props.col, "policy"), true
	}
	if props.get(prop) != nil {
		return Policy{}, false
	}
	for i, k := range props.keys {
		if name, _ := k.literal(); name == transform && props.vals[i].kind != vAbsent {
			return included(id, typ, prop, kind, k.line, k.col, "policy"), true
		}
	}
	return Policy{}, false
}

// included is what an Fn::Transform (AWS::Include) inserts at line, col,
// a policy or what may hold one (what: "policy", "resource", ...): known
// only at deployment.
func included(id, typ, prop string, kind policy.Kind, line, col int, what string) Policy {
	return Policy{Resource: id, Type: typ, Property: prop, Kind: kind, Line: line, Column: col, Unknown: true,
		unknownWhy: "the " + what + " is inserted at deployment by Fn::Transform (AWS::Include or another macro) and known only then"}
}

// iamPolicyKind tells which inline policy an AWS::IAM::Policy is: a role's,
// a user's or a group's, by what it is attached to (a role's when several).
func iamPolicyKind(props *value) policy.Kind {
	switch {
	case props.get("Roles") != nil:
		return policy.KindInlineRole
	case props.get("Users") != nil:
		return policy.KindInlineUser
	case props.get("Groups") != nil:
		return policy.KindInlineGroup
	}
	return policy.KindInlineRole
}

// get returns the value of the last object member named name, as it is
// (an Fn::If not resolved), or nil when there is none or it is
// AWS::NoValue.
func (v *value) get(name string) *value {
	if v == nil || v.kind != vObject {
		return nil
	}
	var found *value
	for i, k := range v.keys {
		if n, _ := k.literal(); n == name {
			found = v.vals[i]
		}
	}
	if found != nil && found.kind == vAbsent {
		return nil
	}
	return found
}

// alternatives returns what v may be once deployed: each branch of an
// Fn::If that is present (those of an Fn::If in a branch too), else v.
func alternatives(v *value) []*value {
	switch {
	case v == nil || v.kind == vAbsent:
		return nil
	case v.kind != vChoice:
		return []*value{v}
	}
	var out []*value
	for _, b := range v.vals {
		out = append(out, alternatives(b)...)
	}
	return out
}

// policyFromValue returns the policy v is, one for each branch when v is
// an Fn::If, or none.
func policyFromValue(id, typ, prop string, kind policy.Kind, v *value) []Policy {
	var out []Policy
	for _, v := range alternatives(v) {
		if v.kind == vString {
			// A document given as a JSON string: its findings point at
			// the string.
			s, ok := v.literal()
			if !ok {
				out = append(out, unknownPolicy(id, typ, prop, kind, v, "the policy is"))
				continue
			}
			n, err := parseJSON([]byte(s))
			if err != nil {
				// Validate reports the syntax error at the string.
				out = append(out, Policy{Resource: id, Type: typ, Property: prop, Kind: kind, Line: v.line, Column: v.col, Document: []byte(s)})
				continue
			}
			v = fromJSON(n, v.line, v.col)
		}
		if v.kind != vObject {
			continue
		}
		if st := v.get("Statement"); st.wholly() {
			out = append(out, unknownPolicy(id, typ, prop, kind, v, "the policy's statements are"))
			continue
		}
		p := Policy{Resource: id, Type: typ, Property: prop, Kind: kind, Line: v.line, Column: v.col, doc: v}
		p.Document = render(v, "", true).buf.Bytes()
		out = append(out, p)
	}
	return out
}

// unknownPolicy is a template's policy that is known only at deployment,
// placed at v; what is "the policy is" or "the policy's statements are".
func unknownPolicy(id, typ, prop string, kind policy.Kind, v *value, what string) Policy {
	return Policy{Resource: id, Type: typ, Property: prop, Kind: kind, Line: v.line, Column: v.col, Unknown: true,
		unknownWhy: what + " known only at deployment (!ImportValue, !GetAtt, !Ref of a parameter without a Default)"}
}

// fromJSON turns a JSON value into a template value placed at (line, col).
func fromJSON(n *jnode, line, col int) *value {
	v := &value{line: line, col: col}
	switch n.kind {
	case 'o':
		v.kind = vObject
		for i, k := range n.keys {
			v.keys = append(v.keys, &value{kind: vString, line: line, col: col, parts: []part{{text: k.str}}})
			v.vals = append(v.vals, fromJSON(n.vals[i], line, col))
		}
	case 'a':
		v.kind = vArray
		for _, it := range n.vals {
			v.vals = append(v.vals, fromJSON(it, line, col))
		}
	case 's':
		v.kind, v.parts = vString, []part{{text: n.str}}
	case 'n':
		v.kind, v.text = vNumber, n.str
	case 'b':
		v.kind, v.text = vBool, n.str
	}
	return v
}

// parseTemplate reads a JSON or YAML template into a YAML node tree.
func parseTemplate(data []byte) (*yaml.Node, error) {
	if isJSON(data) {
		j, err := parseJSON(data)
		if err != nil {
			return nil, err
		}
		return toYAML(j), nil
	}
	var doc yaml.Node
	lines := newYAMLLines(data)
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, lines.syntaxError(err)
	}
	lines.fix(&doc, map[*yaml.Node]bool{})
	if doc.Kind != yaml.DocumentNode || len(doc.Content) == 0 {
		return nil, &SyntaxError{Msg: "empty template"}
	}
	root := deref(doc.Content[0])
	if root.Kind != yaml.MappingNode {
		return nil, &SyntaxError{Line: root.Line, Column: root.Column, Msg: "not a CloudFormation template: the top level is not a mapping"}
	}
	return root, nil
}

var yamlLineRE = regexp.MustCompile(`^yaml: (?:line (\d+): )?(.*)$`)

// yamlLines moves yaml.v3's lines and columns to the package's. yaml.v3
// ends a line at a lone CR and at NEL, LS and PS too (YAML 1.1); here, as
// in JSON templates, Terraform plans and the policy package, a line ends
// at a line feed only, so a policy and its findings count lines alike
// and point inside the file. A nil *yamlLines (yaml.v3 counts as the
// package does) changes nothing.
type yamlLines struct {
	src    []byte
	starts []int // the byte offset of each of yaml.v3's lines
	lines  *lineIndex
}

// newYAMLLines returns nil when src has no line break other than LF and
// CRLF, or is not UTF-8 (yaml.v3 reads UTF-16 too; its positions are
// then left as they are).
func newYAMLLines(src []byte) *yamlLines {
	if bytes.HasPrefix(src, []byte("\xFF\xFE")) || bytes.HasPrefix(src, []byte("\xFE\xFF")) { // UTF-16's byte order marks
		return nil
	}
	y := &yamlLines{src: src, starts: []int{0}}
	if bytes.HasPrefix(src, []byte(utf8BOM)) {
		y.starts[0] = len(utf8BOM) // yaml.v3's first column follows it
	}
	odd := false
	for i := y.starts[0]; i < len(src); {
		n := yamlBreak(src[i:])
		if n == 0 {
			i++
			continue
		}
		odd = odd || src[i] != '\n' && (src[i] != '\r' || n != 2)
		i += n
		y.starts = append(y.starts, i)
	}
	if !odd {
		return nil
	}
	y.lines = newLineIndex(src)
	return y
}

// yamlBreak returns the length of the line break b starts with, as
// yaml.v3 reads it (is_break, skip_line), or 0.
func yamlBreak(b []byte) int {
	switch {
	case b[0] == '\n':
		return 1
	case b[0] == '\r':
		if len(b) > 1 && b[1] == '\n' {
			return 2
		}
		return 1
	case bytes.HasPrefix(b, []byte("\u0085")):
		return 2
	case bytes.HasPrefix(b, []byte("\u2028")), bytes.HasPrefix(b, []byte("\u2029")):
		return 3
	}
	return 0
}

// place returns the package's line and column of yaml.v3's (both
// 1-based; yaml.v3's column counts characters).
func (y *yamlLines) place(line, col int) (int, int) {
	if y == nil || line < 1 {
		return line, col
	}
	off := y.starts[min(line, len(y.starts))-1]
	for ; col > 1 && off < len(y.src); col-- {
		_, size := utf8.DecodeRune(y.src[off:])
		off += size
	}
	return y.lines.pos(off)
}

// fix moves the positions of n and of every node under it, each once.
func (y *yamlLines) fix(n *yaml.Node, seen map[*yaml.Node]bool) {
	if y == nil || n == nil || seen[n] {
		return
	}
	seen[n] = true
	n.Line, n.Column = y.place(n.Line, n.Column)
	for _, c := range n.Content {
		y.fix(c, seen)
	}
	y.fix(n.Alias, seen)
}

// syntaxError turns a yaml.v3 error into a *SyntaxError with its line.
func (y *yamlLines) syntaxError(err error) error {
	se := yamlError(err)
	if se.Line > 0 {
		se.Line, _ = y.place(se.Line, 1)
	}
	return se
}

// yamlError turns a yaml.v3 error into a *SyntaxError with its line.
func yamlError(err error) *SyntaxError {
	msg := err.Error()
	var te *yaml.TypeError
	if errors.As(err, &te) && len(te.Errors) > 0 {
		msg = te.Errors[0]
	}
	se := &SyntaxError{Msg: msg}
	if m := yamlLineRE.FindStringSubmatch(strings.SplitN(msg, "\n", 2)[0]); m != nil {
		se.Msg = m[2]
		if m[1] != "" {
			se.Line, _ = strconv.Atoi(m[1])
			se.Column = 1
		}
	}
	return se
}

// isJSON reports whether data starts like a JSON object.
func isJSON(data []byte) bool {
	d := bytes.TrimLeft(bytes.TrimPrefix(data, []byte(utf8BOM)), " \t\r\n")
	return len(d) > 0 && d[0] == '{'
}

// toYAML turns a JSON value into YAML nodes, so JSON and YAML templates
// share one walker.
func toYAML(j *jnode) *yaml.Node {
	n := &yaml.Node{Line: j.line, Column: j.col}
	switch j.kind {
	case 'o':
		n.Kind, n.Tag = yaml.MappingNode, "!!map"
		for i, k := range j.keys {
			n.Content = append(n.Content, toYAML(k), toYAML(j.vals[i]))
		}
	case 'a':
		n.Kind, n.Tag = yaml.SequenceNode, "!!seq"
		for _, it := range j.vals {
			n.Content = append(n.Content, toYAML(it))
		}
	case 's':
		n.Kind, n.Tag, n.Value, n.Style = yaml.ScalarNode, "!!str", j.str, yaml.DoubleQuotedStyle
	case 'n':
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!float", j.str
	case 'b':
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!bool", j.str
	default:
		n.Kind, n.Tag, n.Value = yaml.ScalarNode, "!!null", "null"
	}
	return n
}

// deref follows YAML aliases.
func deref(n *yaml.Node) *yaml.Node {
	for i := 0; n != nil && n.Kind == yaml.AliasNode && i < 100; i++ {
		n = n.Alias
	}
	return n
}

// mapGet returns the value of key in a mapping, or nil.
func mapGet(n *yaml.Node, key string) *yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var found *yaml.Node
	ps := pairs(n)
	for i := 0; i+1 < len(ps); i += 2 {
		if ps[i].Value == key {
			found = ps[i+1]
		}
	}
	return deref(found)
}

// isMerge reports whether a mapping key is YAML's merge key, <<.
func isMerge(k *yaml.Node) bool {
	return k.Kind == yaml.ScalarNode && k.Tag == "!!merge"
}

// pairs returns the keys and values of a mapping (key, value, key, ...)
// with its merge keys applied, as aws cloudformation package (PyYAML)
// applies them: "<<: *a" or "<<: [*a, *b]" adds the members of the
// mappings named whose keys the mapping does not have, a mapping named
// first winning over a later one.
func pairs(n *yaml.Node) []*yaml.Node {
	n = deref(n)
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	merged := false
	for i := 0; i+1 < len(n.Content); i += 2 {
		merged = merged || isMerge(n.Content[i])
	}
	if !merged {
		return n.Content
	}
	return mergePairs(n, map[*yaml.Node][]*yaml.Node{}, 0)
}

// mergePairs is pairs of a mapping that has merge keys; done holds the
// pairs of the mappings already merged, so that each is merged once
// however often it is named (aliases of aliases stay linear).
func mergePairs(n *yaml.Node, done map[*yaml.Node][]*yaml.Node, depth int) []*yaml.Node {
	if ps, ok := done[n]; ok {
		return ps
	}
	done[n] = nil // a mapping that merges itself adds nothing more
	var out, from []*yaml.Node
	have := map[string]bool{}
	for i := 0; i+1 < len(n.Content); i += 2 {
		k, v := n.Content[i], n.Content[i+1]
		if !isMerge(k) {
			out = append(out, k, v)
			have[k.Value] = true
			continue
		}
		if v = deref(v); v != nil && v.Kind == yaml.SequenceNode {
			from = append(from, v.Content...)
		} else {
			from = append(from, v)
		}
	}
	for _, m := range from {
		if m = deref(m); m == nil || m.Kind != yaml.MappingNode || depth >= maxDepth {
			continue
		}
		ps := mergePairs(m, done, depth+1)
		for i := 0; i+1 < len(ps); i += 2 {
			if !have[ps[i].Value] {
				have[ps[i].Value] = true
				out = append(out, ps[i], ps[i+1])
			}
		}
	}
	done[n] = out
	return out
}

// scalar returns a scalar node's text, or "".
func scalar(n *yaml.Node) string {
	if n = deref(n); n == nil || n.Kind != yaml.ScalarNode {
		return ""
	}
	return n.Value
}

// evalBudget bounds the nodes evaluated in one template, so that YAML
// aliases nested in each other (a "billion laughs" file) cannot make a
// small template expand without end; what is past it is unknown. AWS's
// largest policy, 20 KB, has a few thousand nodes.
const evalBudget = 100_000

// evaluator evaluates template nodes: intrinsic functions whose value is
// known before deployment are applied, the others become unknown parts.
type evaluator struct {
	budget   int
	params   map[string]parameter
	mappings *yaml.Node // the template's Mappings, for Fn::FindInMap
	loop     []loopVar  // the identifiers of the Fn::ForEach loops being expanded, innermost last
}

// loopVar is the identifier of an Fn::ForEach loop and the item it stands
// for.
type loopVar struct {
	name string
	val  *value
}

// forEachPrefix starts the key of an Fn::ForEach loop
// ("Fn::ForEach::LoopLogicalName").
const forEachPrefix = "Fn::ForEach::"

// forEach expands the Fn::ForEach [Identifier, Collection, Fragment] at
// val (AWS::LanguageExtensions): it calls fn with the fragment once for
// each item of the collection, the identifier standing for the item. A
// collection known only at deployment (!Ref of a CommaDelimitedList
// parameter without a Default) is one item known only then, so the
// fragment is still checked, with a placeholder.
func (e *evaluator) forEach(val *yaml.Node, depth int, fn func(fragment *yaml.Node)) {
	if val == nil || val.Kind != yaml.SequenceNode || len(val.Content) != 3 || depth > maxDepth {
		return
	}
	name, fragment := scalar(val.Content[0]), deref(val.Content[2])
	if name == "" || fragment == nil || fragment.Kind != yaml.MappingNode {
		return
	}
	var items []*value
	for _, c := range alternatives(e.eval(val.Content[1], depth+1)) {
		if c.kind != vArray {
			items = append(items, unknown(val.Content[1], ""))
			continue
		}
		for _, it := range c.vals {
			items = append(items, alternatives(it)...)
		}
	}
	for _, it := range items {
		// Each item counts, so loops in loops over long lists (a
		// CommaDelimitedList's Default is one node) stay bounded too.
		if e.budget--; e.budget < 0 {
			return
		}
		e.loop = append(e.loop, loopVar{name: name, val: it})
		fn(fragment)
		e.loop = e.loop[:len(e.loop)-1]
	}
}

// loopValue returns the item the loop identifier name stands for.
func (e *evaluator) loopValue(name string) (*value, bool) {
	for i := len(e.loop) - 1; i >= 0; i-- {
		if e.loop[i].name == name {
			return e.loop[i].val, true
		}
	}
	return nil, false
}

// expand returns the parts of s with each ${Identifier} and &{Identifier}
// of a loop replaced by its item ("All instances of ${Identifier} or
// &{Identifier} in the OutputKey and OutputValue parameters are replaced
// with the values from the Collection parameter"; &{} drops the item's
// characters that are not letters or digits). An item known only at
// deployment is an unknown part, or with asText its ${Identifier} as it
// is written.
func (e *evaluator) expand(s string, asText bool) []part {
	if len(e.loop) == 0 || !strings.Contains(s, "{") {
		return []part{{text: s}}
	}
	var parts []part
	var lit strings.Builder
	for i := 0; i < len(s); {
		if (s[i] == '$' || s[i] == '&') && strings.HasPrefix(s[i+1:], "{") {
			if end := strings.IndexByte(s[i+2:], '}'); end >= 0 {
				token := s[i : i+3+end]
				if v, ok := e.loopValue(s[i+2 : i+2+end]); ok {
					for _, p := range stringParts(v) {
						switch {
						case p.unknown && asText:
							lit.WriteString(token)
						case p.unknown:
							if lit.Len() > 0 {
								parts = append(parts, part{text: lit.String()})
								lit.Reset()
							}
							parts = append(parts, p)
						case s[i] == '&':
							lit.WriteString(alphanumeric(p.text))
						default:
							lit.WriteString(p.text)
						}
					}
					i += len(token)
					continue
				}
			}
		}
		lit.WriteByte(s[i])
		i++
	}
	if lit.Len() > 0 || len(parts) == 0 {
		parts = append(parts, part{text: lit.String()})
	}
	return parts
}

// name is a logical id or key with the loops' identifiers replaced.
func (e *evaluator) name(s string) string {
	if len(e.loop) == 0 {
		return s
	}
	var b strings.Builder
	for _, p := range e.expand(s, true) {
		b.WriteString(p.text)
	}
	return b.String()
}

// stringParts returns v as the parts of a string: a number's or boolean's
// text, else unknown.
func stringParts(v *value) []part {
	switch v.kind {
	case vString:
		return v.parts
	case vNumber, vBool:
		return []part{{text: v.text}}
	}
	return []part{{unknown: true}}
}

// alphanumeric keeps the ASCII letters and digits of s.
func alphanumeric(s string) string {
	var b strings.Builder
	for _, c := range []byte(s) {
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' {
			b.WriteByte(c)
		}
	}
	return b.String()
}

// parameter is a template parameter that has a Default. A NoEcho
// parameter's value is a secret: its Default is checked, never printed.
type parameter struct {
	typ    string
	def    string
	noEcho bool
}

// parameters returns the template's parameters that have a scalar
// Default: a deployment that gives no value uses it, so a policy is
// checked with it rather than with a placeholder.
func parameters(root *yaml.Node) map[string]parameter {
	ps := mapGet(root, "Parameters")
	if ps == nil || ps.Kind != yaml.MappingNode {
		return nil
	}
	out := map[string]parameter{}
	params := pairs(ps)
	for i := 0; i+1 < len(params); i += 2 {
		p := deref(params[i+1])
		def := deref(mapGet(p, "Default"))
		typ := scalar(mapGet(p, "Type"))
		if def == nil || def.Kind != yaml.ScalarNode || def.Tag == "!!null" ||
			strings.HasPrefix(typ, "AWS::SSM::Parameter::Value<") { // the Default names a parameter of Systems Manager, whose value is known at deployment
			continue
		}
		out[params[i].Value] = parameter{typ: typ, def: def.Value, noEcho: strings.EqualFold(scalar(mapGet(p, "NoEcho")), "true")}
	}
	return out
}

// list reports whether the parameter's value is a list.
func (p parameter) list() bool {
	return p.typ == "CommaDelimitedList" || strings.HasPrefix(p.typ, "List<")
}

// paramValue is the value of !Ref name for a parameter with a Default: a
// string, or for a list type (CommaDelimitedList, List<...>) the list of
// its comma-separated items.
func paramValue(n *yaml.Node, name string, p parameter) *value {
	d := &paramDefault{name: name, def: p.def, noEcho: p.noEcho}
	str := func(s string) *value {
		return &value{kind: vString, line: n.Line, col: n.Column, parts: []part{{text: s, param: d}}}
	}
	if !p.list() {
		return str(p.def)
	}
	v := &value{kind: vArray, line: n.Line, col: n.Column}
	for _, it := range strings.Split(p.def, ",") {
		v.vals = append(v.vals, str(it))
	}
	return v
}

func (e *evaluator) eval(n *yaml.Node, depth int) *value {
	n = deref(n)
	if n == nil {
		return &value{kind: vNull}
	}
	e.budget--
	if depth > maxDepth || e.budget < 0 {
		return unknown(n, "")
	}
	if strings.HasPrefix(n.Tag, "!") && !strings.HasPrefix(n.Tag, "!!") {
		// Short form: !Ref X, !Sub ..., !GetAtt A.B
		arg := *n
		arg.Tag = ""
		switch n.Kind {
		case yaml.ScalarNode:
			arg.Tag = "!!str"
		case yaml.SequenceNode:
			arg.Tag = "!!seq"
		case yaml.MappingNode:
			arg.Tag = "!!map"
		}
		name := strings.TrimPrefix(n.Tag, "!")
		if name != "Ref" && name != "Condition" {
			name = "Fn::" + name
		}
		return e.intrinsic(n, name, &arg, depth)
	}
	v := &value{line: n.Line, col: n.Column}
	switch n.Kind {
	case yaml.MappingNode:
		if ps := pairs(n); len(ps) == 2 {
			if k := ps[0].Value; k == "Ref" || strings.HasPrefix(k, "Fn::") && !strings.HasPrefix(k, forEachPrefix) {
				return e.intrinsic(n, k, deref(ps[1]), depth)
			}
		}
		v.kind = vObject
		e.members(v, n, depth)
	case yaml.SequenceNode:
		v.kind = vArray
		for _, it := range n.Content {
			v.vals = append(v.vals, e.eval(it, depth+1))
		}
	case yaml.ScalarNode:
		switch n.Tag {
		case "!!int", "!!float":
			if validNumber(n.Value) {
				v.kind, v.text = vNumber, n.Value
				return v
			}
		case "!!bool":
			if b := strings.ToLower(n.Value); b == "true" || b == "false" {
				v.kind, v.text = vBool, b
				return v
			}
		case "!!null":
			v.kind = vNull
			return v
		}
		v.kind, v.parts = vString, e.expand(n.Value, false)
	}
	return v
}

// members adds the members of the mapping n to the object v; an
// Fn::ForEach among them adds its fragment's members for each item.
func (e *evaluator) members(v *value, n *yaml.Node, depth int) {
	if depth > maxDepth {
		return
	}
	ps := pairs(n)
	for i := 0; i+1 < len(ps); i += 2 {
		k := ps[i]
		if strings.HasPrefix(k.Value, forEachPrefix) {
			e.forEach(deref(ps[i+1]), depth+1, func(fragment *yaml.Node) { e.members(v, fragment, depth+1) })
			continue
		}
		v.keys = append(v.keys, &value{kind: vString, line: k.Line, col: k.Column, parts: e.expand(k.Value, false)})
		v.vals = append(v.vals, e.eval(ps[i+1], depth+1))
	}
}

// unknown is a string known only at deployment.
func unknown(n *yaml.Node, pseudo string) *value {
	return &value{kind: vString, line: n.Line, col: n.Column, parts: []part{{unknown: true, pseudo: pseudo}}}
}

// intrinsic evaluates the function name applied to arg; n is the call.
func (e *evaluator) intrinsic(n *yaml.Node, name string, arg *yaml.Node, depth int) *value {
	switch name {
	case "Ref":
		ref := scalar(arg)
		if ref == "AWS::NoValue" {
			return &value{kind: vAbsent, line: n.Line, col: n.Column}
		}
		if v, ok := e.loopValue(ref); ok {
			c := *v
			c.line, c.col = n.Line, n.Column
			return &c
		}
		if strings.HasPrefix(ref, "AWS::") {
			return unknown(n, ref)
		}
		if p, ok := e.params[ref]; ok {
			return paramValue(n, ref, p)
		}
		return unknown(n, "")
	case "Fn::Sub":
		return e.sub(n, arg, depth)
	case "Fn::Join":
		return e.join(n, arg, depth)
	case "Fn::If":
		if arg.Kind == yaml.SequenceNode && len(arg.Content) == 3 {
			return &value{kind: vChoice, cond: scalar(arg.Content[0]), line: n.Line, col: n.Column,
				vals: []*value{e.eval(arg.Content[1], depth+1), e.eval(arg.Content[2], depth+1)}}
		}
	case "Fn::FindInMap":
		if v := e.findInMap(n, arg, depth); v != nil {
			return v
		}
	case "Fn::Select":
		if v := e.selectItem(n, arg, depth); v != nil {
			return v
		}
	}
	// Fn::GetAtt, Fn::ImportValue, Fn::GetAZs, ...; Fn::FindInMap and
	// Fn::Select of what is not known: known only at deployment.
	return unknown(n, "")
}

// maxLift bounds the Fn::If choices one function's arguments are
// expanded over (2^maxLift values); past it the value is unknown.
const maxLift = 6

// lift applies f to args, and when an argument is an Fn::If, to each of
// its branches in turn: the value is then an Fn::If of the results, so
// !Join ["", [!If [C, a, b], c]] is "ac" or "bc", both checked. f returns
// nil for a value that is not known before deployment.
func (e *evaluator) lift(n *yaml.Node, args []*value, f func([]*value) *value) *value {
	return e.liftN(n, args, f, 0)
}

func (e *evaluator) liftN(n *yaml.Node, args []*value, f func([]*value) *value, k int) *value {
	for i, a := range args {
		if a == nil || a.kind != vChoice {
			continue
		}
		if k >= maxLift {
			return unknown(n, "")
		}
		with := func(b *value) *value {
			c := append([]*value(nil), args...)
			c[i] = b
			return e.liftN(n, c, f, k+1)
		}
		return &value{kind: vChoice, cond: a.cond, line: n.Line, col: n.Column, vals: []*value{with(a.vals[0]), with(a.vals[1])}}
	}
	if v := f(args); v != nil {
		return v
	}
	return unknown(n, "")
}

// findInMap evaluates Fn::FindInMap [map, key, key] whose names are known
// (literal, or parameter Defaults) and name an entry of the template's
// Mappings, or returns nil. Mappings are fixed in the template, so the
// value is known before deployment; it is placed at the call.
func (e *evaluator) findInMap(n, arg *yaml.Node, depth int) *value {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 3 {
		return nil
	}
	keys := make([]*value, len(arg.Content))
	for i, k := range arg.Content {
		keys[i] = e.eval(k, depth+1)
	}
	return e.lift(n, keys, func(keys []*value) *value {
		node := e.mappings
		for _, k := range keys {
			name, ok := k.literal()
			if !ok {
				return nil
			}
			if node = mapGet(node, name); node == nil {
				return nil
			}
		}
		return e.placed(n, node, depth)
	})
}

// selectItem evaluates Fn::Select [index, list] when the index and the list
// are known, or returns nil.
func (e *evaluator) selectItem(n, arg *yaml.Node, depth int) *value {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return nil
	}
	args := []*value{e.eval(arg.Content[0], depth+1), e.eval(arg.Content[1], depth+1)}
	return e.lift(n, args, func(args []*value) *value {
		iv, list := args[0], args[1]
		idx, ok := iv.literal()
		if !ok && iv != nil && iv.kind == vNumber {
			idx, ok = iv.text, true
		}
		i, err := strconv.Atoi(idx)
		if !ok || err != nil || list == nil || list.kind != vArray || i < 0 || i >= len(list.vals) {
			return nil
		}
		v := *list.vals[i]
		v.line, v.col = n.Line, n.Column
		return &v
	})
}

// placed evaluates node as the value of the call n, at n's place.
func (e *evaluator) placed(n, node *yaml.Node, depth int) *value {
	v := e.eval(node, depth+1)
	c := *v
	c.line, c.col = n.Line, n.Column
	return &c
}

// sub evaluates Fn::Sub: "template" or [template, {name: value}].
func (e *evaluator) sub(n, arg *yaml.Node, depth int) *value {
	tmpl := arg
	var vars *yaml.Node
	if arg.Kind == yaml.SequenceNode && len(arg.Content) >= 1 {
		tmpl = deref(arg.Content[0])
		if len(arg.Content) > 1 {
			vars = deref(arg.Content[1])
		}
	}
	if tmpl == nil || tmpl.Kind != yaml.ScalarNode {
		return unknown(n, "")
	}
	// The template's pieces: literal text, and the names of variables.
	type piece struct {
		text string
		name string
		arg  int // the variable's value in args, or -1
	}
	var pieces []piece
	var args []*value
	var lit strings.Builder
	flush := func() {
		if lit.Len() > 0 {
			pieces = append(pieces, piece{text: lit.String(), arg: -1})
			lit.Reset()
		}
	}
	s := tmpl.Value
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			lit.WriteString(s)
			break
		}
		lit.WriteString(s[:i])
		s = s[i:]
		if strings.HasPrefix(s, "${!") {
			// ${!Literal} is the text ${Literal}.
			lit.WriteString("${")
			s = s[3:]
			continue
		}
		end := strings.IndexByte(s, '}')
		if end < 0 {
			lit.WriteString(s)
			break
		}
		name := strings.TrimSpace(s[2:end])
		s = s[end+1:]
		flush()
		p := piece{name: name, arg: -1}
		if lv, ok := e.loopValue(name); ok {
			// The transform replaces ${Identifier} before Fn::Sub is
			// evaluated.
			p.arg = len(args)
			args = append(args, lv)
		} else if vn := mapGet(vars, name); vn != nil {
			p.arg = len(args)
			args = append(args, e.eval(vn, depth+1))
		}
		pieces = append(pieces, p)
	}
	flush()
	return e.lift(n, args, func(args []*value) *value {
		v := &value{kind: vString, line: n.Line, col: n.Column}
		var lit strings.Builder
		flush := func() {
			if lit.Len() > 0 {
				v.parts = append(v.parts, part{text: lit.String()})
				lit.Reset()
			}
		}
		for _, pc := range pieces {
			if pc.name == "" {
				lit.WriteString(pc.text)
				continue
			}
			if pc.arg >= 0 {
				if val := args[pc.arg]; val != nil && val.kind == vString {
					for _, p := range val.parts {
						if p.unknown {
							flush()
							v.parts = append(v.parts, p)
						} else {
							lit.WriteString(p.text)
						}
					}
					continue
				}
			}
			flush()
			if p, ok := e.params[pc.name]; ok && !p.list() {
				v.parts = append(v.parts, part{text: p.def, param: &paramDefault{name: pc.name, def: p.def, noEcho: p.noEcho}})
				continue
			}
			pseudo := ""
			if strings.HasPrefix(pc.name, "AWS::") {
				pseudo = pc.name
			}
			v.parts = append(v.parts, part{unknown: true, pseudo: pseudo})
		}
		flush()
		if len(v.parts) == 0 {
			v.parts = []part{{}}
		}
		return v
	})
}

// join evaluates Fn::Join [delimiter, [values]].
func (e *evaluator) join(n, arg *yaml.Node, depth int) *value {
	if arg.Kind != yaml.SequenceNode || len(arg.Content) != 2 {
		return unknown(n, "")
	}
	delim := scalar(arg.Content[0])
	return e.lift(n, []*value{e.eval(arg.Content[1], depth+1)}, func(list []*value) *value {
		if list[0] == nil || list[0].kind != vArray {
			return nil
		}
		return e.lift(n, list[0].vals, func(items []*value) *value {
			v := &value{kind: vString, line: n.Line, col: n.Column}
			first := true
			for _, it := range items {
				if it.kind == vAbsent {
					continue
				}
				if !first && delim != "" {
					v.parts = append(v.parts, part{text: delim})
				}
				first = false
				switch it.kind {
				case vString:
					v.parts = append(v.parts, it.parts...)
				case vNumber, vBool:
					v.parts = append(v.parts, part{text: it.text})
				default:
					v.parts = append(v.parts, part{unknown: true})
				}
			}
			if len(v.parts) == 0 {
				v.parts = []part{{}}
			}
			return v
		})
	})
}
