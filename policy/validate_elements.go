package policy

import (
	"net/netip"
	"slices"
	"strconv"
	"strings"
)

func (v *validator) principal(i int, p *Principal, path string) {
	if p.Wildcard {
		return
	}
	if len(p.Entries) == 0 {
		v.add("EMPTY_OBJECT_PRINCIPAL", i, path, "the principal object is empty")
		return
	}
	for _, e := range p.Entries {
		ep := path + "." + string(e.Type)
		switch e.Type {
		case PrincipalAWS, PrincipalService, PrincipalFederated, PrincipalCanonicalUser:
		default:
			v.add("INVALID_PRINCIPAL_KEY", i, ep, "principal type %q must be AWS, Service, Federated or CanonicalUser (case-sensitive)", string(e.Type))
			continue
		}
		if len(e.Values) == 0 {
			v.add("EMPTY_ARRAY_PRINCIPAL", i, ep, "the %s principal list is empty", string(e.Type))
		}
		for j, val := range e.Values {
			vp := ep + "[" + strconv.Itoa(j) + "]"
			switch {
			case strings.Contains(val, "${"):
				v.add("VARIABLE_UNSUPPORTED_IN_ELEMENT", i, vp, "policy variables are not allowed in principals (%q)", val)
			case isPlaceholder(val):
				v.add(CodePlaceholder, i, vp, "principal %q looks like a placeholder; put the real value", val)
			case e.Type == PrincipalAWS:
				v.awsPrincipal(i, vp, val)
			case e.Type == PrincipalService:
				if hasWildcard(val) {
					v.add("UNSUPPORTED_WILDCARD_IN_PRINCIPAL", i, vp, "service principal %q cannot contain a wildcard", val)
				} else if !validServicePrincipal(val) {
					v.add("INVALID_SERVICE_PRINCIPAL_FORMAT", i, vp, "service principal %q is not of the form service.amazonaws.com", val)
				}
			case e.Type == PrincipalCanonicalUser:
				if !isHex(val, 64) {
					v.add("INVALID_PRINCIPAL_FORMAT", i, vp, "canonical user ID %q must be 64 hexadecimal characters", val)
				}
			}
		}
	}
}

func (v *validator) awsPrincipal(i int, path, val string) {
	if val == "*" || IsAccountID(val) {
		return
	}
	if !strings.HasPrefix(val, "arn:") {
		v.add("INVALID_PRINCIPAL_FORMAT", i, path, "AWS principal %q must be \"*\", a 12-digit account ID or an IAM ARN", val)
		return
	}
	if hasWildcard(val) {
		v.add("UNSUPPORTED_WILDCARD_IN_PRINCIPAL", i, path, "AWS principal %q cannot contain a wildcard; use \"*\" with a condition such as aws:PrincipalArn", val)
		return
	}
	f := strings.SplitN(val, ":", 6)
	switch {
	case len(f) == 6 && f[4] == "cloudfront" && strings.HasPrefix(f[5], "user/CloudFront Origin Access Identity "):
		// The legacy CloudFront origin access identity principal.
	case len(f) < 6:
		v.add("INVALID_PRINCIPAL_FORMAT", i, path, "principal ARN %q has fewer than six fields", val)
	case !IsPartition(f[1]):
		v.add("INVALID_PRINCIPAL_FORMAT", i, path, "principal ARN %q has an unknown partition %q", val, f[1])
	case f[2] != "iam" && f[2] != "sts":
		v.add("INVALID_PRINCIPAL_FORMAT", i, path, "principal ARN %q must be an iam or sts ARN", val)
	case f[3] != "":
		v.add("INVALID_PRINCIPAL_FORMAT", i, path, "principal ARN %q must not have a region", val)
	case !IsAccountID(f[4]):
		v.add("INVALID_PRINCIPAL_FORMAT", i, path, "principal ARN %q must have a 12-digit account ID", val)
	case f[5] == "":
		v.add("INVALID_PRINCIPAL_FORMAT", i, path, "principal ARN %q has no resource", val)
	case !validPrincipalResource(f[2], f[5]):
		v.add("INVALID_PRINCIPAL_FORMAT", i, path, "principal ARN %q names no principal: use an account root (:root), user/NAME or role/NAME in iam, or assumed-role/ROLE/SESSION or federated-user/NAME in sts", val)
	case f[2] == "iam" && (strings.HasPrefix(f[5], "group/") || strings.HasPrefix(f[5], "instance-profile/")):
		// IAM user guide, "Principal": "You cannot identify a user group as
		// a principal"; S3 refuses the policy ("Invalid principal").
		v.add("INVALID_PRINCIPAL_FORMAT", i, path, "principal %q is an IAM group or instance profile, which cannot be a principal; name its users or roles", val)
	}
}

