package main

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync/atomic"
	"text/tabwriter"
	"time"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/usage"
)

func init() {
	register(&command{
		name: "suggest",
		usage: "suggest -bucket B [-server-logs LOC]... [-cloudtrail LOC]... [-since 90d] [-max-resources N] " +
			"[-identity-policy ARN=FILE]... [-iam] [-account-id ID] [-allow-public] [-allow-permissions-management] [-concurrency N]",
		summary: "a least-privilege bucket policy (and per-user/role identity policies) from the requests the logs show, " +
			"the grants never used, and the proof: every request that succeeded, replayed against the proposal",
		formats: []string{"text", "json"},
		run:     runSuggest,
		flagFor: map[string]string{
			"AllowPublic": "-allow-public", "AllowPermissionsManagement": "-allow-permissions-management",
			"MaxResources": "-max-resources", "Concurrency": "-concurrency", "Since": "-since", "BucketOwner": "-account-id",
			"Input.IAM": "-iam",
		},
	})
}

// listFlag is a repeatable flag.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ",") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

// runSuggest reads the bucket's server access logs or CloudTrail logs
// (local files and folders, or s3://bucket/prefix), and prints what was
// used, denied and withheld, the grants of the policies in force never
// used, the grants the proposal adds, the proposed policies, and the
// replay proof. It exits 1 when the proof does not hold (a request that
// succeeded would be denied, or may have succeeded unproved: an operation
// no table knows, a line that could not be read), when the proposal
// widens access in force (it drops a condition, such as aws:SourceIp,
// under which alone the policies in force allow a use: usage.Report.Widens)
// or when a proposed policy has an ERROR or SECURITY_WARNING finding.
func runSuggest(ctx context.Context, g *globals, args []string) int {
	fs := g.newFlagSet(g.cmd)
	bucket := fs.String("bucket", "", "the bucket whose use is read")
	var serverLogs, trails, identity listFlag
	fs.Var(&serverLogs, "server-logs", "S3 server access logs: a file, a folder, or s3://`LOC`ation/prefix/ (repeatable)")
	fs.Var(&trails, "cloudtrail", "CloudTrail log files: a file, a folder, or s3://`LOC`ation/prefix/ (repeatable)")
	since := fs.String("since", "90d", "the window of observed use, back from now: 90d, 36h, 30m")
	maxResources := fs.Int("max-resources", usage.DefaultMaxResources, "the most resources (and s3:prefix values) a proposed statement lists; keys merge into prefixes to stay under it")
	fs.Var(&identity, "identity-policy", "an identity policy in force, as `ARN=FILE`: the user or role it is attached to, and its JSON (repeatable)")
	readIAM := fs.Bool("iam", false, "also read, through IAM, the inline and attached policies of the owner account's users and roles the logs show, "+
		"and the ARN (path included) of each role a server access log names only through its sessions "+
		"(needs iam:ListRolePolicies, iam:GetRolePolicy, iam:ListAttachedRolePolicies, their User twins, iam:GetPolicy, iam:GetPolicyVersion, iam:GetRole)")
	account := accountIDFlag(fs, "the bucket owner's"+accountIDUsage)
	allowPublic := fs.Bool("allow-public", false, "propose grants to everyone for anonymous requests (risk: the data becomes public)")
	allowPM := fs.Bool("allow-permissions-management", false,
		"propose the permissions-management actions that were used, such as s3:PutBucketPolicy (risk: whoever holds them can grant themselves everything)")
	concurrency := fs.Int("concurrency", usage.DefaultConcurrency, "log objects read at once")
	if code, ok := g.parseFlags(fs, args); !ok {
		return code
	}
	if fs.NArg() > 0 {
		return g.fail(fmt.Errorf("suggest: unexpected argument %q", fs.Arg(0)))
	}
	if *bucket == "" {
		return g.fail(errors.New("suggest: give -bucket B"))
	}
	if len(serverLogs)+len(trails) == 0 {
		return g.fail(errors.New("suggest: give the logs to read with -server-logs LOC or -cloudtrail LOC"))
	}
	window, err := parseSince(*since)
	if err != nil {
		return g.fail(err)
	}
	if *maxResources < 1 || *maxResources > 1000 {
		return g.fail(fmt.Errorf("suggest: -max-resources must be between 1 and 1000, not %d", *maxResources))
	}
	if *concurrency < 1 || *concurrency > 256 {
		return g.fail(fmt.Errorf("suggest: -concurrency must be between 1 and 256, not %d", *concurrency))
	}
	ids, err := readIdentityPolicies(identity)
	if err != nil {
		return g.fail(err)
	}

	client, err := g.s3Client(ctx)
	if err != nil {
		return g.fail(err)
	}
	if g.local {
		// The embedded S3 starts empty: give it the bucket, with no policy.
		if err := g.localBucket(*bucket, s3fake.StateAWSDefault); err != nil {
			return g.fail(err)
		}
	}
	in := usage.Input{Policy: client, IdentityPolicies: ids}
	if *readIAM {
		if in.IAM, err = clientFor(ctx, g, svcIAM, (*globals).newIAM); err != nil {
			return g.fail(err)
		}
	}
	var sources []*countedSource
	for _, loc := range serverLogs {
		src, err := usage.Location(client, loc)
		if err != nil {
			return g.fail(err)
		}
		c := &countedSource{Source: src, flag: "-server-logs", location: loc}
		sources = append(sources, c)
		in.ServerAccessLogs = append(in.ServerAccessLogs, c)
	}
	for _, loc := range trails {
		src, err := usage.Location(client, loc)
		if err != nil {
			return g.fail(err)
		}
		c := &countedSource{Source: src, flag: "-cloudtrail", location: loc}
		sources = append(sources, c)
		in.CloudTrail = append(in.CloudTrail, c)
	}
	if in.BucketOwner, err = g.accountID(ctx, *account); err != nil {
		return g.fail(err)
	}
	rep, err := usage.Suggest(ctx, *bucket, in, &usage.Options{
		Since: window, MaxResources: *maxResources, Concurrency: *concurrency,
		AllowPublic: *allowPublic, AllowPermissionsManagement: *allowPM, AllowInsecureTransport: g.insecureTransport,
	})
	if err != nil {
		return g.fail(err)
	}
	// A location without a single log object is a wrong location (a typo
	// in a prefix), not a bucket nobody used: a proposal from it would
	// rest on no evidence.
	for _, c := range sources {
		if c.objects.Load() == 0 {
			return g.fail(&hintError{err: fmt.Errorf("suggest: %s %s: no log object there", c.flag, c.location),
				hint: "check the location: server access logs are delivered under the target bucket and prefix of the bucket's logging " +
					"configuration, CloudTrail's under the trail's bucket and prefix, then AWSLogs/ACCOUNT/CloudTrail/REGION/"})
		}
	}
	records, blocking := suggestRecords(rep)
	if g.json() {
		writeRecords(g, records, nil, nil, "")
	} else {
		writeSuggestText(g, rep, records)
	}
	if blocking {
		return exitFindings
	}
	return exitOK
}

