package cloudfront

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/s3secure/s3secure/policy"
)

// probeDistributionID is the distribution ID of the made-up distributions
// unscopedCloudFrontAccess asks the bucket policy about: one no policy
// names.
const probeDistributionID = "E0S3SECUREPROBE"

// madeUpDistribution returns the ARN of the made-up distribution of
// account in partition.
func madeUpDistribution(partition, account string) string {
	return "arn:" + partition + ":cloudfront::" + account + ":distribution/" + probeDistributionID
}

// probeAccounts are accounts no bucket policy is expected to name, so a
// statement without a source condition is asked about a distribution of
// an account it does not know.
var probeAccounts = []string{"999999999999", "999999999998"}

// probeActions are asked about on every bucket resource besides the
// statements' own actions: the actions policy's catalog says reading,
// writing, deleting and listing objects need (s3:GetObject, s3:PutObject,
// s3:DeleteObject, s3:ListBucket).
var probeActions = policy.RequiredActions(false, "GetObject", "PutObject", "DeleteObject", "ListObjectsV2")

// cloudFrontProbe asks policy's evaluator whether a bucket policy lets a
// given CloudFront distribution reach the bucket: requests from
// cloudfront.amazonaws.com signed through OAC (oacRequest), decided by the
// whole policy (a Deny anywhere counts). What is asked is seeded by each
// Allow statement in turn, since only an Allow lets a request in and its
// own elements say which requests it could: every action probeActions
// lists or the statement names (a pattern as an action it matches), on
// the bucket and on an object under each of its key patterns, without
// and with each value it gives a key of requesterChosenKeys, and in each
// context bucketContexts gives (from outside and inside each organization
// and organizational unit the policy names, say).
type cloudFrontProbe struct {
	doc      *policy.Document
	compiled *policy.Compiled
	// exact are the condition values without a wildcard anywhere in doc:
	// distributions doc names are never made up.
	exact []string
	seeds []probeSeed
	// bucketCtx are the key, value pairs each request is asked with in
	// turn (bucketContexts): the bucket's own condition keys
	// (resourceKeys), the same for every distribution, so a condition on
	// them scopes none, its Region, and the organizations the policy names.
	bucketCtx [][]string
	// contexts is how many contexts bucketContexts would give without
	// its bound, maxBucketContexts.
	contexts int
}

// maxBucketContexts bounds the contexts (bucketContexts) each request is
// asked in. Each organization, unit and account a policy names for the
// bucket or for CloudFront's account multiplies them, and a policy naming
// a hundred of each took seconds, a 20 KB one minutes. Past the bound
// the first maxBucketContexts are asked (without any organization first),
// and unscopedCloudFrontAccess reports every Allow statement that lets a
// distribution it does not name in with its organization conditions set
// aside, and namedWaysIn warns that it did not ask in every context: a
// refusal too many, never a way in missed.
const maxBucketContexts = 64

// orgKeys are the condition keys whose values bucketContexts varies.
var orgKeys = [...]string{resourceKeys[0], resourceKeys[1], resourceKeys[2], resourceKeys[3], sourceOrgKeys[0], sourceOrgKeys[1]}

// resourceKeys are condition keys whose value is the bucket's, the same
// in every request to it, so they limit no distribution: its owner
// (aws:ResourceAccount, s3:ResourceAccount: "This key is always included
// in the request context for most service actions", IAM User Guide, AWS
// global condition context keys, aws:ResourceAccount; policy.Authorize
// supplies it from the bucket owner) and its owner's organization and
// organizational units
// (aws:ResourceOrgID, aws:ResourceOrgPaths). A statement for
// cloudfront.amazonaws.com limited by them alone lets every distribution
// in.
var resourceKeys = [4]string{"aws:ResourceAccount", "s3:ResourceAccount", "aws:ResourceOrgID", "aws:ResourceOrgPaths"}

