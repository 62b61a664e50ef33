package securebucket

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/setuperr"
	"github.com/s3secure/s3secure/policy"
)

// ControlResult is the outcome of one control for one bucket (or, for S3.1,
// for the account).
type ControlResult struct {
	// Bucket is the bucket checked; "" for an account-level control.
	Bucket string
	// Control is the Security Hub control id or s3secure id.
	Control Control
	// CIS is the CIS AWS Foundations Benchmark recommendation, if any.
	CIS string
	// Title says what the control checks.
	Title string
	// Status is PASS, FAIL, UNKNOWN or NOT_APPLICABLE.
	Status Status
	// Severity is Security Hub's severity for the control.
	Severity string
	// Message explains the status and, for FAIL, what to change.
	Message string
	// Err is the read error behind an UNKNOWN status (nil when what was
	// read could not decide the control).
	Err error
}

// Blocking reports whether the result should fail a run: FAIL or UNKNOWN.
func (r ControlResult) Blocking() bool { return r.Status == StatusFail || r.Status == StatusUnknown }

// Report is the audit of one bucket.
type Report struct {
	Bucket string
	// Region is the bucket's Region when known (from ListBuckets in
	// AuditAll), else "".
	Region string
	// Results has one entry per control audited, in the order of
	// AuditOptions.Controls, S3.1 first when audited.
	Results []ControlResult
	// Err is set by AuditAll when the bucket could not be audited at all
	// (for example it was deleted during the run, or its Region's endpoint
	// met a setup problem the client's Region did not: a [*RegionError]);
	// Results is then empty.
	Err error

	logTarget string // where S3 delivers the bucket's access logs (its S3.9 passed), or ""
}

// Failed reports whether any result is FAIL or UNKNOWN, or the bucket could
// not be audited.
func (r *Report) Failed() bool {
	if r.Err != nil {
		return true
	}
	for _, c := range r.Results {
		if c.Blocking() {
			return true
		}
	}
	return false
}

// Result returns the result for control c.
func (r *Report) Result(c Control) (ControlResult, bool) {
	for _, x := range r.Results {
		if x.Control == c {
			return x, true
		}
	}
	return ControlResult{}, false
}

