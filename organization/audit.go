package organization

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/account"
	accttypes "github.com/aws/aws-sdk-go-v2/service/account/types"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// Options configure [Audit] and [Run]. Role is required; the zero value
// of every other field is the default.
type Options struct {
	// Role is the name (with its path, if any: "audit/S3SecureAudit") of
	// the role to assume in every member account. Required: there is no
	// default role name, because one that exists by accident in some
	// accounts (OrganizationAccountAccessRole has AdministratorAccess)
	// would silently grant the audit far more than it needs, and one that
	// does not would silently audit nothing. [RolePolicy] is the policy it
	// needs.
	Role string
	// ExternalID is passed to AssumeRole when the role's trust policy
	// requires one (sts:ExternalId). By default, none.
	ExternalID string
	// SessionName names the role sessions (CloudTrail shows it). By
	// default, DefaultSessionName.
	SessionName string

	// Regions are the Regions whose access points and trails are audited
	// (with AccountControls). By default, each account's enabled Regions
	// (account:ListRegions, ENABLED and ENABLED_BY_DEFAULT); a listing that
	// fails, or names no enabled Region, yields one UNKNOWN row per control
	// saying so. A Region given here that the account has not enabled
	// yields UNKNOWN rows saying so.
	// Buckets are audited in their own Region whatever this says.
	Regions []string
	// Controls are the bucket controls. By default,
	// securebucket.DefaultControls().
	Controls []securebucket.Control
	// TrustedKMSKeyAccounts are accounts (an organization's central key
	// account, for example) whose KMS keys S3Secure.KMSKeyAccount accepts as
	// any member's bucket encryption key, besides the member's own
	// (securebucket.AuditOptions.TrustedKMSKeyAccounts). By default none.
	TrustedKMSKeyAccounts []string
	// AccountControls adds the account-level controls: S3.1 (account Block
	// Public Access, once per account; it also judges public access with
	// the account's settings), S3.24 (Multi-Region Access Points, once per
	// account: they are global), and per Region S3.19 and the access point
	// checks and S3.22/S3.23 (CloudTrail data events).
	AccountControls bool

	// Concurrency is how many requests the whole run has in flight at
	// most. By default, DefaultConcurrency.
	Concurrency int
	// Accounts is how many accounts are audited at once. By default,
	// Concurrency.
	Accounts int
	// BucketConcurrency is how many buckets of one account are audited at
	// once. By default, DefaultBucketConcurrency.
	BucketConcurrency int
	// ThrottleBackoff and MaxThrottleBackoff set one account's pause after
	// a throttling answer (SlowDown, Throttling, TooManyRequests, …), and
	// the management account's (listing accounts, assuming roles). By
	// default, DefaultThrottleBackoff and DefaultMaxThrottleBackoff.
	ThrottleBackoff, MaxThrottleBackoff time.Duration

	// Shard limits the run to one part of the organization. By default,
	// the whole organization.
	Shard Shard
	// Checkpoint is a file that records finished accounts, so that a run
	// interrupted (Ctrl-C, a crash) can be resumed by running it again
	// with the same options. It needs CheckpointKey. By default, none.
	Checkpoint string
	// CheckpointKey authenticates the checkpoint: every line of the file
	// carries an HMAC-SHA256 under this key, bound to the run's options
	// and to the file, and a checkpoint whose MACs do not verify is
	// refused with a [*CheckpointIntegrityError] (see "Checkpoint
	// integrity" in the package documentation for what it protects
	// against). Use MinCheckpointKeyLen or more random bytes, kept where
	// whoever can write the checkpoint cannot read them, and the same key
	// to resume. Required with Checkpoint (unless
	// InsecureUnsignedCheckpoint); by default, none. It never appears in
	// the file, in errors or in the output.
	CheckpointKey CheckpointKey
	// AllowInsecureTransport lets the run read over plain HTTP from a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default [Run]
	// (and so [Audit]) is refused before any request with a
	// [*RemotePlainHTTPError] when S3 built from cfg, or the Organizations
	// or STS client, would send its requests that way, and a member's
	// audit over such a client gives UNKNOWN rows: SigV4 signs the
	// requests, but nothing authenticates the answers, so anyone on the
	// network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) could hide accounts or rewrite their rows into
	// PASS. An Organizations or STS client that does not let the run see
	// its endpoint (a wrapper that drops the per-call options, a test
	// double) is refused the same way, with an empty Endpoint; this allows
	// it too. A checkpoint written with it is resumed only with it (and
	// one written without it only without it): it is part of the options
	// a checkpoint is bound to. Set it only for a test server on a network
	// you trust, or clients you know use TLS.
	AllowInsecureTransport bool
	// InsecureUnsignedCheckpoint lets Checkpoint be used without
	// CheckpointKey, and lets a run resume from an unsigned checkpoint
	// (written that way, or before checkpoints were signed), which it
	// then trusts: anyone who can write the file can make a resumed run
	// report accounts that were never audited, with the rows they like
	// (PASS), and hide an account's FAIL rows. A checkpoint that is signed
	// is verified whatever this says.
	InsecureUnsignedCheckpoint bool
	// AllowCheckpointAgeUpTo is how old a checkpoint's results may be for the
	// run to resume it. A MAC proves who wrote a result, not when it was
	// read: an earlier checkpoint of the same options and key (last
	// month's, when the accounts passed) verifies, and would be replayed
	// as today's verdicts. So a checkpoint holding a result that finished
	// more than AllowCheckpointAgeUpTo before the run started (by Now), or more
	// than MaxCheckpointClockSkew after it, is refused whole, before any
	// request, with a [*CheckpointStaleError]. Each result's time is
	// inside its MAC: who cannot read CheckpointKey cannot make it look
	// newer. 0 means DefaultCheckpointMaxAge (24 hours); a longer value
	// is an explicit choice to report results that old as current, a
	// shorter one is stricter. Negative is [ErrInvalidOptions].
	AllowCheckpointAgeUpTo time.Duration
	// Now is the run's clock: it dates each [Result] (Result.Time) and is
	// what a checkpoint's age is measured against, when the run starts.
	// Throttling pauses and role sessions keep the real clock. By
	// default, time.Now.
	Now func() time.Time

	// Clients builds each account's service clients from its
	// configuration. By default, the SDK's NewFromConfig.
	Clients *Clients

	// Progress, when set, is called with the run's counts so far: once
	// the accounts are listed (nothing done yet), then after each
	// account's result is emitted, from the goroutine that emits, never
	// concurrently. By default, none.
	Progress func(Summary)
}

