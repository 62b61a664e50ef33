package policy

import (
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
)

// s3secure issue codes, for checks Access Analyzer's policy validation has
// no code for. Every other code [Validate] emits is an Access Analyzer issue
// code, with Access Analyzer's severity.
const (
	// CodePublicAccess (SECURITY_WARNING): an Allow statement of a bucket or
	// access point policy is public by S3's definition (see [IsPublic]).
	CodePublicAccess = "S3SECURE_PUBLIC_ACCESS"
	// CodePublicWrite (ERROR): a public statement grants write,
	// permissions-management or tagging actions to everyone.
	CodePublicWrite = "S3SECURE_PUBLIC_WRITE"
	// CodeAllowWithNotAction (SECURITY_WARNING): Allow with NotAction grants
	// every action not listed, including future ones.
	CodeAllowWithNotAction = "S3SECURE_ALLOW_WITH_NOT_ACTION"
	// CodeAllowWithNotResource (SECURITY_WARNING): Allow with NotResource
	// grants on every resource not listed.
	CodeAllowWithNotResource = "S3SECURE_ALLOW_WITH_NOT_RESOURCE"
	// CodeCrossAccountPermissionsManagement (SECURITY_WARNING): a resource
	// policy grants permissions-management actions (PutBucketPolicy,
	// PutBucketAcl, …) to a principal outside the owner's account, who can
	// then grant themselves anything; also to Principal "*" limited by a
	// condition (an organization, a VPC endpoint, an IP range) unless the
	// condition pins aws:PrincipalAccount or s3:DataAccessPointAccount to
	// the owner's account.
	CodeCrossAccountPermissionsManagement = "S3SECURE_CROSS_ACCOUNT_PERMISSIONS_MANAGEMENT"
	// CodeActionResourceMismatch (ERROR): no action of the statement applies
	// to a resource it names (object actions on a bucket ARN only, bucket
	// actions on bucket/* only), so the statement has no effect at all.
	CodeActionResourceMismatch = "S3SECURE_ACTION_RESOURCE_MISMATCH"
	// CodeDeadAction (WARNING): one action of the statement applies to none
	// of its resources (s3:ListAllMyBuckets beside bucket actions on a
	// bucket ARN) and grants nothing there, while its other actions apply.
	CodeDeadAction = "S3SECURE_DEAD_ACTION"
	// CodeResourceNotStar (WARNING): an action that takes no resource
	// (s3:ListAllMyBuckets) is named only with S3 ARNs such as
	// "arn:aws:s3:::*", not with Resource "*". The Service Authorization
	// Reference says such an action needs "*" ("If there is no value for
	// this column, you must specify all resources ("*") to which the policy
	// applies in the Resource element of your policy statement"); the
	// evaluator does not match it against an ARN, though AWS's own managed
	// policies (CloudFrontFullAccess, AWSBackupFullAccess) and some S3
	// examples write arn:aws:s3:::*, so AWS may.
	CodeResourceNotStar = "S3SECURE_RESOURCE_NOT_STAR"
	// CodeBucketARNWildcardField (WARNING): a bucket or object ARN has only
	// "*" in its region or account field ("arn:aws:s3::*:name-*"). Bucket
	// ARNs leave both fields empty and "*" matches the empty field, so the
	// ARN works (AWS's own managed policies use it), but
	// "arn:aws:s3:::name-*" says the same plainly.
	CodeBucketARNWildcardField = "S3SECURE_BUCKET_ARN_WILDCARD_FIELD"
	// CodeShortARNWildcard (WARNING): a Resource or NotResource ARN has
	// fewer than six fields and one of its segments ends in *
	// ("arn:aws:s3:*"). IAM lets such a * "expand to match beyond the colon
	// boundaries", so the pattern works ("arn:aws:s3:*" names every S3
	// resource), but the IAM user guide recommends wildcards within the
	// segments: "arn:aws:s3:*:*:*" says the same in six fields.
	CodeShortARNWildcard = "S3SECURE_SHORT_ARN_WILDCARD"
	// CodePlaceholder (ERROR): a placeholder left in an ARN, account ID or
	// condition value ("<<bucket_name>>", "<account_id>", "YOUR-BUCKET").
	CodePlaceholder = "S3SECURE_PLACEHOLDER"
	// CodeAllowIfExists (WARNING): an Allow whose only condition on a key is
	// an …IfExists operator also allows requests without the key.
	CodeAllowIfExists = "S3SECURE_ALLOW_IF_EXISTS"
	// CodeOldVersion (WARNING): Version "2008-10-17" disables policy
	// variables; use "2012-10-17".
	CodeOldVersion = "S3SECURE_OLD_VERSION"
	// CodeInvalidBucketName (ERROR): the bucket name in an S3 ARN is not a
	// valid bucket name, legacy names included ([CheckBucketName]).
	CodeInvalidBucketName = "S3SECURE_INVALID_BUCKET_NAME"
	// CodeUnknownPolicy (ERROR): a whole policy, or all of its statements,
	// is known only at deployment (a Terraform plan's after_unknown, a
	// CloudFormation !ImportValue or !Ref of a parameter without a
	// Default), so it was not checked. Validate never reports it: the
	// policy/iac package does, for the policies it finds but cannot read.
	CodeUnknownPolicy = "S3SECURE_UNKNOWN_POLICY"
)

