package policy

import (
	"errors"
	"fmt"
	"net/netip"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrInvalidStatement is wrapped by the *[StatementError] that [Compile] and
// [Evaluate] return for a statement IAM would refuse and that therefore has
// no defined meaning: an effect other than Allow or Deny, no Action or
// NotAction, both Action and NotAction, an unknown condition operator, a
// condition value that does not parse for its operator.
var ErrInvalidStatement = errors.New("policy: invalid statement")

// StatementError describes a statement [Compile] cannot compile. It wraps
// [ErrInvalidStatement].
type StatementError struct {
	// Index is the statement's index in the document, Sid its Sid.
	Index int
	Sid   string
	// Reason says what is wrong.
	Reason string
}

// Error implements error.
func (e *StatementError) Error() string {
	if e.Sid != "" {
		return fmt.Sprintf("policy: statement %d (%s): %s", e.Index, e.Sid, e.Reason)
	}
	return fmt.Sprintf("policy: statement %d: %s", e.Index, e.Reason)
}

// Unwrap returns the underlying error, for errors.Is and errors.As.
func (e *StatementError) Unwrap() error { return ErrInvalidStatement }

// Decision is the outcome of evaluating a request. The zero value is
// [DecisionDeny], the implicit deny: nothing allowed the request.
type Decision uint8

// Decisions, in IAM's terms.
const (
	// DecisionDeny is the implicit deny: no statement allowed the request.
	DecisionDeny Decision = iota
	// DecisionAllow: a statement allowed the request and none denied it.
	DecisionAllow
	// DecisionExplicitDeny: a Deny statement matched; it overrides any Allow.
	DecisionExplicitDeny
)

// String returns the name of the decision.
func (d Decision) String() string {
	switch d {
	case DecisionAllow:
		return "Allow"
	case DecisionExplicitDeny:
		return "ExplicitDeny"
	}
	return "ImplicitDeny"
}

// StatementRef identifies a statement among the policies of an evaluation.
type StatementRef struct {
	// Policy is the index of the policy in the list passed to [Decide] or
	// [Evaluate] (0 for [Compiled.Decide]).
	Policy int
	// Index is the statement's index in its document.
	Index int
	// Sid is the statement's Sid, if any.
	Sid string
}

// Result is the answer to a request.
type Result struct {
	// Decision is Allow, ExplicitDeny or the implicit Deny.
	Decision Decision
	// By is the statement that decided: the first matching Deny statement
	// for ExplicitDeny, the first matching Allow statement for Allow. It is
	// meaningless for the implicit deny (Matched false).
	By StatementRef
	// Matched is true when a statement decided (Allow or ExplicitDeny).
	Matched bool
}

// Allowed reports whether the request is allowed.
func (r Result) Allowed() bool { return r.Decision == DecisionAllow }

// Caller is who makes a request. The zero value is the anonymous caller (an
// unsigned request), which only statements with Principal "*" match.
type Caller struct {
	// ARN is the caller's ARN: a user ("arn:aws:iam::111122223333:user/alice"),
	// a role session ("arn:aws:sts::111122223333:assumed-role/Role/session"),
	// or the account root ("arn:aws:iam::111122223333:root").
	ARN string
	// Account is the caller's 12-digit account ID. When it is empty, the
	// account of ARN stands for it: in aws:PrincipalAccount, for a
	// Principal that names an account, and for Block Public Access.
	Account string
	// Service is set for an AWS service principal, for example
	// "cloudfront.amazonaws.com"; ARN and Account are then usually empty.
	Service string
	// CanonicalUser is the caller's S3 canonical user ID, if known.
	CanonicalUser string
	// Federated is the identity provider for a federated caller, if any.
	Federated string
}

// Anonymous reports whether c is the anonymous caller.
func (c Caller) Anonymous() bool {
	return c.ARN == "" && c.Account == "" && c.Service == "" && c.CanonicalUser == "" && c.Federated == ""
}

// Request is a request to decide: who, what action on which resource, and
// the request's condition context.
type Request struct {
	Caller Caller
	// Action is the action, for example "s3:GetObject" (case-insensitive).
	Action string
	// Resource is the resource ARN, for example "arn:aws:s3:::bucket/key";
	// empty for actions without a resource (s3:ListAllMyBuckets).
	Resource string
	// Context holds the condition keys of the request. Keys derived from
	// the caller (aws:PrincipalArn, aws:PrincipalAccount (Account, else the
	// ARN's account), aws:PrincipalType,
	// aws:username for IAM users, aws:PrincipalServiceName,
	// aws:PrincipalIsAWSService) are
	// supplied from Caller when Context does not set them. For a role
	// session that aws:PrincipalArn is the role's ARN without a path, as
	// the session's ARN holds none, where AWS gives the role's full ARN
	// ("arn:aws:iam::111122223333:role/admin/Ops"): for a role under a path
	// set it in Context, or a condition on the path (ArnLike
	// ".../role/admin/*") finds no match. aws:userid is
	// the principal's unique ID (AIDA…, AROA…:session), which Caller does
	// not hold: set it in Context when a policy tests it. [Authorize]
	// supplies aws:ResourceAccount and s3:ResourceAccount the same way,
	// from [AccessRequest].BucketOwner (the access point's account in the
	// access point's terms), and for a request through an access point
	// s3:AccessPointNetworkOrigin ("VPC" with [Chain].AccessPointVPC,
	// else "Internet").
	Context Context

	// boundary is set by Authorize for an IAM principal whose chain has a
	// permissions boundary: a Deny with NotPrincipal then exempts no one.
	boundary bool
	// resourceAccount is set by Authorize: the account that owns the
	// resource, for aws:ResourceAccount and s3:ResourceAccount.
	resourceAccount string
	// apOrigin is set by Authorize for a request through an access point:
	// its network origin, for s3:AccessPointNetworkOrigin.
	apOrigin string
}

// Context is the condition context of a request: condition keys with one or
// more values. Keys are case-insensitive. Values are parsed once, when set,
// as numbers, dates, IP addresses and booleans, so that evaluating a
// compiled policy does not allocate. The zero value is an empty context.
type Context struct {
	entries []contextEntry
}

type contextEntry struct {
	key    string // lower-case
	id     int32  // conditionKeyID(key)
	values []contextValue
}

// contextValue is one request value with its parsed forms.
type contextValue struct {
	s      string
	num    float64
	hasNum bool
	date   int64 // Unix nanoseconds
	hasDt  bool
	ip     ipBits // valid when the value is an IP address
	// boolean is boolWord(s), for Bool.
	boolean int8
}

func newContextValue(s string) contextValue {
	v := contextValue{s: s}
	if f, err := parseNumber(s); err == nil {
		v.num, v.hasNum = f, true
	}
	if t, ok := parseDate(s); ok {
		v.date, v.hasDt = t, true
	}
	if a, err := netip.ParseAddr(s); err == nil {
		v.ip = newIPBits(a)
	}
	v.boolean = boolWord(s)
	return v
}

// Set sets key to values, replacing any values it had. A key set with no
// values is present but empty: ForAllValues conditions on it are true, and
// other operators find no value.
func (c *Context) Set(key string, values ...string) {
	lk := asciiLower(key)
	vs := make([]contextValue, len(values))
	for i, s := range values {
		vs[i] = newContextValue(s)
	}
	for i := range c.entries {
		if c.entries[i].key == lk {
			c.entries[i].values = vs
			return
		}
	}
	c.entries = append(c.entries, contextEntry{key: lk, id: conditionKeyID(lk), values: vs})
}

// SetTime sets a Date key (aws:CurrentTime) to t, and aws:EpochTime too
// when key is aws:CurrentTime.
func (c *Context) SetTime(key string, t time.Time) {
	c.Set(key, t.UTC().Format(time.RFC3339))
	if equalFoldASCII(key, "aws:CurrentTime") {
		c.Set("aws:EpochTime", strconv.FormatInt(t.Unix(), 10))
	}
}

// SetBool sets a Bool key to "true" or "false".
func (c *Context) SetBool(key string, b bool) { c.Set(key, strconv.FormatBool(b)) }

// Delete removes key.
func (c *Context) Delete(key string) {
	lk := asciiLower(key)
	for i := range c.entries {
		if c.entries[i].key == lk {
			c.entries = append(c.entries[:i], c.entries[i+1:]...)
			return
		}
	}
}

// Lookup returns the values of key and whether it is set.
func (c *Context) Lookup(key string) ([]string, bool) {
	vs, ok := c.lookup(asciiLower(key))
	if !ok {
		return nil, false
	}
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.s
	}
	return out, true
}

