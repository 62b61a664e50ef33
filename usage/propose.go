package usage

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
	"unicode"

	"github.com/s3secure/s3secure/policy"
)

// proposal is the proposed policies, compiled for the proofs.
type proposal struct {
	bucket   *policy.Document
	bucketC  *policy.Compiled
	kept     int              // the first kept statements of bucket are the policy in force's
	keptC    *policy.Compiled // the kept statements alone
	identity map[string]*policy.Compiled
	// ours are the statements the proposal adds, with the principal and
	// uses behind them, for compare.
	ours     []ourStatement
	withheld map[useKey]string
	// unverifiable are the kept statements whose condition tests keys the
	// logs do not record, by index, with those keys; tests are the keys of
	// mayLack (as bits) each kept statement tests.
	unverifiable map[int][]string
	tests        map[int]uint8
	// lackTested are the keys of mayLack some kept Deny tests, and
	// relaxed, by a subset of them, the kept Deny statements that test
	// one, its entries left out: what could refuse a request whose record
	// does not give those keys.
	lackTested uint8
	relaxed    [1 << len(mayLack)]*policy.Compiled
	// servicesRelaxed are the kept grants to services whose condition
	// tests keys the logs do not record (aws:SourceAccount, …), those
	// keys' entries left out: a service's request they allow is one the
	// log cannot decide (nil when there is none).
	servicesRelaxed *policy.Compiled
}

type ourStatement struct {
	stmt      policy.Statement
	principal Principal
	uses      []*use
	identity  bool
}

// Withheld reasons.
const (
	reasonOwnerRoot   = "the bucket owner's root user: S3 allows it whatever the policies say (use a role instead)"
	reasonAnonymous   = "anonymous requests: granting them makes the bucket public (Options.AllowPublic)"
	reasonUnknown     = "a requester the logs do not identify: nothing is granted to it"
	reasonPermissions = "a permissions-management action (Options.AllowPermissionsManagement)"
	reasonNotOnBucket = "not a bucket or object action: it needs Resource \"*\", outside a bucket policy"
	reasonService     = "an AWS service principal: it acts for any AWS customer, so a grant needs aws:SourceAccount or aws:SourceArn (confused deputy), which the logs do not record; the policy in force's grants to services are kept as they are"
)

func (s *suggester) withholdReason(u *use) string {
	p := u.principal
	switch {
	case p.Kind == Root && p.Account == s.owner:
		return reasonOwnerRoot
	case p.Kind == Anonymous && !s.opts.AllowPublic:
		return reasonAnonymous
	case p.Kind == Unknown:
		return reasonUnknown
	case p.Kind == Service:
		return reasonService
	case p.Kind == Role && s.missingRoles[p.ARN]:
		return reasonNoSuchRole
	case u.level == onNothing:
		return reasonNotOnBucket
	case u.action.permissionsManage && !s.opts.AllowPermissionsManagement:
		return reasonPermissions
	}
	return ""
}

// principalElement is how a policy names p.
func principalElement(p Principal) *policy.Principal {
	switch p.Kind {
	case Anonymous:
		return policy.AnyPrincipal()
	case Service:
		return policy.ServicePrincipal(p.Service)
	case CanonicalUser:
		return policy.CanonicalUserPrincipal(p.ID)
	}
	return policy.AWSPrincipal(p.ARN)
}

