package analyzer

import (
	"encoding/json"
	"errors"
	"maps"
	"slices"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/s3secure/s3secure/policy"
)

// BucketState is what the offline analysis looks at: the bucket's policy,
// ACL, Block Public Access (bucket and account), access points and
// Multi-Region Access Points. [Fetch]
// reads it from S3; tests and callers may also fill it in directly.
type BucketState struct {
	// Name is the bucket's name; Region its Region, whose partition is
	// that of the bucket's ARN (arn:aws-cn:s3:::bucket for cn-north-1).
	// Without a Region, the bucket's ARN is in the partition Policy names
	// it in, else in aws.
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
	// MultiRegionAccessPoints are the Multi-Region Access Points in front
	// of the bucket (ARN arn:aws:s3::ACCOUNT:accesspoint/ALIAS, network
	// origin Internet). They are analyzed exactly as access points.
	MultiRegionAccessPoints []AccessPoint
	// Unread names what [Fetch] was given no way to read
	// ([UnreadAccessPoints], [UnreadMultiRegionAccessPoints]): the
	// analysis cannot report access through what it does not know, so
	// [Analyze] reports each Allow statement of Policy that delegates
	// access to access points (a condition on s3:DataAccessPointAccount or
	// s3:DataAccessPointArn) as a blocking finding with an Error
	// ("UNREAD: …"), never as no finding.
	Unread []string
}

// What [BucketState].Unread names.
const (
	UnreadAccessPoints            = "access points"
	UnreadMultiRegionAccessPoints = "Multi-Region Access Points"
)

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

// partition is the ARN partition of the bucket: its Region's, else the
// one its policy names it in, else aws.
func (b *BucketState) partition() string {
	if p, ok := policy.PartitionOfRegion(b.Region); ok {
		return p
	}
	if ps := namedPartitions(b.Policy, b.Name); len(ps) > 0 {
		return ps[0]
	}
	return "aws"
}

// Analyze computes, without Access Analyzer, the findings Access Analyzer
// would report for a bucket: one per principal outside the zone of trust
// that a statement of the bucket policy, a grant of the ACL or an access
// point or Multi-Region Access Point policy gives access to, with the
// actions and the conditions that limit it. It uses the policy package's
// S3 public-access rules ([policy.StatementIsPublic]) to tell public from
// limited access, and decides every grant with the bucket's authorization
// chain ([policy.Authorize]): requests that exercise the grant (probes)
// are authorized with the bucket policy, the access point's policy for
// grants made through an access point (or a Multi-Region Access Point,
// analyzed as one), Block Public Access at account, bucket and access
// point level, and the ACL when Object Ownership allows ACLs. A grant is
// reported when a probe is allowed through it. The outside
// principal's own side of the chain is taken as allowing (identity
// policies that allow everything, no SCP, RCP, permissions boundary or
// session policy), because Access Analyzer reports what the resource
// grants: it "does not consider the state of any external accounts",
// "users, roles, service control policies (SCP), and other relevant
// configurations in that account" (IAM user guide, "How IAM Access
// Analyzer findings work",
// https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-concepts.html).
// A statement no probe can exercise (conditions the analysis cannot
// satisfy), or a policy the policy package cannot compile, is reported as
// written, unjudged: more, never less.
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
	if !policy.IsAccountID(b.Owner) {
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
		if !policy.IsAccountID(a) {
			return nil, invalid("trusted account %q is not a 12-digit account id", a)
		}
	}
	z := zone{owner: b.Owner, ownerCanonical: b.OwnerCanonicalID, org: o.Organization, trusted: map[string]bool{b.Owner: true}, partition: b.partition()}
	for _, a := range o.TrustedAccounts {
		z.trusted[a] = true
	}
	a, err := newAnalysis(b, z)
	if err != nil {
		return nil, err
	}
	var out []Finding
	if a.bucket != nil {
		out = append(out, a.bucket.findings()...)
	}
	out = append(out, a.aclFindings(b.ACL)...)
	for _, ap := range b.accessPoints() {
		if ap.Policy == "" {
			continue
		}
		src, err := a.accessPointSource(ap)
		if err != nil {
			return nil, err
		}
		fs := src.findings()
		for i := range fs {
			if strings.EqualFold(ap.NetworkOrigin, "VPC") && fs[i].Public {
				// S3: an access point with network origin VPC is never
				// public; its access is limited to the VPC.
				fs[i].Public = false
				fs[i].Conditions = withCondition(fs[i].Conditions, "s3:AccessPointNetworkOrigin", "VPC")
			}
		}
		out = append(out, fs...)
	}
	bucketARN := a.bucketARN
	for i := range out {
		out[i].Bucket, out[i].Resource, out[i].ResourceType, out[i].Owner = b.Name, bucketARN, "AWS::S3::Bucket", b.Owner
		out[i].Status = "ACTIVE"
		out[i].classify()
		z.trim(&out[i])
	}
	out = slices.DeleteFunc(out, func(f Finding) bool { return !z.reportable(&f) })
	for _, f := range unreadDelegations(b) {
		f.Bucket, f.Resource, f.ResourceType, f.Owner, f.Status = b.Name, bucketARN, "AWS::S3::Bucket", b.Owner, "ACTIVE"
		out = append(out, f)
	}
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

