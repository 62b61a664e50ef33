package usage

import (
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// compare fills in the unused grants of the policies in force, the grants
// the proposal adds to them, and the grants of the proposal no request
// backs.
func (s *suggester) compare(a *aggregator, current *policy.Document, prop *proposal, rep *Report) {
	used := sortedUses(a.uses, false)
	byAction := map[string][]*use{}
	for _, u := range used {
		byAction[u.action.name] = append(byAction[u.action.name], u)
	}

	// Grants of the bucket policy in force that nobody used.
	if current != nil {
		for i, st := range current.Statements {
			if st.Effect != policy.Allow {
				continue
			}
			for _, one := range splitPrincipals(st) {
				c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{one.stmt}})
				if err != nil {
					continue
				}
				if unused, maybe := s.unusedActions(c, one.stmt, used, byAction, nil); len(unused) > 0 {
					rep.Unused = append(rep.Unused, UnusedGrant{Policy: "bucket policy", Statement: i, Sid: st.Sid, Principal: one.name, Actions: unused, MaybeUsed: maybe})
				}
			}
		}
	}

	// Grants of the identity policies in force, on this bucket, that their
	// user or role did not use.
	arns := make([]string, 0, len(s.identity))
	for arn := range s.identity {
		arns = append(arns, arn)
	}
	sort.Strings(arns)
	for _, arn := range arns {
		for j, doc := range s.identity[arn] {
			if doc == nil {
				continue
			}
			for i, st := range doc.Statements {
				if st.Effect != policy.Allow || !s.reachesBucket(st) {
					continue
				}
				one := st.Clone()
				one.Condition = nil
				c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{one}})
				if err != nil {
					continue
				}
				who := func(u *use) bool { return sameIdentity(arn, u.principal) }
				if unused, maybe := s.unusedActions(c, st, used, byAction, who); len(unused) > 0 {
					rep.Unused = append(rep.Unused, UnusedGrant{Policy: fmt.Sprintf("identity policy %d of %s", j, arn), Statement: i, Sid: st.Sid, Principal: arn, Actions: unused, MaybeUsed: maybe})
				}
			}
		}
	}

	// Grants the proposal adds to what is in force.
	var currentC *policy.Compiled
	if current != nil {
		currentC, _ = policy.Compile(current)
	}
	currentID := s.currentIdentity(false)
	// The policies in force without their Allow statements whose condition
	// tests a key the proposal's grants do not keep (see keptEffect): a use
	// they do not allow is allowed in force only under such a condition.
	var plainC *policy.Compiled
	if current != nil {
		plainC, _ = policy.Compile(plainDocument(current))
	}
	plainID := s.currentIdentity(true)
	seen := map[[2]string]bool{}
	for _, st := range prop.ours {
		if st.identity {
			continue
		}
		for _, u := range st.uses {
			k := [2]string{u.principal.String(), u.action.name}
			if seen[k] {
				continue
			}
			seen[k] = true
			ids, known := currentID(u.principal)
			probes := s.samples(u)
			nSamples := len(probes)
			probes = append(probes, s.widened(u)...)
			for i, req := range probes {
				az := policy.Authorize(req, &policy.Chain{Bucket: currentC, Identity: ids})
				var why string
				var dropped []string
				if az.Allowed() {
					plainIDs, _ := plainID(u.principal)
					if policy.Authorize(req, &policy.Chain{Bucket: plainC, Identity: plainIDs}).Allowed() {
						continue
					}
					dropped = s.droppedKeys(req, current, u.principal)
					why = "the policies in force allow it only under a condition on " + strings.Join(dropped, ", ") +
						", which the proposal does not keep"
				} else {
					why = az.String()
					if !known && (u.principal.Kind == User || u.principal.Kind == Role) {
						why += "; no identity policy of this principal was given"
					}
				}
				res := req.Resource
				if i >= nSamples {
					why += "; keys were merged into this prefix (Options.MaxResources), which grants keys the policies in force do not"
					if v, ok := req.Context.Lookup(prefixKey); ok && len(v) == 1 {
						res += " (s3:prefix " + v[0] + ")"
					}
				}
				rep.Added = append(rep.Added, AddedGrant{Principal: k[0], Action: k[1], Resource: res, Why: why, DroppedConditions: dropped})
				break
			}
		}
	}

	// Grants of the proposal that no request backs.
	for _, st := range prop.ours {
		rep.Unbacked = append(rep.Unbacked, s.unbacked(st)...)
	}
}

type namedStatement struct {
	name string
	stmt policy.Statement
}

// splitPrincipals returns one copy of st per principal it names, without
// its condition (a use counts whatever the condition said then): "*",
// "AWS:arn…", "Service:…". A NotPrincipal statement stays whole.
func splitPrincipals(st policy.Statement) []namedStatement {
	base := st.Clone()
	base.Condition = nil
	if st.Principal == nil || st.Principal.Wildcard {
		name := "*"
		if st.Principal == nil {
			name = "NotPrincipal"
		}
		return []namedStatement{{name, base}}
	}
	var out []namedStatement
	for _, e := range st.Principal.Entries {
		for _, v := range e.Values {
			one := base.Clone()
			one.Principal = &policy.Principal{Entries: []policy.PrincipalEntry{{Type: e.Type, Values: policy.Values{v}}}}
			name := v
			if e.Type != policy.PrincipalAWS {
				name = string(e.Type) + ":" + v
			}
			out = append(out, namedStatement{name, one})
		}
	}
	return out
}

