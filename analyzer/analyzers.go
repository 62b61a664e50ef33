package analyzer

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"

	"github.com/s3secure/s3secure/policy"
)

// Analyzer is an IAM Access Analyzer analyzer.
type Analyzer struct {
	// Name and ARN identify the analyzer.
	Name, ARN string
	// Region and Account are taken from the ARN.
	Region, Account string
	// Type is ACCOUNT or ORGANIZATION for external access, or one of the
	// internal/unused access types.
	Type types.Type
	// Status is the analyzer's status; [EnsureAnalyzer] returns ACTIVE ones
	// (or CREATING right after it created one).
	Status types.AnalyzerStatus
	// Created is true when [EnsureAnalyzer] created the analyzer.
	Created bool
}

// External reports whether the analyzer produces external-access findings
// (the ones about public and cross-account access), which ListFindings
// serves; other types need ListFindingsV2.
func (a *Analyzer) External() bool {
	return a.Type == types.TypeAccount || a.Type == types.TypeOrganization
}

// EnsureOptions configures [EnsureAnalyzer]. A nil *EnsureOptions means
// the defaults: find an active account or organization analyzer, never
// create one.
type EnsureOptions struct {
	// Organization asks for an ORGANIZATION analyzer (zone of trust: the
	// whole organization). By default an ACCOUNT analyzer is preferred and
	// an ORGANIZATION one accepted.
	Organization bool
	// AllowCreate lets EnsureAnalyzer create an analyzer when none is
	// active. By default it does not change the account and returns
	// [ErrNoAnalyzer]. External-access analyzers have no charge, but
	// creating one is a write that needs access-analyzer:CreateAnalyzer
	// (and, for the first analyzer, iam:CreateServiceLinkedRole).
	AllowCreate bool
	// Name is the name of an analyzer to create; DefaultAnalyzerName when
	// empty.
	Name string
	// Tags are set on an analyzer created.
	Tags map[string]string
	// AllowInsecureTransport lets EnsureAnalyzer read over plain HTTP from
	// a host that is not loopback (127.0.0.0/8, ::1, localhost). By default
	// such a call is refused before any request with a
	// [*RemotePlainHTTPError]: SigV4 signs the requests, but nothing
	// authenticates the answers, so anyone on the network path (a proxy, a
	// container network, a mistyped AWS_ENDPOINT_URL) can answer with an
	// analyzer of their choosing, whose findings then say "nothing
	// public". A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it only
	// for a test server on a network you trust, or a client you know uses
	// TLS.
	AllowInsecureTransport bool
}

