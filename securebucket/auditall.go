package securebucket

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"sync"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/setuperr"
	"github.com/s3secure/s3secure/internal/workers"
)

// FleetReport is the audit of every bucket the caller can list.
type FleetReport struct {
	// Account holds the account-level results (S3.1) when
	// AuditOptions.AccountControl is set.
	Account []ControlResult
	// Buckets has one report per bucket, sorted by name. A bucket that
	// could not be audited has Report.Err set (a [*RegionError] for a
	// bucket of a Region AuditAll could not reach). When AuditAll returns
	// an error (ctx's, or a setup problem that stopped the run), Buckets
	// holds only the reports finished before it.
	Buckets []*Report
}

// Failed reports whether any account or bucket result is FAIL or UNKNOWN,
// or a bucket could not be audited.
func (f *FleetReport) Failed() bool {
	for _, r := range f.Account {
		if r.Blocking() {
			return true
		}
	}
	for _, b := range f.Buckets {
		if b.Failed() {
			return true
		}
	}
	return false
}

// AuditAll audits every bucket ListBuckets returns, Concurrency buckets at
// a time, each in its own Region (from ListBuckets' BucketRegion). The
// account's Block Public Access is read once. A bucket that cannot be
// audited gets a Report with Err set and does not stop the run: a bucket
// S3 answers AllAccessDisabled for (all access to it disabled, until AWS
// Support lifts it) has no Results and Err the [*StepError] [Audit]
// returns, after one request, never PASS.
//
// A setup problem does stop it (credentials that cannot be retrieved or
// that S3 refuses, for example a session that expires during the run; a
// refused connection; a host name that does not resolve; a TLS failure):
// every later bucket would fail the same way. AuditAll then starts no
// other bucket, cancels the buckets in flight, and returns the first
// [*StepError] (as [Audit] returns it) with the reports finished before
// it: a bucket that met the problem or was in flight has no Report.
//
// Unless the problem is one Region's. A bucket's requests go to its
// Region's endpoint, and a setup problem can be that endpoint's alone: S3
// in an opt-in Region that is not enabled for the account, or that
// refuses a session token from the global STS endpoint ("Version 1
// tokens are valid only in AWS Regions that are available by default.
// These tokens do not work in manually enabled Regions, such as Asia
// Pacific (Hong Kong)", IAM API reference,
// SetSecurityTokenServicePreferences), answers 400 InvalidToken. When a
// bucket of another Region than the client's meets a setup problem,
// AuditAll asks the client's Region once more (one ListBuckets): if it
// answers, the problem is that Region's, and the run goes on. The bucket
// that met it, the Region's buckets in flight that meet it too, and the
// Region's buckets not yet started (which get no request) have a Report
// with no Results and Err a [*RegionError] naming the Region and
// wrapping the bucket's [*StepError]: never PASS ([Report.Failed] and
// [FleetReport.Failed] are true). If the client's Region refuses too, the
// problem is everyone's and the run stops as above.
//
// Progress is called for every bucket that was started, a stopped one
// with its error, and for every bucket of a Region found unreachable,
// with its Report.Err.
//
// Buckets are audited in goroutines of AuditAll's own, which call
// Progress and the client. A panic in one of them (in Progress, in the
// client, or a bug) stops the run the same way, and once the buckets in
// flight have ended AuditAll panics with it in the caller's goroutine,
// returning no report (see "Panics" in the s3secure package documentation).
//
// AuditAll returns an error wrapping [ErrInvalidOptions] before any
// request, a [*StepError] when the buckets cannot be listed, an
// [*AccountError] when AccountControl meets a setup problem (before any
// bucket), or ctx's error if ctx ends (with the reports finished so far).
func AuditAll(ctx context.Context, client ReadAPI, opts *AuditOptions) (*FleetReport, error) {
	a, err := newAuditor(client, opts)
	if err != nil {
		return nil, err
	}
	if err := a.refuseRemote(ctx, "AuditAll", ""); err != nil {
		return nil, err
	}
	buckets, err := listBuckets(ctx, client, a.o.Retry, "")
	if err != nil {
		return nil, &StepError{Bucket: "*", Step: StepListBuckets, Err: err}
	}
	if err := a.readAccount(ctx); err != nil {
		return nil, err
	}
	fleet := &FleetReport{}
	if a.accountResult != nil {
		fleet.Account = []ControlResult{*a.accountResult}
		a.accountResult = nil // reported once, not per bucket
	}
	clientRegion := clientRegion(client)
	// A setup problem met at another Region's endpoint, while the client's
	// own (which listed the buckets) still answers, is that Region's: its
	// buckets are not audited, the others are.
	regions := &setuperr.Regions{Home: clientRegion, Call: "securebucket.AuditAll", Check: func(ctx context.Context) error {
		_, err := call(ctx, a.o.Retry, func(ctx context.Context) (*s3.ListBucketsOutput, error) {
			return client.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(1)}, noSetupRetry)
		})
		return err
	}}
	// Buckets that receive other buckets' logs (from a bucket whose own
	// S3.9 passed, so S3 delivers them) are found as the run goes; their
	// S3.9 is marked not applicable at the end (Security Hub suppresses it).
	var mu sync.Mutex
	logTargets := map[string]bool{}

	n := len(buckets)
	reports := make([]*Report, n)
	conc := a.o.Concurrency
	if conc == 0 {
		conc = DefaultConcurrency
	}
	conc = min(conc, max(n, 1))
	work := make(chan int)
	var progMu sync.Mutex
	done := 0
	// A setup problem stops the run: every other bucket would fail the
	// same way (as analyzer.AnalyzeAll does). So does a panic, which
	// group.Wait raises again in the caller's goroutine.
	run, stop := context.WithCancel(ctx)
	defer stop()
	group := workers.New("securebucket.AuditAll", stop)
	var setupOnce sync.Once
	var setupErr error
	for w := 0; w < conc; w++ {
		group.Go(func() {
			for i := range work {
				if run.Err() != nil {
					continue // stopped before this bucket started
				}
				b := buckets[i]
				name, region := aws.ToString(b.Name), aws.ToString(b.BucketRegion)
				optFns := a.guard("AuditAll")
				endpoint := "" // the Region of the endpoint the requests go to, when not the client's
				if region != "" && region != clientRegion && clientRegion != "" {
					optFns = append(optFns, func(o *s3.Options) { o.Region = region })
					endpoint = region
				}
				var rep *Report
				var err error
				if down := regions.Down(endpoint); down != nil {
					err = down // no request: the Region is known unreachable
				} else if rep, err = a.audit(run, name, region, optFns); err != nil {
					if down := regions.Confine(run, endpoint, err); down != nil {
						err = down
					}
				}
				if err != nil {
					rep = &Report{Bucket: name, Region: region, Err: err}
				}
				setup := setuperr.Is(err) && !errors.As(err, new(*RegionError))
				if setup {
					setupOnce.Do(func() { setupErr = err; stop() })
				}
				// A bucket that met the setup problem, or was in flight when
				// another met it (the stop may have cut its reads short),
				// has no report; ctx's own end keeps the reports as before.
				if !setup && (run.Err() == nil || ctx.Err() != nil) {
					reports[i] = rep
				}
				if st := rep.loggingTarget(); st != "" {
					mu.Lock()
					logTargets[st] = true
					mu.Unlock()
				}
				if a.o.Progress != nil {
					func() {
						progMu.Lock()
						defer progMu.Unlock() // also when Progress panics: the others wait for the lock
						done++
						a.o.Progress(Progress{Done: done, Total: n, Bucket: name, Err: rep.Err})
					}()
				}
			}
		})
	}
