package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/securebucket"
)

func init() {
	register(&command{
		name: "audit",
		usage: "audit -bucket B | -all | -organization -role NAME [-external-id ID] [-regions LIST] [-checkpoint FILE [-checkpoint-key-file F | -insecure-unsigned-checkpoint] [-checkpoint-max-age AGE]] [-shard I/N] " +
			"[-account-controls] [-account-id ID] [-controls default|all|S3.5,S3.8,...] [-trusted-kms-key-accounts LIST] [-concurrency N] | -print-role-policy",
		summary: "check buckets against Security Hub and CIS S3 controls: PASS, FAIL, UNKNOWN (could not be read: never taken as passing) " +
			"or NOT_APPLICABLE per control",
		formats: []string{"text", "json", "ocsf"},
		run:     runAudit,
		flagFor: map[string]string{"AccountID": "-account-id", "Concurrency": "-concurrency", "TrustedKMSKeyAccounts": "-trusted-kms-key-accounts",
			"CheckpointKey": "-checkpoint-key-file", "InsecureUnsignedCheckpoint": "-insecure-unsigned-checkpoint",
			"AllowCheckpointAgeUpTo": "-checkpoint-max-age",
			// The account controls' remediations name the library calls.
			"securebucket.SetAccountPublicAccessBlock": "s3secure account-bpa -apply",
			"securebucket.PlanDataEvents":              "s3secure data-events -trail NAME -apply"},
	})
}