// AuditOptions changes what [Audit] and [AuditAll] check. nil means the
// defaults.
type AuditOptions struct {
	// AccountID is the 12-digit id of the account that owns the buckets.
	// When set, every request carries it as ExpectedBucketOwner, and S3.6
	// can tell the account's own principals from other accounts'; without
	// it every named AWS principal in a permission-changing grant counts as
	// another account's.
	AccountID string

	// AccountControl, with AccountID, makes the audit read the account's
	// Block Public Access settings (one request per run): S3.1 is
	// reported, and S3.2/S3.3 judge the bucket with the effective
	// settings (account and bucket combined). A *s3control.Client satisfies
	// it. When the settings cannot be read, S3.1 is UNKNOWN and only the
	// bucket's own settings are counted.
	AccountControl AccountControlAPI

	// Controls are the bucket controls to check. By default,
	// DefaultControls(); AllControls() adds the optional ones.
	Controls []Control

	// TrustedKMSKeyAccounts are 12-digit account ids, besides the bucket
	// owner's (AccountID), whose KMS keys S3Secure.KMSKeyAccount accepts as
	// a bucket's default encryption key: for example an organization's
	// central key account. By default none: a key of any other account
	// fails, because that account controls the key (it can stop the bucket
	// owner's use of it, which leaves the objects unreadable, and let
	// principals of its choice decrypt).
	TrustedKMSKeyAccounts []string

	// Concurrency is how many buckets AuditAll audits at once. By default,
	// DefaultConcurrency.
	Concurrency int

	// Progress, when set, is called by AuditAll after each bucket, never
	// concurrently.
	Progress func(Progress)

	// Retry controls retries of failed reads. The zero value means the
	// defaults.
	Retry Retry

	// AllowInsecureTransport lets Audit and AuditAll read over plain HTTP from a host
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

// Progress reports AuditAll's progress after one bucket.
type Progress struct {
	// Done of Total buckets are audited.
	Done, Total int
	// Bucket is the bucket just audited, and Err its Report.Err (a
	// [*RegionError] for a bucket of a Region AuditAll could not reach),
	// or the error of a bucket a setup problem stopped (which has no
	// Report).
	Bucket string
	Err    error
}

func (o *AuditOptions) validate() error {
	if o.AccountID != "" && !policy.IsAccountID(o.AccountID) {
		return fmt.Errorf("%w: AccountID %q is not a 12-digit account id", ErrInvalidOptions, o.AccountID)
	}
	if o.AccountControl != nil && o.AccountID == "" {
		return fmt.Errorf("%w: AccountControl needs AccountID", ErrInvalidOptions)
	}
	for _, c := range o.Controls {
		if _, ok := controlTable[c]; !ok || c == ControlAccountBPA {
			return fmt.Errorf("%w: unknown bucket control %q", ErrInvalidOptions, c)
		}
	}
	if err := validateTrustedKMSKeyAccounts(o.TrustedKMSKeyAccounts); err != nil {
		return err
	}
	if o.Concurrency < 0 || o.Concurrency > 1024 {
		return fmt.Errorf("%w: Concurrency %d is not between 1 and 1024", ErrInvalidOptions, o.Concurrency)
	}
	return o.Retry.validate()
}

// auditor holds one Audit or AuditAll run.
type auditor struct {
	client   ReadAPI
	o        AuditOptions
	controls []Control
	needs    part
	// account is the account's BPA, read once; nil when not read or not
	// readable.
	account *AccountPublicAccessBlock
	// accountResult is S3.1, when audited.
	accountResult *ControlResult
}

func newAuditor(client ReadAPI, opts *AuditOptions) (*auditor, error) {
	a := &auditor{client: client}
	if opts != nil {
		a.o = *opts
	}
	if err := a.o.validate(); err != nil {
		return nil, err
	}
	if isNilClient(client) {
		return nil, fmt.Errorf("%w: nil client", ErrInvalidOptions)
	}
	a.o.Retry = a.o.Retry.withDefaults()
	a.controls = a.o.Controls
	if a.controls == nil {
		a.controls = DefaultControls()
	}
	for _, c := range a.controls {
		a.needs |= controlTable[c].needs
	}
	return a, nil
}

// refuseRemote returns a [*RemotePlainHTTPError] for call when the client,
// or AccountControl, would send its requests over plain HTTP to a host
// that is not loopback, unless AllowInsecureTransport.
func (a *auditor) refuseRemote(ctx context.Context, call, bucket string) error {
	if a.o.AllowInsecureTransport {
		return nil
	}
	if err := refuseRemote(ctx, call, "AuditOptions", probeS3(a.client, bucket)); err != nil {
		return err
	}
	if acctIsNil(a.o.AccountControl) {
		return nil
	}
	return refuseRemote(ctx, call, "AuditOptions", probeControl(a.o.AccountControl, a.o.AccountID))
}

// readAccount reads the account's Block Public Access once, when asked. It
// returns the read's [*AccountError] when it meets a setup problem, and
// ctx's error if ctx ended; any other failure makes S3.1 UNKNOWN.
func (a *auditor) readAccount(ctx context.Context) error {
	if a.o.AccountControl == nil {
		return nil
	}
	info := controlTable[ControlAccountBPA]
	r := ControlResult{Control: ControlAccountBPA, CIS: info.cis, Title: info.title, Severity: info.severity}
	// refuseRemote probed AccountControl (or AllowInsecureTransport).
	bpa, err := ReadAccountPublicAccessBlock(ctx, a.o.AccountControl, a.o.AccountID, &AccountReadOptions{AllowInsecureTransport: true})
	if setuperr.Is(err) {
		return err
	}
	switch {
	case err != nil:
		r.Status, r.Err = StatusUnknown, err
		r.Message = "account Block Public Access could not be read: " + trimPrefix(err)
	case !bpa.Configured:
		a.account = bpa
		r.Status = StatusFail
		r.Message = "the account has no Block Public Access configuration; turn on all four settings"
	case !bpa.Settings.AllOn():
		a.account = bpa
		r.Status = StatusFail
		r.Message = "account Block Public Access settings off: " + strings.Join(bpa.Settings.Off(), ", ")
	default:
		a.account = bpa
		r.Status = StatusPass
		r.Message = "all four account Block Public Access settings are on"
	}
	a.accountResult = &r
	return nil
}

// Audit reads bucket's configuration and returns one result per control
// (see [AuditOptions.Controls]). A setting that cannot be read (access
// denied, throttling past the retries, an endpoint without the API) makes
// the controls that need it UNKNOWN, with the SDK error in
// ControlResult.Err; "not configured" answers count as unset, not as
// failures to read.
//
// Statements are judged against the bucket's ARN in its partition
// ("arn:aws-cn:s3:::bucket" in China), that of the client's Region; for a
// client that does not expose its Options, Audit reads the bucket's Region
// (GetBucketLocation), and when S3 refuses that, the controls judging
// statements against the ARN (S3.5, S3Secure.DenyOutdatedTLS) are UNKNOWN.
//
// A setup problem is not a setting that cannot be read: credentials that
// cannot be retrieved or that S3 refuses (InvalidAccessKeyId,
// SignatureDoesNotMatch, ExpiredToken, …), a machine clock S3 refuses
// (RequestTimeTooSkewed) also after the SDK's clock skew correction, a
// refused connection, a host
// name that does not resolve, a TLS failure. Every other read would fail
// the same way, so Audit stops at the first read that meets one and
// returns a [*StepError] (Step [StepAudit]) wrapping "read PART: " and the
// SDK error, with no Report; with AuditOptions.AccountControl, the
// account's Block Public Access read returns its [*AccountError] instead.
//
// Audit returns an error wrapping [ErrInvalidBucketName] or
// [ErrInvalidOptions] before any request; ctx's error if ctx ends; and a
// [*StepError] wrapping the SDK error (code NoSuchBucket) when the bucket
// does not exist, or (code AllAccessDisabled) at the first read S3
// refuses so: "All access to this Amazon S3 resource has been disabled.
// Contact Amazon Web Services Support for further assistance." (S3 API
// reference, list of error codes). That is the bucket's state, not a
// setup problem: [AuditAll] reports it for that bucket and goes on.
func Audit(ctx context.Context, client ReadAPI, bucket string, opts *AuditOptions) (*Report, error) {
	if err := validateBucketName(bucket, false); err != nil {
		return nil, err
	}
	a, err := newAuditor(client, opts)
	if err != nil {
		return nil, err
	}
	if err := a.refuseRemote(ctx, "Audit", bucket); err != nil {
		return nil, err
	}
	if err := a.readAccount(ctx); err != nil {
		return nil, err
	}
	return a.audit(ctx, bucket, "", a.guard("Audit"))
}

// audit audits one bucket; region, when known and different from the
// client's, is used for the requests.
func (a *auditor) audit(ctx context.Context, bucket, region string, optFns []func(*s3.Options)) (*Report, error) {
	r := reader{client: a.client, retry: a.o.Retry, owner: ownerPtr(a.o.AccountID), optFns: append([]func(*s3.Options){noSetupRetry}, optFns...),
		stopAtSetup: true, stopAtDisabled: true}
	st, err := r.readState(ctx, bucket, a.needs)
	if err != nil {
		switch {
		case setuperr.Is(err):
			return nil, &StepError{Bucket: bucket, Step: StepAudit, Err: err}
		case setuperr.Disabled(err):
			return nil, &StepError{Bucket: bucket, Step: StepAudit, Err: disabledError(err, "not audited")}
		}
		return nil, err
	}
	for _, e := range st.errs {
		var nsb *types.NoSuchBucket
		if errors.As(e, &nsb) || hasCode(e, "NoSuchBucket") {
			return nil, &StepError{Bucket: bucket, Step: StepAudit, Err: e}
		}
	}
	// The ACL matters only while ACLs are enabled.
	wantsACL := slices.Contains(a.controls, ControlPublicRead) || slices.Contains(a.controls, ControlPublicWrite) || slices.Contains(a.controls, ControlACLs)
	if wantsACL && (st.err(partOwnership) != nil || st.ownership != types.ObjectOwnershipBucketOwnerEnforced) {
		if err := r.readPart(ctx, st, partACL); err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if re := remotePlainHTTP(err); re != nil {
				return nil, re
			}
			if setuperr.Is(err) {
				return nil, &StepError{Bucket: bucket, Step: StepAudit, Err: &partReadError{part: partACL, err: err}}
			}
			st.errs[partACL] = err
		}
		st.read |= partACL
	}
	rep := &Report{Bucket: bucket, Region: region}
	if a.accountResult != nil {
		ar := *a.accountResult
		rep.Results = append(rep.Results, ar)
	}
	c := &checker{a: a, st: st}
	if slices.Contains(a.controls, ControlTLSOnly) || slices.Contains(a.controls, ControlOutdatedTLS) {
		p, err := r.bucketPartition(ctx, bucket, region)
		switch {
		case ctx.Err() != nil:
			return nil, ctx.Err()
		case setuperr.Is(err):
			return nil, &StepError{Bucket: bucket, Step: StepAudit, Err: fmt.Errorf("read the bucket's Region for its ARN partition: %w", err)}
		}
		c.bucketARN, c.partitionErr = "arn:"+p+":s3:::"+bucket, err
	}
	if slices.Contains(a.controls, ControlLogging) && st.ok(partLogging) && st.logging != nil {
		c.checkLogTargetRegion(ctx, &r, region)
		if setuperr.Is(c.logRegionErr) {
			return nil, &StepError{Bucket: bucket, Step: StepAudit, Err: fmt.Errorf("check the logging target: %w", c.logRegionErr)}
		}
	}
	for _, ctl := range a.controls {
		res := c.check(ctl)
		info := controlTable[ctl]
		res.Bucket, res.Control, res.CIS, res.Title, res.Severity = bucket, ctl, info.cis, info.title, info.severity
		rep.Results = append(rep.Results, res)
		// Only a target S3 delivers logs into (S3.9 passes: same Region,
		// no default retention, not Requester Pays) receives them; naming
		// a bucket does not exempt it from S3.9 in AuditAll.
		if ctl == ControlLogging && res.Status == StatusPass {
			rep.logTarget = aws.ToString(st.logging.TargetBucket)
		}
	}
	return rep, nil
}

