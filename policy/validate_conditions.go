package policy

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

func (v *validator) conditions(i int, s *Statement, sp string, actions []Action) {
	if s.Condition == nil {
		return
	}
	cp := sp + ".Condition"
	if len(s.Condition) == 0 {
		v.add("EMPTY_OBJECT_CONDITION", i, cp, "the Condition object is empty")
		return
	}
	for _, b := range s.Condition {
		bp := cp + "." + b.Operator
		op, ok := lookupOperator(b.Operator)
		if !ok {
			v.badOperator(i, bp, b.Operator)
			continue
		}
		if len(b.Entries) == 0 {
			v.add("EMPTY_OBJECT_CONDITION", i, bp, "the %s block is empty", b.Operator)
			continue
		}
		for ei, e := range b.Entries {
			for _, other := range b.Entries[:ei] {
				if other.Key != e.Key && equalFoldASCII(other.Key, e.Key) {
					v.add("DUPLICATE_KEYS_WITH_DIFFERENT_CASE", i, bp+"."+e.Key, "condition keys %q and %q are the same key (names are case-insensitive)", other.Key, e.Key)
				}
			}
			v.conditionEntry(i, s, bp+"."+e.Key, op, e, actions)
		}
	}
}

// badOperator reports an operator lookupOperator refused.
func (v *validator) badOperator(i int, path, name string) {
	base := name
	qualified := false
	if j := strings.IndexByte(base, ':'); j >= 0 {
		base, qualified = base[j+1:], true
	}
	switch {
	case equalFoldASCII(base, "NullIfExists"):
		v.add("NULL_WITH_IF_EXISTS", i, path, "Null cannot be used with IfExists: Null already tests whether the key exists")
	case equalFoldASCII(base, "Null") && qualified:
		v.add("NULL_WITH_QUALIFIER", i, path, "Null cannot be used with ForAnyValue or ForAllValues")
	default:
		if want, ok := operatorSpelling(name); ok {
			v.add("INVALID_CONDITION_OPERATOR", i, path, "%q is not a condition operator: operator names are case-sensitive (IAM refuses the policy with \"Invalid Condition type\"); write %q", name, want)
			return
		}
		v.add("INVALID_CONDITION_OPERATOR", i, path, "%q is not a condition operator", name)
	}
}

// operatorSpelling returns the operator that name spells in another ASCII
// case ("stringequals": "StringEquals"), if any.
func operatorSpelling(name string) (string, bool) {
	var b strings.Builder
	rest := name
	if j := strings.IndexByte(rest, ':'); j >= 0 {
		switch {
		case equalFoldASCII(rest[:j], "ForAnyValue"):
			b.WriteString("ForAnyValue:")
		case equalFoldASCII(rest[:j], "ForAllValues"):
			b.WriteString("ForAllValues:")
		default:
			return "", false
		}
		rest = rest[j+1:]
	}
	suffix := ""
	if n := len(rest) - len("IfExists"); n > 0 && equalFoldASCII(rest[n:], "IfExists") {
		rest, suffix = rest[:n], "IfExists"
	}
	for base := range baseOperators {
		if equalFoldASCII(base, rest) {
			b.WriteString(base)
			b.WriteString(suffix)
			if _, ok := lookupOperator(b.String()); ok {
				return b.String(), true
			}
			return "", false
		}
	}
	return "", false
}

// familyAccepts reports whether an operator family suits a key type.
func familyAccepts(f opFamily, keyType string) bool {
	t := strings.TrimPrefix(keyType, "ArrayOf")
	switch f {
	case famString:
		return t == "String" || t == "ARN"
	case famARN:
		return t == "ARN"
	case famNumeric:
		return t == "Numeric"
	case famDate:
		return t == "Date"
	case famBool:
		return t == "Bool"
	case famIP:
		return t == "IPAddress"
	case famBinary:
		return t == "Binary"
	}
	return true // Null
}

