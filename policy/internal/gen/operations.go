package gen

import (
	"bytes"
	"fmt"
	"go/format"
	"path/filepath"
	"sort"
	"strings"
)

// OperationsFile is the name of the generated API-operation table in package
// policy.
const OperationsFile = "operations_gen.go"

// opsRef is the part of the service reference that lists API operations and
// the actions each is authorized with.
type opsRef struct {
	Operations []struct {
		Name              string
		AuthorizedActions []struct{ Name, Service string }
		SDK               []struct{ Name string }
	}
}

type operation struct {
	Name                        string
	Actions, Required, Versions []string
}

// generateOperations reads the service reference's Operations and derives,
// for each operation that the s3 SDK serves, the actions every call needs
// (Required) and the actions a call that names an object version needs
// instead (Versions). The reference lists every action a call may need,
// without saying which are conditional, so Required is derived, in order:
//
//  1. the action named like the operation (GetObject → s3:GetObject);
//  2. else the only s3 action listed (HeadBucket → s3:ListBucket);
//  3. else the only action also listed for s3-object-lambda, which AWS gives
//     for an operation's main action alone (HeadObject → s3:GetObject,
//     CopyObject → s3:PutObject, ListObjectsV2 → s3:ListBucket);
//  4. else what remains after removing the version forms of other listed
//     actions and the Permissions-management actions the call does not name
//     (GetObjectAttributes → s3:GetObject, DeleteObjects → s3:DeleteObject);
//  5. else the only Write-level action (UploadPartCopy → s3:PutObject; the
//     copy source's s3:GetObject is a separate request on another object).
//
// An operation that none of these resolves fails the generation, so a change
// in AWS's data is looked at, not guessed. The version form of an action
// replaces its first "Object" with "ObjectVersion" and must be in the
// catalog (s3:GetObject → s3:GetObjectVersion, s3:DeleteObjectTagging →
// s3:DeleteObjectVersionTagging); the S3 API reference asks for it when a
// request carries versionId.
func generateOperations(dataDir string, actions []action) ([]byte, error) {
	var ref opsRef
	if err := readJSON(filepath.Join(dataDir, serviceRefFile), &ref); err != nil {
		return nil, err
	}
	level := map[string]string{}
	for _, a := range actions {
		level[a.Name] = a.Level
	}
	var ops []operation
	seen := map[string]bool{}
	for _, o := range ref.Operations {
		s3SDK := false
		for _, s := range o.SDK {
			s3SDK = s3SDK || s.Name == "s3"
		}
		if !s3SDK || seen[o.Name] {
			continue
		}
		seen[o.Name] = true
		var acts, lambda []string
		for _, a := range o.AuthorizedActions {
			switch a.Service {
			case "s3":
				name := "s3:" + a.Name
				if _, ok := level[name]; !ok {
					return nil, fmt.Errorf("gen: operation %s: action %s is not in the catalog", o.Name, name)
				}
				acts = append(acts, name)
			case "s3-object-lambda":
				lambda = append(lambda, "s3:"+a.Name)
			}
		}
		acts = union(acts)
		op := operation{Name: o.Name, Actions: acts}
		if len(acts) > 0 {
			req, err := requiredActions(o.Name, acts, lambda, level)
			if err != nil {
				return nil, err
			}
			op.Required = req
			for _, r := range req {
				if v := versionForm(r); v != "" {
					if _, ok := level[v]; ok {
						op.Versions = append(op.Versions, v)
						continue
					}
				}
				op.Versions = nil
				break
			}
		}
		ops = append(ops, op)
	}
	sort.Slice(ops, func(i, j int) bool { return ops[i].Name < ops[j].Name })
	return writeOperations(ops)
}

func requiredActions(op string, acts, lambda []string, level map[string]string) ([]string, error) {
	own := "s3:" + op
	if contains(acts, own) {
		return []string{own}, nil
	}
	if len(acts) == 1 {
		return acts, nil
	}
	var both []string
	for _, a := range acts {
		if contains(lambda, a) {
			both = append(both, a)
		}
	}
	if len(both) == 1 {
		return both, nil
	}
	var rest []string
	for _, a := range acts {
		isVersion := false
		for _, b := range acts {
			isVersion = isVersion || (b != a && versionForm(b) == a)
		}
		if !isVersion && level[a] != "Permissions management" {
			rest = append(rest, a)
		}
	}
	if len(rest) == 1 {
		return rest, nil
	}
	var writes []string
	for _, a := range rest {
		if level[a] == "Write" {
			writes = append(writes, a)
		}
	}
	if len(writes) == 1 {
		return writes, nil
	}
	return nil, fmt.Errorf("gen: operation %s: cannot tell which of %v every call needs", op, acts)
}

// versionForm returns the action's object-version form ("s3:GetObject" →
// "s3:GetObjectVersion"), or "" when the name has no "Object".
func versionForm(a string) string {
	i := strings.Index(a, "Object")
	if i < 0 || strings.HasPrefix(a[i:], "ObjectVersion") {
		return ""
	}
	return a[:i] + "ObjectVersion" + a[i+len("Object"):]
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func writeOperations(ops []operation) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString(generatedHeader)
	b.WriteString("package policy\n\n")
	fmt.Fprintf(&b, "// catalogOperations holds the %d S3 API operations of the s3 SDK, sorted by name.\n", len(ops))
	b.WriteString("var catalogOperations = [...]Operation{\n")
	for _, o := range ops {
		fmt.Fprintf(&b, "{Name: %q", o.Name)
		if len(o.Actions) > 0 {
			fmt.Fprintf(&b, ", Actions: %s", strSlice(o.Actions))
		}
		if len(o.Required) > 0 {
			fmt.Fprintf(&b, ", Required: %s", strSlice(o.Required))
		}
		if len(o.Versions) > 0 {
			fmt.Fprintf(&b, ", VersionRequired: %s", strSlice(o.Versions))
		}
		b.WriteString("},\n")
	}
	b.WriteString("}\n")
	return format.Source(b.Bytes())
}
