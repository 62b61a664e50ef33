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
		name:    "data-events",
		usage:   "data-events -trail NAME [-bucket B,...] [-apply] [-allow-write-only]",
		summary: "plan (and with -apply, write) a trail's event selectors so it logs S3 object-level data events (S3.22, S3.23); data events are billed per event",
		run:     runDataEvents,
		flagFor: map[string]string{"AllowWriteOnly": "-allow-write-only",
			// The S3.22/S3.23 verdicts name the library call that fixes them.
			"securebucket.PlanDataEvents": "s3secure data-events -trail NAME -apply"},
	})
}

// dataEventsBilling is printed with every plan that adds data events: they
// are not free, and a busy bucket produces many.
const dataEventsBilling = "CloudTrail bills data events per event delivered (https://aws.amazon.com/cloudtrail/pricing/); " +
	"busy buckets produce many events"

// runDataEvents prints one line per item: trail, step (log|billing|selectors|
// S3.22|S3.23|result), status, detail. It writes the trail's event selectors only with -apply
// (securebucket.ApplyDataEvents, which refuses if they changed since the
// plan). The user's own selectors are kept.
func runDataEvents(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	trail := fs.String("trail", "", "name or ARN of an existing trail (required); a multi-region trail covers every Region")
	buckets := fs.String("bucket", "", "comma-separated buckets to log (default: every bucket in the account, which is what S3.22 and S3.23 check)")
	apply := fs.Bool("apply", false, "write the event selectors (default: only print the plan)")
	writeOnly := fs.Bool("allow-write-only", false,
		"log only write events (PutObject, DeleteObject, …), which costs less: reads of objects then leave no trace in CloudTrail, and S3.23 fails")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("data-events: unexpected argument %q", fs.Arg(0)))
	}
	if *trail == "" {
		return g.fail(errors.New("data-events: -trail is required"))
	}
	opts := &securebucket.DataEventsOptions{AllowWriteOnly: *writeOnly, AllowInsecureTransport: g.insecureTransport}
	if *buckets != "" {
		for _, b := range strings.Split(*buckets, ",") {
			b = strings.TrimSpace(b)
			if b == "" {
				return g.fail(fmt.Errorf("data-events: -bucket %q has an empty bucket name", *buckets))
			}
			opts.Buckets = append(opts.Buckets, b)
		}
	}
	if g.local {
		return g.fail(errors.New("data-events: -local starts an empty in-memory AWS for this one run, which has no trail; " +
			"run s3secure serve, create the trail there, and give -endpoint"))
	}
	client, err := clientFor(ctx, g, svcCloudTrail, (*globals).newCloudTrail)
	if err != nil {
		return g.fail(err)
	}
	plan, err := securebucket.PlanDataEvents(ctx, client, *trail, opts)
	if err != nil {
		return g.fail(err)
	}
	if *apply {
		if err := securebucket.ApplyDataEvents(ctx, client, plan); err != nil {
			if errors.Is(err, securebucket.ErrDataEventsChanged) {
				return g.fail(fmt.Errorf("%w; nothing written, run the command again", err))
			}
			return g.fail(err)
		}
	}

	var records []dataEventsRecord
	row := func(step, status, detail string) {
		records = append(records, dataEventsRecord{Trail: plan.Trail, Step: step, Status: status, Detail: detail})
	}
	// Selectors alone do not pass S3.22 and S3.23: after writing them, or
	// when there is nothing to write, say what still fails them (a trail
	// that is not logging, or not multi-Region), as audit would.
	stillFails := func() {
		if !*apply && !plan.NoChange() {
			return // the plan changes what the verdict would be read from
		}
		for _, r := range dataEventsVerdicts(ctx, client, opts) {
			if r.Control == securebucket.ControlDataEventsRead && *writeOnly {
				continue // -allow-write-only says S3.23 fails
			}
			row(string(r.Control), string(r.Status), r.Message)
		}
	}
	if plan.NoChange() {
		stillFails()
		row("result", "none", "the trail's event selectors already select the requested S3 data events; nothing to write")
	} else {
		status := "planned"
		if *apply {
			status = "applied"
		}
		for _, l := range plan.Logs {
			row("log", status, l)
		}
		row("billing", "note", dataEventsBilling)
		if plan.UsesAdvanced {
			row("selectors", status, fmt.Sprintf("advanced event selector %s (the trail's other %d advanced selector(s) kept)",
				securebucket.DataEventsSelectorName, countOther(plan)))
		} else {
			row("selectors", status, fmt.Sprintf("basic event selectors: %d before, %d after; S3 object data resources added, "+
				"the trail's other selectors and its management event logging unchanged", len(plan.CurrentBasic), len(plan.NewBasic)))
		}
		stillFails()
		if *apply {
			row("result", "applied", "event selectors written")
		} else {
			row("result", "planned", "nothing written; run with -apply to write the event selectors")
		}
	}
	// In text, the result is the summary line under the table.
	last := records[len(records)-1]
	writeRecords(g, records[:len(records)-1], []string{"trail", "step", "status", "detail"},
		func(r dataEventsRecord) []any { return []any{r.Trail, r.Step, r.Status, r.Detail} },
		fmt.Sprintf("trail %s: %s: %s", last.Trail, last.Status, last.Detail))
	if g.json() {
		writeRecords(g, records[len(records)-1:], nil, nil, "")
	}
	return exitOK
}

// dataEventsVerdicts returns the S3.22 and S3.23 results that do not pass
// for the buckets of opts (every bucket when it names none): one set for
// the account, or the results of each bucket named, each message once.
func dataEventsVerdicts(ctx context.Context, client securebucket.TrailsAPI, opts *securebucket.DataEventsOptions) []securebucket.AccountResult {
	buckets := opts.Buckets
	if len(buckets) == 0 {
		buckets = []string{""}
	}
	var out []securebucket.AccountResult
	seen := map[string]bool{}
	for _, b := range buckets {
		rs, err := securebucket.AuditDataEvents(ctx, client, &securebucket.DataEventsAuditOptions{Bucket: b, AllowInsecureTransport: opts.AllowInsecureTransport})
		if err != nil {
			rs = []securebucket.AccountResult{{ControlResult: securebucket.ControlResult{Control: securebucket.ControlDataEventsWrite,
				Status: securebucket.StatusUnknown, Message: "could not check the trails: " + oneLine(err)}}}
		}
		for _, r := range rs {
			key := string(r.Control) + "\x00" + r.Message
			if r.Status != securebucket.StatusPass && !seen[key] {
				seen[key] = true
				out = append(out, r)
			}
		}
	}
	return out
}

// dataEventsRecord is one line of data-events, in JSON: the trail's ARN,
// the step (log: what will be logged; billing; selectors; S3.22, S3.23:
// what still fails them after -apply or with nothing to write; result,
// last), its status (planned, applied, note, none; FAIL or UNKNOWN for
// S3.22 and S3.23) and detail.
type dataEventsRecord struct {
	Trail  string `json:"trail"`
	Step   string `json:"step"`
	Status string `json:"status"`
	Detail string `json:"detail"`
}

// countOther counts the trail's advanced selectors the plan keeps as they
// are: all of them when it adds its selector, all but one when it extends
// its selector in place (one of its name that the owner changed is kept
// and a new one added).
func countOther(plan *securebucket.DataEventsPlan) int {
	n := len(plan.CurrentAdvanced)
	if len(plan.NewAdvanced) == n {
		n--
	}
	return n
}