// validPrincipalResource reports whether the resource part of an iam or
// sts principal ARN has a principal's shape: "root", "user/[path/]NAME",
// "role/[path/]NAME", "assumed-role/ROLE/SESSION", "federated-user/NAME".
// IAM groups and instance profiles have the shape but are refused
// separately.
func validPrincipalResource(svc, res string) bool {
	named := func(prefix string) bool {
		rest, ok := strings.CutPrefix(res, prefix)
		return ok && rest != "" && !strings.HasSuffix(rest, "/") && !strings.Contains(rest, "//")
	}
	if svc == "iam" {
		return res == "root" || named("user/") || named("role/") || named("group/") || named("instance-profile/")
	}
	if named("assumed-role/") {
		return strings.Count(res, "/") == 2
	}
	return named("federated-user/")
}

func validServicePrincipal(s string) bool {
	if s == "" || strings.ContainsAny(s, " /:") || s != strings.ToLower(s) {
		return false
	}
	return strings.HasSuffix(s, ".amazonaws.com") || strings.HasSuffix(s, ".amazonaws.com.cn") || strings.HasSuffix(s, ".amazon.com")
}

func isHex(s string, n int) bool {
	if len(s) != n {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F') {
			return false
		}
	}
	return true
}

// placeholderWords are the words a placeholder copied from documentation
// and never filled in is made of (BUCKET_NAME, ACCOUNT-ID, DISTRIBUTION_ID).
// One of them alone (BUCKET, REGION) is a placeholder too, except the
// generic ID, KEY, ARN and NUMBER.
var placeholderWords = map[string]bool{
	"BUCKET": true, "ACCOUNT": true, "REGION": true, "NAME": true, "PREFIX": true,
	"DISTRIBUTION": true, "ROLE": true, "USER": true, "ORG": true, "VPC": true, "VPCE": true,
	"ID": false, "KEY": false, "ARN": false, "NUMBER": false,
}

// placeholderMarkers mark a placeholder wherever they appear as a word of an
// all-capitals token (YOUR-BUCKET, EXAMPLE-LOGGING-PREFIX).
var placeholderMarkers = map[string]bool{"YOUR": true, "EXAMPLE": true, "PLACEHOLDER": true, "REPLACE": true, "CHANGEME": true}

// isPlaceholder reports whether s contains placeholder text: <...>, {{...}},
// or an all-capitals token that is made only of placeholder words
// (BUCKET_NAME, ACCOUNT-ID, REGION) or has a marker word (YOUR-BUCKET,
// EXAMPLE-PREFIX). Other all-capitals tokens are left alone: object keys
// and tag values are case-sensitive and USER_UPLOADS/ is a real prefix.
func isPlaceholder(s string) bool {
	if strings.ContainsAny(s, "<>") || strings.Contains(s, "{{") {
		return true
	}
	// Policy variables are not placeholders.
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			break
		}
		s = s[:i] + s[i+j+1:]
	}
	for _, tok := range strings.FieldsFunc(s, func(r rune) bool { return r == ':' || r == '/' || r == '*' || r == '.' }) {
		if tok != strings.ToUpper(tok) || strings.ToLower(tok) == tok {
			continue // not all capitals
		}
		words := strings.FieldsFunc(tok, func(r rune) bool { return r == '_' || r == '-' })
		all, core := len(words) > 0, false
		for _, w := range words {
			if placeholderMarkers[w] {
				return true
			}
			c, ok := placeholderWords[w]
			all = all && ok
			core = core || c
		}
		if all && core {
			return true
		}
	}
	return false
}

// actions checks an Action or NotAction list and returns the set of
// catalog actions it covers.
func (v *validator) actions(i int, vals Values, path string) aset {
	var all aset
	if len(vals) == 0 {
		v.add("EMPTY_ARRAY_ACTION", i, path, "the action list is empty")
		return all
	}
	resourcePolicy := !isIdentity(v.opts.Kind)
	// exp[j] is the set of catalog actions value j covers, as a bit set, so
	// that finding redundant values stays cheap for long lists.
	exp := make([]aset, len(vals))
	for j, a := range vals {
		ap := path + "[" + strconv.Itoa(j) + "]"
		if strings.Contains(a, "${") {
			v.add("VARIABLE_UNSUPPORTED_IN_ELEMENT", i, ap, "policy variables are not allowed in actions (%q)", a)
			continue
		}
		if a == "*" {
			exp[j] = v.cat.all()
			continue
		}
		svc, name, ok := strings.Cut(a, ":")
		switch {
		case !ok || svc == "" || name == "":
			v.add("INVALID_ACTION", i, ap, "action %q is not of the form service:action", a)
			continue
		case hasWildcard(svc):
			v.add("WILDCARD_IN_SERVICE_NAME", i, ap, "action %q has a wildcard in the service name; name the service", a)
			continue
		case !equalFoldASCII(svc, "s3"):
			if resourcePolicy {
				// Access Analyzer's code for an action of an existing service
				// that the resource's policy cannot grant ("The action
				// kms:Decrypt is not supported for the resource-based policy
				// attached to the resource type S3 Bucket");
				// INVALID_SERVICE_IN_ACTION is for a service that does not exist.
				v.add("UNSUPPORTED_ACTION_IN_POLICY", i, ap, "action %q is not supported in a %s, which can only grant s3 actions", a, v.opts.Kind)
			}
			continue
		}
		exp[j] = v.cat.expand(a)
		if !exp[j].empty() {
			continue
		}
		if hasWildcard(name) {
			v.add("INVALID_ACTION", i, ap, "action pattern %q matches no S3 action", a)
		} else {
			v.add("INVALID_ACTION", i, ap, "%q is not an S3 action", a)
		}
	}
	// Redundant values: one whose actions another value already covers.
	for j := range vals {
		all = all.union(exp[j])
		if exp[j].empty() {
			continue
		}
		for k := range vals {
			if k == j || exp[k].empty() || !exp[k].covers(exp[j]) {
				continue
			}
			if exp[k].equal(exp[j]) && k > j {
				continue // equal sets: report the later one only
			}
			v.add("REDUNDANT_ACTION", i, path+"["+strconv.Itoa(j)+"]", "%q is already covered by %q", vals[j], vals[k])
			break
		}
	}
	return all
}