// RegionsAPI is the Account Management API's Region listing. An
// *account.Client satisfies it.
type RegionsAPI interface {
	ListRegions(ctx context.Context, in *account.ListRegionsInput, optFns ...func(*account.Options)) (*account.ListRegionsOutput, error)
}

var _ RegionsAPI = (*account.Client)(nil)

// Clients builds an account's service clients from an aws.Config (the
// account's, with the Region set for per-Region clients). A nil field
// means the SDK's NewFromConfig. A tool sets them to apply its own client
// options (endpoints, path-style addressing); the config's credentials and
// APIOptions must be kept.
type Clients struct {
	S3         func(aws.Config) securebucket.ReadAPI
	S3Control  func(aws.Config) securebucket.AccountAuditControlAPI
	CloudTrail func(aws.Config) securebucket.TrailsAPI
	Regions    func(aws.Config) RegionsAPI
}

func (c *Clients) s3(cfg aws.Config) securebucket.ReadAPI {
	if c != nil && c.S3 != nil {
		return c.S3(cfg)
	}
	return s3.NewFromConfig(cfg)
}

func (c *Clients) s3control(cfg aws.Config) securebucket.AccountAuditControlAPI {
	if c != nil && c.S3Control != nil {
		return c.S3Control(cfg)
	}
	return s3control.NewFromConfig(cfg)
}