// Keys returns the keys set, in lower case, in the order they were set.
func (c *Context) Keys() []string {
	out := make([]string, len(c.entries))
	for i, e := range c.entries {
		out[i] = e.key
	}
	return out
}

// lookup finds a lower-case key without allocating.
func (c *Context) lookup(lk string) ([]contextValue, bool) {
	for i := range c.entries {
		if c.entries[i].key == lk {
			return c.entries[i].values, true
		}
	}
	return nil, false
}

// find is lookup for a compiled key: a catalog key is found by comparing
// ids, not names.
func (c *Context) find(k *condKey) ([]contextValue, bool) {
	if k.id == 0 {
		return c.lookup(k.name)
	}
	for i := range c.entries {
		if c.entries[i].id == k.id {
			return c.entries[i].values, true
		}
	}
	return nil, false
}

// condKey is a condition key of a compiled policy (a condition's key, a
// policy variable's), prepared for finding it in a request.
type condKey struct {
	name    string // lower-case
	id      int32  // conditionKeyID(name)
	derived derivedKey
}

func newCondKey(key string) condKey {
	lk := asciiLower(key)
	return condKey{name: lk, id: conditionKeyID(lk), derived: derivedKind(lk)}
}

// conditionKeyID returns 1 + the catalog index of the lower-case key lk
// when lk is a catalog key's name (without placeholder), else 0. Two keys
// with the same non-zero id therefore have the same name.
func conditionKeyID(lk string) int32 {
	i, ok := catalogConditionKeyIndex[lk]
	if !ok {
		return 0
	}
	if name := catalogConditionKeys[i].Name; len(name) != len(lk) || !lowerEq(lk, name) {
		return 0 // indexed by a placeholder key's prefix
	}
	return int32(i + 1)
}

