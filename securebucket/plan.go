package securebucket

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/rmw"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// StepName names one hardening step. Steps run in the order listed here,
// which puts protection first and is the order in which S3 accepts them:
// Block Public Access comes first (BlockPublicAcls, IgnorePublicAcls and
// RestrictPublicBuckets neutralise public ACLs and public policies at once,
// and refuse none of Harden's writes), then ACLs are disabled, and
// BlockPublicPolicy comes right after the bucket policy when the policy
// keeps a public statement (S3 would refuse to store it); Object Lock
// follows versioning, which it needs.
type StepName string

// The steps of [Plan] and [Harden], [Create]'s own step, and the steps
// named in [Audit]'s and [AuditAll]'s errors. Each step but StepCreate
// writes a setting that S3 replaces whole (PutPublicAccessBlock,
// PutBucketOwnershipControls, PutBucketEncryption, PutBucketVersioning,
// PutBucketLifecycleConfiguration, PutBucketPolicy,
// PutObjectLockConfiguration, PutBucketLogging), so each is written as
// described under [Writes]: fresh read, merge, write, verify.
//
// [Writes]: https://pkg.go.dev/github.com/s3secure/s3secure/securebucket#hdr-Writes
const (
	StepCreate StepName = "create"
	// StepBlockPublicAccess comes first: see "Protection first" under
	// Writes in the package documentation.
	StepBlockPublicAccess StepName = "public-access-block"
	StepOwnership         StepName = "ownership-controls"
	StepEncryption        StepName = "encryption"
	StepVersioning        StepName = "versioning"
	StepMFADelete         StepName = "mfa-delete"
	StepLifecycle         StepName = "lifecycle"
	StepPolicy            StepName = "bucket-policy"
	// StepBlockPublicPolicy turns BlockPublicPolicy on after the bucket
	// policy was written. It is in the plan only when StepBlockPublicAccess
	// left BlockPublicPolicy for later: the merged policy keeps a public
	// statement, which S3 refuses to store once BlockPublicPolicy is on.
	StepBlockPublicPolicy StepName = "block-public-policy"
	StepObjectLock        StepName = "object-lock"
	StepLogging           StepName = "logging"

	// StepAudit and StepListBuckets name what failed in the errors of
	// Audit and AuditAll.
	StepAudit       StepName = "audit"
	StepListBuckets StepName = "list-buckets"
)

// Action says what a step changes.
type Action string

// Actions of a step.
const (
	// ActionNone: the setting is already as wanted (or left alone by an
	// option); no request is made.
	ActionNone Action = "none"
	// ActionCreate: the setting does not exist yet and is created.
	ActionCreate Action = "create"
	// ActionUpdate: the setting exists and is changed (merged where it is a
	// list: policy statements, lifecycle rules).
	ActionUpdate Action = "update"
	// ActionNotKept appears only in a [Result]: the change was written,
	// but reading the setting back showed (part of) it missing, and
	// writing it again would send the same request. The endpoint does not
	// support the setting (moto 5.2.1 drops BlockedEncryptionTypes), or
	// another writer puts the old value back each time. Step.Detail names
	// what was not kept. Harden does not fail and does not retry it.
	ActionNotKept Action = "not-kept"
)

// Step is one step of a [Plan] or a [Result].
type Step struct {
	Name   StepName
	Action Action
	// Detail says what the step changes, or why it changes nothing.
	Detail string
	// Notes are things kept on purpose that the caller should know about,
	// for example the Sids of public statements left in the policy.
	Notes []string
	// Failing are the audit controls (their IDs) that a setting the step
	// keeps on purpose fails or leaves undecided, whatever the caller's
	// options: "S3Secure.KMSKeyAccount" for an existing default encryption
	// key of another account than ExpectedBucketOwner's (and not in
	// TrustedKMSKeyAccounts), or named by a bare key id or alias. The step
	// never changes it (readers and writers would lose access); its Notes
	// say why and what to do. "S3.13" (and "S3.10" when versioning is
	// enabled) for the lifecycle step of a bucket with MFA delete, which
	// S3 does not let have a lifecycle configuration. Empty when the step
	// leaves nothing for the audit to fail.
	Failing []string
	// Applied is set in a [Result] when a write of the step succeeded
	// (with ActionNotKept too: the request was accepted).
	Applied bool
}

