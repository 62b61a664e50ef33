// Package ocsfcheck checks OCSF records against the source files of the
// OCSF schema (an excerpt is committed under report/ocsf/testdata), the way
// the OCSF server compiles them. It is for tests.
package ocsfcheck

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// Schema resolves the OCSF source files the way the OCSF server
// compiles them: an event class or object is its "extends" chain merged
// from the root down, each attribute the dictionary's definition merged
// with the class's, and an included profile counts only when the record
// lists it in metadata.profiles.
type Schema struct {
	t          testing.TB
	dir        string
	dict       map[string]map[string]any // attribute name → definition
	types      map[string]map[string]any // scalar type name → definition
	events     map[string]map[string]any // by name
	objects    map[string]map[string]any // by name
	categories map[string]any
	version    string
	profiles   map[string]bool // applied
}

func readJSON(t testing.TB, path string) map[string]any {
	t.Helper()
	b, err := os.ReadFile(path)
	require.NoError(t, err)
	var m map[string]any
	require.NoError(t, json.Unmarshal(b, &m), path)
	return m
}

// Load reads the schema files under dir, with these profiles applied.
func Load(t testing.TB, dir string, profiles ...string) *Schema {
	schemaDir := dir
	s := &Schema{t: t, dir: dir, dict: map[string]map[string]any{}, types: map[string]map[string]any{},
		events: map[string]map[string]any{}, objects: map[string]map[string]any{}, profiles: map[string]bool{}}
	d := readJSON(t, filepath.Join(schemaDir, "dictionary.json"))
	for k, v := range d["attributes"].(map[string]any) {
		s.dict[k] = v.(map[string]any)
	}
	for k, v := range d["types"].(map[string]any)["attributes"].(map[string]any) {
		s.types[k] = v.(map[string]any)
	}
	for _, dir := range []string{"events", "events/findings"} {
		files, _ := filepath.Glob(filepath.Join(schemaDir, dir, "*.json"))
		for _, f := range files {
			m := readJSON(t, f)
			s.events[m["name"].(string)] = m
		}
	}
	files, _ := filepath.Glob(filepath.Join(schemaDir, "objects", "*.json"))
	for _, f := range files {
		m := readJSON(t, f)
		s.objects[m["name"].(string)] = m
	}
	s.categories = readJSON(t, filepath.Join(schemaDir, "categories.json"))
	s.version = readJSON(t, filepath.Join(schemaDir, "version.json"))["version"].(string)
	for _, p := range profiles {
		s.profiles[p] = true
	}
	return s
}

// merge deep-merges b over a.
func merge(a, b map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range a {
		out[k] = v
	}
	for k, v := range b {
		am, ok1 := out[k].(map[string]any)
		bm, ok2 := v.(map[string]any)
		if ok1 && ok2 {
			out[k] = merge(am, bm)
		} else {
			out[k] = v
		}
	}
	return out
}

// attributes resolves the attributes of an event class or object by name.
// Attributes resolves the attributes of an event class or object by name.
func (s *Schema) Attributes(name string, event bool) map[string]map[string]any {
	return s.attributes(name, event)
}

// Version is the schema's version.
func (s *Schema) Version() string { return s.version }

func (s *Schema) attributes(name string, event bool) map[string]map[string]any {
	table := s.objects
	if event {
		table = s.events
	}
	def, ok := table[name]
	require.True(s.t, ok, "schema excerpt has no %s", name)
	var attrs map[string]map[string]any
	if parent, ok := def["extends"].(string); ok && parent != "" {
		attrs = s.attributes(parent, event)
	} else {
		attrs = map[string]map[string]any{}
	}
	own := def["attributes"].(map[string]any)
	if inc, ok := own["$include"].([]any); ok {
		for _, p := range inc {
			pname := strings.TrimSuffix(filepath.Base(p.(string)), ".json")
			if !s.profiles[pname] {
				continue
			}
			pm := readJSON(s.t, filepath.Join(s.dir, p.(string)))
			for k, v := range pm["attributes"].(map[string]any) {
				attrs[k] = merge(attrs[k], v.(map[string]any))
			}
		}
	}
	for k, v := range own {
		if k == "$include" {
			continue
		}
		attrs[k] = merge(attrs[k], v.(map[string]any))
	}
	for k, v := range attrs {
		d, ok := s.dict[k]
		require.True(s.t, ok, "dictionary excerpt has no %s", k)
		attrs[k] = merge(d, v)
	}
	return attrs
}

// baseType follows a scalar type to its base (timestamp_t → long_t).
func (s *Schema) baseType(t string) string {
	for {
		def, ok := s.types[t]
		if !ok {
			return t
		}
		next, _ := def["type"].(string)
		if next == "" {
			return t
		}
		t = next
	}
}

