package analyzer

import (
	"context"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/plainhttp/probeopt"
	"github.com/s3secure/s3secure/policy"
)

// ValidateOptions configures [Validate]. nil means a bucket policy.
type ValidateOptions struct {
	// ResourceType is the resource the policy is for; AWS::S3::Bucket when
	// empty (so the S3-specific checks run).
	ResourceType types.ValidatePolicyResourceType
	// PolicyType is RESOURCE_POLICY when empty.
	PolicyType types.PolicyType
	// Locale is the language of the messages; English when empty.
	Locale types.Locale

	// AllowInsecureTransport lets Validate read over plain HTTP from a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default such
	// a call is refused before any request with a [*RemotePlainHTTPError]:
	// SigV4 signs the requests, but nothing authenticates the answers, so
	// anyone on the network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) can rewrite them into "no findings" and read the
	// policies. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it
	// only for a test server on a network you trust, or a client you know
	// uses TLS.
	AllowInsecureTransport bool
}

// Validate runs Access Analyzer's ValidatePolicy on a policy (by default
// as an S3 bucket policy), reading every page, and returns the findings as
// [policy.Finding] values, the type [policy.Validate] returns, so the two
// can be compared. Severity is the finding type (a type this version does
// not know, or none, is ERROR, its message naming it), Code the issue code, Path,
// Statement, Line and Column come from the finding's first location
// (Access Analyzer's 0-based column is made 1-based), Sid from the policy.
// ValidatePolicy is free of charge.
//
// Errors: [ErrInvalidInput] for an empty document; [*Error] for a failed
// call.
func Validate(ctx context.Context, client ValidateAPI, policyJSON string, opts *ValidateOptions) ([]policy.Finding, error) {
	if isNil(client) {
		return nil, invalid("nil client")
	}
	var o ValidateOptions
	if opts != nil {
		o = *opts
	}
	if strings.TrimSpace(policyJSON) == "" {
		return nil, invalid("policy document is empty")
	}
	if o.ResourceType == "" && (o.PolicyType == "" || o.PolicyType == types.PolicyTypeResourcePolicy) {
		o.ResourceType = types.ValidatePolicyResourceTypeS3Bucket
	}
	if o.PolicyType == "" {
		o.PolicyType = types.PolicyTypeResourcePolicy
	}
	if !o.AllowInsecureTransport {
		err := refuseRemote(ctx, "Validate", "ValidateOptions", func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := client.ValidatePolicy(ctx, &accessanalyzer.ValidatePolicyInput{
				PolicyDocument: &policyJSON, PolicyType: o.PolicyType, ValidatePolicyResourceType: o.ResourceType,
			}, probeopt.AccessAnalyzer(add))
			return err
		})
		if err != nil {
			return nil, err
		}
	}
	var sids []string
	if doc, err := policy.Parse([]byte(policyJSON)); err == nil {
		for _, s := range doc.Statements {
			sids = append(sids, s.Sid)
		}
	}
	var out []policy.Finding
	p := accessanalyzer.NewValidatePolicyPaginator(client, &accessanalyzer.ValidatePolicyInput{
		PolicyDocument: aws.String(policyJSON), PolicyType: o.PolicyType,
		ValidatePolicyResourceType: o.ResourceType, Locale: o.Locale,
	})
	for p.HasMorePages() {
		page, err := p.NextPage(ctx, noSetupRetryAA)
		if err != nil {
			return nil, wrap("ValidatePolicy", "", err)
		}
		for _, f := range page.Findings {
			out = append(out, toPolicyFinding(f, sids))
		}
	}
	return out, nil
}

func toPolicyFinding(f types.ValidatePolicyFinding, sids []string) policy.Finding {
	pf := policy.Finding{
		Severity:      policy.Severity(f.FindingType),
		Code:          aws.ToString(f.IssueCode),
		Statement:     -1,
		Message:       aws.ToString(f.FindingDetails),
		LearnMoreLink: aws.ToString(f.LearnMoreLink),
	}
	switch pf.Severity {
	case policy.SeverityError, policy.SeveritySecurityWarning, policy.SeverityWarning, policy.SeveritySuggestion:
	default:
		// A type AWS added after this version, or none: fail closed, as
		// a gate would otherwise pass what Access Analyzer flagged.
		pf.Message = fmt.Sprintf("%s (Access Analyzer's finding type %q, which this version does not know, is taken as ERROR)", pf.Message, f.FindingType)
		pf.Severity = policy.SeverityError
	}
	if len(f.Locations) == 0 {
		return pf
	}
	loc := f.Locations[0]
	var b strings.Builder
	afterStatement := false
	for _, e := range loc.Path {
		switch v := e.(type) {
		case *types.PathElementMemberIndex:
			fmt.Fprintf(&b, "[%d]", v.Value)
			if afterStatement && pf.Statement < 0 {
				pf.Statement = int(v.Value)
			}
		case *types.PathElementMemberValue:
			name(&b, v.Value)
		case *types.PathElementMemberKey:
			name(&b, v.Value)
		case *types.PathElementMemberSubstring:
			// A substring points inside the previous value; the path
			// already names that value.
		}
		afterStatement = false
		if v, ok := e.(*types.PathElementMemberValue); ok && v.Value == "Statement" && b.Len() == len("Statement") {
			afterStatement = true
		}
	}
	pf.Path = b.String()
	if pf.Statement >= 0 && pf.Statement < len(sids) {
		pf.Sid = sids[pf.Statement]
	}
	if loc.Span != nil && loc.Span.Start != nil {
		pf.Line = int(aws.ToInt32(loc.Span.Start.Line))
		pf.Column = int(aws.ToInt32(loc.Span.Start.Column)) + 1
	}
	return pf
}

func name(b *strings.Builder, s string) {
	if b.Len() > 0 {
		b.WriteByte('.')
	}
	b.WriteString(s)
}
