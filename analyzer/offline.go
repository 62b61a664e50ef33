package analyzer

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"sort"
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// BucketState is what the offline analysis looks at: the bucket's policy,
// ACL, Block Public Access (bucket and account) and access points. [Fetch]
// reads it from S3; tests and callers may also fill it in directly.
type BucketState struct {
	// Name is the bucket's name; Region its Region (informational).
	Name, Region string
	// Owner is the 12-digit account that owns the bucket (the zone of
	// trust). Required.
	Owner string
	// OwnerCanonicalID is the owner's S3 canonical user id, from the ACL;
	// grants and principals naming it are the owner.
	OwnerCanonicalID string
	// Policy is the bucket policy JSON; empty when there is none.
	Policy string
	// ACL is the bucket ACL's grants.
	ACL []policy.ACLGrant
	// ACLsDisabled is true when Object Ownership is BucketOwnerEnforced:
	// S3 then ignores ACLs entirely.
	ACLsDisabled bool
	// BlockPublicAccess is the bucket's own setting and AccountBlock the
	// account's; S3 applies the most restrictive combination.
	BlockPublicAccess, AccountBlock policy.BlockPublicAccess
	// AccessPoints are the bucket's access points.
	AccessPoints []AccessPoint
}

// AccessPoint is an S3 access point of a bucket.
type AccessPoint struct {
	// Name, ARN and Account identify the access point; Bucket is the bucket
	// it serves.
	Name, ARN, Account, Bucket string
	// NetworkOrigin is "Internet" or "VPC". VPC access points are never
	// public.
	NetworkOrigin string
	// Policy is the access point policy JSON; empty when none.
	Policy string
	// BlockPublicAccess is the access point's own setting (all four on for
	// every access point created since 2019, and unchangeable).
	BlockPublicAccess policy.BlockPublicAccess
}

// AnalyzeOptions sets the zone of trust for [Analyze]. nil means the
// bucket owner's account alone, as an ACCOUNT analyzer.
type AnalyzeOptions struct {
	// TrustedAccounts are accounts inside the zone of trust besides the
	// owner (for example the organization's accounts): access by them is
	// not reported.
	TrustedAccounts []string
	// Organization is an organization id (o-…) inside the zone of trust,
	// as with an ORGANIZATION analyzer: access limited to it by
	// aws:PrincipalOrgID is not reported.
	Organization string
}

// ErrBadPolicy means a bucket or access point policy could not be parsed;
// the offline analysis cannot judge it (Access Analyzer reports such a
// resource with an error too).
var ErrBadPolicy = errors.New("analyzer: unreadable policy")