// sidBase is a Sid stem for p: letters and digits of its name.
func sidBase(p Principal) string {
	name := string(p.Kind)
	switch p.Kind {
	case User, Role, FederatedUser:
		name += "-" + p.ARN[strings.LastIndexAny(p.ARN, "/")+1:]
	case Root:
		name += "-" + p.Account
	case Service:
		name += "-" + strings.TrimSuffix(p.Service, ".amazonaws.com")
	case CanonicalUser:
		name += "-" + p.ID[:8]
	}
	var b strings.Builder
	up := true
	for _, r := range name {
		if r > unicode.MaxASCII || !(unicode.IsLetter(r) || unicode.IsDigit(r)) {
			up = true
			continue
		}
		if up {
			r = unicode.ToUpper(r)
			up = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// propose builds the proposed policies from the uses, keeping the policy in
// force's Deny statements and AWS-service grants.
func (s *suggester) propose(a *aggregator, current *policy.Document, rep *Report) (*proposal, error) {
	prop := &proposal{identity: map[string]*policy.Compiled{}, withheld: map[useKey]string{}, unverifiable: map[int][]string{}, tests: map[int]uint8{}}
	buildOpts := &policy.BuildOptions{Partition: s.partition, AllowPublic: s.opts.AllowPublic, AllowPermissionsManagement: s.opts.AllowPermissionsManagement}
	bb := policy.NewBuilder(buildOpts)
	keptB := policy.NewBuilder(buildOpts)
	sids := map[string]bool{}
	var relaxed, keptDenies []policy.Statement
	if current != nil {
		for i, st := range current.Statements {
			if !keepStatement(st) {
				continue
			}
			if err := bb.Add(st); err != nil {
				continue // a statement the builder refuses is not kept; it shows as unused or not
			}
			_ = keptB.Add(st)
			rep.Kept = append(rep.Kept, i)
			if st.Sid != "" {
				sids[st.Sid] = true
			}
			if m := lackKeys(st); m != 0 {
				prop.tests[prop.kept] = m
				if st.Effect == policy.Deny {
					prop.lackTested |= m
					keptDenies = append(keptDenies, st)
				}
			}
			if missing := unrecordedKeys(st); len(missing) > 0 {
				prop.unverifiable[prop.kept] = missing
				if st.Effect == policy.Allow {
					relaxed = append(relaxed, withoutKeys(st, missing))
				}
			}
			prop.kept++
		}
	}

	// The uses that are granted, by principal.
	byPrincipal := map[string][]*use{}
	var order []string
	for _, u := range sortedUses(a.uses, false) {
		k := useKey{principal: u.principal.String(), action: u.action.name}
		if why := s.withholdReason(u); why != "" {
			prop.withheld[k] = why
			rep.Withheld = append(rep.Withheld, Withheld{Principal: u.principal, Action: u.action.name, Requests: u.requests, Reason: why})
			continue
		}
		if _, ok := byPrincipal[k.principal]; !ok {
			order = append(order, k.principal)
		}
		byPrincipal[k.principal] = append(byPrincipal[k.principal], u)
	}

	for _, pk := range order {
		uses := byPrincipal[pk]
		p := uses[0].principal
		stmts := s.statementsFor(p, uses, sids)
		var added []policy.Statement
		for _, st := range stmts {
			if err := bb.Add(st.stmt); err != nil {
				s.withholdAll(prop, rep, st.uses, builderReason(err))
				continue
			}
			added = append(added, st.stmt)
			prop.ours = append(prop.ours, st)
		}
		if (p.Kind == User || p.Kind == Role) && len(added) > 0 {
			ib := policy.NewBuilder(buildOpts)
			for _, st := range stmts {
				is := st.stmt.Clone()
				is.Principal = nil
				if err := ib.Add(is); err == nil {
					prop.ours = append(prop.ours, ourStatement{stmt: is, principal: p, uses: st.uses, identity: true})
				}
			}
			doc, err := ib.Document()
			if err != nil {
				continue
			}
			c, err := policy.Compile(doc)
			if err != nil {
				return nil, fmt.Errorf("usage: compiling the identity policy proposed for %s: %w", p, err)
			}
			prop.identity[p.ARN] = c
			rep.IdentityPolicies = append(rep.IdentityPolicies, IdentityPolicy{Principal: p, Document: doc, Findings: findings(doc, policy.KindManaged, s.owner)})
		}
	}

	if doc, err := bb.Document(); err == nil {
		c, err := policy.Compile(doc)
		if err != nil {
			return nil, fmt.Errorf("usage: compiling the proposed bucket policy: %w", err)
		}
		prop.bucket, prop.bucketC = doc, c
		rep.BucketPolicy = doc
		rep.BucketPolicyFindings = findings(doc, policy.KindBucket, s.owner)
	}
	if err := prop.relax(keptDenies); err != nil {
		return nil, err
	}
	if len(relaxed) > 0 {
		c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: relaxed})
		if err != nil {
			return nil, fmt.Errorf("usage: compiling the kept grants to services: %w", err)
		}
		prop.servicesRelaxed = c
	}
	if doc, err := keptB.Document(); err == nil {
		if prop.keptC, err = policy.Compile(doc); err != nil {
			return nil, fmt.Errorf("usage: compiling the kept statements: %w", err)
		}
	}
	return prop, nil
}

func (s *suggester) withholdAll(prop *proposal, rep *Report, uses []*use, why string) {
	for _, u := range uses {
		k := useKey{principal: u.principal.String(), action: u.action.name}
		if _, ok := prop.withheld[k]; ok {
			continue
		}
		prop.withheld[k] = why
		rep.Withheld = append(rep.Withheld, Withheld{Principal: u.principal, Action: u.action.name, Requests: u.requests, Reason: why})
	}
}

func builderReason(err error) string {
	var be *policy.BuildError
	if errors.As(err, &be) && be.Option != "" {
		return "the policy builder refuses it: " + be.Reason + " (" + be.Option + ")"
	}
	return "the policy builder refuses it: " + err.Error()
}

// findings validates a proposed document and checks its size.
func findings(doc *policy.Document, kind policy.Kind, account string) []policy.Finding {
	out := policy.ValidateDocument(doc, &policy.ValidateOptions{Kind: kind, Account: account})
	if err := doc.CheckSize(kind); err != nil {
		out = append(out, policy.Finding{Severity: policy.SeverityError, Code: "POLICY_SIZE_EXCEEDED", Statement: -1, Message: err.Error()})
	}
	return out
}

// keepStatement reports whether a statement of the policy in force stays in
// the proposal as it is: a Deny (narrowing grants never drops a
// protection), or an Allow to AWS services only (they act without
// appearing in the logs: S3 log delivery, CloudTrail, …).
func keepStatement(st policy.Statement) bool {
	if st.Effect == policy.Deny {
		return true
	}
	if st.Effect != policy.Allow || st.Principal == nil || st.Principal.Wildcard || len(st.Principal.Entries) == 0 {
		return false
	}
	for _, e := range st.Principal.Entries {
		if e.Type != policy.PrincipalService {
			return false
		}
	}
	return true
}

// callerKeys are the condition keys whose value follows from the caller a
// request or a grant names (policy derives all but aws:userid from the
// Caller): recordedKeys and keptEffect both count them.
var callerKeys = []string{
	"aws:PrincipalArn", "aws:PrincipalAccount", "aws:userid", "aws:username",
	"aws:PrincipalServiceName", "aws:PrincipalIsAWSService", "aws:PrincipalType",
}

// recordedKeys are the condition keys the replay sets from a log and the
// callerKeys, compared with policy.EqualName.
var recordedKeys = append([]string{
	"aws:SecureTransport", "s3:TlsVersion", "aws:SourceIp", "s3:signatureversion",
	"s3:authType", "aws:CurrentTime", "aws:EpochTime", "s3:prefix", "s3:VersionId",
	"s3:DataAccessPointArn", "s3:DataAccessPointAccount",
}, callerKeys...)

// lackKeys returns the keys of mayLack (as bits) that st's condition
// tests.
func lackKeys(st policy.Statement) uint8 {
	var m uint8
	for _, b := range st.Condition {
		for _, e := range b.Entries {
			for i, k := range mayLack {
				if policy.EqualName(e.Key, k) {
					m |= 1 << i
				}
			}
		}
	}
	return m
}

// relax compiles, for each set of the keys kept Deny statements test, those
// statements with their entries on the set left out.
func (prop *proposal) relax(denies []policy.Statement) error {
	for m := uint8(1); m < 1<<len(mayLack); m++ {
		if m&^prop.lackTested != 0 {
			continue
		}
		var keys []string
		for i, k := range mayLack {
			if m&(1<<i) != 0 {
				keys = append(keys, k)
			}
		}
		var stmts []policy.Statement
		for _, st := range denies {
			if lackKeys(st)&m != 0 {
				stmts = append(stmts, withoutKeys(st, keys))
			}
		}
		c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: stmts})
		if err != nil {
			return fmt.Errorf("usage: compiling the kept Deny statements: %w", err)
		}
		prop.relaxed[m] = c
	}
	return nil
}

