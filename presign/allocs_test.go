package presign_test

import (
	"context"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// maxAllocsPerURL is the presign issue's target: at most 5 allocations per
// presigned GET URL (BenchmarkPresignGet reports the figure; this pins it).
const maxAllocsPerURL = 5

func TestPresignGetAllocations(t *testing.T) {
	if raceEnabled {
		t.Skip("the race detector adds allocations")
	}
	p, err := presign.New(aws.Config{Region: "us-east-1", Credentials: benchCreds()}, nil)
	require.NoError(t, err)
	ctx := context.Background()
	// Warm the derived signing key cache, as every URL after the first
	// of the day finds it.
	_, err = p.Get(ctx, benchBucket, benchKey, nil)
	require.NoError(t, err)
	var failed error
	n := testing.AllocsPerRun(200, func() {
		if _, err := p.Get(ctx, benchBucket, benchKey, nil); err != nil {
			failed = err
		}
	})
	require.NoError(t, failed)
	assert.LessOrEqual(t, n, float64(maxAllocsPerURL), "allocations per presigned GET URL")
	t.Logf("%.0f allocations per URL", n)
}