// Analyze computes, without Access Analyzer, the findings Access Analyzer
// would report for a bucket: one per principal outside the zone of trust
// that a statement of the bucket policy, a grant of the ACL or an access
// point policy gives access to, with the actions and the conditions that
// limit it. It uses the policy package's S3 public-access rules
// ([policy.IsPublic]) to tell public from limited access, its evaluator
// to drop access that a Deny statement takes away (and to read limits
// written as Deny statements, such as a Deny unless aws:PrincipalOrgID),
// and Block Public Access: IgnorePublicAcls drops public ACL grants,
// RestrictPublicBuckets cuts a public policy down to AWS services and the
// owner's account (also for access points); BlockPublicAcls and
// BlockPublicPolicy only refuse new public settings and change no
// existing access. Whether the bucket policy lets an access point's grants
// through (access point delegation) is decided by [policy.Authorize].
//
// Findings are sorted by source, then statement, then principal.
//
// Errors: [ErrInvalidInput] for a state without a valid bucket name or
// owner, or options with an organization id or trusted account that is
// not well formed; [ErrBadPolicy] (wrapping the parse error) for a policy that is
// not a valid policy document.
func Analyze(b *BucketState, opts *AnalyzeOptions) ([]Finding, error) {
	if b == nil || !validBucketName(b.Name) {
		return nil, invalid("bucket state needs a valid bucket name")
	}
	if !twelveDigits.MatchString(b.Owner) {
		return nil, invalid("bucket %s: owner %q is not a 12-digit account id", b.Name, b.Owner)
	}
	var o AnalyzeOptions
	if opts != nil {
		o = *opts
	}
	if o.Organization != "" && !orgID.MatchString(o.Organization) {
		return nil, invalid("organization %q is not an organization id (o-…)", o.Organization)
	}
	for _, a := range o.TrustedAccounts {
		if !twelveDigits.MatchString(a) {
			return nil, invalid("trusted account %q is not a 12-digit account id", a)
		}
	}
	z := zone{owner: b.Owner, ownerCanonical: b.OwnerCanonicalID, org: o.Organization, trusted: map[string]bool{b.Owner: true}}
	for _, a := range o.TrustedAccounts {
		z.trusted[a] = true
	}
	bucketARN := "arn:aws:s3:::" + b.Name
	bpa := policy.Effective(b.AccountBlock, b.BlockPublicAccess)
	var out []Finding

	var bucketDoc *policy.Document
	if strings.TrimSpace(b.Policy) != "" {
		doc, err := policy.Parse([]byte(b.Policy))
		if err != nil {
			return nil, fmt.Errorf("%w: bucket %s: %w", ErrBadPolicy, b.Name, err)
		}
		bucketDoc = doc
		fs := analyzePolicy(doc, policy.KindBucket, bucketARN, probeResources(doc, bucketARN, bucketARN+"/s3secure-probe"), z, bpa, nil)
		out = append(out, fs...)
	}
	if !b.ACLsDisabled {
		out = append(out, analyzeACL(bpa.EffectiveACL(b.ACL), z)...)
	}
	for _, ap := range b.AccessPoints {
		if ap.Policy == "" || bucketDoc == nil {
			continue
		}
		ok, limits := delegates(bucketDoc, bucketARN, b.Owner, ap)
		if !ok {
			continue
		}
		doc, err := policy.Parse([]byte(ap.Policy))
		if err != nil {
			return nil, fmt.Errorf("%w: access point %s: %w", ErrBadPolicy, ap.ARN, err)
		}
		apBPA := policy.Effective(b.AccountBlock, b.BlockPublicAccess, ap.BlockPublicAccess)
		src := &Source{Type: SourceAccessPoint, AccessPointARN: ap.ARN, AccessPointAccount: ap.Account}
		fs := analyzePolicy(doc, policy.KindAccessPoint, bucketARN, probeResources(doc, ap.ARN, ap.ARN+"/object/s3secure-probe"), z, apBPA, src)
		for i := range fs {
			for k, v := range limits {
				fs[i].Conditions = withCondition(fs[i].Conditions, k, v)
			}
			if fs[i].Public && len(limits) > 0 && fixedLimits(limits, policy.KindBucket) {
				fs[i].Public = false
			}
			if strings.EqualFold(ap.NetworkOrigin, "VPC") && fs[i].Public {
				// S3: an access point with network origin VPC is never
				// public; its access is limited to the VPC.
				fs[i].Public = false
				fs[i].Conditions = withCondition(fs[i].Conditions, "s3:AccessPointNetworkOrigin", "VPC")
				fs[i].classify()
			}
		}
		out = append(out, fs...)
	}
	for i := range out {
		out[i].Bucket, out[i].Resource, out[i].ResourceType, out[i].Owner = b.Name, bucketARN, "AWS::S3::Bucket", b.Owner
		out[i].Status = "ACTIVE"
		out[i].classify()
		z.trim(&out[i])
	}
	out = slices.DeleteFunc(out, func(f Finding) bool { return !z.reportable(&f) })
	sort.SliceStable(out, func(i, j int) bool {
		si, sj := sourceRank(out[i]), sourceRank(out[j])
		if si != sj {
			return si < sj
		}
		if out[i].Statement != out[j].Statement {
			return out[i].Statement < out[j].Statement
		}
		return principalKey(out[i].Principal) < principalKey(out[j].Principal)
	})
	return out, nil
}

