package policy

import (
	"fmt"
	"net/netip"
	"slices"
	"strings"
)

// PublicStatus says whether a bucket or access point policy is public in S3's
// sense, and which statements make it so.
type PublicStatus struct {
	// IsPublic is true when at least one statement is public: one public
	// statement makes the whole policy public.
	IsPublic bool
	// Statements are the public statements, in document order.
	Statements []PublicStatement
}

// PublicStatement is one public statement, why it is public, and what it
// grants to everyone.
type PublicStatement struct {
	Index int
	Sid   string
	// Reason says what grants access to everyone, for example
	// `Principal "*" without a condition that limits it to fixed values`.
	Reason string
	// Read are the s3 actions of access level List or Read that the
	// statement grants to everyone, and Write those of access level Write,
	// Permissions management or Tagging, in name order. Only actions that
	// apply to a resource the statement names are counted (s3:GetObject on
	// a bucket ARN grants nothing); Action "*", wildcards and NotAction are
	// expanded with the catalog. Every catalog action is in one of the two,
	// so a public statement that grants anything grants read or write.
	Read, Write []string
	// Unknown are the statement's s3: action names the catalog does not
	// know (an action newer than this library): their access level, and so
	// whether they read or write, cannot be told.
	Unknown []string
}

// IsPublic reports whether doc, used as a bucket policy (kind [KindBucket])
// or an access point policy ([KindAccessPoint]), is public by S3's
// definition ("The meaning of public" in the S3 Block Public Access
// documentation):
//
//   - only Allow statements can be public;
//   - a statement that allows NotPrincipal, a principal "*" (or {"AWS": "*"}),
//     a principal with a wildcard, or a federated principal is public unless
//     one of its conditions limits it to fixed values (no wildcard, no policy
//     variable) of a key S3 counts as limiting: aws:PrincipalAccount,
//     aws:PrincipalArn, aws:PrincipalOrgID, aws:SourceAccount, aws:SourceArn,
//     aws:SourceIp, aws:SourceOwner, aws:SourceVpc, aws:SourceVpce,
//     aws:userid, s3:DataAccessPointAccount, s3:DataAccessPointArn and
//     s3:x-amz-server-side-encryption-aws-kms-key-id (see
//     [ConditionKey.LimitsPublicAccess]);
//   - an aws:SourceIp range broader than /8 (IPv4) or /32 (IPv6) does not
//     limit, RFC 1918 private ranges excepted;
//   - in a bucket policy, s3:DataAccessPointArn may wildcard the access
//     point name when the account is fixed (and the Region too, or absent
//     as in a Multi-Region Access Point's ARN); in an access point
//     policy, a set of access points by s3:DataAccessPointArn (a wildcard)
//     does not limit, so such a policy is public;
//   - only the positive equality operators limit (StringEquals,
//     StringEqualsIgnoreCase, StringLike with a fixed value, ArnEquals,
//     ArnLike, IpAddress, ForAnyValue: forms of these); negated, IfExists
//     and ForAllValues forms hold when the key is absent and do not.
//
// An access point with network origin VPC is never public whatever its
// policy; IsPublic judges the policy alone.
func IsPublic(doc *Document, kind Kind) PublicStatus {
	var st PublicStatus
	if doc == nil {
		return st
	}
	for i := range doc.Statements {
		s := &doc.Statements[i]
		if reason, public := statementPublic(s, kind); public {
			st.IsPublic = true
			ps := PublicStatement{Index: i, Sid: s.Sid, Reason: reason}
			ps.Read, ps.Write, ps.Unknown = builtinCatalog.grantsByLevel(s)
			st.Statements = append(st.Statements, ps)
		}
	}
	return st
}

// isPublic is IsPublic(doc, kind).IsPublic without working out what the
// public statements grant, for Compile.
func isPublic(doc *Document, kind Kind) bool {
	if doc == nil {
		return false
	}
	for i := range doc.Statements {
		if _, public := statementPublic(&doc.Statements[i], kind); public {
			return true
		}
	}
	return false
}