// String formats the step on one line.
func (s Step) String() string {
	out := fmt.Sprintf("%s: %s: %s", s.Name, s.Action, s.Detail)
	if len(s.Notes) > 0 {
		out += " (" + strings.Join(s.Notes, "; ") + ")"
	}
	return out
}

// HardenPlan is what [Harden] would change on a bucket, as [Plan] read it
// from the bucket's current state. Steps are in the order Harden applies
// them; steps for optional settings that were not asked for are left out.
// (The type cannot be called Plan: that is the function's name.)
type HardenPlan struct {
	Bucket string
	Steps  []Step
}

// Changes returns the steps that would write something.
func (p *HardenPlan) Changes() []Step {
	var out []Step
	for _, s := range p.Steps {
		if s.Action != ActionNone {
			out = append(out, s)
		}
	}
	return out
}

// Result is what [Harden] did. Steps are those of the plan, with Applied set
// on each step whose change was written. When Harden returns an error,
// Result still lists the steps, and Applied tells which ones took effect
// before the failure.
type Result struct {
	Bucket string
	Steps  []Step
}

// Changed reports whether Harden wrote anything.
func (r *Result) Changed() bool {
	for _, s := range r.Steps {
		if s.Applied {
			return true
		}
	}
	return false
}

// planned is a step with the write that carries it out.
type planned struct {
	Step
	// apply makes the change with the write discipline of [rmw]: it
	// reads the setting again, merges, writes and verifies. It reports
	// whether it wrote (nothing when the fresh read found the change made)
	// and what the endpoint did not keep. nil for ActionNone.
	apply func(ctx context.Context) (rmw.Outcome, error)
	// omit leaves the step out of the plan (a step that only exists in
	// some states, StepBlockPublicPolicy).
	omit bool
}

// hardener holds one Plan or Harden run.
type hardener struct {
	api    API // nil for Plan
	r      reader
	bucket string
	o      *Options
	st     *state
	// partition is the bucket's ARN partition (bucketPartition), known
	// once plan has read the state.
	partition string
	// checked holds the policies Options.PolicyCheck accepted.
	checked map[string]bool
	// keyChecked is set once Options.KMSKeyARN's Region was checked.
	keyChecked bool
}

// stepDef is one kind of step: whether it runs for the options, what it
// must read, and how it decides.
type stepDef struct {
	name    StepName
	enabled func(o *Options) bool
	needs   func(o *Options) part
	plan    func(ctx context.Context, h *hardener) (planned, error)
}

// steps lists the steps in the order they are applied.
var steps = []stepDef{
	{StepBlockPublicAccess, always, func(*Options) part { return partBPA }, planBPA},
	{StepOwnership, always, needsOwnership, planOwnership},
	{StepEncryption, always, func(*Options) part { return partEncryption }, planEncryption},
	{StepVersioning, always, func(*Options) part { return partVersioning }, planVersioning},
	{StepMFADelete, func(o *Options) bool { return o.MFADelete != nil }, func(*Options) part { return partVersioning | partLifecycle }, planMFADelete},
	{StepLifecycle, always, func(*Options) part { return partLifecycle | partVersioning }, planLifecycle},
	{StepPolicy, always, func(*Options) part { return partPolicy | partBPA }, planPolicy},
	{StepBlockPublicPolicy, always, func(*Options) part { return partBPA | partPolicy }, planBlockPublicPolicy},
	{StepObjectLock, func(o *Options) bool { return o.ObjectLock != nil }, func(*Options) part { return partObjectLock | partVersioning }, planObjectLock},
	{StepLogging, func(o *Options) bool { return o.Logging != nil }, func(*Options) part { return partLogging }, planLogging},
}