// bucketContexts returns the key, value pairs to ask each request with,
// in turn: the bucket's values of resourceKeys (its owner when known, else
// each account doc names for them, as in a bucket policy only the owner's
// can match; outside any organization and in each organization and
// organizational unit doc names for them), the Region every request to it
// calls, region (aws:RequestedRegion: CloudFront calls the bucket's
// regional REST endpoint) when known, and the distribution's account's
// organization (sourceOrgKeys): none, or each organization and unit doc
// names, so that a Deny of requests from outside one (the confused-deputy
// guard) is asked about from inside it too.
//
// It returns at most maxBucketContexts contexts, and how many there are.
func bucketContexts(doc *policy.Document, owner, region string) ([][]string, int) {
	wild := strings.NewReplacer("*", "X", "?", "X")
	var accounts, ids, paths, srcIDs, srcPaths []string
	for _, s := range doc.Statements {
		for _, b := range s.Condition {
			for _, e := range b.Entries {
				for _, v := range e.Strings() {
					switch {
					case policy.EqualName(e.Key, resourceKeys[0]), policy.EqualName(e.Key, resourceKeys[1]):
						addUnique(&accounts, wild.Replace(v))
					case policy.EqualName(e.Key, resourceKeys[2]):
						addUnique(&ids, wild.Replace(v))
					case policy.EqualName(e.Key, resourceKeys[3]):
						addUnique(&paths, wild.Replace(v))
					case policy.EqualName(e.Key, sourceOrgKeys[0]):
						addUnique(&srcIDs, wild.Replace(v))
					case policy.EqualName(e.Key, sourceOrgKeys[1]):
						addUnique(&srcPaths, wild.Replace(v))
					}
				}
			}
		}
	}
	if owner != "" {
		accounts = []string{owner}
	}
	if len(accounts) == 0 {
		accounts = []string{""}
	}
	orgs := [][]string{nil}
	for _, o := range orgContexts(ids, paths) {
		// orgContexts names the source keys; the same values, the bucket's keys.
		orgs = append(orgs, []string{resourceKeys[2], o[1], resourceKeys[3], o[3]})
	}
	sources := append([][]string{nil}, orgContexts(srcIDs, srcPaths)...)
	var out [][]string
	for _, a := range accounts {
		for _, o := range orgs {
			for _, src := range sources {
				if len(out) == maxBucketContexts {
					break
				}
				var pairs []string
				if region != "" {
					pairs = append(pairs, "aws:RequestedRegion", region)
				}
				if a != "" {
					pairs = append(pairs, resourceKeys[0], a, resourceKeys[1], a)
				}
				pairs = append(pairs, o...)
				out = append(out, append(pairs, src...))
			}
		}
	}
	return out, len(accounts) * len(orgs) * len(sources)
}

// probeSeed is what one Allow statement makes the probe ask about.
type probeSeed struct {
	index              int // of the statement in the document
	actions, resources []string
	// sources are made-up distributions matching the statement's ARN
	// patterns; accounts the accounts its conditions name; named the
	// distribution ARNs it names exactly.
	sources, accounts, named []string
	// headers are key, value pairs of conditions on what the distribution
	// sends and so chooses (an origin custom header, or a viewer's header
	// it forwards): each is asked about too, one at a time.
	headers []string
}

// sourceOrgKeys are the condition keys that name the organization
// (aws:SourceOrgID) and the organizational units (aws:SourceOrgPaths) of
// the account a service acts for: "aws:SourceOrgID — use this condition
// key to make sure that an AWS service can access your resources only when
// the request originates from a particular organization ID in AWS
// Organizations" (AWS Security Blog, "Use scalable controls for AWS
// services accessing your resources"). Any distribution of any account in
// that organization or unit meets them, so they name no distribution.
var sourceOrgKeys = [2]string{"aws:SourceOrgID", "aws:SourceOrgPaths"}

