package main

// audit -organization and keys -organization: every account of an AWS
// Organization, through the organization package (roles, concurrency,
// throttling, checkpoint, shards). audit.go and keys.go call in here with
// one hook each.

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"regexp"
	"runtime"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	"github.com/aws/aws-sdk-go-v2/service/organizations"

	"github.com/s3secure/s3secure/analyzer"
	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/orgfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/report/ocsf"
	"github.com/s3secure/s3secure/securebucket"
)

const (
	svcOrganizations = "Organizations"
	svcAccount       = "Account"
)

func (g *globals) newOrganizations(cfg aws.Config) *organizations.Client {
	return organizations.NewFromConfig(cfg, func(o *organizations.Options) { g.override(svcOrganizations, &o.BaseEndpoint) })
}

func (g *globals) newAccount(cfg aws.Config) *account.Client {
	return account.NewFromConfig(cfg, func(o *account.Options) { g.override(svcAccount, &o.BaseEndpoint) })
}

// orgFlags are the flags of a command's -organization mode.
type orgFlags struct {
	on          *bool
	role        *string
	externalID  *string
	regions     *string
	checkpoint  *string
	keyFile     *string
	insecureCP  *bool
	maxAge      *string
	shard       *string
	printPolicy *bool
}

// addOrgFlags defines the -organization flags on fs; audit adds -regions
// and -print-role-policy.
func addOrgFlags(fs *flag.FlagSet, audit bool) *orgFlags {
	f := &orgFlags{
		on: fs.Bool("organization", false, "every account of the AWS Organization (run with the management account's or a delegated "+
			"administrator's credentials): assume -role in each member account; "+demoHelp),
		role: fs.String("role", "", "with -organization: the `NAME` of the role to assume in every member account (required; "+
			"s3secure audit -print-role-policy prints the policy it needs)"),
		externalID: fs.String("external-id", "", "with -organization: the `ID` the role's trust policy requires (sts:ExternalId)"),
		checkpoint: fs.String("checkpoint", "", "with -organization: record finished accounts in `FILE`; running the same command "+
			"again after a crash or Ctrl-C skips them and prints the same output"),
		keyFile: fs.String("checkpoint-key-file", "", "with -checkpoint: read the checkpoint's key from `FILE` (mode 0600, 32 random bytes "+
			"or more, for example from openssl rand -hex 32; a trailing newline is dropped), or set "+checkpointKeyEnv+"; "+
			"every line of the checkpoint is signed with it (HMAC-SHA256), and a checkpoint that does not verify is refused. "+
			"Keep it where whoever can write the checkpoint cannot read it"),
		insecureCP: fs.Bool("insecure-unsigned-checkpoint", false, "with -checkpoint: no key; write and resume an unsigned checkpoint, "+
			"trusting whoever can write the file (they can make a resumed run report accounts never audited as passing)"),
		maxAge: fs.String("checkpoint-max-age", shortDuration(organization.DefaultCheckpointMaxAge),
			"with -checkpoint: resume it only when none of its results finished longer than `AGE` ago (days, 7d, or a Go duration, 36h) "+
				"or is dated more than "+shortDuration(organization.MaxCheckpointClockSkew)+" ahead of this machine's clock; a resumed run prints the checkpoint's verdicts as current, so an older checkpoint "+
				"(an earlier run's, left behind or copied over) is refused, and a longer AGE reports results that old as today's"),
		shard: fs.String("shard", "", "with -organization: only part `I/N` of the accounts (0 <= I < N, by account id); "+
			"the N parts cover every account once and their outputs concatenate"),
	}
	if audit {
		f.regions = fs.String("regions", "", "with -organization -account-controls: comma-separated `LIST` of Regions whose access "+
			"points and trails are audited (default: each account's enabled Regions, from account:ListRegions)")
		f.printPolicy = fs.Bool("print-role-policy", false, "print the least-privilege policy of the -role the organization audit assumes, and exit")
	}
	return f
}

