package cloudfront

import (
	"context"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/s3secure/s3secure/policy"
)

// documentEdit returns the policy to write, given the policy read just
// before the write (nil: there is none), and whether it differs from it.
// It may be called more than once, each time on a fresher read.
type documentEdit func(cur *policy.Document) (next *policy.Document, changed bool, err error)

// Write discipline. S3 replaces a bucket policy whole and offers no
// conditional write (and neither does KMS for a key policy), so every
// change this package makes to one is:
//
//   - read, just before the write (never a copy read earlier: Migrate waits
//     minutes for a deployment between planning and writing);
//   - merged: our statements added or replaced by Sid with policy.Merge,
//     the statements we retire removed, every other statement kept as
//     read;
//   - written;
//   - verified: read again after a pause of about twice the read-to-write
//     time (so that another writer who read before our write has landed
//     theirs), and if our change is missing, merged again into what that
//     writer left and written again, up to policyWriteRounds writes (then
//     ErrConflict).
//
// A verifying read that shows exactly what the last write was merged into
// may be a stale read (S3's bucket configuration is eventually
// consistent): it is read again after growing pauses, up to
// staleReadBudget in all, before it counts as another writer's.
const (
	policyWriteRounds = 5
	staleReadBudget   = 5 * time.Second
)

// changeDocument applies edit to a policy document with the write
// discipline above. read returns the document (nil when there is none) and
// its text as read; write writes a document. It reports whether it wrote.
func changeDocument(ctx context.Context, what string,
	read func(context.Context) (*policy.Document, string, error),
	write func(context.Context, *policy.Document) error,
	edit documentEdit,
) (bool, error) {
	wrote := false
	rounds := 0
	var base string // the text the last write was merged into
	var staleWaited, staleDelay time.Duration
	for {
		start := time.Now()
		cur, raw, err := read(ctx)
		if err != nil {
			return wrote, err
		}
		next, changed, err := edit(cur)
		if err != nil || !changed {
			return wrote, err
		}
		if wrote {
			if raw == base && staleWaited < staleReadBudget {
				staleDelay = min(max(2*staleDelay, 50*time.Millisecond), time.Second)
				if err := sleep(ctx, staleDelay); err != nil {
					return wrote, err
				}
				staleWaited += staleDelay
				continue
			}
			if rounds >= policyWriteRounds {
				return wrote, fmt.Errorf("%w: another writer kept replacing the %s (%d writes)", ErrConflict, what, rounds)
			}
		}
		if err := write(ctx, next); err != nil {
			return wrote, err
		}
		wrote, base = true, raw
		rounds++
		window := time.Since(start)
		if err := sleep(ctx, 2*window+time.Duration(rand.Int64N(int64(window)+1))); err != nil {
			return wrote, err
		}
	}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
