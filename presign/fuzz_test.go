package presign_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/presign"
)

// FuzzVerify feeds arbitrary methods, URLs and headers to Verify. It must
// never panic, must return either a result or a *VerifyError, must not
// leak the secret, token or signature in errors, and must accept only
// requests whose signature really is the one for the lookup's secret (checked
// by verifying again with a different secret) and whose raw query parses
// strictly (nothing was dropped unsigned). Seed corpus:
// testdata/fuzz/FuzzVerify, including valid URLs with query text that
// url.Query would drop (query-*).
func FuzzVerify(f *testing.F) {
	p := newTestPresigner(f, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, nil)
	for _, k := range []string{"k", "dir/a b+c.txt", "日本"} {
		r, err := p.Get(f.Context(), "my-bucket", k, nil)
		if err != nil {
			f.Fatal(err)
		}
		f.Add("GET", r.URL, "")
	}
	put, err := p.Put(f.Context(), "my-bucket", "up", "image/png", &presign.PutOptions{ContentLength: 3})
	if err != nil {
		f.Fatal(err)
	}
	f.Add("PUT", put.URL, "Content-Type: image/png\nX-Amz-Acl: private")
	f.Add("GET", "https://h/k", "Authorization: AWS4-HMAC-SHA256 Credential=AKIAS3SECURETEST0001/20260314/eu-west-1/s3/aws4_request, SignedHeaders=host;x-amz-date, Signature=00\nX-Amz-Date: 20260314T150926Z\nX-Amz-Content-Sha256: UNSIGNED-PAYLOAD")

	lookup := lookupFor(aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret})
	wrong := lookupFor(aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret + "x"})
	opts := &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }}
	f.Fuzz(func(t *testing.T, method, rawURL, headers string) {
		u, err := url.Parse(rawURL)
		if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
			return
		}
		if method == "" || strings.ContainsAny(method, " \t\r\n") {
			return
		}
		r := httptest.NewRequest(http.MethodGet, "https://placeholder/", nil)
		r.Method, r.URL, r.Host = method, u, u.Host
		for line := range strings.SplitSeq(headers, "\n") {
			k, v, ok := strings.Cut(line, ":")
			if ok && k != "" {
				r.Header.Add(strings.TrimSpace(k), strings.TrimSpace(v))
			}
		}
		v, err := presign.Verify(r, lookup, opts)
		if err != nil {
			var ve *presign.VerifyError
			if !errors.As(err, &ve) {
				t.Fatalf("untyped error %T: %v", err, err)
			}
			msg := err.Error()
			if strings.Contains(msg, testSecret) {
				t.Fatalf("error leaks the secret: %s", msg)
			}
			if sig := u.Query().Get("X-Amz-Signature"); len(sig) >= 8 && strings.Contains(msg, sig) {
				t.Fatalf("error leaks the signature: %s", msg)
			}
			return
		}
		// Nothing in the query was dropped before the signature was
		// compared: what verified parses strictly, with no nameless pair.
		if q, err := url.ParseQuery(r.URL.RawQuery); err != nil || q.Has("") {
			t.Fatalf("verified a query that does not parse strictly (%v): %q", err, r.URL.RawQuery)
		}
		if v.Presigned && !v.ExpiresAt.After(v.SigningTime.Add(-time.Second)) {
			t.Fatalf("inconsistent expiry %v before %v", v.ExpiresAt, v.SigningTime)
		}
		if _, err := presign.Verify(r, wrong, opts); !errors.Is(err, presign.ErrSignatureMismatch) {
			t.Fatalf("request verified under another secret too: %v", err)
		}
	})
}