// unreadDelegations returns, when b.Unread names access points or
// Multi-Region Access Points that could not be read, one finding with an
// Error (blocking, [Finding.Blocking]) for each Allow statement of the
// bucket policy that delegates access to the owner's access points
// ([delegates]): what such an access point allows, which S3 lets through,
// is unknown, and must not read as "no finding". Without a delegation an
// access point grants nothing outside the account that the bucket policy
// does not.
func unreadDelegations(b *BucketState) []Finding {
	if len(b.Unread) == 0 || b.Policy == "" {
		return nil
	}
	doc, err := policy.Parse([]byte(b.Policy))
	if err != nil {
		return nil // newAnalysis refused it already
	}
	var out []Finding
	for i, s := range doc.Statements {
		if s.Effect != policy.Allow || !delegates(s, b.Owner) {
			continue
		}
		out = append(out, Finding{Statement: i, Sid: s.Sid, Actions: slices.Clone(s.Action),
			Error: "UNREAD: the bucket policy delegates access to access points, and its " + strings.Join(b.Unread, " and ") +
				" could not be read: access through them is unknown"})
	}
	return out
}

// delegates reports whether s may let through requests that come through
// an access point of owner (a condition on s3:DataAccessPointAccount or
// s3:DataAccessPointArn that is not a positive match of other accounts'
// access points alone: those the analysis judges from the policy, as
// Access Analyzer does for cross-account access points).
func delegates(s policy.Statement, owner string) bool {
	for _, blk := range s.Condition {
		op := blk.Operator
		positive := (strings.HasPrefix(op, "String") || strings.HasPrefix(op, "Arn")) &&
			!strings.Contains(op, "Not") && !strings.HasSuffix(op, "IfExists")
		for _, e := range blk.Entries {
			if !policy.EqualName(e.Key, "s3:DataAccessPointAccount") && !policy.EqualName(e.Key, "s3:DataAccessPointArn") {
				continue
			}
			if !positive {
				return true
			}
			for _, v := range e.Strings() {
				if strings.ContainsAny(v, "*?$") || accountOf(v) == owner || accountOf(v) == "" {
					return true
				}
			}
		}
	}
	return false
}

// accessPoints returns the access points and the Multi-Region Access
// Points, each once (a fixed list may have given one to both), as
// pointers the findings' sources may keep.
func (b *BucketState) accessPoints() []*AccessPoint {
	var out []*AccessPoint
	seen := map[AccessPoint]bool{}
	for _, list := range [][]AccessPoint{b.AccessPoints, b.MultiRegionAccessPoints} {
		for i := range list {
			if !seen[list[i]] {
				seen[list[i]] = true
				out = append(out, &list[i])
			}
		}
	}
	return out
}