// fixedLimits reports whether the limits a Deny adds make a public grant
// non-public in S3's sense: the same limits written as the grant's own
// condition would (fixed values of limiting keys, no wildcard).
func fixedLimits(extra map[string]string, kind policy.Kind) bool {
	cond := map[string]map[string][]string{}
	for k, v := range extra {
		op := "StringLike"
		if strings.EqualFold(k, "aws:SourceIp") {
			op = "IpAddress"
		}
		if cond[op] == nil {
			cond[op] = map[string][]string{}
		}
		cond[op][k] = strings.Split(v, ",")
	}
	raw, err := json.Marshal(map[string]any{"Version": "2012-10-17", "Statement": []any{map[string]any{
		"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*", "Condition": cond,
	}}})
	if err != nil {
		return false
	}
	doc, err := policy.Parse(raw)
	if err != nil || len(doc.Statements) != 1 {
		return false
	}
	_, public := policy.StatementIsPublic(doc.Statements[0], kind)
	return !public
}

// maxProbeResources bounds the resources the analysis tries per action.
const maxProbeResources = 16

// probeResources returns the resources requests are tried on: the
// resource itself, one object, and one instance of every Resource and
// NotResource pattern of the policy under it, so that access a Deny
// leaves to one prefix (NotResource, or a Deny of other prefixes) is
// found.
func probeResources(doc *policy.Document, resource, object string) []string {
	out := []string{resource, object}
	fill := strings.NewReplacer("*", "s3secure-any", "?", "x")
	for _, s := range doc.Statements {
		for _, v := range append(slices.Clone([]string(s.Resource)), s.NotResource...) {
			if !strings.HasPrefix(v, resource) || len(out) >= maxProbeResources {
				continue
			}
			if r := fill.Replace(v); !slices.Contains(out, r) {
				out = append(out, r)
			}
		}
	}
	return out
}

func sourceRank(f Finding) string {
	if len(f.Sources) == 0 {
		return ""
	}
	return string(f.Sources[0].Type) + f.Sources[0].AccessPointARN
}

func principalKey(p map[string]string) string {
	keys := make([]string, 0, len(p))
	for k, v := range p {
		keys = append(keys, k+"="+v)
	}
	sort.Strings(keys)
	return strings.Join(keys, ";")
}

// zone is the zone of trust.
type zone struct {
	owner, ownerCanonical, org string
	trusted                    map[string]bool
}

// trim removes trusted accounts from a finding's accounts.
func (z zone) trim(f *Finding) {
	f.Accounts = slices.DeleteFunc(f.Accounts, func(a string) bool { return z.trusted[a] })
	if len(f.Accounts) == 0 {
		f.Accounts = nil
	}
}

// reportable reports whether the finding reaches outside the zone.
func (z zone) reportable(f *Finding) bool {
	switch f.Kind {
	case KindPublic, KindConditional:
		return true
	case KindOrganization:
		return z.org == "" || f.Organization != z.org
	case KindCrossAccount:
		if cu := f.Principal["CanonicalUser"]; cu != "" {
			return cu != z.ownerCanonical
		}
		return len(f.Accounts) > 0
	}
	return false
}

func withCondition(m map[string]string, k, v string) map[string]string {
	out := make(map[string]string, len(m)+1)
	for a, b := range m {
		out[a] = b
	}
	out[k] = v
	return out
}

// analyzePolicy returns the findings of one bucket or access point policy.
func analyzePolicy(doc *policy.Document, kind policy.Kind, bucketARN string, probeResources []string, z zone, bpa policy.BlockPublicAccess, src *Source) []Finding {
	compiled, err := policy.Compile(doc)
	if err != nil {
		compiled = nil // the evaluator cannot judge it; keep the statement-level findings
	}
	status := policy.IsPublic(doc, kind)
	var out []Finding
	for i, s := range doc.Statements {
		if s.Effect != policy.Allow {
			continue
		}
		for _, c := range candidates(s, kind, z) {
			gs := grantsOf(doc, compiled, i, s, c, probeResources)
			if len(gs) == 0 && c.everyone {
				// Denied to everyone, but perhaps not to the principals a
				// Deny with NotPrincipal spares: their access remains.
				for _, nc := range spared(doc, z) {
					for _, g := range grantsOf(doc, compiled, i, s, nc, probeResources) {
						g.principal = nc.principal
						gs = append(gs, g)
					}
				}
			}
			for _, g := range gs {
				principal, public := c.principal, c.public
				if g.principal != nil {
					principal, public = g.principal, false
				}
				f := Finding{
					Principal: principal, Public: public, Actions: g.actions, Conditions: conditionsOf(s),
					Statement: i, Sid: s.Sid,
				}
				for k, v := range g.extra {
					f.Conditions = withCondition(f.Conditions, k, v)
				}
				if f.Public && len(g.extra) > 0 && fixedLimits(g.extra, kind) {
					f.Public = false
				}
				if len(f.Conditions) == 0 {
					f.Conditions = nil
				}
				f.Sources = []Source{sourceFor(src, f.Conditions)}
				f.Owner = z.owner
				f.classify()
				// RestrictPublicBuckets: a public policy reaches only AWS
				// services and the owner's account.
				caller := policy.Caller{Service: principal["Service"]}
				if len(f.Accounts) > 0 {
					caller.Account = f.Accounts[0]
				}
				if !bpa.PolicyReaches(status.IsPublic, caller, z.owner) {
					continue
				}
				out = append(out, f)
			}
		}
	}
	return out
}

