package usage

import (
	"strings"

	"github.com/s3secure/s3secure/policy"
)

// contexts caches built condition contexts: building one parses every
// value, and consecutive requests of a log mostly share theirs. Not safe
// for concurrent use; a Context, once built, is only read.
type contexts map[contextKey]policy.Context

type contextKey struct {
	c      requestContext
	prefix bool // the action supports s3:prefix
}

// accessRequest builds the policy request for one action of a logged
// request: the caller, the resource, and the condition keys the log
// records (aws:SecureTransport, s3:TlsVersion, aws:SourceIp,
// s3:signatureversion, s3:authType, aws:CurrentTime, s3:prefix,
// s3:versionid, s3:DataAccessPointArn, s3:DataAccessPointAccount), and aws:PrincipalArn for a role
// session whose role lives under a path.
func (s *suggester) accessRequest(caller policy.Caller, n need, c *requestContext, cache contexts) *policy.AccessRequest {
	req := &policy.AccessRequest{BucketOwner: s.owner}
	req.Caller, req.Action = caller, n.action.name
	switch n.level {
	case onObject:
		req.Resource = s.keyARN(n.key)
	case onBucket:
		req.Resource = s.bucketARN()
	default:
		req.Resource = "*"
	}
	k := contextKey{c: *c, prefix: n.action.lists}
	if !k.prefix {
		k.c.listPrefix, k.c.hasListPrefix = "", false
	}
	if !browserUpload(k.c.operation) {
		k.c.operation = ""
	}
	if ctx, ok := cache[k]; ok {
		req.Context = ctx
		return req
	}
	ctx := &req.Context
	if c.knownTransport {
		ctx.SetBool("aws:SecureTransport", c.secure)
	}
	if v := tlsNumber(c.tls); v != "" {
		ctx.Set("s3:TlsVersion", v)
	}
	if c.sourceIP != "" {
		ctx.Set("aws:SourceIp", c.sourceIP)
	}
	switch c.sigVersion {
	case "SigV4":
		ctx.Set("s3:signatureversion", "AWS4-HMAC-SHA256")
	case "SigV2":
		ctx.Set("s3:signatureversion", "AWS")
	}
	switch {
	case browserUpload(c.operation):
		ctx.Set("s3:authType", "POST")
	case c.authType == "AuthHeader":
		ctx.Set("s3:authType", "REST-HEADER")
	case c.authType == "QueryString":
		ctx.Set("s3:authType", "REST-QUERY-STRING")
	}
	if !c.time.IsZero() {
		ctx.SetTime("aws:CurrentTime", c.time)
	}
	if k.prefix && c.hasListPrefix && c.listPrefix != "" {
		ctx.Set(prefixKey, c.listPrefix)
	}
	if c.versionID != "" {
		ctx.Set("s3:versionid", c.versionID)
	}
	if c.apARN != "" {
		ctx.Set("s3:DataAccessPointArn", c.apARN)
		// The access point's owner, the account its ARN names
		// (arn:PARTITION:s3:REGION:ACCOUNT:accesspoint/NAME).
		if f := strings.SplitN(c.apARN, ":", 6); len(f) == 6 && policy.IsAccountID(f[4]) {
			ctx.Set("s3:DataAccessPointAccount", f[4])
		}
	}
	if c.principalARN != "" {
		ctx.Set("aws:PrincipalArn", c.principalARN)
	}
	if len(cache) >= 256 {
		clear(cache)
	}
	k.c = k.c.clone()
	cache[k] = req.Context
	return req
}

// mayLack are the condition keys a log record gives, or may leave out
// (lacking's bits, in this order). A kept Deny that tests one a record
// leaves out cannot be decided from the log: the replay counts it as
// unverifiable when it could refuse the request, never as allowed.
var mayLack = [...]string{"aws:SecureTransport", "s3:TlsVersion", "aws:SourceIp", "s3:signatureversion", "s3:authType"}

// lacking returns the keys of mayLack (as bits) that the request had and
// its record does not give: the transport of a CloudTrail record without
// TLS details, the TLS version of a TLS request, the source IP, and a
// signed request's signature version and authentication type. (What a
// plain-HTTP or anonymous request does not have is absent in AWS's request
// context too.)
func (c *requestContext) lacking(anonymous bool) uint8 {
	var m uint8
	switch {
	case !c.knownTransport:
		m |= 1<<0 | 1<<1
	case c.secure && c.tls == "":
		m |= 1 << 1
	}
	if c.sourceIP == "" {
		m |= 1 << 2
	}
	if !anonymous {
		if c.sigVersion == "" {
			m |= 1 << 3
		}
		if c.authType == "" && !browserUpload(c.operation) {
			m |= 1 << 4
		}
	}
	return m
}

// browserUpload says whether a record's operation is a browser upload (S3's
// POST Object): REST.POST.OBJECT in a server access log, PostObject in
// CloudTrail. Its s3:authType is "POST", whatever else the record says.
func browserUpload(operation string) bool {
	return operation == "REST.POST.OBJECT" || operation == "PostObject"
}

// tlsNumber turns "TLSv1.2" (or "TLSV1.2", as in the S3 user guide's
// examples) into s3:TlsVersion's number, "1.2".
func tlsNumber(v string) string {
	if len(v) > 4 && strings.EqualFold(v[:4], "tlsv") {
		return v[4:]
	}
	return ""
}

// samples returns requests standing for a use: one per key or prefix
// remembered (its first key), per listing prefix, or the bucket.
func (s *suggester) samples(u *use) []*policy.AccessRequest {
	var out []*policy.AccessRequest
	cache := contexts{}
	n := need{action: u.action, level: u.level}
	c := u.sample.ctx
	switch {
	case u.level == onObject && u.keys != nil:
		for _, e := range u.keys.entries() {
			n.key = e.sample
			out = append(out, s.accessRequest(u.sample.caller, n, &c, cache))
		}
	case u.level == onBucket && u.action.lists:
		if u.lists != nil {
			for _, e := range u.lists.entries() {
				c.hasListPrefix, c.listPrefix = true, e.sample
				out = append(out, s.accessRequest(u.sample.caller, n, &c, cache))
			}
		}
		if u.listAll || u.lists == nil {
			c.hasListPrefix, c.listPrefix = false, ""
			out = append(out, s.accessRequest(u.sample.caller, n, &c, cache))
		}
	default:
		out = append(out, s.accessRequest(u.sample.caller, n, &c, cache))
	}
	return out
}

// widened returns a request for each prefix the proposal merges a use's
// keys (or listing prefixes) into: the key, or s3:prefix, that is the
// prefix followed by a literal "*". The proposal's PREFIX* allows it, and a
// grant in force allows it only through a pattern at least as wide (a
// narrower one, PREFIX/folder/* or PREFIX*.csv, does not match it), so it
// tells the diff whether merging added access that each key read, allowed
// by what is in force, does not show.
func (s *suggester) widened(u *use) []*policy.AccessRequest {
	set := u.keys
	if u.level == onBucket {
		if u.listAll {
			return nil // the statement has no s3:prefix condition
		}
		set = u.lists
	}
	if set == nil {
		return nil
	}
	var out []*policy.AccessRequest
	cache := contexts{}
	n := need{action: u.action, level: u.level}
	c := u.sample.ctx
	for _, e := range generalize(set.entries(), s.opts.MaxResources) {
		if !e.prefix {
			continue
		}
		if u.level == onObject {
			n.key = e.pattern + "*"
		} else {
			c.hasListPrefix, c.listPrefix = true, e.pattern+"*"
		}
		out = append(out, s.accessRequest(u.sample.caller, n, &c, cache))
	}
	return out
}
