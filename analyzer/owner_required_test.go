package analyzer_test

import (
	"context"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/analyzer"
)

// TestOwnerIsRequired: Fetch, AnalyzeBucket and AnalyzeAll cannot tell the
// owner's principals from other accounts' without FetchOptions.Owner, so
// nil options (the first call a newcomer writes) and an empty Owner are
// refused with ErrInvalidInput before any request, and the message names
// the field to set and where its value comes from.
func TestOwnerIsRequired(t *testing.T) {
	calls := map[string]func(ctx context.Context, opts *analyzer.FetchOptions) error{
		"Fetch": func(ctx context.Context, opts *analyzer.FetchOptions) error {
			_, err := analyzer.Fetch(ctx, newFailingS3(t), "my-bucket", opts)
			return err
		},
		"AnalyzeBucket": func(ctx context.Context, opts *analyzer.FetchOptions) error {
			_, err := analyzer.AnalyzeBucket(ctx, newFailingS3(t), "my-bucket", opts)
			return err
		},
		"AnalyzeAll": func(ctx context.Context, opts *analyzer.FetchOptions) error {
			_, err := analyzer.AnalyzeAll(ctx, newFailingS3(t), opts)
			return err
		},
	}
	for name, call := range calls {
		for _, opts := range []*analyzer.FetchOptions{nil, {}} {
			err := call(t.Context(), opts)
			assert.ErrorIs(t, err, analyzer.ErrInvalidInput, name)
			assert.ErrorContains(t, err, "FetchOptions.Owner is required: the 12-digit account that owns the buckets (STS GetCallerIdentity gives the caller's)", name)
		}
		err := call(t.Context(), &analyzer.FetchOptions{Owner: "12345"})
		assert.ErrorIs(t, err, analyzer.ErrInvalidInput, name)
		assert.ErrorContains(t, err, `FetchOptions.Owner "12345" is not a 12-digit account id`, name)
	}
}
