package analyzer

import (
	"fmt"
	"maps"
	"net/netip"
	"slices"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/s3secure/s3secure/policy"
)

// The offline analysis decides whether a grant reaches an outside principal
// by asking policy.Authorize, with the bucket's whole authorization chain,
// about requests that exercise the grant (probes). Authorize holds every
// rule of the chain: Deny beats Allow, Block Public Access at account,
// bucket and access point level, ACLs only when Object Ownership allows
// them, and access point delegation by the bucket policy. This file only
// chooses the probes and reads the answers.
//
// An outside principal's own side of the chain is taken as allowing: its
// identity policies allow every request, and no SCP, RCP, permissions
// boundary or session policy limits it. Access Analyzer "does not consider
// the state of any external accounts when making its determination ... it
// knows nothing about the state of users, roles, service control policies
// (SCP), and other relevant configurations in that account" (IAM user
// guide, "How IAM Access Analyzer findings work"): a finding is what the
// bucket's side grants.

// analysis is one bucket's offline analysis: the zone of trust and the
// authorization chain every probe is decided against.
type analysis struct {
	z         zone
	bucketARN string
	owner     string
	// region is the bucket's Region (BucketState.Region), "" when not
	// known.
	region string
	// fill is the character probe keys are made of (see probeFill).
	fill string
	// bucket is the bucket policy as a source of grants, nil when the
	// bucket has none.
	bucket *source
	// chain is the bucket's chain: its policy, Block Public Access (account
	// and bucket), its ACL when ACLs are enabled, and an identity policy
	// that allows everything for the caller.
	chain policy.Chain
	// aclPerms remembers the ACL permission each probed action needs.
	aclPerms map[string]struct {
		permission string
		object     bool
	}
	// escapes holds escapeValue's answers for conditions without policy
	// variables.
	escapes map[string]escape
	// ranges are the address ranges the policies' conditions name
	// (addressRanges).
	ranges []netip.Prefix
	// sparesResources and sparesValues are set when decide refuses a
	// probe for a reason that may not hold for another resource (a Deny
	// of part of the bucket, a missing delegation) or for other condition
	// values (a Deny with conditions, a missing delegation); Block Public
	// Access, or a Deny of the whole bucket without conditions, refuses
	// them all alike.
	sparesResources, sparesValues bool
}

// source is a policy that grants access, the bucket policy or an access
// point's, with the chain its probes are decided against.
type source struct {
	*analysis
	doc *policy.Document
	// compiled is nil when the policy package cannot compile doc: its
	// Allow statements are then reported as written, unjudged.
	compiled *policy.Compiled
	kind     policy.Kind
	// layer is the source's layer of the chain: a probe exercises the
	// source's grant when Authorize allows it and this layer allowed.
	layer policy.Layer
	chain *policy.Chain
	// ap is the access point, nil for the bucket policy; src its finding
	// source.
	ap  *AccessPoint
	src *Source
	// resources are the resources probes are tried on, in the source's
	// own terms (bucket or object ARNs; access point ARNs and
	// ARN/object/KEY); truncated, whether maxProbeResources left some of
	// the policy's out.
	resources []string
	truncated bool
}

func newAnalysis(b *BucketState, z zone) (*analysis, error) {
	a := &analysis{z: z, bucketARN: "arn:" + b.partition() + ":s3:::" + b.Name, owner: b.Owner, region: b.Region, escapes: map[string]escape{}}
	a.aclPerms = map[string]struct {
		permission string
		object     bool
	}{}
	a.chain = policy.Chain{
		Identity:     []*policy.Compiled{allowEverything()},
		AccountBlock: b.AccountBlock, BucketBlock: b.BlockPublicAccess,
		ACLsEnabled: !b.ACLsDisabled, BucketACL: b.ACL,
	}
	var docs []*policy.Document
	for _, ap := range b.accessPoints() {
		if d, err := policy.Parse([]byte(ap.Policy)); err == nil {
			docs = append(docs, d)
		}
	}
	if strings.TrimSpace(b.Policy) == "" {
		a.fill, a.ranges = probeFill(docs...), addressRanges(docs...)
		return a, nil
	}
	doc, err := policy.Parse([]byte(b.Policy))
	if err != nil {
		return nil, fmt.Errorf("%w: bucket %s: %w", ErrBadPolicy, b.Name, err)
	}
	a.fill, a.ranges = probeFill(append(docs, doc)...), addressRanges(append(docs, doc)...)
	if c, err := policy.Compile(doc); err == nil {
		a.chain.Bucket = c
	}
	a.bucket = &source{analysis: a, doc: doc, compiled: a.chain.Bucket, kind: policy.KindBucket, layer: policy.LayerBucketPolicy,
		chain: &a.chain}
	a.bucket.resources, a.bucket.truncated = probeResources(doc, a.bucketARN, a.bucketARN+"/", a.fill)
	return a, nil
}

// accessPointSource returns the access point's policy as a source of
// grants: its probes go through the access point, so that the bucket
// policy must allow them or delegate to the access point, and the access
// point's own Block Public Access applies.
func (a *analysis) accessPointSource(ap *AccessPoint) (*source, error) {
	doc, err := policy.Parse([]byte(ap.Policy))
	if err != nil {
		return nil, fmt.Errorf("%w: access point %s: %w", ErrBadPolicy, ap.ARN, err)
	}
	ch := a.chain
	ch.AccessPointBlock = ap.BlockPublicAccess
	ch.AccessPointVPC = strings.EqualFold(ap.NetworkOrigin, "VPC")
	if c, err := policy.Compile(doc); err == nil {
		ch.AccessPoint = c
	}
	compiled := ch.AccessPoint
	if a.bucket != nil && a.bucket.compiled == nil {
		// The bucket policy, which must let every request through the
		// access point, could not be compiled: the access point's
		// grants are reported as written, unjudged, rather than
		// dropped for want of a delegation the analysis cannot see.
		compiled = nil
	}
	s := &source{analysis: a, doc: doc, compiled: compiled, kind: policy.KindAccessPoint, layer: policy.LayerAccessPointPolicy,
		chain: &ch, ap: ap, src: &Source{Type: SourceAccessPoint, AccessPointARN: ap.ARN, AccessPointAccount: ap.Account}}
	// The bucket policy's resources too, through the access point: a
	// Deny of the bucket's other prefixes leaves the access point's grant
	// to the one it spares.
	var also []string
	if a.bucket != nil {
		for _, r := range a.bucket.resources {
			if key, ok := strings.CutPrefix(r, a.bucketARN+"/"); ok {
				also = append(also, ap.ARN+"/object/"+key)
			}
		}
	}
	s.resources, s.truncated = probeResources(doc, ap.ARN, ap.ARN+"/object/", a.fill, also...)
	s.truncated = s.truncated || (a.bucket != nil && a.bucket.truncated)
	return s, nil
}

