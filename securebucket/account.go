package securebucket

// Account-level controls: account Block Public Access (Security Hub S3.1),
// and the result type shared by every account-level audit in this package
// (access points in accesspoint.go, CloudTrail data events in cloudtrail.go).

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"sort"
	"strings"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	s3ctltypes "github.com/aws/aws-sdk-go-v2/service/s3control/types"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/mrap"
	"github.com/s3secure/s3secure/internal/plainhttp"
	"github.com/s3secure/s3secure/internal/rmw"
	"github.com/s3secure/s3secure/internal/setuperr"
	"github.com/s3secure/s3secure/internal/workers"
	"github.com/s3secure/s3secure/policy"
)

// Security Hub severity labels used in [ControlResult.Severity].
const (
	SeverityCritical = "CRITICAL"
	SeverityHigh     = "HIGH"
	SeverityMedium   = "MEDIUM"
	SeverityLow      = "LOW"
)

// Account-level controls besides [ControlAccountBPA] (S3.1).
const (
	// ControlAccessPointBPA is Security Hub S3.19: access points have all
	// four Block Public Access settings on.
	ControlAccessPointBPA Control = "S3.19"
	// ControlAccessPointOrigin: access points have network origin VPC.
	ControlAccessPointOrigin Control = "S3Secure.AccessPointNetworkOrigin"
	// ControlAccessPointPolicy: access point policies are not public.
	ControlAccessPointPolicy Control = "S3Secure.AccessPointPolicy"
	// ControlDataEventsWrite is Security Hub S3.22: a multi-Region trail
	// logs S3 object-level write events (CIS 3.8).
	ControlDataEventsWrite Control = "S3.22"
	// ControlDataEventsRead is Security Hub S3.23: a multi-Region trail
	// logs S3 object-level read events (CIS 3.9).
	ControlDataEventsRead Control = "S3.23"
)

// AccountResult is the result of one account-level control: S3.1 (account
// Block Public Access), S3.19 and the access point checks (one result per
// access point), S3.24 (one per Multi-Region Access Point), S3.22 and S3.23
// (CloudTrail data events). It is a
// [ControlResult] (Bucket set only for a bucket-scoped check) plus the
// resource that was checked. Status is PASS, FAIL or UNKNOWN (and
// NOT_APPLICABLE for S3.24 in an account without Multi-Region Access
// Points): a setting that cannot be read (access denied, an endpoint
// without the API, a network error) is UNKNOWN, never PASS.
type AccountResult struct {
	ControlResult
	// Resource is what was checked: the account id, an access point or
	// Multi-Region Access Point ARN, "arn:aws:s3:::BUCKET" for a
	// bucket-scoped data events check.
	Resource string
}

func acctResult(c Control, cis, title, severity, resource string) AccountResult {
	return AccountResult{ControlResult: ControlResult{Control: c, CIS: cis, Title: title, Severity: severity}, Resource: resource}
}

// Account-level sentinel errors.
var (
	// ErrInvalidAccountID means an account id is not 12 digits. No request
	// was sent.
	ErrInvalidAccountID = errors.New("securebucket: invalid account id")

	// ErrBucketsRelyOnPublicAccess means turning on account Block Public
	// Access would cut off buckets that are public today (or that could not
	// be checked). The error is a [*PublicBucketsError] listing them; see
	// [AccountPublicAccessBlockOptions.AllowBlockingPublicBuckets].
	ErrBucketsRelyOnPublicAccess = errors.New("securebucket: buckets rely on public access")
)

// AccountError reports an account-level request that failed: which account,
// which operation, and the SDK error (reachable with errors.As as a
// smithy.APIError).
type AccountError struct {
	AccountID string
	Operation string
	Err       error
}

func (e *AccountError) Error() string {
	return fmt.Sprintf("securebucket: account %s: %s: %s", e.AccountID, e.Operation, credsafe.Text(e.Err))
}

func (e *AccountError) Unwrap() error { return e.Err }

func acctCheckID(id string) error {
	if !policy.IsAccountID(id) {
		return fmt.Errorf("%w: %q is not 12 digits", ErrInvalidAccountID, id)
	}
	return nil
}

// PublicAccessBlockSettings are the four Block Public Access settings, at
// account, bucket or access point level. The zero value has all four off.
// [PublicAccessBlockSettings.Policy] converts them for the policy package's
// evaluation.
type PublicAccessBlockSettings struct {
	// BlockPublicAcls refuses requests that set a public ACL.
	BlockPublicAcls bool
	// IgnorePublicAcls makes S3 ignore public ACLs on buckets and objects.
	IgnorePublicAcls bool
	// BlockPublicPolicy refuses bucket and access point policies that are public.
	BlockPublicPolicy bool
	// RestrictPublicBuckets limits buckets with a public policy to AWS
	// service principals and the owner's account.
	RestrictPublicBuckets bool
}

// AllPublicAccessBlocked returns the setting this package applies: all
// four on. (A function, not a variable, so no caller can change it.)
func AllPublicAccessBlocked() PublicAccessBlockSettings {
	return PublicAccessBlockSettings{true, true, true, true}
}

// AllOn reports whether all four settings are on.
func (s PublicAccessBlockSettings) AllOn() bool { return s == AllPublicAccessBlocked() }

// Union returns the effective settings when both s and o apply (account and
// bucket, for example): S3 uses the most restrictive combination, so each
// setting is on when it is on in either.
func (s PublicAccessBlockSettings) Union(o PublicAccessBlockSettings) PublicAccessBlockSettings {
	return PublicAccessBlockSettings{
		s.BlockPublicAcls || o.BlockPublicAcls, s.IgnorePublicAcls || o.IgnorePublicAcls,
		s.BlockPublicPolicy || o.BlockPublicPolicy, s.RestrictPublicBuckets || o.RestrictPublicBuckets,
	}
}

// Off returns the names of the settings that are off, in API order.
func (s PublicAccessBlockSettings) Off() []string {
	var off []string
	for _, f := range []struct {
		name string
		on   bool
	}{{"BlockPublicAcls", s.BlockPublicAcls}, {"IgnorePublicAcls", s.IgnorePublicAcls}, {"BlockPublicPolicy", s.BlockPublicPolicy}, {"RestrictPublicBuckets", s.RestrictPublicBuckets}} {
		if !f.on {
			off = append(off, f.name)
		}
	}
	return off
}

// Policy returns the settings as the policy package's type.
func (s PublicAccessBlockSettings) Policy() policy.BlockPublicAccess {
	return policy.BlockPublicAccess{BlockPublicAcls: s.BlockPublicAcls, IgnorePublicAcls: s.IgnorePublicAcls, BlockPublicPolicy: s.BlockPublicPolicy, RestrictPublicBuckets: s.RestrictPublicBuckets}
}

