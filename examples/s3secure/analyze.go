package main

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/policy"
)

func init() {
	register(&command{
		name: "analyze",
		usage: "analyze -bucket B | -all [-offline [-account-id ID] [-trust ID,...] [-org o-...]] " +
			"[-create-analyzer] [-include-archived]",
		summary: "who outside the account can reach buckets: Access Analyzer findings, or -offline from the buckets' own settings",
		formats: []string{"text", "json", "ocsf"},
		run:     runAnalyze,
		flagFor: map[string]string{"AllowCreate": "-create-analyzer"},
	})
}

// runAnalyze prints one line per finding: bucket, kind, public, principal,
// accounts, actions, conditions, source, status, id. It exits 1 when a
// finding is active: public or shared outside the account and not
// archived (online: archived by an archive rule or by hand; offline: not
// covered by -trust or -org).
func runAnalyze(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	bucket := fs.String("bucket", "", "analyze this bucket")
	all := fs.Bool("all", false, "analyze every bucket")
	offline := fs.Bool("offline", false, "compute findings from the buckets' policy, ACL, Block Public Access and access points instead of asking Access Analyzer")
	account := accountIDFlag(fs, "-offline: the owner account's"+accountIDUsage)
	trust := fs.String("trust", "", "-offline: comma-separated accounts inside the zone of trust besides the owner")
	orgID := fs.String("org", "", "-offline: organization id (o-…) inside the zone of trust")
	create := fs.Bool("create-analyzer", false, "create an account analyzer when the Region has none (a write; needs access-analyzer:CreateAnalyzer)")
	archived := fs.Bool("include-archived", false, "also list archived findings (they never fail the run)")
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
	if *offline && *create {
		return g.fail(errors.New("analyze: -create-analyzer applies to the online analysis"))
	}
	if !*offline && *account != "" {
		return g.fail(errors.New("analyze: -account-id applies to -offline; online, the analyzer knows its account"))
	}
	if g.local && !*offline {
		return g.fail(errors.New("analyze: -local starts an empty in-memory AWS for this one run, whose Access Analyzer would find nothing; " +
			"run s3secure serve (its Access Analyzer analyzes the buckets you make there) and give -endpoint, or add -offline"))
	}
	if g.local && *bucket != "" {
		return g.fail(errors.New("analyze: -local starts an empty in-memory AWS for this one run, which has no bucket to analyze; " +
			"run s3secure serve, create and configure the bucket there, and give -endpoint"))
	}
	var buckets []string
	if *bucket != "" {
		buckets = []string{*bucket}
	}
	var findings []analyzer.Finding
	var err error
	if *offline {
		findings, err = analyzeOffline(ctx, g, buckets, *account, *trust, *orgID)
	} else {
		findings, err = analyzeOnline(ctx, g, buckets, *create, *archived)
	}
	// A partial failure of -all -offline still prints what was analyzed,
	// then reports the failure (exit 2).
	if err != nil && len(findings) == 0 {
		return g.fail(err)
	}
	partial := err
	sort.SliceStable(findings, func(i, j int) bool { return findings[i].Bucket < findings[j].Bucket })
	if g.format == "ocsf" {
		return g.analyzeOCSF(findings, partial)
	}
	records := make([]findingRecord, len(findings))
	nActive, nArchived := 0, 0
	for i, f := range findings {
		r := findingRecord{Bucket: f.Bucket, Kind: string(f.Kind), Public: f.Public, Principal: orEmptyMap(f.Principal),
			Accounts: orEmpty(f.Accounts), Actions: orEmpty(f.Actions), Conditions: orEmptyMap(f.Conditions),
			Sources: []findingSource{}, Status: string(f.Status), ID: f.ID, Error: f.Error}
		for _, s := range f.Sources {
			r.Sources = append(r.Sources, findingSource{Type: string(s.Type), AccessPointARN: s.AccessPointARN})
		}
		records[i] = r
		switch {
		case f.Blocking():
			nActive++
		case f.Status == "ARCHIVED":
			nArchived++
		}
	}
	summary := fmt.Sprintf("%s: %d active (blocking), %d archived", plural(len(records), "finding"), nActive, nArchived)
	if *offline {
		summary = fmt.Sprintf("%s (offline analysis of the buckets' own settings)", summary)
	}
	header := []string{"bucket", "kind", "public", "principal", "accounts", "actions", "conditions", "source", "status", "id"}
	withError := slices.ContainsFunc(records, func(r findingRecord) bool { return r.Error != "" })
	if withError {
		// A finding whose access could not be read says why (UNREAD: …).
		header = append(header, "error")
	}
	writeRecords(g, records, header,
		func(r findingRecord) []any {
			src := make([]string, len(r.Sources))
			for i, s := range r.Sources {
				src[i] = strings.TrimSpace(s.Type + " " + s.AccessPointARN)
			}
			cells := []any{r.Bucket, r.Kind, r.Public, kvText(r.Principal), strings.Join(r.Accounts, ","), strings.Join(r.Actions, ","),
				kvText(r.Conditions), strings.Join(src, ","), r.Status, r.ID}
			if withError {
				cells = append(cells, r.Error)
			}
			return cells
		}, summary)
	if partial != nil {
		return g.fail(partial)
	}
	if nActive > 0 {
		return exitFindings
	}
	return exitOK
}

