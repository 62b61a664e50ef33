package usage

import (
	"context"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/s3secure/s3secure/internal/s3log"
	"github.com/s3secure/s3secure/policy"
)

// needLevel is what an action of a request acts on.
type needLevel uint8

const (
	onObject  needLevel = iota // the request's object
	onBucket                   // the bucket
	onNothing                  // no bucket or object resource (s3:ListAllMyBuckets)
)

// actionInfo is what the proposal needs to know of an action.
type actionInfo struct {
	name              string
	object, bucket    bool // applies to the object / bucket resource type
	permissionsManage bool
	// lists: the action supports s3:prefix (the catalog's listing actions,
	// s3:ListBucket and s3:ListBucketVersions), so its use is kept per
	// listing prefix and proposed under those prefixes.
	lists bool
}

// prefixKey is the condition key of a listing's prefix.
const prefixKey = "s3:prefix"

// opNeeds is the actions one logged operation needs.
type opNeeds struct {
	api     string // the API operation; "" when unknown
	known   bool   // the operation is in the table
	actions []actionInfo
	// optional are the other actions the operation may need, by a header
	// the logs do not record (optionalActions).
	optional []string
}

// need is one action one request needed, on one resource.
type need struct {
	action   actionInfo
	level    needLevel
	key      string
	optional []string // shared, never written
}

type opKey struct {
	op      string
	kind    logKind
	object  bool
	version bool
}

// mapper turns records into the actions they needed. It caches per
// operation; one per worker (not safe for concurrent use).
type mapper struct {
	cache map[opKey]*opNeeds
	buf   []need
}

func newMapper() *mapper { return &mapper{cache: map[opKey]*opNeeds{}} }

func (m *mapper) lookup(r *Record, kind logKind) *opNeeds {
	k := opKey{op: r.Operation, kind: kind, object: r.Key != "", version: r.VersionID != ""}
	if n, ok := m.cache[k]; ok {
		return n
	}
	n := &opNeeds{}
	api := r.Operation
	if kind == cloudTrailLog {
		api = s3log.CloudTrailAPIOperation(api)
	}
	if kind == serverAccessLog && strings.HasPrefix(r.Operation, "S3.") {
		// S3's own work (S3.EXPIRE.OBJECT, S3.TRANSITION_SIA.OBJECT, …):
		// no caller's permission is involved. "You can't use a bucket
		// policy to prevent deletions or transitions by an S3 Lifecycle
		// rule" (S3 user guide, "Managing the lifecycle of objects").
		n.known = true
		k.op = strings.Clone(k.op)
		m.cache[k] = n
		return n
	}
	if kind == serverAccessLog {
		level := s3log.Bucket
		if k.object {
			level = s3log.Object
		}
		lo, ok := s3log.Lookup(r.Operation, level)
		api = ""
		if ok {
			n.known = true
			if len(lo.APIOperations) > 0 {
				api = lo.APIOperations[0]
			}
		}
	}
	if api != "" {
		if op, ok := policy.LookupOperation(api); ok {
			n.known, n.api = true, api
			acts := op.Required
			if k.version && len(op.VersionRequired) > 0 {
				acts = op.VersionRequired
			}
			for _, a := range acts {
				n.actions = append(n.actions, infoOf(a))
			}
			n.optional = optionalActions(op)
		}
	}
	k.op = strings.Clone(k.op)
	m.cache[k] = n
	return n
}

// optionalActions are the actions op may need besides the required ones,
// other than those a named version needs (a log says whether one was
// named): "those only some calls need (a versionId, an ACL, tagging or
// retention header, a governance bypass)" (policy.Operation.Actions). A
// log does not record the headers that decide them.
func optionalActions(op policy.Operation) []string {
	var out []string
	for _, a := range op.Actions {
		if !slices.Contains(op.Required, a) && !slices.Contains(op.VersionRequired, a) {
			out = append(out, a)
		}
	}
	return out
}

func infoOf(name string) actionInfo {
	a, _ := policy.LookupAction(name)
	return actionInfo{name: a.Name, object: a.AppliesTo("object"), bucket: a.AppliesTo("bucket"),
		permissionsManage: a.AccessLevel == policy.AccessPermissionsManagement, lists: a.SupportsConditionKey(prefixKey)}
}

