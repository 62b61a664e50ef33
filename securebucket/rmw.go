package securebucket

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"
)

// settingLocks serialises this process's read-merge-write cycles on the
// same setting of the same bucket (for example many buckets of one fleet
// merging their log-delivery statements into one target's policy at
// once). It is the package's one piece of shared mutable state: the hazard
// it guards is process-wide, and S3 offers no conditional write that would
// make it unnecessary. Writers in other processes are handled, as well as
// S3 allows, by the verification of [rmw.run].
var settingLocks = keyedMutex{m: map[string]*keyedEntry{}}

type keyedMutex struct {
	mu sync.Mutex
	m  map[string]*keyedEntry
}

type keyedEntry struct {
	mu   sync.Mutex
	refs int
}

// lock locks key and returns its unlock function. Entries are removed when
// unused, so the table does not grow.
func (k *keyedMutex) lock(key string) func() {
	k.mu.Lock()
	e := k.m[key]
	if e == nil {
		e = &keyedEntry{}
		k.m[key] = e
	}
	e.refs++
	k.mu.Unlock()
	e.mu.Lock()
	return func() {
		e.mu.Unlock()
		k.mu.Lock()
		e.refs--
		if e.refs == 0 {
			delete(k.m, key)
		}
		k.mu.Unlock()
	}
}

// outcome is what one step's writes did.
type outcome struct {
	// wrote is set when a write request succeeded.
	wrote bool
	// notKept names what the endpoint did not keep of the last write: the
	// change a fresh merge would make again (for example "block SSE-C").
	notKept []string
}

func (o *outcome) add(p outcome) {
	o.wrote = o.wrote || p.wrote
	o.notKept = append(o.notKept, p.notKept...)
}

// rmw is one whole-replace setting written with the package's write
// discipline (see "Writes" in the package documentation): read it, merge
// our part into what was read, write the result, and verify by reading
// again. C is the value read, N the value written.
type rmw[C, N any] struct {
	// key serialises the cycles on this setting within the process.
	key string
	// what names the setting in errors ("bucket policy of b").
	what string
	// read reads the current value.
	read func(context.Context) (C, error)
	// merge returns the value to write given cur, and what it changes
	// (none when cur already holds our part: nothing is written). It is
	// the same decision the plan made, taken again on a fresh read.
	merge func(C) (N, []string, error)
	// write writes next.
	write func(context.Context, N) error
	// readFP and writeFP identify a read and a written value.
	readFP  func(C) string
	writeFP func(N) string
}

// run carries out the cycle and reports what it wrote.
//
// The merge is always made on a fresh read taken one request before the
// write, so the window in which another writer's change can be lost is one
// round trip. A write that fails with a retryable error is not retried
// with the old merge: the loop reads and merges again. After a write it
// waits about twice the read-to-write time before verifying, so that a
// concurrent writer who read before our write has landed its own write by
// then; if our part is missing, it merges again (up to verifyRounds
// times, then ErrConflict).
//
// A verifying read whose merge would send exactly what was just sent
// means the write did not take. When the read shows exactly what the write
// was merged into, it may be a stale read (S3's bucket configuration is
// eventually consistent): it is read again after growing delays, for up
// to Retry's stale-read budget. Otherwise, or once the budget is spent,
// the endpoint did not keep the change (it does not support a field, or
// another writer puts back the same value every time): writing again would
// change nothing, so run stops and reports it in outcome.notKept.
//
// Within this process the cycles on one setting (key) are serialised.
func (s rmw[C, N]) run(ctx context.Context, rt Retry) (outcome, error) {
	defer settingLocks.lock(s.key)()
	var out outcome
	failures, rounds := 0, 0
	var base, last string // fingerprints of what the last write was merged into, and of the write
	var staleWaited, staleDelay time.Duration
	for {
		start := time.Now()
		cur, err := s.read(ctx)
		if err != nil {
			return out, fmt.Errorf("read %s: %w", s.what, err)
		}
		next, what, err := s.merge(cur)
		if err != nil || len(what) == 0 {
			return out, err
		}
		if out.wrote {
			if s.writeFP(next) == last {
				if s.readFP(cur) == base && staleWaited < rt.staleBudget() {
					// Probably our write is not visible yet.
					staleDelay = min(max(2*staleDelay, rt.BaseDelay), rt.MaxDelay)
					if err := sleep(ctx, staleDelay); err != nil {
						return out, err
					}
					staleWaited += staleDelay
					continue
				}
				out.notKept = what
				return out, nil
			}
			if rounds+1 >= verifyRounds {
				return out, fmt.Errorf("%w: another writer kept replacing the %s (%d writes)", ErrConflict, s.what, rounds+1)
			}
		}
		if err := s.write(ctx, next); err != nil {
			if retryable(err) && failures+1 < rt.MaxAttempts && ctx.Err() == nil {
				if serr := sleep(ctx, backoff(rt, failures)); serr != nil {
					return out, fmt.Errorf("put %s: %w", s.what, err)
				}
				failures++
				continue
			}
			return out, fmt.Errorf("put %s: %w", s.what, err)
		}
		if out.wrote {
			rounds++ // a rewrite after another writer's change
		}
		out.wrote = true
		base, last = s.readFP(cur), s.writeFP(next)
		staleWaited, staleDelay = 0, 0
		window := time.Since(start)
		settle := 2*window + time.Duration(rand.Int64N(int64(window)+1))
		if err := sleep(ctx, settle); err != nil {
			return out, err
		}
	}
}