// PublicAccessBlockFromS3 converts an S3 (bucket-level) configuration; nil
// means nothing set (all off). An unset flag is off.
func PublicAccessBlockFromS3(c *s3types.PublicAccessBlockConfiguration) PublicAccessBlockSettings {
	if c == nil {
		return PublicAccessBlockSettings{}
	}
	return PublicAccessBlockSettings{aws.ToBool(c.BlockPublicAcls), aws.ToBool(c.IgnorePublicAcls), aws.ToBool(c.BlockPublicPolicy), aws.ToBool(c.RestrictPublicBuckets)}
}

// PublicAccessBlockFromS3Control converts an S3 Control (account or access
// point) configuration; nil means nothing set (all off).
func PublicAccessBlockFromS3Control(c *s3ctltypes.PublicAccessBlockConfiguration) PublicAccessBlockSettings {
	if c == nil {
		return PublicAccessBlockSettings{}
	}
	return PublicAccessBlockSettings{aws.ToBool(c.BlockPublicAcls), aws.ToBool(c.IgnorePublicAcls), aws.ToBool(c.BlockPublicPolicy), aws.ToBool(c.RestrictPublicBuckets)}
}

// s3control returns the S3 Control form. All four flags are always sent:
// PutPublicAccessBlock replaces the whole configuration and an omitted flag
// becomes false.
func (s PublicAccessBlockSettings) s3control() *s3ctltypes.PublicAccessBlockConfiguration {
	return &s3ctltypes.PublicAccessBlockConfiguration{
		BlockPublicAcls: aws.Bool(s.BlockPublicAcls), IgnorePublicAcls: aws.Bool(s.IgnorePublicAcls),
		BlockPublicPolicy: aws.Bool(s.BlockPublicPolicy), RestrictPublicBuckets: aws.Bool(s.RestrictPublicBuckets),
	}
}

// AccountControlAPI is the part of the S3 Control API that reads and sets
// the account's Block Public Access. A *s3control.Client satisfies it.
type AccountControlAPI interface {
	GetPublicAccessBlock(ctx context.Context, in *s3control.GetPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.GetPublicAccessBlockOutput, error)
	PutPublicAccessBlock(ctx context.Context, in *s3control.PutPublicAccessBlockInput, optFns ...func(*s3control.Options)) (*s3control.PutPublicAccessBlockOutput, error)
}

// AccountBucketsAPI is the part of the S3 API that
// [PlanAccountPublicAccessBlock] uses to find buckets that rely on public
// access. A *s3.Client satisfies it.
type AccountBucketsAPI interface {
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
	GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
	GetBucketAcl(ctx context.Context, in *s3.GetBucketAclInput, optFns ...func(*s3.Options)) (*s3.GetBucketAclOutput, error)
	GetPublicAccessBlock(ctx context.Context, in *s3.GetPublicAccessBlockInput, optFns ...func(*s3.Options)) (*s3.GetPublicAccessBlockOutput, error)
}

var (
	_ AccountControlAPI = (*s3control.Client)(nil)
	_ AccountBucketsAPI = (*s3.Client)(nil)
)

// AccountPublicAccessBlock is the account's Block Public Access
// configuration as read from S3 Control.
type AccountPublicAccessBlock struct {
	AccountID string
	// Configured is false when the account has no configuration at all
	// (NoSuchPublicAccessBlockConfiguration): every setting is then off.
	Configured bool
	Settings   PublicAccessBlockSettings
}

// AccountReadOptions configure [ReadAccountPublicAccessBlock] and
// [AuditAccountPublicAccessBlock]. None (or nil) means the defaults.
type AccountReadOptions struct {
	// AllowInsecureTransport lets the call read over plain HTTP from a
	// host that is not loopback (127.0.0.0/8, ::1, localhost). By default
	// such a call is refused before any request with a
	// [*RemotePlainHTTPError]: SigV4 signs the requests, but nothing
	// authenticates the answers, so anyone on the network path (a proxy, a
	// container network, a mistyped AWS_ENDPOINT_URL) can rewrite the
	// settings into all on. A client that does not let the call see its
	// endpoint (a wrapper that drops the per-call options, a test double)
	// is refused the same way, with an empty Endpoint; this allows it too.
	// Set it only for a test server on a network you trust, or a client you
	// know uses TLS.
	AllowInsecureTransport bool
}

// accountReadOptions returns the one options value of opts (the
// defaults for none or nil); more than one is an [ErrInvalidOptions].
func accountReadOptions(opts []*AccountReadOptions) (AccountReadOptions, error) {
	switch {
	case len(opts) > 1:
		return AccountReadOptions{}, fmt.Errorf("%w: %d AccountReadOptions given, at most one is allowed", ErrInvalidOptions, len(opts))
	case len(opts) == 1 && opts[0] != nil:
		return *opts[0], nil
	}
	return AccountReadOptions{}, nil
}

// ReadAccountPublicAccessBlock reads the account's Block Public Access
// settings. An account without a configuration is not an error: Configured
// is false. Any other failure (access denied, an endpoint without S3
// Control) is an [*AccountError] wrapping the SDK error; the settings are
// then unknown, not off.
//
// opts takes at most one [AccountReadOptions] (more is an
// [ErrInvalidOptions]). Unless AllowInsecureTransport, a client whose
// requests would go over plain HTTP to a host that is not loopback, or
// whose endpoint the call cannot see, is refused before any request with
// a [*RemotePlainHTTPError] ([ErrPlainHTTPEndpoint]).
func ReadAccountPublicAccessBlock(ctx context.Context, client AccountControlAPI, accountID string, opts ...*AccountReadOptions) (*AccountPublicAccessBlock, error) {
	o, err := accountReadOptions(opts)
	if err != nil {
		return nil, err
	}
	if err := acctCheckID(accountID); err != nil {
		return nil, err
	}
	if acctIsNil(client) {
		return nil, &AccountError{AccountID: accountID, Operation: "GetPublicAccessBlock", Err: errAcctNoClient}
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, "ReadAccountPublicAccessBlock", "AccountReadOptions", probeControl(client, accountID)); err != nil {
			return nil, err
		}
	}
	out, err := client.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(accountID)}, noSetupRetryControl)
	if err != nil {
		var nf *s3ctltypes.NoSuchPublicAccessBlockConfiguration
		if errors.As(err, &nf) || hasCode(err, "NoSuchPublicAccessBlockConfiguration") {
			return &AccountPublicAccessBlock{AccountID: accountID}, nil
		}
		return nil, &AccountError{AccountID: accountID, Operation: "GetPublicAccessBlock", Err: err}
	}
	return &AccountPublicAccessBlock{AccountID: accountID, Configured: true, Settings: PublicAccessBlockFromS3Control(out.PublicAccessBlockConfiguration)}, nil
}