// orgContexts returns the key, value pairs of a request made for an
// account in each organization (ids) and organizational unit (paths,
// "o-ORG/r-ROOT/ou-…/", whose first element is its organization) named.
func orgContexts(ids, paths []string) [][]string {
	var out [][]string
	for _, path := range paths {
		id, _, _ := strings.Cut(path, "/")
		out = append(out, []string{sourceOrgKeys[0], id, sourceOrgKeys[1], path})
	}
	for _, id := range ids {
		out = append(out, []string{sourceOrgKeys[0], id, sourceOrgKeys[1], id + "/r-s3secure/"})
	}
	return out
}

// requesterChosenKeys are condition keys S3 fills from request headers
// that any distribution can set (CloudFront developer guide, "Add custom
// headers to origin requests": "CloudFront supports custom headers for
// custom origins and Amazon S3 origins"), so they limit no distribution.
var requesterChosenKeys = []string{"aws:Referer", "aws:UserAgent"}

func addUnique(list *[]string, v string) {
	if !slices.Contains(*list, v) {
		*list = append(*list, v)
	}
}

// newCloudFrontProbe returns the probe of doc, the policy of bucket in
// region and partition, whose owner's account is owner ("" when not
// known).
func newCloudFrontProbe(doc *policy.Document, bucket, region, partition, owner string) (*cloudFrontProbe, error) {
	compiled, err := policy.Compile(doc)
	if err != nil {
		return nil, err
	}
	p := &cloudFrontProbe{doc: doc, compiled: compiled}
	p.bucketCtx, p.contexts = bucketContexts(doc, owner, region)
	wild := strings.NewReplacer("*", "X", "?", "X")
	bucketARN := "arn:" + partition + ":s3:::" + bucket
	for i, s := range doc.Statements {
		seed := probeSeed{index: i, actions: slices.Clone(probeActions), resources: []string{bucketARN, bucketARN + "/x"}}
		for _, b := range s.Condition {
			for _, e := range b.Entries {
				for _, v := range e.Strings() {
					if strings.ContainsAny(v, "*?") {
						addUnique(&seed.sources, wild.Replace(v))
					} else {
						addUnique(&p.exact, v)
						if distributionARNRe.MatchString(v) {
							addUnique(&seed.named, v)
						}
					}
					if policy.IsAccountID(v) {
						addUnique(&seed.accounts, v)
					} else if f := strings.SplitN(v, ":", 6); len(f) == 6 && policy.IsAccountID(f[4]) {
						addUnique(&seed.accounts, f[4])
					}
					for _, k := range requesterChosenKeys {
						if policy.EqualName(e.Key, k) {
							seed.headers = append(seed.headers, k, wild.Replace(v))
						}
					}
				}
			}
		}
		if s.Effect != policy.Allow {
			continue
		}
		for _, a := range s.Action {
			// An action pattern is asked about as an action it matches
			// ("s3:*Tagging" as "s3:XTagging").
			addUnique(&seed.actions, wild.Replace(a))
		}
		for _, r := range s.Resource {
			// arn:PARTITION:s3:::BUCKET/KEY: an object under the key
			// pattern, in this bucket.
			if f := strings.SplitN(r, ":", 6); len(f) == 6 {
				if _, key, ok := strings.Cut(f[5], "/"); ok {
					addUnique(&seed.resources, bucketARN+"/"+wild.Replace(key))
				}
			}
		}
		p.seeds = append(p.seeds, seed)
	}
	return p, nil
}

// reach returns the statements (quoted Sid, or #index) that let the
// distribution src reach the bucket in a request seed asks about, with
// the condition keys extra (key, value pairs) in the request too, and
// each context of bucketCtx in turn.
func (p *cloudFrontProbe) reach(src string, seed probeSeed, extra ...string) []string {
	var found []string
	for _, bucket := range p.bucketCtx {
		for h := -2; h < len(seed.headers); h += 2 {
			for _, action := range seed.actions {
				for _, res := range seed.resources {
					req := oacRequest(src, action, res)
					for _, pairs := range [][]string{bucket, extra} {
						for i := 0; i+1 < len(pairs); i += 2 {
							req.Context.Set(pairs[i], pairs[i+1])
						}
					}
					if h >= 0 {
						req.Context.Set(seed.headers[h], seed.headers[h+1])
					}
					if r := p.compiled.Decide(req); r.Allowed() {
						addUnique(&found, statementName(p.doc.Statements[r.By.Index], r.By.Index))
					}
				}
			}
		}
	}
	return found
}