// allowEverything returns a policy that allows every request: the
// identity side of a caller outside the zone of trust. It is compiled once;
// a compiled policy is immutable.
var allowEverything = sync.OnceValue(func() *policy.Compiled {
	return compileConstant(policy.Statement{Effect: policy.Allow, Action: policy.Strings("*"), Resource: policy.Strings("*")})
})

// compileConstant compiles a policy of one constant statement.
func compileConstant(st policy.Statement) *policy.Compiled {
	c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{st}})
	if err != nil {
		panic(err) // a constant policy
	}
	return c
}

// findings returns the findings of the source's Allow statements.
func (s *source) findings() []Finding {
	var out []Finding
	for i, st := range s.doc.Statements {
		if st.Effect != policy.Allow {
			continue
		}
		for _, c := range candidates(st, s.kind, s.z) {
			gs := s.grantsOf(i, st, c)
			if c.everyone && c.public {
				// Actions refused to anonymous callers (a Deny of
				// requests without aws:PrincipalAccount, say), but
				// perhaps not to a signed caller of any other account:
				// that is public access all the same.
				signed := c
				signed.caller = s.z.outsider()
				gs = mergeGrants(gs, s.grantsOf(i, st, signed))
			}
			if len(gs) == 0 && c.everyone {
				// Denied to everyone, but perhaps not to the principals a
				// Deny with NotPrincipal spares: their access remains.
				for _, nc := range spared(s.doc, s.z) {
					for _, g := range s.grantsOf(i, st, nc) {
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
					Principal: principal, Public: public, Actions: g.actions, Conditions: conditionsOf(st),
					Statement: i, Sid: st.Sid, Owner: s.owner,
				}
				for k, v := range g.extra {
					f.Conditions = withCondition(f.Conditions, k, v)
				}
				if f.Public && len(g.extra) > 0 && fixedLimits(g.extra, s.kind) {
					f.Public = false
				}
				if len(f.Conditions) == 0 {
					f.Conditions = nil
				}
				f.Sources = []Source{sourceFor(s.src, f.Conditions)}
				if src := f.Sources[0]; !f.Public && src.Type == SourceAccessPointAccount && !s.z.trusted[src.AccessPointAccount] {
					f.Public = s.publicThroughForeignAccessPoint(st, g, src.AccessPointAccount, f.Conditions)
				}
				out = append(out, f)
			}
		}
	}
	return out
}

// publicThroughForeignAccessPoint reports whether a grant that the bucket
// policy delegates to access points of another account (outside the zone
// of trust) is public. Access Analyzer cannot read that account's access
// point policies: it "generates a public finding when a bucket delegates
// access to a cross-account access point and Block Public Access is not
// enabled on the bucket or account. When you enable Block Public Access,
// the public finding is resolved and IAM Access Analyzer generates a
// cross-account finding for the cross-account access point" (IAM user
// guide, "IAM Access Analyzer resource types", Amazon S3 buckets). So the
// access point is taken to have a policy that allows everyone everything
// and no Block Public Access of its own, and Authorize decides an
// anonymous request through it: RestrictPublicBuckets on the bucket or
// account leaves a public access point policy only its own account and
// the bucket owner's (policy.BlockPublicAccess.PolicyReaches). When
// the grant names more access points than are tried (maxProbeContexts)
// and none of those tried makes it public, the probe is made once more
// without the bucket policy's Denies that name s3:DataAccessPointArn,
// which may spare an access point not tried: the grant is public when
// the rest of the chain lets that probe through (a finding too many,
// never one too few).
func (s *source) publicThroughForeignAccessPoint(st policy.Statement, g grant, account string, cond map[string]string) bool {
	if s.ap != nil || s.compiled == nil {
		return false
	}
	apARNs, cut := []string{s.probeAccessPointARN(account)}, false
	for k, v := range cond {
		if policy.EqualName(k, "s3:DataAccessPointArn") {
			apARNs, cut = s.accessPointARNsOf(account, strings.Split(v, ","))
		}
	}
	ch := *s.chain
	ch.AccessPoint, ch.AccessPointBlock = openAccessPoint(), policy.BlockPublicAccess{}
	if s.anyoneThrough(&ch, st, g, apARNs) {
		return true
	}
	if !cut || len(apARNs) == 0 {
		return false
	}
	lenient, err := s.withoutAccessPointDenies()
	if err != nil {
		return true // not judged: kept public
	}
	ch.Bucket = lenient
	return s.anyoneThrough(&ch, st, g, apARNs[:1])
}

// anyoneThrough reports whether an anonymous caller, or a signed caller
// of any other account, is allowed the grant's actions through one of the
// access points apARNs with no limit of the caller's, under ch.
func (s *source) anyoneThrough(ch *policy.Chain, st policy.Statement, g grant, apARNs []string) bool {
	// An anonymous caller brings none of the values that limit a grant
	// (an organization, a VPC endpoint, …): only the delegation itself.
	ctx := probeContext(st)
	for k := range ctx {
		if limitingKey(k) && !hasNamePrefix(k, "s3:DataAccessPoint") {
			delete(ctx, k)
		}
	}
	// Anonymous first, then a signed caller of any other account: a grant
	// refused to anonymous callers alone is public all the same.
	for _, caller := range [...]policy.Caller{{}, s.z.outsider()} {
		for _, pattern := range g.actions {
			// The common actions first, then the rest of the catalog
			// the pattern covers (s3:GetObjectVersion* covers none of
			// the common ones).
			for _, action := range slices.Concat(probeSet(pattern), catalogSet(pattern)) {
				for _, apARN := range apARNs {
					for _, r := range s.resources {
						for _, tls := range transports {
							req := s.request(caller, action, r, ctx)
							req.Context.Set(secureTransport, tls)
							req.SetAccessPoint(apARN, accountOf(apARN))
							if ok, extra := s.decide(req, ch, policy.LayerAccessPointPolicy, nil); ok && len(extra) == 0 {
								return true // allowed with no limit of the caller's
							}
						}
					}
				}
			}
		}
	}
	return false
}

// withoutAccessPointDenies returns the bucket policy, compiled, with each
// Deny statement that names s3:DataAccessPointArn in its conditions made
// to hold for no request through an access point (its condition replaced
// by Null s3:DataAccessPointArn "true"), the statements' places kept for
// decide.
func (s *source) withoutAccessPointDenies() (*policy.Compiled, error) {
	doc := *s.doc
	doc.Statements = slices.Clone(doc.Statements)
	for i, st := range doc.Statements {
		names := slices.ContainsFunc(st.Condition, func(b policy.ConditionBlock) bool {
			return slices.ContainsFunc(b.Entries, func(e policy.ConditionEntry) bool { return policy.EqualName(e.Key, "s3:DataAccessPointArn") })
		})
		if st.Effect == policy.Deny && names {
			st.Condition = policy.Condition{{Operator: "Null", Entries: []policy.ConditionEntry{{Key: "s3:DataAccessPointArn", Values: []policy.ConditionValue{policy.StringValue("true")}}}}}
			doc.Statements[i] = st
		}
	}
	return policy.Compile(&doc)
}

// probeAccessPointARN is the ARN of a made-up access point of account
// where the bucket's access points are: in the bucket's partition and
// Region (an access point is in its bucket's Region, and its ARN in its
// partition: arn:aws-us-gov:s3:us-gov-west-1:… in GovCloud), so that a
// Deny limiting the bucket to the access points of its Region does not
// refuse the probe as it would a request no access point of the bucket
// can make. us-east-1 when the bucket's Region is not known (or not in its
// partition).
func (a *analysis) probeAccessPointARN(account string) string {
	partition, _ := policy.ARNPartition(a.bucketARN)
	region := a.region
	if p, ok := policy.PartitionOfRegion(region); !ok || p != partition {
		region = "us-east-1"
	}
	return "arn:" + partition + ":s3:" + region + ":" + account + ":accesspoint/s3secure-probe"
}

// accessPointARNsOf returns the ARNs of made-up access points of account
// that the access point ARN patterns name (those a Deny of every other
// access point spares, or an Allow asks for): each pattern with account in
// its account field and, when the pattern allows, the Region of
// probeAccessPointARN in its Region field, the rest sampled. A pattern that
// names no access point of account (another account's, say) gives none:
// the delegation to account lets no request through an access point it
// names. At most maxProbeContexts ARNs, those of the first patterns; cut
// is true when a pattern's ARN was left out.
func (a *analysis) accessPointARNsOf(account string, patterns []string) (out []string, cut bool) {
	probe := strings.SplitN(a.probeAccessPointARN(account), ":", 6)
	for _, p := range patterns {
		f := strings.SplitN(p, ":", 6)
		if len(f) != 6 {
			continue
		}
		for i, v := range f {
			f[i] = sample("s3:DataAccessPointArn", v)
		}
		f[4] = account
		for _, region := range []string{probe[3], f[3]} {
			g := slices.Clone(f)
			g[3] = region
			arn := strings.Join(g, ":")
			if (policy.MatchARN(p, arn) || policy.MatchString(p, arn)) && accountOf(arn) == account {
				switch {
				case slices.Contains(out, arn):
				case len(out) < maxProbeContexts:
					out = append(out, arn)
				default:
					cut = true
				}
				break
			}
		}
	}
	return out, cut
}

// secureTransport is the condition key of the request's transport: "true"
// over HTTPS, "false" over plain HTTP.
const secureTransport = "aws:SecureTransport"

// transports are the values of aws:SecureTransport every probe is made
// with: a grant that holds over either transport is access (a public grant
// over plain HTTP only, or one beside a Deny of HTTPS requests, is public
// access all the same). HTTPS is tried first, so that a grant found over
// both is reported from the request a careful caller makes.
var transports = [...]string{"true", "false"}

// openAccessPoint is an access point policy that allows everyone
// everything: the unknown policy of another account's access point.
var openAccessPoint = sync.OnceValue(func() *policy.Compiled {
	return compileConstant(policy.Statement{Effect: policy.Allow, Principal: policy.AnyPrincipal(), Action: policy.Strings("*"), Resource: policy.Strings("*")})
})

// grant is the part of a statement's grant to one candidate that survives
// the rest of the chain: the action patterns (as written in the
// statement) that keep some access, and the limits that Deny statements
// (or a delegation that holds only under conditions) add to them.
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
// organization, say) limits that action only. Without a compiled policy
// the whole statement is kept.
func (s *source) grantsOf(index int, st policy.Statement, cand candidate) []grant {
	all := actionsOf(st)
	if s.compiled == nil {
		return []grant{{actions: all}}
	}
	patterns := []string(st.Action)
	if st.NotAction != nil {
		// Allow with NotAction: every action except those listed, judged
		// as one.
		patterns = []string{"s3:*"}
	}
	var out []grant
	byLimit := map[string]int{}
	for _, p := range patterns {
		ok, extra := s.effective(index, st, p, cand)
		if !ok {
			continue
		}
		name := p
		if st.NotAction != nil {
			name = all[0]
		}
		out = addGrant(out, byLimit, name, extra)
	}
	for i := range out {
		sort.Strings(out[i].actions)
		out[i].actions = slices.Compact(out[i].actions)
	}
	return out
}

// mergeGrants adds to gs the actions of more that no grant of gs has
// (those a signed caller has and an anonymous one has not), each to the
// grant with the same extra limits, or to a new one.
func mergeGrants(gs, more []grant) []grant {
	have := map[string]bool{}
	byLimit := map[string]int{}
	for i, g := range gs {
		byLimit[principalKey(g.extra)] = i
		for _, a := range g.actions {
			have[a] = true
		}
	}
	for _, g := range more {
		for _, a := range g.actions {
			if !have[a] {
				have[a] = true
				gs = addGrant(gs, byLimit, a, g.extra)
			}
		}
	}
	for i := range gs {
		sort.Strings(gs[i].actions)
	}
	return gs
}

// addGrant adds action to the grant with the same extra limits, or to a
// new one.
func addGrant(out []grant, byLimit map[string]int, action string, extra map[string]string) []grant {
	key := principalKey(extra)
	if k, seen := byLimit[key]; seen {
		out[k].actions = append(out[k].actions, action)
		return out
	}
	byLimit[key] = len(out)
	return append(out, grant{actions: []string{action}, extra: extra})
}

// maxProbeRequests bounds the requests tried first for the common actions
// of an action pattern (probeSet). When they are all refused, each action
// the pattern covers is tried on every resource, over either transport
// (at most maxProbeResources × 2 requests an action): a Deny of the
// requests tried first must not hide what it leaves.
const maxProbeRequests = 24

// effective asks Authorize whether the statement's grant of the action
// pattern to the candidate survives the rest of the chain. It builds the
// requests that the statement allows for the pattern (the actions it
// covers, the resources it names, the candidate as caller, its own
// condition values in the context, each of them in turn
// ([probeContexts]), over HTTPS and over plain HTTP) and decides them; the
// pattern survives when one of them is allowed through the source's layer
// ([analysis.decide]). It returns false when the chain refuses every such
// request, and true (with no extra limits) when no request could exercise
// the statement, or when the policy names more resources than were tried
// (maxProbeResources) or the statement more values (maxProbeContexts) and
// a Deny refused those tried, so that the finding is kept rather than
// lost.
func (s *source) effective(index int, st policy.Statement, pattern string, cand candidate) (bool, map[string]string) {
	var limited map[string]string
	triedAny := false
	// Each request context that satisfies the statement in its own way
	// (another of its VPC endpoints, address ranges, organizations) gets
	// its own requests: a Deny of one value leaves the others.
	contexts, untried := probeContexts(st, s.ranges)
	s.sparesResources, s.sparesValues = false, false
	for _, ctx := range contexts {
		tried := 0
		unlimited := false
		// try decides one request; false when the answer is final.
		try := func(req *policy.AccessRequest) bool {
			tried++
			ok, extra := s.decide(req, s.chain, s.layer, s.apDoc())
			switch {
			case ok && len(extra) == 0:
				unlimited = true
				return false // unlimited access: the widest answer, stop
			case ok && limited == nil:
				limited = extra
			}
			return true
		}
		// The common actions first, within maxProbeRequests.
		cut := false
		s.exercise(index, probeSet(pattern), cand.caller, ctx, func(req *policy.AccessRequest) bool {
			if tried >= maxProbeRequests {
				cut = true // requests are left untried
				return false
			}
			return try(req)
		})
		// When the chain refuses every one of them (a Deny of exactly
		// those), each other action of the catalog the pattern covers,
		// on every resource: what is left of s3:* is access all the same.
		// When the budget cut the first requests short, the common
		// actions are tried again in full too (a Deny of the first
		// resources, or of the first actions, left the others untried).
		// Expanding a wildcard over the whole catalog is the expensive
		// part of the analysis, so only then.
		if !unlimited && limited == nil {
			rest := catalogSet(pattern)
			if cut {
				rest = append(probeSet(pattern), rest...)
			}
			for _, a := range rest {
				s.exercise(index, []string{a}, cand.caller, ctx, try)
				if unlimited || limited != nil {
					break
				}
			}
		}
		triedAny = triedAny || tried > 0
		if unlimited {
			return true, nil
		}
	}
	switch {
	case !triedAny, limited == nil && (s.truncated && s.sparesResources || untried && s.sparesValues):
		// No request exercised the grant, or some of the policy's
		// resources or of the statement's values were not tried and
		// those tried met a Deny (or a missing delegation) that the
		// others may escape: the finding is kept, not lost.
		return true, nil
	case limited != nil:
		return true, limited
	}
	return false, nil
}

func (s *source) apDoc() *policy.Document {
	if s.ap == nil {
		return nil
	}
	return s.doc
}

// exercise calls try with each request for the actions that statement
// index allows, over either transport, until try returns false; it returns
// false when stopped.
func (s *source) exercise(index int, actions []string, caller policy.Caller, ctx map[string]string, try func(*policy.AccessRequest) bool) bool {
	for _, a := range actions {
		for _, r := range s.resources {
			for _, tls := range transports {
				req := s.request(caller, a, r, ctx)
				req.Context.Set(secureTransport, tls)
				if s.allowedByStatement(req, index) && !try(req) {
					return false
				}
			}
		}
	}
	return true
}

// request returns the probe request for action on res, a resource in the
// source's terms. Through an access point, the request is made to the
// bucket (or object) the access point resource stands for.
func (s *source) request(caller policy.Caller, action, res string, ctx map[string]string) *policy.AccessRequest {
	req := &policy.AccessRequest{BucketOwner: s.owner}
	req.Caller, req.Action, req.Resource = caller, action, res
	for k, v := range ctx {
		req.Context.Set(k, v)
	}
	if s.ap != nil {
		req.Resource = s.bucketARN
		if key, ok := strings.CutPrefix(res, s.ap.ARN+"/object/"); ok {
			req.Resource = s.bucketARN + "/" + key
		}
		req.SetAccessPoint(s.ap.ARN, s.ap.Account)
	}
	req.ACLPermission, req.ACLOnObject = s.aclPermission(action)
	return req
}

// aclPermission is policy.ACLPermissionFor, remembered per action.
func (a *analysis) aclPermission(action string) (string, bool) {
	p, ok := a.aclPerms[action]
	if !ok {
		p.permission, p.object = policy.ACLPermissionFor(action)
		a.aclPerms[action] = p
	}
	return p.permission, p.object
}

// allowedByStatement reports whether statement index of the source's
// policy allows req (in the source's terms: the access point resource for
// an access point policy). It only picks the probes that exercise a
// statement; Authorize decides them.
func (s *source) allowedByStatement(req *policy.AccessRequest, index int) bool {
	r := req.Request
	if s.ap != nil {
		r.Resource = req.AccessPointResource
	}
	for _, m := range policy.Matches(&r, s.compiled) {
		if m.Index == index && m.Effect == policy.Allow {
			return true
		}
	}
	return false
}

// decide authorizes req with ch and reports whether the chain allows it
// through layer's grant (the source's: bucket policy, access point policy
// or ACL). When the request is refused by an explicit Deny that denies
// every value but a fixed set of a limiting key (StringNotEquals
// aws:PrincipalOrgID …), the request is re-tried with those values and,
// if allowed then, the grant is reported with the extra condition; a Deny
// that only demands a request shape the caller chooses (an encryption
// header, a canned ACL) is satisfied without a limit. A request through an
// access point that the bucket policy delegates only under conditions of
// its own (the organization, say) is re-tried with values that satisfy
// them, and their limiting keys are extra conditions too. apDoc is the
// access point policy for requests through an access point, nil
// otherwise.
//
// The first of the values a Deny spares is tried first; when another Deny
// refuses it (a revoked VPC endpoint or access point of the list), each
// other value is tried in its place, at most maxProbeContexts of them,
// unless what refused it cannot depend on that key. When more are left
// untried, the grant is kept with the limit: the values not tried may be
// those the Denies leave (a finding too many, never one too few).
func (a *analysis) decide(req *policy.AccessRequest, ch *policy.Chain, layer policy.Layer, apDoc *policy.Document) (bool, map[string]string) {
	start := cloneContext(&req.Context)
	var spared []sparedValues
	ok, extra, refused := a.decideWith(req, ch, layer, apDoc, map[string]string{}, &spared)
	if ok {
		return true, extra
	}
	cut := false
	for _, sv := range spared {
		if !refused.mayDependOn(sv.key) {
			continue // another value of the key meets the same refusal
		}
		values := samples(sv.key, sv.values, a.ranges)
		if len(values) > maxProbeContexts {
			values, cut = values[:maxProbeContexts], true
		}
		for _, v := range values[1:] {
			req.Context = cloneContext(&start)
			req.Context.Set(sv.key, v)
			pinned := map[string]string{}
			if sv.limit {
				pinned[sv.key] = strings.Join(sv.values, ",")
			}
			if ok, e, _ := a.decideWith(req, ch, layer, apDoc, pinned, nil); ok {
				return true, e
			}
		}
	}
	if cut {
		return true, extra
	}
	return false, nil
}

// refusal is why decideWith's request was refused in the end: by the
// Deny statement deny (of the bucket or access point policy), or, with
// deny nil, by Block Public Access (blocked) or for want of an Allow.
type refusal struct {
	deny    *policy.Statement
	blocked bool
}

// mayDependOn reports whether another value of the request key could have
// met another answer: not when Block Public Access refused, nor when a
// Deny refused whose conditions do not name key (nor its Resource a
// policy variable of it).
func (r refusal) mayDependOn(key string) bool {
	switch {
	case r.blocked:
		return false
	case r.deny == nil:
		return true
	}
	variable := func(vs []string) bool {
		return slices.ContainsFunc(vs, func(v string) bool { return strings.Contains(strings.ToLower(v), "${"+strings.ToLower(key)) })
	}
	for _, b := range r.deny.Condition {
		for _, e := range b.Entries {
			if policy.EqualName(e.Key, key) || variable(e.Strings()) {
				return true
			}
		}
	}
	return variable(r.deny.Resource) || variable(r.deny.NotResource)
}

// sparedValues are the values of key a Deny spares (StringNotEquals
// aws:SourceVpce [A, B]), of which decideWith tried the first; limit, when
// a grant they leave is limited to them (a limiting key, or one an outside
// caller holds), not a request value the caller chooses.
type sparedValues struct {
	key    string
	values []string
	limit  bool
}

// decideWith is decide's search from req's context and the extra limits
// set so far: it records in spared (when not nil) the sets of values a
// Deny spares of which it took the first. It returns the extra limits
// found even when the request is refused, and what refused it last.
func (a *analysis) decideWith(req *policy.AccessRequest, ch *policy.Chain, layer policy.Layer, apDoc *policy.Document, extra map[string]string, spared *[]sparedValues) (bool, map[string]string, refusal) {
	// The probe is re-tried with values that take it out of each Deny,
	// or into a conditional delegation, in turn, however many there are:
	// each round sets a key the request did not hold (a key already set
	// and still denied is left), so the rounds end with the policies'
	// keys, and a round that adds none ends them.
	for {
		az := policy.Authorize(req, ch)
		if az.Allowed() {
			o := az.Layer(layer).Outcome
			return o == policy.OutcomeAllow || o == policy.OutcomeAllowAccount, extra, refusal{}
		}
		held := len(req.Context.Keys())
		changed := false
		var deny *policy.Statement     // the bucket policy's Deny that refused
		var refusing *policy.Statement // the Deny that refused, of either policy
		switch {
		case az.Decision == policy.DecisionExplicitDeny:
			var doc *policy.Document
			switch az.DecidedBy {
			case policy.LayerBucketPolicy:
				if a.bucket != nil {
					doc = a.bucket.doc
				}
			case policy.LayerAccessPointPolicy:
				doc = apDoc
			}
			if by := az.Deciding().By; doc != nil && by.Index >= 0 && by.Index < len(doc.Statements) {
				changed = a.satisfyDeny(doc.Statements[by.Index], &req.Context, !req.Caller.Anonymous(), extra, spared)
				refusing = &doc.Statements[by.Index]
				if az.DecidedBy == policy.LayerBucketPolicy {
					deny = &doc.Statements[by.Index]
				}
			}
		case az.Reason == policy.ReasonAccessPointNotDelegated && a.bucket != nil:
			changed = a.satisfyDelegation(req, ch, extra)
		}
		if !changed || len(req.Context.Keys()) <= held {
			switch {
			case az.Reason == policy.ReasonBlockedPublic:
			case deny == nil:
				a.sparesResources, a.sparesValues = true, true
			default:
				a.sparesResources = a.sparesResources || !a.deniesWholeBucket(*deny)
				a.sparesValues = a.sparesValues || len(deny.Condition) > 0
			}
			return false, extra, refusal{deny: refusing, blocked: az.Reason == policy.ReasonBlockedPublic}
		}
	}
}

// deniesWholeBucket reports whether the bucket policy's Deny st covers
// the bucket and every object in it (Resource "*", "arn:aws:s3:::bkt*",
// "arn:aws:s3:::bkt" with "arn:aws:s3:::bkt/*", …; no NotResource). A
// probe key is made of a character no pattern holds, so only a wildcard
// that covers every key matches it.
func (a *analysis) deniesWholeBucket(st policy.Statement) bool {
	if len(st.NotResource) > 0 {
		return false
	}
	covers := func(arn string) bool {
		return slices.ContainsFunc(st.Resource, func(p string) bool { return policy.MatchARN(p, arn) })
	}
	return covers(a.bucketARN) && covers(a.bucketARN+"/"+probeKey(a.fill)) && covers(a.bucketARN+"/"+a.fill)
}

// satisfyDeny sets, in ctx, values that take a request out of the Deny
// statement st: for a limiting key the Deny negates (StringNotEquals
// aws:PrincipalOrgID, …IfExists too), one of the values it spares, also
// recorded in extra as the limit it is; for a key the caller chooses
// (Null "true", a negated operator, or Bool), a value that satisfies it,
// and under any other operator (StringEqualsIfExists, ForAllValues:…) a
// value for which the condition does not hold ([escapeValue]); keys any
// outside caller's requests carry ([outsiderHeld]) and properties of the
// resource the analysis does not know ([resourceProperty]) are treated
// the same way, a Deny of all their values but some being a limit. Other
// keys about who the caller is or where the request comes from are not
// the caller's choice and are left alone, but for what a signed caller
// sets up on its own principal or session ([ownPrincipal]: its tags, MFA,
// principal type, a request through a service, …), which an anonymous
// caller (signed false) does not have. Where it takes the first of
// several values the Deny spares, it adds them to spared (when not nil).
// It reports whether it set anything.
func (a *analysis) satisfyDeny(st policy.Statement, ctx *policy.Context, signed bool, extra map[string]string, spared *[]sparedValues) bool {
	changed := false
	for _, b := range st.Condition {
		base, _ := cutNameSuffix(b.Operator, "IfExists")
		negated := negatedOperator(base)
		null := policy.EqualName(b.Operator, "Null")
		boolean := policy.EqualName(base, "Bool")
		for _, e := range b.Entries {
			if _, set := ctx.Lookup(e.Key); set {
				continue // already set and still denied: not a limit we can satisfy
			}
			if !signed && ownPrincipal(e.Key) {
				continue // an anonymous caller has no principal to set up
			}
			vs := e.Strings()
			held := outsiderHeld(e.Key) || resourceProperty(e.Key)
			switch {
			case negated && len(vs) > 0 && (limitingKey(e.Key) || held):
				extra[e.Key] = strings.Join(vs, ",")
				ctx.Set(e.Key, sample(e.Key, vs[0]))
				a.addSpared(spared, e.Key, vs, true)
			case !held && !callerChosen(e.Key):
				continue
			case null && len(vs) == 1 && strings.EqualFold(vs[0], "true"): // a value, compared as the evaluator does
				// The caller's own: its source address, its VPC
				// endpoint, its organization, a header it writes.
				ctx.Set(e.Key, escapeCandidates(e.Key, nil)[0])
			case negated && len(vs) > 0:
				ctx.Set(e.Key, sample(e.Key, vs[0]))
				a.addSpared(spared, e.Key, vs, false)
			case boolean && len(vs) == 1:
				// The other value (a session with MFA where a Deny
				// refuses one without).
				ctx.Set(e.Key, strconv.FormatBool(!strings.EqualFold(vs[0], "true")))
			default:
				// Any other operator on a key the caller chooses, one
				// that holds when the key is absent among them
				// (StringEqualsIfExists, NumericGreaterThanIfExists,
				// ForAllValues:StringEquals): the caller sends a value
				// it does not hold for, when there is one.
				v, ok := a.escapeValue(b.Operator, e, ctx)
				if !ok {
					continue
				}
				ctx.Set(e.Key, v)
			}
			changed = true
		}
	}
	return changed
}

// addSpared adds the values vs of key that a Deny spares to spared (when
// not nil), when there is more than one to try.
func (a *analysis) addSpared(spared *[]sparedValues, key string, vs []string, limit bool) {
	if spared != nil && len(samples(key, vs, a.ranges)) > 1 {
		*spared = append(*spared, sparedValues{key: key, values: vs, limit: limit})
	}
}

// escapeValue returns a value of the caller-chosen key of entry e for
// which the condition e (under operator op) does not hold in ctx, and
// whether one was found. The policy package's evaluator decides each
// candidate, so that the operator is read as every probe reads it. The
// candidates are a value no pattern names, each of the entry's own values
// (a ForAllValues:StringNotEquals fails on one of them), and numbers,
// dates and booleans at either end.
func (a *analysis) escapeValue(op string, e policy.ConditionEntry, ctx *policy.Context) (string, bool) {
	vs := e.Strings()
	id := op + "\x00" + e.Key + "\x00" + strings.Join(vs, "\x00")
	// A condition without policy variables depends on its key alone: its
	// answer is kept for the analysis (a Deny refuses many probes).
	fixed := !strings.Contains(id, "${")
	if x, seen := a.escapes[id]; seen && fixed {
		return x.value, x.ok
	}
	c, err := policy.Compile(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{{
		Effect: policy.Allow, Action: policy.Strings("*"), Resource: policy.Strings("*"),
		Condition: policy.Condition{{Operator: op, Entries: []policy.ConditionEntry{e}}},
	}}})
	var x escape
	if err == nil {
		for _, v := range escapeCandidates(e.Key, vs) {
			r := policy.Request{Action: "s3:GetObject", Resource: "arn:aws:s3:::s3secure-probe/s3secure-probe", Context: cloneContext(ctx)}
			r.Context.Set(e.Key, v)
			if !c.Decide(&r).Allowed() {
				x = escape{v, true}
				break
			}
		}
	}
	if fixed {
		a.escapes[id] = x
	}
	return x.value, x.ok
}