// analyzerChecksLink is the IAM user guide's reference of Access Analyzer
// policy checks.
const analyzerChecksLink = "https://docs.aws.amazon.com/IAM/latest/UserGuide/access-analyzer-reference-policy-checks.html"

// s3secureCodes are the severities of the s3secure codes.
var s3secureCodes = map[string]Severity{
	CodePublicAccess:                      SeveritySecurityWarning,
	CodePublicWrite:                       SeverityError,
	CodeAllowWithNotAction:                SeveritySecurityWarning,
	CodeAllowWithNotResource:              SeveritySecurityWarning,
	CodeCrossAccountPermissionsManagement: SeveritySecurityWarning,
	CodeActionResourceMismatch:            SeverityError,
	CodeDeadAction:                        SeverityWarning,
	CodeResourceNotStar:                   SeverityWarning,
	CodeBucketARNWildcardField:            SeverityWarning,
	CodeShortARNWildcard:                  SeverityWarning,
	CodePlaceholder:                       SeverityError,
	CodeAllowIfExists:                     SeverityWarning,
	CodeOldVersion:                        SeverityWarning,
	CodeInvalidBucketName:                 SeverityError,
	CodeUnknownPolicy:                     SeverityError,
}

// CodeSeverity returns the severity of an issue code [Validate] may emit:
// an IAM Access Analyzer issue code (with Access Analyzer's severity) or one
// of the s3secure codes (Code…). ok is false for an unknown code.
func CodeSeverity(code string) (sev Severity, ok bool) {
	if c, ok := analyzerChecks[code]; ok {
		return c.Severity, true
	}
	sev, ok = s3secureCodes[code]
	return sev, ok
}

// ValidateOptions configures [Validate]. The zero value validates a bucket
// policy whose owner is unknown.
type ValidateOptions struct {
	// Kind is how the policy is used: KindBucket or KindAccessPoint (resource
	// policies, which need a Principal) or KindManaged, KindInlineUser,
	// KindInlineRole, KindInlineGroup (identity policies, which must not
	// have one). The zero value means KindBucket.
	Kind Kind
	// Account is the 12-digit ID of the account that owns the bucket or
	// access point. When set, grants of permissions-management actions to
	// other accounts are reported; when empty, such grants to any account
	// are reported.
	Account string
	// ServiceReference, when set, is a newer AWS service reference file for
	// S3 (see [LoadServiceReference]): an action the built-in snapshot does
	// not know but the file does is accepted, and its resource types and
	// condition keys are checked as the snapshot's are. By default, only the
	// built-in snapshot is known, and an action AWS added after it is
	// reported as INVALID_ACTION.
	ServiceReference *ServiceReference
}