func always(*Options) bool { return true }

// Plan reads bucket's configuration and returns the changes [Harden] would
// make with opts (nil means the defaults). It only reads.
//
// Plan returns an error wrapping [ErrInvalidBucketName] or
// [ErrInvalidOptions] before any request; a [*StepError] when a setting
// cannot be read (the SDK error inside, for example AccessDenied) or a
// change cannot be made safely ([*ACLGrantsError], [ErrPublicPolicyBlocked],
// [ErrPolicyTooLarge], [ErrIncompatible], and [*SidConflictError] for
// someone else's statement under the Sid of one of ours, which Harden would
// have to replace). Even with an error, the returned Plan lists the steps
// decided so far. A bucket AWS has disabled (S3 answers 403
// AllAccessDisabled: "All access to this Amazon S3 resource has been
// disabled. Contact Amazon Web Services Support for further assistance.")
// stops it at that first answer, after one request, with a [*StepError]
// wrapping the SDK error and saying the bucket is disabled, as [Audit]
// does; so does a logging target AWS has disabled.
func Plan(ctx context.Context, client ReadAPI, bucket string, opts *Options) (*HardenPlan, error) {
	h, err := newHardener(client, nil, bucket, opts)
	if err != nil {
		return nil, err
	}
	if err := h.refuseHidden(ctx, "Plan"); err != nil {
		return nil, err
	}
	ps, err := h.plan(ctx)
	p := &HardenPlan{Bucket: bucket, Steps: make([]Step, len(ps))}
	for i, s := range ps {
		p.Steps[i] = s.Step
	}
	return p, err
}

// Harden makes bucket private and hardened: it reads the configuration,
// decides each step as [Plan] does, and applies the steps that change
// something, in order. See the package documentation for the defaults and
// their opt-outs. A second Harden with the same options makes no write
// requests.
//
// Harden writes nothing if any step cannot be planned (the errors of
// [Plan]). It never replaces a statement under one of its Sids that is not
// a version of its own: it keeps ours made stricter, replaces only an older
// or weaker version of ours, and refuses anything else with a
// [*SidConflictError] ([ErrSidConflict]) naming the policy and the Sid,
// before any write when the plan finds it, and without writing that policy
// when the fresh read before its write finds it (see "Whose statement is
// under our Sid" in the package documentation). When a write fails after retries it stops and returns a
// [*StepError] naming the step, with a Result whose Applied flags say which
// steps took effect. Calling Harden again is safe and continues where it
// stopped.
func Harden(ctx context.Context, client API, bucket string, opts *Options) (*Result, error) {
	h, err := newHardener(client, client, bucket, opts)
	if err != nil {
		return nil, err
	}
	if err := h.refuseHidden(ctx, "Harden"); err != nil {
		return nil, err
	}
	return h.harden(ctx)
}

func newHardener(client ReadAPI, api API, bucket string, opts *Options) (*hardener, error) {
	if err := validateBucketName(bucket, false); err != nil {
		return nil, err
	}
	o := &Options{}
	if opts != nil {
		c := *opts
		o = &c
	}
	if err := o.validate(bucket); err != nil {
		return nil, err
	}
	if isNilClient(client) {
		return nil, fmt.Errorf("%w: nil client", ErrInvalidOptions)
	}
	h := &hardener{
		api:    api,
		r:      reader{client: client, retry: o.Retry.withDefaults(), owner: ownerPtr(o.ExpectedBucketOwner), stopAtSetup: true, stopAtDisabled: true},
		bucket: bucket,
		o:      o,
	}
	h.r.optFns = []func(*s3.Options){noSetupRetry}
	if !o.AllowInsecureTransport {
		h.r.optFns = append(h.r.optFns, refusePlainHTTP(bucket))
	}
	return h, nil
}

