package usage

import (
	"context"
	"errors"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/workers"
	"github.com/s3secure/s3secure/policy"
)

// Options tune [Suggest]. The zero value (and nil) is the safe choice: a
// 90-day window, and no public or permissions-management grant proposed.
type Options struct {
	// Since is how far back from Now the window of observed use reaches.
	// By default, DefaultSince (90 days).
	Since time.Duration
	// Now is the end of the window. By default, the time Suggest is called.
	Now time.Time
	// MaxResources is the most resources (and s3:prefix values) a
	// proposed statement lists; keys are merged into prefixes to stay
	// under it. By default, DefaultMaxResources.
	MaxResources int
	// Concurrency is how many log objects are read at once. By default,
	// DefaultConcurrency.
	Concurrency int
	// MaxTrackedKeys bounds the keys remembered per principal and action
	// while reading (and so the memory used). By default,
	// DefaultMaxTrackedKeys.
	MaxTrackedKeys int
	// AllowPublic proposes grants to everyone for requests made
	// anonymously. Risk: the proposal makes the bucket's data public (and
	// S3 refuses it while Block Public Access is on). By default anonymous
	// use is reported as withheld, and the replay lists it as broken.
	AllowPublic bool
	// AllowPermissionsManagement proposes the permissions-management
	// actions that were used (s3:PutBucketPolicy, s3:PutBucketAcl, …).
	// Risk: whoever holds them can grant themselves, or anyone, everything
	// else. By default they are reported as withheld, and the replay lists
	// their requests as broken.
	AllowPermissionsManagement bool
	// AllowInsecureTransport lets Suggest read logs and policies over
	// plain HTTP from a host that is not loopback (127.0.0.0/8, ::1,
	// localhost). By default Suggest is refused before any request with a
	// [*RemotePlainHTTPError] when a client it reads with (an
	// [S3Location]'s, Input.Policy, Input.IAM) would send its requests that
	// way: SigV4 signs the requests, but nothing authenticates the answers,
	// so anyone on the network path (a proxy, a container network, a
	// mistyped AWS_ENDPOINT_URL) could rewrite the logs and policies the
	// proposal and its proof are made of. A client that does not let
	// Suggest see its endpoint (a wrapper that drops the per-call options,
	// a test double) is refused the same way, with an empty Endpoint; this
	// allows it too. Set it only for a test server on a network you trust,
	// or a client you know uses TLS.
	AllowInsecureTransport bool
}