// actionSet is a set of catalog actions by index.
type actionSet [(len(catalogActions) + 63) / 64]uint64

// expandSet returns the catalog actions an action pattern matches.
func expandSet(pattern string) actionSet {
	var s actionSet
	m := newActionMatcher(pattern)
	if m.kind == matchAll || (m.kind == matchPrefix && m.pattern == "s3:") {
		for idx := range catalogActions {
			s[idx/64] |= 1 << (idx % 64)
		}
		return s
	}
	for idx := range catalogActions {
		if m.match(catalogActions[idx].Name) {
			s[idx/64] |= 1 << (idx % 64)
		}
	}
	return s
}

func (s actionSet) has(idx int) bool { return s[idx/64]&(1<<(idx%64)) != 0 }

func (s actionSet) empty() bool { return s == actionSet{} }

func (s actionSet) union(o actionSet) actionSet {
	for i := range s {
		s[i] |= o[i]
	}
	return s
}

// minus returns the actions of s that are not in o.
func (s actionSet) minus(o actionSet) actionSet {
	for i := range s {
		s[i] &^= o[i]
	}
	return s
}

// covers reports whether every action of sub is in s.
func (s actionSet) covers(sub actionSet) bool {
	for i := range s {
		if sub[i]&^s[i] != 0 {
			return false
		}
	}
	return true
}

func (v *validator) resources(i int, vals Values, path string) {
	if len(vals) == 0 {
		v.add("EMPTY_ARRAY_RESOURCE", i, path, "the resource list is empty")
		return
	}
	for j, r := range vals {
		rp := path + "[" + strconv.Itoa(j) + "]"
		if r == "*" {
			continue
		}
		if isPlaceholder(r) {
			v.add(CodePlaceholder, i, rp, "resource %q contains placeholder text; put the real bucket name, region or account", r)
			continue
		}
		if strings.Contains(r, "${") {
			v.variables(i, rp, r, true)
		}
		v.arn(i, rp, r)
	}
	if len(vals) > maxRedundancyCheck {
		return // quadratic; skip for very long lists
	}
	for j := range vals {
		for k := range vals {
			if k == j || !patternCovers(vals[k], vals[j]) || (vals[k] == vals[j] && k > j) {
				continue
			}
			v.add("REDUNDANT_RESOURCE", i, path+"["+strconv.Itoa(j)+"]", "%q is already covered by %q", vals[j], vals[k])
			break
		}
	}
}

// patternCovers reports whether every resource the ARN pattern j names is
// also named by the ARN pattern k, so that j is redundant next to k. Matching
// j as a literal ARN against k is not enough: "b/?" matches the text "b/*"
// but names far less. Fields are compared one by one, as IAM matches them;
// the answer errs on "no" (the check only suggests removing a value).
func patternCovers(k, j string) bool {
	if k == "*" {
		return true
	}
	if !hasWildcard(j) {
		return resourceGlob(k, j, false)
	}
	fk, fj := strings.SplitN(k, ":", 6), strings.SplitN(j, ":", 6)
	if len(fk) != 6 || len(fj) != 6 {
		return k == j
	}
	for i := range fk {
		if !globCovers([]rune(fk[i]), []rune(fj[i])) {
			return false
		}
	}
	return true
}