// EnsureAnalyzer returns an active external-access analyzer in the
// client's Region, creating one when opts.AllowCreate is set and none
// exists.
//
// Errors: [ErrNoAnalyzer] when none is active and creation is not allowed,
// or when the name to create is taken by an analyzer that cannot serve
// (FAILED, DISABLED, or not an external-access one);
// [*WrongRegionError] when the analyzer found is in another Region than the
// client (possible only with a client configured with a custom endpoint);
// [*Error] for a failed call, matching [ErrAccessDenied] when permission is
// missing; [*RemotePlainHTTPError] (see EnsureOptions.AllowInsecureTransport).
func EnsureAnalyzer(ctx context.Context, client API, opts *EnsureOptions) (*Analyzer, error) {
	if isNil(client) {
		return nil, invalid("nil client")
	}
	var o EnsureOptions
	if opts != nil {
		o = *opts
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "EnsureAnalyzer", "EnsureOptions", probeAnalyzers(client)); err != nil {
			return nil, err
		}
	}
	if o.Name == "" {
		o.Name = DefaultAnalyzerName
	}
	want := []types.Type{types.TypeAccount, types.TypeOrganization}
	if o.Organization {
		want = []types.Type{types.TypeOrganization}
	}
	region := clientRegion(client)
	var inactive []string
	var creating []*Analyzer
	for _, typ := range want {
		p := accessanalyzer.NewListAnalyzersPaginator(client, &accessanalyzer.ListAnalyzersInput{Type: typ})
		for p.HasMorePages() {
			out, err := p.NextPage(ctx, noSetupRetryAA)
			if err != nil {
				return nil, wrap("ListAnalyzers", region, err)
			}
			for _, s := range out.Analyzers {
				a := fromSummary(s)
				if a.Status != types.AnalyzerStatusActive {
					inactive = append(inactive, fmt.Sprintf("%s (%s)", a.Name, a.Status))
					if a.Status == types.AnalyzerStatusCreating && a.Name == o.Name {
						creating = append(creating, a)
					}
					continue
				}
				if region != "" && a.Region != region {
					return nil, &WrongRegionError{What: "analyzer " + a.ARN, Region: a.Region, Want: region}
				}
				return a, nil
			}
		}
	}
	if o.AllowCreate && len(creating) > 0 {
		// Created by an earlier call and still starting: return it rather
		// than fail on the name.
		return creating[0], nil
	}
	if !o.AllowCreate {
		if len(inactive) > 0 {
			return nil, fmt.Errorf("%w %s (inactive: %s; EnsureOptions.AllowCreate creates one)", ErrNoAnalyzer, region, strings.Join(inactive, ", "))
		}
		return nil, fmt.Errorf("%w %s (EnsureOptions.AllowCreate creates one)", ErrNoAnalyzer, region)
	}
	// Names are unique per Region across every analyzer type: one that
	// cannot serve (FAILED, DISABLED, or an unused-access analyzer) would
	// make CreateAnalyzer fail with a ConflictException.
	taken, err := client.GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String(o.Name)}, noSetupRetryAA)
	var nf *types.ResourceNotFoundException
	switch {
	case errors.As(err, &nf):
	case err != nil:
		return nil, wrap("GetAnalyzer", o.Name, err)
	case taken.Analyzer != nil:
		return nil, fmt.Errorf("%w %s: the name %q is taken by an analyzer of type %s with status %s (delete it, or set EnsureOptions.Name)",
			ErrNoAnalyzer, region, o.Name, taken.Analyzer.Type, taken.Analyzer.Status)
	}
	typ := types.TypeAccount
	if o.Organization {
		typ = types.TypeOrganization
	}
	out, err := client.CreateAnalyzer(ctx, &accessanalyzer.CreateAnalyzerInput{
		AnalyzerName: aws.String(o.Name), Type: typ, Tags: o.Tags,
	}, noSetupRetryAA)
	if err != nil {
		return nil, wrap("CreateAnalyzer", o.Name, err)
	}
	got, err := client.GetAnalyzer(ctx, &accessanalyzer.GetAnalyzerInput{AnalyzerName: aws.String(o.Name)}, noSetupRetryAA)
	if err != nil {
		return nil, wrap("GetAnalyzer", o.Name, err)
	}
	if got.Analyzer == nil || aws.ToString(got.Analyzer.Arn) != aws.ToString(out.Arn) {
		return nil, &Error{Op: "GetAnalyzer", Resource: o.Name, Err: errors.New("created analyzer not returned")}
	}
	a := fromSummary(*got.Analyzer)
	a.Created = true
	return a, nil
}

// clientRegion returns the Region of an *accessanalyzer.Client (or any
// client with an Options method), or "" when unknown.
func clientRegion(client any) string {
	if c, ok := client.(interface{ Options() accessanalyzer.Options }); ok {
		return c.Options().Region
	}
	return ""
}

func fromSummary(s types.AnalyzerSummary) *Analyzer {
	a := &Analyzer{Name: aws.ToString(s.Name), ARN: aws.ToString(s.Arn), Type: s.Type, Status: s.Status}
	a.Region, a.Account = arnRegionAccount(a.ARN)
	return a
}

// partition is the ARN partition of the analyzer, so of the resources it
// analyzes: its ARN's, else its Region's, else aws.
func (a Analyzer) partition() string {
	if p, ok := policy.ARNPartition(a.ARN); ok {
		return p
	}
	return policy.EndpointPartition(a.Region)
}

// arnRegionAccount returns the Region and account fields of an ARN.
func arnRegionAccount(arn string) (string, string) {
	parts := strings.SplitN(arn, ":", 6)
	if len(parts) < 6 {
		return "", ""
	}
	return parts[3], parts[4]
}

// checkAnalyzer validates a and that it is in the client's Region.
func checkAnalyzer(client any, a *Analyzer) error {
	if isNil(client) {
		return invalid("nil client")
	}
	if a == nil || a.ARN == "" {
		return invalid("analyzer is required")
	}
	region, _ := arnRegionAccount(a.ARN)
	if want := clientRegion(client); want != "" && region != "" && region != want {
		return &WrongRegionError{What: "analyzer " + a.ARN, Region: region, Want: want}
	}
	return nil
}