// errAcctNoClient stands for a client the caller did not provide (nil, or a
// nil pointer such as a nil *s3control.Client). It is an ErrInvalidOptions.
var errAcctNoClient = fmt.Errorf("%w: no client for this service", ErrInvalidOptions)

// acctCISBPA is S3.1's CIS AWS Foundations Benchmark recommendation
// (v3.0.0 2.1.4; v1.4.0 2.1.5).
const acctCISBPA = "2.1.4"

// AuditAccountPublicAccessBlock checks Security Hub S3.1: all four account
// Block Public Access settings must be on. The result is UNKNOWN (never
// PASS) when the settings cannot be read, with the read's [*AccountError]
// in Err, a setup problem included (this one-result form has no error to
// return; [AuditAccount] returns a setup problem as its error). An invalid
// account id gives UNKNOWN with [ErrInvalidAccountID]. opts are
// [ReadAccountPublicAccessBlock]'s: a client refused for its transport
// gives UNKNOWN with the [*RemotePlainHTTPError].
func AuditAccountPublicAccessBlock(ctx context.Context, client AccountControlAPI, accountID string, opts ...*AccountReadOptions) AccountResult {
	r := acctResult(ControlAccountBPA, acctCISBPA, "Block Public Access settings should be enabled at the account level", SeverityMedium, accountID)
	bpa, err := ReadAccountPublicAccessBlock(ctx, client, accountID, opts...)
	switch {
	case err != nil:
		r.Status, r.Err = StatusUnknown, err
		r.Message = "account Block Public Access could not be read: " + acctTrim(err)
	case !bpa.Configured:
		r.Status = StatusFail
		r.Message = "account has no Block Public Access configuration; turn on all four settings (securebucket.SetAccountPublicAccessBlock)"
	case !bpa.Settings.AllOn():
		r.Status = StatusFail
		r.Message = "account Block Public Access settings off: " + strings.Join(bpa.Settings.Off(), ", ")
	default:
		r.Status = StatusPass
		r.Message = "all four account Block Public Access settings are on"
	}
	return r
}

// AccountPublicAccessBlockOptions configure [PlanAccountPublicAccessBlock]
// and [ApplyAccountPublicAccessBlock]. nil means the defaults.
type AccountPublicAccessBlockOptions struct {
	// AllowBlockingPublicBuckets applies the account settings even though
	// the plan lists buckets that are public today (their policy or ACL
	// grants public access, or the policy of one of their access points
	// does) or that could not be checked. Those buckets
	// stop being reachable publicly at once, in every Region: a public
	// website or download bucket goes dark. By default,
	// ApplyAccountPublicAccessBlock refuses with ErrBucketsRelyOnPublicAccess.
	AllowBlockingPublicBuckets bool

	// Concurrency is how many buckets the plan inspects at once. By
	// default, DefaultAccountScanConcurrency.
	Concurrency int

	// Progress, when set, is called by [PlanAccountPublicAccessBlock] (and
	// [SetAccountPublicAccessBlock]) after each bucket it inspects, never
	// concurrently; Err is set when the bucket could not be checked.
	Progress func(Progress)

	// AllowInsecureTransport lets the plan read, and the apply read and
	// write, over plain HTTP to a host that is not loopback (127.0.0.0/8,
	// ::1, localhost). By default [PlanAccountPublicAccessBlock],
	// [SetAccountPublicAccessBlock] and [ApplyAccountPublicAccessBlock] are
	// refused before any request with a [*RemotePlainHTTPError] when the S3
	// Control or S3 client would send its requests that way, and a bucket
	// whose reads would (its Region's endpoint) is listed in PublicBuckets
	// with that error, as not checked: SigV4 signs the requests, but
	// nothing authenticates the answers, so anyone on the network path (a
	// proxy, a container network, a mistyped AWS_ENDPOINT_URL) could
	// rewrite them into "no public bucket", and applying would cut off the
	// buckets it was meant to name, or into "already on", and nothing would
	// be written. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it only
	// for a test server on a network you trust, or clients you know use
	// TLS.
	AllowInsecureTransport bool
}

// DefaultAccountScanConcurrency is how many buckets
// [PlanAccountPublicAccessBlock] inspects at once: enough to hide request
// latency on accounts with thousands of buckets, well under S3's
// control-plane throttling.
const DefaultAccountScanConcurrency = 16

// PublicBucket is a bucket that relies on public access today, or that
// could not be checked.
type PublicBucket struct {
	Bucket string
	// Reasons say what makes it public, for example "bucket policy is
	// public (statement 0 \"PublicRead\")" or "ACL grants READ to AllUsers".
	Reasons []string
	// AccessPoints are the ARNs of the bucket's access points and of the
	// Multi-Region Access Points in front of it whose policy is public
	// (network origin Internet, their own RestrictPublicBuckets off), when
	// RestrictPublicBuckets turns on: requests through them from outside
	// the account stop, as S3 "evaluates the block public access settings
	// for that access point, the underlying bucket, and the bucket owner's
	// account" for any request made through an access point, and likewise
	// for a Multi-Region Access Point. Reasons name them too.
	AccessPoints []string
	// Err is set when the bucket could not be checked; it may be public.
	Err error
}

// AccountPublicAccessBlockPlan is what [ApplyAccountPublicAccessBlock] will
// do, and whom it affects.
type AccountPublicAccessBlockPlan struct {
	AccountID string
	// Current is the account's configuration now.
	Current AccountPublicAccessBlock
	// Target is the configuration that will be written: all four on.
	Target PublicAccessBlockSettings
	// TurnOn lists the settings that change from off to on. Empty means
	// nothing to do.
	TurnOn []string
	// PublicBuckets are the buckets that are public today through a
	// mechanism the change neutralises (a public bucket policy, or a
	// public policy of one of the bucket's access points, named in
	// PublicBucket.AccessPoints, while RestrictPublicBuckets turns on; a
	// public ACL while IgnorePublicAcls turns on), or that could not be
	// checked. Objects with public ACLs are not inspected one by one;
	// IgnorePublicAcls neutralises them too.
	PublicBuckets []PublicBucket
	// BucketsChecked is how many buckets were inspected.
	BucketsChecked int
}