func (v *validator) conditionEntry(i int, s *Statement, path string, op operator, e ConditionEntry, actions []Action) {
	key := e.Key
	var known *ConditionKey
	prefix, rest, hasColon := strings.Cut(key, ":")
	switch {
	case !hasColon || prefix == "" || rest == "":
		v.add("INVALID_CONDITION_KEY_FORMAT", i, path, "condition key %q is not of the form service:key", key)
	case equalFoldASCII(prefix, "aws"), equalFoldASCII(prefix, "s3"):
		if j := strings.IndexByte(key, '/'); j >= 0 && j == len(key)-1 {
			v.add("MISSING_TAG_KEY_IN_CONDITION", i, path, "condition key %q has no tag key after the slash", key)
			break
		}
		if k, ok := v.cat.lookupConditionKey(key); ok {
			known = &k
			break
		}
		code := "INVALID_SERVICE_CONDITION_KEY"
		if equalFoldASCII(prefix, "aws") {
			code = "INVALID_GLOBAL_CONDITION_KEY"
		}
		v.add(code, i, path, "%q is not a condition key of %s", key, strings.ToLower(prefix))
	}

	if known != nil {
		if !familyAccepts(op.family, known.Type) {
			v.add("TYPE_MISMATCH", i, path, "%s compares %s values, but %s is of type %s", op.name, familyName(op.family), known.Name, known.Type)
		}
		if op.set == setAll && !known.MultiValued() {
			v.add("FORALLVALUES_WITH_SINGLE_VALUED_KEY", i, path, "ForAllValues with the single-valued key %s is also true when the key is absent; use %s without ForAllValues", known.Name, op.name)
		}
		if !known.Global() && len(actions) > 0 && !v.cat.anySupports(actions, key) {
			v.add("UNSUPPORTED_ACTION_FOR_CONDITION_KEY", i, path, "none of the statement's actions that apply to its resources supports %s, so the condition never sees the key", known.Name)
		}
	}
	if s.Effect == Allow && op.ifExists && !op.negated {
		v.add(CodeAllowIfExists, i, path, "%sIfExists in an Allow also allows requests that do not have %s; drop IfExists unless that is intended", op.name, key)
	}

	if len(e.Values) == 0 {
		code := "EMPTY_ARRAY_CONDITION"
		switch {
		case op.set == setAll:
			code = "EMPTY_ARRAY_CONDITION_FORALLVALUES"
		case op.set == setAny:
			code = "EMPTY_ARRAY_CONDITION_FORANYVALUE"
		case op.ifExists:
			code = "EMPTY_ARRAY_CONDITION_IF_EXISTS"
		}
		v.add(code, i, path, "condition key %s has no values", key)
		return
	}
	if op.family == famBool && len(e.Values) > 1 {
		v.add("INVALID_CONDITION_MULTIPLE_BOOLEAN", i, path, "Bool takes one value, not %d", len(e.Values))
	}
	sourceIP := equalFoldASCII(key, "aws:SourceIp")
	for j, val := range e.Values {
		vp := path + "[" + strconv.Itoa(j) + "]"
		t := val.Text
		if strings.Contains(t, "${") {
			v.variables(i, vp, t, op.family == famString || op.family == famARN)
			if op.family != famString && op.family != famARN {
				continue
			}
		}
		if isPlaceholder(t) {
			v.add(CodePlaceholder, i, vp, "condition value %q contains placeholder text", t)
			continue
		}
		switch op.family {
		case famString:
			if op.cmp != cmpLike && hasWildcard(t) {
				v.add("WILDCARD_WITHOUT_LIKE_OPERATOR", i, vp, "%s does not expand wildcards in %q; use StringLike", op.name, t)
			}
		case famNumeric:
			if _, err := parseNumber(t); err != nil {
				v.add("TYPE_MISMATCH_NUMBER", i, vp, "%s needs a number, not %q", op.name, t)
			}
		case famDate:
			if _, ok := parseDate(t); !ok {
				v.add("TYPE_MISMATCH_DATE", i, vp, "%s needs an ISO 8601 date or epoch seconds, not %q", op.name, t)
			}
		case famBool, famNull:
			if !strings.EqualFold(t, "true") && !strings.EqualFold(t, "false") {
				v.add("TYPE_MISMATCH_BOOLEAN", i, vp, "%s needs true or false, not %q", op.name, t)
			}
		case famIP:
			p, ok := parseIPRange(t)
			if !ok {
				v.add("TYPE_MISMATCH_IP_RANGE", i, vp, "%q is not an IP address or CIDR block", t)
				continue
			}
			if strings.Contains(t, "/") {
				if exact, err := netip.ParsePrefix(t); err == nil && exact.Masked() != exact {
					v.add("IMPROVE_IP_RANGE", i, vp, "%q has host bits set; it means %s", t, p)
				}
			}
			if sourceIP {
				v.privateIP(i, vp, op, p)
			}
		}
	}
}