// parseSince reads -since: a number of days ("90d") or a Go duration.
func parseSince(v string) (time.Duration, error) {
	if d, ok := strings.CutSuffix(v, "d"); ok {
		n, err := strconv.Atoi(d)
		if err == nil && n > 0 && n <= 36500 {
			return time.Duration(n) * 24 * time.Hour, nil
		}
	} else if d, err := time.ParseDuration(v); err == nil && d > 0 {
		return d, nil
	}
	return 0, fmt.Errorf("suggest: -since %q is not a positive number of days (90d) or a duration (36h)", v)
}

// readIdentityPolicies reads -identity-policy ARN=FILE values.
func readIdentityPolicies(vals []string) (map[string][]*policy.Document, error) {
	if len(vals) == 0 {
		return nil, nil
	}
	out := map[string][]*policy.Document{}
	for _, v := range vals {
		arn, file, ok := strings.Cut(v, "=")
		if !ok || !strings.HasPrefix(arn, "arn:") || !strings.Contains(arn, ":iam::") || file == "" {
			return nil, fmt.Errorf("suggest: -identity-policy %q: give ARN=FILE, the user or role the policy is attached to and the policy's file", v)
		}
		b, err := os.ReadFile(file)
		if err != nil {
			return nil, fmt.Errorf("suggest: -identity-policy: %w", err)
		}
		doc, err := policy.Parse(b)
		if err != nil {
			return nil, fmt.Errorf("suggest: -identity-policy %s: %w", file, err)
		}
		out[arn] = append(out[arn], doc)
	}
	return out, nil
}