// options checks the flags and returns the library's options.
func (f *orgFlags) options() (*organization.Options, error) {
	if *f.role == "" {
		return nil, errors.New("-organization needs -role NAME: the role to assume in every member account (s3secure audit -print-role-policy prints its policy)")
	}
	o := &organization.Options{Role: *f.role, ExternalID: *f.externalID, Checkpoint: *f.checkpoint, InsecureUnsignedCheckpoint: *f.insecureCP}
	key, err := f.checkpointKey()
	if err != nil {
		return nil, err
	}
	o.CheckpointKey = key
	if o.AllowCheckpointAgeUpTo, err = parseAge(*f.maxAge); err != nil {
		return nil, fmt.Errorf("-checkpoint-max-age: %w", err)
	}
	if *f.shard != "" {
		s, err := organization.ParseShard(*f.shard)
		if err != nil {
			return nil, fmt.Errorf("-shard: %q is not I/N with 0 <= I < N", *f.shard)
		}
		o.Shard = s
	}
	if f.regions != nil && *f.regions != "" {
		for _, r := range strings.Split(*f.regions, ",") {
			if r = strings.TrimSpace(r); r != "" {
				if err := checkRegion("-regions:", r, false); err != nil {
					return nil, err
				}
				o.Regions = append(o.Regions, r)
			}
		}
		if len(o.Regions) == 0 {
			return nil, fmt.Errorf("-regions: no Region in %q: give a comma-separated list such as us-east-1,eu-west-1, or leave it out for each account's enabled Regions", *f.regions)
		}
	}
	return o, nil
}

// checkpointKeyEnv is the environment variable that holds the checkpoint
// key. There is no flag for the key itself: a flag's value is in the
// process list (ps) and the shell history.
const checkpointKeyEnv = "S3SECURE_CHECKPOINT_KEY"

// checkpointKey reads the checkpoint key from -checkpoint-key-file or
// checkpointKeyEnv (not both), and refuses -checkpoint without one unless
// -insecure-unsigned-checkpoint. Its errors never hold the key.
func (f *orgFlags) checkpointKey() (organization.CheckpointKey, error) {
	env := os.Getenv(checkpointKeyEnv)
	var key []byte
	switch {
	case *f.keyFile != "" && env != "":
		return nil, fmt.Errorf("give the checkpoint key once: -checkpoint-key-file or %s, not both", checkpointKeyEnv)
	case *f.keyFile != "":
		if runtime.GOOS != "windows" {
			fi, err := os.Stat(*f.keyFile)
			if err != nil {
				return nil, fmt.Errorf("-checkpoint-key-file: %w", err)
			}
			if perm := fi.Mode().Perm(); perm&0o077 != 0 {
				return nil, fmt.Errorf("-checkpoint-key-file %s is readable by others (mode %04o): chmod 600 it, and use a new key if others may have read it",
					*f.keyFile, perm)
			}
		}
		b, err := os.ReadFile(*f.keyFile)
		if err != nil {
			return nil, fmt.Errorf("-checkpoint-key-file: %w", err)
		}
		key = []byte(strings.TrimRight(string(b), "\r\n"))
		if len(key) == 0 {
			return nil, fmt.Errorf("-checkpoint-key-file %s is empty", *f.keyFile)
		}
	case env != "":
		key = []byte(env)
	}
	if len(key) > 0 && len(key) < organization.MinCheckpointKeyLen {
		from := checkpointKeyEnv
		if *f.keyFile != "" {
			from = "-checkpoint-key-file " + *f.keyFile
		}
		return nil, fmt.Errorf("the checkpoint key in %s is %d bytes: use %d random bytes or more (openssl rand -hex 32)",
			from, len(key), organization.MinCheckpointKeyLen)
	}
	if *f.checkpoint != "" && len(key) == 0 && !*f.insecureCP {
		return nil, fmt.Errorf("-checkpoint needs a key that signs the file, so that a resumed run cannot be fed results that were never audited: "+
			"-checkpoint-key-file FILE (openssl rand -hex 32 > FILE) or %s; -insecure-unsigned-checkpoint trusts whoever can write the checkpoint",
			checkpointKeyEnv)
	}
	return key, nil
}