// findingRecord is one finding of analyze, in JSON: the bucket, the kind
// of access (public, cross-account, organization, service, ...), whether
// it is public, the principal and the accounts it names, the actions and
// conditions granted, where the grant comes from (sources), the status
// (ACTIVE or ARCHIVED), online the finding's id, and why its access could
// not be read ("" when it was).
type findingRecord struct {
	Bucket     string            `json:"bucket"`
	Kind       string            `json:"kind"`
	Public     bool              `json:"public"`
	Principal  map[string]string `json:"principal"`
	Accounts   []string          `json:"accounts"`
	Actions    []string          `json:"actions"`
	Conditions map[string]string `json:"conditions"`
	Sources    []findingSource   `json:"sources"`
	Status     string            `json:"status"`
	ID         string            `json:"id"`
	// Error says why, when Access Analyzer could not analyze the bucket
	// (the finding blocks: its access is unknown); "" otherwise. It is
	// always there, as every JSON field is.
	Error string `json:"error"`
}

// findingSource is where a grant comes from: POLICY, BUCKET_ACL,
// S3_ACCESS_POINT, ... and the access point's ARN for access point grants.
type findingSource struct {
	Type           string `json:"type"`
	AccessPointARN string `json:"access_point_arn"`
}

func kvText(m map[string]string) string {
	parts := make([]string, 0, len(m))
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	sort.Strings(parts)
	return strings.Join(parts, ";")
}

func analyzeOnline(ctx context.Context, g *globals, buckets []string, create, archived bool) ([]analyzer.Finding, error) {
	client, err := clientFor(ctx, g, svcAccessAnalyzer, (*globals).newAccessAnalyzer)
	if err != nil {
		return nil, err
	}
	a, err := analyzer.EnsureAnalyzer(ctx, client, &analyzer.EnsureOptions{AllowCreate: create, AllowInsecureTransport: g.insecureTransport})
	if err != nil {
		if errors.Is(err, analyzer.ErrNoAnalyzer) {
			// The library's hint, EnsureOptions.AllowCreate, is printed
			// as -create-analyzer (cliText); the command has -offline too.
			return nil, fmt.Errorf("%w, or use -offline", err)
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
		if err := analyzer.CheckBucketRegionsWith(ctx, s3c, a, buckets, &analyzer.RegionOptions{AllowInsecureTransport: g.insecureTransport}); err != nil {
			return nil, err
		}
	}
	return analyzer.ListFindings(ctx, client, a, &analyzer.ListOptions{Buckets: buckets, IncludeArchived: archived, AllowInsecureTransport: g.insecureTransport})
}

func analyzeOffline(ctx context.Context, g *globals, buckets []string, accountFlag, trust, org string) ([]analyzer.Finding, error) {
	ao := &analyzer.AnalyzeOptions{Organization: org}
	for _, t := range strings.Split(trust, ",") {
		if t = strings.TrimSpace(t); t != "" {
			if !policy.IsAccountID(t) {
				return nil, fmt.Errorf("analyze: -trust %q is not a 12-digit account id", t)
			}
			ao.TrustedAccounts = append(ao.TrustedAccounts, t)
		}
	}
	s3c, err := g.s3Client(ctx)
	if err != nil {
		return nil, err
	}
	if err := g.preflight(ctx, s3c); err != nil {
		return nil, err
	}
	account, err := g.accountID(ctx, accountFlag)
	if err != nil {
		return nil, err
	}
	control, err := clientFor(ctx, g, svcS3Control, (*globals).newS3Control)
	if err != nil {
		return nil, err
	}
	opts := &analyzer.FetchOptions{Owner: account, Analyze: ao, AllowInsecureTransport: g.insecureTransport}
	// The account's Block Public Access, the access points and the
	// Multi-Region Access Points come from S3 Control. An endpoint without it (an S3-compatible store) leaves
	// the account setting read as all off, which reports more, never less.
	if _, err := control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(account)}); err == nil ||
		hasCode(err, "NoSuchPublicAccessBlockConfiguration") {
		opts.Control = &analyzer.S3Control{Client: control, Account: account}
	} else if isSetupError(err) {
		return nil, err
	} else {
		fmt.Fprintf(g.stderr, "s3secure: note: S3 Control could not be read (%s): the account's Block Public Access is taken as off "+
			"(this reports more, never less), and access points and Multi-Region Access Points are not listed: access through them is not reported "+
			"(a bucket policy that delegates access to them is a blocking finding, UNREAD)\n", oneLine(err))
	}
	if len(buckets) == 1 {
		return analyzer.AnalyzeBucket(ctx, s3c, buckets[0], opts)
	}
	report, finish := g.progress("analyze")
	opts.Progress = func(p analyzer.Progress) { report(p.Done, p.Total, p.Bucket) }
	results, err := analyzer.AnalyzeAll(ctx, s3c, opts)
	finish()
	if err != nil {
		return nil, err
	}
	var out []analyzer.Finding
	var errs []error
	failed := 0
	seen := map[string]bool{} // the buckets of an unreachable Region share its error: said once
	for _, r := range results {
		if r.Err != nil {
			failed++
			if text := r.Err.Error(); !seen[text] {
				seen[text] = true
				errs = append(errs, r.Err)
			}
			continue
		}
		out = append(out, r.Findings...)
	}
	if failed > 0 {
		return out, fmt.Errorf("analyze: %d of %d buckets could not be analyzed: %w", failed, len(results), errors.Join(errs...))
	}
	return out, nil
}

// hasCode reports whether err is an AWS error with this code.
func hasCode(err error, code string) bool {
	var ae smithy.APIError
	return errors.As(err, &ae) && ae.ErrorCode() == code
}