// variable returns the single value of a policy variable's key.
func (r *Request) variable(k *condKey) (string, bool) {
	if vs, ok := r.Context.find(k); ok {
		if len(vs) != 1 {
			return "", false
		}
		return vs[0].s, true
	}
	return r.derivedValue(k.derived)
}

// derivedKey names a key computed from the caller (or, for
// aws:ResourceAccount, from what Authorize knows of the resource).
type derivedKey uint8

const (
	derivedNone derivedKey = iota
	derivedPrincipalARN
	derivedPrincipalAccount
	derivedPrincipalServiceName
	derivedPrincipalIsAWSService
	derivedUsername
	derivedPrincipalType
	derivedResourceAccount
	derivedAccessPointNetworkOrigin
)

// derivedKind says which principal key the lower-case key lk is, if any.
func derivedKind(lk string) derivedKey {
	switch lk {
	case "aws:principalarn":
		return derivedPrincipalARN
	case "aws:principalaccount":
		return derivedPrincipalAccount
	case "aws:principalservicename":
		return derivedPrincipalServiceName
	case "aws:principalisawsservice":
		return derivedPrincipalIsAWSService
	case "aws:username":
		return derivedUsername
	case "aws:principaltype":
		return derivedPrincipalType
	case "aws:resourceaccount", "s3:resourceaccount":
		return derivedResourceAccount
	case "s3:accesspointnetworkorigin":
		return derivedAccessPointNetworkOrigin
	}
	return derivedNone
}

// derivedValue returns a principal key computed from the caller.
func (r *Request) derivedValue(k derivedKey) (string, bool) {
	c := &r.Caller
	switch k {
	case derivedPrincipalARN:
		if c.ARN != "" {
			return principalARN(c.ARN), true
		}
	case derivedPrincipalAccount:
		if c.Account != "" {
			return c.Account, true
		}
		if c.Service == "" {
			if a := arnAccount(c.ARN); a != "" {
				return a, true // every IAM ARN holds its account
			}
		}
	case derivedPrincipalServiceName:
		if c.Service != "" {
			return c.Service, true
		}
	case derivedPrincipalIsAWSService:
		if c.Anonymous() {
			return "", false
		}
		if c.Service != "" {
			return "true", true
		}
		return "false", true
	case derivedUsername:
		if name, ok := iamUserName(c.ARN); ok {
			return name, true
		}
	case derivedPrincipalType:
		return principalType(c)
	case derivedResourceAccount:
		return r.resourceAccount, r.resourceAccount != ""
	case derivedAccessPointNetworkOrigin:
		return r.apOrigin, r.apOrigin != ""
	}
	return "", false
}

// principalType returns the caller's aws:PrincipalType, which "is included
// in the request context for all requests, including anonymous requests"
// (IAM user guide, "AWS global condition context keys"), with the values
// of the guide's principal key values table: Account for an account's
// root user, User for an IAM user, AssumedRole for a role session,
// FederatedUser for a GetFederationToken session, Anonymous for an
// anonymous request. A caller known by less than its ARN has none here.
func principalType(c *Caller) (string, bool) {
	if c.Anonymous() {
		return "Anonymous", true
	}
	if !strings.HasPrefix(c.ARN, "arn:") {
		return "", false
	}
	for _, t := range [...]struct{ part, typ string }{
		{":root", "Account"}, {":user/", "User"}, {":assumed-role/", "AssumedRole"}, {":federated-user/", "FederatedUser"},
	} {
		if i := strings.Index(c.ARN, t.part); i >= 0 && (t.part != ":root" || i+len(t.part) == len(c.ARN)) {
			return t.typ, true
		}
	}
	return "", false
}

// principalARN returns the aws:PrincipalArn of a caller ARN: for a role
// session, the role's ARN (without its path, which the session ARN lacks).
// It slices its argument in the common cases and allocates only for role
// sessions.
func principalARN(arn string) string {
	const p = ":assumed-role/"
	i := strings.Index(arn, p)
	if i < 0 || !strings.HasPrefix(arn, "arn:") {
		return arn
	}
	// arn:PARTITION:sts::ACCOUNT:assumed-role/ROLE/SESSION
	rest := arn[i+len(p):]
	j := strings.IndexByte(rest, '/')
	if j < 0 {
		return arn
	}
	head := arn[:i] // arn:aws:sts::ACCOUNT
	head = strings.Replace(head, ":sts:", ":iam:", 1)
	return head + ":role/" + rest[:j]
}