func (h *hardener) harden(ctx context.Context) (*Result, error) {
	ps, err := h.plan(ctx)
	res := &Result{Bucket: h.bucket, Steps: make([]Step, len(ps))}
	for i, s := range ps {
		res.Steps[i] = s.Step
	}
	if err != nil {
		return res, err
	}
	for i, s := range ps {
		if s.apply == nil {
			continue
		}
		out, err := s.apply(ctx)
		st := &res.Steps[i]
		st.Applied = out.Wrote
		if err != nil {
			return res, &StepError{Bucket: h.bucket, Step: s.Name, Err: err}
		}
		switch {
		case len(out.NotKept) > 0:
			st.Notes = append(st.Notes, "wrote: "+st.Detail)
			st.Action = ActionNotKept
			st.Detail = notKeptDetail(out.NotKept)
		case !out.Wrote:
			st.Notes = append(st.Notes, "already done when applied (another writer made the change)")
		}
	}
	return res, nil
}

// plan reads what the enabled steps need and decides each step. It stops
// at the first step that cannot be planned.
func (h *hardener) plan(ctx context.Context) ([]planned, error) {
	var want part
	var defs []stepDef
	for _, d := range steps {
		if d.enabled(h.o) {
			defs = append(defs, d)
			want |= d.needs(h.o)
		}
	}
	st, err := h.r.readState(ctx, h.bucket, want)
	if err != nil {
		// A setup problem, or a bucket AWS has disabled, stops the reads
		// at the first (every later one would fail alike); the error
		// names the first step needing it (a disabled bucket: the first
		// step, as every step needs the bucket).
		var pe *partReadError
		if errors.As(err, &pe) {
			if setuperr.Disabled(err) && len(defs) > 0 {
				return nil, &StepError{Bucket: h.bucket, Step: defs[0].name, Err: disabledError(err, "nothing written")}
			}
			for _, d := range defs {
				if d.needs(h.o)&pe.part != 0 {
					return nil, &StepError{Bucket: h.bucket, Step: d.name, Err: err}
				}
			}
		}
		return nil, err
	}
	h.st = st
	// The statements name the bucket's ARN, in its partition.
	if h.partition, err = h.r.bucketPartition(ctx, h.bucket, h.o.Region); err != nil {
		return nil, &StepError{Bucket: h.bucket, Step: StepPolicy, Err: fmt.Errorf("read the bucket's Region for its ARN partition: %w", err)}
	}
	var out []planned
	for _, d := range defs {
		for p := partPolicy; p <= partLocation; p <<= 1 {
			if d.needs(h.o)&p != 0 && st.err(p) != nil {
				return out, &StepError{Bucket: h.bucket, Step: d.name, Err: fmt.Errorf("read %s: %w", partNames[p], st.err(p))}
			}
		}
		ps, err := d.plan(ctx, h)
		if err != nil {
			var se *StepError
			if !asStepError(err, &se) {
				err = &StepError{Bucket: h.bucket, Step: d.name, Err: err}
			}
			return out, err
		}
		if ps.omit {
			continue
		}
		ps.Name = d.name
		if h.api == nil || ps.Action == ActionNone {
			ps.apply = nil
		}
		out = append(out, ps)
	}
	return out, nil
}

func asStepError(err error, target **StepError) bool {
	se, ok := err.(*StepError)
	if ok {
		*target = se
	}
	return ok
}

// none returns a step that changes nothing.
func none(detail string, notes ...string) planned {
	return planned{Step: Step{Action: ActionNone, Detail: detail, Notes: notes}}
}

// change returns a step that writes with apply.
func change(action Action, detail string, apply func(ctx context.Context) (rmw.Outcome, error), notes ...string) planned {
	return planned{Step: Step{Action: action, Detail: detail, Notes: notes}, apply: apply}
}

// isNilClient reports a nil client, including a nil *s3.Client inside the
// interface (which would otherwise panic in the SDK).
func isNilClient(c ReadAPI) bool { return acctIsNil(c) }
