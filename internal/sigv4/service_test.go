package sigv4_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/sigv4"
)

// serviceServer verifies every request for service in a real HTTP server
// (so the path is the one sent on the wire), hashing the body as the
// generic SigV4 rules require, and answers the error code or "ok".
func serviceServer(t *testing.T, service string, creds sigv4.Credentials, now func() time.Time) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		opts := &sigv4.VerifyOptions{Now: now, Service: service}
		if service != "s3" {
			opts.PayloadHash = sha(body)
		}
		_, err := sigv4.Verify(r, lookupOf(creds), opts)
		if e := (*sigv4.Error)(nil); err != nil {
			if !assert.ErrorAs(t, err, &e) {
				w.WriteHeader(http.StatusUnauthorized)
				return
			}
			w.WriteHeader(e.StatusCode)
			_, _ = io.WriteString(w, e.Code)
			return
		}
		_, _ = io.WriteString(w, "ok")
	}))
	t.Cleanup(srv.Close)
	return srv
}

// TestSDKSignerServices signs requests with aws-sdk-go-v2's own v4 signer
// for every service a fake of ours speaks, with the paths those services
// use (Access Analyzer puts ARNs in path labels, which the SDK escapes with
// %3A and %2F and its signer escapes again), and checks that Verify agrees:
// right secret accepted, wrong secret and tampered paths refused.
func TestSDKSignerServices(t *testing.T) {
	now := time.Now().UTC()
	clock := func() time.Time { return now }
	creds := sigv4.Credentials{AccessKeyID: "AKIASERVICETEST00001", SecretAccessKey: "svc/secret+key=="}
	good := aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}
	bad := aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: "not-the-secret"}
	arn := url.PathEscape("arn:aws:access-analyzer:us-east-1:111122223333:analyzer/my-analyzer")
	arn = strings.ReplaceAll(strings.ReplaceAll(arn, ":", "%3A"), "/", "%2F")

	tests := []struct {
		service, method, path, query, body string
		// s3Rules: the SDK signs this service with DisableURIPathEscaping
		// (S3, and S3 Control through its endpoint rules).
		s3Rules bool
	}{
		{service: "cloudfront", method: http.MethodGet, path: "/2020-05-31/distribution/E2QWRUHAPOMQZL/config"},
		{service: "cloudfront", method: http.MethodPost, path: "/2020-05-31/origin-access-control", body: `<OriginAccessControlConfig xmlns="http://cloudfront.amazonaws.com/doc/2020-05-31/"><Name>a b</Name></OriginAccessControlConfig>`},
		{service: "cloudfront", method: http.MethodPost, path: "/2020-05-31/tagging", query: "Operation=Tag&Resource=" + url.QueryEscape("arn:aws:cloudfront::111122223333:distribution/E2QW"), body: "<Tags/>"},
		{service: "cloudtrail", method: http.MethodPost, path: "/", body: `{"trailNameList":["t"]}`},
		{service: "iam", method: http.MethodPost, path: "/", body: "Action=ListUsers&Version=2010-05-08&PathPrefix=%2Fdivision_abc%2F"},
		{service: "access-analyzer", method: http.MethodGet, path: "/analyzer/my-analyzer"},
		{service: "access-analyzer", method: http.MethodGet, path: "/tags/" + arn},
		{service: "access-analyzer", method: http.MethodGet, path: "/finding/f-1%2F2%20%2B", query: "analyzerArn=" + url.QueryEscape("arn:aws:access-analyzer:us-east-1:111122223333:analyzer/a")},
		{service: "access-analyzer", method: http.MethodPost, path: "/policy/validation", query: "maxResults=5&nextToken=a%2Fb&nextToken=a-b", body: `{"policyDocument":"{}","policyType":"RESOURCE_POLICY"}`},
		{service: "access-analyzer", method: http.MethodGet, path: "/analyzer/%E1%88%B4~unreserved._-"},
		{service: "s3", method: http.MethodGet, path: "/v20180820/accesspoint/app-ap", s3Rules: true},
		{service: "s3", method: http.MethodPut, path: "/v20180820/configuration/publicAccessBlock", body: "<PublicAccessBlockConfiguration/>", s3Rules: true},
	}
	for _, tt := range tests {
		srv := serviceServer(t, tt.service, creds, clock)
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = tt.s3Rules })
		newReq := func(t *testing.T, path string) *http.Request {
			u := srv.URL + path
			if tt.query != "" {
				u += "?" + tt.query
			}
			req, err := http.NewRequest(tt.method, u, strings.NewReader(tt.body))
			require.NoError(t, err)
			if tt.body == "" {
				req.Body, req.ContentLength = http.NoBody, 0
			}
			if tt.s3Rules {
				req.Header.Set("X-Amz-Content-Sha256", sha([]byte(tt.body)))
			}
			return req
		}
		do := func(t *testing.T, req *http.Request) (int, string) {
			resp, err := srv.Client().Do(req)
			require.NoError(t, err)
			defer resp.Body.Close()
			got, _ := io.ReadAll(resp.Body)
			return resp.StatusCode, string(got)
		}
		name := tt.service + " " + tt.method + " " + tt.path
		t.Run("header "+name, func(t *testing.T) {
			req := newReq(t, tt.path)
			require.NoError(t, signer.SignHTTP(t.Context(), good, req, sha([]byte(tt.body)), tt.service, "eu-west-3", now))
			status, got := do(t, req)
			assert.Equal(t, http.StatusOK, status, got)
			assert.Equal(t, "ok", got)

			req = newReq(t, tt.path)
			// A signer of its own: the SDK caches derived keys by access
			// key id, not by secret.
			require.NoError(t, v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = tt.s3Rules }).SignHTTP(t.Context(), bad, req, sha([]byte(tt.body)), tt.service, "eu-west-3", now))
			_, got = do(t, req)
			assert.Equal(t, "SignatureDoesNotMatch", got, "wrong secret")

			// The signature covers the path: the same header on another
			// path is refused.
			req = newReq(t, tt.path)
			require.NoError(t, signer.SignHTTP(t.Context(), good, req, sha([]byte(tt.body)), tt.service, "eu-west-3", now))
			moved := newReq(t, tt.path+"x")
			moved.Header = req.Header
			_, got = do(t, moved)
			assert.Equal(t, "SignatureDoesNotMatch", got, "tampered path")
		})
		if tt.body != "" && !tt.s3Rules {
			t.Run("body tampered "+name, func(t *testing.T) {
				req := newReq(t, tt.path)
				require.NoError(t, signer.SignHTTP(t.Context(), good, req, sha([]byte(tt.body)), tt.service, "eu-west-3", now))
				other := tt.body + " "
				req.Body, req.ContentLength = io.NopCloser(strings.NewReader(other)), int64(len(other))
				req.Header.Set("Content-Length", "")
				_, got := do(t, req)
				assert.Equal(t, "SignatureDoesNotMatch", got)
			})
			continue
		}
		t.Run("presigned "+name, func(t *testing.T) {
			req := newReq(t, tt.path)
			req.Body, req.ContentLength = http.NoBody, 0
			q := req.URL.Query()
			q.Set("X-Amz-Expires", "300")
			req.URL.RawQuery = q.Encode()
			payload := sha(nil)
			if tt.s3Rules {
				payload = sigv4.UnsignedPayload
				req.Header.Del("X-Amz-Content-Sha256")
			}
			signed, hdr, err := signer.PresignHTTP(t.Context(), good, req, payload, tt.service, "us-east-1", now)
			require.NoError(t, err)
			pr, err := http.NewRequest(tt.method, signed, nil)
			require.NoError(t, err)
			for k, v := range hdr {
				if !strings.EqualFold(k, "host") {
					pr.Header[k] = v
				}
			}
			status, got := do(t, pr)
			assert.Equal(t, http.StatusOK, status, got)
		})
	}
}

