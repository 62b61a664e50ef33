package sigv4_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/sigv4"
)

// TestPresignedTimeMessagesAreS3s: a presigned URL used too early or too
// late is AccessDenied with S3's own message. S3 answers a URL dated ahead
// of its clock with "Request is not yet valid" (the error documents quoted
// in minio/minio#2638 and dmjio/s3-signer#16); the verifier said "Request
// is not valid yet", which a client matching S3's text would not
// recognise. Each row is the get-vanilla query vector (REFERENCE.md §4.2)
// at another time.
func TestPresignedTimeMessagesAreS3s(t *testing.T) {
	suite := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	const vanilla = "https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d"
	for _, tc := range []struct{ now, msg string }{
		{"20150830T122059Z", "Request is not yet valid"},
		{"20150830T122100Z", ""},
		{"20150830T133600Z", ""},
		{"20150830T133601Z", "Request has expired"},
	} {
		r := httptest.NewRequest(http.MethodGet, vanilla, nil)
		_, err := sigv4.Verify(r, lookupOf(suite), &sigv4.VerifyOptions{Now: at(tc.now), Service: "service"})
		if tc.msg == "" {
			assert.NoError(t, err, tc.now)
			continue
		}
		var e *sigv4.Error
		require.True(t, errors.As(err, &e), tc.now)
		assert.Equal(t, "AccessDenied", e.Code, tc.now)
		assert.Equal(t, tc.msg, e.Message, tc.now)
	}
}