// isIdentity reports whether k is an IAM identity-policy kind.
func isIdentity(k Kind) bool {
	return k == KindManaged || k == KindInlineUser || k == KindInlineRole || k == KindInlineGroup
}

// Validate parses a policy document and checks it like IAM Access Analyzer's
// ValidatePolicy does, plus S3-specific checks (public access by S3's
// definition, actions on resources of the wrong type, placeholders). A
// document that does not parse yields a single ERROR finding with the
// position of the problem. Findings are ordered by position in the
// document. Validate never fails: every problem is a finding.
func Validate(data []byte, opts *ValidateOptions) []Finding {
	doc, err := Parse(data)
	if err != nil {
		return []Finding{parseFinding(err)}
	}
	return ValidateDocument(doc, opts)
}

func parseFinding(err error) Finding {
	f := Finding{Statement: -1, Message: err.Error()}
	var pe *ParseError
	if errors.As(err, &pe) {
		f.Line, f.Column, f.Path, f.Message = pe.Line, pe.Column, pe.Path, pe.Msg
	}
	code := "JSON_SYNTAX_ERROR"
	switch {
	case errors.Is(err, ErrUnknownField):
		code = "INVALID_POLICY_ELEMENT"
	case errors.Is(err, ErrWrongType):
		code = "DATA_TYPE_MISMATCH"
	}
	f.Code = code
	f.Severity, _ = CodeSeverity(code)
	return f
}

