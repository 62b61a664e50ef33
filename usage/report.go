package usage

import (
	"sort"
	"time"

	"github.com/s3secure/s3secure/policy"
)

// Report is what [Suggest] found and proposes.
type Report struct {
	// Bucket and BucketOwner are the bucket analysed and its account.
	Bucket      string
	BucketOwner string
	// Since and Until bound the window of observed use.
	Since, Until time.Time
	// Objects is the number of log objects read (in each pass).
	Objects int
	// ServerAccessLogs and CloudTrail count the lines and records read
	// and describe the first malformed ones.
	ServerAccessLogs ParseStats
	CloudTrail       ParseStats
	// Counts say what became of the requests read.
	Counts Counts
	// Unmapped are the operations, in no table, of requests that were not
	// learnt from, with their counts, most frequent first.
	Unmapped []OperationCount

	// Used is what succeeded within the window: one entry per principal
	// and action, in principal then action order. Denied is what S3
	// refused (403), kept apart: it was never allowed, so it is never
	// proposed.
	Used   []Use
	Denied []Use
	// Withheld are used grants the proposal leaves out, and why.
	Withheld []Withheld
	// UnresolvedRoles are the roles whose ARN the logs do not give and
	// Suggest could not learn: a server access log names a role's session
	// (arn:aws:sts::ACCOUNT:assumed-role/R/S), not the role's path, so such
	// a role is named arn:aws:iam::ACCOUNT:role/R, which is not the role
	// when it lives under a path (role/service/R), and S3 refuses a bucket
	// policy naming it ("Invalid principal in policy"). Suggest learns the
	// ARN from CloudTrail records of the same run (their sessionIssuer has
	// the path) or, for the bucket owner's roles, from iam:GetRole
	// (Input.IAM); the roles left are listed here, with why and how to
	// learn it. Their grants are proposed under the guessed ARN, which is
	// right for a role at the root path; a role IAM does not have
	// (NoSuchEntity) is withheld instead.
	UnresolvedRoles []UnresolvedRole

	// BucketPolicy is the proposed bucket policy (nil when nothing is left
	// to grant in one): the statements of the policy in force that it
	// keeps (Kept), then one group of statements per principal.
	// BucketPolicyFindings are what policy.ValidateDocument (and the size
	// check) say of it.
	BucketPolicy         *policy.Document
	BucketPolicyFindings []policy.Finding
	// Kept are the indexes, in the bucket policy in force, of the
	// statements kept in the proposal as they are: Deny statements (a
	// narrowing never drops a protection) and grants to AWS services only
	// (services such as S3 log delivery act without appearing in the
	// logs).
	Kept []int
	// IdentityPolicies are the proposed identity policies (the S3 part,
	// for this bucket), one per user and role that used the bucket.
	IdentityPolicies []IdentityPolicy

	// Unused are grants of the policies in force that no request used
	// within the window: candidates to remove.
	Unused []UnusedGrant
	// Added are grants of the proposal that the policies in force, as
	// given, do not make: the requests behind them were allowed by
	// something not given (an identity policy, an ACL, a group), keys
	// (listing prefixes) were merged into a prefix wider than the grants
	// in force (Options.MaxResources), or the policies in force make them
	// only under a condition (aws:SourceIp, aws:SourceVpce,
	// aws:SecureTransport, …) that the proposal's grants, which carry no
	// condition but s3:prefix, do not keep.
	Added []AddedGrant
	// Unbacked are grants of the proposal that no observed request used;
	// the proposal is built from use, so this is empty unless something is
	// wrong, and a test says so.
	Unbacked []Grant

	// Replay is the proof: every request that succeeded, decided again
	// against the proposal.
	Replay Replay
}

// Widens reports whether the proposal would let a principal do what the
// policies in force allow it only under a condition the proposal drops
// (an Added grant with DroppedConditions): a narrowing that is wider
// somewhere. Grants that are Added for another reason (allowed today by a
// policy not given, keys merged into a prefix) do not count.
func (r *Report) Widens() bool {
	for _, a := range r.Added {
		if len(a.DroppedConditions) > 0 {
			return true
		}
	}
	return false
}