func sourceFor(src *Source, cond map[string]string) Source {
	if src != nil {
		return *src
	}
	for k, v := range cond {
		switch strings.ToLower(k) {
		case "s3:dataaccesspointaccount":
			return Source{Type: SourceAccessPointAccount, AccessPointAccount: v}
		case "s3:dataaccesspointarn":
			return Source{Type: SourceAccessPointAccount, AccessPointAccount: accountOf(v)}
		}
	}
	return Source{Type: SourcePolicy}
}

// candidate is one principal a statement grants to.
type candidate struct {
	principal map[string]string
	public    bool
	caller    policy.Caller
	// everyone is set for the "*" (or NotPrincipal) candidate.
	everyone bool
}

// spared returns a candidate for each AWS principal outside the zone of
// trust that a Deny statement with NotPrincipal leaves out of its Deny.
func spared(doc *policy.Document, z zone) []candidate {
	var out []candidate
	seen := map[string]bool{}
	for _, s := range doc.Statements {
		if s.Effect != policy.Deny || s.NotPrincipal == nil {
			continue
		}
		for _, e := range s.NotPrincipal.Entries {
			if e.Type != policy.PrincipalAWS {
				continue
			}
			for _, v := range e.Values {
				acct := accountOf(v)
				if acct == "" || z.trusted[acct] || seen[v] {
					continue
				}
				seen[v] = true
				arn := v
				if !strings.HasPrefix(v, "arn:") {
					arn = "arn:aws:iam::" + acct + ":root"
				}
				out = append(out, candidate{principal: map[string]string{"AWS": v}, caller: policy.Caller{Account: acct, ARN: arn}})
			}
		}
	}
	return out
}

const probeAccount = "999999999999"

// candidates lists the principals of an Allow statement outside the zone
// of trust: one public (or condition-limited) candidate for "*", NotPrincipal
// and wildcard or federated principals; one per named account, canonical
// user or service otherwise.
func candidates(s policy.Statement, kind policy.Kind, z zone) []candidate {
	_, public := policy.StatementIsPublic(s, kind)
	everyone := s.NotPrincipal != nil || (s.Principal != nil && (s.Principal.IsEveryone() || hasWildcardPrincipal(s.Principal)))
	var out []candidate
	if everyone {
		out = append(out, candidate{principal: map[string]string{"AWS": "*"}, public: public, everyone: true,
			caller: policy.Caller{Account: probeAccount, ARN: "arn:aws:iam::" + probeAccount + ":root"}})
		if public {
			out[0].caller = policy.Caller{}
		}
		return out
	}
	if s.Principal == nil {
		return nil
	}
	for _, e := range s.Principal.Entries {
		for _, v := range e.Values {
			switch e.Type {
			case policy.PrincipalAWS:
				acct := accountOf(v)
				if acct == "" || z.trusted[acct] {
					continue
				}
				arn := v
				if !strings.HasPrefix(v, "arn:") {
					arn = "arn:aws:iam::" + acct + ":root"
				}
				out = append(out, candidate{principal: map[string]string{"AWS": v}, caller: policy.Caller{Account: acct, ARN: arn}})
			case policy.PrincipalCanonicalUser:
				if v == z.ownerCanonical {
					continue
				}
				out = append(out, candidate{principal: map[string]string{"CanonicalUser": v}, caller: policy.Caller{CanonicalUser: v}})
			case policy.PrincipalService:
				// Not reported: Access Analyzer "does not currently
				// report findings from AWS service principals" (see
				// the package documentation).
			case policy.PrincipalFederated:
				out = append(out, candidate{principal: map[string]string{"Federated": v}, public: public, caller: policy.Caller{Federated: v}})
			}
		}
	}
	return out
}