func (c *Clients) cloudtrail(cfg aws.Config) securebucket.TrailsAPI {
	if c != nil && c.CloudTrail != nil {
		return c.CloudTrail(cfg)
	}
	return cloudtrail.NewFromConfig(cfg)
}

func (c *Clients) regions(cfg aws.Config) RegionsAPI {
	if c != nil && c.Regions != nil {
		return c.Regions(cfg)
	}
	return account.NewFromConfig(cfg)
}

// Row is one control's result in one account. Every row carries its
// account.
type Row struct {
	AccountID   string `json:"account_id"`
	AccountName string `json:"account_name"`
	// Region is the bucket's Region for bucket controls, the Region
	// audited for access points and trails, "" for account-wide rows.
	Region string `json:"region"`
	// Resource is what was checked: a bucket name, an access point ARN, or
	// the account id.
	Resource string               `json:"resource"`
	Control  securebucket.Control `json:"control"`
	Title    string               `json:"title"`
	Status   securebucket.Status  `json:"status"`
	Severity string               `json:"severity"`
	Message  string               `json:"message"`
}

// Blocking reports whether the row should fail a run: FAIL or UNKNOWN.
func (r Row) Blocking() bool {
	return r.Status == securebucket.StatusFail || r.Status == securebucket.StatusUnknown
}

// Report is one account's audit.
type Report = Result[Row]

// ControlAccountAccess is the row that stands for what could not be
// reached at all: an account whose role could not be assumed (UNKNOWN), a
// suspended account (NOT_APPLICABLE), an account whose buckets could not be
// listed (UNKNOWN), a Region that is not enabled (UNKNOWN).
const ControlAccountAccess securebucket.Control = "S3Secure.AccountAccess"

const accessTitle = "The audit can reach the account, its buckets and its Regions"

// perRegion are the account controls audited per Region.
var perRegion = []securebucket.Control{securebucket.ControlAccessPointBPA, securebucket.ControlDataEventsWrite, securebucket.ControlDataEventsRead}

// Audit audits the buckets (securebucket.AuditAll, each bucket in its own
// Region) and, with Options.AccountControls, the account-level controls of
// every account of the organization, and calls report with each account's
// [Report], in account id order (see [Run] for the order, concurrency,
// checkpoint, shard and panics). cfg is the management account's (or a delegated
// administrator's) configuration; org and roles are its Organizations and
// STS clients. An account whose role cannot be assumed, or whose buckets
// cannot be listed, and a Region that is not enabled (or that refuses the
// account's credentials) give UNKNOWN rows with the reason, never silence
// and never PASS; so does a setup problem that stops an account's bucket
// audit (securebucket.AuditAll stops at one), after the rows of the
// buckets audited before it. A row for one control has that control's
// severity; a bucket that could not be audited at all is one UNKNOWN row
// (Control "-") with the highest severity of Options.Controls
// (securebucket.HighestSeverity), so a gate keeping HIGH and above never
// passes it; so has an account's UNKNOWN S3Secure.AccountAccess row (the
// account unreachable, its buckets not listed or their audit stopped),
// HIGH at least. A suspended account gives one NOT_APPLICABLE row.
//
// Errors: as [Run]'s.
func Audit(ctx context.Context, cfg aws.Config, org OrganizationsAPI, roles STSAPI, report func(*Report) error, opts *Options) (*Summary, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	for _, c := range o.Controls {
		if !slices.Contains(securebucket.AllControls(), c) {
			return nil, fmt.Errorf("%w: unknown bucket control %q", ErrInvalidOptions, c)
		}
	}
	for _, id := range o.TrustedKMSKeyAccounts {
		if !policy.IsAccountID(id) {
			return nil, fmt.Errorf("%w: TrustedKMSKeyAccounts: %q is not a 12-digit account id", ErrInvalidOptions, id)
		}
	}
	if o.BucketConcurrency < 0 || o.BucketConcurrency > 1024 {
		return nil, fmt.Errorf("%w: BucketConcurrency %d is not between 1 and 1024", ErrInvalidOptions, o.BucketConcurrency)
	}
	if o.BucketConcurrency == 0 {
		o.BucketConcurrency = DefaultBucketConcurrency
	}
	work := Work[Row]{
		Name:  "audit",
		Audit: func(ctx context.Context, a *Account) ([]Row, error) { return auditAccount(ctx, a, &o) },
		Unreachable: func(a AccountInfo, reason string) []Row {
			rows := []Row{accessRow(a, "", securebucket.StatusUnknown, reason, &o)}
			if o.AccountControls {
				for _, c := range append([]securebucket.Control{securebucket.ControlAccountBPA, securebucket.ControlMultiRegionAccessPointBPA}, perRegion...) {
					rows = append(rows, controlRow(a, "", a.ID, c, securebucket.StatusUnknown, "the account could not be audited: "+reason))
				}
			}
			return rows
		},
		Skipped: func(a AccountInfo, reason string) []Row {
			return []Row{accessRow(a, "", securebucket.StatusNotApplicable, reason, &o)}
		},
	}
	return Run(ctx, cfg, org, roles, work, report, &o)
}