// orgSetup returns what every -organization run needs: the configuration
// and the Organizations and STS clients (all refused before any request
// when an endpoint is configured for some services but not these). With
// -local, the in-process AWS becomes the demo organization, whose members
// have the role the flags name.
func (g *globals) orgSetup(ctx context.Context, f *orgFlags) (aws.Config, *organizations.Client, organization.STSAPI, error) {
	org, err := clientFor(ctx, g, svcOrganizations, (*globals).newOrganizations)
	if err != nil {
		return aws.Config{}, nil, nil, err
	}
	roles, err := clientFor(ctx, g, svcSTS, (*globals).newSTS)
	if err != nil {
		return aws.Config{}, nil, nil, err
	}
	cfg, err := g.awsConfig(ctx)
	if err == nil && g.localAWS != nil && g.localAWS.Organization() == nil {
		_, err = demoOrganization(g.localAWS, demoMembers, *f.role, *f.externalID)
	}
	return cfg, org, roles, err
}

// The demo organization that -local audits (and serve with
// -organization-members N): the owner account is its management account
// and has no buckets; members demoMemberID(1) … demoMemberID(N), named
// member-1 …, each have the role, trusting the management account, and
// one bucket, demo-ID: the odd members' left as old buckets are (nothing
// configured), the even members' as AWS creates buckets today; member-1
// also has an IAM user, ci-deploy, whose access key is 400 days
// old and was never used; demoSuspendedID is suspended.
const (
	demoMembers     = 2
	demoSuspendedID = "222299999999"
	demoMaxMembers  = 9999
)

func demoMemberID(i int) string { return fmt.Sprintf("2222%08d", i) }

// roleNameRE is IAM's role name (without a path).
var roleNameRE = regexp.MustCompile(`^[\w+=,.@-]{1,64}$`)

// demoHelp describes the demo organization, for -organization's help.
const demoHelp = "with -local, the in-process AWS is a demo organization: the management account " + localaws.DefaultAccountID +
	" (no buckets); members 222200000001 and 222200000002, which have the -role you name (requiring -external-id when given) " +
	"and one bucket each (the first's unconfigured, the second's as AWS creates buckets today); and 222299999999, suspended"

// demoOrganization makes srv the demo organization with members active
// member accounts whose role (the last part of role, after any path) trusts
// the management account, requiring externalID when it is not empty, and
// returns a line saying what it made. A role name IAM would refuse is
// left out: the organization package refuses it before any request.
func demoOrganization(srv *localaws.Server, members int, role, externalID string) (string, error) {
	if _, err := srv.CreateOrganization(); err != nil {
		return "", err
	}
	role = role[strings.LastIndexByte(role, '/')+1:]
	for i := 1; i <= members; i++ {
		id := demoMemberID(i)
		m := localaws.Member{Name: fmt.Sprintf("member-%d", i), Role: role, ExternalID: externalID}
		a, err := srv.AddMember(id, m)
		if err != nil && role != "" {
			// A name IAM refuses: no role (the audit refuses the name).
			m.Role, m.ExternalID = "", ""
			a, err = srv.AddMember(id, m)
		}
		if err != nil {
			return "", err
		}
		state := s3fake.StateLegacy
		if i%2 == 0 {
			state = s3fake.StateAWSDefault
		}
		if err := srv.S3().CreateBucketWith("demo-"+id, &s3fake.BucketOptions{State: state, AccountID: id}); err != nil {
			return "", err
		}
		if i == 1 {
			created := srv.Now().Add(-400 * 24 * time.Hour)
			a.IAM.AddUser("ci-deploy", created, iamfake.Key{ID: "AKIADEMOCIDEPLOY0001", Created: created})
		}
	}
	if _, err := srv.AddMember(demoSuspendedID, localaws.Member{Name: "suspended", State: orgfake.StateSuspended}); err != nil {
		return "", err
	}
	return fmt.Sprintf("organization: management account %s; members %s to %s, each with role %s and a bucket demo-ID; %s suspended",
		srv.Owner().ID, demoMemberID(1), demoMemberID(members), role, demoSuspendedID), nil
}

