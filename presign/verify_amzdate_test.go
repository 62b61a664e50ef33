package presign_test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/presign"
)

// TestVerifyRefusesAnAmzDateOutOfFormat: X-Amz-Date "must be formatted
// with the "yyyyMMddTHHmmssZ" format" (S3 API reference, Authenticating
// Requests: Using Query Parameters), and S3 refuses anything else. Go's
// time.Parse takes a fractional second after the seconds even when the
// layout has none, so Verify accepted a presigned URL, a header-signed
// request and VerifyPost a form dated "20260314T150926.5Z" (or ",123")
// when the signature covered that text. Each is refused now as
// malformed, and the same request dated in the format verifies.
func TestVerifyRefusesAnAmzDateOutOfFormat(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	opts := &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }}
	const host = "my-bucket.s3.eu-west-1.amazonaws.com"
	sign := func(date, canon string) string {
		scope := date[:8] + "/eu-west-1/s3/aws4_request"
		m := hmac.New(sha256.New, sigv4.SigningKey(testSecret, date[:8], "eu-west-1", "s3"))
		m.Write([]byte(sigv4.StringToSign(date, scope, canon)))
		return hex.EncodeToString(m.Sum(nil))
	}
	presigned := func(date string) *http.Request {
		q := url.Values{
			"X-Amz-Algorithm":     {"AWS4-HMAC-SHA256"},
			"X-Amz-Credential":    {testAKID + "/" + date[:8] + "/eu-west-1/s3/aws4_request"},
			"X-Amz-Date":          {date},
			"X-Amz-Expires":       {"600"},
			"X-Amz-SignedHeaders": {"host"},
		}
		query := strings.ReplaceAll(q.Encode(), "+", "%20")
		sig := sign(date, "GET\n/k\n"+query+"\nhost:"+host+"\n\nhost\nUNSIGNED-PAYLOAD")
		return httptest.NewRequest(http.MethodGet, "https://"+host+"/k?"+query+"&X-Amz-Signature="+sig, nil)
	}
	headerSigned := func(date string) *http.Request {
		r := httptest.NewRequest(http.MethodGet, "https://"+host+"/k", nil)
		r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		r.Header.Set("X-Amz-Date", date)
		const signed = "host;x-amz-content-sha256;x-amz-date"
		sig := sign(date, "GET\n/k\n\nhost:"+host+"\nx-amz-content-sha256:UNSIGNED-PAYLOAD\nx-amz-date:"+date+"\n\n"+signed+"\nUNSIGNED-PAYLOAD")
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAKID+"/"+date[:8]+"/eu-west-1/s3/aws4_request, SignedHeaders="+signed+", Signature="+sig)
		return r
	}
	post := func(date string) error {
		doc := `{"expiration":"2026-03-14T15:30:00Z","conditions":[{"bucket":"my-bucket"},{"key":"k"},` + signingConditions(date) + `]}`
		_, err := presign.VerifyPost("my-bucket", handSignedPost(doc, date, "k"), 1, lookupFor(creds), opts)
		return err
	}
	good := verifyNow.Format("20060102T150405Z")
	_, err := presign.Verify(presigned(good), lookupFor(creds), opts)
	require.NoError(t, err, "the presigned URL dated in the format verifies")
	_, err = presign.Verify(headerSigned(good), lookupFor(creds), opts)
	require.NoError(t, err, "the header-signed request dated in the format verifies")
	require.NoError(t, post(good), "the form dated in the format verifies")

	for _, date := range []string{good[:15] + ".5Z", good[:15] + ",123Z", good[:15] + ".000000001Z"} {
		t.Run(date, func(t *testing.T) {
			_, err := presign.Verify(presigned(date), lookupFor(creds), opts)
			assert.ErrorIs(t, err, presign.ErrMalformed, "presigned")
			_, err = presign.Verify(headerSigned(date), lookupFor(creds), opts)
			assert.ErrorIs(t, err, presign.ErrMalformed, "header-signed")
			assert.ErrorIs(t, post(date), presign.ErrMalformed, "POST form")
		})
	}
}