// unrecordedKeys returns the condition keys of st that the logs do not
// record.
func unrecordedKeys(st policy.Statement) []string {
	var out []string
	for _, b := range st.Condition {
		for _, e := range b.Entries {
			if !slices.ContainsFunc(recordedKeys, func(k string) bool { return policy.EqualName(k, e.Key) }) {
				out = append(out, e.Key)
			}
		}
	}
	sort.Strings(out)
	return out
}

// withoutKeys returns a copy of st whose condition leaves out the entries
// of keys.
func withoutKeys(st policy.Statement, keys []string) policy.Statement {
	out := st.Clone()
	out.Condition = nil
	for _, b := range st.Condition {
		nb := policy.ConditionBlock{Operator: b.Operator}
		for _, e := range b.Entries {
			if !slices.ContainsFunc(keys, func(k string) bool { return policy.EqualName(k, e.Key) }) {
				nb.Entries = append(nb.Entries, e)
			}
		}
		if len(nb.Entries) > 0 {
			out.Condition = append(out.Condition, nb)
		}
	}
	return out
}

// statementsFor returns one principal's statements: object actions grouped
// by the resources they share, bucket actions together, and the listing
// actions used under prefixes (those that support s3:prefix) grouped by the
// s3:prefix values they share, each group under its condition.
func (s *suggester) statementsFor(p Principal, uses []*use, sids map[string]bool) []ourStatement {
	base := sidBase(p)
	sid := func(suffix string) string {
		id := base + suffix
		for n := 2; sids[id]; n++ {
			id = base + suffix + strconv.Itoa(n)
		}
		sids[id] = true
		return id
	}
	type group struct {
		resources []string
		actions   []string
		uses      []*use
	}
	var objects []*group
	byRes := map[string]*group{}
	var bucket group
	var lists []*group
	byPrefixes := map[string]*group{}
	for _, u := range uses {
		res, prefixes := s.resourcesOf(u)
		switch {
		case u.level == onBucket && len(prefixes) > 0:
			k := strings.Join(prefixes, "\x00")
			g := byPrefixes[k]
			if g == nil {
				g = &group{resources: prefixes}
				byPrefixes[k] = g
				lists = append(lists, g)
			}
			g.actions = append(g.actions, u.action.name)
			g.uses = append(g.uses, u)
		case u.level == onBucket:
			bucket.actions = append(bucket.actions, u.action.name)
			bucket.uses = append(bucket.uses, u)
		default:
			k := strings.Join(res, "\x00")
			g := byRes[k]
			if g == nil {
				g = &group{resources: res}
				byRes[k] = g
				objects = append(objects, g)
			}
			g.actions = append(g.actions, u.action.name)
			g.uses = append(g.uses, u)
		}
	}
	var out []ourStatement
	for _, g := range lists {
		out = append(out, ourStatement{stmt: policy.Statement{Sid: sid("List"), Effect: policy.Allow, Principal: principalElement(p),
			Action: policy.Strings(g.actions...), Resource: policy.Strings(s.bucketARN()),
			Condition: policy.NewCondition("StringLike", prefixKey, g.resources...)}, principal: p, uses: g.uses})
	}
	if len(bucket.actions) > 0 {
		out = append(out, ourStatement{stmt: policy.Statement{Sid: sid("Bucket"), Effect: policy.Allow, Principal: principalElement(p),
			Action: policy.Strings(bucket.actions...), Resource: policy.Strings(s.bucketARN())}, principal: p, uses: bucket.uses})
	}
	for i, g := range objects {
		suffix := "Objects"
		if len(objects) > 1 {
			suffix += strconv.Itoa(i + 1)
		}
		out = append(out, ourStatement{stmt: policy.Statement{Sid: sid(suffix), Effect: policy.Allow, Principal: principalElement(p),
			Action: policy.Strings(g.actions...), Resource: policy.Strings(g.resources...)}, principal: p, uses: g.uses})
	}
	return out
}