// suggestRecord is one line of suggest's JSON output. kind says what it is:
// used, denied, withheld, unresolved-role (a role seen only through its
// sessions whose ARN, path included, is not known: the proposal names
// role/NAME, which S3 refuses if the role lives under a path), unused (a
// grant in force nobody used), added (a
// grant the proposal makes that the policies given do not), unbacked,
// bucket-policy and identity-policy (a proposed document, in policy),
// break (a request the proposal would deny) and proof (the replay's
// totals, in detail). Fields that do not apply are "" , 0 or [].
type suggestRecord struct {
	Kind      string   `json:"kind"`
	Principal string   `json:"principal"`
	Action    string   `json:"action"`
	Resources []string `json:"resources"`
	Prefixes  []string `json:"prefixes"`
	Requests  int      `json:"requests"`
	Detail    string   `json:"detail"`
	Policy    string   `json:"policy"`
}

// suggestRecords turns the report into records, and says whether any
// blocks: a broken replay, or an ERROR or SECURITY_WARNING in a proposal.
func suggestRecords(rep *usage.Report) ([]suggestRecord, bool) {
	var out []suggestRecord
	add := func(r suggestRecord) {
		r.Resources, r.Prefixes = orEmpty(r.Resources), orEmpty(r.Prefixes)
		out = append(out, r)
	}
	window := func(u usage.Use) string {
		return u.First.UTC().Format(time.RFC3339) + " to " + u.Last.UTC().Format(time.RFC3339)
	}
	for _, u := range rep.Used {
		add(suggestRecord{Kind: "used", Principal: u.Principal.String(), Action: u.Action, Resources: u.Resources, Prefixes: u.Prefixes, Requests: u.Requests, Detail: window(u)})
	}
	for _, u := range rep.Denied {
		add(suggestRecord{Kind: "denied", Principal: u.Principal.String(), Action: u.Action, Resources: u.Resources, Prefixes: u.Prefixes, Requests: u.Requests, Detail: window(u)})
	}
	for _, w := range rep.Withheld {
		add(suggestRecord{Kind: "withheld", Principal: w.Principal.String(), Action: w.Action, Requests: w.Requests, Detail: w.Reason})
	}
	for _, r := range rep.UnresolvedRoles {
		add(suggestRecord{Kind: "unresolved-role", Principal: r.Principal.String(), Requests: r.Requests, Detail: r.Reason})
	}
	for _, u := range rep.Unused {
		where := fmt.Sprintf("%s, statement %d", u.Policy, u.Statement)
		if u.Sid != "" {
			where += " (" + u.Sid + ")"
		}
		for _, a := range u.Actions {
			add(suggestRecord{Kind: "unused", Principal: u.Principal, Action: a, Detail: where})
		}
	}
	for _, a := range rep.Added {
		add(suggestRecord{Kind: "added", Principal: a.Principal, Action: a.Action, Resources: []string{a.Resource}, Detail: a.Why})
	}
	for _, u := range rep.Unbacked {
		add(suggestRecord{Kind: "unbacked", Principal: u.Principal, Action: u.Action, Resources: []string{u.Resource}, Detail: "no request used this grant"})
	}
	blocking := !rep.Proved() || rep.Widens()
	policyRecord := func(kind, principal string, doc *policy.Document, findings []policy.Finding) {
		js, err := doc.Marshal()
		if err != nil {
			js = []byte("{}")
		}
		var notes []string
		for _, f := range findings {
			notes = append(notes, string(f.Severity)+" "+f.Code+": "+f.Message)
			blocking = blocking || f.Severity == policy.SeverityError || f.Severity == policy.SeveritySecurityWarning
		}
		add(suggestRecord{Kind: kind, Principal: principal, Detail: strings.Join(notes, "; "), Policy: string(js)})
	}
	if rep.BucketPolicy != nil {
		policyRecord("bucket-policy", "", rep.BucketPolicy, ourFindings(rep))
	}
	for _, ip := range rep.IdentityPolicies {
		policyRecord("identity-policy", ip.Principal.String(), ip.Document, ip.Findings)
	}
	for _, b := range rep.Replay.Breaks {
		detail := fmt.Sprintf("%s:%d at %s: %s", b.File, b.Line, b.Time.UTC().Format(time.RFC3339), b.Decision)
		if b.Reason != "" {
			detail += " (withheld: " + b.Reason + ")"
		}
		add(suggestRecord{Kind: "break", Principal: b.Principal, Action: b.Action, Resources: []string{b.Resource}, Detail: b.Proof + ": " + detail})
	}
	add(suggestRecord{Kind: "proof", Requests: rep.Replay.Requests, Detail: proofLine(rep)})
	return out, blocking
}

