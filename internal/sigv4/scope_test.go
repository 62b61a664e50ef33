package sigv4_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/sigv4"
)

// TestRequestScope reads the scope of requests signed by the SDK's own
// signer, in the header and presigned, and refuses what is not a SigV4
// scope.
func TestRequestScope(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: "AKIASCOPETEST0000001", SecretAccessKey: "scope/secret"}
	signer := v4.NewSigner()
	now := time.Now()

	header := httptest.NewRequest(http.MethodPost, "http://fake.test/", nil)
	require.NoError(t, signer.SignHTTP(t.Context(), creds, header, sha(nil), "access-analyzer", "eu-west-1", now))
	got, ok := sigv4.RequestScope(header)
	require.True(t, ok)
	assert.Equal(t, sigv4.Scope{AccessKeyID: creds.AccessKeyID, Region: "eu-west-1", Service: "access-analyzer"}, got)

	presigned := httptest.NewRequest(http.MethodGet, "http://fake.test/b/k?X-Amz-Expires=60", nil)
	u, _, err := signer.PresignHTTP(t.Context(), creds, presigned, "UNSIGNED-PAYLOAD", "s3", "us-east-1", now)
	require.NoError(t, err)
	got, ok = sigv4.RequestScope(httptest.NewRequest(http.MethodGet, u, nil))
	require.True(t, ok)
	assert.Equal(t, sigv4.Scope{AccessKeyID: creds.AccessKeyID, Region: "us-east-1", Service: "s3"}, got)

	for name, set := range map[string]func(r *http.Request){
		"unsigned": func(*http.Request) {},
		"sigv2":    func(r *http.Request) { r.Header.Set("Authorization", "AWS AKIAX:c2lnbmF0dXJl") },
		"short scope": func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAX/20260101/s3/aws4_request")
		},
		"bad date": func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAX/2026-1-1/r/s3/aws4_request")
		},
		"no credential": func(r *http.Request) {
			r.Header.Set("Authorization", "AWS4-HMAC-SHA256 SignedHeaders=host, Signature=00")
		},
	} {
		r := httptest.NewRequest(http.MethodGet, "http://fake.test/", nil)
		set(r)
		_, ok := sigv4.RequestScope(r)
		assert.False(t, ok, name)
	}
}