// Proved reports whether every request that succeeded is allowed by the
// proposal (nothing broken) and every grant of the proposal was used. It
// is false while a request may have succeeded unproved: one of an
// operation no table knows or that no bucket can be told for
// (Replay.Unreplayed), one made through an access point
// (Replay.ThroughAccessPoint), or a line or record that
// could not be read (ServerAccessLogs.Malformed, CloudTrail.Malformed),
// which may be one; an empty proposal would otherwise "allow every request
// replayed" from a log none of whose lines were read.
func (r *Report) Proved() bool {
	return r.Replay.Broken == 0 && r.Replay.Unreplayed == 0 && r.Replay.ThroughAccessPoint == 0 && len(r.Unbacked) == 0 &&
		r.ServerAccessLogs.Malformed == 0 && r.CloudTrail.Malformed == 0
}

// Counts say what became of the requests read.
type Counts struct {
	// Requests is every record read.
	Requests int
	// OtherBuckets are records of other buckets (the logs of several
	// buckets often share a target prefix).
	OtherBuckets int
	// UnplacedAccessPoint are CloudTrail records of requests made through
	// an access point (an AWS::S3::AccessPoint resource, or a Multi-Region
	// Access Point's host) that list no
	// AWS::S3::Bucket resource, and whose requestParameters.bucketName is
	// not the bucket: the bucket they were for cannot be told, and it may
	// be this one. So are CloudTrail copies whose source is named through
	// an access point (x-amz-copy-source
	// arn:…:accesspoint/NAME/object/KEY), whose read's bucket cannot be
	// told; a copy into this bucket is counted by its outcome as well, its
	// write learnt from. Those that succeeded count in Replay.Unreplayed
	// too.
	UnplacedAccessPoint int
	// OutsideWindow are records before Since or after Until.
	OutsideWindow int
	// Succeeded, NotFound and Denied (403) are the requests learnt from.
	Succeeded int
	// NotFound are reads of an object that does not exist (GetObject or
	// HeadObject, no version named) answered 404 NoSuchKey: S3 answers
	// 404 rather than 403 only to a caller allowed s3:ListBucket as well
	// as s3:GetObject (S3 API reference, GetObject, "Permissions"), so
	// they used both, and are learnt from and replayed as requests that
	// succeeded.
	NotFound int
	Denied   int
	// OtherErrors failed for another reason (5xx, a bad request, another
	// 404): they say nothing of permissions.
	OtherErrors int
	// Unmapped are requests of an operation no table knows, or whose
	// keys the log does not name (a CloudTrail DeleteObjects without
	// object resources): what they needed is unknown.
	Unmapped int
	// NoPermission need no permission of their own: a CORS preflight, or
	// the DeleteObjects request whose keys are logged one by one.
	NoPermission int
}

// OperationCount is an operation and how many requests had it.
type OperationCount struct {
	Operation string
	Requests  int
}

// Use is what one principal did with one action on the bucket.
type Use struct {
	Principal Principal
	// Action is the s3: action the requests needed.
	Action string
	// Resources are the bucket ARN (bucket actions) or the object ARNs
	// and prefixes ("arn:aws:s3:::b/reports/*") the requests touched, keys
	// merged into prefixes to at most Options.MaxResources.
	Resources []string
	// Prefixes are, for a listing action that supports the s3:prefix
	// condition key (s3:ListBucket, s3:ListBucketVersions), the listing
	// prefixes asked for, as s3:prefix patterns; empty when a listing named
	// none (or for HeadBucket), which needs the whole listing.
	Prefixes []string
	// Requests is how many requests; First and Last when.
	Requests    int
	First, Last time.Time
}

// Withheld is a used grant the proposal leaves out.
type Withheld struct {
	Principal Principal
	Action    string
	Requests  int
	// Reason says why, and which option would propose it, if any.
	Reason string
}