// globCovers reports whether the wildcard pattern k matches every string the
// pattern j matches, treating j's wildcards as symbols: k's * takes any run
// of j (wildcards included), k's ? one literal character or ?, and a
// literal only the same literal. It is sound, not complete.
func globCovers(k, j []rune) bool {
	// next[b] is whether k[a+1:] covers j[b:]; cur[b] is for k[a:].
	next := make([]bool, len(j)+1)
	cur := make([]bool, len(j)+1)
	next[len(j)] = true // the empty pattern covers only the empty pattern
	for a := len(k) - 1; a >= 0; a-- {
		for b := len(j); b >= 0; b-- {
			switch {
			case k[a] == '*':
				cur[b] = next[b] || (b < len(j) && cur[b+1])
			case b == len(j):
				cur[b] = false
			case k[a] == '?':
				cur[b] = j[b] != '*' && next[b+1]
			default:
				cur[b] = j[b] == k[a] && next[b+1]
			}
		}
		next, cur = cur, next
	}
	return next[0]
}

// maxRedundancyCheck bounds the quadratic REDUNDANT_RESOURCE check.
const maxRedundancyCheck = 256

// arn checks a Resource ARN.
func (v *validator) arn(i int, path, r string) {
	if !strings.HasPrefix(r, "arn:") {
		v.add("INVALID_ARN_PREFIX", i, path, "resource %q must be an ARN starting with \"arn:\" (for a bucket: arn:aws:s3:::bucket-name)", r)
		return
	}
	f := strings.SplitN(r, ":", 6)
	if len(f) < 6 {
		v.shortARN(i, path, r, f)
		return
	}
	part, svc, region, account, res := f[1], f[2], f[3], f[4], f[5]
	if !hasWildcard(part) && !IsPartition(part) {
		v.add("INVALID_PARTITION", i, path, "resource ARN %q has an unknown partition %q", r, part)
	}
	switch {
	case hasWildcard(svc):
		v.add("INVALID_SERVICE", i, path, "the service of resource ARN %q cannot be a wildcard", r)
		return
	case equalFoldASCII(svc, "s3") && svc != "s3":
		v.add("INVALID_ARN_SERVICE_CASE", i, path, "the service of resource ARN %q must be lower-case \"s3\"", r)
		return
	case svc != "s3" && svc != "s3-object-lambda":
		if !isIdentity(v.opts.Kind) {
			v.add("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", i, path, "resource %q is not an S3 resource; a %s can only name S3 resources", r, v.opts.Kind)
		}
		return
	}
	if res == "" {
		v.add("MISSING_ARN_FIELD", i, path, "resource ARN %q has no resource part", r)
		return
	}
	if region != "" && !hasWildcard(region) && !strings.Contains(region, "${") && !validRegion(region) {
		v.add("INVALID_ARN_REGION", i, path, "resource ARN %q has an invalid region %q", r, region)
	}
	if account != "" && !hasWildcard(account) && !strings.Contains(account, "${") && !IsAccountID(account) {
		v.add("INVALID_ARN_ACCOUNT", i, path, "resource ARN %q has an invalid account %q (12 digits)", r, account)
	}
	if svc != "s3" || (s3ResourcePrefix(res) != "" && !bucketOrObjectARN(region, account)) {
		if region == "" && !(strings.HasPrefix(res, "accesspoint/") && account != "") {
			v.add("MISSING_ARN_REGION", i, path, "resource ARN %q needs a region", r)
		}
		return
	}
	if !bucketOrObjectARN(region, account) && mayNamePrefixed(res) {
		// "arn:aws:s3:*:*:*", "arn:aws:s3:us-east-1:111122223333:*": the
		// resource part can name an access point, a job, …, whose ARNs have
		// a Region or an account, so this is no bucket ARN spelled oddly.
		return
	}
	// A bucket or object ARN: arn:aws:s3:::bucket[/key]. A field of only
	// "*" matches the empty field, so it works; anything else (a region, an
	// account, "?", a variable) never matches a bucket ARN.
	switch {
	case region != "" && !onlyStars(region):
		v.add("ARN_REGION_NOT_ALLOWED", i, path, "bucket and object ARNs have no region: arn:aws:s3:::bucket-name, not %q", r)
	case account != "" && !onlyStars(account):
		v.add("ARN_ACCOUNT_NOT_ALLOWED", i, path, "bucket and object ARNs have no account: arn:aws:s3:::bucket-name, not %q", r)
	case region != "" || account != "":
		v.add(CodeBucketARNWildcardField, i, path, "bucket and object ARNs leave the region and account empty; %q works because * matches the empty field, but %q says the same plainly", r, "arn:"+part+":s3:::"+res)
	}
	bucket, _, _ := strings.Cut(res, "/")
	// Legacy us-east-1 names (upper case, '_', up to 255 characters) still
	// name buckets: only a name no bucket can have matches none.
	if !hasWildcard(bucket) && !strings.Contains(bucket, "${") && CheckBucketName(bucket) != nil {
		v.add(CodeInvalidBucketName, i, path, "%q is not a valid bucket name (3 to 255 letters, digits, dots, hyphens and underscores, starting and ending with a letter or digit; 63 lower-case ones for buckets made since March 2018)", bucket)
	}
}