// NoChange reports whether the account already has all four settings on.
func (p *AccountPublicAccessBlockPlan) NoChange() bool { return len(p.TurnOn) == 0 }

// String summarises the plan in a few lines.
func (p *AccountPublicAccessBlockPlan) String() string {
	if p.NoChange() {
		return fmt.Sprintf("account %s: Block Public Access already on (all four settings); nothing to do", p.AccountID)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "account %s: turn on %s (applies to every bucket in every Region)", p.AccountID, strings.Join(p.TurnOn, ", "))
	for _, pb := range p.PublicBuckets {
		if pb.Err != nil {
			fmt.Fprintf(&b, "\n  bucket %s: could not be checked (%s); it may rely on public access", pb.Bucket, acctTrim(pb.Err))
			continue
		}
		fmt.Fprintf(&b, "\n  bucket %s relies on public access: %s", pb.Bucket, strings.Join(pb.Reasons, "; "))
	}
	return b.String()
}

// PublicBucketsError lists the buckets that applying account Block Public
// Access would cut off. It matches [ErrBucketsRelyOnPublicAccess].
type PublicBucketsError struct {
	AccountID string
	Buckets   []PublicBucket
}

func (e *PublicBucketsError) Error() string {
	names := make([]string, len(e.Buckets))
	for i, b := range e.Buckets {
		names[i] = b.Bucket
	}
	return fmt.Sprintf("securebucket: account %s: %d bucket(s) rely on public access or could not be checked (%s); make them private first, or set AllowBlockingPublicBuckets", e.AccountID, len(names), strings.Join(names, ", "))
}

func (e *PublicBucketsError) Is(target error) bool { return target == ErrBucketsRelyOnPublicAccess }

// PlanAccountPublicAccessBlock reads the account's Block Public Access
// settings and, when turning them on would neutralise public policies or
// ACLs, inspects every bucket the caller can list (bucket Block Public
// Access, policy, ACL) to name the buckets that rely on public access
// today. It writes nothing.
//
// When RestrictPublicBuckets turns on, it also lists each bucket's access
// points (ListAccessPoints for the bucket, in its Region, through control,
// which must then also list and read access points, as a
// *s3control.Client does) and names, in PublicBucket.AccessPoints, those
// with network origin Internet, their own RestrictPublicBuckets off and a
// public policy ([policy.IsPublic] for an access point): S3 decides a
// request through an access point with the Block Public Access settings
// of "that access point, the underlying bucket, and the bucket owner's
// account", so requests through them from other accounts stop. A bucket
// whose access points cannot be listed or read (control cannot, access
// denied) is listed with the error, as not checked. Access points that
// other accounts own on the bucket are not seen: ListAccessPoints lists
// the caller's own. The account's Multi-Region Access Points are read the
// same way, once (in us-west-2, through control, which must then read
// them too), and one with RestrictPublicBuckets off and a public policy
// is named under each bucket of the account it fronts; when they cannot
// be listed or read, every bucket inspected is listed as not checked. A
// control client of another partition (China, GovCloud) reaches no
// Multi-Region Access Point ([AuditMultiRegionAccessPoints]) and reads
// none.
//
// buckets may be nil when the account already has IgnorePublicAcls and
// RestrictPublicBuckets on (no bucket can be affected). Errors: a read of
// the account settings or of the bucket list that fails is an
// [*AccountError]; a bucket that cannot be inspected is listed in
// PublicBuckets with its error rather than failing the plan. If ctx ends
// during the scan, the plan is nil and the error is ctx.Err().
//
// Buckets are inspected in goroutines of its own, which call
// opts.Progress and buckets. A panic in one of them (in Progress, in the
// client, or a bug) stops the scan, and once the buckets in flight have
// ended the function panics with it in the caller's goroutine, returning
// no plan (see "Panics" in the s3secure package documentation); so does
// [SetAccountPublicAccessBlock], before it writes anything.
//
// Unless opts.AllowInsecureTransport, control and buckets (when not nil)
// are refused before any request with a [*RemotePlainHTTPError]
// ([ErrPlainHTTPEndpoint]) when they would send their requests over plain
// HTTP to a host that is not loopback, or do not let the plan see where
// they send them; a bucket whose reads would go over plain HTTP to such a
// host (its Region's endpoint) is listed in PublicBuckets with that error.
func PlanAccountPublicAccessBlock(ctx context.Context, control AccountControlAPI, buckets AccountBucketsAPI, accountID string, opts *AccountPublicAccessBlockOptions) (*AccountPublicAccessBlockPlan, error) {
	return planAccountPublicAccessBlock(ctx, "PlanAccountPublicAccessBlock", control, buckets, accountID, opts)
}

// accountBPAOption is what allows plain HTTP to the account Block Public
// Access plan and apply.
const accountBPAOption = "AccountPublicAccessBlockOptions"