// UnresolvedRole is a role seen only through its sessions whose ARN, path
// included, is not known.
type UnresolvedRole struct {
	// Principal is the role as the proposal names it
	// (arn:aws:iam::ACCOUNT:role/NAME).
	Principal Principal
	// Requests is how many requests its sessions made (succeeded or
	// denied) within the window.
	Requests int
	// Reason says why the path is unknown and how to learn it.
	Reason string
}

// IdentityPolicy is the proposed S3 part, for the bucket, of a user's or
// role's identity policy.
type IdentityPolicy struct {
	Principal Principal
	Document  *policy.Document
	// Findings are what policy.ValidateDocument (KindManaged, and the
	// size check) say of it.
	Findings []policy.Finding
}

// UnusedGrant is a grant of a policy in force that no request used within
// the window.
type UnusedGrant struct {
	// Policy is "bucket policy", or "identity policy N of ARN".
	Policy string
	// Statement is the statement's index in it, Sid its Sid.
	Statement int
	Sid       string
	// Principal is the principal the statement names (for an identity
	// policy, the user or role it is attached to).
	Principal string
	// Actions are the statement's s3: actions (patterns expanded) that
	// nobody it names used on the bucket.
	Actions []string
	// MaybeUsed are the statement's actions that no request is known to
	// have used, but that may have been: an operation its principal used
	// on a resource it covers may have needed them (policy.Operation.Actions
	// beyond the required ones: an ACL, tagging or Object Lock header, a
	// governance bypass, which the logs do not record), or its principal's
	// keys were merged into a prefix its resources may reach under
	// (Options.MaxTrackedKeys: the keys merged away are not known). They
	// are not in Actions: not candidates to remove on the logs' word.
	MaybeUsed []string
}

// AddedGrant is a grant of the proposal that the policies in force, as
// given, do not make.
type AddedGrant struct {
	Principal string
	Action    string
	Resource  string
	// Why says what the policies in force decided, for example
	// "ImplicitDeny (no policy grants it)".
	Why string
	// DroppedConditions, when not empty, are the condition keys under
	// which alone the policies in force make this grant (aws:SourceIp,
	// aws:SourceVpce, aws:SecureTransport, …) and which the proposal's
	// grant does not keep: applying the proposal would widen access in
	// force (from any address, any network, plain HTTP), so
	// Report.Widens is true and the command-line tool exits 1.
	DroppedConditions []string
}

// Grant is one principal, action and resource of a proposal.
type Grant struct {
	Principal string
	Action    string
	Resource  string
}

// Replay is the proof: every request that succeeded within the window,
// decided again with policy.Authorize against the proposal.
type Replay struct {
	// Requests is the number of requests replayed, Decisions the number
	// of (request, action) decisions made (CopyObject needs two).
	Requests  int
	Decisions int
	// Allowed decisions allowed by the bucket policy proposed (with the
	// caller's proposed identity policy for another account's principal).
	Allowed int
	// IdentityAllowed decisions, for the owner account's users and roles,
	// allowed by their proposed identity policy alone (with the bucket
	// policy's kept Deny statements); IdentityDecisions is how many were
	// made.
	IdentityDecisions int
	IdentityAllowed   int
	// Broken decisions were denied; Breaks lists the first MaxBreaks.
	Broken int
	Breaks []Break
	// Unreplayed are requests that succeeded within the window whose
	// operation no table knows, or whose keys the log does not name
	// (Counts.Unmapped; Report.Unmapped names the operations), or that
	// went through an access point whose bucket the record does not say
	// (Counts.UnplacedAccessPoint): what they needed is unknown, so the
	// proposal grants nothing for them and the proof cannot decide them.
	// Proved is false while there are any.
	Unreplayed int
	// ThroughAccessPoint are requests that succeeded within the window
	// made through an access point (a server access log's Access Point
	// ARN, a CloudTrail record's AWS::S3::AccessPoint resource) or a
	// Multi-Region Access Point (its host,
	// ALIAS.mrap.accesspoint.s3-global.amazonaws.com). They are
	// learnt from, but not decided: "both the access point and the
	// underlying bucket must permit the request" (S3 user guide,
	// "Configuring IAM policies for using access points"), and the proof
	// neither reads the access point's policy nor proposes one (nor, as
	// policy.Authorize decides such a request, identity grants on the
	// access point's ARN). Proved is false while there are any.
	ThroughAccessPoint int
	// Unverifiable decisions were denied by a kept statement whose
	// condition tests keys the logs do not record (aws:SourceVpce,
	// aws:PrincipalOrgID, …), or could be denied by one that tests a key
	// the request had and its record does not give (s3:TlsVersion of a
	// CloudTrail record without TLS details, …): the log cannot say
	// whether it applied.
	Unverifiable int
}

