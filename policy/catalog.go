package policy

import (
	"slices"
	"strings"
)

//go:generate go run ./internal/gen/catalog -data internal/gen/data -out .

// AccessLevel is the access level AWS's Service Authorization Reference gives
// an action.
type AccessLevel string

// Access levels of S3 actions.
const (
	AccessList                  AccessLevel = "List"
	AccessRead                  AccessLevel = "Read"
	AccessWrite                 AccessLevel = "Write"
	AccessPermissionsManagement AccessLevel = "Permissions management"
	AccessTagging               AccessLevel = "Tagging"
)

// ActionResource is a resource type an action applies to.
type ActionResource struct {
	// ResourceType is the name of a [ResourceType], for example "bucket",
	// "object", "accesspoint" or "accesspointobject".
	ResourceType string
	// Required is true when the action always needs a resource of this type
	// (the Service Authorization Reference marks it with an asterisk).
	Required bool
}

// Action is one s3: action from AWS's Service Authorization Reference.
type Action struct {
	// Name is the action as written in a policy, with the service prefix
	// and AWS's capitalisation, for example "s3:GetObject".
	Name string
	// AccessLevel is the action's access level.
	AccessLevel AccessLevel
	// Resources are the resource types the action applies to. It is empty
	// for actions that take no resource (Resource "*"), such as
	// s3:ListAllMyBuckets.
	Resources []ActionResource
	// ConditionKeys are the condition keys the action supports, sorted.
	// Keys with a placeholder appear as AWS writes them
	// ("aws:ResourceTag/${TagKey}", "s3:ExistingObjectTag/<key>").
	ConditionKeys []string
	// DependentActions are actions a caller also needs, for example
	// "iam:PassRole" for s3:CreateJob.
	DependentActions []string
}

// AppliesTo reports whether the action applies to the resource type name.
func (a Action) AppliesTo(resourceType string) bool {
	for _, r := range a.Resources {
		if r.ResourceType == resourceType {
			return true
		}
	}
	return false
}

// SupportsConditionKey reports whether the action supports the condition key,
// compared case-insensitively; a concrete key ("s3:ExistingObjectTag/team")
// matches its placeholder form. Global aws: keys are not listed per action and
// are not reported here (see [LookupConditionKey]).
func (a Action) SupportsConditionKey(key string) bool {
	for _, k := range a.ConditionKeys {
		if conditionKeyMatches(k, key) {
			return true
		}
	}
	return false
}

// ResourceType is an S3 resource type with its ARN format.
type ResourceType struct {
	// Name is the resource type's name, for example "object".
	Name string
	// ARNFormat is the ARN template, for example
	// "arn:${Partition}:s3:::${BucketName}/${ObjectName}".
	ARNFormat string
	// ConditionKeys are the condition keys that apply to the resource type.
	ConditionKeys []string
}

// ConditionKey is an aws: global or s3: service condition key.
type ConditionKey struct {
	// Name is the key as AWS writes it, for example "aws:SourceIp" or
	// "aws:PrincipalTag/${TagKey}".
	Name string
	// Type is the key's type: String, ARN, Numeric, Bool, Date, IPAddress,
	// Binary or ArrayOfString (a multi-valued key of strings).
	Type string
	// LimitsPublicAccess is true when S3 counts a fixed value of the key (no
	// wildcard, no policy variable) in an Allow statement as limiting a
	// bucket policy to non-public access (Block Public Access, "the meaning
	// of public").
	LimitsPublicAccess bool
}

// Global reports whether the key is an aws: global condition key.
func (k ConditionKey) Global() bool { return hasPrefixFold(k.Name, "aws:") }

// MultiValued reports whether the key can have several values in one request
// (its type starts with "ArrayOf").
func (k ConditionKey) MultiValued() bool { return strings.HasPrefix(k.Type, "ArrayOf") }

// LookupAction returns the s3: action named name, compared
// case-insensitively ("s3:GetObject", "S3:getobject"). The returned value is a
// copy that the caller may modify.
func LookupAction(name string) (Action, bool) {
	i, ok := catalogActionIndex[asciiLower(name)]
	if !ok {
		return Action{}, false
	}
	return catalogActions[i].clone(), true
}