// unscopedCloudFrontAccess returns the statements of doc (quoted Sid, or
// #index) that let a CloudFront distribution doc does not name one by one
// reach the bucket: the CloudFront developer guide's "unintended
// CloudFront distribution". For each Allow statement it probes (see
// cloudFrontProbe) made-up distributions: of each account in accounts and
// each account the statement names, of accounts doc does not name, and
// one matching each ARN pattern the statement holds; each from outside
// any organization and from inside each organization and organizational
// unit doc names (aws:SourceOrgID, aws:SourceOrgPaths), which every
// distribution of every account in it meets. A distribution doc
// names exactly is never asked about, so a statement for other
// distributions named one by one is not reported (namedWaysIn warns
// about them). region is the bucket's Region ("" when not known),
// partition its ARN partition ("aws"), owner its owner's account ("" when
// not known): see bucketContexts.
func unscopedCloudFrontAccess(doc *policy.Document, bucket, region, partition, owner string, accounts []string) ([]string, error) {
	if doc == nil {
		return nil, nil
	}
	p, err := newCloudFrontProbe(doc, bucket, region, partition, owner)
	if err != nil {
		return nil, err
	}
	var found []string
	for _, seed := range p.seeds {
		sources := slices.Clone(seed.sources)
		for _, a := range append(append(slices.Clone(accounts), seed.accounts...), probeAccounts...) {
			addUnique(&sources, madeUpDistribution(partition, a))
		}
		for _, src := range sources {
			if slices.Contains(p.exact, src) {
				continue
			}
			for _, name := range p.reach(src, seed) {
				addUnique(&found, name)
			}
		}
	}
	if p.contexts > maxBucketContexts {
		probe := madeUpDistribution(partition, probeAccounts[0])
		for _, seed := range p.seeds {
			st := doc.Statements[seed.index]
			name := statementName(st, seed.index)
			if slices.Contains(found, name) {
				continue
			}
			reaches, err := reachesWithoutOrgs(st, probe, seed, bucket, region, partition, owner)
			if err != nil {
				return nil, err
			}
			if reaches {
				found = append(found, fmt.Sprintf("%s (maybe: the policy names %d combinations of accounts, organizations and organizational units, and only %d are checked)", name, p.contexts, maxBucketContexts))
			}
		}
	}
	return found, nil
}

// reachesWithoutOrgs reports whether st alone, with its conditions on
// orgKeys set aside, lets the made-up distribution src in for a request
// seed asks about (bucket, region, partition and owner as for
// newCloudFrontProbe).
func reachesWithoutOrgs(st policy.Statement, src string, seed probeSeed, bucket, region, partition, owner string) (bool, error) {
	st = st.Clone()
	var cond policy.Condition
	for _, b := range st.Condition {
		b.Entries = slices.DeleteFunc(b.Entries, func(e policy.ConditionEntry) bool {
			return slices.ContainsFunc(orgKeys[:], func(k string) bool { return policy.EqualName(e.Key, k) })
		})
		if len(b.Entries) > 0 {
			cond = append(cond, b)
		}
	}
	st.Condition = cond
	p, err := newCloudFrontProbe(&policy.Document{Version: policy.Version2012, Statements: []policy.Statement{st}}, bucket, region, partition, owner)
	if err != nil {
		return false, err
	}
	return len(p.reach(src, seed)) > 0, nil
}