// BucketPolicyAPI reads the bucket policy in force.
type BucketPolicyAPI interface {
	GetBucketPolicy(ctx context.Context, params *s3.GetBucketPolicyInput, optFns ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
}

var _ BucketPolicyAPI = (*s3.Client)(nil)

// Input is what [Suggest] reads.
type Input struct {
	// ServerAccessLogs and CloudTrail are the logs. At least one source is
	// required.
	ServerAccessLogs []Source
	CloudTrail       []Source
	// BucketOwner is the 12-digit account that owns the bucket. Required:
	// it tells the owner's root user (whom S3 always allows) and the
	// owner's principals (same-account) from other accounts'.
	BucketOwner string
	// Policy reads the bucket policy in force, to keep its Deny statements
	// and report its unused grants. Nil: BucketPolicy is used, if set.
	Policy BucketPolicyAPI
	// BucketPolicy is the bucket policy in force, when Policy is nil.
	BucketPolicy *policy.Document
	// IdentityPolicies are the identity policies in force, by the ARN of
	// the user or role they are attached to
	// ("arn:aws:iam::111122223333:role/etl").
	IdentityPolicies map[string][]*policy.Document
	// IAM, when set, reads the inline and attached policies of every user
	// and role of the bucket owner's account that the logs show, and adds
	// them to IdentityPolicies (group policies are not read); and, with
	// iam:GetRole, the ARN (path included) of each of the owner's roles
	// that the logs name only through its sessions (a server access log
	// does not give a role's path). Without it such a role is named
	// arn:aws:iam::…:role/NAME and listed in Report.UnresolvedRoles.
	IAM IAMAPI
}

// Error is a failed AWS call: the operation, the resource and the SDK error
// (a smithy.APIError, reachable with errors.As).
type Error struct {
	Op, Resource string
	Err          error
}

// Error implements error.
func (e *Error) Error() string {
	return fmt.Sprintf("usage: %s %s: %s", e.Op, e.Resource, credsafe.Text(e.Err))
}

// Unwrap returns the SDK error.
func (e *Error) Unwrap() error { return e.Err }

// Suggest reads the logs of in, keeps the requests made to bucket within the
// window, and proposes the least privilege that allows them: a bucket
// policy and, for each user and role, the S3 part of an identity policy,
// both built with [policy.Builder] and validated. It compares them with the
// policies in force (grants never used; grants the proposal adds) and
// proves them: every request that succeeded is read again and decided with
// [policy.Authorize] against the proposal. opts nil means the defaults.
//
// Memory is bounded by the number of distinct (principal, action) pairs and
// Options.MaxTrackedKeys, not by the size of the logs; each log is read
// twice (once to learn, once to prove), Options.Concurrency objects at a
// time.
//
// The objects are read in goroutines of Suggest's own, which call each
// Object's Open (and so the client of an S3 location). A panic there (in
// Open, in the client, or a bug) stops the reading as an error does, and
// once the objects in flight have ended Suggest panics with it in the
// caller's goroutine, returning no report (see "Panics" in the s3secure
// package documentation). A Source's Objects runs in the caller's
// goroutine; when it panics, the reading goroutines are stopped and
// waited for before the panic goes on.
//
// The proposal and the proof name the bucket in its partition (see the
// package documentation).
//
// Errors: [ErrInvalidInput] (no bucket, no logs, a bad BucketOwner or
// option) and [ErrPlainHTTPEndpoint] (see Options.AllowInsecureTransport)
// before any request, [ErrInvalidInput] after the first reading for logs
// whose callers are in another ARN partition than the bucket (or in two), a [*ReadError] for a log that cannot be listed or
// read (the run stops: a proposal from part of the logs could take away access the rest
// shows was used), an [*Error] when the bucket policy, an identity policy
// or a role (GetRole, other than NoSuchEntity) cannot be read, and the
// context's error. Malformed lines are not errors: they are counted in the
// report.
func Suggest(ctx context.Context, bucket string, in Input, opts *Options) (*Report, error) {
	o, err := resolve(bucket, &in, opts)
	if err != nil {
		return nil, err
	}
	if !o.AllowInsecureTransport {
		if err := refuseRemote(ctx, bucket, &in); err != nil {
			return nil, err
		}
	}
	s := &suggester{bucket: bucket, owner: in.BucketOwner, opts: o, in: &in, missingRoles: map[string]bool{}}
	s.since, s.until = o.Now.Add(-o.Since), o.Now
	current, err := s.currentBucketPolicy(ctx)
	if err != nil {
		return nil, err
	}
	s.partition = s.knownPartition(current)
	s.pass1Partition = s.principalPartition()
	rep := &Report{Bucket: bucket, BucketOwner: in.BucketOwner, Since: s.since, Until: s.until}

	// Pass 1: learn what was used.
	agg, err := s.learn(ctx, rep)
	if err != nil {
		return nil, err
	}
	if err := s.settlePartition(agg); err != nil {
		return nil, err
	}
	if err := s.resolveRoles(ctx, agg, rep); err != nil {
		return nil, err
	}
	s.report(agg, rep)
	if err := s.readIdentityPolicies(ctx, agg); err != nil {
		return nil, err
	}

	// The proposal, and how it compares with what is in force.
	prop, err := s.propose(agg, current, rep)
	if err != nil {
		return nil, err
	}
	s.compare(agg, current, prop, rep)

	// Pass 2: replay every request that succeeded against the proposal.
	if err := s.replay(ctx, prop, rep); err != nil {
		return nil, err
	}
	return rep, nil
}

func resolve(bucket string, in *Input, opts *Options) (Options, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if err := policy.CheckBucketName(bucket); err != nil {
		return o, fmt.Errorf("%w: bucket: %v", ErrInvalidInput, err)
	}
	if len(in.ServerAccessLogs)+len(in.CloudTrail) == 0 {
		return o, fmt.Errorf("%w: no logs to read", ErrInvalidInput)
	}
	if !policy.IsAccountID(in.BucketOwner) {
		return o, fmt.Errorf("%w: bucket owner %q is not a 12-digit account ID", ErrInvalidInput, in.BucketOwner)
	}
	for _, src := range append(append([]Source(nil), in.ServerAccessLogs...), in.CloudTrail...) {
		if src == nil {
			return o, fmt.Errorf("%w: a nil log source", ErrInvalidInput)
		}
	}
	if o.Since < 0 || o.MaxResources < 0 || o.Concurrency < 0 || o.MaxTrackedKeys < 0 {
		return o, fmt.Errorf("%w: negative option", ErrInvalidInput)
	}
	if o.Since == 0 {
		o.Since = DefaultSince
	}
	if o.Now.IsZero() {
		o.Now = time.Now()
	}
	if o.MaxResources == 0 {
		o.MaxResources = DefaultMaxResources
	}
	if o.Concurrency == 0 {
		o.Concurrency = DefaultConcurrency
	}
	if o.MaxTrackedKeys == 0 {
		o.MaxTrackedKeys = DefaultMaxTrackedKeys
	}
	if o.MaxTrackedKeys < 2*o.MaxResources {
		o.MaxTrackedKeys = 2 * o.MaxResources
	}
	return o, nil
}

type suggester struct {
	bucket, owner string
	// partition is the bucket's ARN partition: known before pass 1
	// (knownPartition) or settled after it (settlePartition);
	// pass1Partition is the one pass 1 named the owner's root user in.
	partition, pass1Partition string
	opts                      Options
	in                        *Input
	since, until              time.Time
	// identity are the identity policies in force: Input.IdentityPolicies
	// and what Input.IAM read.
	identity map[string][]*policy.Document
	// roleARNs are the ARNs, path included, learnt for roles named only
	// through their sessions, by the ARN guessed from the session;
	// missingRoles are the guessed ARNs IAM has no role for (roles.go).
	roleARNs     map[string]string
	missingRoles map[string]bool
}

// currentBucketPolicy reads the bucket policy in force (nil for none).
func (s *suggester) currentBucketPolicy(ctx context.Context) (*policy.Document, error) {
	if s.in.Policy == nil {
		return s.in.BucketPolicy, nil
	}
	out, err := s.in.Policy.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: aws.String(s.bucket)}, safeS3)
	if err != nil {
		var ae smithy.APIError
		if errors.As(err, &ae) && ae.ErrorCode() == "NoSuchBucketPolicy" {
			return nil, nil
		}
		return nil, &Error{Op: "GetBucketPolicy", Resource: s.bucket, Err: err}
	}
	doc, err := policy.Parse([]byte(aws.ToString(out.Policy)))
	if err != nil {
		return nil, &Error{Op: "GetBucketPolicy", Resource: s.bucket, Err: err}
	}
	return doc, nil
}