// checker evaluates controls on a read state.
type checker struct {
	a         *auditor
	st        *state
	bucketARN string
	// partitionErr is why the bucket's ARN partition, so bucketARN, is
	// unknown.
	partitionErr error
	doc          *policy.Document
	docErr       error
	parsed       bool
	// logRegionMsg is a problem with the logging target's Region, if any.
	logRegionMsg string
	logRegionErr error
}

func pass(msg string) ControlResult { return ControlResult{Status: StatusPass, Message: msg} }
func fail(msg string) ControlResult { return ControlResult{Status: StatusFail, Message: msg} }
func notApplicable(msg string) ControlResult {
	return ControlResult{Status: StatusNotApplicable, Message: msg}
}

// unparsedPolicy is UNKNOWN for a policy control when the bucket policy
// does not parse.
func unparsedPolicy(err error) ControlResult {
	return ControlResult{Status: StatusUnknown, Message: "the bucket policy does not parse: " + err.Error(), Err: err}
}

// unknown reports that p could not be read.
func unknown(p part, err error) ControlResult {
	code := errorCode(err)
	if code == "" {
		code = err.Error()
	}
	return ControlResult{Status: StatusUnknown, Message: fmt.Sprintf("could not read the %s: %s", partNames[p], code), Err: err}
}