// runAudit prints one line per control: bucket, control, status, severity,
// message (account-level results name the account or access point in the
// bucket column). Exit 1 when any result is FAIL or UNKNOWN (a setting that
// could not be read is never taken as passing) or a bucket could not be
// audited. A setup problem (credentials refused or expired, also during
// -all; an unreachable endpoint; TLS) is one line on stderr and exit 2:
// the library stops at it instead of reporting rows of UNKNOWN. With -all,
// a setup problem of one Region only (S3 there refuses what the client's
// Region accepts: an opt-in Region not enabled, a session token not valid
// there) gives each of that Region's buckets one UNKNOWN row naming the
// Region and the error and the Region one note on stderr with a hint,
// every other row is printed, and the exit is 1.
func runAudit(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	bucket := fs.String("bucket", "", "bucket to audit")
	all := fs.Bool("all", false, "audit every bucket the credentials can list")
	accountControls := fs.Bool("account-controls", false,
		"add the account-level controls (S3.1 account Block Public Access, S3.19 access points, S3.24 Multi-Region Access Points, S3.22/S3.23 CloudTrail data events) "+
			"and judge public access with the account's settings; S3.19 covers the access points of -bucket's Region, or with -all of -region's")
	accountID := accountIDFlag(fs, "the account's"+accountIDUsage)
	controls := fs.String("controls", "default", "controls to check: default, all, or a comma-separated `list` of ids")
	// The default depends on the run (0 here: not given), so the help
	// names both rather than the flag package's one "(default N)".
	concurrency := fs.Int("concurrency", 0, fmt.Sprintf("buckets audited at once with -all; requests in flight across all accounts with -organization "+
		"(default %d with -all, %d with -organization)", securebucket.DefaultConcurrency, organization.DefaultConcurrency))
	trustedKeys := fs.String("trusted-kms-key-accounts", "",
		"comma-separated `list` of account ids whose KMS keys S3Secure.KMSKeyAccount accepts besides the bucket owner's (a central key account)")
	org := addOrgFlags(fs, true)
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("audit: unexpected argument %q", fs.Arg(0)))
	}
	if *org.printPolicy {
		return printRolePolicy(g)
	}
	given := false
	fs.Visit(func(f *flag.Flag) { given = given || f.Name == "concurrency" })
	if !given {
		*concurrency = securebucket.DefaultConcurrency
		if *org.on {
			*concurrency = organization.DefaultConcurrency
		}
	}
	if *org.on {
		ids, err := parseControls(*controls)
		if err != nil {
			return g.fail(err)
		}
		if *concurrency < 1 || *concurrency > 1024 {
			return g.fail(fmt.Errorf("audit: -concurrency must be between 1 and 1024, not %d", *concurrency))
		}
		return runAuditOrganization(ctx, g, org, *bucket, *accountControls, ids, *concurrency, splitList(*trustedKeys))
	}
	if (*bucket == "") == !*all {
		return g.fail(errors.New("audit: give -bucket B or -all"))
	}
	if *concurrency < 1 || *concurrency > 1024 {
		return g.fail(fmt.Errorf("audit: -concurrency must be between 1 and 1024, not %d", *concurrency))
	}
	opts := &securebucket.AuditOptions{Concurrency: *concurrency, TrustedKMSKeyAccounts: splitList(*trustedKeys), AllowInsecureTransport: g.insecureTransport}
	ids, err := parseControls(*controls)
	if err != nil {
		return g.fail(err)
	}
	opts.Controls = ids
	client, err := g.s3Client(ctx)
	if err != nil {
		return g.fail(err)
	}
	if err := g.preflight(ctx, client); err != nil {
		return g.fail(err)
	}
	if g.local && *bucket != "" {
		// The embedded S3 starts empty: give it the bucket as an old,
		// unconfigured one.
		if err := g.localBucket(*bucket, s3fake.StateLegacy); err != nil {
			return g.fail(err)
		}
	}
	var accountRows []securebucket.AccountResult
	if *accountControls || *accountID != "" || g.local {
		acct, err := g.accountID(ctx, *accountID)
		if err != nil {
			return g.fail(err)
		}
		opts.AccountID = acct
	}
	var control *s3control.Client
	var trails *cloudtrail.Client
	if *accountControls {
		control, err = clientFor(ctx, g, svcS3Control, (*globals).newS3Control)
		if err != nil {
			return g.fail(err)
		}
		trails, err = clientFor(ctx, g, svcCloudTrail, (*globals).newCloudTrail)
		if err != nil {
			return g.fail(err)
		}
		opts.AccountControl = control
	}

	var reports []*securebucket.Report
	if *all {
		report, finish := g.progress("audit")
		opts.Progress = func(p securebucket.Progress) { report(p.Done, p.Total, p.Bucket) }
		fleet, err := securebucket.AuditAll(ctx, client, opts)
		finish()
		if err != nil {
			return g.fail(err)
		}
		reports = fleet.Buckets
		g.noteUnreachableRegions(reports)
	} else {
		rep, err := securebucket.Audit(ctx, client, *bucket, opts)
		if err != nil {
			return g.fail(err)
		}
		reports = []*securebucket.Report{rep}
		if control != nil {
			// A bucket's access points live in its Region, and S3 Control
			// lists those of the Region it is asked in (and refuses a
			// bucket of another: S3.19 would be UNKNOWN).
			region, err := analyzer.BucketRegion(ctx, client, *bucket, &analyzer.RegionOptions{AllowInsecureTransport: g.insecureTransport})
			if err == nil && region != control.Options().Region {
				control = s3control.New(control.Options(), func(o *s3control.Options) { o.Region = region })
			}
		}
	}
	if *accountControls {
		accountRows, err = securebucket.AuditAccount(ctx, control, trails, opts.AccountID, &securebucket.AccountAuditOptions{Bucket: *bucket, AllowInsecureTransport: g.insecureTransport})
		if err != nil {
			return g.fail(err)
		}
	}

	if g.format == "ocsf" {
		// The account controls are of the Region their client asked in:
		// the access points' of -bucket's Region or the configured one,
		// the trails' of the configured one.
		regions := [2]string{g.region, g.region}
		if control != nil {
			regions = [2]string{control.Options().Region, trails.Options().Region}
		}
		return g.auditOCSF(opts.AccountID, regions, opts.Controls, accountRows, reports)
	}
	records, blocking := auditRecords(accountRows, reports, opts.AccountID, opts.Controls)
	for i := range records {
		records[i].Message = g.cliText(records[i].Message)
	}
	writeRecords(g, records, []string{"resource", "control", "status", "severity", "message"},
		func(r auditRecord) []any {
			return []any{r.Resource, orDash(r.Control), r.Status, orDash(r.Severity), r.Message}
		},
		auditSummary(records, len(reports), len(accountRows) > 0))
	if blocking {
		return exitFindings
	}
	return exitOK
}

// noteUnreachableRegions says on stderr, once a Region, why the buckets
// of a Region AuditAll could not reach have UNKNOWN rows, with the hint
// their rows leave out.
func (g *globals) noteUnreachableRegions(reports []*securebucket.Report) {
	seen := map[string]bool{}
	for _, rep := range reports {
		var re *securebucket.RegionError
		if errors.As(rep.Err, &re) && !seen[re.Region] {
			seen[re.Region] = true
			fmt.Fprintf(g.stderr, "s3secure: note: the buckets of %s are UNKNOWN: %s\n", re.Region, describe(re))
		}
	}
}

