package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/securebucket"
)

func init() {
	register(&command{
		name:    "data-events",
		usage:   "data-events -trail NAME [-bucket B,...] [-apply] [-allow-write-only]",
		summary: "plan (and with -apply, write) a trail's event selectors so it logs S3 object-level data events (S3.22, S3.23); data events are billed per event",
		run:     runDataEvents,
		flagFor: map[string]string{"AllowWriteOnly": "-allow-write-only"},
	})
}

// dataEventsBilling is printed with every plan that adds data events: they
// are not free, and a busy bucket produces many.
const dataEventsBilling = "CloudTrail bills data events per event delivered (https://aws.amazon.com/cloudtrail/pricing/); " +
	"busy buckets produce many events"

// runDataEvents prints one line per item: trail, step (log|billing|selectors|result),
// status, detail. It writes the trail's event selectors only with -apply
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
	opts := &securebucket.DataEventsOptions{AllowWriteOnly: *writeOnly}
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

	p := g.newPrinter("trail", "step", "status", "detail")
	if plan.NoChange() {
		p.Row(plan.Trail, "result", "none", "the trail already logs the requested S3 data events; nothing to do")
		p.Flush()
		return exitOK
	}
	status := "planned"
	if *apply {
		status = "applied"
	}
	for _, l := range plan.Logs {
		p.Row(plan.Trail, "log", status, l)
	}
	p.Row(plan.Trail, "billing", "note", dataEventsBilling)
	if plan.UsesAdvanced {
		p.Row(plan.Trail, "selectors", status, fmt.Sprintf("advanced event selector %s (the trail's other %d advanced selector(s) kept)",
			securebucket.DataEventsSelectorName, countOther(plan)))
	} else {
		p.Row(plan.Trail, "selectors", status, fmt.Sprintf("basic event selectors: %d before, %d after; S3 object data resources added, "+
			"the trail's other selectors and its management event logging unchanged", len(plan.CurrentBasic), len(plan.NewBasic)))
	}
	if *apply {
		p.Row(plan.Trail, "result", "applied", "event selectors written")
	} else {
		p.Row(plan.Trail, "result", "planned", "nothing written; run with -apply to write the event selectors")
	}
	p.Flush()
	return exitOK
}

// countOther counts the trail's advanced selectors other than the one
// this tool writes.
func countOther(plan *securebucket.DataEventsPlan) int {
	n := 0
	for _, s := range plan.CurrentAdvanced {
		if aws.ToString(s.Name) != securebucket.DataEventsSelectorName {
			n++
		}
	}
	return n
}