// missing returns the first part of need that failed to read, with its error.
func (c *checker) missing(need part) (part, error) {
	for p := partPolicy; p <= partLocation; p <<= 1 {
		if need&p != 0 {
			if err := c.st.err(p); err != nil {
				return p, err
			}
		}
	}
	return 0, nil
}

// policy returns the parsed bucket policy (nil when there is none).
func (c *checker) policy() (*policy.Document, error) {
	if !c.parsed {
		c.parsed = true
		if c.st.policy != "" {
			c.doc, c.docErr = policy.Parse([]byte(c.st.policy))
		}
	}
	return c.doc, c.docErr
}

func (c *checker) check(ctl Control) ControlResult {
	if p, err := c.missing(controlTable[ctl].needs &^ partOwnership); err != nil && ctl != ControlPublicRead && ctl != ControlPublicWrite {
		return unknown(p, err)
	}
	switch ctl {
	case ControlPublicRead:
		return c.public(false)
	case ControlPublicWrite:
		return c.public(true)
	case ControlTLSOnly:
		return c.policyHas("requests over plain HTTP", deniesInsecureTransport,
			"add a statement denying s3:* on the bucket and its objects when aws:SecureTransport is false")
	case ControlOutdatedTLS:
		return c.policyHas("TLS older than 1.2", deniesOutdatedTLS,
			"add a statement denying s3:* on the bucket and its objects when s3:TlsVersion is less than 1.2")
	case ControlCrossAccount:
		return c.crossAccount()
	case ControlServicePrincipal:
		return c.servicePrincipalScoped()
	case ControlBucketBPA:
		if allBPA(c.st.bpa) {
			return pass("all four bucket Block Public Access settings are on")
		}
		if c.st.bpa == nil {
			return fail("the bucket has no Block Public Access configuration")
		}
		return fail("bucket Block Public Access settings off: " + strings.Join(bpaOff(c.st.bpa), ", "))
	case ControlACLs:
		if err := c.st.err(partOwnership); err != nil {
			return unknown(partOwnership, err)
		}
		if c.st.ownership == types.ObjectOwnershipBucketOwnerEnforced {
			return pass("ACLs are disabled (Object Ownership BucketOwnerEnforced)")
		}
		msg := "ACLs are enabled (Object Ownership " + ownershipName(c.st.ownership) + "); set BucketOwnerEnforced"
		if c.st.ok(partACL) {
			if g := foreignGrants(c.st.aclOwner, c.st.aclGrants); len(g) > 0 {
				msg += fmt.Sprintf("; the bucket ACL grants %d others: %s", len(g), joinGrants(g))
			}
		}
		return fail(msg)
	case ControlSSECBlocked:
		if c.st.encryption == nil {
			return fail("no default encryption configuration, so SSE-C is not blocked")
		}
		for _, r := range c.st.encryption.Rules {
			if blocksSSEC(r.BlockedEncryptionTypes) {
				return pass("SSE-C is blocked (BlockedEncryptionTypes)")
			}
		}
		return fail("SSE-C is allowed; set BlockedEncryptionTypes to [SSE-C]")
	case ControlKMS:
		if c.st.encryption == nil {
			return fail("no default encryption configuration")
		}
		d := describeRule(c.st.encryption.Rules[0])
		if a := c.st.encryption.Rules[0].ApplyServerSideEncryptionByDefault; a != nil &&
			(a.SSEAlgorithm == types.ServerSideEncryptionAwsKms || a.SSEAlgorithm == types.ServerSideEncryptionAwsKmsDsse) {
			return pass("default encryption is " + d)
		}
		return fail("default encryption is " + d + ", not SSE-KMS or DSSE-KMS")
	case ControlKMSKeyAccount:
		return c.kmsKeyAccount()
	case ControlVersioning:
		if c.st.versioning == types.BucketVersioningStatusEnabled {
			return pass("versioning is enabled")
		}
		return fail(versioningMessage(c.st.versioning))
	case ControlLifecycle:
		if n := enabledRules(c.st.lifecycle); n > 0 {
			return pass(fmt.Sprintf("%d enabled lifecycle rules", n))
		}
		return fail("no enabled lifecycle rule")
	case ControlVersionedLifecycle:
		if c.st.versioning != types.BucketVersioningStatusEnabled {
			return notApplicable(versioningMessage(c.st.versioning))
		}
		if n := enabledRules(c.st.lifecycle); n > 0 {
			return pass(fmt.Sprintf("versioned, with %d enabled lifecycle rules", n))
		}
		return fail("versioned, but no enabled lifecycle rule (noncurrent versions accumulate)")
	case ControlObjectLock:
		if ol := c.st.objectLock; ol != nil && ol.ObjectLockEnabled == types.ObjectLockEnabledEnabled {
			var dr *types.DefaultRetention
			if ol.Rule != nil {
				dr = ol.Rule.DefaultRetention
			}
			return pass("Object Lock is enabled (" + describeRetention(dr) + ")")
		}
		return fail("Object Lock is not enabled")
	case ControlMFADelete:
		if c.st.mfaDelete == types.MFADeleteStatusEnabled {
			// Security Hub checks the setting alone; say what it no
			// longer guards when versioning is Suspended.
			if c.st.versioning == types.BucketVersioningStatusSuspended {
				return pass("MFA delete is enabled, but versioning is Suspended: a write of a key written since then overwrites its null version, which no version keeps")
			}
			return pass("MFA delete is enabled")
		}
		if len(c.st.lifecycle) > 0 {
			return notApplicable("the bucket has lifecycle rules, which MFA delete cannot be combined with")
		}
		return fail("MFA delete is not enabled (only the root user can enable it)")
	case ControlLogging:
		// AuditAll marks log targets NOT_APPLICABLE once every bucket is read.
		l := c.st.logging
		if l == nil {
			return fail("server access logging is off")
		}
		if c.logRegionErr != nil {
			return ControlResult{Status: StatusUnknown, Message: c.logRegionMsg, Err: c.logRegionErr}
		}
		if c.logRegionMsg != "" {
			return fail(c.logRegionMsg)
		}
		return pass(fmt.Sprintf("logging to s3://%s/%s", aws.ToString(l.TargetBucket), aws.ToString(l.TargetPrefix)))
	}
	return ControlResult{Status: StatusUnknown, Message: "unknown control"}
}