// copyFromAccessPoint says whether r is a CloudTrail copy whose source is
// named through an access point: x-amz-copy-source
// "arn:aws:s3:<Region>:<account-id>:accesspoint/<access-point-name>/object/<key>"
// (S3 API reference, CopyObject), which does not say the bucket read.
func copyFromAccessPoint(r *Record) bool {
	return r.CopySource != "" && strings.HasPrefix(r.CopySource, "arn:") && strings.Contains(r.CopySource, ":accesspoint/")
}

// needs returns the actions r needed on bucket: its own operation's (and
// s3:ListBucket for a read of a missing object answered 404, notFound), and for
// a CloudTrail copy whose source is in bucket, the source's read
// (s3:GetObject, s3:GetObjectVersion for a version; a server access log
// records that read as a REST.COPY.OBJECT_GET record of its own). known is
// false for an operation the table does not know, and for a CloudTrail
// object operation that names no key. The result is reused by the next
// call.
func (m *mapper) needs(r *Record, kind logKind, bucket string) (out []need, known bool) {
	m.buf = m.buf[:0]
	if r.Bucket == bucket {
		n := m.lookup(r, kind)
		if !n.known {
			return nil, false
		}
		for _, a := range n.actions {
			switch {
			case a.object && r.Key != "":
				m.buf = append(m.buf, need{action: a, level: onObject, key: r.Key, optional: n.optional})
			case a.bucket:
				m.buf = append(m.buf, need{action: a, level: onBucket, optional: n.optional})
			case !a.object:
				m.buf = append(m.buf, need{action: a, level: onNothing, optional: n.optional})
			case kind == cloudTrailLog:
				// An object action without a key: CloudTrail names a
				// DeleteObjects' keys as object resources (one Record
				// each); without them the keys it needed are unknown.
				return nil, false
			}
			// An object action a server access log records without a key
			// (the DeleteObjects request, REST.POST.MULTI_OBJECT_DELETE)
			// is carried by its per-key records (BATCH.DELETE.OBJECT).
		}
		if m.notFound(r, kind) {
			// Its 404 (not 403) needed s3:ListBucket too.
			m.buf = append(m.buf, need{action: listingAction(), level: onBucket})
		}
	}
	if kind == cloudTrailLog && r.CopySource != "" && (r.Operation == "CopyObject" || r.Operation == "UploadPartCopy") {
		if b, k, ok := strings.Cut(r.CopySource, "/"); ok && b == bucket && k != "" {
			if op, ok := policy.LookupOperation("GetObject"); ok {
				acts := op.Required
				if r.CopySourceVersionID != "" && len(op.VersionRequired) > 0 {
					acts = op.VersionRequired
				}
				for _, a := range acts {
					m.buf = append(m.buf, need{action: infoOf(a), level: onObject, key: k, optional: optionalActions(op)})
				}
			}
		}
	}
	return m.buf, true
}

// notFound reports whether r is a read of an object that does not exist,
// answered 404 as only a caller allowed s3:ListBucket is: a GetObject or
// HeadObject (no version named) whose error is NoSuchKey ("-" too: a HEAD
// response has no body). "If you have the s3:ListBucket permission on the
// bucket, Amazon S3 will return an HTTP status code 404 ("no such key")
// error. If you don't have the s3:ListBucket permission, Amazon S3 will
// return an HTTP status code 403 ("access denied") error" (S3 API
// reference, GetObject, Permissions; HeadObject alike).
func (m *mapper) notFound(r *Record, kind logKind) bool {
	if r.Status != 404 || r.Key == "" || r.VersionID != "" || (r.ErrorCode != "NoSuchKey" && r.ErrorCode != "") {
		return false
	}
	n := m.lookup(r, kind)
	return n.api == "GetObject" || n.api == "HeadObject"
}

// listingAction is the listing a 404 of a missing object used
// (s3:ListBucket, ListObjectsV2's required action in the catalog).
var listingAction = sync.OnceValue(func() actionInfo {
	op, _ := policy.LookupOperation("ListObjectsV2")
	return infoOf(op.Required[0])
})