// fixedLimits reports whether the limits a Deny adds make a public grant
// non-public in S3's sense: the same limits written as the grant's own
// condition would (fixed values of limiting keys, no wildcard).
func fixedLimits(extra map[string]string, kind policy.Kind) bool {
	cond := map[string]map[string][]string{}
	for k, v := range extra {
		op := "StringLike"
		if policy.EqualName(k, "aws:SourceIp") {
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
// A policy that names more keeps a grant it finds wholly refused
// (source.truncated): the resources not tried may be those a Deny leaves.
const maxProbeResources = 16

// probeResources returns the resources requests are tried on: the
// resource itself, objects under objects (the resource's object prefix)
// with keys of one and of many characters, and one instance of every
// Resource and NotResource pattern of the policy under it, so that access
// a Deny leaves to one prefix (NotResource, or a Deny of other prefixes)
// is found. A pattern of one length ("bkt/???": '?' and no '*') matches
// keys of that length only, so under objects and under each prefix a
// pattern grants ("bkt/logs/*") a key one longer is tried too: whatever
// lengths a Deny of such patterns leaves begin at 1 or right after one of
// them. Keys and the wildcards' fill are made of fill (probeFill). A
// pattern that names the resource through wildcards
// ("arn:aws:s3:::*/public/*") gives one instance under it too. also are
// more resources to try: those of another policy of the chain, in the
// source's terms. truncated is true when maxProbeResources left a
// pattern out.
func probeResources(doc *policy.Document, resource, objects, fill string, also ...string) (out []string, truncated bool) {
	out = []string{resource, objects + fill, objects + probeKey(fill)}
	add := func(p string) {
		if slices.Contains(out, p) {
			return
		}
		if len(out) >= maxProbeResources {
			truncated = true
			return
		}
		out = append(out, p)
	}
	var patterns, oneLength, others []string
	for _, s := range doc.Statements {
		for _, v := range slices.Concat(s.Resource, s.NotResource) {
			if !strings.HasPrefix(v, resource) {
				others = append(others, v)
				continue
			}
			patterns = append(patterns, v)
			if strings.Contains(v, "?") && !strings.Contains(v, "*") {
				oneLength = append(oneLength, v)
			}
		}
	}
	r := strings.NewReplacer("*", strings.Repeat(fill, 3), "?", fill)
	for _, v := range patterns {
		add(r.Replace(v))
	}
	// A pattern that names the resource through wildcards
	// ("arn:aws:s3:::*/public/*", "arn:aws:s3:::b?t/public/*"): one
	// resource under it that the pattern matches, made of what follows a
	// "/" of the pattern, else a wildcard, so that access a Deny of every
	// bucket's other prefixes leaves is found too.
	for _, v := range others {
		var cands []string
		for i := range len(v) {
			if v[i] == '/' {
				cands = append(cands, resource+r.Replace(v[i:]))
			}
		}
		for i := range len(v) {
			if v[i] == '*' || v[i] == '?' {
				cands = append(cands, objects+r.Replace(v[i+1:]))
			}
		}
		for _, c := range cands {
			if strings.HasPrefix(c, objects) && c != objects && policy.MatchARN(v, c) {
				add(c)
				break
			}
		}
	}
	for _, v := range also {
		add(v)
	}
	// Keys one longer than each one-length pattern, under objects and
	// under each prefix a pattern ends in "*" after.
	prefixes := []string{objects}
	for _, v := range patterns {
		if p, ok := strings.CutSuffix(v, "*"); ok && !strings.Contains(p, "*") {
			prefixes = append(prefixes, r.Replace(p))
		}
	}
	for _, p := range prefixes {
		for _, v := range oneLength {
			if n := utf8.RuneCountInString(v) - utf8.RuneCountInString(p) + 1; n >= 1 {
				add(p + strings.Repeat(fill, n))
			}
		}
	}
	return out, truncated
}

// probeKey is the object key most probes use: many fill characters.
func probeKey(fill string) string { return strings.Repeat(fill, 24) }

// probeFill returns the character probe keys are made of: one that no
// Resource or NotResource of docs holds. A Deny can then cover a probe
// key only with its wildcards, that is only when it covers every key of
// that length there: a Deny of media/s* beside a public grant of media/*
// leaves media/photo.jpg public, and must not hide the grant by covering
// probe keys that happen to start with an s.
func probeFill(docs ...*policy.Document) string {
	const candidates = "kxqzjvwyKXQZJVWY0123456789~_"
next:
	for _, c := range candidates {
		for _, d := range docs {
			for _, s := range d.Statements {
				for _, v := range slices.Concat(s.Resource, s.NotResource) {
					if strings.ContainsRune(v, c) {
						continue next
					}
				}
			}
		}
		return string(c)
	}
	return "k"
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
	// partition is the bucket's ARN partition, which the callers of the
	// probes are named in: an account's principals have ARNs in its own
	// partition only, and only they reach the bucket.
	partition string
}

// rootARN is the ARN of account's root user in the bucket's partition
// (arn:aws-us-gov:iam::ACCOUNT:root in GovCloud).
func (z zone) rootARN(account string) string {
	return "arn:" + z.partition + ":iam::" + account + ":root"
}

// outsider is a signed caller of an account outside every zone of trust:
// the root of probeAccount, in the bucket's partition.
func (z zone) outsider() policy.Caller {
	return policy.Caller{Account: probeAccount, ARN: z.rootARN(probeAccount)}
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

func sourceFor(src *Source, cond map[string]string) Source {
	if src != nil {
		return *src
	}
	// The account the grant names first: a Deny's access point ARN
	// patterns beside it may name other accounts' too.
	// Keys in sorted order: a policy may spell one key twice, in two
	// cases, and the answer must not depend on map order.
	keys := slices.Sorted(maps.Keys(cond))
	for _, name := range [...]string{"s3:DataAccessPointAccount", "s3:DataAccessPointArn"} {
		for _, k := range keys {
			if !policy.EqualName(k, name) {
				continue
			}
			v := cond[k]
			if name == "s3:DataAccessPointArn" {
				v = accountOf(v)
			}
			return Source{Type: SourceAccessPointAccount, AccessPointAccount: v}
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
					arn = z.rootARN(acct)
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
		out = append(out, candidate{principal: map[string]string{"AWS": "*"}, public: public, everyone: true, caller: z.outsider()})
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
					arn = z.rootARN(acct)
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
	if _, ifExists := cutNameSuffix(op, "IfExists"); ifExists || hasNamePrefix(op, "ForAllValues:") {
		return false
	}
	if hasNamePrefix(op, "ForAnyValue:") {
		op = op[len("ForAnyValue:"):]
	}
	return nameIs(op, "StringEquals", "StringEqualsIgnoreCase", "StringLike", "ArnEquals", "ArnLike", "IpAddress", "Bool")
}

// negatedOperator reports whether a Deny with this operator denies every
// value except the listed ones (so it limits the grant to them).
func negatedOperator(op string) bool {
	return nameIs(op, "StringNotEquals", "StringNotEqualsIgnoreCase", "StringNotLike", "ArnNotEquals", "ArnNotLike", "NotIpAddress")
}

// conditionsOf flattens the statement's positive conditions to key →
// comma-separated values, as Access Analyzer reports them.
func conditionsOf(s policy.Statement) map[string]string {
	out := map[string]string{}
	for _, b := range s.Condition {
		if !positiveOperator(b.Operator) || policy.EqualName(b.Operator, "Bool") {
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