// grantedActions expands a statement's Action (or its NotAction's
// complement) into catalog actions.
func grantedActions(st policy.Statement) []string {
	set := map[string]bool{}
	if st.NotAction != nil {
		for _, a := range policy.Actions() {
			excluded := false
			for _, p := range st.NotAction {
				excluded = excluded || policy.MatchAction(p, a.Name)
			}
			if !excluded {
				set[a.Name] = true
			}
		}
	}
	for _, p := range st.Action {
		for _, a := range policy.ExpandActions(p) {
			set[a.Name] = true
		}
	}
	out := make([]string, 0, len(set))
	for a := range set {
		out = append(out, a)
	}
	sort.Strings(out)
	return out
}

// unusedActions returns the actions c's statement grants that no use (of
// the principals who accepts) needed on a resource the statement covers,
// and apart (maybe) those of them that an operation behind a use may have
// needed there by a header the logs do not record (use.optional).
func (s *suggester) unusedActions(c *policy.Compiled, st policy.Statement, used []*use, byAction map[string][]*use, who func(*use) bool) (out, maybe []string) {
	for _, a := range grantedActions(st) {
		usedIt := false
		for _, u := range byAction[a] {
			if who != nil && !who(u) {
				continue
			}
			for _, req := range s.samples(u) {
				if c.Decide(&req.Request).Allowed() {
					usedIt = true
					break
				}
			}
			if usedIt {
				break
			}
		}
		switch {
		case usedIt:
		case s.mayHaveUsed(c, a, used, who), s.mergedMayReach(st, a, byAction[a], who):
			maybe = append(maybe, a)
		default:
			out = append(out, a)
		}
	}
	return out, maybe
}

// mergedMayReach reports whether a use of action a (by the principals who
// accepts) that st applies to had keys merged into a prefix (past
// Options.MaxTrackedKeys, each prefix remembers one key) that st's
// resources may reach under: the keys merged away are not known, so
// neither is whether st allowed one of them. It over-approximates: a
// resource may reach under the prefix when the text before its first
// wildcard ('*', '?', or a policy variable's '$') and the prefix's ARN
// start alike.
func (s *suggester) mergedMayReach(st policy.Statement, a string, uses []*use, who func(*use) bool) bool {
	var applies *policy.Compiled
	for _, u := range uses {
		if (who != nil && !who(u)) || u.level != onObject || u.keys == nil || len(u.keys.prefixes) == 0 {
			continue
		}
		if applies == nil {
			// st for a on any resource: does it name u's principal?
			anywhere := st.Clone()
			anywhere.Action, anywhere.NotAction, anywhere.Resource, anywhere.NotResource, anywhere.Condition = policy.Values{a}, nil, policy.Values{"*"}, nil, nil
			c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{anywhere}})
			if err != nil {
				return true // cannot tell: not called unused
			}
			applies = c
		}
		named := false
		for _, req := range s.samples(u) {
			if applies.Decide(&req.Request).Allowed() {
				named = true
				break
			}
		}
		if !named {
			continue
		}
		if st.NotResource != nil {
			return true
		}
		for _, e := range u.keys.prefixes {
			under := s.keyARN(e.pattern)
			for _, r := range st.Resource {
				i := strings.IndexAny(r, "*?$")
				if strings.HasPrefix(r, under) || (i >= 0 && strings.HasPrefix(under, r[:i])) {
					return true
				}
			}
		}
	}
	return false
}

// mayHaveUsed reports whether an operation behind a use (of the principals
// who accepts) may have needed action a, by a header the logs do not
// record, on a resource c's statement covers.
func (s *suggester) mayHaveUsed(c *policy.Compiled, a string, used []*use, who func(*use) bool) bool {
	for _, u := range used {
		if (who != nil && !who(u)) || !slices.Contains(u.optional, a) {
			continue
		}
		for _, req := range s.samples(u) {
			probe := req.Request
			probe.Action = a
			if c.Decide(&probe).Allowed() {
				return true
			}
		}
	}
	return false
}

// reachesBucket reports whether an identity statement's resources can name
// the bucket or its objects.
func (s *suggester) reachesBucket(st policy.Statement) bool {
	if st.NotResource != nil {
		return true
	}
	arn := s.bucketARN()
	for _, r := range st.Resource {
		head, _, _ := strings.Cut(r, "/")
		if policy.MatchARN(head, arn) || r == "*" {
			return true
		}
	}
	return false
}

// sameIdentity reports whether the identity policy owner arn is p. A role
// seen in a server access log has no path (the session ARN does not carry
// it), so roles compare by account and name.
func sameIdentity(arn string, p Principal) bool {
	if p.ARN == arn {
		return true
	}
	if p.Kind != Role {
		return false
	}
	q := parseARNPrincipal(arn)
	return q.Kind == Role && q.Account == p.Account && roleName(q.ARN) == roleName(p.ARN)
}

