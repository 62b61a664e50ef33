package policy

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/s3secure/s3secure/policy/internal/svcref"
)

// MaxServiceReferenceSize is the largest service reference file
// [LoadServiceReference] reads: 16 MiB. AWS's file for S3 is about 200 KB;
// the limit keeps a wrong file (or /dev/zero) from taking all memory.
const MaxServiceReferenceSize = 16 << 20

// ErrInvalidServiceReference: a service reference file is not AWS's service
// reference JSON for Amazon S3 (not JSON, another service, an action
// without a name, a condition key without a type) or is larger than
// [MaxServiceReferenceSize].
var ErrInvalidServiceReference = errors.New("policy: invalid service reference")

// ServiceReference is AWS's machine-readable Service Authorization Reference
// for Amazon S3, read at run time with [LoadServiceReference]: the JSON file
// AWS publishes at
// https://servicereference.us-east-1.amazonaws.com/v1/s3/s3.json (see
// "Simplified AWS service information for programmatic access" in the
// Service Authorization Reference). This package carries a snapshot of it
// ([Actions]); AWS adds actions, resource types and condition keys after
// every release. Give a newer file to [ValidateOptions].ServiceReference and
// validation knows what the snapshot lacks.
//
// A ServiceReference is immutable and safe for concurrent use.
type ServiceReference struct {
	version string
	cat     *catalog
	added   []string // names of the actions the snapshot lacks
}

// LoadServiceReference reads an AWS service reference file for Amazon S3
// and merges it with the built-in snapshot: an action, resource type or
// condition key the snapshot lacks is taken from the file, and the file's
// resource types and condition keys of an action the snapshot has are added
// to the snapshot's (nothing the snapshot knows is dropped; its access level
// stands). The access level of a new action is derived from the file's
// flags in AWS's order: IsPermissionManagement, IsTaggingOnly, IsWrite,
// IsList, else Read.
//
// It reads at most [MaxServiceReferenceSize] bytes. Errors wrap
// [ErrInvalidServiceReference], or are the reader's error.
func LoadServiceReference(r io.Reader) (*ServiceReference, error) {
	data, err := io.ReadAll(io.LimitReader(r, MaxServiceReferenceSize+1))
	if err != nil {
		return nil, fmt.Errorf("policy: reading the service reference: %w", err)
	}
	if len(data) > MaxServiceReferenceSize {
		return nil, fmt.Errorf("%w: larger than %d bytes", ErrInvalidServiceReference, MaxServiceReferenceSize)
	}
	var f svcref.File
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidServiceReference, err)
	}
	if f.Name != "s3" {
		return nil, fmt.Errorf("%w: the file is for service %q, not s3", ErrInvalidServiceReference, f.Name)
	}
	return merge(&f)
}

// Version is the file's format version ("v1.4").
func (r *ServiceReference) Version() string { return r.version }

// Added returns the names of the actions the file has and the built-in
// snapshot lacks, in name order.
func (r *ServiceReference) Added() []string { return slices.Clone(r.added) }

// LookupAction returns the action named name from the snapshot merged with
// the file, compared case-insensitively; see [LookupAction].
func (r *ServiceReference) LookupAction(name string) (Action, bool) {
	a := r.cat.lookupAction(name)
	if a == nil {
		return Action{}, false
	}
	return a.clone(), true
}

// merge merges a service reference file over the built-in snapshot.
func merge(f *svcref.File) (*ServiceReference, error) {
	c := &catalog{
		actions:       slices.Clone(catalogActions[:]),
		resourceTypes: slices.Clone(catalogResourceTypes[:]),
		extraIndex:    map[string]int{},
		keyIndex:      map[string]int{},
	}
	ref := &ServiceReference{version: f.Version, cat: c}
	for _, k := range f.ConditionKeys {
		if k.Name == "" || len(k.Types) != 1 {
			return nil, fmt.Errorf("%w: condition key %q has %d types", ErrInvalidServiceReference, k.Name, len(k.Types))
		}
		if _, ok := LookupConditionKey(k.Name); ok {
			continue
		}
		c.keyIndex[keyIndexName(k.Name)] = len(c.keys)
		c.keys = append(c.keys, ConditionKey{Name: k.Name, Type: k.Types[0]})
	}
	for _, r := range f.Resources {
		if r.Name == "" {
			return nil, fmt.Errorf("%w: a resource type has no name", ErrInvalidServiceReference)
		}
		i := slices.IndexFunc(c.resourceTypes, func(t ResourceType) bool { return t.Name == r.Name })
		if i < 0 {
			rt := ResourceType{Name: r.Name, ConditionKeys: union(nil, r.ConditionKeys)}
			if len(r.ARNFormats) > 0 {
				rt.ARNFormat = r.ARNFormats[0]
			}
			c.resourceTypes = append(c.resourceTypes, rt)
			continue
		}
		c.resourceTypes[i].ConditionKeys = union(c.resourceTypes[i].ConditionKeys, r.ConditionKeys)
	}
	for _, a := range f.Actions {
		if a.Name == "" || strings.ContainsAny(a.Name, ":*?") {
			return nil, fmt.Errorf("%w: action name %q", ErrInvalidServiceReference, a.Name)
		}
		var res []ActionResource
		for _, r := range a.Resources {
			res = append(res, ActionResource{ResourceType: r.Name})
		}
		name := "s3:" + a.Name
		if i, ok := catalogActionIndex[asciiLower(name)]; ok {
			b := &c.actions[i]
			b.ConditionKeys = union(b.ConditionKeys, a.ActionConditionKeys)
			for _, r := range res {
				if !b.AppliesTo(r.ResourceType) {
					b.Resources = append(slices.Clip(b.Resources), r)
				}
			}
			continue
		}
		if _, dup := c.extraIndex[asciiLower(name)]; dup {
			continue
		}
		level := AccessLevel(a.Annotations.Properties.AccessLevel())
		c.extraIndex[asciiLower(name)] = len(c.actions)
		c.actions = append(c.actions, Action{Name: name, AccessLevel: level, Resources: res, ConditionKeys: union(nil, a.ActionConditionKeys)})
		ref.added = append(ref.added, name)
	}
	slices.SortFunc(ref.added, func(a, b string) int { return strings.Compare(strings.ToLower(a), strings.ToLower(b)) })
	return ref, nil
}