func hasWildcardPrincipal(p *policy.Principal) bool {
	for _, e := range p.Entries {
		if e.Type != policy.PrincipalAWS {
			continue
		}
		for _, v := range e.Values {
			if strings.ContainsAny(v, "*?") {
				return true
			}
		}
	}
	return false
}

func actionsOf(s policy.Statement) []string {
	var out []string
	if s.NotAction != nil {
		// Allow with NotAction grants every action except those listed.
		out = []string{"*"}
	} else {
		out = slices.Clone([]string(s.Action))
	}
	sort.Strings(out)
	return out
}

// positiveOperator reports whether a condition operator requires the key
// to be present with a matching value (so the statement is limited to those
// values): not negated, not IfExists, not ForAllValues.
func positiveOperator(op string) bool {
	l := strings.ToLower(op)
	if strings.HasPrefix(l, "forallvalues:") || strings.HasSuffix(l, "ifexists") {
		return false
	}
	l = strings.TrimPrefix(l, "foranyvalue:")
	switch l {
	case "stringequals", "stringequalsignorecase", "stringlike", "arnequals", "arnlike", "ipaddress", "bool":
		return true
	}
	return false
}

// negatedOperator reports whether a Deny with this operator denies every
// value except the listed ones (so it limits the grant to them).
func negatedOperator(op string) bool {
	l := strings.ToLower(op)
	if strings.HasPrefix(l, "forallvalues:") || strings.HasPrefix(l, "foranyvalue:") {
		return false
	}
	switch l {
	case "stringnotequals", "stringnotequalsignorecase", "stringnotlike", "arnnotequals", "arnnotlike", "notipaddress":
		return true
	}
	return false
}

// conditionsOf flattens the statement's positive conditions to key →
// comma-separated values, as Access Analyzer reports them.
func conditionsOf(s policy.Statement) map[string]string {
	out := map[string]string{}
	for _, b := range s.Condition {
		if !positiveOperator(b.Operator) || strings.EqualFold(b.Operator, "Bool") {
			continue
		}
		for _, e := range b.Entries {
			out[e.Key] = strings.Join(e.Strings(), ",")
		}
	}
	if len(out) == 0 {
		return nil
	}
	return out
}

// grant is the part of a statement's grant to one candidate that survives
// the rest of the policy: the action patterns (as written in the
// statement) that keep some access, and the limits that Deny statements
// add to them.
type grant struct {
	actions []string
	extra   map[string]string
	// principal, when set, replaces the candidate's (a principal spared
	// by a Deny with NotPrincipal).
	principal map[string]string
}

// grantsOf returns the grants of statement index to the candidate, one per
// set of extra limits, in the order of the statement's actions. Each
// action pattern is judged on its own, so that a Deny of one action
// removes that action only, and a Deny that limits one action (to an
// organization, say) limits that action only. Without an evaluator (a
// policy the policy package cannot compile) the whole statement is kept.
func grantsOf(doc *policy.Document, c *policy.Compiled, index int, s policy.Statement, cand candidate, resources []string) []grant {
	all := actionsOf(s)
	if c == nil {
		return []grant{{actions: all}}
	}
	patterns := []string(s.Action)
	if s.NotAction != nil {
		// Allow with NotAction: every action except those listed, judged
		// as one.
		patterns = []string{"s3:*"}
	}
	var out []grant
	byLimit := map[string]int{}
	for _, p := range patterns {
		ok, extra := effective(doc, c, index, s, p, cand, resources)
		if !ok {
			continue
		}
		name := p
		if s.NotAction != nil {
			name = all[0]
		}
		key := principalKey(extra)
		if k, seen := byLimit[key]; seen {
			out[k].actions = append(out[k].actions, name)
			continue
		}
		byLimit[key] = len(out)
		out = append(out, grant{actions: []string{name}, extra: extra})
	}
	for i := range out {
		sort.Strings(out[i].actions)
		out[i].actions = slices.Compact(out[i].actions)
	}
	return out
}