func ownershipName(o types.ObjectOwnership) string {
	if o == "" {
		return "not set, ObjectWriter"
	}
	return string(o)
}

func joinGrants(g []Grant) string {
	s := make([]string, len(g))
	for i, x := range g {
		s[i] = x.String()
	}
	return strings.Join(s, ", ")
}

func enabledRules(rules []types.LifecycleRule) int {
	n := 0
	for _, r := range rules {
		if r.Status == types.ExpirationStatusEnabled {
			n++
		}
	}
	return n
}

// policyHas checks that some statement of the policy satisfies ok.
func (c *checker) policyHas(what string, ok func(policy.Statement, string) bool, fix string) ControlResult {
	doc, err := c.policy()
	if err != nil {
		return unparsedPolicy(err)
	}
	if doc == nil {
		return fail("no bucket policy; " + fix)
	}
	if c.partitionErr != nil {
		return ControlResult{Status: StatusUnknown, Message: "could not read the bucket's Region, so its ARN partition: " + errorCode(c.partitionErr), Err: c.partitionErr}
	}
	for i, s := range doc.Statements {
		if ok(s, c.bucketARN) {
			return pass(fmt.Sprintf("statement %s denies %s", statementName(s, i), what))
		}
	}
	return fail("no statement denies " + what + " to the bucket and its objects; " + fix)
}