// TestCanonicalQuerySortsAfterEncoding pins SigV4's rule that query pairs
// are sorted after encoding: "a/b" sorts after "a-b" decoded but before it
// encoded ("a%2Fb"). The signature below is aws-sdk-go-v2's for that query.
func TestCanonicalQuerySortsAfterEncoding(t *testing.T) {
	now := time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC)
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	for _, service := range []string{"s3", "service"} {
		t.Run(service, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, "https://example.amazonaws.com/?k=a-b&k=a%2Fb&%C3%A9=2&a=1", nil)
			require.NoError(t, err)
			if service == "s3" {
				req.Header.Set("X-Amz-Content-Sha256", sha(nil))
			}
			err = v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}, req, sha(nil), service, "us-east-1", now)
			require.NoError(t, err)
			r := httptest.NewRequest(http.MethodGet, req.URL.String(), nil)
			r.Header = req.Header
			_, err = sigv4.Verify(r, lookupOf(creds), &sigv4.VerifyOptions{Now: func() time.Time { return now }, Service: service})
			assert.NoError(t, err)
		})
	}
}

// TestSuiteVectorsGeneric checks the generic canonical URI on the SigV4
// test-suite requests (aws-c-auth, service "service", REFERENCE.md §4.2
// context) whose path needs encoding, plus an ARN label: the path as sent
// is URI-encoded once more. get-vanilla's signature is the official one;
// the others are signed by aws-sdk-go-v2's signer in the test.
func TestSuiteVectorsGeneric(t *testing.T) {
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	now := func() time.Time { return time.Date(2015, 8, 30, 12, 36, 0, 0, time.UTC) }
	tests := []struct{ name, requestURI string }{
		{"get-vanilla", "/"},
		{"get-unreserved", "/-._~0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"},
		{"get-utf8", "/%E1%88%B4"},
		{"get-space", "/example%20space/"},
		{"arn label", "/tags/arn%3Aaws%3Aiam%3A%3A111122223333%3Arole%2Fr"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(http.MethodGet, "https://example.amazonaws.com"+tt.requestURI, nil)
			require.NoError(t, err)
			err = v4.NewSigner().SignHTTP(t.Context(), aws.Credentials{AccessKeyID: creds.AccessKeyID, SecretAccessKey: creds.SecretAccessKey}, req, sha(nil), "service", "us-east-1", now())
			require.NoError(t, err)
			if tt.name == "get-vanilla" {
				assert.Contains(t, req.Header.Get("Authorization"), "Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31")
			}
			r := httptest.NewRequest(http.MethodGet, "https://example.amazonaws.com"+tt.requestURI, nil)
			r.Header = req.Header
			_, err = sigv4.Verify(r, lookupOf(creds), &sigv4.VerifyOptions{Now: now, Service: "service"})
			require.NoError(t, err)
		})
	}
}