// effective asks the evaluator whether the statement's grant of the action
// pattern to the candidate survives the rest of the policy. It builds the
// requests that the statement allows for the pattern (the actions it
// covers, the resources it names, the candidate as caller, its own
// condition values in the context, over TLS) and decides them against the
// whole policy; the pattern survives when one of them is allowed. An
// explicit Deny whose condition denies every value but a fixed set of a
// limiting key (StringNotEquals aws:PrincipalOrgID …) becomes a limit: the
// request is re-tried with those values and, if allowed then, the grant is
// reported with the extra condition. It returns false when Deny statements
// remove every such request, and true (with no extra limits) when no
// request could exercise the statement, so that the finding is kept rather
// than lost.
func effective(doc *policy.Document, c *policy.Compiled, index int, s policy.Statement, pattern string, cand candidate, resources []string) (bool, map[string]string) {
	ctx := probeContext(s)
	tried := 0
	var limited map[string]string
	unlimited := false
	try := func(req *policy.Request) bool {
		tried++
		extra := map[string]string{}
		for range 4 {
			if c.Decide(req).Decision != policy.DecisionExplicitDeny {
				if len(extra) == 0 {
					unlimited = true
					return false // unlimited access: the widest answer, stop
				}
				if limited == nil {
					limited = extra
				}
				return tried < maxProbeRequests
			}
			limits := denyLimits(doc, c, req)
			shape := denyShape(doc, c, req)
			if len(limits) == 0 && len(shape) == 0 {
				break
			}
			for k, vs := range limits {
				extra[k] = strings.Join(vs, ",")
				req.Context.Set(k, sample(k, vs[0]))
			}
			for k, v := range shape {
				req.Context.Set(k, v)
			}
		}
		return tried < maxProbeRequests
	}
	// The common actions first; the catalog only when none of them gives
	// the answer (expanding a wildcard over the whole catalog is the
	// expensive part of the analysis).
	if exercise(c, index, probeSet(pattern), cand.caller, ctx, resources, try) && !unlimited && limited == nil && tried < maxProbeRequests {
		exercise(c, index, catalogSet(pattern), cand.caller, ctx, resources, try)
	}
	switch {
	case tried == 0, unlimited:
		return true, nil
	case limited != nil:
		return true, limited
	}
	return false, nil
}

// maxProbeRequests bounds the requests tried per action pattern.
const maxProbeRequests = 24

// probeSet returns the actions tried first for a pattern: the pattern
// itself when it has no wildcard, else the common actions it covers.
func probeSet(pattern string) []string {
	if !strings.ContainsAny(pattern, "*?") {
		return []string{pattern}
	}
	var out []string
	for _, a := range probeActions {
		if policy.MatchAction(pattern, a) {
			out = append(out, a)
		}
	}
	return out
}

// catalogSet returns up to 40 more actions of the catalog that a wildcard
// pattern covers.
func catalogSet(pattern string) []string {
	if !strings.ContainsAny(pattern, "*?") {
		return nil
	}
	var out []string
	for _, a := range policy.ExpandActions(pattern) {
		if len(out) >= 40 {
			break
		}
		if !slices.Contains(probeActions, a.Name) {
			out = append(out, a.Name)
		}
	}
	return out
}

// exercise calls try with each request for the actions that statement
// index allows, until try returns false; it returns false when stopped.
func exercise(c *policy.Compiled, index int, actions []string, caller policy.Caller, ctx map[string]string, resources []string, try func(*policy.Request) bool) bool {
	for _, a := range actions {
		for _, r := range resources {
			req := &policy.Request{Caller: caller, Action: a, Resource: r}
			for k, v := range ctx {
				req.Context.Set(k, v)
			}
			for _, m := range policy.Matches(req, c) {
				if m.Index == index && m.Effect == policy.Allow {
					if !try(req) {
						return false
					}
					break
				}
			}
		}
	}
	return true
}