// sampleRequest is the context of one request, kept to compare a use with
// the policies in force.
type sampleRequest struct {
	caller policy.Caller
	ctx    requestContext
}

// requestContext is what a log says of a request's condition context.
type requestContext struct {
	time                          time.Time
	sourceIP, tls, cipher         string
	sigVersion, authType, apARN   string
	listPrefix                    string
	hasListPrefix, knownTransport bool
	secure                        bool
	versionID                     string
	operation                     string
	// principalARN is the caller's aws:PrincipalArn when its session ARN
	// does not give it: a role that lives under a path (withRoleARN).
	principalARN string
}

// use is what one principal did with one action on the bucket.
type use struct {
	principal Principal
	action    actionInfo
	level     needLevel
	keys      *keySet // object keys (onObject)
	lists     *keySet // listing prefixes (actions that support s3:prefix)
	listAll   bool    // a listing without a prefix (or HeadBucket)
	// optional are the actions the operations behind the use may have
	// needed by a header the logs do not record (optionalActions), sorted.
	optional []string
	requests int
	first    time.Time
	last     time.Time
	sample   sampleRequest
}

type useKey struct {
	principal string
	action    string
	denied    bool
}

// aggregator is one worker's tally of pass 1.
type aggregator struct {
	s     *suggester
	m     *mapper
	uses  map[useKey]*use
	count Counts
	// unmapped counts requests of operations the table does not know.
	unmapped map[string]int
	// guessed counts the requests of each role (by principal key) named
	// only through a session ARN, which has no role path; issuers are the
	// role ARNs, path included, that CloudTrail's sessionIssuer gave, by
	// account and role name (roles.go).
	guessed map[string]int
	issuers map[string]string
}

func (c *Counts) add(o Counts) {
	c.Requests += o.Requests
	c.OtherBuckets += o.OtherBuckets
	c.UnplacedAccessPoint += o.UnplacedAccessPoint
	c.OutsideWindow += o.OutsideWindow
	c.Succeeded += o.Succeeded
	c.NotFound += o.NotFound
	c.Denied += o.Denied
	c.OtherErrors += o.OtherErrors
	c.Unmapped += o.Unmapped
	c.NoPermission += o.NoPermission
}

func (s *suggester) newAggregator() *aggregator {
	return &aggregator{s: s, m: newMapper(), uses: map[useKey]*use{}, unmapped: map[string]int{}, guessed: map[string]int{}, issuers: map[string]string{}}
}

// principalOf returns who made r, with the bucket owner's canonical user
// (as a server access log names the root user of the owner account) made
// the owner's root.
//
// A role whose ARN was guessed from a session ARN is named by the ARN
// learnt for it after pass 1 (roles.go), if any.
func (s *suggester) principalOf(r *Record) Principal {
	p := r.Principal
	if p.Kind == CanonicalUser && r.BucketOwner != "" && p.ID == r.BucketOwner {
		return Principal{Kind: Root, ARN: s.rootARN(s.principalPartition()), Account: s.owner}
	}
	if p.Kind == Role && s.roleARNs != nil {
		if arn, ok := s.roleARNs[p.ARN]; ok {
			p.ARN = arn
		}
	}
	return p
}

// callerOf is the policy caller of r: a role session keeps its session ARN,
// which policies naming the role match.
func callerOf(r *Record, p Principal) policy.Caller {
	switch p.Kind {
	case Anonymous:
		return policy.Caller{}
	case Service:
		return policy.Caller{Service: p.Service}
	case CanonicalUser:
		return policy.Caller{CanonicalUser: p.ID}
	case Role:
		if strings.HasPrefix(r.Requester, "arn:") && strings.Contains(r.Requester, ":assumed-role/") {
			return policy.Caller{ARN: r.Requester, Account: p.Account}
		}
	case Unknown:
		return policy.Caller{ARN: p.ID}
	}
	return policy.Caller{ARN: p.ARN, Account: p.Account}
}

