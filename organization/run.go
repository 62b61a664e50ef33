package organization

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/stscreds"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	orgtypes "github.com/aws/aws-sdk-go-v2/service/organizations/types"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/workers"
	"github.com/s3secure/s3secure/policy"
)

// OrganizationsAPI is the part of AWS Organizations the audit uses. An
// *organizations.Client of the management account (or of a delegated
// administrator) satisfies it.
type OrganizationsAPI interface {
	ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, optFns ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error)
}

// STSAPI is the part of AWS STS the audit uses: who is calling, and
// assuming the role in each member account. An *sts.Client satisfies it.
type STSAPI interface {
	GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, optFns ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error)
	AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error)
}

var (
	_ OrganizationsAPI = (*organizations.Client)(nil)
	_ STSAPI           = (*sts.Client)(nil)
)

// Errors.
var (
	// ErrInvalidOptions means an option is missing or wrong; no request was
	// sent.
	ErrInvalidOptions = errors.New("organization: invalid options")
	// ErrCheckpoint means the checkpoint file cannot be used for this run
	// (another run's, or not a checkpoint). The errors below match it too.
	ErrCheckpoint = errors.New("organization: checkpoint")
	// ErrCheckpointIntegrity means the checkpoint does not verify with
	// Options.CheckpointKey: it was altered, holds lines of another
	// checkpoint, or another key signed it. See
	// [*CheckpointIntegrityError].
	ErrCheckpointIntegrity = errors.New("organization: checkpoint does not verify")
	// ErrCheckpointUnsigned means the checkpoint has no MACs (written
	// with InsecureUnsignedCheckpoint, or before checkpoints were signed)
	// and Options.InsecureUnsignedCheckpoint is not set.
	ErrCheckpointUnsigned = errors.New("organization: checkpoint is not signed")
	// ErrCheckpointStale means the checkpoint holds a result too old to
	// be replayed as current (older than Options.AllowCheckpointAgeUpTo) or
	// dated in the future of the run's clock (beyond
	// MaxCheckpointClockSkew). See [*CheckpointStaleError].
	ErrCheckpointStale = errors.New("organization: checkpoint is stale")
)

// Status says what became of an account.
type Status string

// Account statuses.
const (
	// Audited: the work ran in the account (its rows may still hold
	// UNKNOWN results for what could not be read).
	Audited Status = "AUDITED"
	// Unreachable: the role could not be assumed (or the calling account's
	// own credentials failed); the rows say so, UNKNOWN.
	Unreachable Status = "UNREACHABLE"
	// Skipped: the account cannot be used (pending activation, suspended,
	// closing, closed) and was not audited. An account in a state the
	// audit does not know (empty, or one AWS adds later) is audited.
	Skipped Status = "SKIPPED"
)

// AccountInfo is an account as Organizations lists it.
type AccountInfo struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Email string `json:"email"`
	// State is Organizations' state: ACTIVE, SUSPENDED, PENDING_CLOSURE,
	// CLOSED, PENDING_ACTIVATION.
	State string `json:"state"`
}

// Account is an account being audited: its identity and an aws.Config
// that acts in it.
type Account struct {
	AccountInfo
	// Config has the account's credentials (the role session's, renewed
	// before expiry; the caller's own for the calling account) and the
	// run's concurrency bound and per-account throttling backoff in its
	// APIOptions: build every client for the account from it.
	Config aws.Config
	// Caller is true for the calling account, audited with the caller's
	// own credentials.
	Caller bool
}

// Result is what became of one account, with its rows.
type Result[R any] struct {
	Account AccountInfo `json:"account"`
	Status  Status      `json:"status"`
	// Reason says why an account is unreachable or skipped.
	Reason string `json:"reason,omitempty"`
	Rows   []R    `json:"rows"`
	// Throttled counts the throttling answers the account's requests got.
	Throttled int `json:"throttled"`
	// Time is when the account finished.
	Time time.Time `json:"time"`
	// Resumed is set for a result read back from the checkpoint.
	Resumed bool `json:"-"`
}

