package analyzer

import (
	"regexp"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/s3secure/s3secure/policy"
)

// Kind is what sort of access a finding reports, in the terms of IAM Access
// Analyzer's documentation ("Findings for public and cross-account
// access").
type Kind string

// Kinds of access.
const (
	// KindPublic: anyone, including anonymous callers, can reach the bucket.
	KindPublic Kind = "public"
	// KindCrossAccount: named accounts outside the zone of trust (see
	// [Finding.Accounts]).
	KindCrossAccount Kind = "cross-account"
	// KindOrganization: any principal of an AWS Organization (a "*"
	// principal limited by aws:PrincipalOrgID or aws:PrincipalOrgPaths).
	// It is not public.
	KindOrganization Kind = "organization"
	// KindService: an AWS service principal (for example
	// cloudfront.amazonaws.com). Access Analyzer's documentation says it
	// "does not currently report findings from AWS service principals",
	// so the offline analysis never reports one; a finding read from
	// Access Analyzer that names one is classified so.
	KindService Kind = "service"
	// KindConditional: a "*" principal limited by conditions that fix a
	// network origin or source (aws:SourceVpc, aws:SourceVpce,
	// aws:SourceIp…). S3 does not count it as public, but it is not
	// limited to known accounts either.
	KindConditional Kind = "conditional"
	// KindInternal: access from inside the zone of trust, reported by an
	// internal-access analyzer (ListFindingsV2 only). It is not shared
	// outside the account or organization: [Finding.Shared] is false.
	KindInternal Kind = "internal"
)

// SourceType is where the access comes from; the values are Access
// Analyzer's FindingSourceType.
type SourceType string

// Sources of access.
const (
	SourcePolicy             SourceType = "POLICY"
	SourceACL                SourceType = "BUCKET_ACL"
	SourceAccessPoint        SourceType = "S3_ACCESS_POINT"
	SourceAccessPointAccount SourceType = "S3_ACCESS_POINT_ACCOUNT"
)

// Source is one source of a finding's access.
type Source struct {
	Type SourceType
	// AccessPointARN and AccessPointAccount are set for access point
	// sources.
	AccessPointARN, AccessPointAccount string
}

// Status is a finding's status: ACTIVE, ARCHIVED or RESOLVED (Access
// Analyzer's FindingStatus). Offline findings are always ACTIVE.
type Status = types.FindingStatus

// Finding is one instance of access to a bucket from outside the zone of
// trust, read from Access Analyzer ([ListFindings]) or computed offline
// ([Analyze]). Both paths fill the same fields, so their results can be
// compared.
type Finding struct {
	// ID is Access Analyzer's finding id; empty for offline findings.
	ID string
	// Bucket is the bucket's name and Resource its ARN.
	Bucket, Resource string
	// ResourceType is "AWS::S3::Bucket" (or the directory bucket type).
	ResourceType string
	// Owner is the account that owns the bucket.
	Owner string
	// Status is ACTIVE, ARCHIVED or RESOLVED.
	Status Status
	// Kind classifies the access.
	Kind Kind
	// Public is Access Analyzer's isPublic.
	Public bool
	// Principal is the principal as Access Analyzer reports it, for example
	// {"AWS": "*"} or {"AWS": "444455556666"} or {"Service":
	// "cloudfront.amazonaws.com"}.
	Principal map[string]string
	// Accounts are the external account ids the access reaches, sorted
	// (from the principal, from aws:PrincipalAccount/aws:SourceAccount
	// conditions, or from an access point's account).
	Accounts []string
	// Organization is the organization id (o-…) for [KindOrganization].
	Organization string
	// Actions are the actions granted.
	Actions []string
	// Conditions are the condition keys and values that limit the access.
	Conditions map[string]string
	// Sources say where the access comes from.
	Sources []Source
	// Statement is the index of the policy statement that grants the
	// access (offline findings from a policy; -1 otherwise) and Sid its Sid.
	Statement int
	Sid       string
	// Error is set when Access Analyzer could not analyze the resource.
	Error string
	// CreatedAt, UpdatedAt and AnalyzedAt are Access Analyzer's times (zero
	// offline).
	CreatedAt, UpdatedAt, AnalyzedAt time.Time
}

// Allows reports whether the finding's actions include action (for
// example "s3:GetObject"), whether they are listed one by one or as
// wildcards such as "s3:Get*", "s3:*" or "*". Action names are compared
// case-insensitively, as IAM does.
func (f *Finding) Allows(action string) bool {
	for _, a := range f.Actions {
		if policy.MatchAction(a, action) {
			return true
		}
	}
	return false
}

// Shared reports whether the finding is access from outside the zone of
// trust (every kind is but [KindInternal]; a finding with only an Error is
// not).
func (f *Finding) Shared() bool { return f.Kind != "" && f.Kind != KindInternal }

// Blocking reports whether the finding should stop a deploy: an ACTIVE
// finding of access from outside the zone of trust, or an ACTIVE finding
// with an Error, for which Access Analyzer "couldn't complete the
// analysis" of the bucket (IAM user guide, "IAM Access Analyzer error
// findings"): its access is unknown, never taken as none. ARCHIVED and
// RESOLVED findings and internal access do not block.
func (f *Finding) Blocking() bool {
	return f.Status == types.FindingStatusActive && (f.Shared() || f.Error != "")
}