func contextOf(r *Record, kind logKind) requestContext {
	c := requestContext{time: r.Time, sourceIP: r.SourceIP, listPrefix: r.ListPrefix, hasListPrefix: r.HasListPrefix,
		versionID: r.VersionID, operation: r.Operation}
	d := r.Detail()
	c.tls, c.cipher, c.sigVersion, c.authType, c.apARN = d.TLSVersion, d.CipherSuite, d.SignatureVersion, d.AuthType, d.AccessPointARN
	switch {
	case kind == serverAccessLog:
		// The Cipher Suite field is "-" for HTTP (S3 user guide). A line
		// of the older format ends before it: a field after it (the
		// Authentication Type, Host Header, …) says it is there.
		secure := d.CipherSuite != "" || d.TLSVersion != ""
		c.knownTransport, c.secure = secure || d.AuthType != "" || d.HostHeader != "" || d.AccessPointARN != "" || d.ACLRequired != "", secure
	case d.TLSVersion != "" || d.CipherSuite != "":
		c.knownTransport, c.secure = true, true
	}
	return c
}

func (c requestContext) clone() requestContext {
	c.sourceIP, c.tls, c.cipher = strings.Clone(c.sourceIP), strings.Clone(c.tls), strings.Clone(c.cipher)
	c.sigVersion, c.authType, c.apARN = strings.Clone(c.sigVersion), strings.Clone(c.authType), strings.Clone(c.apARN)
	c.listPrefix, c.versionID, c.operation = strings.Clone(c.listPrefix), strings.Clone(c.versionID), strings.Clone(c.operation)
	c.principalARN = strings.Clone(c.principalARN)
	return c
}

func cloneCaller(c policy.Caller) policy.Caller {
	c.ARN, c.Account, c.Service, c.CanonicalUser = strings.Clone(c.ARN), strings.Clone(c.Account), strings.Clone(c.Service), strings.Clone(c.CanonicalUser)
	return c
}

func clonePrincipal(p Principal) Principal {
	p.ARN, p.Account, p.Service, p.ID = strings.Clone(p.ARN), strings.Clone(p.Account), strings.Clone(p.Service), strings.Clone(p.ID)
	return p
}

// add tallies one record.
func (a *aggregator) add(r *Record, kind logKind) error {
	c := &a.count
	c.Requests++
	if r.Bucket != a.s.bucket && r.unplacedAP {
		c.UnplacedAccessPoint++
		return nil
	}
	if copyFromAccessPoint(r) {
		// The source's bucket is not known: counted, and its write, if
		// to this bucket, learnt from below.
		c.UnplacedAccessPoint++
		if r.Bucket != a.s.bucket {
			return nil
		}
	}
	if r.Bucket != a.s.bucket && r.CopySource == "" {
		c.OtherBuckets++
		return nil
	}
	if r.Time.Before(a.s.since) || r.Time.After(a.s.until) {
		c.OutsideWindow++
		return nil
	}
	denied, notFound := r.Denied(), false
	switch {
	case r.Succeeded():
	case denied:
	case a.m.notFound(r, kind):
		notFound = true
	default:
		c.OtherErrors++
		return nil
	}
	needs, known := a.m.needs(r, kind, a.s.bucket)
	switch {
	case !known:
		c.Unmapped++
		if len(a.unmapped) < 1000 || a.unmapped[r.Operation] > 0 {
			a.unmapped[strings.Clone(r.Operation)]++
		}
		return nil
	case len(needs) == 0 && r.Bucket != a.s.bucket:
		c.OtherBuckets++
		return nil
	case len(needs) == 0:
		c.NoPermission++
		return nil
	}
	switch {
	case denied:
		c.Denied++
	case notFound:
		c.NotFound++
	default:
		c.Succeeded++
	}
	p := a.s.principalOf(r)
	pk := p.String()
	if p.Kind == Role {
		a.noteRole(r, p, pk)
	}
	for _, n := range needs {
		k := useKey{principal: pk, action: n.action.name, denied: denied}
		u := a.uses[k]
		if u == nil {
			k.principal = strings.Clone(pk)
			caller := callerOf(r, p)
			c := contextOf(r, kind)
			c.withRoleARN(caller, p)
			u = &use{principal: clonePrincipal(p), action: n.action, level: n.level, first: r.Time,
				sample: sampleRequest{caller: cloneCaller(caller), ctx: c.clone()}}
			a.uses[k] = u
		}
		u.optional = unionSorted(u.optional, n.optional)
		u.requests++
		if r.Time.Before(u.first) {
			u.first = r.Time
		}
		if r.Time.After(u.last) {
			u.last = r.Time
		}
		switch n.level {
		case onObject:
			if u.keys == nil {
				u.keys = newKeySet(a.s.opts.MaxTrackedKeys)
			}
			u.keys.add(n.key)
		case onBucket:
			if n.action.lists {
				if r.HasListPrefix && r.ListPrefix != "" {
					if u.lists == nil {
						u.lists = newKeySet(a.s.opts.MaxTrackedKeys)
					}
					u.lists.add(r.ListPrefix)
				} else {
					u.listAll = true
				}
			}
		}
	}
	return nil
}