// probeActions are tried first for a wildcard action: object and bucket
// reads and writes, which most grants include (the actions of these API
// operations).
var probeActions = policy.RequiredActions(false, "GetObject", "PutObject", "ListObjectsV2", "DeleteObject", "GetBucketAcl", "PutBucketAcl")

// denyLimits returns, for the Deny statements that match req, the values of
// limiting keys they require through negated operators.
func denyLimits(doc *policy.Document, c *policy.Compiled, req *policy.Request) map[string][]string {
	out := map[string][]string{}
	for _, m := range policy.Matches(req, c) {
		if m.Effect != policy.Deny {
			continue
		}
		if m.Index < 0 || m.Index >= len(doc.Statements) {
			continue
		}
		for _, b := range doc.Statements[m.Index].Condition {
			// …IfExists denies an absent key too: the same limit.
			if !negatedOperator(strings.TrimSuffix(strings.ToLower(b.Operator), "ifexists")) {
				continue
			}
			for _, e := range b.Entries {
				if k, ok := policy.LookupConditionKey(e.Key); ok && k.LimitsPublicAccess && len(e.Values) > 0 {
					if _, seen := req.Context.Lookup(e.Key); seen {
						continue // already set and still denied: not a limit we can satisfy
					}
					out[e.Key] = e.Strings()
				}
			}
		}
	}
	return out
}

// denyShape returns, for the Deny statements that match req, request
// values that the caller chooses and that take the request out of the
// Deny: a Deny of uploads without an encryption header or without the
// bucket-owner-full-control ACL (StringNotEquals, …IfExists, Null "true"
// on such a key) only says how to ask, not who may. Keys about who the
// caller is or where the request comes from are not the caller's choice
// and are left alone.
func denyShape(doc *policy.Document, c *policy.Compiled, req *policy.Request) map[string]string {
	out := map[string]string{}
	for _, m := range policy.Matches(req, c) {
		if m.Effect != policy.Deny || m.Index < 0 || m.Index >= len(doc.Statements) {
			continue
		}
		for _, b := range doc.Statements[m.Index].Condition {
			op := strings.ToLower(b.Operator)
			for _, e := range b.Entries {
				if !callerChosen(e.Key) {
					continue
				}
				if _, set := req.Context.Lookup(e.Key); set {
					continue // already chosen (by the Allow's own conditions)
				}
				vs := e.Strings()
				switch {
				case op == "null" && len(vs) == 1 && strings.EqualFold(vs[0], "true"):
					out[e.Key] = "s3secure-probe"
				case negatedOperator(strings.TrimSuffix(op, "ifexists")) && len(vs) > 0:
					out[e.Key] = sample(e.Key, vs[0])
				}
			}
		}
	}
	return out
}

// callerChosen reports whether a condition key is a request parameter the
// caller sets (S3 request headers and parameters, request tags), as opposed
// to who the caller is, where the request comes from or what the resource
// already is.
func callerChosen(key string) bool {
	l := strings.ToLower(key)
	switch {
	case strings.HasPrefix(l, "aws:requesttag/"), l == "aws:tagkeys":
		return true
	case !strings.HasPrefix(l, "s3:"):
		return false
	case strings.HasPrefix(l, "s3:dataaccesspoint"), l == "s3:accesspointnetworkorigin",
		strings.HasPrefix(l, "s3:existingobjecttag/"), strings.HasPrefix(l, "s3:resourceaccount"):
		return false
	}
	if k, ok := policy.LookupConditionKey(key); ok && k.LimitsPublicAccess {
		return false
	}
	return true
}

// probeContext returns request values that satisfy the statement's
// positive conditions, and aws:SecureTransport true.
func probeContext(s policy.Statement) map[string]string {
	ctx := map[string]string{"aws:SecureTransport": "true"}
	for _, b := range s.Condition {
		if !positiveOperator(b.Operator) {
			continue
		}
		for _, e := range b.Entries {
			if vs := e.Strings(); len(vs) > 0 {
				ctx[e.Key] = sample(e.Key, vs[0])
			}
		}
	}
	return ctx
}