// accessRow is the account's S3Secure.AccountAccess row. Its severity is
// HIGH; an UNKNOWN one stands for buckets that were not audited (the
// account unreachable, its buckets not listed, their audit stopped), so it
// has the highest severity of Options.Controls when that is higher, as a
// bucket that could not be audited has: a view keeping only CRITICAL
// shows an unaudited account as it shows an unaudited bucket.
func accessRow(a AccountInfo, region string, st securebucket.Status, msg string, o *Options) Row {
	sev := securebucket.SeverityHigh
	if st == securebucket.StatusUnknown && securebucket.HighestSeverity(o.Controls) == securebucket.SeverityCritical {
		sev = securebucket.SeverityCritical
	}
	return Row{AccountID: a.ID, AccountName: a.Name, Region: region, Resource: a.ID, Control: ControlAccountAccess,
		Title: accessTitle, Status: st, Severity: sev, Message: msg}
}

func controlRow(a AccountInfo, region, resource string, c securebucket.Control, st securebucket.Status, msg string) Row {
	return Row{AccountID: a.ID, AccountName: a.Name, Region: region, Resource: resource, Control: c,
		Title: c.Title(), Status: st, Severity: c.Severity(), Message: msg}
}

func resultRow(a AccountInfo, region, resource string, r securebucket.ControlResult) Row {
	return Row{AccountID: a.ID, AccountName: a.Name, Region: region, Resource: resource, Control: r.Control,
		Title: r.Title, Status: r.Status, Severity: r.Severity, Message: r.Message}
}