// merge folds another worker's tally into a.
func (a *aggregator) merge(b *aggregator) {
	a.count.add(b.count)
	for op, n := range b.unmapped {
		a.unmapped[op] += n
	}
	for k, n := range b.guessed {
		a.guessed[k] += n
	}
	for k, arn := range b.issuers {
		a.issuers[k] = arn
	}
	for k, ub := range b.uses {
		a.mergeUse(k, ub)
	}
}

// mergeUse folds ub into the use of key k.
func (a *aggregator) mergeUse(k useKey, ub *use) {
	ua := a.uses[k]
	if ua == nil {
		a.uses[k] = ub
		return
	}
	ua.requests += ub.requests
	if ub.first.Before(ua.first) {
		ua.first, ua.sample = ub.first, ub.sample
	}
	if ub.last.After(ua.last) {
		ua.last = ub.last
	}
	ua.listAll = ua.listAll || ub.listAll
	ua.optional = unionSorted(ua.optional, ub.optional)
	ua.keys = mergeKeySets(ua.keys, ub.keys, a.s.opts.MaxTrackedKeys)
	ua.lists = mergeKeySets(ua.lists, ub.lists, a.s.opts.MaxTrackedKeys)
}

func mergeKeySets(a, b *keySet, limit int) *keySet {
	switch {
	case a == nil:
		return b
	case b == nil:
		return a
	}
	es := foldEntries(append(a.entries(), b.entries()...))
	out := newKeySet(limit)
	for _, e := range generalize(es, limit) {
		if e.prefix {
			out.prefixes = append(out.prefixes, e)
		} else {
			out.exact[e.pattern] = e
		}
	}
	return out
}

// unionSorted returns the sorted set of a's and b's names: a itself when b
// adds none (a few catalog names: no allocation per request).
func unionSorted(a, b []string) []string {
	for _, x := range b {
		if !slices.Contains(a, x) {
			a = append(slices.Clip(a), x)
			slices.Sort(a)
		}
	}
	return a
}

// foldEntries sorts entries and folds each into an equal exact entry or a
// prefix that covers it.
func foldEntries(es []*keyEntry) []*keyEntry {
	sortEntries(es)
	var out []*keyEntry
	for _, e := range es {
		if n := len(out); n > 0 {
			last := out[n-1]
			if (last.prefix && strings.HasPrefix(e.pattern, last.pattern)) || (!last.prefix && !e.prefix && last.pattern == e.pattern) {
				last.requests += e.requests
				continue
			}
		}
		c := *e
		out = append(out, &c)
	}
	return out
}

// learn is pass 1: it reads every log and tallies the uses.
func (s *suggester) learn(ctx context.Context, rep *Report) (*aggregator, error) {
	var workers []*aggregator
	objects, stats, err := s.readAll(ctx, func() (func(*Record, logKind) error, func()) {
		a := s.newAggregator()
		workers = append(workers, a)
		return a.add, nil
	})
	rep.Objects = objects
	rep.ServerAccessLogs, rep.CloudTrail = stats[serverAccessLog], stats[cloudTrailLog]
	if err != nil {
		return nil, err
	}
	all := s.newAggregator()
	for _, w := range workers {
		all.merge(w)
	}
	return all, nil
}