// planAccountPublicAccessBlock is [PlanAccountPublicAccessBlock], whose
// transport refusals name call.
func planAccountPublicAccessBlock(ctx context.Context, call string, control AccountControlAPI, buckets AccountBucketsAPI, accountID string, opts *AccountPublicAccessBlockOptions) (*AccountPublicAccessBlockPlan, error) {
	if opts == nil {
		opts = &AccountPublicAccessBlockOptions{}
	}
	if opts.Concurrency < 0 {
		return nil, fmt.Errorf("%w: Concurrency %d is negative", ErrInvalidOptions, opts.Concurrency)
	}
	var guard []func(*s3.Options)
	var ctlGuard []func(*s3control.Options)
	if !opts.AllowInsecureTransport && acctCheckID(accountID) == nil && !acctIsNil(control) {
		probes := []plainhttp.Probe{probeControl(control, accountID)}
		if !acctIsNil(buckets) {
			probes = append(probes, probeBuckets(buckets))
		}
		refused := plainhttp.Error{Call: "securebucket." + call, Option: accountBPAOption + ".AllowInsecureTransport"}
		if err := plainhttp.Check(ctx, refused, probes...); err != nil {
			return nil, err
		}
		// A bucket's reads go to its Region's endpoint, which the
		// client's endpoint resolver may place elsewhere.
		g := plainhttp.Guard(refused)
		guard = []func(*s3.Options){func(o *s3.Options) { o.APIOptions = plainhttp.Append(o.APIOptions, g) }}
		ctlGuard = []func(*s3control.Options){func(o *s3control.Options) { o.APIOptions = plainhttp.Append(o.APIOptions, g) }}
	}
	// control was probed above (or AllowInsecureTransport).
	cur, err := ReadAccountPublicAccessBlock(ctx, control, accountID, &AccountReadOptions{AllowInsecureTransport: true})
	if err != nil {
		return nil, err
	}
	p := &AccountPublicAccessBlockPlan{AccountID: accountID, Current: *cur, Target: cur.Settings.Union(AllPublicAccessBlocked())}
	p.TurnOn = cur.Settings.Off()
	newlyRestricts := !cur.Settings.RestrictPublicBuckets
	newlyIgnoresACLs := !cur.Settings.IgnorePublicAcls
	if !newlyRestricts && !newlyIgnoresACLs {
		return p, nil
	}
	if acctIsNil(buckets) {
		return nil, &AccountError{AccountID: accountID, Operation: "ListBuckets", Err: errAcctNoClient}
	}
	var list []s3types.Bucket
	// Paginated: "All unpaginated ListBuckets requests will be rejected
	// for AWS accounts with a general purpose bucket quota greater than
	// 10,000" (S3 user guide, General purpose bucket quotas).
	pg := s3.NewListBucketsPaginator(buckets, &s3.ListBucketsInput{MaxBuckets: aws.Int32(10000)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx, append([]func(*s3.Options){noSetupRetry}, guard...)...)
		if err != nil {
			return nil, &AccountError{AccountID: accountID, Operation: "ListBuckets", Err: err}
		}
		list = append(list, out.Buckets...)
	}
	aps := acctAccessPoints{accountID: accountID, guard: ctlGuard}
	if r, ok := control.(accessPointReader); ok && !acctIsNil(r) {
		aps.reader = r
	}
	if newlyRestricts {
		aps.mraps, aps.mrapOp, aps.mrapErr = acctPublicMRAPs(ctx, control, accountID, ctlGuard)
	}
	n := opts.Concurrency
	if n == 0 {
		n = DefaultAccountScanConcurrency
	}
	results := make([]*PublicBucket, len(list))
	sem := make(chan struct{}, n)
	var progressMu sync.Mutex
	done := 0
	// A panic in a bucket's goroutine stops the scan (no bucket starts,
	// those in flight are cancelled); group.Wait raises it again here.
	run, stop := context.WithCancel(ctx)
	defer stop()
	group := workers.New("securebucket.PlanAccountPublicAccessBlock", stop)
	for i, b := range list {
		sem <- struct{}{} // released by a goroutine that panics too
		if group.Failed() {
			break
		}
		group.Go(func() {
			defer func() { <-sem }()
			results[i] = acctInspectBucket(run, buckets, b, newlyRestricts, newlyIgnoresACLs, guard, aps)
			if opts.Progress != nil {
				progressMu.Lock()
				defer progressMu.Unlock()
				done++
				pr := Progress{Done: done, Total: len(list), Bucket: aws.ToString(b.Name)}
				if results[i] != nil {
					pr.Err = results[i].Err
				}
				opts.Progress(pr)
			}
		})
	}
	group.Wait()
	p.BucketsChecked = len(list)
	for _, r := range results {
		if r != nil {
			p.PublicBuckets = append(p.PublicBuckets, *r)
		}
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	sort.Slice(p.PublicBuckets, func(i, j int) bool { return p.PublicBuckets[i].Bucket < p.PublicBuckets[j].Bucket })
	return p, nil
}

// acctInspectBucket returns the bucket if it is effectively public today
// through its policy or an access point's (when restricts) or an ACL (when
// ignoresACLs), or if it could not be checked; nil otherwise. guard is
// added to every request.
func acctInspectBucket(ctx context.Context, client AccountBucketsAPI, b s3types.Bucket, restricts, ignoresACLs bool, guard []func(*s3.Options), aps acctAccessPoints) *PublicBucket {
	name := aws.ToString(b.Name)
	optFns := []func(*s3.Options){noSetupRetry}
	if r := aws.ToString(b.BucketRegion); r != "" {
		optFns = append(optFns, func(o *s3.Options) { o.Region = r })
	}
	optFns = append(optFns, guard...)
	pb := &PublicBucket{Bucket: name}
	fail := func(op string, err error) *PublicBucket {
		pb.Err = fmt.Errorf("%s: %w", op, err)
		return pb
	}
	var bucketBPA PublicAccessBlockSettings
	out, err := client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b.Name}, optFns...)
	switch {
	case err == nil:
		bucketBPA = PublicAccessBlockFromS3(out.PublicAccessBlockConfiguration)
	case hasCode(err, "NoSuchPublicAccessBlockConfiguration"):
	default:
		return fail("GetPublicAccessBlock", err)
	}
	if restricts && !bucketBPA.RestrictPublicBuckets {
		pol, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b.Name}, optFns...)
		switch {
		case err == nil:
			doc, perr := policy.Parse([]byte(aws.ToString(pol.Policy)))
			if perr != nil {
				return fail("GetBucketPolicy", perr)
			}
			for _, ps := range policy.IsPublic(doc, policy.KindBucket).Statements {
				pb.Reasons = append(pb.Reasons, acctStatementLabel(ps)+": "+ps.Reason)
			}
		case hasCode(err, "NoSuchBucketPolicy"):
		default:
			return fail("GetBucketPolicy", err)
		}
		if op, err := aps.inspect(ctx, name, aws.ToString(b.BucketRegion), pb); err != nil {
			return fail(op, err)
		}
	}
	if ignoresACLs && !bucketBPA.IgnorePublicAcls {
		acl, err := client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b.Name}, optFns...)
		if err != nil {
			return fail("GetBucketAcl", err)
		}
		for _, g := range acl.Grants {
			if g.Grantee == nil {
				continue
			}
			if uri := aws.ToString(g.Grantee.URI); policy.IsPublicGrantee(uri) {
				pb.Reasons = append(pb.Reasons, fmt.Sprintf("ACL grants %s to %s", g.Permission, uri[strings.LastIndexByte(uri, '/')+1:]))
			}
		}
	}
	if len(pb.Reasons) == 0 {
		return nil
	}
	return pb
}

// accessPointReader is what [PlanAccountPublicAccessBlock] reads of a
// bucket's access points. A *s3control.Client satisfies it.
type accessPointReader interface {
	ListAccessPoints(ctx context.Context, in *s3control.ListAccessPointsInput, optFns ...func(*s3control.Options)) (*s3control.ListAccessPointsOutput, error)
	GetAccessPoint(ctx context.Context, in *s3control.GetAccessPointInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointOutput, error)
	GetAccessPointPolicy(ctx context.Context, in *s3control.GetAccessPointPolicyInput, optFns ...func(*s3control.Options)) (*s3control.GetAccessPointPolicyOutput, error)
}