// shortARN checks a Resource ARN of fewer than six fields (f, split at its
// colons). One whose segment ends in * works the way MatchARN matches it:
// "If the * wildcard is the last character of a resource ARN segment, it
// can expand to match beyond the colon boundaries" (IAM user guide, "IAM
// JSON policy elements: Resource"), so "arn:aws:s3:*" names every S3
// resource. The same page recommends wildcards "within ARN segments
// separated by colons": a WARNING with the six-field spelling. Without such
// a segment the ARN names nothing (MISSING_ARN_FIELD), and the service
// segment may hold no wildcard ("You can't use a wildcard in the service
// segment"), also when a * before it would span it.
func (v *validator) shortARN(i int, path, r string, f []string) {
	_, spans := splitResourcePattern(r, false)
	switch {
	case !spans:
		v.add("MISSING_ARN_FIELD", i, path, "resource ARN %q has fewer than six colon-separated fields (arn:partition:service:region:account:resource)", r)
		return
	case len(f) < 3 || hasWildcard(f[1]) || hasWildcard(f[2]):
		v.add("INVALID_SERVICE", i, path, "the service of resource ARN %q cannot be a wildcard", r)
		return
	}
	part, svc := f[1], f[2]
	if !IsPartition(part) {
		v.add("INVALID_PARTITION", i, path, "resource ARN %q has an unknown partition %q", r, part)
	}
	switch {
	case equalFoldASCII(svc, "s3") && svc != "s3":
		v.add("INVALID_ARN_SERVICE_CASE", i, path, "the service of resource ARN %q must be lower-case \"s3\"", r)
		return
	case svc != "s3" && svc != "s3-object-lambda" && !isIdentity(v.opts.Kind):
		v.add("UNSUPPORTED_RESOURCE_ARN_IN_POLICY", i, path, "resource %q is not an S3 resource; a %s can only name S3 resources", r, v.opts.Kind)
		return
	}
	if strings.HasSuffix(r, "*") {
		six := r + strings.Repeat(":*", 6-len(f))
		v.add(CodeShortARNWildcard, i, path, "resource ARN %q has fewer than six fields; it works because a * that ends a segment also matches the colons after it, but %q says the same with a wildcard in each field", r, six)
		return
	}
	v.add(CodeShortARNWildcard, i, path, "resource ARN %q has fewer than six fields; it works because a * that ends a segment also matches the colons after it, but write all six (arn:partition:service:region:account:resource) with a wildcard in each field it should cover", r)
}

func validRegion(s string) bool {
	// us-east-1, eu-central-2, us-gov-west-1, cn-north-1, ap-southeast-4, …
	parts := strings.Split(s, "-")
	if len(parts) < 3 {
		return false
	}
	if _, err := strconv.Atoi(parts[len(parts)-1]); err != nil {
		return false
	}
	for _, p := range parts[:len(parts)-1] {
		if p == "" || strings.ToLower(p) != p {
			return false
		}
	}
	return true
}

// s3ResourcePrefix returns the resource-type prefix of the resource part of
// an s3 ARN ("accesspoint/", "job/", …), or "" for a bucket or object.
func s3ResourcePrefix(res string) string {
	for _, p := range s3ResourcePrefixes {
		if strings.HasPrefix(res, p) {
			return p
		}
	}
	if res == "access-grants" {
		return res
	}
	return ""
}

// s3ResourcePrefixes start the resource part of the S3 ARNs that are not
// bucket or object ARNs (see s3ResourcePrefix).
var s3ResourcePrefixes = [...]string{"accesspoint/", "job/", "storage-lens/", "storage-lens-group/", "access-grants/", "async-request/"}

// mayNamePrefixed reports whether the resource part pattern res may match
// the resource part of an S3 ARN that is not a bucket or object ARN (one
// s3ResourcePrefix knows): its text before the first wildcard or policy
// variable agrees with the start of such a resource part.
func mayNamePrefixed(res string) bool {
	i := strings.IndexAny(res, "*?$")
	if i < 0 {
		return s3ResourcePrefix(res) != ""
	}
	lit := res[:i]
	for _, p := range s3ResourcePrefixes {
		if strings.HasPrefix(p, lit) || strings.HasPrefix(lit, p) {
			return true
		}
	}
	return false
}

// onlyStars reports whether s is made of "*" alone (one or more).
func onlyStars(s string) bool { return s != "" && strings.Trim(s, "*") == "" }