// Summary counts the accounts of a run (of its shard).
type Summary struct {
	// Accounts in the organization (in the shard).
	Accounts int
	// Audited, Unreachable and Skipped count the emitted results by status;
	// Resumed counts those read back from the checkpoint (among them).
	Audited, Unreachable, Skipped, Resumed int
}

// Done is how many accounts were emitted.
func (s *Summary) Done() int { return s.Audited + s.Unreachable + s.Skipped }

// Work is what [Run] does in every account.
type Work[R any] struct {
	// Name identifies the work in the checkpoint's fingerprint (for example
	// "audit" or "keys"), with Options.
	Name string
	// Audit runs in each reachable account that is not Skipped. It returns the
	// account's rows; an error makes the account Unreachable with the
	// error as reason (when the context has not ended).
	Audit func(ctx context.Context, a *Account) ([]R, error)
	// Unreachable returns the rows that stand for an account whose role
	// could not be assumed; Skipped, those of an account not audited. Nil
	// means no rows (the Result still says what happened).
	Unreachable func(a AccountInfo, reason string) []R
	Skipped     func(a AccountInfo, reason string) []R
}

// Shard is one of Count parts of an organization: the accounts whose id's
// FNV-1a hash modulo Count is Index. The zero value is the whole
// organization. Shards 0/N … N-1/N together hold every account exactly
// once, whatever the order Organizations lists them in.
type Shard struct {
	Index, Count int
}

// ParseShard reads "I/N" (0 ≤ I < N ≤ 10000).
func ParseShard(s string) (Shard, error) {
	i, n, ok := strings.Cut(s, "/")
	a, err1 := strconv.Atoi(i)
	b, err2 := strconv.Atoi(n)
	if !ok || err1 != nil || err2 != nil || b < 1 || b > 10000 || a < 0 || a >= b {
		return Shard{}, fmt.Errorf("%w: shard %q is not I/N with 0 <= I < N <= 10000", ErrInvalidOptions, s)
	}
	return Shard{Index: a, Count: b}, nil
}

// Owns reports whether the account belongs to the shard.
func (s Shard) Owns(accountID string) bool {
	if s.Count <= 1 {
		return true
	}
	h := fnv.New64a()
	_, _ = h.Write([]byte(accountID))
	return h.Sum64()%uint64(s.Count) == uint64(s.Index)
}

// String is "I/N", or "" for the whole organization.
func (s Shard) String() string {
	if s.Count <= 1 {
		return ""
	}
	return fmt.Sprintf("%d/%d", s.Index, s.Count)
}

var (
	roleRE        = regexp.MustCompile(`^(?:[\x{21}-\x{7E}]+/)?[\w+=,.@-]{1,64}$`)
	sessionNameRE = regexp.MustCompile(`^[\w+=,.@-]{2,64}$`)
	externalIDRE  = regexp.MustCompile(`^[\w+=,.@:/-]+$`)
	accountIDRE   = regexp.MustCompile(`^[0-9]{12}$`)
)