var _ accessPointReader = (*s3control.Client)(nil)

// errNoAccessPointReader stands for an S3 Control client that cannot list
// access points: a bucket's may rely on public access.
var errNoAccessPointReader = fmt.Errorf("%w: the S3 Control client does not list access points", ErrInvalidOptions)

// acctAccessPoints reads the access points of the account's buckets for
// the plan; reader is nil when the S3 Control client cannot.
type acctAccessPoints struct {
	reader    accessPointReader
	accountID string
	guard     []func(*s3control.Options)
	// mraps are the public Multi-Region Access Points by the buckets they
	// front; mrapOp and mrapErr say why they could not be read.
	mraps   map[string][]acctPublicMRAP
	mrapOp  string
	mrapErr error
}

// acctPublicMRAP is a Multi-Region Access Point whose policy is public
// and whose own RestrictPublicBuckets is off.
type acctPublicMRAP struct {
	arn     string
	reasons []string
}

// mrapReader is what [PlanAccountPublicAccessBlock] reads of the
// account's Multi-Region Access Points. A *s3control.Client satisfies it.
type mrapReader interface {
	MultiRegionAccessPointAPI
	mrap.PolicyGetter
}

var _ mrapReader = (*s3control.Client)(nil)

// errNoMRAPReader stands for an S3 Control client that cannot list
// Multi-Region Access Points: a bucket's may rely on public access.
var errNoMRAPReader = fmt.Errorf("%w: the S3 Control client does not read Multi-Region Access Points", ErrInvalidOptions)

// acctPublicMRAPs returns, by the buckets of accountID they front, the
// Multi-Region Access Points whose RestrictPublicBuckets is off and whose
// policy (established, or proposed while an update is applied) is public:
// account RestrictPublicBuckets cuts off requests through them from
// outside the account, as a request through one is rejected when the
// settings of "the Multi-Region Access Point owner account, the
// underlying bucket, or the bucket owner account" block it (S3 user
// guide, Blocking public access with Amazon S3 Multi-Region Access
// Points). A client of another partition than us-west-2's reaches none
// (see [AuditMultiRegionAccessPoints]): nothing is read. On failure it
// returns the operation and its error.
func acctPublicMRAPs(ctx context.Context, control any, accountID string, guard []func(*s3control.Options)) (map[string][]acctPublicMRAP, string, error) {
	if _, out := mrap.OutsidePartition(control); out {
		return nil, "", nil
	}
	r, ok := control.(mrapReader)
	if !ok || acctIsNil(r) {
		return nil, "ListMultiRegionAccessPoints", errNoMRAPReader
	}
	opts := append([]func(*s3control.Options){noSetupRetryControl}, guard...)
	all, err := mrap.List(ctx, r, accountID, opts...)
	if err != nil {
		return nil, "ListMultiRegionAccessPoints", err
	}
	found := map[string][]acctPublicMRAP{}
	for _, m := range all {
		buckets := mrap.Buckets(m, accountID)
		if len(buckets) == 0 {
			continue
		}
		name := aws.ToString(m.Name)
		bpa := m.PublicAccessBlock
		if bpa == nil {
			got, err := r.GetMultiRegionAccessPoint(ctx, &s3control.GetMultiRegionAccessPointInput{AccountId: aws.String(accountID), Name: m.Name},
				append([]func(*s3control.Options){mrap.InRegion}, opts...)...)
			if err != nil {
				return nil, "GetMultiRegionAccessPoint " + name, err
			}
			if got.AccessPoint != nil {
				bpa = got.AccessPoint.PublicAccessBlock
			}
		}
		if PublicAccessBlockFromS3Control(bpa).RestrictPublicBuckets {
			continue
		}
		pols, err := mrap.Policies(ctx, r, accountID, m.Name, opts...)
		if err != nil {
			return nil, "GetMultiRegionAccessPointPolicy " + name, err
		}
		p := acctPublicMRAP{arn: mrap.ARN(accountID, aws.ToString(m.Alias))}
		if m.Alias == nil {
			p.arn = name
		}
		for _, text := range pols {
			if text == "" {
				continue
			}
			doc, err := policy.Parse([]byte(text))
			if err != nil {
				return nil, "GetMultiRegionAccessPointPolicy " + name, err
			}
			for _, ps := range policy.IsPublic(doc, policy.KindAccessPoint).Statements {
				p.reasons = append(p.reasons, "Multi-Region Access Point "+p.arn+": "+acctStatementLabel(ps)+": "+ps.Reason)
			}
		}
		if len(p.reasons) == 0 {
			continue
		}
		for _, b := range buckets {
			found[b] = append(found[b], p)
		}
	}
	return found, "", nil
}

// inspect adds to pb the access points of bucket (of region, where they
// live: "The access point must be created in the same Region as the
// associated bucket", S3 user guide, Creating access points) whose policy
// is public and not restricted already by their own RestrictPublicBuckets:
// account RestrictPublicBuckets cuts off requests through them from
// outside the account, as S3 "evaluates the block public access settings
// for that access point, the underlying bucket, and the bucket owner's
// account" (S3 user guide, Managing public access to access points for
// general purpose buckets). A VPC access point is never public. It returns
// the operation that failed, and its error.
func (a acctAccessPoints) inspect(ctx context.Context, bucket, region string, pb *PublicBucket) (string, error) {
	if a.mrapErr != nil {
		return a.mrapOp, a.mrapErr
	}
	for _, m := range a.mraps[bucket] {
		pb.AccessPoints = append(pb.AccessPoints, m.arn)
		pb.Reasons = append(pb.Reasons, m.reasons...)
	}
	if a.reader == nil {
		return "ListAccessPoints", errNoAccessPointReader
	}
	opts := append([]func(*s3control.Options){noSetupRetryControl}, a.guard...)
	if region != "" {
		opts = append(opts, func(o *s3control.Options) { o.Region = region })
	}
	pg := s3control.NewListAccessPointsPaginator(a.reader, &s3control.ListAccessPointsInput{AccountId: aws.String(a.accountID), Bucket: aws.String(bucket)})
	for pg.HasMorePages() {
		out, err := pg.NextPage(ctx, opts...)
		if err != nil {
			return "ListAccessPoints", err
		}
		for _, ap := range out.AccessPointList {
			if ap.NetworkOrigin == s3ctltypes.NetworkOriginVpc {
				continue
			}
			if ba := aws.ToString(ap.BucketAccountId); ba != "" && ba != a.accountID {
				continue // another account's bucket of that name: its account's settings apply
			}
			name := aws.ToString(ap.Name)
			got, err := a.reader.GetAccessPoint(ctx, &s3control.GetAccessPointInput{AccountId: aws.String(a.accountID), Name: ap.Name}, opts...)
			if err != nil {
				return "GetAccessPoint " + name, err
			}
			if got.NetworkOrigin == s3ctltypes.NetworkOriginVpc || PublicAccessBlockFromS3Control(got.PublicAccessBlockConfiguration).RestrictPublicBuckets {
				continue
			}
			pol, err := a.reader.GetAccessPointPolicy(ctx, &s3control.GetAccessPointPolicyInput{AccountId: aws.String(a.accountID), Name: ap.Name}, opts...)
			if hasCode(err, "NoSuchAccessPointPolicy") {
				continue
			}
			if err != nil {
				return "GetAccessPointPolicy " + name, err
			}
			doc, err := policy.Parse([]byte(aws.ToString(pol.Policy)))
			if err != nil {
				return "GetAccessPointPolicy " + name, err
			}
			st := policy.IsPublic(doc, policy.KindAccessPoint)
			if !st.IsPublic {
				continue
			}
			arn := aws.ToString(ap.AccessPointArn)
			if arn == "" {
				arn = name
			}
			pb.AccessPoints = append(pb.AccessPoints, arn)
			for _, ps := range st.Statements {
				pb.Reasons = append(pb.Reasons, "access point "+arn+": "+acctStatementLabel(ps)+": "+ps.Reason)
			}
		}
	}
	return "", nil
}