// sample turns a condition value into a request value it matches.
func sample(key, v string) string {
	if strings.EqualFold(key, "aws:SourceIp") {
		if p, err := netip.ParsePrefix(v); err == nil {
			return p.Masked().Addr().String()
		}
		return v
	}
	return strings.NewReplacer("*", "probe", "?", "x").Replace(v)
}

// delegates reports whether the bucket policy lets requests through the
// access point: both policies must allow a request made through an access
// point, and the usual bucket policy delegates with
// s3:DataAccessPointAccount or s3:DataAccessPointArn. A delegation that
// holds only under conditions of its own (for the organization, say) is
// tried with values that satisfy them; its limiting conditions are
// returned, for they limit what the access point grants too.
func delegates(bucket *policy.Document, bucketARN, owner string, ap AccessPoint) (bool, map[string]string) {
	c, err := policy.Compile(bucket)
	if err != nil {
		return false, nil
	}
	// The access point policy and the caller's identity policies allow
	// everything here: the question is the bucket's side of the chain,
	// which policy.Authorize answers for a request through the access
	// point from an account outside the bucket owner's.
	all := allowEverything()
	chain := &policy.Chain{Bucket: c, AccessPoint: all, Identity: []*policy.Compiled{all}}
	allows := func(ctx map[string]string) bool {
		for _, action := range policy.RequiredActions(false, "GetObject", "PutObject", "ListObjectsV2") {
			res := bucketARN
			if a, _ := policy.LookupAction(action); a.AppliesTo("object") {
				res = bucketARN + "/s3secure-probe"
			}
			req := &policy.AccessRequest{BucketOwner: owner}
			req.Caller = policy.Caller{Account: probeAccount, ARN: "arn:aws:iam::" + probeAccount + ":user/s3secure-probe"}
			req.Action, req.Resource = action, res
			for k, v := range ctx {
				req.Context.Set(k, v)
			}
			req.Context.Set("aws:SecureTransport", "true")
			req.SetAccessPoint(ap.ARN, ap.Account)
			if policy.Authorize(req, chain).Allowed() {
				return true
			}
		}
		return false
	}
	if allows(nil) {
		return true, nil
	}
	for _, s := range bucket.Statements {
		if s.Effect != policy.Allow || len(s.Condition) == 0 || !allows(probeContext(s)) {
			continue
		}
		limits := map[string]string{}
		for k, v := range conditionsOf(s) {
			lk := strings.ToLower(k)
			if strings.HasPrefix(lk, "s3:dataaccesspoint") {
				continue
			}
			if key, ok := policy.LookupConditionKey(k); ok && key.LimitsPublicAccess {
				limits[k] = v
			}
		}
		return true, limits
	}
	return false, nil
}

// allowEverything returns a policy that allows every request.
func allowEverything() *policy.Compiled {
	c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{
		Effect: policy.Allow, Principal: policy.AnyPrincipal(), Action: policy.Strings("*"), Resource: policy.Strings("*"),
	}}})
	if err != nil {
		panic(err) // a constant policy
	}
	return c
}

func analyzeACL(grants []policy.ACLGrant, z zone) []Finding {
	type key struct {
		public    bool
		principal string
	}
	acts := map[key]map[string]bool{}
	var order []key
	for _, g := range grants {
		var k key
		switch {
		case g.Public():
			k = key{true, "*"}
		case g.GranteeID != "" && g.GranteeID != z.ownerCanonical:
			k = key{false, g.GranteeID}
		default:
			// The owner, and groups such as LogDelivery, are not reported.
			continue
		}
		if acts[k] == nil {
			acts[k] = map[string]bool{}
			order = append(order, k)
		}
		for _, a := range policy.ACLPermissionActions(g.Permission, false) {
			acts[k][a] = true
		}
	}
	var out []Finding
	for _, k := range order {
		f := Finding{Public: k.public, Statement: -1, Sources: []Source{{Type: SourceACL}}, Owner: z.owner}
		if k.public {
			f.Principal = map[string]string{"AWS": "*"}
		} else {
			f.Principal = map[string]string{"CanonicalUser": k.principal}
		}
		for a := range acts[k] {
			f.Actions = append(f.Actions, a)
		}
		sort.Strings(f.Actions)
		out = append(out, f)
	}
	return out
}
