package securebucket

import (
	"context"
	"fmt"
	"strings"

	"github.com/s3secure/s3secure/internal/rmw"
)

// runCycle writes one whole-replace setting with the library's write
// discipline ([rmw.Cycle.Run]: fresh read, merge, write, verify; see
// "Writes" in the package documentation), with r's retries. A conflict
// wraps [ErrConflict].
func runCycle[C, N any](ctx context.Context, r Retry, c rmw.Cycle[C, N]) (rmw.Outcome, error) {
	c.Conflict = ErrConflict
	return c.Run(ctx, r.policy())
}

// notKeptError is the error of a single-purpose write (an account-level
// call without a step Result) whose change the endpoint did not keep:
// what names the change, as Harden's [ActionNotKept] detail does.
func notKeptError(what []string) error {
	return fmt.Errorf("%w: %s", ErrConflict, notKeptDetail(what))
}

// notKeptDetail says what the endpoint did not keep of a write.
func notKeptDetail(what []string) string {
	return "the endpoint did not keep: " + strings.Join(what, "; ") +
		" (read back after the write; it does not support this, or another writer puts the old value back)"
}