// Break is a request that succeeded and the proposal would deny.
type Break struct {
	File      string
	Line      int
	Time      time.Time
	Principal string
	Action    string
	Resource  string
	// Proof is "bucket policy" or "identity policy".
	Proof string
	// Decision is policy.Authorization's description; Reason adds why the
	// proposal does not grant it, when it was withheld.
	Decision string
	Reason   string
}

// sortedUses returns the uses in principal, action order.
func sortedUses(m map[useKey]*use, denied bool) []*use {
	var out []*use
	for k, u := range m {
		if k.denied == denied {
			out = append(out, u)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		pi, pj := out[i].principal.String(), out[j].principal.String()
		if pi != pj {
			return pi < pj
		}
		return out[i].action.name < out[j].action.name
	})
	return out
}

// report fills in what pass 1 learnt.
func (s *suggester) report(a *aggregator, rep *Report) {
	rep.Counts = a.count
	for op, n := range a.unmapped {
		rep.Unmapped = append(rep.Unmapped, OperationCount{Operation: op, Requests: n})
	}
	sort.Slice(rep.Unmapped, func(i, j int) bool {
		if rep.Unmapped[i].Requests != rep.Unmapped[j].Requests {
			return rep.Unmapped[i].Requests > rep.Unmapped[j].Requests
		}
		return rep.Unmapped[i].Operation < rep.Unmapped[j].Operation
	})
	for _, denied := range []bool{false, true} {
		for _, u := range sortedUses(a.uses, denied) {
			out := Use{Principal: u.principal, Action: u.action.name, Requests: u.requests, First: u.first, Last: u.last}
			out.Resources, out.Prefixes = s.resourcesOf(u)
			if denied {
				rep.Denied = append(rep.Denied, out)
			} else {
				rep.Used = append(rep.Used, out)
			}
		}
	}
}

// resourcesOf returns a use's resources and, for a listing action, its
// s3:prefix patterns, generalized to at most MaxResources each.
func (s *suggester) resourcesOf(u *use) (resources, prefixes []string) {
	switch u.level {
	case onNothing:
		return []string{"*"}, nil
	case onBucket:
		if u.lists != nil && !u.listAll {
			for _, e := range generalize(u.lists.entries(), s.opts.MaxResources) {
				prefixes = append(prefixes, stringLikeOf(e))
			}
		}
		return []string{s.bucketARN()}, prefixes
	}
	if u.keys == nil {
		return nil, nil
	}
	for _, e := range generalize(u.keys.entries(), s.opts.MaxResources) {
		resources = append(resources, s.objectARN(e))
	}
	return resources, nil
}

// objectARN is an entry's resource: the object, or every object under the
// prefix. '*', '?' and '$' in a key are escaped as IAM's ${*}, ${?}, ${$}
// so that they match only themselves.
func (s *suggester) objectARN(e *keyEntry) string {
	arn := s.keyARN(escapePattern(e.pattern))
	if e.prefix {
		arn += "*"
	}
	return arn
}

// stringLikeOf is an entry as an s3:prefix StringLike value.
func stringLikeOf(e *keyEntry) string {
	v := escapePattern(e.pattern)
	if e.prefix {
		v += "*"
	}
	return v
}

func escapePattern(s string) string {
	var b []byte
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '*', '?', '$':
			if b == nil {
				b = append(make([]byte, 0, len(s)+8), s[:i]...)
			}
			b = append(b, '$', '{', c, '}')
		default:
			if b != nil {
				b = append(b, c)
			}
		}
	}
	if b == nil {
		return s
	}
	return string(b)
}