// escapeCandidates returns the values escapeValue tries for a key whose
// condition lists vs: a value no pattern names, each of the condition's
// own values (a ForAllValues:StringNotEquals fails on one of them), and
// numbers, dates and booleans at either end; for an address key, addresses
// in either half of IPv4 and of IPv6, and those of the ranges listed.
func escapeCandidates(key string, vs []string) []string {
	if nameIs(key, "aws:PrincipalType") {
		// The types of a signed caller's principal (IAM user guide,
		// "AWS global condition context keys", aws:PrincipalType).
		return []string{"AssumedRole", "User", "FederatedUser", "Account"}
	}
	if k, ok := policy.LookupConditionKey(key); ok && k.Type == "IPAddress" {
		return append([]string{"203.0.113.1", "1.0.0.1", "10.0.0.1", "2001:db8::1", "8000::1"}, samples(key, vs, nil)...)
	}
	out := []string{"s3secure-probe"}
	for _, v := range vs {
		out = append(out, sample(key, v))
	}
	return append(out, "0", "-1000000000000", "1000000000000", "1970-01-01T00:00:00Z", "9999-12-31T23:59:59Z", "true", "false")
}

// escape is an answer of escapeValue.
type escape struct {
	value string
	ok    bool
}

// satisfyDelegation re-tries a request through an access point that the
// bucket policy does not let through with the values each conditional
// Allow statement of the bucket policy asks for; the first that lets it
// through is kept, its limiting keys recorded in extra.
func (a *analysis) satisfyDelegation(req *policy.AccessRequest, ch *policy.Chain, extra map[string]string) bool {
	for _, st := range a.bucket.doc.Statements {
		if st.Effect != policy.Allow || len(st.Condition) == 0 {
			continue
		}
		trial := *req
		trial.Context = cloneContext(&req.Context)
		added := map[string]string{}
		for k, v := range probeContext(st) {
			if _, set := trial.Context.Lookup(k); set {
				continue
			}
			trial.Context.Set(k, v)
			added[k] = v
		}
		if len(added) == 0 || policy.Authorize(&trial, ch).Reason == policy.ReasonAccessPointNotDelegated {
			continue
		}
		*req = trial
		cond := conditionsOf(st)
		for k := range added {
			if limitingKey(k) && !hasNamePrefix(k, "s3:DataAccessPoint") {
				extra[k] = cond[k]
			}
		}
		return true
	}
	return false
}

