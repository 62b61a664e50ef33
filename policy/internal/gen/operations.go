package gen

import (
	"bytes"
	"encoding/csv"
	"fmt"
	"go/format"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"strings"
)

// OperationsFile is the name of the generated API-operation table in package
// policy.
const OperationsFile = "operations_gen.go"

// supplementOpsFile completes the service reference's API operations: the
// actions of each operation it lists with none, and of the S3 Control side
// of each operation it lists once for both SDK services (see the file's
// header).
const supplementOpsFile = "operations-supplement.tsv"

// opsRef is the part of the service reference that lists API operations and
// the actions each is authorized with.
type opsRef struct {
	Operations []struct {
		Name              string
		AuthorizedActions []struct{ Name, Service string }
		SDK               []struct{ Name string }
	}
}

// sdkServices are the SDK services whose operations the table holds, in
// table order.
var sdkServices = []string{"s3", "s3control"}

type operation struct {
	Service, Name               string
	Actions, Required, Versions []string
}

type opKey struct{ service, name string }

// generateOperations reads the service reference's Operations, completed by
// the supplement, and derives, for each operation that the s3 or s3control
// SDK serves, the actions every call needs (Required) and the actions a
// call that names an object version needs instead (Versions). The
// reference lists every action a call may need, without saying which are
// conditional, so Required is derived, in order:
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
// in AWS's data is looked at, not guessed; so does an operation the
// reference lists with no action, or for both SDK services (its one list is
// the S3 operation's), that the supplement does not cover, and a supplement
// row the reference does not match. The version form of an action replaces
// its first "Object" with "ObjectVersion" and must be in the catalog
// (s3:GetObject → s3:GetObjectVersion, s3:DeleteObjectTagging →
// s3:DeleteObjectVersionTagging); the S3 API reference asks for it when a
// request carries versionId.
func generateOperations(dataDir string, actions []action) ([]byte, error) {
	var ref opsRef
	if err := readJSON(filepath.Join(dataDir, serviceRefFile), &ref); err != nil {
		return nil, err
	}
	sup, err := readOperationsSupplement(filepath.Join(dataDir, supplementOpsFile))
	if err != nil {
		return nil, err
	}
	level := map[string]string{}
	for _, a := range actions {
		level[a.Name] = a.Level
	}
	known := func(op opKey, a string) error {
		if _, ok := level[a]; !ok {
			return fmt.Errorf("gen: operation %s (%s): action %s is not in the catalog", op.name, op.service, a)
		}
		return nil
	}
	var ops []operation
	used, seen := map[opKey]bool{}, map[opKey]bool{}
	for _, o := range ref.Operations {
		served := map[string]bool{}
		for _, s := range o.SDK {
			served[s.Name] = true
		}
		for _, svc := range sdkServices {
			if !served[svc] {
				continue
			}
			key := opKey{svc, o.Name}
			if seen[key] {
				return nil, fmt.Errorf("gen: operation %s (%s) is listed twice in the service reference", o.Name, svc)
			}
			seen[key] = true
			var acts, lambda []string
			if row, ok := sup[key]; ok {
				used[key] = true
				for _, a := range row {
					if strings.HasPrefix(a, "s3:") {
						if err := known(key, a); err != nil {
							return nil, err
						}
						acts = append(acts, a)
					}
				}
			} else {
				switch {
				case len(o.AuthorizedActions) == 0:
					return nil, fmt.Errorf("gen: operation %s (%s): the service reference lists no action; add its actions to %s", o.Name, svc, supplementOpsFile)
				case svc != "s3" && served["s3"]:
					return nil, fmt.Errorf("gen: operation %s (%s): the service reference lists one set of actions for the s3 and %s operations; add the %s operation's to %s", o.Name, svc, svc, svc, supplementOpsFile)
				}
				for _, a := range o.AuthorizedActions {
					switch a.Service {
					case "s3":
						if err := known(key, "s3:"+a.Name); err != nil {
							return nil, err
						}
						acts = append(acts, "s3:"+a.Name)
					case "s3-object-lambda":
						lambda = append(lambda, "s3:"+a.Name)
					}
				}
			}
			acts = union(acts)
			op := operation{Service: svc, Name: o.Name, Actions: acts}
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
	}
	for key := range sup {
		if !used[key] {
			return nil, fmt.Errorf("gen: %s: operation %s (%s) is not in the service reference", supplementOpsFile, key.name, key.service)
		}
	}
	sort.Slice(ops, func(i, j int) bool {
		if ops[i].Service != ops[j].Service {
			return ops[i].Service < ops[j].Service
		}
		return ops[i].Name < ops[j].Name
	})
	return writeOperations(ops)
}

// actionName is the shape of an action the supplement names: a service
// prefix and an action name without wildcards.
var actionName = regexp.MustCompile(`^[a-z0-9-]+:[A-Za-z0-9]+$`)

// readOperationsSupplement reads the supplement: after comment lines (#) and
// a header, rows of operation, SDK service, comma-separated actions and the
// AWS documentation page they come from.
func readOperationsSupplement(path string) (map[opKey][]string, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("gen: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comma = '\t'
	r.Comment = '#'
	r.FieldsPerRecord = 4
	rows := map[opKey][]string{}
	for first := true; ; first = false {
		rec, err := r.Read()
		if err == io.EOF {
			return rows, nil
		}
		if err != nil {
			return nil, fmt.Errorf("gen: %s: %w", path, err)
		}
		if first {
			if strings.Join(rec, ",") != "operation,service,actions,source" {
				return nil, fmt.Errorf("gen: %s: header %q, want operation, service, actions, source", path, rec)
			}
			continue
		}
		line, _ := r.FieldPos(0)
		fail := func(format string, args ...any) error {
			return fmt.Errorf("gen: %s:%d: %s", path, line, fmt.Sprintf(format, args...))
		}
		name, svc, list, source := rec[0], rec[1], rec[2], rec[3]
		if !slices.Contains(sdkServices, svc) {
			return nil, fail("service %q, want one of %v", svc, sdkServices)
		}
		key := opKey{svc, name}
		if _, dup := rows[key]; dup {
			return nil, fail("operation %s (%s) listed twice", name, svc)
		}
		acts := strings.Split(list, ",")
		for _, a := range acts {
			if !actionName.MatchString(a) {
				return nil, fail("operation %s: action %q is not service:Name", name, a)
			}
		}
		if !strings.HasPrefix(source, "https://docs.aws.amazon.com/") {
			return nil, fail("operation %s: source %q is not an AWS documentation page", name, source)
		}
		rows[key] = acts
	}
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
	fmt.Fprintf(&b, "// catalogOperations holds the %d API operations of the s3 and s3control SDKs,\n// sorted by service and name.\n", len(ops))
	b.WriteString("var catalogOperations = [...]Operation{\n")
	for _, o := range ops {
		fmt.Fprintf(&b, "{Service: %q, Name: %q", o.Service, o.Name)
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
