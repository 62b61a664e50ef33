package iac

import (
	"bytes"

	"go.yaml.in/yaml/v3"
)

// Format is the kind of a file that holds policies.
type Format int

// Formats [Detect] tells apart.
const (
	// FormatPolicy is a policy document in JSON (or anything that is
	// neither of the others: policy.Validate then says what is wrong).
	FormatPolicy Format = iota
	// FormatCloudFormation is a CloudFormation template, JSON or YAML.
	FormatCloudFormation
	// FormatTerraformPlan is a Terraform plan or state in JSON (terraform
	// show -json).
	FormatTerraformPlan
)

// String names the format: "policy", "cloudformation" or "terraform-plan".
func (f Format) String() string {
	switch f {
	case FormatCloudFormation:
		return "cloudformation"
	case FormatTerraformPlan:
		return "terraform-plan"
	}
	return "policy"
}

// Detect tells what data is from its top-level keys: a policy has
// Statement; a Terraform plan has format_version with resource_changes,
// planned_values, values or terraform_version; a CloudFormation template
// has Resources or AWSTemplateFormatVersion. JSON is told apart without
// parsing it whole; anything else is read as YAML, and YAML that does not
// parse is a template when a line starts with one of those two keys.
func Detect(data []byte) Format {
	if isJSON(data) {
		keys := topKeys(data)
		switch {
		case keys["Statement"]:
			return FormatPolicy
		case keys["format_version"] && (keys["resource_changes"] || keys["planned_values"] || keys["values"] || keys["terraform_version"]):
			return FormatTerraformPlan
		case keys["Resources"] || keys["AWSTemplateFormatVersion"]:
			return FormatCloudFormation
		}
		return FormatPolicy
	}
	var doc yaml.Node
	if err := yaml.Unmarshal(data, &doc); err != nil {
		// YAML that does not parse is a template when a line starts with
		// one of a template's top-level keys, so the YAML error is
		// reported, not a policy's JSON error.
		for _, line := range bytes.Split(data, []byte("\n")) {
			if bytes.HasPrefix(line, []byte("Resources:")) || bytes.HasPrefix(line, []byte("AWSTemplateFormatVersion:")) {
				return FormatCloudFormation
			}
		}
	} else if len(doc.Content) > 0 {
		if root := deref(doc.Content[0]); mapGet(root, "Resources") != nil || mapGet(root, "AWSTemplateFormatVersion") != nil {
			return FormatCloudFormation
		}
	}
	return FormatPolicy
}

// topKeys returns the keys of a JSON object's top level. It scans the text,
// skipping nested values, so a large plan is not parsed twice.
func topKeys(data []byte) map[string]bool {
	keys := map[string]bool{}
	d := bytes.TrimPrefix(data, []byte(utf8BOM))
	depth, i := 0, 0
	expectKey := false
	for i < len(d) {
		c := d[i]
		switch c {
		case '{', '[':
			depth++
			expectKey = depth == 1 && c == '{'
			i++
		case '}', ']':
			depth--
			i++
		case ',':
			expectKey = depth == 1
			i++
		case '"':
			s, _, end, err := decodeString(d, i, false)
			if err != nil {
				return keys
			}
			if depth == 1 && expectKey {
				keys[string(s)] = true
				expectKey = false
			}
			i = end
		default:
			i++
		}
	}
	return keys
}

// Find returns the policies in data, whatever its format: the one
// document of a policy file (with Kind zero, so [Policy.Validate] uses the
// options' kind), or those [CloudFormation] or [TerraformPlan] find.
func Find(data []byte) (Format, []Policy, error) {
	f := Detect(data)
	var ps []Policy
	var err error
	switch f {
	case FormatCloudFormation:
		ps, err = CloudFormation(data)
	case FormatTerraformPlan:
		ps, err = TerraformPlan(data)
	default:
		ps = []Policy{{Line: 1, Column: 1, Document: data, verbatim: true}}
	}
	return f, ps, err
}
