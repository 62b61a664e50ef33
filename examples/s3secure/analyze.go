package main

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"

	"github.com/s3secure/s3secure/analyzer"
)

func init() {
	register(&command{
		name: "analyze",
		usage: "analyze [-bucket B | -all] [-offline] [-region R] [-account ID] [-trust ID,...] [-org o-...] " +
			"[-create-analyzer] [-include-archived] [-analyzer-endpoint URL]",
		summary: "who outside the account can reach buckets: Access Analyzer findings, or -offline from the buckets' own settings",
		run:     runAnalyze,
	})
}

var accountRE = regexp.MustCompile(`^\d{12}$`)

// runAnalyze prints one line per finding: bucket, kind, public, principal,
// accounts, actions, conditions, source, status, id. It exits 1 when a
// finding is active: public or shared outside the account and not
// archived (online: archived by an archive rule or by hand; offline: not
// covered by -trust or -org).
func runAnalyze(ctx context.Context, g *globals, args []string) int {
	c := registry["analyze"]
	fs := g.newFlagSet(c)
	bucket := fs.String("bucket", "", "analyze this bucket")
	all := fs.Bool("all", false, "analyze every bucket")
	offline := fs.Bool("offline", false, "compute findings from the buckets' policy, ACL, Block Public Access and access points instead of asking Access Analyzer")
	region := fs.String("region", "", "Region of the analyzer and buckets (overrides the global -region)")
	account := fs.String("account", "", "owner account id for -offline (default: from STS GetCallerIdentity)")
	trust := fs.String("trust", "", "-offline: comma-separated accounts inside the zone of trust besides the owner")
	orgID := fs.String("org", "", "-offline: organization id (o-…) inside the zone of trust")
	create := fs.Bool("create-analyzer", false, "create an account analyzer when the Region has none (a write; needs access-analyzer:CreateAnalyzer)")
	archived := fs.Bool("include-archived", false, "also list archived findings (they never fail the run)")
	aaEndpoint := fs.String("analyzer-endpoint", "", "Access Analyzer endpoint URL (a VPC endpoint, or a test fake)")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("analyze: unexpected argument %q", fs.Arg(0)))
	}
	if (*bucket == "") == !*all {
		return g.fail(errors.New("analyze: give exactly one of -bucket B and -all"))
	}
	if !*offline && (*trust != "" || *orgID != "") {
		return g.fail(errors.New("analyze: -trust and -org apply to -offline; online, use archive rules"))
	}
	if *offline && (*create || *aaEndpoint != "") {
		return g.fail(errors.New("analyze: -create-analyzer and -analyzer-endpoint apply to the online analysis"))
	}
	if g.local && !*offline {
		return g.fail(errors.New("analyze: the embedded S3 has no Access Analyzer; add -offline"))
	}
	if *region != "" {
		if g.cfg != nil {
			return g.fail(errors.New("analyze: -region given after the configuration was loaded"))
		}
		g.region = *region
	}
	cfg, err := g.awsConfig(ctx)
	if err != nil {
		return g.fail(err)
	}
	var buckets []string
	if *bucket != "" {
		buckets = []string{*bucket}
	}
	var findings []analyzer.Finding
	if *offline {
		findings, err = analyzeOffline(ctx, g, cfg, buckets, *account, *trust, *orgID)
	} else {
		findings, err = analyzeOnline(ctx, g, cfg, buckets, *create, *archived, *aaEndpoint)
	}
	// A partial failure of -all -offline still prints what was analyzed,
	// then reports the failure (exit 2).
	if err != nil && len(findings) == 0 {
		return g.fail(err)
	}
	partial := err
	sort.SliceStable(findings, func(i, j int) bool { return findings[i].Bucket < findings[j].Bucket })
	p := g.newPrinter("bucket", "kind", "public", "principal", "accounts", "actions", "conditions", "source", "status", "id")
	blocking := false
	for _, f := range findings {
		if f.Status == "ACTIVE" && f.Shared() {
			blocking = true
		}
		var src []string
		for _, s := range f.Sources {
			x := string(s.Type)
			if s.AccessPointARN != "" {
				x += " " + s.AccessPointARN
			}
			src = append(src, x)
		}
		if g.json() {
			p.Row(f.Bucket, f.Kind, f.Public, f.Principal, nonNil(f.Accounts), nonNil(f.Actions), f.Conditions, src, f.Status, f.ID)
			continue
		}
		p.Row(f.Bucket, f.Kind, f.Public, kvText(f.Principal), strings.Join(f.Accounts, ","), strings.Join(f.Actions, ","),
			kvText(f.Conditions), strings.Join(src, ","), f.Status, f.ID)
	}
	p.Flush()
	if partial != nil {
		return g.fail(partial)
	}
	if blocking {
		return exitFindings
	}
	return exitOK
}