// check reports every way a record (or object) differs from its schema.
func (s *Schema) check(path string, value map[string]any, attrs map[string]map[string]any) []string {
	var errs []string
	for name, a := range attrs {
		if a["requirement"] == "required" {
			if v, ok := value[name]; !ok || v == nil {
				errs = append(errs, fmt.Sprintf("%s.%s: required attribute missing", path, name))
			}
		}
	}
	keys := make([]string, 0, len(value))
	for k := range value {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		v := value[k]
		a, ok := attrs[k]
		if !ok {
			base := strings.TrimSuffix(k, "_dt")
			if ba, ok := attrs[base]; ok && k != base && s.profiles["datetime"] && ba["type"] == "timestamp_t" {
				if _, ok := v.(string); !ok {
					errs = append(errs, fmt.Sprintf("%s.%s: a datetime is a string", path, k))
				}
				continue
			}
			errs = append(errs, fmt.Sprintf("%s.%s: not an attribute of this class or object", path, k))
			continue
		}
		errs = append(errs, s.checkValue(path+"."+k, v, a)...)
		// An enum's sibling holds the caption of the id.
		if enum, ok := a["enum"].(map[string]any); ok {
			if sib, ok := a["sibling"].(string); ok {
				if sv, ok := value[sib]; ok {
					id := fmt.Sprint(v)
					if e, ok := enum[id].(map[string]any); ok && id != "99" && sv != e["caption"] {
						errs = append(errs, fmt.Sprintf("%s.%s: %q is not the caption of %s %s (%q)", path, sib, sv, k, id, e["caption"]))
					}
				}
			}
		}
	}
	return errs
}

func (s *Schema) checkValue(path string, v any, a map[string]any) []string {
	if a["is_array"] == true {
		arr, ok := v.([]any)
		if !ok {
			return []string{path + ": must be an array"}
		}
		one := merge(a, map[string]any{"is_array": false})
		var errs []string
		for i, x := range arr {
			errs = append(errs, s.checkValue(fmt.Sprintf("%s[%d]", path, i), x, one)...)
		}
		return errs
	}
	typ, _ := a["type"].(string)
	if enum, ok := a["enum"].(map[string]any); ok {
		if _, ok := enum[fmt.Sprint(v)]; !ok {
			return []string{fmt.Sprintf("%s: %v is not one of the enum's values", path, v)}
		}
	}
	switch s.baseType(typ) {
	case "string_t":
		if _, ok := v.(string); !ok {
			return []string{path + ": must be a string"}
		}
	case "integer_t", "long_t":
		n, ok := v.(float64)
		if !ok || n != float64(int64(n)) {
			return []string{path + ": must be an integer"}
		}
	case "boolean_t":
		if _, ok := v.(bool); !ok {
			return []string{path + ": must be a boolean"}
		}
	case "object", "json_t":
		// Any JSON (unmapped data).
	default:
		m, ok := v.(map[string]any)
		if !ok {
			return []string{path + ": must be an object of type " + typ}
		}
		return s.check(path, m, s.attributes(typ, false))
	}
	return nil
}

// checkRecord checks a Detection Finding record, including what the
// attribute table cannot say: the classification ids agree with the
// category and class files, and the version is the schema's.
// CheckRecord returns every way a Detection Finding record differs from
// the schema; none means it follows it.
func (s *Schema) CheckRecord(rec map[string]any) []string { return s.checkRecord(rec) }

func (s *Schema) checkRecord(rec map[string]any) []string {
	attrs := s.attributes("detection_finding", true)
	// The compiler fills the enums of class_uid and category_uid from the
	// class and category files (the source lists only 0); they are
	// checked against those files below.
	for _, k := range []string{"class_uid", "category_uid"} {
		delete(attrs[k], "enum")
	}
	errs := s.check("", rec, attrs)
	cls := s.events["detection_finding"]
	cat := s.categories["attributes"].(map[string]any)[s.events["finding"]["category"].(string)].(map[string]any)
	catUID := int(cat["uid"].(float64))
	classUID := catUID*1000 + int(cls["uid"].(float64))
	want := map[string]any{
		"category_uid":  float64(catUID),
		"category_name": cat["caption"],
		"class_uid":     float64(classUID),
		"class_name":    cls["caption"],
	}
	if act, ok := rec["activity_id"].(float64); ok {
		want["type_uid"] = float64(classUID*100 + int(act))
		enum := s.attributes("detection_finding", true)["activity_id"]["enum"].(map[string]any)
		if e, ok := enum[strconv.Itoa(int(act))].(map[string]any); ok {
			want["type_name"] = fmt.Sprintf("%s: %s", cls["caption"], e["caption"])
		}
	}
	for k, w := range want {
		if rec[k] != w {
			errs = append(errs, fmt.Sprintf("%s is %v, the schema says %v", k, rec[k], w))
		}
	}
	md, _ := rec["metadata"].(map[string]any)
	if md["version"] != s.version {
		errs = append(errs, fmt.Sprintf("metadata.version is %v, the schema is %s", md["version"], s.version))
	}
	listed := map[string]bool{}
	if ps, ok := md["profiles"].([]any); ok {
		for _, p := range ps {
			listed[fmt.Sprint(p)] = true
		}
	}
	for p := range s.profiles {
		if !listed[p] {
			errs = append(errs, "metadata.profiles does not list "+p)
		}
	}
	return errs
}