// orgProgress sets opts.Progress to show "what: done/total accounts" (and
// how many were unreachable or skipped) on stderr when it is a terminal
// and the output is text, and returns the function that clears the line.
func (g *globals) orgProgress(what string, opts *organization.Options) (finish func()) {
	show, finish := g.statusLine()
	opts.Progress = func(s organization.Summary) {
		line := fmt.Sprintf("%s: %d/%d accounts", what, s.Done(), s.Accounts)
		if s.Unreachable+s.Skipped > 0 {
			line += fmt.Sprintf(" (%d unreachable, %d skipped)", s.Unreachable, s.Skipped)
		}
		show(line)
	}
	return finish
}

// shortDuration prints d without its trailing zero minutes and seconds:
// 24h, 1h30m, 5m.
func shortDuration(d time.Duration) string {
	s := d.String()
	if strings.HasSuffix(s, "m0s") {
		s = strings.TrimSuffix(s, "0s")
	}
	if strings.HasSuffix(s, "h0m") {
		s = strings.TrimSuffix(s, "0m")
	}
	return s
}

// orgDone ends an -organization run: the summary, or how to resume (and
// until when: the checkpoint's results are refused once older than
// opts.AllowCheckpointAgeUpTo).
func (g *globals) orgDone(sum *organization.Summary, err error, opts *organization.Options, blocking bool) int {
	if err != nil {
		if errors.Is(err, context.Canceled) && sum != nil {
			msg := fmt.Sprintf("interrupted after %d of %d accounts", sum.Done(), sum.Accounts)
			if checkpoint := opts.Checkpoint; checkpoint != "" {
				// The age is measured from each result's finishing, not
				// from now: the first accounts may have finished hours ago.
				msg += "; finished accounts are recorded in " + checkpoint + ": run the same command again to resume, within " +
					shortDuration(opts.AllowCheckpointAgeUpTo) + " of the first one's finishing (-checkpoint-max-age: a checkpoint holding an older result is refused)"
			} else {
				msg += "; give -checkpoint FILE to make a run resumable"
			}
			fmt.Fprintln(g.stderr, "s3secure: "+msg)
			return exitUsage
		}
		if errors.Is(err, organization.ErrInvalidOptions) {
			return g.fail(errors.New(strings.TrimPrefix(err.Error(), "organization: invalid options: ")))
		}
		return g.fail(err)
	}
	if blocking {
		return exitFindings
	}
	return exitOK
}

func orgSummary(sum *organization.Summary, checkpoint string) string {
	s := fmt.Sprintf("%d accounts: %d audited, %d unreachable, %d skipped", sum.Accounts, sum.Audited, sum.Unreachable, sum.Skipped)
	if sum.Resumed > 0 {
		s += fmt.Sprintf(" (%d from checkpoint %s)", sum.Resumed, checkpoint)
	}
	return s
}

// runAuditOrganization is audit -organization: one row per control per
// account (orgAuditRecord), streamed account by account in account id
// order; text adds a summary line per account and one for the run.
// orgAuditRecord is one line of audit -organization's JSON output:
// organization.Row with the control's CIS recommendation, named as
// audit's own records name it.
type orgAuditRecord struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	Region      string `json:"region"`
	Resource    string `json:"resource"`
	Control     string `json:"control"`
	CIS         string `json:"cis"`
	Title       string `json:"title"`
	Status      string `json:"status"`
	Severity    string `json:"severity"`
	Message     string `json:"message"`
}

