package main

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

func init() {
	register(&command{
		name: "harden",
		usage: "harden -bucket B [-dry-run] [-create] [-account-id ID] [-kms-key ARN [-trusted-kms-key-accounts LIST]] [-log-bucket L [-log-prefix P]] " +
			"[-remove-public-statements] [-remove-acl-grants]",
		summary: "make a bucket private and hardened (Block Public Access, no ACLs, encryption, TLS-only policy, versioning, lifecycle); -dry-run prints the plan",
		run:     runHarden,
		flagFor: map[string]string{
			"KMSKeyARN": "-kms-key", "AllowPublicStatementRemoval": "-remove-public-statements", "AllowACLGrantRemoval": "-remove-acl-grants",
			"ExpectedBucketOwner": "-account-id", "TargetBucket": "-log-bucket", "TargetPrefix": "-log-prefix",
			"TrustedKMSKeyAccounts": "-trusted-kms-key-accounts",
		},
	})
}

// runHarden plans (-dry-run) or applies securebucket's hardening and prints
// one line per step: bucket, step, action (create|update|none), detail.
// Exit 1 when Harden refuses a change that needs the caller's decision
// (ACL grants to others, a public policy under BlockPublicPolicy, a policy
// too large, an incompatible setting), 2 for other errors.
func runHarden(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	bucket := fs.String("bucket", "", "bucket to harden (required)")
	dryRun := fs.Bool("dry-run", false, "print the plan without changing anything")
	create := fs.Bool("create", false, "create the bucket, hardened from the start (in -region)")
	owner := accountIDFlag(fs, "the 12-digit `ID` of the account that must own the bucket, sent with every request "+
		"(default: the embedded fake's with -local; with -kms-key or -log-bucket, STS GetCallerIdentity; else none)")
	kmsKey := fs.String("kms-key", "", "default encryption SSE-KMS with this key ARN and Bucket Keys (default SSE-S3; existing SSE-KMS is kept); "+
		"the key must be of the bucket owner's account or of one in -trusted-kms-key-accounts")
	trustedKeys := fs.String("trusted-kms-key-accounts", "",
		"comma-separated 12-digit account `IDs`, besides the bucket owner's, whose KMS keys -kms-key may name (as audit's flag of that name; default none)")
	logBucket := fs.String("log-bucket", "", "turn on server access logging into this bucket (same account and Region)")
	logPrefix := fs.String("log-prefix", "", "key prefix for the access logs")
	removePublic := fs.Bool("remove-public-statements", false, "remove the statements that make the bucket policy public (default: keep and report them)")
	removeGrants := fs.Bool("remove-acl-grants", false, "disable ACLs even though the bucket ACL grants access to others, revoking those grants")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("harden: unexpected argument %q", fs.Arg(0)))
	}
	if *bucket == "" {
		return g.fail(errors.New("harden: -bucket is required"))
	}
	if *create && *dryRun {
		return g.fail(errors.New("harden: -create and -dry-run cannot be used together"))
	}
	client, err := g.s3Client(ctx)
	if err != nil {
		return g.fail(err)
	}
	if g.local && !*create {
		// The embedded S3 starts empty: give it the bucket as an old,
		// unconfigured one, so the command has something to show.
		if err := g.localBucket(*bucket, s3fake.StateLegacy); err != nil {
			return g.fail(err)
		}
	}
	if *owner != "" || g.local || *logBucket != "" || *kmsKey != "" {
		// Log delivery and the key's account check need the owner;
		// elsewhere it is a guard sent when known.
		if *owner, err = g.accountID(ctx, *owner); err != nil {
			return g.fail(err)
		}
	}
	// No Options.Region: Create makes the bucket in the client's Region,
	// and the ARN partition is that Region's.
	opts := &securebucket.Options{
		ExpectedBucketOwner:         *owner,
		KMSKeyARN:                   *kmsKey,
		TrustedKMSKeyAccounts:       splitList(*trustedKeys),
		AllowPublicStatementRemoval: *removePublic,
		AllowACLGrantRemoval:        *removeGrants,
	}
	if *logBucket != "" {
		opts.Logging = &securebucket.Logging{TargetBucket: *logBucket, TargetPrefix: *logPrefix}
	} else if *logPrefix != "" {
		return g.fail(errors.New("harden: -log-prefix needs -log-bucket"))
	}

	var steps []securebucket.Step
	switch {
	case *dryRun:
		var plan *securebucket.HardenPlan
		plan, err = securebucket.Plan(ctx, client, *bucket, opts)
		if plan != nil {
			steps = plan.Steps
		}
	case *create:
		var res *securebucket.Result
		res, err = securebucket.Create(ctx, client, *bucket, opts)
		if res != nil {
			steps = res.Steps
		}
	default:
		var res *securebucket.Result
		res, err = securebucket.Harden(ctx, client, *bucket, opts)
		if res != nil {
			steps = res.Steps
		}
	}
	// When Harden or Create failed part-way, a step it meant to change but
	// did not is marked, so the output never claims a change that was not
	// made.
	stopped := err != nil && !*dryRun
	records := make([]hardenRecord, len(steps))
	changes, applied, failing := 0, 0, false
	for i, st := range steps {
		failing = failing || len(st.Failing) > 0
		records[i] = hardenRecord{Bucket: *bucket, Step: string(st.Name), Action: string(st.Action), Detail: g.cliText(st.Detail),
			Notes: []string{}, Applied: st.Applied}
		for _, n := range st.Notes {
			records[i].Notes = append(records[i].Notes, g.cliText(n))
		}
		if st.Action != securebucket.ActionNone {
			changes++
			if st.Applied {
				applied++
			}
		}
	}
	if err != nil && len(steps) == 0 {
		records = nil // refused before any step: the error says it all
	}
	if records != nil {
		writeRecords(g, records, []string{"bucket", "step", "action", "detail"}, func(r hardenRecord) []any {
			detail := r.Detail
			if len(r.Notes) > 0 {
				detail += " (" + strings.Join(r.Notes, "; ") + ")"
			}
			if stopped && r.Action != string(securebucket.ActionNone) && !r.Applied {
				detail += " [not applied]"
			}
			return []any{r.Bucket, r.Step, r.Action, detail}
		}, hardenSummary(*bucket, *dryRun, *create, err != nil, len(steps), changes, applied))
	}
	var plain *securebucket.PlainHTTPError
	if errors.As(err, &plain) {
		return g.fail(&hintError{err: fmt.Errorf("harden: %s is plain HTTP, and the bucket policy harden writes denies every request "+
			"without TLS: its own next request would be refused and the bucket locked; nothing was sent", plain.Endpoint),
			hint: "use the endpoint's https:// URL (s3secure serve -tls prints one, with AWS_CA_BUNDLE)"})
	}
	if err != nil {
		code := g.fail(err)
		if errors.Is(err, securebucket.ErrACLGrants) || errors.Is(err, securebucket.ErrPublicPolicyBlocked) ||
			errors.Is(err, securebucket.ErrPolicyTooLarge) || errors.Is(err, securebucket.ErrIncompatible) {
			return exitFindings
		}
		return code
	}
	if failing {
		// A setting kept on purpose that an audit control fails (an
		// existing key of another account): the decision is the user's.
		return exitFindings
	}
	return exitOK
}