func (v *validator) privateIP(i int, path string, op operator, p netip.Prefix) {
	all, some := privateOverlap(p)
	switch {
	case all && op.negated:
		v.add("PRIVATE_NOT_IP_ADDRESS", i, path, "%s is a private range: requests to S3's public endpoints never come from it, so NotIpAddress always matches it; for VPC traffic use aws:VpcSourceIp or aws:SourceVpce", p)
	case all:
		v.add("PRIVATE_IP_ADDRESS", i, path, "%s is a private range: requests to S3's public endpoints never come from it, so this never matches; for VPC traffic use aws:VpcSourceIp or aws:SourceVpce", p)
	case some && op.negated:
		v.add("PRIVATE_NOT_IP_ADDRESS_SUBSET", i, path, "%s includes private ranges, which aws:SourceIp never has", p)
	case some:
		v.add("PRIVATE_IP_ADDRESS_SUBSET", i, path, "%s includes private ranges, which aws:SourceIp never has", p)
	}
}

func familyName(f opFamily) string {
	switch f {
	case famString:
		return "String"
	case famARN:
		return "ARN"
	case famNumeric:
		return "Numeric"
	case famDate:
		return "Date"
	case famBool:
		return "Bool"
	case famIP:
		return "IPAddress"
	case famBinary:
		return "Binary"
	}
	return "any"
}

// anySupports reports whether some action supports the condition key,
// directly or through one of its resource types.
func (c *catalog) anySupports(actions []Action, key string) bool {
	for _, a := range actions {
		if a.SupportsConditionKey(key) {
			return true
		}
		for _, r := range a.Resources {
			rt := c.resourceType(r.ResourceType)
			if rt != nil && slices.ContainsFunc(rt.ConditionKeys, func(k string) bool { return conditionKeyMatches(k, key) }) {
				return true
			}
		}
	}
	return false
}

// security reports the S3-specific security findings of a statement.
func (v *validator) security(i int, s *Statement, sp string, actions []Action) {
	kind := v.opts.Kind
	if isIdentity(kind) || s.Effect != Allow {
		return
	}
	prinPath := sp + ".Principal"
	if s.NotPrincipal != nil {
		prinPath = sp + ".NotPrincipal"
	}
	if reason, public := statementPublic(s, kind); public {
		v.add(CodePublicAccess, i, prinPath, "the statement is public: %s", reason)
		if _, writes, _ := v.cat.grantsByLevel(s); len(writes) > 0 {
			if len(writes) > 3 {
				writes = append(writes[:3], "…")
			}
			v.add(CodePublicWrite, i, prinPath, "the statement grants write access to everyone (%s)", strings.Join(writes, ", "))
		}
		return
	}
	// A service principal without aws:SourceArn, aws:SourceAccount,
	// aws:SourceOrgID or aws:SourceOrgPaths acts for any AWS customer: the
	// confused-deputy problem Access Analyzer reports as
	// RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL.
	if s.Principal != nil && len(s.Principal.Get(PrincipalService)) > 0 && !limitsSource(s.Condition) {
		v.add("RESTRICT_ACCESS_TO_SERVICE_PRINCIPAL", i, prinPath, "the service principal %s may act for any AWS customer; limit it with aws:SourceArn or aws:SourceAccount (confused deputy)", strings.Join(s.Principal.Get(PrincipalService), ", "))
	}
	// Permissions management to another account.
	var pm []string
	for _, a := range actions {
		if a.AccessLevel == AccessPermissionsManagement {
			pm = append(pm, a.Name)
		}
	}
	if len(pm) == 0 {
		return
	}
	if s.NotPrincipal != nil || s.Principal.IsEveryone() {
		// Everyone, limited by a condition (it is not public): the grant
		// reaches other accounts unless the condition pins the caller's
		// account to the owner's (an organization, a VPC endpoint or an IP
		// range admits any account in it).
		// Pinned to one account while the owner is unknown is not reported:
		// it is AWS's recommended delegation to the owner's access points
		// (s3:DataAccessPointAccount).
		acct, pinned := pinnedAccount(s.Condition)
		if pinned && (v.opts.Account == "" || acct == v.opts.Account) {
			return
		}
		if len(pm) > 3 {
			pm = append(pm[:3], "…")
		}
		who := "every principal its condition admits, whatever their account"
		if pinned {
			who = "principals of account " + acct + ", outside the owner's account"
		}
		v.add(CodeCrossAccountPermissionsManagement, i, prinPath, "the statement grants permissions-management actions (%s) to %s, who can then change the bucket's access control", strings.Join(pm, ", "), who)
		return
	}
	if s.Principal == nil {
		return
	}
	for _, val := range s.Principal.Get(PrincipalAWS) {
		acct, ok := accountOfRoot(val)
		if !ok {
			if f := strings.SplitN(val, ":", 6); len(f) == 6 && IsAccountID(f[4]) {
				acct, ok = f[4], true
			}
		}
		if !ok || acct == v.opts.Account {
			continue
		}
		if len(pm) > 3 {
			pm = append(pm[:3], "…")
		}
		owner := "outside the owner's account"
		if v.opts.Account == "" {
			owner = "in account " + acct + " (set the owner's account to exclude it)"
		}
		v.add(CodeCrossAccountPermissionsManagement, i, prinPath, "the statement grants permissions-management actions (%s) to %s %s, who can then change the bucket's access control", strings.Join(pm, ", "), val, owner)
		return
	}
}