// ValidateDocument checks a parsed or built document; see [Validate].
// Findings on a parsed document carry line and column; on a document built
// in code they carry the JSON path only.
func ValidateDocument(doc *Document, opts *ValidateOptions) []Finding {
	v := &validator{doc: doc}
	if opts != nil {
		v.opts = *opts
	}
	if v.opts.Kind == 0 {
		v.opts.Kind = KindBucket
	}
	v.cat = builtinCatalog
	if v.opts.ServiceReference != nil {
		v.cat = v.opts.ServiceReference.cat
	}
	if doc == nil {
		v.add("MISSING_STATEMENT", -1, "Statement", "the policy is empty")
		return v.findings
	}
	v.document()
	sort.SliceStable(v.findings, func(i, j int) bool {
		a, b := v.findings[i], v.findings[j]
		if (a.Line == 0) != (b.Line == 0) {
			return a.Line != 0
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		return a.Column < b.Column
	})
	return v.findings
}

type validator struct {
	doc      *Document
	opts     ValidateOptions
	cat      *catalog // the built-in catalog, or merged with opts.ServiceReference
	findings []Finding
}

// add records a finding with the code's severity at path.
func (v *validator) add(code string, stmt int, path, format string, args ...any) {
	sev, ok := CodeSeverity(code)
	if !ok {
		panic("policy: unknown issue code " + code) // programming error, caught by tests
	}
	f := Finding{Severity: sev, Code: code, Statement: stmt, Path: path, Message: fmt.Sprintf(format, args...)}
	if stmt >= 0 && stmt < len(v.doc.Statements) {
		f.Sid = v.doc.Statements[stmt].Sid
	}
	if p := v.doc.Pos(path); p.IsValid() {
		f.Line, f.Column = p.Line, p.Column
	} else if p := v.doc.Pos(parentPath(path)); p.IsValid() {
		f.Line, f.Column = p.Line, p.Column
	} else if len(v.doc.Paths()) > 0 {
		// A document-level finding about a missing element: point at the
		// start of the document.
		f.Line, f.Column = 1, 1
	}
	if _, ok := analyzerChecks[code]; ok {
		f.LearnMoreLink = analyzerChecksLink
	}
	v.findings = append(v.findings, f)
}

// parentPath strips the last element of a JSON path.
func parentPath(p string) string {
	if strings.HasSuffix(p, "]") {
		if i := strings.LastIndexByte(p, '['); i > 0 {
			return p[:i]
		}
	}
	if i := strings.LastIndexByte(p, '.'); i > 0 {
		// Condition keys contain dots rarely; keys with ':' are fine.
		return p[:i]
	}
	return ""
}

func (v *validator) document() {
	d := v.doc
	switch d.Version {
	case Version2012:
	case "2008-10-17":
		v.add(CodeOldVersion, -1, "Version", `Version "2008-10-17" does not support policy variables; use "2012-10-17"`)
	case "":
		v.add("MISSING_VERSION", -1, "Version", `the policy has no Version; add "Version": "2012-10-17" (without it, policy variables are not substituted)`)
	default:
		v.add("INVALID_VERSION", -1, "Version", `Version %q is not valid; use "2012-10-17"`, d.Version)
	}
	if len(d.Statements) == 0 {
		v.add("MISSING_STATEMENT", -1, "Statement", "the policy has no statements")
		return
	}
	if kind := v.opts.Kind; kind.Limit() > 0 {
		if n, err := d.Size(kind); err == nil && n > kind.Limit() {
			code := "POLICY_SIZE_EXCEEDS_RESOURCE_POLICY_QUOTA"
			if isIdentity(kind) {
				code = "POLICY_SIZE_EXCEEDS_IDENTITY_POLICY_QUOTA"
			}
			v.add(code, -1, "Statement", "the %s is %d %s, over the limit of %d", kind, n, kind.unit(), kind.Limit())
		}
	}
	sids := map[string]int{}
	seen := map[string]int{}
	for i := range d.Statements {
		s := &d.Statements[i]
		sp := "Statement[" + strconv.Itoa(i) + "]"
		if s.Sid != "" {
			if j, dup := sids[s.Sid]; dup {
				code := "UNIQUE_SIDS_RECOMMENDED"
				if isIdentity(v.opts.Kind) {
					code = "UNIQUE_SIDS_REQUIRED"
				}
				v.add(code, i, sp+".Sid", "Sid %q is also used by statement %d; Sids must be unique", s.Sid, j)
			} else {
				sids[s.Sid] = i
			}
		}
		v.statement(i, s, sp)
		key := statementKey(s)
		if j, dup := seen[key]; dup {
			v.add("REDUNDANT_STATEMENT", i, sp, "statement %d is the same as statement %d", i, j)
		} else {
			seen[key] = i
		}
	}
}

// statementKey is a canonical text of a statement without its Sid, to find
// redundant statements.
func statementKey(s *Statement) string {
	var b strings.Builder
	b.WriteString(string(s.Effect))
	writeSet := func(tag string, vs Values) {
		if vs == nil {
			return
		}
		c := append([]string(nil), vs...)
		sort.Strings(c)
		fmt.Fprintf(&b, "|%s%q", tag, c)
	}
	writePrin := func(tag string, p *Principal) {
		if p == nil {
			return
		}
		if p.IsEveryone() {
			fmt.Fprintf(&b, "|%s*", tag)
			return
		}
		for _, e := range p.Entries {
			writeSet(tag+string(e.Type), e.Values)
		}
	}
	writePrin("P", s.Principal)
	writePrin("NP", s.NotPrincipal)
	writeSet("A", s.Action)
	writeSet("NA", s.NotAction)
	writeSet("R", s.Resource)
	writeSet("NR", s.NotResource)
	for _, blk := range s.Condition {
		for _, e := range blk.Entries {
			fmt.Fprintf(&b, "|C%s/%s%q", blk.Operator, asciiLower(e.Key), e.Strings())
		}
	}
	return b.String()
}

func (v *validator) statement(i int, s *Statement, sp string) {
	kind := v.opts.Kind
	if s.Sid == "" && s.layout != nil && s.layout.emptySid {
		v.add("EMPTY_SID_VALUE", i, sp+".Sid", "the Sid is empty; remove it or give it a value")
	}
	if s.Sid != "" && isIdentity(kind) && !alnum(s.Sid) {
		v.add("UNSUPPORTED_SID", i, sp+".Sid", "Sid %q may only contain ASCII letters and digits in an identity policy", s.Sid)
	}
	switch s.Effect {
	case Allow, Deny:
	case "":
		v.add("MISSING_EFFECT", i, sp, "the statement has no Effect; add \"Effect\": \"Allow\" or \"Deny\"")
	default:
		v.add("INVALID_EFFECT", i, sp+".Effect", "Effect %q must be \"Allow\" or \"Deny\" (case-sensitive)", string(s.Effect))
	}

	// Principals.
	switch {
	case s.Principal != nil && s.NotPrincipal != nil:
		v.add("UNSUPPORTED_ELEMENT_COMBINATION", i, sp+".NotPrincipal", "a statement cannot have both Principal and NotPrincipal")
	case isIdentity(kind) && (s.Principal != nil || s.NotPrincipal != nil):
		el := "Principal"
		if s.Principal == nil {
			el = "NotPrincipal"
		}
		v.add("UNSUPPORTED_PRINCIPAL", i, sp+"."+el, "%s is not allowed in an identity policy: it applies to whoever it is attached to", el)
	case !isIdentity(kind) && s.Principal == nil && s.NotPrincipal == nil:
		v.add("MISSING_PRINCIPAL", i, sp, "a %s statement needs a Principal", kind)
	}
	if s.Principal != nil {
		v.principal(i, s.Principal, sp+".Principal")
	}
	if s.NotPrincipal != nil {
		v.principal(i, s.NotPrincipal, sp+".NotPrincipal")
		if s.Effect == Allow {
			v.add("ALLOW_WITH_NOT_PRINCIPAL", i, sp+".NotPrincipal", "Allow with NotPrincipal grants every principal except those listed, including anonymous users; name the principals in Principal instead")
		}
	}

	// Actions.
	var covered aset // the catalog actions the statement's Action or NotAction covers
	switch {
	case s.Action != nil && s.NotAction != nil:
		v.add("UNSUPPORTED_ELEMENT_COMBINATION", i, sp+".NotAction", "a statement cannot have both Action and NotAction")
	case s.Action == nil && s.NotAction == nil:
		v.add("MISSING_ACTION", i, sp, "the statement has no Action or NotAction")
	case s.Action != nil:
		covered = v.actions(i, s.Action, sp+".Action")
	default:
		covered = v.cat.all().minus(v.actions(i, s.NotAction, sp+".NotAction"))
		if s.Effect == Allow {
			v.add(CodeAllowWithNotAction, i, sp+".NotAction", "Allow with NotAction grants every action not listed, including actions AWS adds later; list the actions to allow in Action")
		}
	}
	// The s3 actions of the statement that can apply to one of its
	// resources: what it really allows or denies.
	actions := v.cat.applicable(covered, statementScope(s))

	// Resources.
	switch {
	case s.Resource != nil && s.NotResource != nil:
		v.add("UNSUPPORTED_ELEMENT_COMBINATION", i, sp+".NotResource", "a statement cannot have both Resource and NotResource")
	case s.Resource == nil && s.NotResource == nil:
		v.add("MISSING_RESOURCE", i, sp, "the statement has no Resource or NotResource")
	case s.Resource != nil:
		v.resources(i, s.Resource, sp+".Resource")
		if s.Action != nil {
			v.actionResourceMatch(i, s, sp)
			v.resourceNotStar(i, s, sp)
		}
	default:
		v.resources(i, s.NotResource, sp+".NotResource")
		if s.Effect == Allow {
			v.add(CodeAllowWithNotResource, i, sp+".NotResource", "Allow with NotResource grants on every resource not listed, in every account; list the resources in Resource")
		}
	}

	v.conditions(i, s, sp, actions)
	v.security(i, s, sp, actions)
}

func alnum(s string) bool {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			return false
		}
	}
	return true
}