// crossAccount is Security Hub S3.6: no Allow statement may grant
// DeleteBucketPolicy, PutBucketAcl, PutBucketPolicy,
// PutEncryptionConfiguration or PutObjectAcl to another account's
// principal. Conditions are not considered, as in the config rule.
func (c *checker) crossAccount() ControlResult {
	doc, err := c.policy()
	if err != nil {
		return unparsedPolicy(err)
	}
	if doc == nil {
		return pass("no bucket policy")
	}
	var bad []string
	for i, s := range doc.Statements {
		if s.Effect != policy.Allow {
			continue
		}
		acts := grantedActions(s, crossAccountActions)
		if len(acts) == 0 {
			continue
		}
		if others := otherAccountPrincipals(s, c.a.o.AccountID); len(others) > 0 {
			bad = append(bad, fmt.Sprintf("statement %s grants %s to %s", statementName(s, i), strings.Join(acts, ", "), strings.Join(others, ", ")))
		}
	}
	if len(bad) == 0 {
		return pass("no permission-changing action is granted to other accounts")
	}
	msg := strings.Join(bad, "; ")
	if c.a.o.AccountID == "" {
		msg += " (AccountID not set: every named principal counts as another account)"
	}
	return fail(msg)
}

// public is S3.2 (write false) and S3.3 (write true): is the bucket
// publicly readable (writable) through its policy or its ACL, after the
// effective Block Public Access settings (bucket and, when read, account)?
//
// A policy statement is public by S3's definition (policy.IsPublic, the
// rule Block Public Access and policy.Validate apply); what it grants is
// read or write by the access level AWS's Service Authorization Reference
// gives each action (policy.IsReadLevel): List and Read are public read;
// Write, Permissions management and Tagging change the bucket, its objects
// or who may access them, and are public write. Security Hub's controls
// (AWS Config's s3-bucket-public-read-prohibited and
// s3-bucket-public-write-prohibited) evaluate "the Block Public Access
// settings, the bucket policy, and the bucket access control list" and
// count a policy non-public only when it "grant[s] access only to fixed
// values"; they name no list of actions, so every action S3 can grant
// counts as one or the other. An action the catalog does not know cannot
// be told apart: it makes both controls UNKNOWN, never PASS.
func (c *checker) public(write bool) ControlResult {
	st := c.st
	kind, aclPerms := "read", []types.Permission{types.PermissionRead, types.PermissionReadAcp, types.PermissionFullControl}
	if write {
		kind, aclPerms = "write", []types.Permission{types.PermissionWrite, types.PermissionWriteAcp, types.PermissionFullControl}
	}
	var unknownErr error
	var unknownMsg []string
	// Block Public Access only ever takes access away. When the bucket's
	// settings cannot be read, the policy and the ACL are judged as if they
	// were off: if nothing is public even so, the bucket is not public; if
	// something is, the unread settings might neutralise it (UNKNOWN).
	eff := PublicAccessBlockSettings{}
	bpaErr := st.err(partBPA)
	if bpaErr == nil {
		eff = PublicAccessBlockFromS3(st.bpa)
	}
	if c.a.account != nil {
		eff = eff.Union(c.a.account.Settings)
	}
	var reasons []string
	// Policy.
	if !eff.RestrictPublicBuckets {
		if err := st.err(partPolicy); err != nil {
			unknownErr = err
			unknownMsg = append(unknownMsg, "bucket policy could not be read")
		} else if doc, err := c.policy(); err != nil {
			unknownErr = err
			unknownMsg = append(unknownMsg, "bucket policy does not parse")
		} else if doc != nil {
			for _, ps := range policy.IsPublic(doc, policy.KindBucket).Statements {
				acts := ps.Read
				if write {
					acts = ps.Write
				}
				name := statementName(doc.Statements[ps.Index], ps.Index)
				if len(acts) > 0 {
					reasons = append(reasons, fmt.Sprintf("policy statement %s grants %s to everyone", name, listActions(acts)))
				}
				if len(ps.Unknown) > 0 {
					unknownErr = errUnknownAction
					unknownMsg = append(unknownMsg, fmt.Sprintf("policy statement %s grants %s to everyone, which this version of s3secure does not know (read or write?)", name, strings.Join(ps.Unknown, ", ")))
				}
			}
		}
	}
	// ACL: ignored when ACLs are disabled or IgnorePublicAcls is on.
	aclsOn := !(st.ok(partOwnership) && st.ownership == types.ObjectOwnershipBucketOwnerEnforced)
	if aclsOn && !eff.IgnorePublicAcls {
		if err := st.err(partACL); err != nil || st.read&partACL == 0 {
			if err == nil {
				err = st.err(partOwnership)
			}
			unknownErr = err
			unknownMsg = append(unknownMsg, "bucket ACL could not be read")
		} else {
			for _, g := range st.aclGrants {
				if g.Grantee == nil || !slices.Contains(aclPerms, g.Permission) {
					continue
				}
				// policy.IsPublicGrantee is the one rule for a public
				// grantee (any case, http or https), as the account-level
				// Block Public Access plan applies it.
				if uri := aws.ToString(g.Grantee.URI); policy.IsPublicGrantee(uri) {
					reasons = append(reasons, fmt.Sprintf("bucket ACL grants %s to %s", g.Permission, uri[strings.LastIndexByte(uri, '/')+1:]))
				}
			}
		}
	}
	if len(reasons) > 0 {
		msg := "public " + kind + " access: " + strings.Join(reasons, "; ")
		if bpaErr != nil {
			return ControlResult{Status: StatusUnknown, Err: bpaErr,
				Message: msg + ", unless the bucket's Block Public Access settings, which could not be read (" + errorCode(bpaErr) + "), block it"}
		}
		if c.a.account == nil && c.a.o.AccountControl == nil {
			msg += " (account-level Block Public Access not checked)"
		}
		return fail(msg)
	}
	if unknownErr != nil {
		return ControlResult{Status: StatusUnknown, Message: strings.Join(unknownMsg, "; "), Err: unknownErr}
	}
	return pass("no public " + kind + " access through the bucket policy or ACL")
}