feed:
	for i := range buckets {
		select {
		case work <- i:
		case <-run.Done():
			break feed
		}
	}
	close(work)
	group.Wait()
	for _, r := range reports {
		if r == nil {
			continue
		}
		if logTargets[r.Bucket] {
			for i, res := range r.Results {
				if res.Control == ControlLogging && res.Status != StatusNotApplicable {
					r.Results[i].Status = StatusNotApplicable
					r.Results[i].Message = "the bucket receives other buckets' access logs"
					r.Results[i].Err = nil
				}
			}
		}
		fleet.Buckets = append(fleet.Buckets, r)
	}
	sort.Slice(fleet.Buckets, func(i, j int) bool { return fleet.Buckets[i].Bucket < fleet.Buckets[j].Bucket })
	if err := ctx.Err(); err != nil {
		return fleet, err
	}
	if setupErr != nil {
		return fleet, setupErr
	}
	return fleet, nil
}

// loggingTarget returns the bucket this report's bucket logs into, from
// its S3.9 result.
func (r *Report) loggingTarget() string { return r.logTarget }

// listBuckets lists every bucket whose name begins with prefix ("" for
// all), following continuation tokens; optFns are added to noSetupRetry.
func listBuckets(ctx context.Context, client ReadAPI, rt Retry, prefix string, optFns ...func(*s3.Options)) ([]types.Bucket, error) {
	var out []types.Bucket
	var token *string
	seen := map[string]bool{}
	optFns = append([]func(*s3.Options){noSetupRetry}, optFns...)
	in := &s3.ListBucketsInput{MaxBuckets: aws.Int32(10000)}
	if prefix != "" {
		in.Prefix = aws.String(prefix)
	}
	for {
		page, err := call(ctx, rt, func(ctx context.Context) (*s3.ListBucketsOutput, error) {
			// max-buckets makes S3 paginate (accounts may have more than
			// 10,000 buckets); servers without pagination ignore it.
			in.ContinuationToken = token
			return client.ListBuckets(ctx, in, optFns...)
		})
		if err != nil {
			return nil, err
		}
		out = append(out, page.Buckets...)
		next := aws.ToString(page.ContinuationToken)
		if next == "" {
			return out, nil
		}
		if seen[next] {
			return nil, fmt.Errorf("%w: ListBuckets repeated continuation token", ErrConflict)
		}
		seen[next] = true
		token = aws.String(next)
	}
}
