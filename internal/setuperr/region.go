package setuperr

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/s3secure/s3secure/internal/credsafe"
)

// Regions tells, in a run over the buckets of several Regions (AuditAll,
// AnalyzeAll), a setup problem confined to one Region's endpoint from one
// that every request meets. A bucket's requests go to its Region's
// endpoint, and some setup problems are that endpoint's alone: an opt-in
// Region that is not enabled for the account, a session token that is
// not valid there ("Version 1 tokens are valid only in AWS Regions that
// are available by default. These tokens do not work in manually enabled
// Regions, such as Asia Pacific (Hong Kong)": IAM API reference,
// SetSecurityTokenServicePreferences; S3 answers 400 InvalidToken), a
// Region's host name that does not resolve or a network path to it that
// is closed. Others are everywhere: credentials that expire or are
// revoked, this machine's clock.
//
// No error code tells them apart (InvalidToken is also a malformed
// token's answer), so Regions asks: the first time a Region's endpoint
// meets a setup problem, Check sends one request to the client's own
// endpoint, which answered the listing of the buckets. When that endpoint
// still answers (any answer but a setup problem), the problem is the
// Region's; otherwise it is everyone's.
type Regions struct {
	// Home is the client's own Region: the listing's endpoint. A setup
	// problem met there is everyone's. "" when the client does not say.
	Home string
	// Check sends one request to Home's endpoint and returns its error.
	// Without it every setup problem is everyone's.
	Check func(context.Context) error
	// Call names the run in a [*RegionError] ("securebucket.AuditAll").
	Call string

	mu  sync.Mutex
	per map[string]*regionVerdict
}

type regionVerdict struct {
	mu      sync.Mutex
	decided bool
	err     *RegionError // the Region's problem; nil when it is everyone's
}

func (r *Regions) verdict(region string) *regionVerdict {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.per == nil {
		r.per = map[string]*regionVerdict{}
	}
	v := r.per[region]
	if v == nil {
		v = &regionVerdict{}
		r.per[region] = v
	}
	return v
}

// Confine returns the Region's [*RegionError] when err, met by a request
// sent to region's endpoint, is a setup problem ([Is]) confined to that
// Region; nil when err is no setup problem, region is "" or Home, or the
// problem is everyone's (Check meets a setup problem too, or ctx ends).
// The first setup problem of a Region decides for the Region, with one
// Check; later ones wait for that decision and get the same answer.
func (r *Regions) Confine(ctx context.Context, region string, err error) *RegionError {
	if region == "" || region == r.Home || r.Check == nil || !Is(err) {
		return nil
	}
	v := r.verdict(region)
	v.mu.Lock()
	defer v.mu.Unlock()
	if !v.decided {
		v.decided = true
		cerr := r.Check(ctx)
		if ctx.Err() == nil && !Is(cerr) && !errors.Is(cerr, context.Canceled) && !errors.Is(cerr, context.DeadlineExceeded) {
			v.err = &RegionError{Call: r.Call, Region: region, ClientRegion: r.Home, Err: err}
		}
	}
	return v.err
}

// Down returns region's [*RegionError] once Confine has found a setup
// problem confined to it, else nil: the Region's other buckets need no
// request.
func (r *Regions) Down(region string) *RegionError {
	if region == "" {
		return nil
	}
	r.mu.Lock()
	v := r.per[region]
	r.mu.Unlock()
	if v == nil {
		return nil
	}
	v.mu.Lock()
	defer v.mu.Unlock()
	return v.err
}

// RegionError reports a Region whose buckets a run could not read: its
// S3 endpoint met a setup problem ([Is]) while the client's own Region
// still answered, so the problem is that Region's. It is
// securebucket.RegionError and analyzer.RegionError.
type RegionError struct {
	// Call is the run ("securebucket.AuditAll", "analyzer.AnalyzeAll").
	Call string
	// Region is the Region whose endpoint met the problem; ClientRegion
	// the client's, which answered ("" when the client does not say).
	Region, ClientRegion string
	// Err is the first setup problem met in Region, as the run reports a
	// bucket's error (securebucket's *StepError, analyzer's *Error),
	// wrapping the SDK error.
	Err error
}

// Error says which Region, why, and what to check. A credentials
// provider's error in Err is named by its types, not its text.
func (e *RegionError) Error() string {
	pkg, _, _ := strings.Cut(e.Call, ".")
	home := "the client's Region"
	if e.ClientRegion != "" {
		home += " (" + e.ClientRegion + ")"
	}
	return fmt.Sprintf("%s: Region %s could not be read, while %s answered: the Region may not be enabled for the account, "+
		"or the credentials not valid there (session tokens from the global STS endpoint are valid only in the Regions enabled by default), "+
		"or its endpoint not reachable from here; first met at %s", pkg, e.Region, home, strings.TrimPrefix(credsafe.Text(e.Err), pkg+": "))
}

// Unwrap returns Err.
func (e *RegionError) Unwrap() error { return e.Err }