func cloneContext(c *policy.Context) policy.Context {
	var out policy.Context
	for _, k := range c.Keys() {
		vs, _ := c.Lookup(k)
		out.Set(k, vs...)
	}
	return out
}

// limitingKey reports whether S3 counts a fixed value of the key as
// limiting a grant (aws:PrincipalOrgID, aws:SourceVpce, …).
func limitingKey(key string) bool {
	k, ok := policy.LookupConditionKey(key)
	return ok && k.LimitsPublicAccess
}

// callerChosen reports whether a condition key is a request parameter the
// caller sets (S3 request headers and parameters, request tags) or a
// property of its own principal that any account sets up for itself (its
// principal tags, MFA on its session), as opposed to who the caller is,
// where the request comes from or what the resource already is. A key IAM
// does not know is in no request, so no caller can set it.
func callerChosen(key string) bool {
	k, known := policy.LookupConditionKey(key)
	switch {
	case !known:
		return false
	case hasNamePrefix(k.Name, "aws:RequestTag/"), nameIs(k.Name, "aws:TagKeys"):
		return true
	case nameIs(k.Name, "aws:Referer", "aws:UserAgent"):
		// Request headers the caller writes: "Unauthorized parties can
		// use modified or custom browsers to provide any aws:referer
		// value that they choose. As a result, aws:referer should not be
		// used to prevent unauthorized parties from making direct AWS
		// requests" (IAM user guide, "AWS global condition context
		// keys").
		return true
	case ownPrincipal(k.Name):
		return true
	case !hasNamePrefix(k.Name, "s3:"):
		return false
	case hasNamePrefix(k.Name, "s3:DataAccessPoint"), nameIs(k.Name, "s3:AccessPointNetworkOrigin"),
		hasNamePrefix(k.Name, "s3:ExistingObjectTag/"), hasNamePrefix(k.Name, "s3:ResourceAccount"):
		return false
	}
	return !k.LimitsPublicAccess
}

