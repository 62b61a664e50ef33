package analyzer

import (
	"context"
	"errors"
	"maps"
	"regexp"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/s3secure/s3secure/policy"
)

// ArchiveRule is an Access Analyzer archive rule: findings that match the
// filter are archived, which records that the access is expected.
type ArchiveRule struct {
	// Name is the rule's name (1–255 characters).
	Name string
	// Filter is Access Analyzer's filter (keys such as "principal.AWS",
	// "condition.aws:PrincipalOrgID", "resource", "isPublic").
	Filter map[string]types.Criterion
}

var ruleName = regexp.MustCompile(`^[A-Za-z][A-Za-z0-9_.-]{0,254}$`)

// ExpectedAccountsRule returns a rule that archives S3 findings whose AWS
// principal is in one of the given accounts (an account id, or any role or
// user ARN in it): for example the accounts of your own organization when
// the analyzer's zone of trust is a single account. At most
// MaxFilterValues accounts fit in one rule. It matches on the principal
// only: access granted to Principal "*" and limited by an
// aws:PrincipalAccount condition is reported with principal "*" and is
// not archived by it (a rule on "condition.aws:PrincipalAccount" is
// needed for that).
//
// Errors: [ErrInvalidInput] for a bad name, a value that is not a 12-digit
// account id, or too many accounts.
func ExpectedAccountsRule(name string, accounts ...string) (ArchiveRule, error) {
	if !ruleName.MatchString(name) {
		return ArchiveRule{}, invalid("bad archive rule name %q", name)
	}
	if len(accounts) == 0 || len(accounts) > MaxFilterValues {
		return ArchiveRule{}, invalid("an archive rule takes 1 to %d accounts, got %d", MaxFilterValues, len(accounts))
	}
	for _, a := range accounts {
		if !policy.IsAccountID(a) {
			return ArchiveRule{}, invalid("%q is not a 12-digit account id", a)
		}
	}
	acc := slices.Clone(accounts)
	slices.Sort(acc)
	return ArchiveRule{Name: name, Filter: map[string]types.Criterion{
		"resourceType": {Eq: []string{string(types.ResourceTypeAwsS3Bucket)}},
		// contains, not eq: Access Analyzer reports either the account id
		// or a role/user ARN that embeds it.
		"principal.AWS": {Contains: acc},
		"isPublic":      {Eq: []string{"false"}},
	}}, nil
}

var (
	orgID = regexp.MustCompile(`^o-[a-z0-9]{10,32}$`)
)

// OrganizationRule returns a rule that archives S3 findings for access
// limited to the organization orgID by aws:PrincipalOrgID.
//
// Errors: [ErrInvalidInput] for a bad name or organization id.
func OrganizationRule(name, org string) (ArchiveRule, error) {
	if !ruleName.MatchString(name) {
		return ArchiveRule{}, invalid("bad archive rule name %q", name)
	}
	if !orgID.MatchString(org) {
		return ArchiveRule{}, invalid("%q is not an organization id (o-…)", org)
	}
	return ArchiveRule{Name: name, Filter: map[string]types.Criterion{
		"resourceType":                 {Eq: []string{string(types.ResourceTypeAwsS3Bucket)}},
		"condition.aws:PrincipalOrgID": {Eq: []string{org}},
		"isPublic":                     {Eq: []string{"false"}},
	}}, nil
}

// ArchiveRuleOptions configures [EnsureArchiveRule]. nil means the
// defaults.
type ArchiveRuleOptions struct {
	// NewFindingsOnly leaves existing findings alone. By default the rule
	// is also applied to existing findings (ApplyArchiveRule), as the
	// console does, so that expected access stops showing at once.
	NewFindingsOnly bool
	// AllowInsecureTransport lets EnsureArchiveRule send over plain HTTP
	// to a host that is not loopback (127.0.0.0/8, ::1, localhost). By
	// default such a call is refused before any request with a
	// [*RemotePlainHTTPError], as every other call of the package is:
	// SigV4 signs the requests, but nothing authenticates the answers, so
	// anyone on the network path could answer that the rule already
	// exists (nothing is then created or applied) or that another rule
	// holds the name. A client that does not let the call see its
	// endpoint (a wrapper that drops the per-call options, a test double)
	// is refused the same way, with an empty Endpoint; this allows it too.
	// Set it only for a test server on a network you trust, or a client
	// you know uses TLS.
	AllowInsecureTransport bool
}

