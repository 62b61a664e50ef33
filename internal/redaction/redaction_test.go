package redaction_test

import (
	"fmt"
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/internal/redaction"
)

// TestSecrets: signatures and session tokens are cut out in every form
// a URL, an HTTP header or Go's printing of one writes them; the access
// key id and everything else stays.
func TestSecrets(t *testing.T) {
	const sig, tok = "deadbeef0123456789", "FQoGZXIvYXdzSESSIONTOKEN/+="
	auth := "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20260101/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=" + sig
	h := http.Header{"Authorization": {auth}, "X-Amz-Security-Token": {tok}}
	for name, in := range map[string]string{
		"presigned URL":   "https://b.s3.amazonaws.com/k?X-Amz-Credential=AKIDEXAMPLE%2F20260101&X-Amz-Security-Token=" + tok + "&X-Amz-Signature=" + sig,
		"escaped names":   "https://b/k?X%2DAmz%2DSignature=" + sig + "&x%2damz%2dsecurity%2dtoken%3d" + tok,
		"header lines":    "Authorization: " + auth + "\r\nX-Amz-Security-Token: " + tok + "\r\n",
		"http.Header %v":  fmt.Sprintf("%v", h),
		"http.Header %#v": fmt.Sprintf("%#v", h),
		"JSON":            `{"X-Amz-Security-Token": "` + tok + `", "Signature": "x"} Signature=` + sig,
		"environment":     "AWS_SESSION_TOKEN=" + tok + " aws_secret_access_key=" + sig,
	} {
		t.Run(name, func(t *testing.T) {
			out := redaction.Secrets(in)
			assert.NotContains(t, out, sig)
			assert.NotContains(t, out, tok)
			assert.Contains(t, out, redaction.Redacted)
		})
	}
	assert.Contains(t, redaction.Secrets(fmt.Sprintf("%v", h)), "AKIDEXAMPLE/20260101", "the access key id is no secret")
	assert.Contains(t, redaction.Secrets(fmt.Sprintf("%v", h)), "X-Amz-Security-Token:[REDACTED]]")
	const plain = "s3secure: presign: -bucket and -key are required; the request signature we calculated does not match"
	assert.Equal(t, plain, redaction.Secrets(plain))
}
