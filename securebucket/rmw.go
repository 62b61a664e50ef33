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
// S3 allows, by readMergeWrite's verification.
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

// readMergeWrite changes a setting that S3 replaces whole and cannot write
// conditionally (a bucket policy, a lifecycle configuration): read it,
// merge our part in, write it back, and verify by reading again.
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
// Within this process the cycles on one setting (key) are serialised.
//
// S3's bucket configuration is eventually consistent: a read right after a
// write may still show the old value. A verifying read that shows exactly
// what the last write was merged into is taken as such a stale read, not
// as another writer: it is read again after a growing delay, for up to
// staleReadBudget in all, before it counts as a conflict.
//
// merge returns changed=false when cur already holds our part; fingerprint
// identifies a read value. It returns whether anything was written.
func readMergeWrite[C, N any](ctx context.Context, rt Retry, key, what string,
	read func(context.Context) (C, error),
	fingerprint func(C) string,
	merge func(C) (N, bool, error),
	write func(context.Context, N) error,
) (bool, error) {
	defer settingLocks.lock(key)()
	wrote := false
	failures, rounds := 0, 0
	var base string // fingerprint of what the last write was merged into
	staleWaited := time.Duration(0)
	staleDelay := time.Duration(0)
	for {
		start := time.Now()
		cur, err := read(ctx)
		if err != nil {
			return wrote, fmt.Errorf("read %s: %w", what, err)
		}
		next, changed, err := merge(cur)
		if err != nil || !changed {
			return wrote, err
		}
		if wrote {
			fp := fingerprint(cur)
			if fp == base && staleWaited < staleReadBudget {
				// Probably our write is not visible yet.
				staleDelay = min(max(2*staleDelay, 50*time.Millisecond), 2*time.Second)
				if err := sleep(ctx, staleDelay); err != nil {
					return wrote, err
				}
				staleWaited += staleDelay
				continue
			}
			rounds++
			if rounds >= verifyRounds {
				return wrote, fmt.Errorf("%w: another writer kept replacing the %s (%d writes)", ErrConflict, what, rounds)
			}
		}
		if err := write(ctx, next); err != nil {
			if retryable(err) && failures+1 < rt.MaxAttempts && ctx.Err() == nil {
				if serr := sleep(ctx, backoff(rt, failures)); serr != nil {
					return wrote, fmt.Errorf("put %s: %w", what, err)
				}
				failures++
				continue
			}
			return wrote, fmt.Errorf("put %s: %w", what, err)
		}
		wrote = true
		base = fingerprint(cur)
		window := time.Since(start)
		settle := 2*window + time.Duration(rand.Int64N(int64(window)+1))
		if err := sleep(ctx, settle); err != nil {
			return wrote, err
		}
	}
}