// ApplyAccountPublicAccessBlock writes plan.Target (all four settings on)
// for the plan's account. It refuses with a [*PublicBucketsError] (matching
// [ErrBucketsRelyOnPublicAccess]) when the plan lists buckets that rely on
// public access, unless opts.AllowBlockingPublicBuckets is set. A plan with
// nothing to change sends no request.
//
// PutPublicAccessBlock replaces the whole configuration, so it is written
// with the package's write discipline (see "Writes" in the package
// documentation): the settings are read again just before the write (a
// setting another writer turned on since the plan stays on, and nothing is
// written when all four are on by then), and read back after it; a writer
// who put back their older configuration in between is merged with again.
// A failed request is an [*AccountError]. So is a write the endpoint did
// not keep (the read-back misses a setting the write turned on), or one
// another writer kept undoing: it wraps [ErrConflict] and names the
// settings.
//
// AWS applies the change to every Region; it may take a while to
// propagate.
//
// Unless opts.AllowInsecureTransport, a control client that would send
// its requests over plain HTTP to a host that is not loopback, or does not
// let the call see where it sends them, is refused before any request
// with a [*RemotePlainHTTPError] ([ErrPlainHTTPEndpoint]): a forged read
// of all four on would leave the account unchanged, and a forged
// read-back would hide a write that was not kept.
func ApplyAccountPublicAccessBlock(ctx context.Context, control AccountControlAPI, plan *AccountPublicAccessBlockPlan, opts *AccountPublicAccessBlockOptions) error {
	if plan == nil {
		return fmt.Errorf("%w: nil plan", ErrInvalidOptions)
	}
	if err := acctCheckID(plan.AccountID); err != nil {
		return err
	}
	if opts == nil {
		opts = &AccountPublicAccessBlockOptions{}
	}
	if plan.NoChange() {
		return nil
	}
	if len(plan.PublicBuckets) > 0 && !opts.AllowBlockingPublicBuckets {
		return &PublicBucketsError{AccountID: plan.AccountID, Buckets: plan.PublicBuckets}
	}
	// Never weaker: whatever the plan says, settings already on stay on.
	target := plan.Target.Union(plan.Current.Settings).Union(AllPublicAccessBlocked())
	if acctIsNil(control) {
		return &AccountError{AccountID: plan.AccountID, Operation: "PutPublicAccessBlock", Err: errAcctNoClient}
	}
	if !opts.AllowInsecureTransport {
		if err := refuseRemote(ctx, "ApplyAccountPublicAccessBlock", accountBPAOption, probeControl(control, plan.AccountID)); err != nil {
			return err
		}
	}
	op := "GetPublicAccessBlock"
	out, err := runCycle(ctx, Retry{}, rmw.Cycle[PublicAccessBlockSettings, PublicAccessBlockSettings]{
		Key: rmw.Key("s3control", plan.AccountID, "publicAccessBlock"), What: "account Block Public Access",
		Read: func(ctx context.Context) (PublicAccessBlockSettings, error) {
			op = "GetPublicAccessBlock"
			return acctReadBPA(ctx, control, plan.AccountID)
		},
		Merge: turnOn(target),
		Write: func(ctx context.Context, next PublicAccessBlockSettings) error {
			op = "PutPublicAccessBlock"
			_, err := control.PutPublicAccessBlock(ctx, &s3control.PutPublicAccessBlockInput{
				AccountId: aws.String(plan.AccountID), PublicAccessBlockConfiguration: next.s3control(),
			}, noSetupRetryControl)
			return err
		},
		ReadFP:  PublicAccessBlockSettings.fp,
		WriteFP: PublicAccessBlockSettings.fp,
	})
	if err == nil && len(out.NotKept) > 0 {
		op, err = "PutPublicAccessBlock", notKeptError(out.NotKept)
	}
	if err != nil {
		return &AccountError{AccountID: plan.AccountID, Operation: op, Err: err}
	}
	return nil
}

// acctReadBPA reads the account's Block Public Access settings for a
// write: all off when there is no configuration.
func acctReadBPA(ctx context.Context, control AccountControlAPI, accountID string) (PublicAccessBlockSettings, error) {
	out, err := call(ctx, Retry{}, func(ctx context.Context) (*s3control.GetPublicAccessBlockOutput, error) {
		return control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: aws.String(accountID)}, noSetupRetryControl)
	})
	if err != nil {
		var nf *s3ctltypes.NoSuchPublicAccessBlockConfiguration
		if errors.As(err, &nf) || hasCode(err, "NoSuchPublicAccessBlockConfiguration") {
			return PublicAccessBlockSettings{}, nil
		}
		return PublicAccessBlockSettings{}, err
	}
	return PublicAccessBlockFromS3Control(out.PublicAccessBlockConfiguration), nil
}