// ourFindings are the bucket-policy findings about the proposal's own
// statements (the policy in force's kept statements are the owner's).
func ourFindings(rep *usage.Report) []policy.Finding {
	var out []policy.Finding
	for _, f := range rep.BucketPolicyFindings {
		if f.Statement >= 0 && f.Statement < len(rep.Kept) {
			continue
		}
		out = append(out, f)
	}
	return out
}

// proofLine says whether the replay proves the proposal.
func proofLine(rep *usage.Report) string {
	r := rep.Replay
	s := fmt.Sprintf("%d requests replayed: %d of %d decisions allowed by the proposed bucket policy", r.Requests, r.Allowed, r.Decisions)
	if r.IdentityDecisions > 0 {
		s += fmt.Sprintf(", %d of %d by the proposed identity policies", r.IdentityAllowed, r.IdentityDecisions)
	}
	if r.Unverifiable > 0 {
		s += fmt.Sprintf(", %d unverifiable (a kept Deny tests keys the logs do not record)", r.Unverifiable)
	}
	if r.Unreplayed > 0 {
		s += fmt.Sprintf(", %d that succeeded not replayed (an operation no table knows, or an access point's request of no known bucket)", r.Unreplayed)
	}
	if r.ThroughAccessPoint > 0 {
		s += fmt.Sprintf(", %d that succeeded through an access point not decided (its policy is not read)", r.ThroughAccessPoint)
	}
	if n := rep.ServerAccessLogs.Malformed + rep.CloudTrail.Malformed; n > 0 {
		s += fmt.Sprintf(", %s not read (each may be a request that succeeded)", plural(n, "malformed line"))
	}
	switch {
	case r.Broken > 0:
		return s + fmt.Sprintf("; %d would break", r.Broken)
	case !rep.Proved():
		return s + "; nothing replayed breaks, but the proof does not hold"
	}
	return s + "; nothing breaks"
}