// EnsureArchiveRule creates the archive rule unless a rule of that name
// with the same filter exists, and (by default) applies it to existing
// findings. It reports whether it created the rule. Calling it again with
// the same rule changes nothing.
//
// A rule created by someone else between the look-up and the creation
// (CreateArchiveRule's ConflictException) is read back with
// GetArchiveRule and accepted when its filter is the same.
//
// Errors: [ErrArchiveRuleConflict] when a rule of that name has another
// filter (it is not overwritten); [ErrInvalidInput]; [*WrongRegionError];
// [*Error] for a failed call; [*RemotePlainHTTPError] (see
// ArchiveRuleOptions.AllowInsecureTransport).
func EnsureArchiveRule(ctx context.Context, client API, a *Analyzer, rule ArchiveRule, opts *ArchiveRuleOptions) (bool, error) {
	if err := checkAnalyzer(client, a); err != nil {
		return false, err
	}
	if !ruleName.MatchString(rule.Name) || len(rule.Filter) == 0 {
		return false, invalid("archive rule needs a name and a filter")
	}
	if opts == nil || !opts.AllowInsecureTransport {
		if err := refuseRemote(ctx, "EnsureArchiveRule", "ArchiveRuleOptions", probeAnalyzers(client)); err != nil {
			return false, err
		}
	}
	p := accessanalyzer.NewListArchiveRulesPaginator(client, &accessanalyzer.ListArchiveRulesInput{AnalyzerName: aws.String(a.Name)})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, noSetupRetryAA)
		if err != nil {
			return false, wrap("ListArchiveRules", a.Name, err)
		}
		for _, r := range page.ArchiveRules {
			if aws.ToString(r.RuleName) != rule.Name {
				continue
			}
			if sameFilter(r.Filter, rule.Filter) {
				return false, nil
			}
			return false, &Error{Op: "CreateArchiveRule", Resource: rule.Name, Err: ErrArchiveRuleConflict}
		}
	}
	_, err := client.CreateArchiveRule(ctx, &accessanalyzer.CreateArchiveRuleInput{
		AnalyzerName: aws.String(a.Name), RuleName: aws.String(rule.Name), Filter: rule.Filter,
	}, noSetupRetryAA)
	var ce *types.ConflictException
	if errors.As(err, &ce) {
		// Created concurrently by someone else: read it back, and succeed
		// when it is the same rule, as if we had found it first.
		got, gerr := client.GetArchiveRule(ctx, &accessanalyzer.GetArchiveRuleInput{AnalyzerName: aws.String(a.Name), RuleName: aws.String(rule.Name)}, noSetupRetryAA)
		if gerr == nil && got.ArchiveRule != nil && sameFilter(got.ArchiveRule.Filter, rule.Filter) {
			return false, nil
		}
		return false, &Error{Op: "CreateArchiveRule", Resource: rule.Name, Err: errors.Join(ErrArchiveRuleConflict, err)}
	}
	if err != nil {
		return false, wrap("CreateArchiveRule", rule.Name, err)
	}
	if opts == nil || !opts.NewFindingsOnly {
		if _, err := client.ApplyArchiveRule(ctx, &accessanalyzer.ApplyArchiveRuleInput{
			AnalyzerArn: aws.String(a.ARN), RuleName: aws.String(rule.Name),
		}, noSetupRetryAA); err != nil {
			return true, wrap("ApplyArchiveRule", rule.Name, err)
		}
	}
	return true, nil
}

func sameFilter(a, b map[string]types.Criterion) bool {
	return maps.EqualFunc(a, b, func(x, y types.Criterion) bool {
		norm := func(s []string) []string { s = slices.Clone(s); slices.Sort(s); return s }
		return slices.Equal(norm(x.Eq), norm(y.Eq)) && slices.Equal(norm(x.Neq), norm(y.Neq)) &&
			slices.Equal(norm(x.Contains), norm(y.Contains)) &&
			(x.Exists == nil) == (y.Exists == nil) && (x.Exists == nil || *x.Exists == *y.Exists)
	})
}

// UpdateOptions configure [ArchiveWith], [UnarchiveWith] and [Rescan],
// the calls that change an analyzer's findings. None (or nil) means the
// defaults.
type UpdateOptions struct {
	// AllowInsecureTransport lets the call send over plain HTTP to a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default such
	// a call is refused before any request with a [*RemotePlainHTTPError],
	// as every other call of the package is: SigV4 signs the requests, but
	// nothing authenticates the answers, so anyone on the network path (a
	// proxy, a container network, a mistyped AWS_ENDPOINT_URL) could
	// answer that the change was made when it was not: a finding
	// Unarchive was to make ACTIVE again stays ARCHIVED, out of
	// [ListFindings]' default view, and a bucket Rescan was to have
	// analysed again keeps its old findings. A client that does not let
	// the call see its endpoint (a wrapper that drops the per-call
	// options, a test double) is refused the same way, with an empty
	// Endpoint; this allows it too. Set it only for a test server on a
	// network you trust, or a client you know uses TLS.
	AllowInsecureTransport bool
}