// pinnedAccount returns the single account a condition limits the caller
// to, by a fixed value of aws:PrincipalAccount or s3:DataAccessPointAccount
// under a positive String operator (not IfExists, not ForAllValues, which
// hold when the key is absent).
func pinnedAccount(c Condition) (string, bool) {
	for _, b := range c {
		op, ok := lookupOperator(b.Operator)
		if !ok || op.family != famString || op.negated || op.ifExists || op.set == setAll {
			continue
		}
		for _, e := range b.Entries {
			if !equalFoldASCII(e.Key, "aws:PrincipalAccount") && !equalFoldASCII(e.Key, "s3:DataAccessPointAccount") {
				continue
			}
			if len(e.Values) == 1 && IsAccountID(e.Values[0].Text) {
				return e.Values[0].Text, true
			}
		}
	}
	return "", false
}

// limitsSource reports whether a condition ties a service principal's
// request to one source: a positive String or ARN operator that does not
// hold when the key is absent (not IfExists, not ForAllValues) on
// aws:SourceArn, aws:SourceAccount, aws:SourceOrgID or aws:SourceOrgPaths,
// every value of which names one account, organization or bucket. Under a
// wildcard operator (…Like, Arn…) a value that leaves the account or
// organization open ("*", "arn:aws:cloudfront::*:distribution/*", "1111*")
// admits the service acting for any customer; under the Equals operators *
// is a literal character. Null names no source, it asks whether the key
// is there ("use either true (the key doesn't exist — it is null) or false
// (the key exists and its value is not null)", IAM User Guide); a Numeric
// comparison admits a range of accounts; a value with a policy variable
// (${aws:SourceAccount}) is the request's own, not a fixed one.
func limitsSource(c Condition) bool {
	for _, b := range c {
		op, ok := lookupOperator(b.Operator)
		if !ok || op.negated || op.ifExists || op.set == setAll || op.family != famString && op.family != famARN {
			continue
		}
		wild := op.cmp == cmpLike
		for _, e := range b.Entries {
			key := asciiLower(e.Key)
			switch key {
			case "aws:sourcearn", "aws:sourceaccount", "aws:sourceorgid", "aws:sourceorgpaths":
			default:
				continue
			}
			if len(e.Values) == 0 {
				continue
			}
			scoped := true
			for _, v := range e.Values {
				if strings.Contains(v.Text, "${") || wild && opensSource(key, v.Text) {
					scoped = false
					break
				}
			}
			if scoped {
				return true
			}
		}
	}
	return false
}

// opensSource reports whether a wildcard pattern value of a source key
// matches sources of more than one account, organization or bucket.
func opensSource(key, v string) bool {
	hasWild := func(s string) bool { return strings.ContainsAny(s, "*?") }
	switch key {
	case "aws:sourcearn":
		f := strings.SplitN(v, ":", 6)
		if len(f) < 6 {
			return hasWild(v)
		}
		if f[4] == "" {
			// An S3 bucket ARN has no account: its name is the source.
			return hasWild(v)
		}
		return hasWild(f[4])
	case "aws:sourceorgpaths":
		org, _, _ := strings.Cut(v, "/")
		return hasWild(org)
	}
	return hasWild(v)
}