// auditAccount audits one reachable account.
func auditAccount(ctx context.Context, a *Account, o *Options) ([]Row, error) {
	info := a.AccountInfo
	var rows []Row
	var control securebucket.AccountAuditControlAPI
	if o.AccountControls {
		control = o.Clients.s3control(a.Config)
		if err := refuseRemoteControl(ctx, control, info.ID, o); err != nil {
			rows = append(rows, controlRow(info, "", info.ID, securebucket.ControlAccountBPA, securebucket.StatusUnknown,
				"account Block Public Access could not be audited: "+errorText(err)))
		} else {
			// refuseRemoteControl probed control (or AllowInsecureTransport).
			rows = append(rows, accountResultRow(info, "", securebucket.AuditAccountPublicAccessBlock(ctx, control, info.ID,
				&securebucket.AccountReadOptions{AllowInsecureTransport: true})))
		}
		// Multi-Region Access Points are global (their control plane is in
		// us-west-2 alone): S3.24 once per account.
		mraps, _ := control.(securebucket.MultiRegionAccessPointAPI)
		mr, err := securebucket.AuditMultiRegionAccessPoints(ctx, mraps, info.ID,
			&securebucket.MultiRegionAccessPointAuditOptions{AllowInsecureTransport: o.AllowInsecureTransport})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			rows = append(rows, controlRow(info, "", info.ID, securebucket.ControlMultiRegionAccessPointBPA, securebucket.StatusUnknown,
				"Multi-Region Access Points could not be audited: "+errorText(err)))
		}
		for _, r := range mr {
			rows = append(rows, accountResultRow(info, "", r))
		}
		regions, problems := accountRegions(ctx, a, o)
		for _, p := range problems {
			for _, c := range perRegion {
				rows = append(rows, controlRow(info, p.region, info.ID, c, securebucket.StatusUnknown, p.reason))
			}
		}
		for _, region := range regions {
			rc := a.Config.Copy()
			rc.Region = region
			// A setup problem in one Region (a Region that is not
			// enabled refuses the account's credentials) is that Region's
			// UNKNOWN rows, not the whole account's failure.
			aps, err := securebucket.AuditAccessPoints(ctx, o.Clients.s3control(rc), info.ID,
				&securebucket.AccessPointAuditOptions{AllowInsecureTransport: o.AllowInsecureTransport})
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				rows = append(rows, controlRow(info, region, info.ID, securebucket.ControlAccessPointBPA, securebucket.StatusUnknown,
					"access points could not be audited: "+errorText(err)))
			}
			for _, r := range aps {
				rows = append(rows, accountResultRow(info, region, r))
			}
			trails, err := securebucket.AuditDataEvents(ctx, o.Clients.cloudtrail(rc),
				&securebucket.DataEventsAuditOptions{AllowInsecureTransport: o.AllowInsecureTransport})
			if err != nil {
				if ctx.Err() != nil {
					return nil, ctx.Err()
				}
				for _, c := range []securebucket.Control{securebucket.ControlDataEventsWrite, securebucket.ControlDataEventsRead} {
					rows = append(rows, controlRow(info, region, info.ID, c, securebucket.StatusUnknown, "trails could not be audited: "+errorText(err)))
				}
			}
			for _, r := range trails {
				r.Resource = info.ID
				rows = append(rows, accountResultRow(info, region, r))
			}
		}
	}
	bo := &securebucket.AuditOptions{AccountID: info.ID, Controls: o.Controls, Concurrency: o.BucketConcurrency,
		TrustedKMSKeyAccounts: o.TrustedKMSKeyAccounts, AllowInsecureTransport: o.AllowInsecureTransport}
	if control != nil {
		bo.AccountControl = control
	}
	fleet, err := securebucket.AuditAll(ctx, o.Clients.s3(a.Config), bo)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var se *securebucket.StepError
		switch {
		case errors.As(err, &se) && se.Step == securebucket.StepListBuckets:
			return append(rows, accessRow(info, "", securebucket.StatusUnknown, "could not list the account's buckets: "+errorText(err), o)), nil
		case fleet == nil:
			return append(rows, accessRow(info, "", securebucket.StatusUnknown, "could not audit the account's buckets: "+errorText(err), o)), nil
		}
		// A setup problem stopped the bucket audit (the session's
		// credentials refused, the endpoint unreachable): the buckets
		// audited before it are reported, and the stop as UNKNOWN.
		msg := "the bucket audit stopped"
		if errors.As(err, &se) {
			msg += " at bucket " + se.Bucket
		}
		rows = append(rows, accessRow(info, "", securebucket.StatusUnknown, msg+" (buckets not reported here were not audited): "+errorText(err), o))
	}
	if len(fleet.Buckets) == 0 && err == nil {
		rows = append(rows, accessRow(info, "", securebucket.StatusNotApplicable, "the account has no buckets", o))
	}
	for _, rep := range fleet.Buckets {
		if rep.Err != nil {
			rows = append(rows, Row{AccountID: info.ID, AccountName: info.Name, Region: rep.Region, Resource: rep.Bucket, Control: "-",
				Title: "Bucket audit", Status: securebucket.StatusUnknown, Severity: securebucket.HighestSeverity(o.Controls), Message: "could not audit the bucket: " + errorText(rep.Err)})
			continue
		}
		for _, r := range rep.Results {
			if r.Control == securebucket.ControlAccountBPA {
				continue // reported once, above
			}
			rows = append(rows, resultRow(info, rep.Region, rep.Bucket, r))
		}
	}
	return rows, nil
}