// iamUserName returns the user name of an IAM user ARN.
func iamUserName(arn string) (string, bool) {
	i := strings.Index(arn, ":user/")
	if i < 0 || !strings.HasPrefix(arn, "arn:") {
		return "", false
	}
	name := arn[i+len(":user/"):]
	if j := strings.LastIndexByte(name, '/'); j >= 0 {
		name = name[j+1:]
	}
	return name, name != ""
}

// Compiled is a policy document prepared for fast evaluation. Compile a
// document once with [Compile] and decide any number of requests with
// [Compiled.Decide], from any number of goroutines: a Compiled is
// immutable.
type Compiled struct {
	statements []cStatement
	// ix indexes the statements by catalog action (Compile only): for the
	// action of catalog index a, ix[ixOff[2a]:ixOff[2a+1]] are the Deny
	// statements that can match it and ix[ixOff[2a+1]:ixOff[2a+2]] the
	// Allow statements, each in document order. A decision visits only
	// those, the Denies first, and stops at the first Allow that matches.
	ix    []uint32
	ixOff []uint32
	// public and apPublic say whether the document is public in S3's
	// sense as a bucket policy and as an access point policy ([IsPublic]),
	// for Block Public Access in [Authorize]. Set by Compile only.
	public, apPublic bool
}

type cStatement struct {
	index  int
	sid    string
	deny   bool
	notAct bool
	acts   []actionMatcher
	// actSet is the set of catalog actions acts matches, so a request for a
	// catalog action is matched with one bit test.
	actSet actionSet
	hasSet bool // actSet is computed (Compile; not Evaluate)

	hasRes bool // Resource or NotResource present
	notRes bool
	res    []template
	resPat []pattern // compiled res, when no resource has a variable
	resVar bool      // some resource has a variable

	prin    *cPrincipal // nil: no Principal element (identity policy)
	notPrin bool

	conds     []cCondition
	condFirst bool // conditionsDecide
}

// Compile prepares doc for evaluation. Statements without a Principal or
// NotPrincipal element are taken as identity-policy statements that apply
// to whoever the policy is attached to, so compile identity and resource
// policies separately and combine the decisions as IAM does (see
// [Decide]). Compile returns a *[StatementError] wrapping
// [ErrInvalidStatement] for a statement IAM would refuse.
func Compile(doc *Document) (*Compiled, error) {
	return compile(doc, true)
}

func compile(doc *Document, sets bool) (*Compiled, error) {
	if doc == nil {
		return &Compiled{}, nil
	}
	vars := doc.Version == Version2012
	c := &Compiled{statements: make([]cStatement, 0, len(doc.Statements))}
	for i := range doc.Statements {
		s := &doc.Statements[i]
		cs, err := compileStatement(i, s, vars, sets)
		if err != nil {
			return nil, err
		}
		c.statements = append(c.statements, cs)
	}
	if sets {
		c.index()
		c.public = isPublic(doc, KindBucket)
		c.apPublic = isPublic(doc, KindAccessPoint)
	}
	return c, nil
}

// index builds ix and ixOff from the statements' action sets.
func (c *Compiled) index() {
	n := len(catalogActions)
	c.ixOff = make([]uint32, 0, 2*n+1)
	c.ixOff = append(c.ixOff, 0)
	for a := range n {
		for _, deny := range [2]bool{true, false} {
			for i := range c.statements {
				st := &c.statements[i]
				if st.deny == deny && st.actSet.has(a) != st.notAct {
					c.ix = append(c.ix, uint32(i))
				}
			}
			c.ixOff = append(c.ixOff, uint32(len(c.ix)))
		}
	}
}