func (o *Options) validate() error {
	switch {
	case o.Role == "":
		return fmt.Errorf("%w: Role is required: the name of the role to assume in every member account", ErrInvalidOptions)
	case strings.HasPrefix(o.Role, "arn:") || !roleRE.MatchString(o.Role) || strings.HasPrefix(o.Role, "/"):
		return fmt.Errorf("%w: Role %q is not a role name (letters, digits and +=,.@_-, up to 64, after an optional path)", ErrInvalidOptions, o.Role)
	case o.ExternalID != "" && (len(o.ExternalID) < 2 || len(o.ExternalID) > 1224 || !externalIDRE.MatchString(o.ExternalID)):
		return fmt.Errorf("%w: ExternalID must be 2 to 1224 of letters, digits and +=,.@:/-", ErrInvalidOptions)
	case o.SessionName != "" && !sessionNameRE.MatchString(o.SessionName):
		return fmt.Errorf("%w: SessionName %q must be 2 to 64 of letters, digits and +=,.@_-", ErrInvalidOptions, o.SessionName)
	case o.Concurrency < 0 || o.Concurrency > 1024:
		return fmt.Errorf("%w: Concurrency %d is not between 1 and 1024", ErrInvalidOptions, o.Concurrency)
	case o.Accounts < 0 || o.Accounts > 1024:
		return fmt.Errorf("%w: Accounts %d is not between 1 and 1024", ErrInvalidOptions, o.Accounts)
	case o.Shard.Count < 0 || (o.Shard.Count > 0 && (o.Shard.Index < 0 || o.Shard.Index >= o.Shard.Count)):
		return fmt.Errorf("%w: shard %d/%d", ErrInvalidOptions, o.Shard.Index, o.Shard.Count)
	case o.ThrottleBackoff < 0 || o.MaxThrottleBackoff < 0:
		return fmt.Errorf("%w: backoffs must not be negative", ErrInvalidOptions)
	case o.AllowCheckpointAgeUpTo < 0:
		return fmt.Errorf("%w: AllowCheckpointAgeUpTo %v is negative: 0 means %v", ErrInvalidOptions, o.AllowCheckpointAgeUpTo, DefaultCheckpointMaxAge)
	case len(o.CheckpointKey) > 0 && len(o.CheckpointKey) < MinCheckpointKeyLen:
		return fmt.Errorf("%w: CheckpointKey is %d bytes: use %d random bytes or more (for example openssl rand -hex 32)",
			ErrInvalidOptions, len(o.CheckpointKey), MinCheckpointKeyLen)
	case o.Checkpoint != "" && len(o.CheckpointKey) == 0 && !o.InsecureUnsignedCheckpoint:
		return fmt.Errorf("%w: Checkpoint needs CheckpointKey, which authenticates the file so that a resumed run cannot be fed "+
			"results that were never audited (or set InsecureUnsignedCheckpoint)", ErrInvalidOptions)
	}
	for _, r := range o.Regions {
		if !regionRE.MatchString(r) {
			return fmt.Errorf("%w: Region %q is not a Region name", ErrInvalidOptions, r)
		}
	}
	return nil
}

var regionRE = regexp.MustCompile(`^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$`)

func (o Options) withDefaults() Options {
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.Accounts == 0 {
		o.Accounts = o.Concurrency
	}
	if o.SessionName == "" {
		o.SessionName = DefaultSessionName
	}
	if o.ThrottleBackoff == 0 {
		o.ThrottleBackoff = DefaultThrottleBackoff
	}
	if o.MaxThrottleBackoff == 0 {
		o.MaxThrottleBackoff = DefaultMaxThrottleBackoff
	}
	if o.MaxThrottleBackoff < o.ThrottleBackoff {
		o.MaxThrottleBackoff = o.ThrottleBackoff
	}
	if o.AllowCheckpointAgeUpTo == 0 {
		o.AllowCheckpointAgeUpTo = DefaultCheckpointMaxAge
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return o
}

// fingerprint identifies what a run does, for its checkpoint.
func (o *Options) fingerprint(work string) string {
	ext := ""
	if o.ExternalID != "" {
		s := sha256.Sum256([]byte(o.ExternalID))
		ext = hex.EncodeToString(s[:8])
	}
	regions := append([]string(nil), o.Regions...)
	sort.Strings(regions)
	controls := make([]string, len(o.Controls))
	for i, c := range o.Controls {
		controls[i] = string(c)
	}
	parts := []any{work, o.Role, ext, regions, controls, o.AccountControls, o.Shard.String()}
	if len(o.TrustedKMSKeyAccounts) > 0 { // appended only when set: earlier checkpoints keep their fingerprint
		trusted := append([]string(nil), o.TrustedKMSKeyAccounts...)
		sort.Strings(trusted)
		parts = append(parts, trusted)
	}
	if o.AllowInsecureTransport {
		// Rows read over plain HTTP from another host are not resumed as
		// rows of a run that reads over TLS, nor the other way round.
		parts = append(parts, "AllowInsecureTransport")
	}
	b, _ := json.Marshal(parts)
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:12])
}