// ownPrincipal reports whether a condition key is about the signed
// caller's own principal or session, which an outside account sets up as
// it likes: tags on its own roles, MFA on its own sessions, the type of
// principal it signs with (a role session rather than its root user), the
// name of its own IAM users, a source identity on its sessions, temporary
// credentials (aws:TokenIssueTime), a federated session, and the services
// it has make requests on its behalf ("When a principal makes a request to
// an AWS service, that service might use the principal's credentials to
// make subsequent requests to other services. The aws:CalledVia key
// contains an ordered list of each service in the chain", Athena user
// guide, "Use CalledVia context keys for Athena"), and the unique id of
// the principal it signs with, aws:userid, whose form follows from the
// type it chooses ("This key is included in the request context for all
// signed requests. Anonymous requests do not include this key", IAM user
// guide, "AWS global condition context keys"). An anonymous caller has
// none of them.
func ownPrincipal(name string) bool {
	return hasNamePrefix(name, "aws:PrincipalTag/") || nameIs(name, "aws:MultiFactorAuthPresent", "aws:MultiFactorAuthAge",
		"aws:PrincipalType", "aws:username", "aws:SourceIdentity", "aws:TokenIssueTime", "aws:FederatedProvider",
		"aws:CalledVia", "aws:CalledViaFirst", "aws:CalledViaLast", "aws:ViaAWSService", "aws:userid")
}