// refuseRemote returns a [*RemotePlainHTTPError] for call when client
// would send its requests over plain HTTP to a host that is not loopback,
// unless AllowInsecureTransport.
func (o *UpdateOptions) refuseRemote(ctx context.Context, call string, client API) error {
	if o != nil && o.AllowInsecureTransport {
		return nil
	}
	return refuseRemote(ctx, call, "UpdateOptions", probeAnalyzers(client))
}

// Archive marks findings ARCHIVED (expected access). It is [ArchiveWith]
// with the default options.
//
// Errors: as [ArchiveWith].
func Archive(ctx context.Context, client API, a *Analyzer, ids ...string) error {
	return ArchiveWith(ctx, client, a, ids, nil)
}

// ArchiveWith is [Archive] with options: opts nil means the defaults.
//
// Errors: [ErrInvalidInput] for no ids; [*WrongRegionError];
// [*RemotePlainHTTPError] (see UpdateOptions.AllowInsecureTransport);
// [*Error].
func ArchiveWith(ctx context.Context, client API, a *Analyzer, ids []string, opts *UpdateOptions) error {
	return updateFindings(ctx, "Archive", client, a, types.FindingStatusUpdateArchived, ids, opts)
}

// Unarchive marks archived findings ACTIVE again. It is [UnarchiveWith]
// with the default options.
//
// Errors: as [ArchiveWith].
func Unarchive(ctx context.Context, client API, a *Analyzer, ids ...string) error {
	return UnarchiveWith(ctx, client, a, ids, nil)
}

// UnarchiveWith is [Unarchive] with options: opts nil means the defaults.
//
// Errors: as [ArchiveWith].
func UnarchiveWith(ctx context.Context, client API, a *Analyzer, ids []string, opts *UpdateOptions) error {
	return updateFindings(ctx, "Unarchive", client, a, types.FindingStatusUpdateActive, ids, opts)
}

func updateFindings(ctx context.Context, call string, client API, a *Analyzer, status types.FindingStatusUpdate, ids []string, opts *UpdateOptions) error {
	if err := checkAnalyzer(client, a); err != nil {
		return err
	}
	if len(ids) == 0 || slices.Contains(ids, "") {
		return invalid("finding ids are required")
	}
	if err := opts.refuseRemote(ctx, call, client); err != nil {
		return err
	}
	_, err := client.UpdateFindings(ctx, &accessanalyzer.UpdateFindingsInput{
		AnalyzerArn: aws.String(a.ARN), Ids: ids, Status: status,
	}, noSetupRetryAA)
	return wrap("UpdateFindings", a.ARN, err)
}

// Rescan asks Access Analyzer to analyze a bucket again now
// (StartResourceScan) instead of waiting for the next periodic scan. opts
// takes at most one [UpdateOptions].
//
// Errors: [ErrInvalidInput] for a bad bucket name or more than one opts;
// [*WrongRegionError]; [*RemotePlainHTTPError] (see
// UpdateOptions.AllowInsecureTransport); [*Error].
func Rescan(ctx context.Context, client API, a *Analyzer, bucket string, opts ...*UpdateOptions) error {
	if len(opts) > 1 {
		return invalid("%d UpdateOptions given, at most one is allowed", len(opts))
	}
	if err := checkAnalyzer(client, a); err != nil {
		return err
	}
	if !validBucketName(bucket) {
		return invalid("bad bucket name %q", bucket)
	}
	var o *UpdateOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	if err := o.refuseRemote(ctx, "Rescan", client); err != nil {
		return err
	}
	_, err := client.StartResourceScan(ctx, &accessanalyzer.StartResourceScanInput{
		AnalyzerArn: aws.String(a.ARN), ResourceArn: aws.String("arn:" + a.partition() + ":s3:::" + bucket),
	}, noSetupRetryAA)
	return wrap("StartResourceScan", bucket, err)
}

var bucketName = regexp.MustCompile(`^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`)

func validBucketName(b string) bool { return bucketName.MatchString(b) }