// writeSuggestText writes the records as a table (the policies after it,
// indented), then the summary line.
func writeSuggestText(g *globals, rep *usage.Report, records []suggestRecord) {
	tw := tabwriter.NewWriter(g.stdout, 0, 4, 2, ' ', 0)
	rows := 0
	for _, r := range records {
		if r.Policy != "" || r.Kind == "proof" {
			continue
		}
		if rows == 0 {
			fmt.Fprintln(tw, "KIND\tPRINCIPAL\tACTION\tRESOURCES\tREQUESTS\tDETAIL")
		}
		rows++
		res := strings.Join(r.Resources, " ")
		if len(r.Prefixes) > 0 {
			res += " (s3:prefix " + strings.Join(r.Prefixes, " ") + ")"
		}
		req := "-"
		if r.Requests > 0 {
			req = strconv.Itoa(r.Requests)
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\t%s\n", r.Kind, orDash(r.Principal), orDash(r.Action), orDash(res), req, strings.ReplaceAll(g.cliText(orDash(r.Detail)), "\t", " "))
	}
	tw.Flush()
	for _, r := range records {
		if r.Policy == "" {
			continue
		}
		title := "proposed bucket policy"
		if r.Kind == "identity-policy" {
			title = "proposed identity policy (S3, this bucket) for " + r.Principal
		}
		var pretty bytes.Buffer
		if json.Indent(&pretty, []byte(r.Policy), "  ", "  ") != nil {
			pretty.WriteString(r.Policy)
		}
		fmt.Fprintf(g.stdout, "\n%s:\n  %s\n", title, pretty.String())
		if r.Detail != "" {
			fmt.Fprintf(g.stdout, "  findings: %s\n", r.Detail)
		}
	}
	if rows > 0 || rep.BucketPolicy != nil {
		fmt.Fprintln(g.stdout)
	}
	fmt.Fprintln(g.stdout, g.cliText(suggestSummary(rep)))
}

// suggestSummary is the last line of the text output.
func suggestSummary(rep *usage.Report) string {
	principals := map[string]bool{}
	for _, u := range rep.Used {
		principals[u.Principal.String()] = true
	}
	unused := 0
	for _, u := range rep.Unused {
		unused += len(u.Actions)
	}
	stats := rep.ServerAccessLogs
	stats.Lines += rep.CloudTrail.Lines
	stats.Malformed += rep.CloudTrail.Malformed
	names := make([]string, 0, len(principals))
	for p := range principals {
		names = append(names, p)
	}
	sort.Strings(names)
	added := fmt.Sprintf("%d added", len(rep.Added))
	if widening := countWidening(rep); widening > 0 {
		added += fmt.Sprintf(" (%d widen access in force: a condition dropped)", widening)
	}
	return fmt.Sprintf("bucket %s, %s to %s: %s read (%d malformed) from %s; %s used by %s, %d denied, %d withheld; "+
		"%d unused grants in force, %s; %s",
		rep.Bucket, rep.Since.UTC().Format("2006-01-02"), rep.Until.UTC().Format("2006-01-02"),
		plural(stats.Lines, "line"), stats.Malformed, plural(rep.Objects, "log object"),
		plural(rep.Counts.Succeeded+rep.Counts.NotFound, "request"), plural(len(names), "principal"), rep.Counts.Denied, len(rep.Withheld),
		unused, added, proofLine(rep))
}

// countWidening counts the Added grants that drop a condition the policies
// in force set (usage.AddedGrant.DroppedConditions).
func countWidening(rep *usage.Report) int {
	n := 0
	for _, a := range rep.Added {
		if len(a.DroppedConditions) > 0 {
			n++
		}
	}
	return n
}

// countedSource is a log location of the command line that counts the
// objects it lists.
type countedSource struct {
	usage.Source
	flag, location string
	objects        atomic.Int64
}

func (c *countedSource) Objects(ctx context.Context, fn func(usage.Object) error) error {
	return c.Source.Objects(ctx, func(o usage.Object) error {
		c.objects.Add(1)
		return fn(o)
	})
}