// resourceTypes returns the S3 resource types an ARN pattern can name; ok is
// false when it can name any type ("*", a wildcard service, an ARN of a
// shape not known here, …). A policy variable can stand for any text, a
// slash included, so it counts as a wildcard.
func resourceTypes(r string) (types []string, ok bool) {
	r = variablesAsWildcards(r)
	f := strings.SplitN(r, ":", 6)
	if r == "*" || len(f) < 6 || hasWildcard(f[2]) {
		return nil, false
	}
	svc, region, account, res := f[2], f[3], f[4], f[5]
	if svc == "s3-object-lambda" {
		return []string{"objectlambdaaccesspoint"}, true
	}
	if svc != "s3" || res == "" {
		return nil, false
	}
	if !bucketOrObjectARN(region, account) && s3ResourcePrefix(res) == "" && mayNamePrefixed(res) {
		return nil, false // "*", "a*", "j*": may be an access point, a job, …: any type
	}
	prefix := s3ResourcePrefix(res)
	if bucketOrObjectARN(region, account) {
		prefix = "" // bucket "job", "accesspoint", …: valid bucket names
	}
	var bucketTypes []string
	if (region == "" || onlyStars(region)) && (account == "" || onlyStars(account)) {
		// A field of only "*" matches the empty one: the pattern names
		// buckets or objects too.
		bucket, _, slash := strings.Cut(res, "/")
		switch {
		case slash:
			bucketTypes = []string{"object"}
		case hasWildcard(bucket):
			bucketTypes = []string{"bucket", "object"}
		default:
			bucketTypes = []string{"bucket"}
		}
	}
	switch prefix {
	case "":
		if bucketTypes == nil {
			return nil, false // not a bucket or object ARN; maybe a newer resource type
		}
		return bucketTypes, true
	}
	types, ok = prefixedResourceTypes(prefix, region, account, res)
	return append(types, bucketTypes...), ok
}

// bucketOrObjectARN reports whether an s3 ARN with these region and account
// fields names a bucket or an object, whatever its resource part: S3's
// bucket and object ARNs ("arn:${Partition}:s3:::${BucketName}" and
// "arn:${Partition}:s3:::${BucketName}/${ObjectName}") have neither, every
// other S3 resource type has a region or an account, and "job",
// "accesspoint" or "storage-lens" are valid bucket names.
func bucketOrObjectARN(region, account string) bool { return region == "" && account == "" }

// prefixedResourceTypes returns the resource types of an s3 ARN whose
// resource part starts with a resource-type prefix ("accesspoint/", "job/",
// …; see s3ResourcePrefix).
func prefixedResourceTypes(prefix, region, account, res string) (types []string, ok bool) {
	switch prefix {
	case "accesspoint/":
		// A Multi-Region Access Point's ARN has an account and no Region;
		// a Region of only "*" matches that empty field too.
		if region == "" || onlyStars(region) {
			if account != "" {
				types = append(types, "multiregionaccesspoint")
			}
			if region == "" {
				return types, true
			}
		}
		rest := res[len(prefix):]
		switch {
		case strings.Contains(rest, "/object/"):
			types = append(types, "accesspointobject")
		case hasWildcard(rest):
			types = append(types, "accesspoint", "accesspointobject")
		default:
			types = append(types, "accesspoint")
		}
		return types, true
	case "job/":
		return []string{"job"}, true
	case "storage-lens/":
		return []string{"storagelensconfiguration"}, true
	case "storage-lens-group/":
		return []string{"storagelensgroup"}, true
	case "async-request/":
		return []string{"multiregionaccesspointrequestarn"}, true
	default: // access-grants
		switch {
		case strings.Contains(res, "/location/"):
			return []string{"accessgrantslocation"}, true
		case strings.Contains(res, "/grant/"):
			return []string{"accessgrant"}, true
		case hasWildcard(res):
			return nil, false
		}
		return []string{"accessgrantsinstance"}, true
	}
}

// resourceScope is what the resources of a statement can name, to tell
// whether an action can apply to them.
type resourceScope struct {
	any   bool     // some resource can be of any type ("*", NotResource, a wildcard service)
	types []string // the S3 resource types the resources can be
	// typeless is true when some resource matches "arn:aws:s3:::*", the
	// resource AWS's examples give actions that take none
	// (s3:ListAllMyBuckets).
	typeless bool
}

// statementScope returns what the statement's Resource can name.
func statementScope(s *Statement) resourceScope {
	var sc resourceScope
	if s.Resource == nil {
		sc.any = true // NotResource, or nothing: any resource
		return sc
	}
	for _, r := range s.Resource {
		ts, ok := resourceTypes(r)
		if !ok {
			sc.any = true
		}
		sc.types = append(sc.types, ts...)
		if f := strings.SplitN(r, ":", 3); len(f) == 3 && MatchARN(r, "arn:"+f[1]+":s3:::*") {
			sc.typeless = true
		}
	}
	return sc
}

// applies reports whether the action applies to some resource of the
// scope. An action that takes no resource (s3:ListAllMyBuckets) applies
// only to Resource "*" or "arn:aws:s3:::*".
func (sc *resourceScope) applies(a *Action) bool {
	if sc.any || (len(a.Resources) == 0 && sc.typeless) {
		return true
	}
	for _, r := range a.Resources {
		if slices.Contains(sc.types, r.ResourceType) {
			return true
		}
	}
	return false
}