// StatementIsPublic reports whether one statement of a bucket or access point
// policy is public by the rules of [IsPublic], and why.
func StatementIsPublic(s Statement, kind Kind) (reason string, public bool) {
	return statementPublic(&s, kind)
}

// IsReadLevel reports whether an access level reads (List or Read), in the
// sense of Security Hub's S3.2 ("should block public read access"). Every
// other level (Write, Permissions management, Tagging) changes the bucket,
// its objects or who may access them: S3.3, public write.
func IsReadLevel(l AccessLevel) bool { return l == AccessRead || l == AccessList }

// grantsByLevel returns the s3 actions of the catalog an Allow statement
// grants on the resources it names, split by [IsReadLevel], and its s3:
// action names the catalog does not know.
func (c *catalog) grantsByLevel(s *Statement) (read, write, unknown []string) {
	var set aset
	if s.NotAction != nil {
		set = c.all()
		for _, p := range s.NotAction {
			set = set.minus(c.expand(p))
		}
	} else {
		for _, p := range s.Action {
			e := c.expand(p)
			if e.empty() && hasPrefixFold(p, "s3:") {
				unknown = append(unknown, p)
			}
			set = set.union(e)
		}
	}
	for _, a := range c.applicable(set, statementScope(s)) {
		if IsReadLevel(a.AccessLevel) {
			read = append(read, a.Name)
		} else {
			write = append(write, a.Name)
		}
	}
	return read, write, unknown
}

func statementPublic(s *Statement, kind Kind) (string, bool) {
	if s.Effect != Allow {
		return "", false
	}
	var why string
	switch {
	case s.NotPrincipal != nil:
		why = "Allow with NotPrincipal grants everyone except the listed principals"
	case s.Principal == nil:
		return "", false
	default:
		why = publicPrincipal(s.Principal)
		if why == "" {
			return "", false
		}
	}
	if limitedByCondition(s.Condition, kind) {
		return "", false
	}
	return why + " without a condition that limits it to fixed values", true
}

// publicPrincipal returns why the principal is public, or "" when it names
// only fixed principals.
func publicPrincipal(p *Principal) string {
	if p.Wildcard {
		return `Principal "*"`
	}
	for _, e := range p.Entries {
		for _, v := range e.Values {
			switch {
			case e.Type == PrincipalAWS && v == "*":
				return `Principal {"AWS": "*"}`
			case e.Type == PrincipalFederated:
				return fmt.Sprintf("federated principal %q", v)
			case hasWildcard(v) || strings.Contains(v, "${"):
				return fmt.Sprintf("principal %q with a wildcard", v)
			case e.Type != PrincipalAWS && e.Type != PrincipalService && e.Type != PrincipalCanonicalUser:
				return fmt.Sprintf("principal of unknown type %q", string(e.Type))
			}
		}
	}
	return ""
}

// limitedByCondition reports whether some condition of an Allow statement
// limits it to fixed values of a limiting key.
func limitedByCondition(c Condition, kind Kind) bool {
	for _, b := range c {
		op, ok := lookupOperator(b.Operator)
		if !ok || op.negated || op.ifExists || op.set == setAll {
			continue
		}
		switch op.family {
		case famString, famARN, famIP:
		default:
			continue
		}
		for _, e := range b.Entries {
			if limitingEntry(op, e, kind) {
				return true
			}
		}
	}
	return false
}

func limitingEntry(op operator, e ConditionEntry, kind Kind) bool {
	k, ok := LookupConditionKey(e.Key)
	if !ok || !k.LimitsPublicAccess || len(e.Values) == 0 {
		return false
	}
	name := asciiLower(k.Name)
	if (name == "aws:sourceip") != (op.family == famIP) {
		return false // IpAddress only limits aws:SourceIp, and aws:SourceIp only by IpAddress
	}
	for _, v := range e.Values {
		if !fixedValue(name, v.Text, kind) {
			return false
		}
	}
	return true
}