// ExpandActions returns the s3: actions that the action pattern matches, in
// name order. The pattern may contain * and ? anywhere and is compared
// case-insensitively: "s3:Get*", "s3:*", "*", "s3:?et*". A pattern for
// another service, or one matching nothing, returns nil.
func ExpandActions(pattern string) []Action {
	var out []Action
	for i := range catalogActions {
		if MatchAction(pattern, catalogActions[i].Name) {
			out = append(out, catalogActions[i].clone())
		}
	}
	return out
}

// Actions returns every s3: action in the catalog, in name order.
func Actions() []Action {
	out := make([]Action, len(catalogActions))
	for i := range catalogActions {
		out[i] = catalogActions[i].clone()
	}
	return out
}

// ResourceTypes returns every S3 resource type in the catalog, in name order.
func ResourceTypes() []ResourceType {
	out := make([]ResourceType, len(catalogResourceTypes))
	for i, r := range catalogResourceTypes {
		r.ConditionKeys = slices.Clone(r.ConditionKeys)
		out[i] = r
	}
	return out
}

// LookupResourceType returns the S3 resource type named name ("bucket",
// "object", "accesspoint", …), compared case-insensitively.
func LookupResourceType(name string) (ResourceType, bool) {
	for _, r := range catalogResourceTypes {
		if equalFoldASCII(r.Name, name) {
			r.ConditionKeys = slices.Clone(r.ConditionKeys)
			return r, true
		}
	}
	return ResourceType{}, false
}

// ConditionKeys returns every aws: and s3: condition key in the catalog, in
// name order.
func ConditionKeys() []ConditionKey {
	out := make([]ConditionKey, len(catalogConditionKeys))
	copy(out, catalogConditionKeys[:])
	return out
}

// LookupConditionKey returns the aws: or s3: condition key named name,
// compared case-insensitively (condition key names are case-insensitive in
// IAM). A concrete tag key matches its placeholder form:
// "aws:PrincipalTag/team" returns "aws:PrincipalTag/${TagKey}", and
// "s3:ExistingObjectTag/classification" returns "s3:ExistingObjectTag/<key>".
func LookupConditionKey(name string) (ConditionKey, bool) {
	var buf [96]byte
	lower := appendLower(buf[:0], name)
	if i, ok := catalogConditionKeyIndex[string(lower)]; ok && !strings.Contains(catalogConditionKeys[i].Name, "/") {
		return catalogConditionKeys[i], true
	}
	if j := slices.Index(lower, '/'); j >= 0 && j < len(lower)-1 {
		if i, ok := catalogConditionKeyIndex[string(lower[:j+1])]; ok {
			return catalogConditionKeys[i], true
		}
	}
	return ConditionKey{}, false
}

func (a Action) clone() Action {
	a.Resources = slices.Clone(a.Resources)
	a.ConditionKeys = slices.Clone(a.ConditionKeys)
	a.DependentActions = slices.Clone(a.DependentActions)
	return a
}

// conditionKeyMatches reports whether the catalog key name (possibly with a
// placeholder after a slash) matches the concrete key, case-insensitively.
func conditionKeyMatches(catalogName, key string) bool {
	if equalFoldASCII(catalogName, key) {
		return true
	}
	i := strings.IndexByte(catalogName, '/')
	return i >= 0 && len(key) > i+1 && equalFoldASCII(catalogName[:i+1], key[:i+1])
}

func appendLower(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		dst = append(dst, c)
	}
	return dst
}

func hasPrefixFold(s, prefix string) bool {
	return len(s) >= len(prefix) && equalFoldASCII(s[:len(prefix)], prefix)
}

func byteEq(a, b byte, fold bool) bool {
	if a == b {
		return true
	}
	if !fold {
		return false
	}
	if 'A' <= a && a <= 'Z' {
		a += 'a' - 'A'
	}
	if 'A' <= b && b <= 'Z' {
		b += 'a' - 'A'
	}
	return a == b
}