// hardenRecord is one step of harden, in JSON: the bucket, the step, its
// action (create, update or none), what it changes (detail), the notes
// about what was kept on purpose, and whether the change was written
// (false for -dry-run, for none, and for a step a failure stopped).
type hardenRecord struct {
	Bucket  string   `json:"bucket"`
	Step    string   `json:"step"`
	Action  string   `json:"action"`
	Detail  string   `json:"detail"`
	Notes   []string `json:"notes"`
	Applied bool     `json:"applied"`
}

// hardenSummary says what harden did, or would do; failed is set when it
// stopped at an error, after steps steps.
func hardenSummary(bucket string, dryRun, create, failed bool, steps, changes, applied int) string {
	same := steps - changes
	stopped := failed && !dryRun
	switch {
	case dryRun && failed:
		// The steps after the error were never read: never "nothing to
		// change".
		return fmt.Sprintf("plan for %s: incomplete: it stopped at the error below after %s (%d already as wanted, %s); nothing written",
			bucket, plural(steps, "step"), same, plural(changes, "change"))
	case dryRun && changes == 0:
		return fmt.Sprintf("plan for %s: nothing to change (%s already as wanted)", bucket, plural(same, "step"))
	case dryRun:
		return fmt.Sprintf("plan for %s: %s, %s already as wanted; nothing written (run without -dry-run to apply)",
			bucket, plural(changes, "change"), plural(same, "step"))
	case stopped:
		return fmt.Sprintf("%s: stopped part-way: %d of %s applied (run again once the error is fixed)", bucket, applied, plural(changes, "change"))
	case create:
		return fmt.Sprintf("%s: created hardened (%s)", bucket, plural(applied, "change"))
	case changes == 0:
		return fmt.Sprintf("%s: nothing to change (%s already as wanted)", bucket, plural(same, "step"))
	}
	return fmt.Sprintf("%s: hardened: %s applied, %s already as wanted", bucket, plural(applied, "change"), plural(same, "step"))
}