// compileStatement compiles one statement. With sets, it also expands the
// actions into a catalog bit set: that costs a pass over the catalog per
// wildcard pattern, which pays off only when the result is reused.
func compileStatement(i int, s *Statement, vars, sets bool) (cStatement, error) {
	fail := func(format string, args ...any) (cStatement, error) {
		return cStatement{}, &StatementError{Index: i, Sid: s.Sid, Reason: fmt.Sprintf(format, args...)}
	}
	cs := cStatement{index: i, sid: s.Sid}
	switch s.Effect {
	case Allow:
	case Deny:
		cs.deny = true
	default:
		return fail("effect %q is neither Allow nor Deny", string(s.Effect))
	}
	switch {
	case s.Action != nil && s.NotAction != nil:
		return fail("both Action and NotAction")
	case s.Action == nil && s.NotAction == nil:
		return fail("no Action or NotAction")
	case s.NotAction != nil:
		cs.notAct = true
		cs.acts = compileActions(s.NotAction)
		if sets {
			cs.actSet, cs.hasSet = expandValues(s.NotAction), true
		}
	default:
		cs.acts = compileActions(s.Action)
		if sets {
			cs.actSet, cs.hasSet = expandValues(s.Action), true
		}
	}
	switch {
	case s.Resource != nil && s.NotResource != nil:
		return fail("both Resource and NotResource")
	case s.Resource != nil || s.NotResource != nil:
		cs.hasRes = true
		list := s.Resource
		if s.NotResource != nil {
			cs.notRes = true
			list = s.NotResource
		}
		for _, r := range list {
			t := template{lit: r}
			if vars {
				t, _ = parseTemplate(r)
			}
			if t.parts != nil {
				cs.resVar = true
			}
			cs.res = append(cs.res, t)
			cs.resPat = append(cs.resPat, newResourcePattern(t.lit))
		}
	}
	switch {
	case s.Principal != nil && s.NotPrincipal != nil:
		return fail("both Principal and NotPrincipal")
	case s.Principal != nil:
		cs.prin = compilePrincipal(s.Principal)
	case s.NotPrincipal != nil:
		cs.prin = compilePrincipal(s.NotPrincipal)
		cs.notPrin = true
	}
	for _, b := range s.Condition {
		op, ok := lookupOperator(b.Operator)
		if !ok {
			return fail("unknown condition operator %q", b.Operator)
		}
		for _, e := range b.Entries {
			cc, err := compileCondition(op, e, vars)
			if err != nil {
				return fail("condition %s %s: %v", b.Operator, e.Key, err)
			}
			cs.conds = append(cs.conds, cc)
		}
	}
	cs.condFirst = cs.conditionsDecide()
	return cs, nil
}

// expandValues returns the catalog actions any of the patterns matches.
func expandValues(vs Values) actionSet {
	var set actionSet
	for _, a := range vs {
		if !hasWildcard(a) {
			// ASCII folding, as the matchers and IAM: strings.ToLower would
			// turn the Kelvin sign (U+212A) into "k".
			if i, ok := catalogActionIndex[asciiLower(a)]; ok {
				set[i/64] |= 1 << (i % 64)
			}
			continue
		}
		set = set.union(expandSet(a))
	}
	return set
}

// actionIndex returns the catalog index of an action, compared
// case-insensitively, or -1. It does not allocate.
func actionIndex(action string) int {
	return catalogActionTable.index(action)
}

func compileActions(vs Values) []actionMatcher {
	out := make([]actionMatcher, len(vs))
	for i, a := range vs {
		out[i] = newActionMatcher(a)
	}
	return out
}

// cPrincipal is a compiled Principal or NotPrincipal element.
type cPrincipal struct {
	everyone  bool
	accounts  []accountRef // 12-digit account IDs (also from :root ARNs)
	arns      []string     // other AWS principal ARNs, matched exactly
	roles     []roleRef
	services  []string
	canonical []string
	federated []string
}

// accountRef is an account a Principal element names: a bare account ID
// (partition "", the account in the policy's partition, as IAM reads it)
// or an account root ARN, which names the account in its own partition
// only: "Partitions have independent instances of AWS Identity and Access
// Management (IAM) ... You cannot use IAM credentials from one partition to
// interact with resources in a different partition" (AWS Fault Isolation
// Boundaries, "Partitions"), so account 111122223333 of aws-cn is not
// account 111122223333 of aws.
type accountRef struct{ id, partition string }

// roleRef lets a role ARN in a policy match sessions of the role.
type roleRef struct{ prefix string } // "arn:aws:sts::ACCOUNT:assumed-role/NAME/"

func compilePrincipal(p *Principal) *cPrincipal {
	cp := &cPrincipal{everyone: p.IsEveryone()}
	for _, e := range p.Entries {
		for _, v := range e.Values {
			switch e.Type {
			case PrincipalAWS:
				if v == "*" {
					continue
				}
				if acct, ok := accountOfRoot(v); ok {
					part, _ := ARNPartition(v) // "" for a bare account ID
					cp.accounts = append(cp.accounts, accountRef{acct, part})
					continue
				}
				cp.arns = append(cp.arns, v)
				if r, ok := roleSessionPrefix(v); ok {
					cp.roles = append(cp.roles, r)
				}
			case PrincipalService:
				cp.services = append(cp.services, v)
			case PrincipalCanonicalUser:
				cp.canonical = append(cp.canonical, v)
			case PrincipalFederated:
				cp.federated = append(cp.federated, v)
			}
		}
	}
	return cp
}