func runAuditOrganization(ctx context.Context, g *globals, f *orgFlags, bucket string, accountControls bool, controls []securebucket.Control, concurrency int, trustedKeys []string) int {
	if bucket != "" {
		return g.fail(errors.New("audit: -organization audits every bucket of every account: leave out -bucket"))
	}
	opts, err := f.options()
	if err != nil {
		return g.fail(fmt.Errorf("audit: %w", err))
	}
	opts.AllowInsecureTransport = g.insecureTransport
	opts.AccountControls, opts.Controls, opts.Concurrency, opts.TrustedKMSKeyAccounts = accountControls, controls, concurrency, trustedKeys
	cfg, org, roles, err := g.orgSetup(ctx, f)
	if err != nil {
		return g.fail(err)
	}
	opts.Clients = &organization.Clients{
		S3:         func(c aws.Config) securebucket.ReadAPI { return g.newS3(c) },
		S3Control:  func(c aws.Config) securebucket.AccountAuditControlAPI { return g.newS3Control(c) },
		CloudTrail: func(c aws.Config) securebucket.TrailsAPI { return g.newCloudTrail(c) },
		Regions:    func(c aws.Config) organization.RegionsAPI { return g.newAccount(c) },
	}
	blocking := false
	enc := json.NewEncoder(g.stdout)
	product := ocsfProduct()
	clearProgress := g.orgProgress("audit", opts)
	report := func(r *organization.Report) error {
		clearProgress() // stdout may be the same terminal
		counts := map[securebucket.Status]int{}
		var p *printer
		if g.format == "text" {
			p = g.newPrinter("account", "region", "resource", "control", "status", "severity", "message")
		}
		for _, row := range r.Rows {
			row.Message = g.cliText(row.Message)
			counts[row.Status]++
			blocking = blocking || row.Blocking()
			switch g.format {
			case "json":
				if err := enc.Encode(orgAuditRecord{AccountID: row.AccountID, AccountName: row.AccountName, Region: row.Region, Resource: row.Resource,
					Control: string(row.Control), CIS: row.Control.CIS(), Title: row.Title, Status: string(row.Status), Severity: row.Severity,
					Message: row.Message}); err != nil {
					return err
				}
			case "ocsf":
				c := controlCheck(securebucket.ControlResult{Control: row.Control, CIS: row.Control.CIS(), Title: row.Title, Status: row.Status,
					Severity: row.Severity, Message: row.Message},
					row.Resource, row.AccountID, row.Region, r.Time)
				if err := enc.Encode(ocsf.NewDetectionFinding(product, c)); err != nil {
					return err
				}
			default:
				p.Row(row.AccountID, row.Region, row.Resource, string(row.Control), string(row.Status), row.Severity, row.Message)
			}
		}
		if p != nil {
			p.Flush()
			line := fmt.Sprintf("account %s (%s): %s: %d PASS, %d FAIL, %d UNKNOWN, %d NOT_APPLICABLE", r.Account.ID, r.Account.Name, r.Status,
				counts[securebucket.StatusPass], counts[securebucket.StatusFail], counts[securebucket.StatusUnknown], counts[securebucket.StatusNotApplicable])
			if r.Reason != "" {
				line += "; " + r.Reason
			}
			if _, err := fmt.Fprintln(g.stdout, redact(line)+"\n"); err != nil {
				return err
			}
		}
		return nil
	}
	sum, err := organization.Audit(ctx, cfg, org, roles, report, opts)
	clearProgress()
	if err == nil && g.format == "text" {
		fmt.Fprintln(g.stdout, orgSummary(sum, opts.Checkpoint))
	}
	return g.orgDone(sum, err, opts, blocking)
}