func accountResultRow(a AccountInfo, region string, r securebucket.AccountResult) Row {
	return resultRow(a, region, r.Resource, r.ControlResult)
}

type regionProblem struct{ region, reason string }

// accountRegions returns the Regions to audit access points and trails in,
// and the Regions (or the listing) that could not be audited, with why.
func accountRegions(ctx context.Context, a *Account, o *Options) ([]string, []regionProblem) {
	status := map[string]accttypes.RegionOptStatus{}
	client := o.Clients.regions(a.Config)
	in := &account.ListRegionsInput{}
	if len(o.Regions) == 0 {
		in.RegionOptStatusContains = []accttypes.RegionOptStatus{accttypes.RegionOptStatusEnabled, accttypes.RegionOptStatusEnabledByDefault}
	}
	var listErr error
	p := account.NewListRegionsPaginator(client, in)
	for p.HasMorePages() {
		out, err := p.NextPage(ctx)
		if err != nil {
			listErr = err
			break
		}
		for _, r := range out.Regions {
			status[aws.ToString(r.RegionName)] = r.RegionOptStatus
		}
	}
	if len(o.Regions) == 0 {
		if listErr != nil {
			return nil, []regionProblem{{"", "the account's enabled Regions could not be listed (account:ListRegions: " + errorText(listErr) + "); give the Regions to audit"}}
		}
		var regions []string
		for r := range status {
			regions = append(regions, r)
		}
		if len(regions) == 0 {
			// AWS always has its default Regions enabled: a listing of none
			// has said nothing about where the access points and trails are,
			// and no row at all would read as nothing to report.
			return nil, []regionProblem{{"", "account:ListRegions named no enabled Region: the access points and trails were not audited; give the Regions to audit"}}
		}
		slices.Sort(regions)
		return regions, nil
	}
	var regions []string
	var problems []regionProblem
	for _, r := range o.Regions {
		st, known := status[r]
		switch {
		case listErr != nil:
			// Without the listing, audit the Region: one that is not
			// enabled answers every request with an error (UNKNOWN rows).
			regions = append(regions, r)
		case !known:
			problems = append(problems, regionProblem{r, "Region " + r + " is not a Region of this account"})
		case st == accttypes.RegionOptStatusEnabled || st == accttypes.RegionOptStatusEnabledByDefault:
			regions = append(regions, r)
		default:
			problems = append(problems, regionProblem{r, "Region " + r + " is not enabled in this account (" + string(st) + ")"})
		}
	}
	return regions, problems
}

// errorText is err on one line: an SDK operation error as "Service
// Operation: Code: message" (no request ids), without the package
// prefixes; a credentials provider's error is named by its types, not its
// text, which can quote the credentials (credsafe.Text).
func errorText(err error) string {
	msg := credsafe.Text(err)
	var op *smithy.OperationError
	if errors.As(err, &op) {
		short := op.ServiceID + " " + op.OperationName + ": "
		var ae smithy.APIError
		if errors.As(op.Err, &ae) {
			short += ae.ErrorCode()
			if m := ae.ErrorMessage(); m != "" && m != ae.ErrorCode() {
				short += ": " + m
			}
		} else {
			short += credsafe.Text(op.Err)
		}
		msg = short // the layers above (credential caches, retries) add nothing
	}
	msg = strings.TrimPrefix(strings.TrimPrefix(msg, "securebucket: "), "organization: ")
	return strings.Join(strings.Fields(msg), " ")
}