// errUnknownAction is the Err of an S3.2/S3.3 result left UNKNOWN because a
// public statement grants an action the catalog does not know.
var errUnknownAction = errors.New("securebucket: a public statement grants an s3 action this version does not know")

// listActions names a few actions and counts the rest.
func listActions(acts []string) string {
	const show = 4
	if len(acts) <= show {
		return strings.Join(acts, ", ")
	}
	return fmt.Sprintf("%s, … (%d actions)", strings.Join(acts[:show-1], ", "), len(acts))
}

// checkLogTargetRegion checks that the logging target exists, is in the
// bucket's Region, has no default Object Lock retention (Security Hub S3.9
// requires both) and is not a Requester Pays bucket: S3 delivers no logs
// otherwise.
func (c *checker) checkLogTargetRegion(ctx context.Context, r *reader, region string) {
	target := aws.ToString(c.st.logging.TargetBucket)
	if region == "" {
		reg, err := r.location(ctx, c.st.bucket)
		if err != nil {
			c.logRegionMsg, c.logRegionErr = "could not read the bucket's Region: "+errorCode(err), err
			return
		}
		region = reg
	}
	treg, err := r.location(ctx, target)
	switch {
	case hasCode(err, "NoSuchBucket"):
		// A configuration outlives its target: the logs go nowhere.
		c.logRegionMsg = fmt.Sprintf("logging target %s does not exist, so S3 delivers no logs", target)
		return
	case err != nil:
		c.logRegionMsg, c.logRegionErr = "could not read the logging target's Region: "+errorCode(err), err
		return
	}
	if treg != region {
		c.logRegionMsg = fmt.Sprintf("logging target %s is in %s, not %s", target, treg, region)
		return
	}
	// S3 does not deliver logs into a bucket with a default Object Lock
	// retention (Security Hub S3.9 requires none), nor into a Requester
	// Pays bucket (S3 user guide, "Using Requester Pays general purpose
	// buckets": they do not support "Using a Requester Pays bucket as the
	// target bucket for end-user logging").
	// A reason read is a FAIL even when the other read was refused.
	ts, err := r.readState(ctx, target, partObjectLock|partRequestPayment)
	if err != nil {
		c.logRegionMsg, c.logRegionErr = "could not read the logging target's configuration: "+errorCode(err), err
		return
	}
	if dr := defaultRetention(ts.objectLock); ts.ok(partObjectLock) && dr != nil {
		c.logRegionMsg = fmt.Sprintf("logging target %s has a default Object Lock retention (%s), so S3 does not deliver logs into it", target, describeRetention(dr))
		return
	}
	if ts.ok(partRequestPayment) && ts.requesterPays {
		c.logRegionMsg = fmt.Sprintf("logging target %s is a Requester Pays bucket, so S3 does not deliver logs into it", target)
		return
	}
	for _, p := range []part{partObjectLock, partRequestPayment} {
		if err := ts.err(p); err != nil {
			c.logRegionMsg, c.logRegionErr = "could not read the logging target's "+partNames[p]+": "+errorCode(err), err
			return
		}
	}
}

func versioningMessage(s types.BucketVersioningStatus) string {
	if s == "" {
		return "versioning has never been enabled"
	}
	return "versioning is " + versioningState(s)
}