var accountID = regexp.MustCompile(`(?:^|:)(\d{12})(?::|$)`)

// accountOf returns the 12-digit account in an account id or IAM ARN.
func accountOf(v string) string {
	if m := accountID.FindStringSubmatch(v); m != nil {
		return m[1]
	}
	return ""
}

// classify fills Kind, Accounts and Organization from the principal,
// conditions and sources, the way both paths do.
func (f *Finding) classify() {
	accounts := map[string]bool{}
	for k, v := range f.Conditions {
		switch {
		case nameIs(k, "aws:PrincipalOrgID"):
			f.Organization = v
		case nameIs(k, "aws:PrincipalOrgPaths"):
			// o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/…: the organization
			// is the first element (of every path, or none is named).
			if f.Organization == "" {
				f.Organization = orgOfPaths(v)
			}
		case nameIs(k, "aws:PrincipalAccount", "aws:SourceAccount", "aws:SourceOwner", "s3:DataAccessPointAccount",
			"aws:PrincipalArn", "s3:DataAccessPointArn"):
			for _, x := range strings.Split(v, ",") {
				if a := accountOf(strings.TrimSpace(x)); a != "" {
					accounts[a] = true
				}
			}
		}
	}
	for _, s := range f.Sources {
		if s.Type == SourceAccessPointAccount && s.AccessPointAccount != "" {
			accounts[s.AccessPointAccount] = true
		}
	}
	aws := f.Principal["AWS"]
	if aws != "" && aws != "*" {
		for _, x := range strings.Split(aws, ",") {
			if a := accountOf(strings.TrimSpace(x)); a != "" {
				accounts[a] = true
			}
		}
	}
	switch {
	case f.Public:
		f.Kind = KindPublic
	case f.Principal["Service"] != "":
		f.Kind = KindService
	case f.Organization != "" || hasKey(f.Conditions, "aws:PrincipalOrgPaths"):
		f.Kind = KindOrganization
	case aws != "" && aws != "*":
		f.Kind = KindCrossAccount
	case f.Principal["CanonicalUser"] != "":
		f.Kind = KindCrossAccount
	case len(accounts) > 0:
		f.Kind = KindCrossAccount
	default:
		f.Kind = KindConditional
	}
	delete(accounts, f.Owner)
	f.Accounts = nil
	for a := range accounts {
		f.Accounts = append(f.Accounts, a)
	}
	sort.Strings(f.Accounts)
}

// orgOfPaths returns the organization id that every comma-separated
// aws:PrincipalOrgPaths value starts with, or "".
func orgOfPaths(v string) string {
	org := ""
	for _, p := range strings.Split(v, ",") {
		first, _, _ := strings.Cut(strings.TrimSpace(p), "/")
		if !orgID.MatchString(first) || (org != "" && first != org) {
			return ""
		}
		org = first
	}
	return org
}

func hasKey(m map[string]string, key string) bool {
	for k := range m {
		if policy.EqualName(k, key) {
			return true
		}
	}
	return false
}

// bucketOf returns the bucket of a bucket ARN in any partition, "" for
// other resources.
func bucketOf(resource string) string {
	p, ok := policy.ARNPartition(resource)
	if !ok {
		return ""
	}
	if b, ok := strings.CutPrefix(resource, "arn:"+p+":s3:::"); ok {
		return b
	}
	return ""
}

func fromSources(src []types.FindingSource) []Source {
	var out []Source
	for _, s := range src {
		x := Source{Type: SourceType(s.Type)}
		if s.Detail != nil {
			x.AccessPointARN = aws.ToString(s.Detail.AccessPointArn)
			x.AccessPointAccount = aws.ToString(s.Detail.AccessPointAccount)
		}
		out = append(out, x)
	}
	return out
}

type access struct {
	principal map[string]string
	action    []string
	condition map[string]string
	public    *bool
	sources   []types.FindingSource
	// internal marks internal-access details (inside the zone of trust).
	internal bool
}

func newFinding(id, resource string, rt types.ResourceType, owner string, status types.FindingStatus, errMsg string,
	created, updated, analyzed *time.Time, a access) Finding {
	f := Finding{
		ID: id, Resource: resource, Bucket: bucketOf(resource), ResourceType: string(rt), Owner: owner,
		Status: status, Public: aws.ToBool(a.public), Principal: a.principal, Actions: slices.Clone(a.action),
		Conditions: a.condition, Sources: fromSources(a.sources), Statement: -1, Error: errMsg,
		CreatedAt: aws.ToTime(created), UpdatedAt: aws.ToTime(updated), AnalyzedAt: aws.ToTime(analyzed),
	}
	sort.Strings(f.Actions)
	if len(f.Conditions) == 0 {
		f.Conditions = nil
	}
	switch {
	case a.internal:
		f.Kind = KindInternal
	case errMsg == "" || len(a.principal) > 0:
		f.classify()
	}
	return f
}
