package analyzer

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
)

// ListOptions narrows [ListFindings]. A nil *ListOptions means every ACTIVE
// S3 bucket finding of the analyzer.
type ListOptions struct {
	// Buckets limits the findings to these buckets (queried in batches of
	// MaxFilterValues).
	Buckets []string
	// PublicOnly keeps public findings only.
	PublicOnly bool
	// CrossAccountOnly keeps non-public findings only (access by named
	// accounts, organizations, services or under conditions).
	//
	// Neither drops a finding with an Error (Access Analyzer could not
	// analyze the bucket): it says nothing about public access either way.
	CrossAccountOnly bool
	// IncludeArchived and IncludeResolved add ARCHIVED and RESOLVED
	// findings; by default only ACTIVE ones are listed, as in the console.
	IncludeArchived, IncludeResolved bool
	// UseV2 uses ListFindingsV2 and GetFindingV2 even for an
	// external-access analyzer. Analyzers of other types always use them.
	UseV2 bool

	// AllowInsecureTransport lets ListFindings read over plain HTTP from a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default such
	// a call is refused before any request with a [*RemotePlainHTTPError]:
	// SigV4 signs the requests, but nothing authenticates the answers, so
	// anyone on the network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) can rewrite them into "nothing public" and read the
	// policies. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it
	// only for a test server on a network you trust, or a client you know
	// uses TLS.
	AllowInsecureTransport bool
}

// ListFindings returns the analyzer's S3 findings (resource type
// AWS::S3::Bucket; access granted through access points is reported on the
// bucket with an S3_ACCESS_POINT source), reading every page. It uses
// ListFindings for ACCOUNT and ORGANIZATION analyzers and ListFindingsV2
// plus GetFindingV2 otherwise (or with opts.UseV2). A GetFindingV2 detail
// of a kind this version does not read (one AWS adds later) is a Finding
// whose Error says so, which blocks while active: never no access.
//
// Errors: [ErrInvalidInput] for a bad bucket name, conflicting options or
// an unused-access analyzer (ACCOUNT_UNUSED_ACCESS,
// ORGANIZATION_UNUSED_ACCESS), whose findings are never about a bucket;
// [*WrongRegionError] when the analyzer is in another Region than the
// client; [*Error] for a failed call.
func ListFindings(ctx context.Context, client API, a *Analyzer, opts *ListOptions) ([]Finding, error) {
	var o ListOptions
	if opts != nil {
		o = *opts
	}
	if err := checkAnalyzer(client, a); err != nil {
		return nil, err
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "ListFindings", "ListOptions", probeAnalyzers(client)); err != nil {
			return nil, err
		}
	}
	if a.Type == types.TypeAccountUnusedAccess || a.Type == types.TypeOrganizationUnusedAccess {
		// "Unused access analyzers help you identify potential identity
		// access risks by enabling you to identify unused IAM roles" (IAM
		// Access Analyzer API reference): none of their findings is about
		// a bucket, so "none" would say nothing about S3 access.
		return nil, invalid("analyzer %s is of type %s, which reports unused IAM access and never access to S3 buckets; use an ACCOUNT or ORGANIZATION analyzer (EnsureAnalyzer)", a.ARN, a.Type)
	}
	if o.PublicOnly && o.CrossAccountOnly {
		return nil, invalid("PublicOnly and CrossAccountOnly exclude each other")
	}
	for _, b := range o.Buckets {
		if !validBucketName(b) {
			return nil, invalid("bad bucket name %q", b)
		}
	}
	status := []string{string(types.FindingStatusActive)}
	if o.IncludeArchived {
		status = append(status, string(types.FindingStatusArchived))
	}
	if o.IncludeResolved {
		status = append(status, string(types.FindingStatusResolved))
	}
	base := map[string]types.Criterion{
		"resourceType": {Eq: []string{string(types.ResourceTypeAwsS3Bucket)}},
		"status":       {Eq: status},
	}
	// PublicOnly and CrossAccountOnly are applied here, not with an
	// isPublic filter: a finding with an Error has no isPublic, so such a
	// filter would drop it, and a public-only gate would read "could not
	// analyze" as "not public".
	v2 := o.UseV2 || !a.External()
	var filters []map[string]types.Criterion
	if len(o.Buckets) == 0 {
		filters = append(filters, base)
	}
	for i := 0; i < len(o.Buckets); i += MaxFilterValues {
		batch := o.Buckets[i:min(i+MaxFilterValues, len(o.Buckets))]
		f := make(map[string]types.Criterion, len(base)+1)
		for k, v := range base {
			f[k] = v
		}
		arns := make([]string, len(batch))
		for j, b := range batch {
			arns[j] = "arn:" + a.partition() + ":s3:::" + b
		}
		f["resource"] = types.Criterion{Eq: arns}
		filters = append(filters, f)
	}
	var out []Finding
	for _, filter := range filters {
		var got []Finding
		var err error
		if v2 {
			got, err = listV2(ctx, client, a, filter)
		} else {
			got, err = listV1(ctx, client, a, filter)
		}
		if err != nil {
			return nil, err
		}
		for _, f := range got {
			if f.Error == "" && ((o.PublicOnly && !f.Public) || (o.CrossAccountOnly && f.Public)) {
				continue
			}
			out = append(out, f)
		}
	}
	return out, nil
}