func roleName(arn string) string { return arn[strings.LastIndexByte(arn, '/')+1:] }

// currentIdentity returns, for a principal, its identity policies in force
// compiled (with plain, their plainDocument), and whether any were given.
func (s *suggester) currentIdentity(plain bool) func(Principal) ([]*policy.Compiled, bool) {
	compiled := map[string][]*policy.Compiled{}
	for arn, docs := range s.identity {
		for _, d := range docs {
			if d == nil {
				continue
			}
			if plain {
				d = plainDocument(d)
			}
			if c, err := policy.Compile(d); err == nil {
				compiled[arn] = append(compiled[arn], c)
			}
		}
	}
	return func(p Principal) ([]*policy.Compiled, bool) {
		var out []*policy.Compiled
		known := false
		for arn, cs := range compiled {
			if sameIdentity(arn, p) {
				out, known = append(out, cs...), true
			}
		}
		return out, known
	}
}

// unbacked returns the grants of one proposed statement that no use backs:
// each action on each resource (and each s3:prefix value) must allow at
// least one request that was made.
func (s *suggester) unbacked(st ourStatement) []Grant {
	var out []Grant
	var prefixes []string
	for _, b := range st.stmt.Condition {
		for _, e := range b.Entries {
			if policy.EqualName(e.Key, "s3:prefix") {
				prefixes = e.Strings()
			}
		}
	}
	for _, a := range st.stmt.Action {
		for _, r := range st.stmt.Resource {
			variants := []policy.Condition{st.stmt.Condition}
			if prefixes != nil {
				variants = nil
				for _, v := range prefixes {
					variants = append(variants, policy.NewCondition("StringLike", "s3:prefix", v))
				}
			}
			for _, cond := range variants {
				one := st.stmt.Clone()
				one.Action, one.Resource, one.Condition = policy.Values{a}, policy.Values{r}, cond
				c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{one}})
				backed := false
				for _, u := range st.uses {
					if err != nil || u.action.name != a {
						continue
					}
					for _, req := range s.samples(u) {
						if c.Decide(&req.Request).Allowed() {
							backed = true
							break
						}
					}
				}
				if !backed {
					res := r
					if cond != nil {
						res += " (s3:prefix " + cond[0].Entries[0].Strings()[0] + ")"
					}
					out = append(out, Grant{Principal: st.principal.String(), Action: a, Resource: res})
				}
			}
		}
	}
	return out
}

// keptEffect are the condition keys whose test a proposed grant keeps the
// effect of: s3:prefix (a listing's grant carries its own, from use), and
// the keys policy derives from the caller the grant names. Any other key
// (aws:SourceIp, aws:SourceVpce, aws:SecureTransport, aws:PrincipalOrgID,
// s3:x-amz-acl, …) the proposal's unconditioned grants drop.
var keptEffect = append([]string{prefixKey}, callerKeys...)

// droppedConditionKeys returns the keys of st's condition a proposed grant
// does not keep the effect of, sorted.
func droppedConditionKeys(st policy.Statement) []string {
	var out []string
	for _, b := range st.Condition {
		for _, e := range b.Entries {
			if !slices.ContainsFunc(keptEffect, func(k string) bool { return policy.EqualName(k, e.Key) }) && !slices.Contains(out, e.Key) {
				out = append(out, e.Key)
			}
		}
	}
	sort.Strings(out)
	return out
}

// plainDocument returns doc without its Allow statements whose condition
// tests a key a proposed grant does not keep (its Deny statements, which
// the proposal keeps or the comparison needs, stay).
func plainDocument(doc *policy.Document) *policy.Document {
	out := &policy.Document{Version: doc.Version, ID: doc.ID}
	for _, st := range doc.Statements {
		if st.Effect == policy.Allow && len(droppedConditionKeys(st)) > 0 {
			continue
		}
		out.Statements = append(out.Statements, st)
	}
	return out
}

// droppedKeys returns the keys of the conditions of the Allow statements in
// force (the bucket policy's, p's identity policies') that allow req and
// that the proposal does not keep.
func (s *suggester) droppedKeys(req *policy.AccessRequest, current *policy.Document, p Principal) []string {
	var keys []string
	add := func(doc *policy.Document) {
		for _, st := range doc.Statements {
			ks := droppedConditionKeys(st)
			if st.Effect != policy.Allow || len(ks) == 0 {
				continue
			}
			c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{st}})
			if err != nil || !c.Decide(&req.Request).Allowed() {
				continue
			}
			for _, k := range ks {
				if !slices.Contains(keys, k) {
					keys = append(keys, k)
				}
			}
		}
	}
	if current != nil {
		add(current)
	}
	for arn, docs := range s.identity {
		if !sameIdentity(arn, p) {
			continue
		}
		for _, d := range docs {
			if d != nil {
				add(d)
			}
		}
	}
	sort.Strings(keys)
	return keys
}
