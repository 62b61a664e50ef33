package cloudfront

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/aws/aws-sdk-go-v2/service/cloudfront/types"
)

// ifMatchWrite is a change to one CloudFront configuration (a
// distribution's, an origin access control's) written with If-Match on the
// ETag of the read it was merged into. CloudFront refuses such a write
// with 412 PreconditionFailed when the configuration changed since the
// read; the change is then merged again into a fresh read, never into the
// stale copy, so what the other writer put there stays.
type ifMatchWrite[C any] struct {
	// what names the configuration in errors ("distribution E123").
	what string
	// read returns the configuration and its ETag.
	read func(ctx context.Context) (C, *string, error)
	// merge applies the change to cur in place and says what it changed;
	// none means the configuration needs nothing (any more). An error
	// means it cannot be changed as asked: nothing is written.
	merge func(cur C) ([]string, error)
	// write writes cur with If-Match etag, and returns the configuration
	// as the endpoint answered it (ok false: the answer held none).
	write func(ctx context.Context, cur C, etag *string) (answered C, ok bool, err error)
}

// run writes cur (read with etag, already merged: changes says what was
// changed) and, each time CloudFront answers PreconditionFailed, reads the
// configuration again, merges into it and writes it, at most
// MaxConfigWriteAttempts writes in all. It returns what the write that
// took changed, or nil when a fresh read needed nothing (another writer
// made the change). After the last refused write the error wraps
// ErrConcurrentUpdate and the last *types.PreconditionFailed.
//
// The write that took is verified: the configuration the endpoint
// answered (or, when the answer holds none, read again) must need nothing
// more from merge. One that does (the endpoint accepted the write and did
// not keep the change, as moto 5.2.1 drops an origin's
// OriginAccessControlId) is an error wrapping ErrConflict.
func (w ifMatchWrite[C]) run(ctx context.Context, cur C, etag *string, changes []string) ([]string, error) {
	for attempt := 1; ; attempt++ {
		if len(changes) == 0 {
			return nil, nil
		}
		answered, ok, err := w.write(ctx, cur, etag)
		if err == nil {
			return changes, w.verify(ctx, answered, ok)
		}
		if !isPreconditionFailed(err) {
			return nil, err
		}
		if attempt == MaxConfigWriteAttempts {
			return nil, fmt.Errorf("%w: %s changed between each of %d reads and the write that followed it (If-Match refused every time; nothing of the other writer's was overwritten): %w",
				ErrConcurrentUpdate, w.what, MaxConfigWriteAttempts, err)
		}
		if cur, etag, err = w.read(ctx); err != nil {
			return nil, err
		}
		if changes, err = w.merge(cur); err != nil {
			return nil, err
		}
	}
}

// verify checks that answered (ok false: none; the configuration is read
// again) holds the change: merge finds nothing more to do in it.
func (w ifMatchWrite[C]) verify(ctx context.Context, answered C, ok bool) error {
	if !ok {
		var err error
		if answered, _, err = w.read(ctx); err != nil {
			return fmt.Errorf("reading %s back after the write: %w", w.what, err)
		}
	}
	left, err := w.merge(answered)
	if err != nil {
		return fmt.Errorf("%w: %s after the write: %w", ErrConflict, w.what, err)
	}
	if len(left) > 0 {
		return fmt.Errorf("%w: the endpoint accepted the write of %s and did not keep %s (read back after the write; it does not support it)", ErrConflict, w.what, strings.Join(left, "; "))
	}
	return nil
}

// isPreconditionFailed reports CloudFront's answer to a write whose
// If-Match is not the resource's current ETag.
func isPreconditionFailed(err error) bool {
	var pf *types.PreconditionFailed
	return errors.As(err, &pf)
}