// outsiderHeld reports whether a condition key is one whose value an
// outside caller's request carries from its own network or organization:
// every request from the internet has a source address, and any account
// can send requests through a VPC endpoint of its own and from an
// organization of its own. A Deny that asks only for such a value to be
// present, or to differ from some, does not keep the caller out; one that
// asks for fixed values of it limits the grant to them.
func outsiderHeld(key string) bool {
	k, known := policy.LookupConditionKey(key)
	return known && nameIs(k.Name, "aws:SourceIp", "aws:VpcSourceIp", "aws:SourceVpc", "aws:SourceVpce", "aws:SourceVpcArn",
		"aws:VpceAccount", "aws:VpceOrgID", "aws:VpceOrgPaths", "aws:PrincipalOrgID", "aws:PrincipalOrgPaths")
}

// resourceProperty reports whether a condition key is a property of the
// bucket, its objects or the request's Region that the analysis does not
// know: object and bucket tags, the owner's organization, the Region. Some
// object may carry the tag a Deny spares, so the Deny is taken as leaving
// the grant to such resources (a limit, for a Deny of all values but
// some), never as refusing every request: more, never less.
func resourceProperty(key string) bool {
	k, known := policy.LookupConditionKey(key)
	return known && (nameIs(k.Name, "aws:ResourceOrgID", "aws:ResourceOrgPaths", "aws:RequestedRegion") ||
		hasNamePrefix(k.Name, "aws:ResourceTag/") || hasNamePrefix(k.Name, "s3:BucketTag/") || hasNamePrefix(k.Name, "s3:ExistingObjectTag/"))
}

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

