package policy

import (
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// Intent is what a [Grant] is for. The builder turns it into the smallest
// set of actions that does the job (see [Intent.Actions]).
type Intent string

// Intents a grant can have.
const (
	// ListOnly lists keys: s3:ListBucket.
	ListOnly Intent = "list"
	// ReadOnly lists and reads objects: s3:ListBucket, s3:GetObject.
	ReadOnly Intent = "read-only"
	// WriteOnly uploads objects, including multipart uploads, without
	// reading or listing: s3:PutObject, s3:AbortMultipartUpload.
	WriteOnly Intent = "write-only"
	// ReadWrite lists, reads, uploads and deletes objects: s3:ListBucket,
	// s3:GetObject, s3:PutObject, s3:DeleteObject, s3:AbortMultipartUpload.
	ReadWrite Intent = "read-write"
)

// Actions returns the actions the intent grants (nil for an unknown intent):
// the actions AWS's Service Authorization Reference requires for the API
// operations the intent serves ([RequiredActions]). Listing is
// ListObjectsV2; reading GetObject (HeadObject needs the same); uploading
// PutObject, with multipart uploads (CreateMultipartUpload, UploadPart and
// CompleteMultipartUpload need s3:PutObject too) and AbortMultipartUpload;
// deleting DeleteObject.
func (i Intent) Actions() []string {
	switch i {
	case ListOnly:
		return RequiredActions(false, "ListObjectsV2")
	case ReadOnly:
		return RequiredActions(false, "ListObjectsV2", "GetObject")
	case WriteOnly:
		return RequiredActions(false, "PutObject", "AbortMultipartUpload")
	case ReadWrite:
		return RequiredActions(false, "ListObjectsV2", "GetObject", "PutObject", "DeleteObject", "AbortMultipartUpload")
	}
	return nil
}

// Grant describes access by intent. The builder derives the statements:
// bucket-level actions on "arn:aws:s3:::bucket", object-level actions on
// "arn:aws:s3:::bucket/prefix*" (in BuildOptions.Partition, aws by
// default), and, when Prefix is set, an s3:prefix
// condition on the listing actions (those the catalog says support it,
// s3:ListBucket and s3:ListBucketVersions) only. Which resource an action applies to comes
// from AWS's Service Authorization Reference ([LookupAction]), so an object
// action cannot end up on a bucket ARN.
type Grant struct {
	// Sid, if set, names the statements: Sid+"List" (the listing actions
	// under a prefix), Sid+"Bucket" (other bucket-level actions), Sid+"Objects",
	// Sid+"Any" (actions without a resource type, which need
	// AllowWildcardResources). Letters and digits only.
	Sid string
	// Intent is the access to grant. It may be empty when Actions is set.
	Intent Intent
	// Actions are further s3: actions to grant, by name ("s3:GetObjectTagging").
	// Patterns with wildcards need BuildOptions.AllowWildcardActions.
	Actions []string
	// Bucket is the bucket's name. Required.
	Bucket string
	// Prefix limits object access (and listing) to keys starting with it,
	// for example "reports/". Empty means the whole bucket. Policy variables
	// such as "home/${aws:username}/" are allowed; wildcards are not.
	Prefix string
	// Principal is who gets access, for a bucket policy. Leave it nil for an
	// identity policy (attached to a user, group or role). Everyone
	// ([AnyPrincipal]) needs a limiting Condition or AllowPublic.
	Principal *Principal
	// Condition is added to every statement of the grant, for example
	// NewCondition("StringEquals", "aws:SourceVpce", "vpce-1a2b3c4d").
	// With Prefix and a listing action, a StringLike test of s3:prefix
	// here is refused with ErrInvalidGrant: Prefix's value would join its
	// values, which IAM ORs, and the listing would reach beyond Prefix.
	Condition Condition
}

// BuildOptions names the partition of the [Builder]'s buckets and weakens
// its refusals. The zero value (and nil) names buckets in aws and refuses
// everything listed; each Allow field allows one kind of broad statement
// and says what it risks.
type BuildOptions struct {
	// Partition is the ARN partition of the buckets grants name: "aws-cn"
	// for a bucket in China, "aws-us-gov" in GovCloud ([PartitionOfRegion]
	// of the bucket's Region). S3 in a partition matches only ARNs of that
	// partition, so a grant on arn:aws:s3:::bucket grants nothing on a
	// bucket in China. By default (""), aws. A value that is not an AWS
	// partition ([IsPartition]) makes every method of the Builder fail with
	// a [*PartitionError] before anything is added. Statements given to
	// [Builder.Add] are added as written; see [InPartition].
	Partition string
	// AllowWildcardActions allows Allow statements with action patterns
	// ("*", "s3:*", "s3:Get*"). Risk: they grant every action that matches,
	// including actions AWS adds later.
	AllowWildcardActions bool
	// AllowWildcardResources allows Allow statements on "*" or on ARNs with
	// a wildcard in the bucket name, region or account. Risk: access to
	// every bucket the principal can reach, including ones created later.
	AllowWildcardResources bool
	// AllowPublic allows an Allow to everyone ("*" or {"AWS": "*"}) without
	// a condition S3 counts as limiting (fixed values of aws:SourceIp,
	// aws:SourceVpce, aws:PrincipalOrgID, …). Risk: the data is public; and
	// with Block Public Access on, S3 refuses the policy.
	AllowPublic bool
	// AllowNotPrincipal allows Allow with NotPrincipal. Risk: it grants
	// everyone except the listed principals, anonymous users included.
	AllowNotPrincipal bool
	// AllowNotActionOrNotResource allows Allow with NotAction or
	// NotResource. Risk: it grants everything not listed, including actions
	// and resources added later.
	AllowNotActionOrNotResource bool
	// AllowPermissionsManagement allows Permissions-management actions
	// (s3:PutBucketPolicy, s3:PutBucketAcl, s3:PutObjectAcl, …) in Allow
	// statements. Risk: whoever holds them can grant themselves, or anyone,
	// everything else.
	AllowPermissionsManagement bool
}

// Builder collects statements into a policy document and refuses any that
// is broader than its [BuildOptions] allow. Use [Builder.Grant] to grant by
// intent and [Builder.Add] for a statement written by hand (also checked).
// A Builder is not safe for concurrent use.
type Builder struct {
	opts       BuildOptions
	statements []Statement
}

// NewBuilder returns a builder. A nil opts refuses every broad statement.
func NewBuilder(opts *BuildOptions) *Builder {
	b := &Builder{}
	if opts != nil {
		b.opts = *opts
	}
	return b
}

// Build is NewBuilder(opts), Grant for each grant, then Document.
func Build(grants []Grant, opts *BuildOptions) (*Document, error) {
	b := NewBuilder(opts)
	for _, g := range grants {
		if err := b.Grant(g); err != nil {
			return nil, err
		}
	}
	return b.Document()
}

var sidRe = regexp.MustCompile(`^[A-Za-z0-9]*$`)

// Grant derives the statements for g, checks them and adds them. On error
// nothing is added. Errors are a [*PartitionError] for a bad
// BuildOptions.Partition, and [*BuildError]s wrapping [ErrInvalidGrant]
// (no bucket, unknown intent or action, an action that applies to no
// bucket or object, a bad Sid or prefix), [ErrWildcardAction],
// [ErrWildcardResource], [ErrPublicGrant] or [ErrPermissionsManagement].
func (b *Builder) Grant(g Grant) error {
	if err := b.checkPartition(); err != nil {
		return err
	}
	stmts, err := b.derive(g)
	if err != nil {
		return err
	}
	for i := range stmts {
		if err := b.check(&stmts[i], len(b.statements)+i); err != nil {
			return err
		}
	}
	b.statements = append(b.statements, stmts...)
	return nil
}

// Add checks a hand-written statement and adds it. Deny statements are
// never refused; an Effect other than "Allow" or "Deny" (IAM's values are
// case-sensitive) is refused with [ErrInvalidGrant]. Allow statements are refused, unless an option allows it,
// for: action patterns ([ErrWildcardAction]), "*" or wildcard ARNs
// ([ErrWildcardResource]), everyone without a limiting condition
// ([ErrPublicGrant]), NotPrincipal ([ErrNotPrincipalAllow]), NotAction or
// NotResource ([ErrNotActionOrResourceAllow]) and Permissions-management
// actions ([ErrPermissionsManagement]). Errors are [*BuildError]s, or a
// [*PartitionError] for a bad BuildOptions.Partition.
//
// The ready-made [DelegateToAccessPoints] grants "*" (limited to access
// points by its condition), so Add refuses it without
// AllowWildcardActions; add it with [Merge] instead.
func (b *Builder) Add(s Statement) error {
	if err := b.checkPartition(); err != nil {
		return err
	}
	s = s.Clone()
	if err := b.check(&s, len(b.statements)); err != nil {
		return err
	}
	b.statements = append(b.statements, s)
	return nil
}

// Document returns the policy document (Version [Version2012]) of the
// statements added so far. It fails with a [*BuildError] wrapping
// [ErrInvalidGrant] when no statement was added or when statements with
// and without a principal are mixed (a document is either a resource
// policy or an identity policy), and [ErrDuplicateSid] when two statements
// share a Sid; and with a [*PartitionError] for a bad
// BuildOptions.Partition.
func (b *Builder) Document() (*Document, error) {
	if err := b.checkPartition(); err != nil {
		return nil, err
	}
	if len(b.statements) == 0 {
		return nil, &BuildError{Statement: "(none)", Reason: "no statements", Err: ErrInvalidGrant}
	}
	withPrincipal := 0
	seen := map[string]bool{}
	for i, s := range b.statements {
		if s.Principal != nil || s.NotPrincipal != nil {
			withPrincipal++
		}
		if s.Sid != "" {
			if seen[s.Sid] {
				return nil, &BuildError{Statement: stmtName(s, i), Reason: "sid used twice", Err: ErrDuplicateSid}
			}
			seen[s.Sid] = true
		}
	}
	if withPrincipal != 0 && withPrincipal != len(b.statements) {
		return nil, &BuildError{Statement: "(document)", Reason: "statements with and without a principal are mixed: a bucket policy needs a principal in every statement, an identity policy in none", Err: ErrInvalidGrant}
	}
	d := &Document{Version: Version2012, Statements: make([]Statement, len(b.statements))}
	for i, s := range b.statements {
		d.Statements[i] = s.Clone()
	}
	return d, nil
}

// checkPartition refuses a BuildOptions.Partition that is not an AWS
// partition.
func (b *Builder) checkPartition() error {
	if b.opts.Partition == "" {
		return nil
	}
	return checkPartition(b.opts.Partition)
}

// partition is the partition of the builder's buckets.
func (b *Builder) partition() string {
	if b.opts.Partition == "" {
		return "aws"
	}
	return b.opts.Partition
}

func stmtName(s Statement, i int) string {
	if s.Sid != "" {
		return s.Sid
	}
	return "#" + strconv.Itoa(i)
}

func (b *Builder) derive(g Grant) ([]Statement, error) {
	name := g.Sid
	if name == "" {
		name = "#" + strconv.Itoa(len(b.statements))
	}
	fail := func(err error, value, reason string) ([]Statement, error) {
		return nil, &BuildError{Statement: name, Value: value, Reason: reason, Err: err}
	}
	if !sidRe.MatchString(g.Sid) {
		return fail(ErrInvalidGrant, g.Sid, "sid must contain only letters and digits")
	}
	if g.Bucket == "" {
		return fail(ErrInvalidGrant, "", "no bucket")
	}
	if strings.ContainsAny(g.Bucket, "*?") {
		if !b.opts.AllowWildcardResources {
			return nil, &BuildError{Statement: name, Value: g.Bucket, Reason: "wildcard in bucket name", Option: "AllowWildcardResources", Err: ErrWildcardResource}
		}
	} else if err := CheckBucketName(g.Bucket); err != nil {
		return fail(ErrInvalidGrant, g.Bucket, reason(err))
	}
	if strings.ContainsAny(g.Prefix, "*?") {
		if !b.opts.AllowWildcardResources {
			return nil, &BuildError{Statement: name, Value: g.Prefix, Reason: "wildcard in key prefix", Option: "AllowWildcardResources", Err: ErrWildcardResource}
		}
	} else if err := CheckKeyPrefix(strings.ReplaceAll(g.Prefix, "${", "")); err != nil {
		return fail(ErrInvalidGrant, g.Prefix, reason(err))
	}
	actions := g.Intent.Actions()
	if g.Intent != "" && actions == nil {
		return fail(ErrInvalidGrant, string(g.Intent), "unknown intent")
	}
	actions = append(actions, g.Actions...)
	if len(actions) == 0 {
		return fail(ErrInvalidGrant, "", "no intent and no actions")
	}

	var bucketActs, objectActs, anyActs []string
	add := func(list *[]string, a string) {
		if !slices.ContainsFunc(*list, func(x string) bool { return equalFoldASCII(x, a) }) {
			*list = append(*list, a)
		}
	}
	for _, a := range actions {
		var matched []Action
		if strings.ContainsAny(a, "*?") {
			if !b.opts.AllowWildcardActions {
				return nil, &BuildError{Statement: name, Value: a, Reason: "wildcard action", Option: "AllowWildcardActions", Err: ErrWildcardAction}
			}
			matched = ExpandActions(a)
		} else if act, ok := LookupAction(a); ok {
			matched = []Action{act}
			a = act.Name
		}
		if len(matched) == 0 {
			return fail(ErrInvalidGrant, a, "unknown S3 action")
		}
		onBucket, onObject, onNothing := false, false, false
		for _, m := range matched {
			onBucket = onBucket || m.AppliesTo("bucket")
			onObject = onObject || m.AppliesTo("object")
			onNothing = onNothing || len(m.Resources) == 0
		}
		switch {
		case onBucket || onObject:
			if onBucket {
				add(&bucketActs, a)
			}
			if onObject {
				add(&objectActs, a)
			}
		case onNothing:
			if !b.opts.AllowWildcardResources {
				return nil, &BuildError{Statement: name, Value: a, Reason: `action applies to no resource type and needs Resource "*"`, Option: "AllowWildcardResources", Err: ErrWildcardResource}
			}
			add(&anyActs, a)
		default:
			return fail(ErrInvalidGrant, a, "action applies to neither buckets nor objects (access points, jobs, … are not supported by the builder; write the statement and use Add)")
		}
	}

	sid := func(suffix string) string {
		if g.Sid == "" {
			return ""
		}
		return g.Sid + suffix
	}
	mk := func(suffix string, acts []string, res string, cond Condition) Statement {
		return Statement{
			Sid: sid(suffix), Effect: Allow, Principal: g.Principal.Clone(),
			Action: Values(slices.Clone(acts)), Resource: Values{res}, Condition: cond,
		}
	}
	var out []Statement
	bucketRes := bucketARN(b.partition(), g.Bucket)
	if len(bucketActs) > 0 {
		// The listing actions (those that support s3:prefix: s3:ListBucket,
		// s3:ListBucketVersions) list only under the prefix.
		lists := func(a string) bool {
			act, ok := LookupAction(a)
			return ok && act.SupportsConditionKey("s3:prefix")
		}
		if listActs := slices.DeleteFunc(slices.Clone(bucketActs), func(a string) bool { return !lists(a) }); g.Prefix != "" && len(listActs) > 0 {
			if _, ok := g.Condition.Get("StringLike", "s3:prefix"); ok {
				// With would add the prefix to the grant's values, and
				// values of one key are ORed: the listing would reach
				// beyond Prefix.
				return fail(ErrInvalidGrant, g.Prefix, "Condition already tests s3:prefix with StringLike; Prefix would be one more value it may match (values of one key are ORed), widening the listing: give the prefix in one place")
			}
			cond := g.Condition.Clone().With("StringLike", "s3:prefix", g.Prefix+"*")
			out = append(out, mk("List", listActs, bucketRes, cond))
			bucketActs = slices.DeleteFunc(bucketActs, lists)
		}
		if len(bucketActs) > 0 {
			out = append(out, mk("Bucket", bucketActs, bucketRes, g.Condition.Clone()))
		}
	}
	if len(objectActs) > 0 {
		out = append(out, mk("Objects", objectActs, objectARN(b.partition(), g.Bucket, g.Prefix), g.Condition.Clone()))
	}
	if len(anyActs) > 0 {
		out = append(out, mk("Any", anyActs, "*", g.Condition.Clone()))
	}
	return out, nil
}

// check refuses an Allow statement broader than the options allow.
func (b *Builder) check(s *Statement, index int) error {
	name := stmtName(*s, index)
	refuse := func(err error, value, reason, option string) error {
		return &BuildError{Statement: name, Value: value, Reason: reason, Option: option, Err: err}
	}
	switch s.Effect {
	case Deny:
		return nil
	case Allow:
	default:
		// IAM's Effect is case-sensitive; anything else is not a Deny, and
		// must not slip past the checks below either.
		return refuse(ErrInvalidGrant, string(s.Effect), `effect must be "Allow" or "Deny"`, "")
	}
	if s.NotPrincipal != nil && !b.opts.AllowNotPrincipal {
		return refuse(ErrNotPrincipalAllow, "", "Allow with NotPrincipal grants everyone except the listed principals", "AllowNotPrincipal")
	}
	if (s.NotAction != nil || s.NotResource != nil) && !b.opts.AllowNotActionOrNotResource {
		return refuse(ErrNotActionOrResourceAllow, "", "Allow with NotAction or NotResource grants everything not listed", "AllowNotActionOrNotResource")
	}
	// NotAction lists what is not granted; with AllowNotActionOrNotResource
	// it is the caller's choice, so only Action is checked here.
	for _, a := range s.Action {
		if strings.ContainsAny(a, "*?") && !b.opts.AllowWildcardActions {
			return refuse(ErrWildcardAction, a, "wildcard action", "AllowWildcardActions")
		}
		if !b.opts.AllowPermissionsManagement {
			for _, m := range ExpandActions(a) {
				if m.AccessLevel == AccessPermissionsManagement {
					return refuse(ErrPermissionsManagement, m.Name, "permissions-management action", "AllowPermissionsManagement")
				}
			}
		}
	}
	// NotAction grants every action it does not list, Permissions-management
	// ones included, so it needs AllowPermissionsManagement too unless it
	// lists all of them.
	if s.NotAction != nil && !b.opts.AllowPermissionsManagement {
		excluded := map[string]bool{}
		for _, a := range s.NotAction {
			for _, m := range ExpandActions(a) {
				excluded[m.Name] = true
			}
		}
		for _, m := range ExpandActions("s3:*") {
			if m.AccessLevel == AccessPermissionsManagement && !excluded[m.Name] {
				return refuse(ErrPermissionsManagement, m.Name, "permissions-management action granted by NotAction (it is not listed there)", "AllowPermissionsManagement")
			}
		}
	}
	for _, r := range append(slices.Clone(s.Resource), s.NotResource...) {
		if wildcardResource(r) && !b.opts.AllowWildcardResources {
			return refuse(ErrWildcardResource, r, "wildcard resource", "AllowWildcardResources")
		}
	}
	// S3's definition of public, as Block Public Access applies it
	// (StatementIsPublic); a document from the builder is a bucket policy
	// or an identity policy, never an access point policy.
	if reason, public := StatementIsPublic(*s, KindBucket); public && !b.opts.AllowPublic {
		return refuse(ErrPublicGrant, "", "public: "+reason+" (for example aws:SourceVpce, aws:SourceIp, aws:PrincipalOrgID)", "AllowPublic")
	}
	return nil
}

// wildcardResource reports whether an ARN reaches beyond one bucket: "*",
// or a wildcard in the service-specific part before the first '/' (bucket
// name, region, account). Wildcards in the key part ("bucket/*") are fine.
func wildcardResource(r string) bool {
	head, _, _ := strings.Cut(r, "/")
	return strings.ContainsAny(head, "*?")
}

// reason is the text of err, a check's error wrapping ErrInvalidArgument,
// without the prefix a BuildError's message already has ("policy: ").
func reason(err error) string {
	return strings.TrimPrefix(err.Error(), ErrInvalidArgument.Error()+": ")
}
