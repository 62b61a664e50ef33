// Package svcref is the part of AWS's machine-readable Service Authorization
// Reference (the service reference JSON, format v1.x, published at
// https://servicereference.us-east-1.amazonaws.com/v1/<service>/<service>.json)
// that s3secure reads: by the catalog generator at go generate time, and by
// policy.LoadServiceReference at run time, so that both read the file alike.
package svcref

// File is a service reference file.
type File struct {
	Name          string
	Version       string
	Actions       []Action
	ConditionKeys []ConditionKey
	Resources     []Resource
}

// Action is one action of the service, without its prefix ("GetObject").
type Action struct {
	Name                string
	ActionConditionKeys []string
	Annotations         struct {
		Properties Properties
	}
	Resources []struct{ Name string }
}

// Properties are an action's access-level flags.
type Properties struct {
	IsList                 bool
	IsPermissionManagement bool
	IsTaggingOnly          bool
	IsWrite                bool
}

// ConditionKey is a condition key with its types.
type ConditionKey struct {
	Name  string
	Types []string
}

// Resource is a resource type with its ARN formats and condition keys.
type Resource struct {
	Name          string
	ARNFormats    []string
	ConditionKeys []string
}

// AccessLevel returns the action's access level as AWS's reference words
// it: "Permissions management", "Tagging", "Write", "List" or "Read". The
// reference sets IsWrite on every permissions-management and tagging action
// too, so the flags are read in this order.
func (p Properties) AccessLevel() string {
	switch {
	case p.IsPermissionManagement:
		return "Permissions management"
	case p.IsTaggingOnly:
		return "Tagging"
	case p.IsWrite:
		return "Write"
	case p.IsList:
		return "List"
	}
	return "Read"
}