// accountOfRoot returns the account of a 12-digit account ID or of an
// account root ARN (arn:aws:iam::111122223333:root).
func accountOfRoot(v string) (string, bool) {
	if IsAccountID(v) {
		return v, true
	}
	if strings.HasPrefix(v, "arn:") && strings.HasSuffix(v, ":root") {
		f := strings.SplitN(v, ":", 6)
		if len(f) == 6 && f[2] == "iam" && f[5] == "root" && IsAccountID(f[4]) {
			return f[4], true
		}
	}
	return "", false
}

// roleSessionPrefix returns, for a role ARN, the prefix of its session ARNs.
func roleSessionPrefix(arn string) (roleRef, bool) {
	f := strings.SplitN(arn, ":", 6)
	if len(f) != 6 || f[0] != "arn" || f[2] != "iam" || !strings.HasPrefix(f[5], "role/") {
		return roleRef{}, false
	}
	name := f[5][len("role/"):]
	if j := strings.LastIndexByte(name, '/'); j >= 0 {
		name = name[j+1:]
	}
	if name == "" {
		return roleRef{}, false
	}
	return roleRef{prefix: "arn:" + f[1] + ":sts::" + f[4] + ":assumed-role/" + name + "/"}, true
}

// principalHit says how a Principal element names the caller. The
// authorization chain needs it: in the same account a resource policy that
// names the caller itself allows on its own, while one that names only the
// caller's account delegates to the account's identity policies.
type principalHit uint8

const (
	hitNone principalHit = iota
	// hitAccount: the caller's account is named (an account ID, its root
	// ARN, or the account's canonical user ID).
	hitAccount
	// hitRole: a role ARN names the caller, a session of that role.
	hitRole
	// hitDirect: the caller itself is named (its ARN, "*", its service,
	// its identity provider), or the statement has no Principal.
	hitDirect
)

// hasAccount reports whether p names account acct of the caller of req:
// a root ARN only in the caller's partition (callerPartition).
func (p *cPrincipal) hasAccount(acct string, req *Request) bool {
	if acct == "" {
		return false
	}
	for _, a := range p.accounts {
		if a.id == acct && (a.partition == "" || a.partition == callerPartition(req)) {
			return true
		}
	}
	return false
}

// callerPartition is the partition of req's caller: its ARN's, else the
// resource's (a caller reaches resources of its own partition only: "You
// cannot use IAM credentials from one partition to interact with resources
// in a different partition"), else "" when neither names one, which
// matches an account root ARN of any partition.
func callerPartition(req *Request) string {
	if p, ok := ARNPartition(req.Caller.ARN); ok {
		return p
	}
	if p, ok := ARNPartition(req.Resource); ok {
		return p
	}
	return ""
}

func (p *cPrincipal) hit(req *Request) principalHit {
	c := &req.Caller
	if p.everyone {
		return hitDirect
	}
	if c.Service != "" {
		for _, s := range p.services {
			if s == c.Service {
				return hitDirect
			}
		}
	}
	if c.ARN != "" {
		for _, a := range p.arns {
			if a == c.ARN {
				return hitDirect
			}
		}
	}
	if c.Federated != "" {
		for _, f := range p.federated {
			if f == c.Federated {
				return hitDirect
			}
		}
	}
	if c.ARN != "" {
		for _, r := range p.roles {
			if strings.HasPrefix(c.ARN, r.prefix) {
				return hitRole
			}
		}
	}
	if c.Service == "" {
		// The caller's account, from its ARN when Account is not set,
		// as for aws:PrincipalAccount.
		acct := c.Account
		if acct == "" {
			acct = arnAccount(c.ARN)
		}
		if p.hasAccount(acct, req) {
			return hitAccount
		}
	}
	if c.CanonicalUser != "" {
		for _, u := range p.canonical {
			if u == c.CanonicalUser {
				return hitAccount
			}
		}
	}
	return hitNone
}

// exempts reports whether a NotPrincipal element leaves the caller out of
// its statement. It is stricter than [cPrincipal.hit], as IAM is: AWS
// checks every principal of the caller's chain (the account, then the role,
// then the role session, or the account, then the user) against the list,
// so a caller is exempt only when each of them is listed (IAM user guide,
// "AWS JSON policy elements: NotPrincipal": "include both the ARN for a
// role and the ARN for the account containing that role"; "you cannot use
// a wildcard to mean all sessions. Principals must always name a specific
// session"). A role ARN therefore does not exempt its sessions, and an
// account does not exempt its users and roles. AWS says a missing account
// ARN "might" deny; we take the conservative reading and require it. The
// anonymous caller is never exempt (unless NotPrincipal is "*").
func (p *cPrincipal) exempts(req *Request) bool {
	c := &req.Caller
	if p.everyone {
		return true
	}
	if c.Service != "" {
		return slices.Contains(p.services, c.Service)
	}
	if c.CanonicalUser != "" && slices.Contains(p.canonical, c.CanonicalUser) {
		return true
	}
	if c.Federated != "" && slices.Contains(p.federated, c.Federated) {
		return true
	}
	acct := c.Account
	if acct == "" {
		acct = arnAccount(c.ARN)
	}
	if !p.hasAccount(acct, req) {
		return false // anonymous, or the caller's account is not listed
	}
	if c.ARN == "" {
		return true // the account itself
	}
	if a, ok := accountOfRoot(c.ARN); ok {
		return a == acct // the account root: the account is listed
	}
	if !slices.Contains(p.arns, c.ARN) {
		return false // the user or the role session itself must be listed
	}
	if strings.Contains(c.ARN, ":assumed-role/") {
		// A role session: its role must be listed too.
		for _, r := range p.roles {
			if strings.HasPrefix(c.ARN, r.prefix) {
				return true
			}
		}
		return false
	}
	return true
}

