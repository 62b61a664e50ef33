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
		name: "keys",
		usage: "keys [-max-age 90d] [-max-unused 45d] [-include-inactive] [-organization -role NAME [-external-id ID] " +
			"[-checkpoint FILE [-checkpoint-key-file F | -insecure-unsigned-checkpoint] [-checkpoint-max-age AGE]] [-shard I/N]]",
		summary: "IAM users' access keys that are too old, unused, never used, or a user's second active key (key ids only, never secrets)",
		run:     runKeys,
		flagFor: map[string]string{"CheckpointKey": "-checkpoint-key-file", "InsecureUnsignedCheckpoint": "-insecure-unsigned-checkpoint",
			"AllowCheckpointAgeUpTo": "-checkpoint-max-age", "AllowAgeUpTo": "-max-age", "AllowUnusedAgeUpTo": "-max-unused"},
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
	org := addOrgFlags(fs, false)
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
	if *org.on {
		return runKeysOrganization(ctx, g, org, &analyzer.KeyOptions{AllowAgeUpTo: age, AllowUnusedAgeUpTo: unused, IncludeInactive: *inactive, AllowInsecureTransport: g.insecureTransport})
	}
	client, err := clientFor(ctx, g, svcIAM, (*globals).newIAM)
	if err != nil {
		return g.fail(err)
	}
	findings, err := analyzer.KeyHygiene(ctx, client, &analyzer.KeyOptions{AllowAgeUpTo: age, AllowUnusedAgeUpTo: unused, IncludeInactive: *inactive, AllowInsecureTransport: g.insecureTransport})
	if err != nil {
		return g.fail(err)
	}
	records := make([]keyRecord, len(findings))
	nActive := 0
	for i, f := range findings {
		r := keyRecord{User: f.User, KeyID: f.KeyID, Status: "inactive", Created: f.Created.UTC().Format(time.RFC3339),
			AgeDays: int(f.Age / (24 * time.Hour)), Problems: []string{}}
		if f.Active {
			r.Status = "active"
			nActive++
		}
		if !f.LastUsed.IsZero() {
			lu, svc := f.LastUsed.UTC().Format(time.RFC3339), f.LastService
			r.LastUsed, r.LastService = &lu, &svc
		}
		for _, pr := range f.Problems {
			r.Problems = append(r.Problems, string(pr))
		}
		records[i] = r
	}
	writeRecords(g, records, []string{"user", "key_id", "status", "created", "age_days", "last_used", "last_service", "problems"},
		func(r keyRecord) []any {
			lastUsed, service := "never", "-"
			if r.LastUsed != nil {
				lastUsed, service = *r.LastUsed, *r.LastService
			}
			return []any{r.User, r.KeyID, r.Status, r.Created, r.AgeDays, lastUsed, service, strings.Join(r.Problems, ",")}
		}, fmt.Sprintf("%s needing attention: %d active (blocking), %d inactive", plural(len(records), "access key"), nActive, len(records)-nActive))
	if nActive > 0 {
		return exitFindings
	}
	return exitOK
}

// keyRecord is one access key of keys, in JSON: the IAM user, the key id
// (never the secret), active or inactive, when it was created (RFC 3339)
// and its age in whole days, when it was last used and by which service
// (null when never), and its problems (too-old, unused, never-used,
// second-active-key, ...).
type keyRecord struct {
	User        string   `json:"user"`
	KeyID       string   `json:"key_id"`
	Status      string   `json:"status"`
	Created     string   `json:"created"`
	AgeDays     int      `json:"age_days"`
	LastUsed    *string  `json:"last_used"`
	LastService *string  `json:"last_service"`
	Problems    []string `json:"problems"`
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
