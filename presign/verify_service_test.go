package presign_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

func hexSHA256(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestVerifyService signs requests for non-S3 services with aws-sdk-go-v2's
// own signer and checks Verify with VerifyOptions.Service: the body is
// hashed (and still readable afterwards), ARNs in paths are encoded twice,
// a wrong secret, a changed body or the wrong service are refused.
func TestVerifyService(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	wrong := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: "wrong"}
	tests := []struct {
		name, service, method, url, body string
		signWith                         aws.Credentials
		verifyAs                         string // Service option; "" = the signing service
		tamperBody                       bool
		want                             error
	}{
		{name: "iam query POST", service: "iam", method: http.MethodPost, url: "https://iam.amazonaws.com/", body: "Action=ListUsers&Version=2010-05-08", signWith: creds},
		{name: "cloudtrail json", service: "cloudtrail", method: http.MethodPost, url: "https://cloudtrail.eu-west-1.amazonaws.com/", body: `{"trailNameList":[]}`, signWith: creds},
		{name: "access-analyzer arn path", service: "access-analyzer", method: http.MethodGet, url: "https://access-analyzer.us-east-1.amazonaws.com/tags/arn%3Aaws%3Aaccess-analyzer%3Aus-east-1%3A111122223333%3Aanalyzer%2Fa", signWith: creds},
		{name: "cloudfront xml PUT", service: "cloudfront", method: http.MethodPut, url: "https://cloudfront.amazonaws.com/2020-05-31/distribution/E1/config", body: "<DistributionConfig/>", signWith: creds},
		{name: "wrong secret", service: "iam", method: http.MethodPost, url: "https://iam.amazonaws.com/", body: "Action=ListUsers&Version=2010-05-08", signWith: wrong, want: presign.ErrSignatureMismatch},
		{name: "body changed after signing", service: "iam", method: http.MethodPost, url: "https://iam.amazonaws.com/", body: "Action=ListUsers&Version=2010-05-08", signWith: creds, tamperBody: true, want: presign.ErrSignatureMismatch},
		{name: "signed for another service", service: "iam", method: http.MethodPost, url: "https://iam.amazonaws.com/", body: "Action=ListUsers", signWith: creds, verifyAs: "cloudtrail", want: presign.ErrMalformed},
		{name: "non-s3 signature checked as s3", service: "cloudfront", method: http.MethodGet, url: "https://cloudfront.amazonaws.com/2020-05-31/distribution", signWith: creds, verifyAs: "s3", want: presign.ErrMalformed},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, tt.url, strings.NewReader(tt.body))
			require.NoError(t, err)
			if tt.body == "" {
				req.Body, req.ContentLength = http.NoBody, 0
			}
			require.NoError(t, v4.NewSigner().SignHTTP(t.Context(), tt.signWith, req, hexSHA256([]byte(tt.body)), tt.service, "eu-west-1", verifyNow))

			body := tt.body
			if tt.tamperBody {
				body = strings.Replace(body, "ListUsers", "DeleteUser", 1)
			}
			r := httptest.NewRequest(tt.method, tt.url, strings.NewReader(body))
			r.Header = req.Header.Clone()
			as := tt.service
			if tt.verifyAs != "" {
				as = tt.verifyAs
			}
			if as == "s3" {
				as = "" // the default
			}
			v, err := presign.Verify(r, lookupFor(creds), &presign.VerifyOptions{Now: func() time.Time { return verifyNow }, Service: as})
			if tt.want != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.want)
				assert.NotContains(t, err.Error(), testSecret)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, testAKID, v.AccessKeyID)
			assert.Equal(t, "eu-west-1", v.Region)
			assert.Equal(t, hexSHA256([]byte(tt.body)), v.PayloadHash)
			rest, err := io.ReadAll(r.Body)
			require.NoError(t, err)
			assert.Equal(t, tt.body, string(rest), "the handler still reads the body")
		})
	}
}

// TestVerifyServiceBodyLimit: a body longer than MaxVerifiedBody is refused
// before any hashing of a partial body could pass.
func TestVerifyServiceBodyLimit(t *testing.T) {
	big := bytes.Repeat([]byte("a"), presign.MaxVerifiedBody+1)
	r := httptest.NewRequest(http.MethodPost, "https://iam.amazonaws.com/", bytes.NewReader(big))
	r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential="+testAKID+"/20260314/us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, Signature=00")
	_, err := presign.Verify(r, lookupFor(aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}), &presign.VerifyOptions{Service: "iam"})
	require.Error(t, err)
	assert.ErrorIs(t, err, presign.ErrMalformed)
	var ve *presign.VerifyError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, http.StatusRequestEntityTooLarge, ve.HTTPStatus())
}
