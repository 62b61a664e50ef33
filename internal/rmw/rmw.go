package rmw

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"strings"
	"time"
)

// ErrConflict is the conflict error of a [Cycle] without one of its own.
var ErrConflict = errors.New("another writer kept replacing the setting")

// Cycle is one whole-replace setting written with the package's
// discipline (see the package documentation). C is the value read, N the
// value written. Read, Merge, Write, ReadFP and WriteFP are required.
type Cycle[C, N any] struct {
	// Key names the setting for the serialisation of cycles within the
	// process ([Key] builds one); "" serialises nothing. Cycles of
	// different packages on the same setting must use the same key.
	Key string
	// What names the setting in errors ("bucket policy of b").
	What string
	// Read reads the current value.
	Read func(context.Context) (C, error)
	// Merge returns the value to write on top of cur, and what it changes,
	// in words (none when cur already holds our part: nothing is written).
	// It is called on every fresh read, so it must decide from cur alone.
	// An error stops the cycle and is returned as it is.
	Merge func(cur C) (next N, what []string, err error)
	// Write writes next.
	Write func(context.Context, N) error
	// ReadFP and WriteFP identify a value read and a value written: equal
	// fingerprints mean equal values.
	ReadFP  func(C) string
	WriteFP func(N) string
	// Conflict is the error that the conflict error wraps; nil means
	// [ErrConflict].
	Conflict error
}

// Outcome is what a cycle's writes did.
type Outcome struct {
	// Wrote is set when a write request succeeded.
	Wrote bool
	// NotKept is set when the endpoint did not keep the last write: it is
	// the merge's description of the change a new write would make again.
	NotKept []string
}

// Add merges p into o: o wrote if either wrote, and did not keep what
// either did not keep.
func (o *Outcome) Add(p Outcome) {
	o.Wrote = o.Wrote || p.Wrote
	o.NotKept = append(o.NotKept, p.NotKept...)
}

// Key joins the parts that name a setting into a [Cycle].Key: the service,
// the resource and the setting, for example Key("s3", bucket, "policy").
func Key(parts ...string) string { return strings.Join(parts, "\x00") }

// Run carries out the cycle: fresh read, merge, write, verify, as the
// package documentation describes, with p's retries, rounds and stale-read
// budget (the zero Policy means the defaults). It returns what it wrote;
// a read error is returned as "read WHAT: err", a write error that is not
// retried as "put WHAT: err", a merge error as it is, and after p.Rounds
// writes that another writer undid, an error wrapping c.Conflict. If ctx
// ends, the error is ctx's.
func (c Cycle[C, N]) Run(ctx context.Context, p Policy) (Outcome, error) {
	p = p.WithDefaults()
	if c.Key != "" {
		defer locks.lock(c.Key)()
	}
	var out Outcome
	failures, writes := 0, 0
	var base, last string // fingerprints of what the last write was merged into, and of the write
	var staleWaited, staleDelay time.Duration
	for {
		start := time.Now()
		cur, err := c.Read(ctx)
		if err != nil {
			return out, fmt.Errorf("read %s: %w", c.What, err)
		}
		next, what, err := c.Merge(cur)
		if err != nil || len(what) == 0 {
			return out, err
		}
		if out.Wrote {
			if c.WriteFP(next) == last {
				if c.ReadFP(cur) == base && staleWaited < p.StaleBudget {
					// Probably our write is not visible yet.
					staleDelay = min(max(2*staleDelay, p.BaseDelay), p.MaxDelay)
					if err := Sleep(ctx, staleDelay); err != nil {
						return out, err
					}
					staleWaited += staleDelay
					continue
				}
				out.NotKept = what
				return out, nil
			}
			if writes >= p.Rounds {
				conflict := c.Conflict
				if conflict == nil {
					conflict = ErrConflict
				}
				return out, fmt.Errorf("%w: another writer kept replacing the %s (%d writes)", conflict, c.What, writes)
			}
		}
		if err := c.Write(ctx, next); err != nil {
			if Retryable(err) && failures+1 < p.MaxAttempts && ctx.Err() == nil {
				if serr := Sleep(ctx, Backoff(p, failures)); serr != nil {
					return out, fmt.Errorf("put %s: %w", c.What, err)
				}
				failures++
				continue
			}
			return out, fmt.Errorf("put %s: %w", c.What, err)
		}
		writes++
		out.Wrote = true
		base, last = c.ReadFP(cur), c.WriteFP(next)
		staleWaited, staleDelay = 0, 0
		window := time.Since(start)
		settle := 2*window + time.Duration(rand.Int64N(int64(window)+1))
		if err := Sleep(ctx, settle); err != nil {
			return out, err
		}
	}
}
