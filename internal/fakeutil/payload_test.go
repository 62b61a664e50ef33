package fakeutil_test

import (
	"io"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
)

func TestCheckPayload(t *testing.T) {
	const helloSHA256 = "b94d27b9934d3e08a52e52d7da7dabfac484efe37a5380ee9088f7ace2efcde9" // "hello world"
	for _, tc := range []struct {
		name, body, hash string
		limit            int64
		mismatch         bool
		err              error
	}{
		{"match", "hello world", helloSHA256, 100, false, nil},
		{"match, upper case", "hello world", strings.ToUpper(helloSHA256), 100, false, nil},
		{"changed body", "HELLO WORLD", helloSHA256, 100, true, nil},
		{"unsigned payload", "anything", "UNSIGNED-PAYLOAD", 100, false, nil},
		{"streaming marker", "anything", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", 100, false, nil},
		{"too large", "hello world", helloSHA256, 5, false, fakeutil.ErrPayloadTooLarge},
	} {
		t.Run(tc.name, func(t *testing.T) {
			r := httptest.NewRequest("PUT", "/b/k", strings.NewReader(tc.body))
			sum, err := fakeutil.CheckPayload(r, tc.hash, tc.limit)
			require.ErrorIs(t, err, tc.err)
			assert.Equal(t, tc.mismatch, sum != "", sum)
			if err == nil {
				b, err := io.ReadAll(r.Body)
				require.NoError(t, err)
				assert.Equal(t, tc.body, string(b), "the body is put back")
			}
		})
	}
}