// arnAccount returns the account field of an ARN, or "", without
// allocating.
func arnAccount(arn string) string {
	rest := arn
	for range 4 {
		i := strings.IndexByte(rest, ':')
		if i < 0 {
			return ""
		}
		rest = rest[i+1:]
	}
	if i := strings.IndexByte(rest, ':'); i >= 0 {
		return rest[:i]
	}
	return ""
}

// scratchSize is the stack buffer for rendering policy variables; longer
// renderings spill to the heap.
const scratchSize = 256

// matches reports whether the statement applies to the request.
func (s *cStatement) matches(req *Request, action int) bool {
	return s.matchHit(req, action) != hitNone
}

// matchHit is matches, saying how the statement's Principal names the
// caller (hitDirect for a statement without Principal).
func (s *cStatement) matchHit(req *Request, action int) principalHit {
	if !s.matchAction(req, action) {
		return hitNone
	}
	return s.matchRest(req)
}

// matchAction tests the Action or NotAction element. action is the
// request action's catalog index, or -1 for an action outside the catalog,
// which is matched against the patterns.
func (s *cStatement) matchAction(req *Request, action int) bool {
	hit := false
	if action >= 0 && s.hasSet {
		hit = s.actSet.has(action)
	} else {
		for i := range s.acts {
			if s.acts[i].match(req.Action) {
				hit = true
				break
			}
		}
	}
	return hit != s.notAct
}

// matchRest tests everything but the action: resource, principal,
// conditions.
func (s *cStatement) matchRest(req *Request) principalHit {
	// The element tests are independent, so their order changes only the
	// time a mismatch takes to find.
	if s.condFirst && !s.matchConditions(req) {
		return hitNone
	}
	if s.hasRes && !s.matchResource(req) {
		return hitNone
	}
	who := hitDirect
	if s.prin != nil {
		if s.notPrin {
			// "The NotPrincipal element with a Deny effect will always
			// deny any IAM principal that has a permissions boundary
			// policy attached, regardless of the values specified in the
			// NotPrincipal element" (IAM user guide, "Permissions
			// boundaries for IAM entities").
			if !(req.boundary && s.deny) && s.prin.exempts(req) {
				return hitNone
			}
		} else if who = s.prin.hit(req); who == hitNone {
			return hitNone
		}
	}
	if !s.condFirst && !s.matchConditions(req) {
		return hitNone
	}
	return who
}

func (s *cStatement) matchConditions(req *Request) bool {
	for i := range s.conds {
		if !s.conds[i].eval(req) {
			return false
		}
	}
	return true
}

// conditionsDecide reports whether the statement's conditions are what
// usually decides whether it applies: it has conditions, names everyone
// (or has no Principal) and covers whole buckets, as the guard statements
// of bucket policies do ("Deny s3:* on the bucket and its objects unless
// aws:SecureTransport"). Its conditions are then tested first.
func (s *cStatement) conditionsDecide() bool {
	if len(s.conds) == 0 || s.prin != nil && (s.notPrin || !s.prin.everyone) || s.notRes || s.resVar {
		return false
	}
	for i := range s.resPat {
		if !wholeBuckets(&s.resPat[i]) {
			return false
		}
	}
	return true
}

// wholeBuckets reports whether a Resource pattern is "*", a bucket's ARN
// or all of a bucket's objects ("arn:aws:s3:::bucket/*").
func wholeBuckets(p *pattern) bool {
	switch p.kind {
	case patAll:
		return true
	case patExact:
		return strings.HasPrefix(p.s, "arn:") && !strings.Contains(p.s, "/")
	case patPrefix:
		return strings.HasPrefix(p.s, "arn:") && strings.IndexByte(p.s, '/') == len(p.s)-1
	}
	return false
}