// fixedValue reports whether v is a fixed value of the lower-case limiting
// key name in S3's sense, in a policy of the given kind.
func fixedValue(name, v string, kind Kind) bool {
	if v == "" || strings.Contains(v, "${") {
		return false
	}
	switch name {
	case "aws:sourceip":
		p, ok := parseIPRange(v)
		return ok && !broadIPRange(p)
	case "aws:userid":
		// S3 accepts the role-session form "AROLEID:*" (any session of one
		// role); any other wildcard is not fixed.
		if id, ok := strings.CutSuffix(v, ":*"); ok && id != "" && !hasWildcard(id) {
			return true
		}
	case "s3:dataaccesspointarn":
		// In a bucket policy the access point name may be a wildcard when
		// the account is fixed ("a wildcard for the access point name ...
		// as long as the account ID is fixed"):
		// arn:aws:s3:us-west-2:123456789012:accesspoint/*, or with no
		// Region arn:aws:s3::123456789012:accesspoint/*, every
		// Multi-Region Access Point of the account. In an access point
		// policy such a set of access points is public (S3: this "differs
		// from bucket policies"); only a fixed ARN limits.
		if kind == KindAccessPoint {
			break
		}
		f := strings.SplitN(v, ":", 6)
		if len(f) == 6 && f[0] == "arn" && !hasWildcard(strings.Join(f[:5], ":")) && IsAccountID(f[4]) &&
			strings.HasPrefix(f[5], "accesspoint/") {
			return true
		}
	}
	return !hasWildcard(v)
}

// rfc1918 are the IPv4 private ranges of RFC 1918.
var rfc1918 = [...]netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
}

// broadIPRange reports whether an aws:SourceIp range is too broad to limit
// access: broader than /8 for IPv4 or /32 for IPv6, RFC 1918 ranges excepted.
func broadIPRange(p netip.Prefix) bool {
	if p.Addr().Is4() {
		if isRFC1918(p) {
			return false
		}
		return p.Bits() < 8
	}
	return p.Bits() < 32
}

func isRFC1918(p netip.Prefix) bool {
	for _, r := range rfc1918 {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true
		}
	}
	return false
}

// The predefined S3 groups that make an ACL grant public.
const (
	// AllUsersURI is the S3 group of everyone, including anonymous callers.
	AllUsersURI = "http://acs.amazonaws.com/groups/global/AllUsers"
	// AuthenticatedUsersURI is the S3 group of every AWS account.
	AuthenticatedUsersURI = "http://acs.amazonaws.com/groups/global/AuthenticatedUsers"
)

// ACLGrant is one grant of an S3 access control list.
type ACLGrant struct {
	// GranteeURI is set for a group grantee (AllUsersURI, …).
	GranteeURI string
	// GranteeID is the canonical user ID for a user grantee.
	GranteeID string
	// Permission is READ, WRITE, READ_ACP, WRITE_ACP or FULL_CONTROL.
	Permission string
}

// The permissions of an S3 access control list.
const (
	ACLRead        = "READ"
	ACLWrite       = "WRITE"
	ACLReadACP     = "READ_ACP"
	ACLWriteACP    = "WRITE_ACP"
	ACLFullControl = "FULL_CONTROL"
)

// aclOperations are the S3 API operations each ACL permission allows on a
// bucket ([0]) and on an object ([1]), as the S3 user guide's "Access
// control list (ACL) overview" describes the permissions: READ lists the
// bucket's objects (and versions and multipart uploads) or reads the
// object; WRITE creates, overwrites and deletes any object of the bucket
// (multipart uploads included) and means nothing on an object; READ_ACP and
// WRITE_ACP read and write the ACL itself. The actions come from the
// operations ([RequiredActions], versions included), so that the mapping of
// "ACL permissions and access policy permissions" the guide tabulates is
// derived, not copied.
var aclOperations = map[string][2][]string{
	ACLRead:     {{"ListObjects", "ListObjectVersions", "ListMultipartUploads"}, {"GetObject", "GetObjectTorrent"}},
	ACLWrite:    {{"PutObject", "DeleteObject", "AbortMultipartUpload"}, nil},
	ACLReadACP:  {{"GetBucketAcl"}, {"GetObjectAcl"}},
	ACLWriteACP: {{"PutBucketAcl"}, {"PutObjectAcl"}},
}