// namedWaysIn returns a warning for each other way in doc names and the
// wiring keeps: a distribution other than self named exactly (in a
// statement other than OACStatementSid's, which grantDistribution reports
// itself); a legacy origin access identity, which every distribution
// that uses it reaches the bucket through, or an S3 canonical user (the
// form S3 may give an identity, or another account's); and a statement
// that lets requests made through an access point (of an account in
// accounts or one the statement names, in region) in, so that the access
// points' own policies, which this package does not read, decide whether
// other distributions reach the bucket through them.
func namedWaysIn(doc *policy.Document, bucket, self, region, owner string, accounts []string) ([]string, error) {
	if doc == nil {
		return nil, nil
	}
	doc = withoutSid(doc, OACStatementSid)
	partition := partitionOf(self, region)
	p, err := newCloudFrontProbe(doc, bucket, region, partition, owner)
	if err != nil {
		return nil, err
	}
	var names, delegated []string
	dists := map[string][]string{}
	// A distribution no statement names, through an access point: what
	// lets it in only because of the access point (an unscoped statement
	// is unscopedCloudFrontAccess's) is a delegation.
	probe := madeUpDistribution(partition, probeAccounts[0])
	for _, seed := range p.seeds {
		for _, v := range seed.named {
			if v == self {
				continue
			}
			for _, name := range p.reach(v, seed) {
				list, ok := dists[name]
				if !ok {
					names = append(names, name)
				}
				addUnique(&list, v)
				dists[name] = list
			}
		}
		unscoped := p.reach(probe, seed)
		for _, a := range append(slices.Clone(accounts), seed.accounts...) {
			if !policy.IsAccountID(a) {
				continue
			}
			ap := "arn:" + partition + ":s3:" + region + ":" + a + ":accesspoint/" + strings.ToLower(probeDistributionID)
			for _, name := range p.reach(probe, seed, "s3:DataAccessPointAccount", a, "s3:DataAccessPointArn", ap, "s3:AccessPointNetworkOrigin", "Internet") {
				if !slices.Contains(unscoped, name) {
					addUnique(&delegated, name)
				}
			}
		}
	}
	var out []string
	if p.contexts > maxBucketContexts {
		out = append(out, fmt.Sprintf("the bucket policy names %d combinations of accounts, organizations and organizational units, and only %d were checked for other distributions it lets in", p.contexts, maxBucketContexts))
	}
	for _, name := range names {
		out = append(out, fmt.Sprintf("the bucket policy statement %s also lets distribution %s reach the bucket", name, strings.Join(dists[name], ", ")))
	}
	for _, name := range delegated {
		out = append(out, fmt.Sprintf("the bucket policy statement %s lets requests made through an access point in: the access points' policies, which are not checked here, decide whether other distributions reach the bucket through them", name))
	}
	for i, s := range doc.Statements {
		if s.Effect != policy.Allow || s.Principal == nil {
			continue
		}
		for _, v := range s.Principal.Get(policy.PrincipalAWS) {
			if id, ok := policy.OAIOfPrincipal(v); ok {
				out = append(out, fmt.Sprintf("the bucket policy statement %s lets %s read: every distribution that uses it reaches the bucket; Migrate removes it once none does", statementName(s, i), describeOAI(id)))
			}
		}
		for _, v := range s.Principal.Get(policy.PrincipalCanonicalUser) {
			out = append(out, fmt.Sprintf("the bucket policy statement %s grants the S3 canonical user %s (a legacy origin access identity, or another account)", statementName(s, i), v))
		}
	}
	return out, nil
}

// unscopedError is the ErrUnscopedCloudFrontAccess for the statements
// unscopedCloudFrontAccess found.
func unscopedError(found []string) error {
	return fmt.Errorf("%w: statement %s lets cloudfront.amazonaws.com in for distributions it does not name in AWS:SourceArn; name them, or set Options.AllowUnscopedCloudFrontAccess", ErrUnscopedCloudFrontAccess, strings.Join(found, ", "))
}

// unscopedWarning is the warning for the statements
// unscopedCloudFrontAccess found, when they are allowed.
func unscopedWarning(found []string) string {
	return fmt.Sprintf("the bucket policy statement %s lets cloudfront.amazonaws.com in for distributions it does not name in AWS:SourceArn: they reach the bucket around this one", strings.Join(found, ", "))
}