type logKind uint8

const (
	serverAccessLog logKind = iota
	cloudTrailLog
)

// readAll reads every object of the sources, opts.Concurrency at a time,
// and calls each worker's fn for each record. newWorker is called once per
// worker, before any record; the done it returns (if not nil) when the
// worker has finished. It returns the parse statistics of each kind.
func (s *suggester) readAll(ctx context.Context, newWorker func() (fn func(*Record, logKind) error, done func())) (objects int, stats [2]ParseStats, err error) {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	type job struct {
		obj  Object
		kind logKind
	}
	jobs := make(chan job)
	var (
		mu       sync.Mutex
		firstErr error
	)
	fail := func(err error) {
		mu.Lock()
		if firstErr == nil {
			firstErr = err
		}
		mu.Unlock()
		cancel()
	}
	// A panic in a reading goroutine (a caller's Object.Open or client, or
	// a bug) stops the reading as an error does; group.Wait raises it
	// again in the caller's goroutine. However readAll ends (a caller's
	// Source.Objects, called here, may panic), the readers are stopped and
	// waited for: none outlives the call.
	group := workers.New("usage.Suggest", cancel)
	closeJobs := sync.OnceFunc(func() { close(jobs) })
	defer func() {
		cancel()
		closeJobs()
		group.Wait()
	}()
	for w := 0; w < s.opts.Concurrency; w++ {
		fn, done := newWorker()
		group.Go(func() {
			if done != nil {
				defer done()
			}
			for j := range jobs {
				st, err := readObject(ctx, j.obj, j.kind, fn)
				mu.Lock()
				objects++
				mergeStats(&stats[j.kind], st)
				mu.Unlock()
				if err != nil {
					fail(err)
				}
			}
		})
	}
	list := func(srcs []Source, kind logKind) error {
		for _, src := range srcs {
			err := src.Objects(ctx, func(o Object) error {
				select {
				case jobs <- job{o, kind}:
					return nil
				case <-ctx.Done():
					return ctx.Err()
				}
			})
			if err != nil {
				return err
			}
		}
		return nil
	}
	if err := list(s.in.ServerAccessLogs, serverAccessLog); err != nil {
		fail(err)
	} else if err := list(s.in.CloudTrail, cloudTrailLog); err != nil {
		fail(err)
	}
	closeJobs()
	group.Wait()
	if firstErr != nil {
		return objects, stats, firstErr
	}
	return objects, stats, ctx.Err()
}

func readObject(ctx context.Context, o Object, kind logKind, fn func(*Record, logKind) error) (*ParseStats, error) {
	if err := ctx.Err(); err != nil {
		return &ParseStats{}, err
	}
	rc, err := o.Open(ctx)
	if err != nil {
		return &ParseStats{}, &ReadError{Object: o.Name, Err: err}
	}
	defer rc.Close()
	r := io.Reader(rc)
	each := func(rec *Record) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		return fn(rec, kind)
	}
	var st *ParseStats
	if kind == serverAccessLog {
		// The records' strings share the scanner's buffer: what Suggest
		// keeps, it copies.
		sc := NewServerAccessLogScanner(r, o.Name)
		for err == nil && sc.Scan() {
			err = each(sc.Record())
		}
		if err == nil {
			err = sc.Err()
		}
		st = sc.Stats()
	} else {
		st, err = ParseCloudTrail(r, o.Name, each)
	}
	var pe *ReadError
	if err != nil && !errors.As(err, &pe) && ctx.Err() == nil {
		err = &ReadError{Object: o.Name, Err: err}
	}
	return st, err
}

func mergeStats(dst, src *ParseStats) {
	dst.Lines += src.Lines
	dst.Records += src.Records
	dst.Skipped += src.Skipped
	dst.Malformed += src.Malformed
	for _, e := range src.Errors {
		if len(dst.Errors) >= MaxLineErrors {
			break
		}
		dst.Errors = append(dst.Errors, e)
	}
}