// SetAccountPublicAccessBlock plans and applies account Block Public Access
// in one call, and returns the plan it applied. It fails like
// [ApplyAccountPublicAccessBlock], in particular with
// [ErrBucketsRelyOnPublicAccess] (and the plan) when buckets would be cut off,
// and checks the transport as they do (a refusal names
// SetAccountPublicAccessBlock when the plan's clients are refused).
func SetAccountPublicAccessBlock(ctx context.Context, control AccountControlAPI, buckets AccountBucketsAPI, accountID string, opts *AccountPublicAccessBlockOptions) (*AccountPublicAccessBlockPlan, error) {
	plan, err := planAccountPublicAccessBlock(ctx, "SetAccountPublicAccessBlock", control, buckets, accountID, opts)
	if err != nil {
		return nil, err
	}
	return plan, ApplyAccountPublicAccessBlock(ctx, control, plan, opts)
}

// acctIsNil reports whether a client interface is nil or holds a nil
// pointer (a nil *s3control.Client passed by a caller without that
// service), so that such a client gives UNKNOWN or an error, never a panic.
func acctIsNil(c any) bool {
	if c == nil {
		return true
	}
	v := reflect.ValueOf(c)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// acctTrim drops a leading "securebucket: " from err's text so the package
// prefix appears once in a message.
func acctTrim(err error) string { return strings.TrimPrefix(err.Error(), "securebucket: ") }

// AccountAuditControlAPI is the S3 Control API that [AuditAccount] uses:
// account Block Public Access and access points. A *s3control.Client
// satisfies it.
type AccountAuditControlAPI interface {
	AccountControlAPI
	AccessPointAPI
}

var _ AccountAuditControlAPI = (*s3control.Client)(nil)

// AccountAuditOptions configure [AuditAccount]. nil means every check for
// the whole account.
type AccountAuditOptions struct {
	// Bucket limits the access point audit to that bucket's access points
	// and Multi-Region Access Points, and checks CloudTrail data events for
	// that bucket instead of all buckets. Account Block Public Access is
	// checked either way. The S3 Control client must then be in the
	// bucket's Region, where its access points live: S3 Control refuses to
	// list a bucket's access points in another Region, and S3.19 is then
	// UNKNOWN (see [AccessPointAuditOptions]).
	Bucket string

	// AllowInsecureTransport lets AuditAccount read over plain HTTP from a host
	// that is not loopback (127.0.0.0/8, ::1, localhost). By default such
	// a call is refused before any request with a [*RemotePlainHTTPError]:
	// SigV4 signs the requests, but nothing authenticates the answers, so
	// anyone on the network path (a proxy, a container network, a mistyped
	// AWS_ENDPOINT_URL) can rewrite them into a PASS and read the
	// policies. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it
	// only for a test server on a network you trust, or a client you know
	// uses TLS.
	AllowInsecureTransport bool
}

// AuditAccount runs every account-level check and returns the results in
// a stable order: S3.1 (account Block Public Access), the access point
// checks (S3.19 and the network origin and policy checks, per access
// point), S3.24 (per Multi-Region Access Point, see
// [AuditMultiRegionAccessPoints]), then S3.22 and S3.23 (CloudTrail data
// events).
//
// control or trails may be nil (or a nil *Client) when the endpoint has no
// such service: the checks that need it are UNKNOWN, never PASS. S3.24
// needs control to be a [MultiRegionAccessPointAPI] too (a
// *s3control.Client is); otherwise it is UNKNOWN.
//
// AuditAccount returns [ErrInvalidAccountID] or [ErrInvalidOptions] before
// any request. It stops at the first read that meets a setup problem
// (credentials that cannot be retrieved or that AWS refuses, a refused
// connection, a host name that does not resolve, a TLS failure) and
// returns that read's [*AccountError] (S3 Control) or [*TrailError]
// (CloudTrail) with no results, instead of a list of UNKNOWN results that
// all fail the same way.
func AuditAccount(ctx context.Context, control AccountAuditControlAPI, trails TrailsAPI, accountID string, opts *AccountAuditOptions) ([]AccountResult, error) {
	if err := acctCheckID(accountID); err != nil {
		return nil, err
	}
	if opts == nil {
		opts = &AccountAuditOptions{}
	}
	if opts.Bucket != "" && !apBucketRE.MatchString(opts.Bucket) {
		return nil, fmt.Errorf("%w: bucket name %q is not valid", ErrInvalidOptions, opts.Bucket)
	}
	var ctl AccountControlAPI
	var aps AccessPointAPI
	if !acctIsNil(control) {
		ctl, aps = control, control
	}
	allow := opts.AllowInsecureTransport
	if !allow && ctl != nil {
		if err := refuseRemote(ctx, "AuditAccount", "AccountAuditOptions", probeControl(ctl, accountID)); err != nil {
			return nil, err
		}
	}
	if !allow && !acctIsNil(trails) {
		if err := refuseRemote(ctx, "AuditAccount", "AccountAuditOptions", probeTrails(trails)); err != nil {
			return nil, err
		}
	}
	// ctl was probed above (or AllowInsecureTransport).
	bpa := AuditAccountPublicAccessBlock(ctx, ctl, accountID, &AccountReadOptions{AllowInsecureTransport: true})
	if setuperr.Is(bpa.Err) {
		return nil, bpa.Err
	}
	results := []AccountResult{bpa}
	apResults, err := AuditAccessPoints(ctx, aps, accountID, &AccessPointAuditOptions{Bucket: opts.Bucket, AllowInsecureTransport: allow})
	if err != nil {
		return nil, err
	}
	results = append(results, apResults...)
	// Multi-Region Access Points: a client without their operations (the
	// interface predates them) gives UNKNOWN, never PASS.
	var mraps MultiRegionAccessPointAPI
	if m, ok := control.(MultiRegionAccessPointAPI); ok && !acctIsNil(control) {
		mraps = m
	}
	mrapResults, err := AuditMultiRegionAccessPoints(ctx, mraps, accountID, &MultiRegionAccessPointAuditOptions{Bucket: opts.Bucket, AllowInsecureTransport: allow})
	if err != nil {
		return nil, err
	}
	results = append(results, mrapResults...)
	ctResults, err := AuditDataEvents(ctx, trails, &DataEventsAuditOptions{Bucket: opts.Bucket, AllowInsecureTransport: allow})
	if err != nil {
		return nil, err
	}
	for i := range ctResults {
		if ctResults[i].Resource == ctAccountResource {
			ctResults[i].Resource = accountID
		}
	}
	return append(results, ctResults...), nil
}

// acctStatementLabel names a statement in messages: its index and Sid.
func acctStatementLabel(ps policy.PublicStatement) string {
	if ps.Sid != "" {
		return fmt.Sprintf("policy statement %d %q", ps.Index, ps.Sid)
	}
	return fmt.Sprintf("policy statement %d", ps.Index)
}