// Run does work in every account of the organization that the shard owns,
// and calls emit with each account's [Result], once per account, in
// account id order, never concurrently; an emit error stops the run and
// is returned. [Audit] is Run with the bucket audit as the work; a tool
// can run its own per-account work the same way.
//
// It lists the accounts with org (the management account's, or a
// delegated administrator's), asks sts who is calling (that account is
// audited with cfg's own credentials), and assumes Options.Role in every
// other account, with Options.ExternalID and the session name
// Options.SessionName, through sts. Accounts that cannot be used
// (PENDING_ACTIVATION, SUSPENDED, PENDING_CLOSURE, CLOSED) are Skipped,
// and only those: one in a state Run does not know is audited; an account whose role cannot be assumed is Unreachable, with
// the reason. At most Options.Accounts accounts run at once and at most
// Options.Concurrency requests are in flight in all; a throttling answer
// pauses that account's requests only (Options.ThrottleBackoff). The
// calls made as the management account (who is calling, the account
// listing, AssumeRole, which counts against its STS quota) share a pause
// of their own, and one answered with throttling is made again, up to ten
// times, rather than ending the run or making an account unreachable. Results
// are emitted as soon as every account before them is; a window of
// finished accounts waits for a slower one, and no new account starts
// while 2×Options.Accounts are running or waiting, so memory stays
// bounded however large the organization.
//
// Each account runs in a goroutine of Run's own, which calls work's
// functions. A panic there (in work, or a bug) stops the run as ctx's end
// does: no account starts, nothing more is emitted, the account is not
// recorded in the checkpoint. Once the accounts in flight have ended, Run
// panics with it in the caller's goroutine, returning no summary (see
// "Panics" in the s3secure package documentation). emit and
// Options.Progress run in the caller's goroutine; when they panic, Run
// stops and waits for its goroutines before the panic goes on: none
// outlives the call.
//
// With Options.Checkpoint, each finished account's result is appended to
// the file (signed with Options.CheckpointKey, fsync'd) when it finishes;
// a later run with the same options and key emits the recorded results,
// each verified, without auditing those accounts again, when none is older
// than Options.AllowCheckpointAgeUpTo (24 hours by default).
//
// Errors: [ErrInvalidOptions] before any request; ErrCheckpoint before
// any request (ErrCheckpointIntegrity for a checkpoint that does not
// verify, ErrCheckpointUnsigned for one without MACs,
// ErrCheckpointStale for one with a result too old, or dated in the
// future), or when a recorded
// result no longer verifies as it is emitted; the
// caller's identity or the account listing failing (the SDK error,
// wrapped once), or an identity whose ARN names no AWS partition
// (policy.ARNPartition) with a cfg.Region that names none either: the
// roles are assumed in the caller's partition
// ("arn:aws-cn:iam::ACCOUNT:role/ROLE" for a caller in China); an emit error; ctx's error when ctx ends, with the
// summary of what was emitted (finished accounts are in the checkpoint).
func Run[R any](ctx context.Context, cfg aws.Config, org OrganizationsAPI, roles STSAPI, work Work[R], emit func(*Result[R]) error, opts *Options) (*Summary, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if err := o.validate(); err != nil {
		return nil, err
	}
	if isNil(org) || isNil(roles) || work.Audit == nil || emit == nil {
		return nil, fmt.Errorf("%w: org, roles, work.Audit and emit are required", ErrInvalidOptions)
	}
	o = o.withDefaults()
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, cfg, org, roles); err != nil {
			return nil, err
		}
	}
	// Every account's configuration is a copy of cfg: a provider's error,
	// which can quote the credentials, is named by its types in all of
	// them (internal/credsafe).
	cfg.Credentials = credsafe.Provider(cfg.Credentials)
	var cp *checkpoint
	if o.Checkpoint != "" {
		var err error
		fresh := freshness{now: o.Now(), maxAge: o.AllowCheckpointAgeUpTo}
		if cp, err = openCheckpoint(o.Checkpoint, o.fingerprint(work.Name), o.CheckpointKey, o.InsecureUnsignedCheckpoint, fresh); err != nil {
			return nil, err
		}
		defer cp.close()
	}
	lim := newLimiter(o.Concurrency)
	// The management account's calls (and AssumeRole, which counts against
	// its STS quota) share a gate of their own.
	mgmt := newGate(o.ThrottleBackoff, o.MaxThrottleBackoff)
	mgmtOpt := lim.middleware(mgmt)
	var id *sts.GetCallerIdentityOutput
	err := untilNotThrottled(ctx, func() (err error) {
		id, err = roles.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, func(so *sts.Options) {
			so.APIOptions, so.Credentials = append(so.APIOptions, mgmtOpt), credsafe.Provider(so.Credentials)
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("organization: who is calling (STS GetCallerIdentity): %w", err)
	}
	caller := aws.ToString(id.Account)
	// The member accounts' roles are in the caller's partition: an
	// organization's accounts are all in one partition.
	part, ok := policy.ARNPartition(aws.ToString(id.Arn))
	if !ok {
		if part, ok = policy.PartitionOfRegion(cfg.Region); !ok {
			return nil, fmt.Errorf("organization: who is calling (STS GetCallerIdentity): the caller's ARN %q names no AWS partition, and neither does cfg.Region %q", aws.ToString(id.Arn), cfg.Region)
		}
	}
	accounts, err := listAccounts(ctx, org, mgmtOpt)
	if err != nil {
		return nil, err
	}
	var mine []AccountInfo
	for _, a := range accounts {
		if o.Shard.Owns(a.ID) {
			mine = append(mine, a)
		}
	}
	r := &runner[R]{o: o, cfg: cfg, roles: roles, work: work, caller: caller, partition: part, lim: lim, mgmtOpt: mgmtOpt, cp: cp}
	return r.run(ctx, mine, emit)
}

// listAccounts lists every account, sorted by id.
func listAccounts(ctx context.Context, org OrganizationsAPI, opt func(*middleware.Stack) error) ([]AccountInfo, error) {
	var out []AccountInfo
	seen := map[string]bool{}
	tokens := map[string]bool{}
	var token *string
	for {
		var page *organizations.ListAccountsOutput
		err := untilNotThrottled(ctx, func() (err error) {
			page, err = org.ListAccounts(ctx, &organizations.ListAccountsInput{NextToken: token},
				func(oo *organizations.Options) {
					oo.APIOptions, oo.Credentials = append(oo.APIOptions, opt), credsafe.Provider(oo.Credentials)
				})
			return err
		})
		if err != nil {
			return nil, fmt.Errorf("organization: list the accounts (Organizations ListAccounts): %w", err)
		}
		for _, a := range page.Accounts {
			info := AccountInfo{ID: aws.ToString(a.Id), Name: aws.ToString(a.Name), Email: aws.ToString(a.Email), State: string(a.State)}
			if info.State == "" {
				info.State = string(a.Status) // older API answers
			}
			if !accountIDRE.MatchString(info.ID) || seen[info.ID] {
				continue
			}
			seen[info.ID] = true
			out = append(out, info)
		}
		next := aws.ToString(page.NextToken)
		if next == "" {
			break
		}
		if tokens[next] {
			return nil, errors.New("organization: list the accounts (Organizations ListAccounts): a NextToken came back again; the listing would never end")
		}
		tokens[next] = true
		token = aws.String(next)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	return out, nil
}

type runner[R any] struct {
	o      Options
	cfg    aws.Config
	roles  STSAPI
	work   Work[R]
	caller string
	// partition is the caller's ARN partition, that of the roles.
	partition string
	lim       *limiter
	mgmtOpt   func(*middleware.Stack) error
	cp        *checkpoint
}

type done[R any] struct {
	i   int
	res *Result[R]
	err error
}

func (r *runner[R]) run(ctx context.Context, accounts []AccountInfo, emit func(*Result[R]) error) (*Summary, error) {
	sum := &Summary{Accounts: len(accounts)}
	progress := func() {
		if r.o.Progress != nil {
			r.o.Progress(*sum)
		}
	}
	progress()
	ctx, cancel := context.WithCancel(ctx)
	// A panic in an account's goroutine ends the run as ctx's end does;
	// group.Wait raises it again in the caller's goroutine. However run
	// ends (emit and Progress, called here, may panic too), its goroutines
	// are stopped and waited for: none outlives the call, or writes to the
	// checkpoint Run closes. Every send and receive of theirs also waits
	// for ctx, so once it ends they return.
	group := workers.New("organization.Run", cancel)
	defer func() {
		cancel()
		group.Wait()
	}()
	// window holds a token per account started and not yet emitted.
	window := make(chan struct{}, 2*r.o.Accounts)
	jobs := make(chan int)
	results := make(chan done[R], r.o.Accounts)
	group.Go(func() { r.feed(ctx, accounts, window, jobs, results) })
	for w := 0; w < r.o.Accounts; w++ {
		group.Go(func() {
			for i := range jobs {
				if ctx.Err() != nil {
					continue // interrupted: start nothing more
				}
				res, err := r.account(ctx, accounts[i])
				select {
				case results <- done[R]{i, res, err}:
				case <-ctx.Done():
				}
			}
		})
	}

	pending := map[int]done[R]{}
	next := 0
	var runErr error
	for next < len(accounts) && runErr == nil {
		var d done[R]
		select {
		case d = <-results:
		case <-ctx.Done():
			runErr = ctx.Err()
			continue
		}
		if d.err != nil {
			runErr = d.err
			break
		}
		pending[d.i] = d
		for {
			d, ok := pending[next]
			if !ok {
				break
			}
			if err := ctx.Err(); err != nil {
				runErr = err // nothing more is emitted once ctx ends
				break
			}
			delete(pending, next)
			res := d.res
			if res == nil {
				res = new(Result[R])
				if err := r.cp.read(accounts[next].ID, res); err != nil {
					runErr = err
					break
				}
				res.Resumed = true
				sum.Resumed++
			}
			if err := emit(res); err != nil {
				runErr = err
				break
			}
			switch res.Status {
			case Audited:
				sum.Audited++
			case Unreachable:
				sum.Unreachable++
			case Skipped:
				sum.Skipped++
			}
			progress()
			next++
			<-window
		}
	}
	// Let the workers see the cancellation and finish; their results are
	// dropped (finished ones are already in the checkpoint).
	cancel()
	group.Wait()
	if runErr != nil {
		return sum, runErr
	}
	return sum, nil
}

// feed starts accounts in order, each once a window token is free;
// accounts already in the checkpoint are passed straight to the emitter.
func (r *runner[R]) feed(ctx context.Context, accounts []AccountInfo, window chan struct{}, jobs chan<- int, results chan<- done[R]) {
	defer close(jobs)
	for i, a := range accounts {
		select {
		case window <- struct{}{}:
		case <-ctx.Done():
			return
		}
		// A select picks any ready case: once ctx has ended, a free window
		// or an idle worker must not start one more account.
		if ctx.Err() != nil {
			return
		}
		if r.cp != nil && r.cp.done(a.ID) {
			select {
			case results <- done[R]{i: i}: // replayed when its turn comes
			case <-ctx.Done():
				return
			}
			continue
		}
		select {
		case jobs <- i:
		case <-ctx.Done():
			return
		}
	}
}

// account runs the work in one account and records its result. A nil
// result with a nil error never happens; an error is the checkpoint's, or
// ctx's.
func (r *runner[R]) account(ctx context.Context, a AccountInfo) (*Result[R], error) {
	res := &Result[R]{Account: a}
	finish := func() (*Result[R], error) {
		if err := ctx.Err(); err != nil {
			return nil, err // interrupted: not recorded, audited again on resume
		}
		res.Time = r.o.Now().UTC().Truncate(time.Millisecond)
		if res.Rows == nil {
			res.Rows = []R{}
		}
		if r.cp != nil {
			if err := r.cp.record(a.ID, res); err != nil {
				return nil, err
			}
		}
		return res, nil
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	if inactive(a.State) {
		res.Status, res.Reason = Skipped, "the account is "+a.State+": not audited"
		if r.work.Skipped != nil {
			res.Rows = r.work.Skipped(a, res.Reason)
		}
		return finish()
	}
	g := newGate(r.o.ThrottleBackoff, r.o.MaxThrottleBackoff)
	acct := &Account{AccountInfo: a, Config: r.cfg.Copy(), Caller: a.ID == r.caller}
	acct.Config.APIOptions = append(append([]func(*middleware.Stack) error(nil), r.cfg.APIOptions...), r.lim.middleware(g))
	unreachable := func(reason string) (*Result[R], error) {
		res.Status, res.Reason = Unreachable, reason
		if r.work.Unreachable != nil {
			res.Rows = r.work.Unreachable(a, reason)
		}
		res.Throttled = g.count()
		return finish()
	}
	if !acct.Caller {
		roleARN := "arn:" + r.partition + ":iam::" + a.ID + ":role/" + r.o.Role
		prov := stscreds.NewAssumeRoleProvider(assumer{r.roles, r.mgmtOpt}, roleARN, func(ao *stscreds.AssumeRoleOptions) {
			ao.RoleSessionName = r.o.SessionName
			ao.Duration = DefaultSessionDuration
			if r.o.ExternalID != "" {
				ao.ExternalID = aws.String(r.o.ExternalID)
			}
		})
		// The first session is asked for with ctx, not through the cache:
		// the cache retrieves with a context that cancellation does not
		// reach, so an interrupted run would still send AssumeRole. The
		// cache renews the session later.
		var creds aws.Credentials
		err := untilNotThrottled(ctx, func() (err error) {
			creds, err = prov.Retrieve(ctx)
			return err
		})
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			return unreachable("could not assume role " + roleARN + ": " + errorText(err))
		}
		acct.Config.Credentials = credsafe.Provider(aws.NewCredentialsCache(&primed{next: prov, first: &creds}, func(co *aws.CredentialsCacheOptions) {
			co.ExpiryWindow = DefaultSessionRenewal
		}))
	}
	rows, err := r.work.Audit(ctx, acct)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return unreachable(errorText(err))
	}
	res.Status, res.Rows, res.Throttled = Audited, rows, g.count()
	return finish()
}

// inactive reports whether Organizations' state says the account cannot
// be used: the four states besides ACTIVE of "Monitor the state of your
// AWS accounts" (Organizations User Guide). Any other, empty or one AWS
// adds later, is audited: skipping it would give a NOT_APPLICABLE row, which
// a gate passes, for an account nobody looked at; audited, it is reported,
// or UNKNOWN when its role cannot be assumed.
func inactive(state string) bool {
	switch orgtypes.AccountState(state) {
	case orgtypes.AccountStatePendingActivation, orgtypes.AccountStateSuspended, orgtypes.AccountStatePendingClosure, orgtypes.AccountStateClosed:
		return true
	}
	return false
}

// primed hands out credentials already retrieved once, then retrieves
// from next.
type primed struct {
	next  aws.CredentialsProvider
	mu    sync.Mutex
	first *aws.Credentials
}

func (p *primed) Retrieve(ctx context.Context) (aws.Credentials, error) {
	p.mu.Lock()
	first := p.first
	p.first = nil
	p.mu.Unlock()
	if first != nil && !first.Expired() {
		return *first, nil
	}
	return p.next.Retrieve(ctx)
}

// assumer puts AssumeRole through the run's limiter, with the
// management credentials' errors named by their types (credsafe).
type assumer struct {
	c   STSAPI
	opt func(*middleware.Stack) error
}

func (a assumer) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, optFns ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return a.c.AssumeRole(ctx, in, append(optFns, func(o *sts.Options) {
		o.APIOptions, o.Credentials = append(o.APIOptions, a.opt), credsafe.Provider(o.Credentials)
	})...)
}

// isNil reports a nil client, including a typed nil pointer in the
// interface (a nil *organizations.Client), which would panic when called.
func isNil(client any) bool {
	if client == nil {
		return true
	}
	v := reflect.ValueOf(client)
	return v.Kind() == reflect.Pointer && v.IsNil()
}