func nonNil(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}

func kvText(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

func analyzeOnline(ctx context.Context, g *globals, cfg aws.Config, buckets []string, create, archived bool, endpoint string) ([]analyzer.Finding, error) {
	client := accessanalyzer.NewFromConfig(cfg, func(o *accessanalyzer.Options) {
		// The global -endpoint names an S3-compatible server, not Access
		// Analyzer.
		o.BaseEndpoint = nil
		if endpoint != "" {
			o.BaseEndpoint = aws.String(endpoint)
		}
	})
	a, err := analyzer.EnsureAnalyzer(ctx, client, &analyzer.EnsureOptions{AllowCreate: create})
	if err != nil {
		if errors.Is(err, analyzer.ErrNoAnalyzer) {
			return nil, fmt.Errorf("%w (create one with -create-analyzer, or use -offline)", err)
		}
		return nil, err
	}
	if a.Created {
		fmt.Fprintf(g.stderr, "s3secure: created analyzer %s; its first scan takes a few minutes\n", a.ARN)
	}
	if len(buckets) > 0 {
		// A bucket in another Region has no findings here; say so instead
		// of printing nothing.
		s3c, err := g.s3Client(ctx)
		if err != nil {
			return nil, err
		}
		if err := analyzer.CheckBucketRegions(ctx, s3c, a, buckets...); err != nil {
			return nil, err
		}
	}
	return analyzer.ListFindings(ctx, client, a, &analyzer.ListOptions{Buckets: buckets, IncludeArchived: archived})
}

func analyzeOffline(ctx context.Context, g *globals, cfg aws.Config, buckets []string, account, trust, org string) ([]analyzer.Finding, error) {
	if account == "" && g.localServer != nil {
		account = g.localServer.AccountID()
	}
	if account == "" {
		id, err := sts.NewFromConfig(cfg).GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
		if err != nil {
			return nil, fmt.Errorf("analyze: find the account (or give -account): %w", err)
		}
		account = aws.ToString(id.Account)
	}
	if !accountRE.MatchString(account) {
		return nil, fmt.Errorf("analyze: -account %q is not a 12-digit account id", account)
	}
	ao := &analyzer.AnalyzeOptions{Organization: org}
	for _, t := range strings.Split(trust, ",") {
		if t = strings.TrimSpace(t); t != "" {
			if !accountRE.MatchString(t) {
				return nil, fmt.Errorf("analyze: -trust %q is not a 12-digit account id", t)
			}
			ao.TrustedAccounts = append(ao.TrustedAccounts, t)
		}
	}
	s3c, err := g.s3Client(ctx)
	if err != nil {
		return nil, err
	}
	opts := &analyzer.FetchOptions{Owner: account, Analyze: ao}
	if cfg.BaseEndpoint == nil {
		// Real AWS: the account's Block Public Access and the access points
		// come from S3 Control. A custom endpoint has none; the account
		// setting then reads as all off, which reports more, never less.
		opts.Control = &analyzer.S3Control{Client: s3control.NewFromConfig(cfg), Account: account}
	}
	if len(buckets) == 1 {
		return analyzer.AnalyzeBucket(ctx, s3c, buckets[0], opts)
	}
	results, err := analyzer.AnalyzeAll(ctx, s3c, opts)
	if err != nil {
		return nil, err
	}
	var out []analyzer.Finding
	var errs []error
	for _, r := range results {
		if r.Err != nil {
			errs = append(errs, r.Err)
			continue
		}
		out = append(out, r.Findings...)
	}
	if len(errs) > 0 {
		return out, fmt.Errorf("analyze: %d of %d buckets could not be analyzed: %w", len(errs), len(results), errors.Join(errs...))
	}
	return out, nil
}