// printRolePolicy is audit -print-role-policy.
func printRolePolicy(g *globals) int {
	doc, err := organization.RolePolicy()
	if err != nil {
		return g.fail(err)
	}
	b, err := doc.MarshalIndent("", "  ")
	if err != nil {
		return g.fail(err)
	}
	fmt.Fprintln(g.stdout, string(b))
	return exitOK
}

// orgKeyRow is one access key of keys -organization.
type orgKeyRow struct {
	AccountID   string   `json:"account_id"`
	User        string   `json:"user"`
	KeyID       string   `json:"key_id"`
	Status      string   `json:"status"`
	Created     string   `json:"created"`
	AgeDays     int      `json:"age_days"`
	LastUsed    *string  `json:"last_used"`
	LastService *string  `json:"last_service"`
	Problems    []string `json:"problems"`
}

// runKeysOrganization is keys -organization: the access-key report of
// every account, with the account id first; an unreachable account is one
// row of status "unknown" that fails the run.
func runKeysOrganization(ctx context.Context, g *globals, f *orgFlags, ko *analyzer.KeyOptions) int {
	opts, err := f.options()
	if err != nil {
		return g.fail(fmt.Errorf("keys: %w", err))
	}
	opts.AllowInsecureTransport = g.insecureTransport
	cfg, org, roles, err := g.orgSetup(ctx, f)
	if err != nil {
		return g.fail(err)
	}
	work := organization.Work[orgKeyRow]{
		Name: "keys",
		Audit: func(ctx context.Context, a *organization.Account) ([]orgKeyRow, error) {
			found, err := analyzer.KeyHygiene(ctx, g.newIAM(a.Config), ko)
			if err != nil {
				return nil, err
			}
			rows := make([]orgKeyRow, len(found))
			for i, k := range found {
				rows[i] = orgKeyRow{AccountID: a.ID, User: k.User, KeyID: k.KeyID, Status: "inactive", Created: k.Created.UTC().Format(time.RFC3339),
					AgeDays: int(k.Age / (24 * time.Hour)), Problems: []string{}}
				if k.Active {
					rows[i].Status = "active"
				}
				if !k.LastUsed.IsZero() {
					lu := k.LastUsed.UTC().Format(time.RFC3339)
					rows[i].LastUsed, rows[i].LastService = &lu, &k.LastService
				}
				for _, p := range k.Problems {
					rows[i].Problems = append(rows[i].Problems, string(p))
				}
			}
			return rows, nil
		},
		Unreachable: func(a organization.AccountInfo, reason string) []orgKeyRow {
			return []orgKeyRow{{AccountID: a.ID, User: "-", KeyID: "-", Status: "unknown", Problems: []string{"unreachable: " + reason}}}
		},
	}
	blocking := false
	p := g.newPrinter("account_id", "user", "key_id", "status", "created", "age_days", "last_used", "last_service", "problems")
	clearProgress := g.orgProgress("keys", opts)
	emit := func(r *organization.Result[orgKeyRow]) error {
		clearProgress() // stdout may be the same terminal
		for _, k := range r.Rows {
			blocking = blocking || k.Status != "inactive"
			if g.json() {
				p.Row(k.AccountID, k.User, k.KeyID, k.Status, k.Created, k.AgeDays, k.LastUsed, k.LastService, k.Problems)
				continue
			}
			lu, ls := "never", "-"
			if k.LastUsed != nil {
				lu, ls = *k.LastUsed, *k.LastService
			}
			p.Row(k.AccountID, k.User, k.KeyID, k.Status, k.Created, k.AgeDays, lu, ls, strings.Join(k.Problems, ","))
		}
		p.Flush()
		return nil
	}
	sum, err := organization.Run(ctx, cfg, org, roles, work, emit, opts)
	clearProgress()
	if err == nil && !g.json() {
		fmt.Fprintln(g.stdout, orgSummary(sum, opts.Checkpoint))
	}
	return g.orgDone(sum, err, opts, blocking)
}