func listV1(ctx context.Context, client API, a *Analyzer, filter map[string]types.Criterion) ([]Finding, error) {
	var out []Finding
	p := accessanalyzer.NewListFindingsPaginator(client, &accessanalyzer.ListFindingsInput{
		AnalyzerArn: aws.String(a.ARN), Filter: filter, MaxResults: aws.Int32(DefaultPageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, noSetupRetryAA)
		if err != nil {
			return nil, wrap("ListFindings", a.ARN, err)
		}
		for _, s := range page.Findings {
			out = append(out, newFinding(aws.ToString(s.Id), aws.ToString(s.Resource), s.ResourceType,
				aws.ToString(s.ResourceOwnerAccount), s.Status, aws.ToString(s.Error), s.CreatedAt, s.UpdatedAt, s.AnalyzedAt,
				access{principal: s.Principal, action: s.Action, condition: s.Condition, public: s.IsPublic, sources: s.Sources}))
		}
	}
	return out, nil
}

func listV2(ctx context.Context, client API, a *Analyzer, filter map[string]types.Criterion) ([]Finding, error) {
	var out []Finding
	p := accessanalyzer.NewListFindingsV2Paginator(client, &accessanalyzer.ListFindingsV2Input{
		AnalyzerArn: aws.String(a.ARN), Filter: filter, MaxResults: aws.Int32(DefaultPageSize),
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, noSetupRetryAA)
		if err != nil {
			return nil, wrap("ListFindingsV2", a.ARN, err)
		}
		for _, s := range page.Findings {
			got, err := getV2(ctx, client, a, aws.ToString(s.Id))
			if err != nil {
				return nil, err
			}
			out = append(out, got...)
		}
	}
	return out, nil
}

// getV2 reads one V2 finding with all pages of its details; each
// access-detail entry becomes one Finding with the same ID.
func getV2(ctx context.Context, client API, a *Analyzer, id string) ([]Finding, error) {
	var out []Finding
	p := accessanalyzer.NewGetFindingV2Paginator(client, &accessanalyzer.GetFindingV2Input{
		AnalyzerArn: aws.String(a.ARN), Id: aws.String(id),
	})
	for p.HasMorePages() {
		g, err := p.NextPage(ctx, noSetupRetryAA)
		if err != nil {
			return nil, wrap("GetFindingV2", id, err)
		}
		mk := func(errMsg string, x access) Finding {
			return newFinding(aws.ToString(g.Id), aws.ToString(g.Resource), g.ResourceType, aws.ToString(g.ResourceOwnerAccount),
				g.Status, errMsg, g.CreatedAt, g.UpdatedAt, g.AnalyzedAt, x)
		}
		for _, d := range g.FindingDetails {
			switch v := d.(type) {
			case *types.FindingDetailsMemberExternalAccessDetails:
				out = append(out, mk(aws.ToString(g.Error), access{principal: v.Value.Principal, action: v.Value.Action,
					condition: v.Value.Condition, public: v.Value.IsPublic, sources: v.Value.Sources}))
			case *types.FindingDetailsMemberInternalAccessDetails:
				out = append(out, mk(aws.ToString(g.Error), access{principal: v.Value.Principal, action: v.Value.Action,
					condition: v.Value.Condition, public: aws.Bool(false), sources: v.Value.Sources, internal: true}))
			default:
				// Details of a kind AWS added after this version: the
				// access they describe is unknown, never none.
				kind := fmt.Sprintf("%T", d)
				if u, ok := d.(*types.UnknownUnionMember); ok {
					kind = u.Tag
				}
				out = append(out, mk("the finding's details are of a kind this version does not read ("+kind+"): what access it grants is unknown", access{}))
			}
		}
		if len(g.FindingDetails) == 0 && g.Error != nil {
			out = append(out, mk(aws.ToString(g.Error), access{}))
		}
	}
	return out, nil
}

// FindingOptions configure [GetFinding]. None (or nil) means the
// defaults.
type FindingOptions struct {
	// AllowInsecureTransport lets GetFinding read over plain HTTP from a
	// host that is not loopback (127.0.0.0/8, ::1, localhost). By default
	// such a call is refused before any request with a
	// [*RemotePlainHTTPError]: SigV4 signs the requests, but nothing
	// authenticates the answers, so anyone on the network path (a proxy, a
	// container network, a mistyped AWS_ENDPOINT_URL) can rewrite the
	// finding (its status, its principals, whether it is public). A
	// client that does not let the call see its endpoint (a wrapper that
	// drops the per-call options, a test double) is refused the same way,
	// with an empty Endpoint; this allows it too. Set it only for a test
	// server on a network you trust, or a client you know uses TLS.
	AllowInsecureTransport bool
}

// GetFinding reads one finding by id (with GetFindingV2 for analyzers
// that are not external-access ones). A V2 finding with several access
// details returns the first; use [ListFindings] for all. opts takes at
// most one [FindingOptions].
//
// Errors: as [ListFindings]; a missing finding is an [*Error] wrapping
// *types.ResourceNotFoundException; more than one opts is an
// [ErrInvalidInput]; [*RemotePlainHTTPError] (see
// FindingOptions.AllowInsecureTransport).
func GetFinding(ctx context.Context, client API, a *Analyzer, id string, opts ...*FindingOptions) (*Finding, error) {
	if len(opts) > 1 {
		return nil, invalid("%d FindingOptions given, at most one is allowed", len(opts))
	}
	if err := checkAnalyzer(client, a); err != nil {
		return nil, err
	}
	if id == "" {
		return nil, invalid("finding id is required")
	}
	if len(opts) == 0 || opts[0] == nil || !opts[0].AllowInsecureTransport {
		if err := refuseRemote(ctx, "GetFinding", "FindingOptions", probeAnalyzers(client)); err != nil {
			return nil, err
		}
	}
	if !a.External() {
		got, err := getV2(ctx, client, a, id)
		if err != nil {
			return nil, err
		}
		if len(got) == 0 {
			return nil, &Error{Op: "GetFindingV2", Resource: id, Err: ErrNoDetails}
		}
		return &got[0], nil
	}
	g, err := client.GetFinding(ctx, &accessanalyzer.GetFindingInput{AnalyzerArn: aws.String(a.ARN), Id: aws.String(id)}, noSetupRetryAA)
	if err != nil {
		return nil, wrap("GetFinding", id, err)
	}
	s := g.Finding
	if s == nil {
		return nil, &Error{Op: "GetFinding", Resource: id, Err: ErrNoDetails}
	}
	f := newFinding(aws.ToString(s.Id), aws.ToString(s.Resource), s.ResourceType, aws.ToString(s.ResourceOwnerAccount),
		s.Status, aws.ToString(s.Error), s.CreatedAt, s.UpdatedAt, s.AnalyzedAt,
		access{principal: s.Principal, action: s.Action, condition: s.Condition, public: s.IsPublic, sources: s.Sources})
	return &f, nil
}
