package main

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/s3secure/s3secure/analyzer"
)

func init() {
	register(&command{
		name:    "keys",
		usage:   "keys [-max-age 90d] [-max-unused 45d] [-include-inactive]",
		summary: "IAM users' access keys that are too old, unused, never used, or a user's second active key (key ids only, never secrets)",
		run:     runKeys,
	})
}

// runKeys prints one line per access key that needs attention: user,
// key_id, status, created, age_days, last_used, last_service, problems.
// It exits 1 when an active key is too old (CIS 1.14), unused for longer
// than -max-unused (CIS 1.12), never used, or one of a user's two active
// keys (CIS 1.13). Inactive
// keys (listed with -include-inactive) cannot sign requests and do not fail
// the run.
func runKeys(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	maxAge := fs.String("max-age", "90d", "report active keys created longer ago than this: days (90d) or a Go duration (2160h)")
	maxUnused := fs.String("max-unused", "45d", "report active keys not used for longer than this (CIS 1.12): days (45d) or a Go duration")
	inactive := fs.Bool("include-inactive", false, "also list inactive keys (they cannot sign requests and never fail the run)")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("keys: unexpected argument %q", fs.Arg(0)))
	}
	age, err := parseAge(*maxAge)
	if err != nil {
		return g.fail(fmt.Errorf("keys: -max-age: %w", err))
	}
	unused, err := parseAge(*maxUnused)
	if err != nil {
		return g.fail(fmt.Errorf("keys: -max-unused: %w", err))
	}
	client, err := clientFor(ctx, g, svcIAM, (*globals).newIAM)
	if err != nil {
		return g.fail(err)
	}
	findings, err := analyzer.KeyHygiene(ctx, client, &analyzer.KeyOptions{MaxAge: age, UnusedAge: unused, IncludeInactive: *inactive})
	if err != nil {
		return g.fail(err)
	}
	p := g.newPrinter("user", "key_id", "status", "created", "age_days", "last_used", "last_service", "problems")
	blocking := false
	for _, f := range findings {
		status := "inactive"
		if f.Active {
			status = "active"
			blocking = true
		}
		problems := make([]string, len(f.Problems))
		for i, pr := range f.Problems {
			problems[i] = string(pr)
		}
		days := int(f.Age / (24 * time.Hour))
		created := f.Created.UTC().Format(time.RFC3339)
		if g.json() {
			var lastUsed, service any
			if !f.LastUsed.IsZero() {
				lastUsed, service = f.LastUsed.UTC().Format(time.RFC3339), f.LastService
			}
			p.Row(f.User, f.KeyID, status, created, days, lastUsed, service, problems)
			continue
		}
		lastUsed, service := "never", "-"
		if !f.LastUsed.IsZero() {
			lastUsed, service = f.LastUsed.UTC().Format(time.RFC3339), f.LastService
		}
		p.Row(f.User, f.KeyID, status, created, days, lastUsed, service, strings.Join(problems, ","))
	}
	p.Flush()
	if blocking {
		return exitFindings
	}
	return exitOK
}

// parseAge reads a positive age: whole days ("90d") or a Go duration
// ("2160h").
func parseAge(s string) (time.Duration, error) {
	var d time.Duration
	if n, ok := strings.CutSuffix(s, "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days > 100000 {
			return 0, fmt.Errorf("%q is not a number of days", s)
		}
		d = time.Duration(days) * 24 * time.Hour
	} else {
		var err error
		if d, err = time.ParseDuration(s); err != nil {
			return 0, fmt.Errorf("%q is neither days (90d) nor a duration (2160h)", s)
		}
	}
	if d <= 0 {
		return 0, fmt.Errorf("%q must be positive", s)
	}
	return d, nil
}
