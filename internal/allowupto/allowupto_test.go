package allowupto_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/internal/allowupto"
)

func TestMerge(t *testing.T) {
	for _, tt := range []struct{ allow, deprecated, want time.Duration }{
		{0, 0, 0},
		{time.Hour, 0, time.Hour},
		{0, time.Hour, time.Hour},
		{time.Hour, 2 * time.Hour, time.Hour},
		{2 * time.Hour, time.Hour, time.Hour},
		{-time.Hour, time.Hour, -time.Hour},
		{time.Hour, -time.Hour, -time.Hour},
	} {
		assert.Equal(t, tt.want, allowupto.Merge(tt.allow, tt.deprecated), "%v %v", tt.allow, tt.deprecated)
	}
}