func (s *cStatement) matchResource(req *Request) bool {
	hit := false
	if !s.resVar {
		name := req.Resource
		for i := range s.resPat {
			p := &s.resPat[i]
			// The shapes of nearly every Resource, tested here rather
			// than in a call.
			switch p.kind {
			case patExact:
				hit = p.s == name
			case patPrefix:
				hit = len(name) >= len(p.s) && name[:len(p.s)] == p.s
			default:
				hit = p.match(name)
			}
			if hit {
				break
			}
		}
	} else {
		// A variable without a value makes the whole statement invalid for
		// this request, so it matches nothing, with Resource and with
		// NotResource alike (IAM user guide, "Variables and tags": "If AWS
		// cannot resolve a variable this might cause the entire statement
		// to be invalid").
		for i := range s.res {
			if !s.res[i].resolves(req) {
				return false
			}
		}
		var buf [scratchSize]byte
		for i := range s.res {
			t := &s.res[i]
			if t.parts == nil {
				if resourceGlob(t.lit, req.Resource, false) {
					hit = true
					break
				}
				continue
			}
			b, ok := t.render(buf[:0], req, true)
			if ok && resourceGlob(b, req.Resource, true) {
				hit = true
				break
			}
		}
	}
	return hit != s.notRes
}

// Decide evaluates req against the compiled policy: an explicit Deny
// overrides an Allow, and without an Allow the request is implicitly
// denied. It does not allocate.
func (c *Compiled) Decide(req *Request) Result {
	return decide(req, actionIndex(req.Action), 0, c, Result{})
}

// byAction returns the indexed Deny and Allow statements for a catalog
// action, and false when c has no index or the action is not in the
// catalog.
func (c *Compiled) byAction(action int) (denies, allows []uint32, ok bool) {
	if action < 0 || c.ixOff == nil {
		return nil, nil, false
	}
	o := c.ixOff[2*action : 2*action+3]
	return c.ix[o[0]:o[1]], c.ix[o[1]:o[2]], true
}

// decide folds one policy into an evaluation in progress. action is
// actionIndex(req.Action).
func decide(req *Request, action, policy int, c *Compiled, r Result) Result {
	if c == nil {
		return r
	}
	if denies, allows, ok := c.byAction(action); ok {
		for _, i := range denies {
			if s := &c.statements[i]; s.matchRest(req) != hitNone {
				return Result{Decision: DecisionExplicitDeny, By: StatementRef{Policy: policy, Index: s.index, Sid: s.sid}, Matched: true}
			}
		}
		if r.Matched {
			return r
		}
		for _, i := range allows {
			if s := &c.statements[i]; s.matchRest(req) != hitNone {
				return Result{Decision: DecisionAllow, By: StatementRef{Policy: policy, Index: s.index, Sid: s.sid}, Matched: true}
			}
		}
		return r
	}
	for i := range c.statements {
		s := &c.statements[i]
		if !s.deny && r.Matched {
			continue // an Allow is already known; only a Deny can change it
		}
		if !s.matches(req, action) {
			continue
		}
		ref := StatementRef{Policy: policy, Index: s.index, Sid: s.sid}
		if s.deny {
			return Result{Decision: DecisionExplicitDeny, By: ref, Matched: true}
		}
		r = Result{Decision: DecisionAllow, By: ref, Matched: true}
	}
	return r
}

// Decide evaluates req against several compiled policies together, as IAM
// does for the policies that apply to one request in the same account (for
// example the caller's identity policies and the bucket policy): an explicit
// Deny in any of them wins, otherwise an Allow in any of them allows. A nil
// policy is skipped. For a cross-account request, where both sides must
// allow, decide each side separately and require both Allows.
func Decide(req *Request, policies ...*Compiled) Result {
	var r Result
	action := actionIndex(req.Action)
	for i, c := range policies {
		r = decide(req, action, i, c, r)
		if r.Decision == DecisionExplicitDeny {
			return r
		}
	}
	return r
}

// Match is a statement that applies to a request, with its effect.
type Match struct {
	StatementRef
	Effect Effect
}

// Matches returns every statement of the policies that applies to req, in
// order: the full explanation behind a [Decide] result.
func Matches(req *Request, policies ...*Compiled) []Match {
	var out []Match
	action := actionIndex(req.Action)
	for p, c := range policies {
		if c == nil {
			continue
		}
		for i := range c.statements {
			s := &c.statements[i]
			if s.matches(req, action) {
				e := Allow
				if s.deny {
					e = Deny
				}
				out = append(out, Match{StatementRef: StatementRef{Policy: p, Index: s.index, Sid: s.sid}, Effect: e})
			}
		}
	}
	return out
}

// Evaluate compiles the documents and decides req against them together, as
// [Decide] does. It is the convenient form for a single decision; to decide
// many requests, [Compile] once and call [Compiled.Decide]. Errors are those
// of [Compile].
func Evaluate(req *Request, docs ...*Document) (Result, error) {
	var r Result
	action := actionIndex(req.Action)
	for i, d := range docs {
		// A single use: skip the precomputation that speeds up reuse.
		c, err := compile(d, false)
		if err != nil {
			return Result{}, err
		}
		r = decide(req, action, i, c, r)
		if r.Decision == DecisionExplicitDeny {
			return r, nil
		}
	}
	return r, nil
}