// withoutSid returns doc without the statement sid (doc itself when it has
// none).
func withoutSid(doc *policy.Document, sid string) *policy.Document {
	if _, ok := statementBySid(doc, sid); !ok {
		return doc
	}
	next := doc.Clone()
	next.Statements = slices.DeleteFunc(next.Statements, func(s policy.Statement) bool { return s.Sid == sid })
	return next
}

// partitionOf returns the partition of the distribution ARN arn, else
// (no distribution yet) that of the bucket's Region, else "aws", where
// aws-sdk-go-v2 resolves a Region no partition claims.
func partitionOf(arn, region string) string {
	if p, ok := policy.ARNPartition(arn); ok {
		return p
	}
	return policy.EndpointPartition(region)
}

// readBlocked reports whether doc keeps the distribution self from reading
// every object its OACStatementSid statement covers (a Deny elsewhere in
// the policy, as policy.Evaluate decides for the request CloudFront makes,
// with the bucket's own keys, bucketContexts, of the owner's account
// owner and the bucket's region: a read any of them allows is not
// blocked), and names the
// statement that denies it ("" when nothing allows it).
func readBlocked(doc *policy.Document, bucket, region, self, owner string) (string, bool, error) {
	st, ok := statementBySid(doc, OACStatementSid)
	if !ok {
		return "", false, nil
	}
	compiled, err := policy.Compile(doc)
	if err != nil {
		return "", false, err
	}
	ctxs, _ := bucketContexts(doc, owner, region) // past the bound, a warning too many
	denier := ""
	for _, r := range st.Resource {
		f := strings.SplitN(r, ":", 6)
		if len(f) != 6 {
			continue
		}
		_, key, ok := strings.Cut(f[5], "/")
		if !ok {
			continue
		}
		for _, pairs := range ctxs {
			req := oacRequest(self, "s3:GetObject", "arn:"+partitionOf(self, "")+":s3:::"+bucket+"/"+strings.NewReplacer("*", "x", "?", "x").Replace(key))
			for i := 0; i+1 < len(pairs); i += 2 {
				req.Context.Set(pairs[i], pairs[i+1])
			}
			res := compiled.Decide(req)
			if res.Allowed() {
				return "", false, nil
			}
			if res.Decision == policy.DecisionExplicitDeny && denier == "" {
				denier = statementName(doc.Statements[res.By.Index], res.By.Index)
			}
		}
	}
	return denier, true, nil
}

// oacRequest is the request S3 sees from distribution src through OAC:
// cloudfront.amazonaws.com, with AWS:SourceArn, aws:SourceAccount (the
// ARN's account), aws:SecureTransport, the time (aws:CurrentTime and
// aws:EpochTime: now), and SigV4 in the Authorization header
// (s3:signatureversion AWS4-HMAC-SHA256, s3:authType REST-HEADER): with
// signing behavior always "CloudFront signs all origin requests,
// overwriting the Authorization header from the viewer request if one
// exists", and sigv4 is "the only valid value" of the signing protocol
// (CloudFront API reference, OriginAccessControlConfig). A key left out
// holds in no condition and in every negated one, so a Deny of other
// signature versions ("StringNotEquals": {"s3:signatureversion":
// "AWS4-HMAC-SHA256"}) would refuse every request asked about and hide
// the grants beside it.
func oacRequest(src, action, resource string) *policy.Request {
	account := ""
	if f := strings.SplitN(src, ":", 6); len(f) == 6 {
		account = f[4]
	}
	req := &policy.Request{Caller: policy.Caller{Service: "cloudfront.amazonaws.com"}, Action: action, Resource: resource}
	req.Context.Set("aws:SourceArn", src)
	req.Context.Set("aws:SourceAccount", account)
	req.Context.SetBool("aws:SecureTransport", true)
	req.Context.SetTime("aws:CurrentTime", time.Now())
	req.Context.Set("s3:signatureversion", "AWS4-HMAC-SHA256")
	req.Context.Set("s3:authType", "REST-HEADER")
	return req
}