// applicable returns the actions of set that apply to a resource of the
// scope, in catalog order.
func (c *catalog) applicable(set aset, scope resourceScope) []Action {
	var out []Action
	for idx := range c.actions {
		if set.has(idx) && scope.applies(&c.actions[idx]) {
			out = append(out, c.actions[idx])
		}
	}
	return out
}

// variablesAsWildcards replaces each policy variable (${...}) in s with "*".
func variablesAsWildcards(s string) string {
	for {
		i := strings.Index(s, "${")
		if i < 0 {
			return s
		}
		j := strings.IndexByte(s[i:], '}')
		if j < 0 {
			return s
		}
		s = s[:i] + "*" + s[i+j+1:]
	}
}

// actionResourceMatch reports the Action values none of whose actions
// applies to a resource the statement names. When no action of the
// statement applies to any of its resources, the statement has no effect:
// an ERROR on each value. When others still apply, the dead value is a
// WARNING: AWS's own managed policies list s3:ListAllMyBuckets beside
// bucket actions on bucket ARNs, and the statement works for the rest.
func (v *validator) actionResourceMatch(i int, s *Statement, sp string) {
	scope := statementScope(s)
	if scope.any {
		return // some resource can be anything: nothing to report
	}
	type dead struct {
		j    int
		acts []*Action
	}
	var deads []dead
	live := false
	for j, name := range s.Action {
		if name == "*" || !hasPrefixFold(name, "s3:") {
			live = true // another service's actions: their resources are not known here
			continue
		}
		var acts []*Action
		if hasWildcard(name) {
			for idx := range v.cat.actions {
				if MatchAction(name, v.cat.actions[idx].Name) {
					acts = append(acts, &v.cat.actions[idx])
				}
			}
		} else if a := v.cat.lookupAction(name); a != nil {
			acts = []*Action{a}
		}
		switch {
		case len(acts) == 0:
			// Unknown: INVALID_ACTION says so.
		case slices.ContainsFunc(acts, scope.applies):
			live = true
		default:
			deads = append(deads, dead{j, acts})
		}
	}
	types := strings.Join(uniq(scope.types), ", ")
	for _, d := range deads {
		ap := sp + ".Action[" + strconv.Itoa(d.j) + "]"
		name := s.Action[d.j]
		if live {
			if len(d.acts) > 1 {
				v.add(CodeDeadAction, i, ap, "no action matched by %q applies to the statement's resources (of type %s): it grants nothing here, while the statement's other actions do", name, types)
			} else {
				v.add(CodeDeadAction, i, ap, "%s applies to %s, not to the statement's resources (of type %s): it grants nothing here, while the statement's other actions do; move it to a statement with such a resource", d.acts[0].Name, v.describeTypes(d.acts[0]), types)
			}
			continue
		}
		if len(d.acts) > 1 {
			v.add(CodeActionResourceMismatch, i, ap, "no action matched by %q applies to the statement's resources (of type %s)", name, types)
			continue
		}
		v.add(CodeActionResourceMismatch, i, ap, "%s applies to %s, but the statement only names resources of type %s: the statement has no effect for it", d.acts[0].Name, v.describeTypes(d.acts[0]), types)
	}
}

// resourceNotStar reports the Action values that name only actions taking
// no resource (s3:ListAllMyBuckets) in a statement none of whose Resource
// values matches a request without a resource, as the evaluator matches
// it: only "*" does. The Service Authorization Reference: "If there is no
// value for this column, you must specify all resources ("*") to which
// the policy applies in the Resource element of your policy statement."
// Beside bucket ARNs alone such an action is already dead
// (actionResourceMatch); these are the cases that check lets pass: an ARN
// like arn:aws:s3:::*, which AWS's own managed policies give it (so AWS
// may match it; the finding says so), and ARNs of other services or
// patterns such as arn:*.
func (v *validator) resourceNotStar(i int, s *Statement, sp string) {
	if sc := statementScope(s); !sc.typeless && !sc.any {
		return // actionResourceMatch reports the action as applying to none of the resources
	}
	for _, r := range s.Resource {
		if MatchARN(r, "") {
			return
		}
	}
	for j, name := range s.Action {
		if !hasPrefixFold(name, "s3:") {
			continue
		}
		var acts []*Action
		if !hasWildcard(name) {
			if a := v.cat.lookupAction(name); a != nil {
				acts = []*Action{a}
			}
		} else {
			for idx := range v.cat.actions {
				if MatchAction(name, v.cat.actions[idx].Name) {
					acts = append(acts, &v.cat.actions[idx])
				}
			}
		}
		if len(acts) == 0 || slices.ContainsFunc(acts, func(a *Action) bool { return len(a.Resources) > 0 }) {
			continue // unknown (INVALID_ACTION), or it names actions the ARNs can serve
		}
		verb := "grants"
		if s.Effect == Deny {
			verb = "denies"
		}
		what := acts[0].Name + " takes"
		if len(acts) > 1 || hasWildcard(name) {
			what = "the actions " + strconv.Quote(name) + " matches take"
		}
		v.add(CodeResourceNotStar, i, sp+".Action["+strconv.Itoa(j)+"]", "%s no resource, and for such actions the Service Authorization Reference asks for Resource \"*\" (\"If there is no value for this column, you must specify all resources (\"*\")\"): s3secure's evaluator does not let %s decide a request for it, though AWS's own managed policies (CloudFrontFullAccess, AWSBackupFullAccess) give s3:ListAllMyBuckets arn:aws:s3:::*; to be certain the statement %s it, name it with \"Resource\": \"*\"", what, strings.Join(s.Resource, ", "), verb)
	}
}