// union returns the sorted union of a and b without duplicates, in a new
// slice.
func union(a, b []string) []string {
	out := append(slices.Clone(a), b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// keyIndexName is the lower-case name a condition key is indexed by: up to
// and including the slash for a key with a placeholder
// ("aws:principaltag/"), as catalogConditionKeyIndex does.
func keyIndexName(name string) string {
	lk := asciiLower(name)
	if j := strings.IndexByte(lk, '/'); j >= 0 {
		lk = lk[:j+1]
	}
	return lk
}

// catalog is the set of actions, resource types and condition keys
// validation checks against: the built-in snapshot ([builtinCatalog]), or
// the snapshot merged with a [ServiceReference]. Its first
// len(catalogActions) actions are the snapshot's, in the same order, so that
// an actionSet indexes them; the actions the snapshot lacks follow.
type catalog struct {
	actions       []Action
	extraIndex    map[string]int // lower-case name → index in actions, for the added actions
	resourceTypes []ResourceType
	keys          []ConditionKey // condition keys the snapshot lacks
	keyIndex      map[string]int // keyIndexName → index in keys
}

// builtinCatalog is the snapshot alone.
var builtinCatalog = &catalog{actions: catalogActions[:], resourceTypes: catalogResourceTypes[:]}

// extra returns how many actions the catalog adds to the snapshot.
func (c *catalog) extra() int { return len(c.actions) - len(catalogActions) }

// lookupAction returns the catalog's action named name (case-insensitive).
func (c *catalog) lookupAction(name string) *Action {
	lower := asciiLower(name)
	if i, ok := catalogActionIndex[lower]; ok {
		return &c.actions[i]
	}
	if i, ok := c.extraIndex[lower]; ok {
		return &c.actions[i]
	}
	return nil
}

// lookupConditionKey is [LookupConditionKey] over the catalog.
func (c *catalog) lookupConditionKey(name string) (ConditionKey, bool) {
	if k, ok := LookupConditionKey(name); ok {
		return k, true
	}
	if len(c.keys) == 0 {
		return ConditionKey{}, false
	}
	lower := asciiLower(name)
	if i, ok := c.keyIndex[lower]; ok && !strings.Contains(c.keys[i].Name, "/") {
		return c.keys[i], true
	}
	if j := strings.IndexByte(lower, '/'); j >= 0 && j < len(lower)-1 {
		if i, ok := c.keyIndex[lower[:j+1]]; ok {
			return c.keys[i], true
		}
	}
	return ConditionKey{}, false
}

// resourceType returns the catalog's resource type named name.
func (c *catalog) resourceType(name string) *ResourceType {
	for i := range c.resourceTypes {
		if c.resourceTypes[i].Name == name {
			return &c.resourceTypes[i]
		}
	}
	return nil
}

// expand returns the catalog's actions an action pattern matches.
func (c *catalog) expand(pattern string) aset {
	s := aset{b: expandSet(pattern)}
	if n := c.extra(); n > 0 {
		s.x = make([]uint64, (n+63)/64)
		for i, a := range c.actions[len(catalogActions):] {
			if MatchAction(pattern, a.Name) {
				s.x[i/64] |= 1 << (i % 64)
			}
		}
	}
	return s
}

// all returns every action of the catalog.
func (c *catalog) all() aset { return c.expand("*") }

// aset is a set of a catalog's actions: the snapshot's by index in an
// actionSet, the added ones by index after them.
type aset struct {
	b actionSet
	x []uint64
}

func (s aset) has(idx int) bool {
	if idx < len(catalogActions) {
		return s.b.has(idx)
	}
	idx -= len(catalogActions)
	return idx/64 < len(s.x) && s.x[idx/64]&(1<<(idx%64)) != 0
}

func (s aset) empty() bool {
	return s.b.empty() && !slices.ContainsFunc(s.x, func(w uint64) bool { return w != 0 })
}

func (s aset) equal(o aset) bool { return s.b == o.b && slices.Equal(s.x, o.x) }

// union returns the actions of s or o.
func (s aset) union(o aset) aset {
	r := aset{b: s.b.union(o.b), x: slices.Clone(s.x)}
	if len(o.x) > len(r.x) {
		r.x = append(r.x, make([]uint64, len(o.x)-len(r.x))...)
	}
	for i, w := range o.x {
		r.x[i] |= w
	}
	return r
}

// minus returns the actions of s that are not in o.
func (s aset) minus(o aset) aset {
	r := aset{b: s.b.minus(o.b), x: slices.Clone(s.x)}
	for i := range r.x {
		if i < len(o.x) {
			r.x[i] &^= o.x[i]
		}
	}
	return r
}

// covers reports whether every action of sub is in s.
func (s aset) covers(sub aset) bool {
	if !s.b.covers(sub.b) {
		return false
	}
	for i, w := range sub.x {
		var have uint64
		if i < len(s.x) {
			have = s.x[i]
		}
		if w&^have != 0 {
			return false
		}
	}
	return true
}