// ACLPermissionActions returns the s3 actions an ACL permission (ACLRead,
// ACLWrite, ACLReadACP, ACLWriteACP, ACLFullControl) grants when it is in a
// bucket's ACL, or in an object's when object is true. FULL_CONTROL grants
// what the other four do. An unknown permission grants nothing.
func ACLPermissionActions(permission string, object bool) []string {
	perms := []string{permission}
	if permission == ACLFullControl {
		perms = []string{ACLRead, ACLWrite, ACLReadACP, ACLWriteACP}
	}
	var ops []string
	for _, p := range perms {
		o := aclOperations[p]
		if object {
			ops = append(ops, o[1]...)
		} else {
			ops = append(ops, o[0]...)
		}
	}
	return RequiredActions(true, ops...)
}

// ACLPermissionFor returns the ACL permission that grants action (READ,
// WRITE, READ_ACP or WRITE_ACP; FULL_CONTROL grants it too), and whether
// the object's ACL, rather than the bucket's, holds it. permission is ""
// when no ACL grants the action.
func ACLPermissionFor(action string) (permission string, object bool) {
	for _, p := range [...]string{ACLRead, ACLWrite, ACLReadACP, ACLWriteACP} {
		for _, obj := range [...]bool{false, true} {
			for _, a := range ACLPermissionActions(p, obj) {
				if equalFoldASCII(a, action) {
					return p, obj
				}
			}
		}
	}
	return "", false
}

// Public reports whether the grant is to AllUsers or AuthenticatedUsers.
func (g ACLGrant) Public() bool { return IsPublicGrantee(g.GranteeURI) }

// IsPublicGrantee reports whether a grantee group URI is AllUsers or
// AuthenticatedUsers (compared case-insensitively, http or https).
func IsPublicGrantee(uri string) bool {
	all, authenticated := publicGroup(uri)
	return all || authenticated
}

// publicGroup reports whether a grantee group URI names AllUsers or
// AuthenticatedUsers, compared case-insensitively (scheme included), http
// or https: the one reading of a public grantee, for IsPublicGrantee and
// the ACL layer of Authorize.
func publicGroup(uri string) (allUsers, authenticatedUsers bool) {
	u := asciiLower(uri)
	u = strings.TrimPrefix(strings.TrimPrefix(u, "http://"), "https://")
	return u == "acs.amazonaws.com/groups/global/allusers", u == "acs.amazonaws.com/groups/global/authenticatedusers"
}

// IsPublicACL reports whether an ACL is public in S3's sense: it grants any
// permission to AllUsers or AuthenticatedUsers.
func IsPublicACL(grants []ACLGrant) bool {
	for _, g := range grants {
		if g.Public() {
			return true
		}
	}
	return false
}

// IsPublicCannedACL reports whether a canned ACL (x-amz-acl) grants to
// AllUsers or AuthenticatedUsers: public-read, public-read-write and
// authenticated-read.
func IsPublicCannedACL(acl string) bool {
	switch asciiLower(acl) {
	case "public-read", "public-read-write", "authenticated-read":
		return true
	}
	return false
}

