package sigv4_test

import (
	"errors"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/s3secure/s3secure/internal/sigv4"
)

// FuzzVerify feeds arbitrary URLs and Authorization headers to Verify. It
// must never panic, must answer one of the documented codes, and must never
// echo the secret.
func FuzzVerify(f *testing.F) {
	const secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
	f.Add("GET", "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404", "", "", "")
	f.Add("GET", "https://examplebucket.s3.amazonaws.com/test.txt", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41", "20130524T000000Z", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
	f.Add("PUT", "https://h/b/k?X-Amz-Expires=604801&X-Amz-Algorithm=AWS4-HMAC-SHA256", "", "", "")
	f.Add("GET", "https://h/", "AWS4-HMAC-SHA256 Credential=a/b/c/d/e", "x", "UNSIGNED-PAYLOAD")
	f.Add("GET", "https://h/?AWSAccessKeyId=x&Signature=y", "AWS x:y", "", "")
	// Query text url.Query drops: refused, never skipped unsigned.
	const vector = "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	for _, extra := range []string{"&response-content-type=text/html;x=1", "&a=%zz", "&a=%4", "&%zz=1", "&=x", "&="} {
		f.Add("GET", vector+extra, "", "", "")
	}
	known := map[string]bool{
		"InvalidAccessKeyId": true, "SignatureDoesNotMatch": true, "RequestTimeTooSkewed": true, "AccessDenied": true,
		"AuthorizationHeaderMalformed": true, "AuthorizationQueryParametersError": true, "InvalidToken": true,
		"InvalidRequest": true, "InvalidArgument": true,
		// A STREAMING payload marker: SigV4a, or no decoded length.
		"NotImplemented": true, "MissingContentLength": true,
	}
	lookup := lookupOf(sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: secret})
	now := func() time.Time { return time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC) }
	f.Fuzz(func(t *testing.T, method, rawURL, authz, amzDate, payload string) {
		u, err := url.Parse(rawURL)
		if err != nil || u.Host == "" {
			return
		}
		r := &http.Request{Method: method, URL: u, Host: u.Host, Header: http.Header{}}
		if authz != "" {
			r.Header.Set("Authorization", authz)
		}
		if amzDate != "" {
			r.Header.Set("X-Amz-Date", amzDate)
		}
		if payload != "" {
			r.Header.Set("X-Amz-Content-Sha256", payload)
		}
		res, err := sigv4.Verify(r, lookup, &sigv4.VerifyOptions{Now: now})
		if err == nil {
			if res == nil || res.AccessKeyID != "AKIAIOSFODNN7EXAMPLE" {
				t.Fatalf("success without a known key: %+v", res)
			}
			if q, perr := url.ParseQuery(u.RawQuery); perr != nil || q.Has("") {
				t.Fatalf("verified a query that does not parse strictly: %q", u.RawQuery)
			}
			return
		}
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error leaks the secret: %v", err)
		}
		if errors.Is(err, sigv4.ErrUnsigned) {
			return
		}
		var e *sigv4.Error
		if !errors.As(err, &e) || !known[e.Code] || e.StatusCode == 0 {
			t.Fatalf("undocumented error %T %v", err, err)
		}
	})
}