// auditRecord is one result of audit, in JSON: what was checked
// (resource: the bucket name, the account id, or an access point or
// bucket ARN), the bucket it concerns ("" for account-wide results), the
// account ("" when not known), and the control's id, CIS recommendation,
// title, status, severity and message.
type auditRecord struct {
	Resource  string `json:"resource"`
	Bucket    string `json:"bucket"`
	AccountID string `json:"account_id"`
	Control   string `json:"control"`
	CIS       string `json:"cis"`
	Title     string `json:"title"`
	Status    string `json:"status"`
	Severity  string `json:"severity"`
	Message   string `json:"message"`
}

// auditRecords turns the account results (first) and the bucket reports
// into records, and says whether any blocks. S3.1 comes from AuditAccount
// with -account-controls; the bucket audit's own S3.1 (read to judge
// public access with the effective settings) is not repeated.
func auditRecords(account []securebucket.AccountResult, reports []*securebucket.Report, accountID string, controls []securebucket.Control) ([]auditRecord, bool) {
	records := []auditRecord{}
	blocking := false
	add := func(resource, bucket string, r securebucket.ControlResult) {
		records = append(records, auditRecord{Resource: resource, Bucket: bucket, AccountID: accountID, Control: string(r.Control),
			CIS: r.CIS, Title: r.Title, Status: string(r.Status), Severity: r.Severity, Message: r.Message})
		blocking = blocking || r.Blocking()
	}
	for _, r := range account {
		add(r.Resource, "", r.ControlResult)
	}
	for _, rep := range reports {
		if rep.Err != nil {
			records = append(records, auditRecord{Resource: rep.Bucket, Bucket: rep.Bucket, AccountID: accountID,
				Status: string(securebucket.StatusUnknown), Severity: securebucket.HighestSeverity(controls), Message: "could not audit the bucket: " + oneLine(rep.Err)})
			blocking = true
			continue
		}
		for _, r := range rep.Results {
			if r.Control != securebucket.ControlAccountBPA {
				add(rep.Bucket, rep.Bucket, r)
			}
		}
	}
	return records, blocking
}

// auditSummary counts the results by status.
func auditSummary(records []auditRecord, buckets int, account bool) string {
	counts := map[string]int{}
	blocking := 0
	for _, r := range records {
		counts[r.Status]++
		if r.Status == string(securebucket.StatusFail) || r.Status == string(securebucket.StatusUnknown) {
			blocking++
		}
	}
	what := plural(buckets, "bucket")
	if account {
		what = "the account and " + what
	}
	var parts []string
	for _, st := range []securebucket.Status{securebucket.StatusPass, securebucket.StatusFail, securebucket.StatusUnknown, securebucket.StatusNotApplicable} {
		parts = append(parts, fmt.Sprintf("%d %s", counts[string(st)], st))
	}
	return fmt.Sprintf("audited %s: %s (%d blocking)", what, strings.Join(parts, ", "), blocking)
}

// orDash shows an empty cell as "-".
func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// parseControls reads -controls: default, all, or a list of control ids,
// each one a bucket control that securebucket knows.
func parseControls(v string) ([]securebucket.Control, error) {
	switch v {
	case "default":
		return nil, nil
	case "all":
		return securebucket.AllControls(), nil
	}
	valid := securebucket.AllControls()
	names := make([]string, len(valid))
	for i, v := range valid {
		names[i] = string(v)
	}
	var out []securebucket.Control
	for _, id := range strings.Split(v, ",") {
		c := securebucket.Control(strings.TrimSpace(id))
		if slices.Contains(valid, c) {
			out = append(out, c)
			continue
		}
		if slices.Contains(accountControlIDs, c) {
			return nil, fmt.Errorf("audit: -controls: %s is an account control, not a bucket control: -account-controls adds the account controls "+
				"(S3.1, S3.19, S3.24, S3.22, S3.23 and s3secure's access point checks)", c)
		}
		hint := ""
		if near := closest(string(c), names); near != "" {
			hint = fmt.Sprintf(" (did you mean %s?)", near)
		}
		return nil, fmt.Errorf("audit: -controls: unknown control %q%s; the bucket controls are %s (or default, or all)", id, hint, strings.Join(names, ", "))
	}
	return out, nil
}

// accountControlIDs are the controls AuditAccount reports, which
// -account-controls adds (-controls selects among the bucket controls).
var accountControlIDs = []securebucket.Control{securebucket.ControlAccountBPA, securebucket.ControlAccessPointBPA,
	securebucket.ControlAccessPointOrigin, securebucket.ControlAccessPointPolicy, securebucket.ControlMultiRegionAccessPointBPA,
	securebucket.ControlDataEventsWrite, securebucket.ControlDataEventsRead}

// splitList is a comma-separated flag value's items, none for "".
func splitList(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, ",")
}