// catalogSet returns the other actions of the catalog that a wildcard
// pattern covers: all of them, since a Deny may leave any one.
func catalogSet(pattern string) []string {
	if !strings.ContainsAny(pattern, "*?") {
		return nil
	}
	var out []string
	for _, a := range policy.ExpandActions(pattern) {
		if !slices.Contains(probeActions, a.Name) {
			out = append(out, a.Name)
		}
	}
	return out
}

// probeActions are tried first for a wildcard action: object and bucket
// reads and writes, which most grants include (the actions of these API
// operations).
var probeActions = policy.RequiredActions(false, "GetObject", "PutObject", "ListObjectsV2", "DeleteObject", "GetBucketAcl", "PutBucketAcl")

// probeContext returns request values that satisfy the statement's
// positive conditions. The probes then set aws:SecureTransport to each of
// transports in turn.
func probeContext(s policy.Statement) map[string]string {
	ctx := map[string]string{}
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

// maxProbeContexts bounds the request contexts tried per statement.
const maxProbeContexts = 12

// probeContexts returns probeContext(s) and then, for each positive
// condition with more than one value, or an address range, the same
// context with each other request value that satisfies it (samples): the
// other values of the list, and the last and middle addresses of a
// range. A Deny of one of them (a revoked VPC endpoint, a blocked range
// inside an allowed one) leaves the rest reachable. ranges are passed to
// samples. truncated is true when maxProbeContexts left a value out.
func probeContexts(s policy.Statement, ranges []netip.Prefix) (out []map[string]string, truncated bool) {
	base := probeContext(s)
	out = []map[string]string{base}
	for _, b := range s.Condition {
		if !positiveOperator(b.Operator) {
			continue
		}
		for _, e := range b.Entries {
			for _, v := range samples(e.Key, e.Strings(), ranges) {
				if v == base[e.Key] {
					continue
				}
				if len(out) >= maxProbeContexts {
					return out, true
				}
				c := maps.Clone(base)
				c[e.Key] = v
				out = append(out, c)
			}
		}
	}
	return out, false
}

// samples returns request values that match the condition values: one per
// value, and for an address range its last and middle addresses too, and
// the addresses inside it next to each of ranges (those the policies
// name): whatever part of the range a Deny of other ranges leaves starts
// at the range's first address or right after one of them.
func samples(key string, values []string, ranges []netip.Prefix) []string {
	var out []string
	seen := map[string]bool{}
	add := func(v string) {
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	for _, v := range values {
		add(sample(key, v))
		if !policy.EqualName(key, "aws:SourceIp") {
			continue
		}
		if p, err := netip.ParsePrefix(v); err == nil && p.Bits() < p.Addr().BitLen() {
			p = p.Masked()
			add(lastAddr(p, p.Bits()).String())
			add(lastAddr(p, p.Bits()+1).Next().String())
			for _, r := range ranges {
				if next := lastAddr(r, r.Bits()).Next(); next.IsValid() && p.Contains(next) {
					add(next.String())
				}
			}
		}
	}
	return out
}

// addressRanges returns the address ranges (an address is a range of
// one) that the documents' conditions name for aws:SourceIp.
func addressRanges(docs ...*policy.Document) []netip.Prefix {
	var out []netip.Prefix
	for _, d := range docs {
		for _, st := range d.Statements {
			for _, b := range st.Condition {
				for _, e := range b.Entries {
					if !policy.EqualName(e.Key, "aws:SourceIp") {
						continue
					}
					for _, v := range e.Strings() {
						if p, err := netip.ParsePrefix(v); err == nil {
							out = append(out, p.Masked())
						} else if a, err := netip.ParseAddr(v); err == nil {
							out = append(out, netip.PrefixFrom(a, a.BitLen()))
						}
					}
				}
			}
		}
	}
	return out
}

func lastAddr(p netip.Prefix, bits int) netip.Addr {
	b := p.Addr().AsSlice()
	for i := bits; i < len(b)*8; i++ {
		b[i/8] |= 0x80 >> (i % 8)
	}
	a, _ := netip.AddrFromSlice(b)
	return a
}

// sample turns a condition value into a request value it matches.
func sample(key, v string) string {
	if policy.EqualName(key, "aws:SourceIp") {
		if p, err := netip.ParsePrefix(v); err == nil {
			return p.Masked().Addr().String()
		}
		return v
	}
	return strings.NewReplacer("*", "probe", "?", "x").Replace(v)
}

// aclFindings returns the findings of the bucket ACL's grants to public
// groups (AllUsers, AuthenticatedUsers) and to other accounts' canonical
// users: each action the grant's permission gives is probed with Authorize
// (so that ACLs count only when Object Ownership allows them,
// IgnorePublicAcls ignores public grants, and a bucket policy Deny removes
// or limits what a grant gives), an object action on the objects the
// bucket policy names as well as on one key. The owner's grants and the S3 log
// delivery group are not reported.
func (a *analysis) aclFindings(grants []policy.ACLGrant) []Finding {
	type entry struct {
		public    bool
		principal string
		grants    []grant
		byLimit   map[string]int
	}
	var order []*entry
	byPrincipal := map[string]*entry{}
	outsider := a.z.outsider()
	// A grant's object actions apply to every key: they are tried on the
	// objects the bucket policy names too, so that a Deny of all but one
	// prefix leaves the grant to it.
	objects, truncated := []string{a.bucketARN + "/" + probeKey(a.fill)}, false
	if a.bucket != nil {
		for _, r := range a.bucket.resources {
			if strings.HasPrefix(r, a.bucketARN+"/") && !slices.Contains(objects, r) {
				objects = append(objects, r)
			}
		}
		truncated = a.bucket.truncated
	}
	for _, g := range grants {
		var callers []policy.Caller
		key := "*"
		switch {
		case g.Public():
			// AllUsers reaches anonymous callers, AuthenticatedUsers
			// signed ones.
			callers = []policy.Caller{{}, outsider}
		case g.GranteeID != "" && g.GranteeID != a.z.ownerCanonical:
			key = g.GranteeID
			c := outsider
			c.CanonicalUser = g.GranteeID
			callers = []policy.Caller{c}
		default:
			continue
		}
		e := byPrincipal[key]
		if e == nil {
			e = &entry{public: key == "*", principal: key, byLimit: map[string]int{}}
			byPrincipal[key] = e
			order = append(order, e)
		}
		for _, action := range policy.ACLPermissionActions(g.Permission, false) {
			resources := []string{a.bucketARN}
			if act, _ := policy.LookupAction(action); act.AppliesTo("object") {
				resources = objects
			}
			a.sparesResources, a.sparesValues = false, false
			allowed := false
		probes:
			for _, res := range resources {
				for _, caller := range callers {
					for _, tls := range transports {
						req := &policy.AccessRequest{BucketOwner: a.owner}
						req.Caller, req.Action, req.Resource = caller, action, res
						req.Context.Set(secureTransport, tls)
						req.ACLPermission, req.ACLOnObject = a.aclPermission(action)
						if ok, extra := a.decide(req, &a.chain, policy.LayerACL, nil); ok {
							e.grants = addGrant(e.grants, e.byLimit, action, extra)
							allowed = true
							break probes
						}
					}
				}
			}
			if !allowed && truncated && a.sparesResources && a.chain.ACLsEnabled {
				// Refused on the objects tried, by a Deny that may spare
				// one of those the bucket policy names but were not
				// tried: kept, not lost.
				e.grants = addGrant(e.grants, e.byLimit, action, nil)
			}
		}
	}
	var out []Finding
	for _, e := range order {
		for _, g := range e.grants {
			f := Finding{Public: e.public, Statement: -1, Sources: []Source{{Type: SourceACL}}, Owner: a.owner}
			if e.public {
				f.Principal = map[string]string{"AWS": "*"}
			} else {
				f.Principal = map[string]string{"CanonicalUser": e.principal}
			}
			for k, v := range g.extra {
				f.Conditions = withCondition(f.Conditions, k, v)
			}
			if f.Public && len(g.extra) > 0 && fixedLimits(g.extra, policy.KindBucket) {
				f.Public = false
			}
			f.Actions = slices.Clone(g.actions)
			sort.Strings(f.Actions)
			f.Actions = slices.Compact(f.Actions)
			out = append(out, f)
		}
	}
	return out
}
