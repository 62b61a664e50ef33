package testretry_test

import (
	"errors"
	"fmt"
	"net"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/testretry"
)

func TestClosedConn(t *testing.T) {
	r := testretry.ClosedConn{}
	assert.True(t, r.IsErrorRetryable(fmt.Errorf("decode: %w", &net.OpError{Op: "read", Err: net.ErrClosed})))
	assert.False(t, r.IsErrorRetryable(errors.New("api error SlowDown: Please reduce your request rate.")))
	assert.False(t, r.IsErrorRetryable(&net.OpError{Op: "dial", Err: errors.New("connection refused")}))
	assert.Equal(t, 3, r.MaxAttempts())
	d, err := r.RetryDelay(1, nil)
	require.NoError(t, err)
	assert.Zero(t, d)
	release, err := r.GetRetryToken(t.Context(), nil)
	require.NoError(t, err)
	assert.NoError(t, release(nil))
}
