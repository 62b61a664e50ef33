package iac

import (
	"fmt"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// tfPolicies says which attributes of which Terraform (AWS provider)
// resource types hold a policy document as a JSON string.
var tfPolicies = map[string]struct {
	attr string // "policy", or "inline_policy[].policy" for a list of blocks
	kind policy.Kind
	// computed: the attribute is Optional and Computed in the provider's
	// schema (provider 5.x), so a plan marks it after_unknown on every new
	// resource whatever the configuration says: an unknown one is not
	// reported as a policy known only after apply.
	computed bool
	// unchecked: package policy cannot validate the type's policies yet
	// (what they are, a plural for unchecked); each is returned
	// Unknown, at its value.
	unchecked string
}{
	"aws_s3_bucket_policy":                            {attr: "policy", kind: policy.KindBucket},
	"aws_s3_bucket":                                   {attr: "policy", kind: policy.KindBucket, computed: true}, // provider 3.x
	"aws_s3_access_point":                             {attr: "policy", kind: policy.KindAccessPoint, computed: true},
	"aws_s3control_access_point_policy":               {attr: "policy", kind: policy.KindAccessPoint},
	"aws_iam_policy":                                  {attr: "policy", kind: policy.KindManaged},
	"aws_iam_role_policy":                             {attr: "policy", kind: policy.KindInlineRole},
	"aws_iam_user_policy":                             {attr: "policy", kind: policy.KindInlineUser},
	"aws_iam_group_policy":                            {attr: "policy", kind: policy.KindInlineGroup},
	"aws_iam_role":                                    {attr: "inline_policy[].policy", kind: policy.KindInlineRole},
	"aws_s3control_multi_region_access_point_policy":  {attr: "details[].policy", unchecked: "Multi-Region Access Point policies"},
	"aws_s3control_object_lambda_access_point_policy": {attr: "policy", unchecked: "Object Lambda Access Point policies"},
	"aws_s3control_bucket_policy":                     {attr: "policy", unchecked: "S3 on Outposts bucket policies"},
}

// policyDocumentData is the data source that renders a policy document;
// its "json" attribute is the document.
const policyDocumentData = "aws_iam_policy_document"

// TerraformPlan returns the policies of a Terraform plan in JSON (the
// output of terraform show -json PLANFILE; the state's terraform show
// -json works too), in the order of the plan: the "policy" of
// aws_s3_bucket_policy, aws_s3_access_point,
// aws_s3control_access_point_policy, aws_iam_policy, aws_iam_role_policy,
// aws_iam_user_policy, aws_iam_group_policy (and the provider 3.x
// aws_s3_bucket), the inline_policy blocks of aws_iam_role, and the "json"
// of the aws_iam_policy_document data source when no resource above holds
// the same document (it is then validated as a resource policy when it
// names principals, else as a managed policy; a role trust policy, which
// grants sts: actions, is skipped); the policies of the types in the
// package documentation that package policy cannot validate yet are
// returned Unknown. Modules are searched too; Resource is the full
// address.
//
// A policy that is unknown until apply (after_unknown) is returned Unknown
// (see [Policy.Unknown]), at its after_unknown entry, but for the Computed
// policy of aws_s3_bucket and aws_s3_access_point, which a plan marks
// unknown on every new resource; a resource being deleted has none. A policy Terraform marks sensitive
// (after_sensitive, sensitive_values) is checked, and its findings quote
// none of its values. Findings point into the JSON string in
// the plan, character by character.
//
// The error is a *SyntaxError when data is not JSON.
func TerraformPlan(data []byte) ([]Policy, error) {
	root, err := parseJSON(data)
	if err != nil {
		return nil, err
	}
	if root.kind != 'o' {
		return nil, &SyntaxError{Line: root.line, Column: root.col, Msg: "not a Terraform plan: the top level is not an object"}
	}
	t := &tfWalker{src: data, lines: newLineIndex(data), seen: map[string]bool{}}
	if rc := root.get("resource_changes"); rc != nil && rc.kind == 'a' {
		for _, ch := range rc.vals {
			c := ch.get("change")
			t.resource(str(ch.get("address")), str(ch.get("type")), str(ch.get("mode")), c.get("after"), c.get("after_sensitive"))
			t.unknown(str(ch.get("address")), str(ch.get("type")), str(ch.get("mode")), c.get("after"), c.get("after_unknown"))
		}
	} else {
		t.module(root.get("planned_values").get("root_module"))
		t.module(root.get("values").get("root_module"))
	}
	// Data sources read while planning are in the prior state.
	t.module(root.get("prior_state").get("values").get("root_module"))
	// A rendered document that a resource also holds is linted there, with
	// the resource's kind.
	var out []Policy
	for _, p := range t.data {
		if !t.seen[string(p.Document)] {
			t.seen[string(p.Document)] = true
			out = append(out, p)
		}
	}
	return append(t.out, out...), nil
}

func str(n *jnode) string {
	if n == nil || n.kind != 's' {
		return ""
	}
	return n.str
}

type tfWalker struct {
	src   []byte
	lines *lineIndex
	out   []Policy
	data  []Policy        // from aws_iam_policy_document
	seen  map[string]bool // documents already returned
	addrs map[string]bool
}

// module walks a module of planned_values, values or prior_state.
func (t *tfWalker) module(m *jnode) {
	if m == nil || m.kind != 'o' {
		return
	}
	if rs := m.get("resources"); rs != nil && rs.kind == 'a' {
		for _, r := range rs.vals {
			t.resource(str(r.get("address")), str(r.get("type")), str(r.get("mode")), r.get("values"), r.get("sensitive_values"))
		}
	}
	if cm := m.get("child_modules"); cm != nil && cm.kind == 'a' {
		for _, c := range cm.vals {
			t.module(c)
		}
	}
}

// sensitive reports whether Terraform marks the value at path sensitive in
// a resource's after_sensitive or sensitive_values (sens): true there, or
// at a value that holds it.
func sensitive(sens *jnode, path ...any) bool {
	for _, p := range path {
		if sens != nil && sens.kind == 'b' {
			break
		}
		switch k := p.(type) {
		case string:
			sens = sens.get(k)
		case int:
			if sens == nil || sens.kind != 'a' || k >= len(sens.vals) {
				return false
			}
			sens = sens.vals[k]
		}
	}
	return sens != nil && sens.kind == 'b' && sens.str == "true"
}

// resource records the policies in one resource's values; sens is its
// after_sensitive or sensitive_values.
func (t *tfWalker) resource(addr, typ, mode string, vals, sens *jnode) {
	if vals == nil || vals.kind != 'o' {
		return // deleted, or not yet known
	}
	if t.addrs == nil {
		t.addrs = map[string]bool{}
	}
	if mode == "data" {
		if typ != policyDocumentData || t.addrs[addr] {
			return
		}
		t.addrs[addr] = true
		if p, ok := t.policy(addr, typ, "json", 0, vals.get("json")); ok {
			p.sensitive = sensitive(sens, "json")
			if kind, ok := dataKind(p.Document); ok {
				p.Kind = kind
				t.data = append(t.data, p)
			}
		}
		return
	}
	where, ok := tfPolicies[typ]
	if !ok {
		return
	}
	if block, attr, ok := strings.Cut(where.attr, "[]."); ok {
		list := vals.get(block)
		if list == nil || list.kind != 'a' {
			return
		}
		for i, b := range list.vals {
			prop := fmt.Sprintf("%s[%d].%s", block, i, attr)
			if p, ok := t.policy(addr, typ, prop, where.kind, b.get(attr)); ok {
				p.sensitive = sensitive(sens, block, i, attr)
				t.add(p)
			}
		}
		return
	}
	if p, ok := t.policy(addr, typ, where.attr, where.kind, vals.get(where.attr)); ok {
		p.sensitive = sensitive(sens, where.attr)
		t.add(p)
	}
}

// unknown records, as Unknown policies, the policies of a resource change
// that Terraform knows only after apply (after_unknown: unk), each at its
// after_unknown entry.
func (t *tfWalker) unknown(addr, typ, mode string, vals, unk *jnode) {
	where, ok := tfPolicies[typ]
	if !ok || where.computed || mode == "data" || vals == nil || vals.kind != 'o' || unk == nil || unk.kind != 'o' {
		return // a data source's document is linted at the resource that holds it
	}
	add := func(prop string, n *jnode) {
		t.out = append(t.out, Policy{Resource: addr, Type: typ, Property: prop, Kind: where.kind, Line: n.line, Column: n.col,
			Unknown: true, unknownWhy: "the policy is known only after apply (after_unknown in the plan)"})
	}
	block, attr, list := strings.Cut(where.attr, "[].")
	if !list {
		if n := unk.get(where.attr); n != nil && n.kind == 'b' && n.str == "true" && vals.get(where.attr) == nil {
			add(where.attr, n)
		}
		return
	}
	switch n := unk.get(block); {
	case n == nil:
	case n.kind == 'b' && n.str == "true":
		add(block, n)
	case n.kind == 'a':
		for i, item := range n.vals {
			if u := item.get(attr); u != nil && u.kind == 'b' && u.str == "true" {
				add(fmt.Sprintf("%s[%d].%s", block, i, attr), u)
			}
		}
	}
}

func (t *tfWalker) add(p Policy) {
	t.seen[string(p.Document)] = true
	if what := tfPolicies[p.Type].unchecked; what != "" {
		p = unchecked(p, what)
	}
	t.out = append(t.out, p)
}

// policy makes a Policy of a JSON string attribute, tracing each byte of
// the document to the file.
func (t *tfWalker) policy(addr, typ, prop string, kind policy.Kind, n *jnode) (Policy, bool) {
	if n == nil || n.kind != 's' || strings.TrimSpace(n.str) == "" {
		return Policy{}, false
	}
	return Policy{
		Resource: addr, Type: typ, Property: prop, Kind: kind,
		Line: n.line, Column: n.col, Document: []byte(n.str),
		trace: &textTrace{start: n.off, lines: t.lines},
	}, true
}

// dataKind guesses how a rendered policy document is used: a resource
// policy when it names principals, an identity policy otherwise; ok is
// false for a role trust policy (sts: actions), which grants no S3 access.
func dataKind(doc []byte) (policy.Kind, bool) {
	d, err := policy.Parse(doc)
	if err != nil {
		return policy.KindManaged, true // Validate reports it
	}
	kind := policy.KindManaged
	for _, s := range d.Statements {
		if s.Principal != nil || s.NotPrincipal != nil {
			kind = policy.KindBucket
		}
		for _, a := range append(append([]string{}, s.Action...), s.NotAction...) {
			if strings.HasPrefix(strings.ToLower(a), "sts:") {
				return 0, false
			}
		}
	}
	return kind, true
}