func (v *validator) describeTypes(a *Action) string {
	if len(a.Resources) == 0 {
		return `Resource "*" only`
	}
	var out []string
	for _, r := range a.Resources {
		if rt := v.cat.resourceType(r.ResourceType); rt != nil && rt.ARNFormat != "" {
			out = append(out, r.ResourceType+" ("+rt.ARNFormat+")")
		} else {
			out = append(out, r.ResourceType)
		}
	}
	return strings.Join(out, " and ")
}

func uniq(s []string) []string {
	out := slices.Clone(s)
	slices.Sort(out)
	return slices.Compact(out)
}

// variables checks the policy variables in a Resource or condition value.
func (v *validator) variables(i int, path, val string, allowed bool) {
	if !allowed {
		v.add("INVALID_VARIABLE_FOR_OPERATOR", i, path, "policy variables are only substituted in string and ARN conditions (%q)", val)
		return
	}
	if v.doc.Version != Version2012 {
		v.add("VARIABLE_UNSUPPORTED_IN_VERSION", i, path, "policy variables need \"Version\": \"2012-10-17\"; %q is taken literally", val)
	}
	rest := val
	for {
		k := strings.Index(rest, "${")
		if k < 0 {
			return
		}
		end := strings.IndexByte(rest[k:], '}')
		if end < 0 {
			v.add("MISSING_BRACE_IN_VARIABLE", i, path, "policy variable in %q has no closing brace", val)
			return
		}
		body := rest[k+2 : k+end]
		rest = rest[k+end+1:]
		name, def, hasDef := strings.Cut(body, ",")
		name = strings.TrimSpace(name)
		switch {
		case strings.TrimSpace(body) == "":
			v.add("EMPTY_VARIABLE", i, path, "empty policy variable ${} in %q", val)
		case name == "*" || name == "?" || name == "$":
		case strings.ContainsAny(name, " \t"):
			v.add("UNSUPPORTED_SPACE_IN_VARIABLE", i, path, "policy variable ${%s} contains a space", body)
		case hasDef:
			d := strings.TrimSpace(def)
			if len(d) < 2 || d[0] != '\'' || d[len(d)-1] != '\'' {
				v.add("MISSING_QUOTE_IN_VARIABLE", i, path, "the default value of ${%s} must be in single quotes", body)
			}
		}
		if name != "*" && name != "?" && name != "$" && name != "" && !strings.ContainsAny(name, " \t") {
			if _, ok := v.cat.lookupConditionKey(name); !ok && (hasPrefixFold(name, "aws:") || hasPrefixFold(name, "s3:")) {
				code := "INVALID_SERVICE_CONDITION_KEY"
				if hasPrefixFold(name, "aws:") {
					code = "INVALID_GLOBAL_CONDITION_KEY"
				}
				v.add(code, i, path, "policy variable ${%s} names an unknown condition key", name)
			}
		}
	}
}

// privateRanges are ranges requests to S3's public endpoints never come
// from: RFC 1918, loopback, link-local, carrier-grade NAT, IPv6 ULA and
// link-local.
var privateRanges = [...]netip.Prefix{
	netip.MustParsePrefix("10.0.0.0/8"),
	netip.MustParsePrefix("172.16.0.0/12"),
	netip.MustParsePrefix("192.168.0.0/16"),
	netip.MustParsePrefix("127.0.0.0/8"),
	netip.MustParsePrefix("169.254.0.0/16"),
	netip.MustParsePrefix("100.64.0.0/10"),
	netip.MustParsePrefix("fc00::/7"),
	netip.MustParsePrefix("fe80::/10"),
	netip.MustParsePrefix("::1/128"),
}

// privateOverlap returns whether p lies within a private range (all) or
// contains one (some).
func privateOverlap(p netip.Prefix) (all, some bool) {
	for _, r := range privateRanges {
		if r.Bits() <= p.Bits() && r.Contains(p.Addr()) {
			return true, true
		}
		if p.Bits() < r.Bits() && p.Contains(r.Addr()) {
			some = true
		}
	}
	return false, some
}
