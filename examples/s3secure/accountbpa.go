package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/s3secure/s3secure/securebucket"
)

func init() {
	register(&command{
		name:    "account-bpa",
		usage:   "account-bpa [-account-id ID] [-apply] [-allow-blocking-public-buckets] [-concurrency N]",
		summary: "plan (and with -apply, turn on) the account's four Block Public Access settings, naming the buckets that would be cut off and the access points and Multi-Region Access Points through which they are public",
		run:     runAccountBPA,
		flagFor: map[string]string{
			"AllowBlockingPublicBuckets": "-allow-blocking-public-buckets", "Concurrency": "-concurrency", "AccountID": "-account-id",
		},
	})
}

// runAccountBPA prints the plan for account-level Block Public Access, one
// line per item: account, kind (setting|bucket|result), name, current,
// target, detail. With -apply it writes the plan through
// securebucket.SetAccountPublicAccessBlock. It exits 1 when the plan is
// blocked: buckets rely on public access (or could not be checked) and
// -allow-blocking-public-buckets was not given.
func runAccountBPA(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	account := accountIDFlag(fs, "the account's"+accountIDUsage)
	apply := fs.Bool("apply", false, "turn the four settings on (default: only print the plan)")
	allow := fs.Bool("allow-blocking-public-buckets", false,
		"with -apply, apply even though buckets rely on public access or could not be checked: they stop being publicly reachable at once, "+
			"in every Region (a public website or download bucket goes dark)")
	concurrency := fs.Int("concurrency", securebucket.DefaultAccountScanConcurrency, "buckets inspected at once")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("account-bpa: unexpected argument %q", fs.Arg(0)))
	}
	if *allow && !*apply {
		return g.fail(errors.New("account-bpa: -allow-blocking-public-buckets only applies with -apply"))
	}
	if *concurrency < 1 {
		return g.fail(fmt.Errorf("account-bpa: -concurrency must be at least 1, not %d", *concurrency))
	}
	s3c, err := g.s3Client(ctx)
	if err != nil {
		return g.fail(err)
	}
	acct, err := g.accountID(ctx, *account)
	if err != nil {
		return g.fail(err)
	}
	control, err := clientFor(ctx, g, svcS3Control, (*globals).newS3Control)
	if err != nil {
		return g.fail(err)
	}
	report, finish := g.progress("account-bpa")
	opts := &securebucket.AccountPublicAccessBlockOptions{AllowBlockingPublicBuckets: *allow, Concurrency: *concurrency, AllowInsecureTransport: g.insecureTransport,
		Progress: func(p securebucket.Progress) { report(p.Done, p.Total, p.Bucket) }}
	var plan *securebucket.AccountPublicAccessBlockPlan
	refused := false
	if *apply {
		plan, err = securebucket.SetAccountPublicAccessBlock(ctx, control, s3c, acct, opts)
		if errors.Is(err, securebucket.ErrBucketsRelyOnPublicAccess) && plan != nil {
			refused, err = true, nil
		}
	} else {
		plan, err = securebucket.PlanAccountPublicAccessBlock(ctx, control, s3c, acct, opts)
	}
	finish()
	if err != nil {
		return g.fail(err)
	}

	var records []accountBPARecord
	row := func(kind, name, current, target, detail string) {
		records = append(records, accountBPARecord{AccountID: acct, Kind: kind, Name: name, Current: current, Target: target, Detail: g.cliText(detail)})
	}
	onOff := func(on bool) string {
		if on {
			return "on"
		}
		return "off"
	}
	cur, tgt := plan.Current.Settings, plan.Target
	settings := []struct {
		name     string
		cur, tgt bool
	}{
		{"BlockPublicAcls", cur.BlockPublicAcls, tgt.BlockPublicAcls},
		{"IgnorePublicAcls", cur.IgnorePublicAcls, tgt.IgnorePublicAcls},
		{"BlockPublicPolicy", cur.BlockPublicPolicy, tgt.BlockPublicPolicy},
		{"RestrictPublicBuckets", cur.RestrictPublicBuckets, tgt.RestrictPublicBuckets},
	}
	for _, s := range settings {
		detail := "already on"
		if !s.cur {
			detail = "turn on"
			if !plan.Current.Configured {
				detail = "turn on (the account has no Block Public Access configuration)"
			}
		}
		row("setting", s.name, onOff(s.cur), onOff(s.tgt), detail)
	}
	for _, b := range plan.PublicBuckets {
		if b.Err != nil {
			row("bucket", b.Bucket, "unknown", "not public",
				"could not be checked ("+oneLine(b.Err)+"); it may rely on public access")
			continue
		}
		row("bucket", b.Bucket, "public", "not public", "relies on public access: "+strings.Join(b.Reasons, "; "))
	}
	blocked := len(plan.PublicBuckets) > 0 && !*allow
	var status, detail string
	switch {
	case plan.NoChange():
		status, detail = "none", "all four settings are already on; nothing to do"
	case refused:
		status = "refused"
		detail = fmt.Sprintf("nothing written: %d bucket(s) would be cut off from public access; make them private first, "+
			"or accept that with -allow-blocking-public-buckets", len(plan.PublicBuckets))
	case *apply:
		status = "applied"
		detail = fmt.Sprintf("turned on %s for every bucket in every Region (%s); AWS may take a while to propagate it",
			strings.Join(plan.TurnOn, ", "), scanNote(plan))
	case blocked:
		status = "blocked"
		detail = fmt.Sprintf("nothing written: %d bucket(s) would be cut off from public access; make them private first, "+
			"or run with -apply -allow-blocking-public-buckets", len(plan.PublicBuckets))
	default:
		status = "planned"
		detail = fmt.Sprintf("nothing written; run with -apply to turn on %s for every bucket in every Region (%s)",
			strings.Join(plan.TurnOn, ", "), scanNote(plan))
	}
	row("result", status, "", "", detail)
	// In text, the result is the summary line under the table.
	writeRecords(g, records[:len(records)-1], []string{"account_id", "kind", "name", "current", "target", "detail"},
		func(r accountBPARecord) []any {
			return []any{r.AccountID, r.Kind, r.Name, r.Current, r.Target, r.Detail}
		},
		fmt.Sprintf("account %s: %s: %s", acct, status, detail))
	if g.json() {
		writeRecords(g, records[len(records)-1:], nil, nil, "")
	}
	if blocked {
		return exitFindings
	}
	return exitOK
}

// accountBPARecord is one line of account-bpa, in JSON: the account id,
// the kind of line (setting: one of the four settings; bucket: a bucket
// that relies on public access or could not be checked; result: the
// outcome, last, with its status in name: planned, applied, refused,
// blocked or none), its name, current and target values, and detail.
type accountBPARecord struct {
	AccountID string `json:"account_id"`
	Kind      string `json:"kind"`
	Name      string `json:"name"`
	Current   string `json:"current"`
	Target    string `json:"target"`
	Detail    string `json:"detail"`
}

// scanNote says how many buckets the plan inspected, or why it inspected
// none.
func scanNote(plan *securebucket.AccountPublicAccessBlockPlan) string {
	if cur := plan.Current.Settings; cur.IgnorePublicAcls && cur.RestrictPublicBuckets {
		return "no bucket inspected: IgnorePublicAcls and RestrictPublicBuckets are already on, so no bucket loses public access"
	}
	if n := len(plan.PublicBuckets); n > 0 {
		return fmt.Sprintf("%d bucket(s) checked, %d of them rely on public access or could not be checked", plan.BucketsChecked, n)
	}
	return fmt.Sprintf("%d bucket(s) checked, none relies on public access", plan.BucketsChecked)
}