// BlockPublicAccess is a Block Public Access configuration, at account,
// bucket or access point level. The zero value blocks nothing; AWS's
// default for new buckets and access points is all four on.
type BlockPublicAccess struct {
	// BlockPublicAcls refuses requests that set a public ACL (PutBucketAcl,
	// PutObjectAcl, and PutObject or CreateBucket with a public canned ACL
	// or grant headers).
	BlockPublicAcls bool
	// IgnorePublicAcls makes S3 ignore every public grant in the bucket's and
	// its objects' ACLs.
	IgnorePublicAcls bool
	// BlockPublicPolicy refuses a PutBucketPolicy (or access point policy)
	// whose policy is public.
	BlockPublicPolicy bool
	// RestrictPublicBuckets limits a bucket or access point with a public
	// policy to AWS service principals and principals of the bucket
	// owner's account and, through an access point, of the access point
	// owner's account ([BlockPublicAccess.PolicyReaches]): the public
	// statements no longer grant anyone else, and neither do grants in the
	// same policy to other accounts.
	RestrictPublicBuckets bool
}

// AllBlocked returns the configuration with all four settings on.
func AllBlocked() BlockPublicAccess {
	return BlockPublicAccess{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true}
}

// Effective combines settings at several levels (account, bucket, access
// point): S3 applies the most restrictive combination, so each setting is on
// when it is on at any level.
func Effective(levels ...BlockPublicAccess) BlockPublicAccess {
	var e BlockPublicAccess
	for _, l := range levels {
		e.BlockPublicAcls = e.BlockPublicAcls || l.BlockPublicAcls
		e.IgnorePublicAcls = e.IgnorePublicAcls || l.IgnorePublicAcls
		e.BlockPublicPolicy = e.BlockPublicPolicy || l.BlockPublicPolicy
		e.RestrictPublicBuckets = e.RestrictPublicBuckets || l.RestrictPublicBuckets
	}
	return e
}

// AllowsPolicy reports whether a bucket (or access point) policy may be put
// under these settings: false when BlockPublicPolicy is on and the policy
// is public. The status says which statements are public.
func (b BlockPublicAccess) AllowsPolicy(doc *Document, kind Kind) (bool, PublicStatus) {
	st := IsPublic(doc, kind)
	return !(b.BlockPublicPolicy && st.IsPublic), st
}

// AllowsACL reports whether an ACL may be set under these settings: false
// when BlockPublicAcls is on and the ACL is public.
func (b BlockPublicAccess) AllowsACL(grants []ACLGrant) bool {
	return !(b.BlockPublicAcls && IsPublicACL(grants))
}

// AllowsCannedACL is AllowsACL for a canned ACL.
func (b BlockPublicAccess) AllowsCannedACL(acl string) bool {
	return !(b.BlockPublicAcls && IsPublicCannedACL(acl))
}

// EffectiveACL returns the grants S3 honours under these settings: all of
// them, or without the public ones when IgnorePublicAcls is on.
func (b BlockPublicAccess) EffectiveACL(grants []ACLGrant) []ACLGrant {
	if !b.IgnorePublicAcls {
		return grants
	}
	var out []ACLGrant
	for _, g := range grants {
		if !g.Public() {
			out = append(out, g)
		}
	}
	return out
}

// PolicyReaches reports whether a bucket or access point policy can grant
// anything to caller under these settings: always, unless
// RestrictPublicBuckets is on and the policy is public, in which case only
// AWS service principals and principals of the owner accounts are reached
// (an empty account is no one's). For a request to the bucket the owner
// account is the bucket owner's; for a request through an access point,
// to both the access point's policy and the bucket's, it is the bucket
// owner's and the access point's: "Setting this option to TRUE restricts
// access to an access point or bucket with a public policy to only AWS
// service principals and authorized users within the bucket owner's
// account and access point owner's account" (S3 user guide, "Blocking
// public access to your Amazon S3 storage").
func (b BlockPublicAccess) PolicyReaches(policyPublic bool, caller Caller, ownerAccounts ...string) bool {
	if !b.RestrictPublicBuckets || !policyPublic {
		return true
	}
	if caller.Service != "" {
		return true
	}
	acct := caller.Account
	if acct == "" {
		acct = arnAccount(caller.ARN) // as for aws:PrincipalAccount
	}
	return acct != "" && slices.Contains(ownerAccounts, acct)
}
