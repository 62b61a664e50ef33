package presign_test

import (
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

// setRawParam replaces the raw (still escaped) value of the first query
// pair named name, or appends the pair when there is none.
func setRawParam(u, name, raw string) string {
	base, q, _ := strings.Cut(u, "?")
	pairs := strings.Split(q, "&")
	for i, p := range pairs {
		if n, _, _ := strings.Cut(p, "="); n == name {
			pairs[i] = name + "=" + raw
			return base + "?" + strings.Join(pairs, "&")
		}
	}
	return u + "&" + name + "=" + raw
}

// dropRawParam removes every query pair named name.
func dropRawParam(u, name string) string {
	base, q, _ := strings.Cut(u, "?")
	var kept []string
	for p := range strings.SplitSeq(q, "&") {
		if n, _, _ := strings.Cut(p, "="); n != name {
			kept = append(kept, p)
		}
	}
	return base + "?" + strings.Join(kept, "&")
}

// reverseQuery reverses the order of the query pairs.
func reverseQuery(u string) string {
	base, q, _ := strings.Cut(u, "?")
	pairs := strings.Split(q, "&")
	for i, j := 0, len(pairs)-1; i < j; i, j = i+1, j-1 {
		pairs[i], pairs[j] = pairs[j], pairs[i]
	}
	return base + "?" + strings.Join(pairs, "&")
}

// TestAdversarialVerifyRows: what a red-team pass tried against Verify
// with presigned URLs, each row a mutation of a URL the Presigner made (or
// of a request the SDK signed) and what S3 answers it, from "Authenticating
// Requests: Using Query Parameters (AWS Signature Version 4)" and the SigV4
// rules in the S3 API reference. Rows that verify are the ones S3 reads as
// the same request (query order, '/' left unescaped in a value, an unsigned
// Content-Type on a presigned URL); every other row must be refused with
// the sentinel given.
func TestAdversarialVerifyRows(t *testing.T) {
	ctx := t.Context()
	static := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	temp := aws.Credentials{AccessKeyID: "ASIATEMPORARY0000002", SecretAccessKey: testSecret, SessionToken: testToken,
		CanExpire: true, Expires: verifyNow.Add(6 * time.Hour)}
	get, err := newTestPresigner(t, static, nil).Get(ctx, "my-bucket", "dir/a.txt", nil)
	require.NoError(t, err)
	tempGet, err := newTestPresigner(t, temp, nil).Get(ctx, "my-bucket", "dir/a.txt", nil)
	require.NoError(t, err)
	put, err := newTestPresigner(t, static, nil).Put(ctx, "my-bucket", "up/a.png", "image/png", &presign.PutOptions{ContentLength: 5})
	require.NoError(t, err)
	cred := testAKID + "%2F20260314%2Feu-west-1%2Fs3%2Faws4_request"

	type row struct {
		name    string
		method  string // default GET
		url     string
		header  map[string]string
		lookup  presign.Lookup // default static and temp
		wantErr error          // nil: verifies
	}
	rows := []row{
		{name: "as signed", url: get.URL},
		{name: "query pairs in another order", url: reverseQuery(get.URL)},
		{name: "credential with '/' unescaped", url: setRawParam(get.URL, "X-Amz-Credential", strings.ReplaceAll(cred, "%2F", "/"))},
		{name: "unsigned Content-Type on a presigned GET", url: get.URL, header: map[string]string{"Content-Type": "text/html"}},
		{name: "duplicate X-Amz-Expires", url: get.URL + "&X-Amz-Expires=900", wantErr: presign.ErrMalformed},
		{name: "duplicate X-Amz-Signature", url: get.URL + "&X-Amz-Signature=00", wantErr: presign.ErrMalformed},
		{name: "duplicate X-Amz-Credential", url: get.URL + "&X-Amz-Credential=" + cred, wantErr: presign.ErrMalformed},
		{name: "X-Amz-Expires missing", url: dropRawParam(get.URL, "X-Amz-Expires"), wantErr: presign.ErrMalformed},
		{name: "X-Amz-Expires negative", url: setRawParam(get.URL, "X-Amz-Expires", "-1"), wantErr: presign.ErrMalformed},
		{name: "X-Amz-Expires over 7 days", url: setRawParam(get.URL, "X-Amz-Expires", "604801"), wantErr: presign.ErrMalformed},
		{name: "X-Amz-Expires huge", url: setRawParam(get.URL, "X-Amz-Expires", "99999999999999999999"), wantErr: presign.ErrMalformed},
		{name: "X-Amz-Expires not a number", url: setRawParam(get.URL, "X-Amz-Expires", "1e3"), wantErr: presign.ErrMalformed},
		{name: "X-Amz-Expires with a leading zero", url: setRawParam(get.URL, "X-Amz-Expires", "0900"), wantErr: presign.ErrSignatureMismatch},
		{name: "X-Amz-Expires raised", url: setRawParam(get.URL, "X-Amz-Expires", "3600"), wantErr: presign.ErrSignatureMismatch},
		{name: "SignedHeaders without host", url: setRawParam(get.URL, "X-Amz-SignedHeaders", "content-type"), wantErr: presign.ErrMalformed},
		{name: "SignedHeaders Host in upper case", url: setRawParam(get.URL, "X-Amz-SignedHeaders", "Host"), wantErr: presign.ErrMalformed},
		{name: "SignedHeaders empty entry", url: setRawParam(get.URL, "X-Amz-SignedHeaders", "host%3B"), wantErr: presign.ErrMalformed},
		{name: "X-Amz-Date not ISO 8601 basic", url: setRawParam(get.URL, "X-Amz-Date", "2026-03-14T15%3A09%3A26Z"), wantErr: presign.ErrMalformed},
		{name: "X-Amz-Date on another day than the scope", url: setRawParam(get.URL, "X-Amz-Date", "20260315T150926Z"), wantErr: presign.ErrMalformed},
		{name: "scope names another service", url: setRawParam(get.URL, "X-Amz-Credential", strings.Replace(cred, "%2Fs3%2F", "%2Fiam%2F", 1)), wantErr: presign.ErrMalformed},
		{name: "scope without aws4_request", url: setRawParam(get.URL, "X-Amz-Credential", strings.TrimSuffix(cred, "%2Faws4_request")), wantErr: presign.ErrMalformed},
		{name: "scope region changed", url: setRawParam(get.URL, "X-Amz-Credential", strings.Replace(cred, "eu-west-1", "us-east-1", 1)), wantErr: presign.ErrSignatureMismatch},
		{name: "SigV2-style algorithm", url: setRawParam(get.URL, "X-Amz-Algorithm", "AWS4-HMAC-SHA1"), wantErr: presign.ErrMalformed},
		{name: "SigV4a", url: setRawParam(get.URL, "X-Amz-Algorithm", "AWS4-ECDSA-P256-SHA256"), wantErr: presign.ErrUnsupportedAlgorithm},
		{name: "signature in upper-case hex of another value", url: setRawParam(get.URL, "X-Amz-Signature", strings.Repeat("AB", 32)), wantErr: presign.ErrSignatureMismatch},
		{name: "signature truncated", url: get.URL[:len(get.URL)-2], wantErr: presign.ErrSignatureMismatch},
		{name: "HEAD with a GET url", method: "HEAD", url: get.URL, wantErr: presign.ErrSignatureMismatch},
		{name: "PUT with a GET url", method: "PUT", url: get.URL, wantErr: presign.ErrSignatureMismatch},
		{name: "extra query parameter", url: get.URL + "&x-amz-acl=public-read", wantErr: presign.ErrSignatureMismatch},
		{name: "response override added", url: get.URL + "&response-content-type=text%2Fhtml", wantErr: presign.ErrSignatureMismatch},
		{name: "key case changed", url: strings.Replace(get.URL, "/dir/a.txt", "/dir/A.txt", 1), wantErr: presign.ErrSignatureMismatch},
		{name: "key with a dot segment", url: strings.Replace(get.URL, "/dir/a.txt", "/dir/./a.txt", 1), wantErr: presign.ErrSignatureMismatch},
		{name: "key with '/' escaped as %2F", url: strings.Replace(get.URL, "/dir/a.txt", "/dir%2Fb.txt", 1), wantErr: presign.ErrSignatureMismatch},
		{name: "another host", url: strings.Replace(get.URL, "my-bucket.", "other-bucket.", 1), wantErr: presign.ErrSignatureMismatch},
		{name: "unsigned x-amz-* header", url: get.URL, header: map[string]string{"X-Amz-Acl": "public-read"}, wantErr: presign.ErrMissingSignedHeader},
		{name: "session token header for a static key", url: get.URL, header: map[string]string{"X-Amz-Security-Token": testToken}, wantErr: presign.ErrInvalidToken},
		{name: "Authorization header as well", url: get.URL, header: map[string]string{"Authorization": "AWS4-HMAC-SHA256 Credential=x"}, wantErr: presign.ErrMalformed},
		{name: "static key presents a session token", url: get.URL + "&X-Amz-Security-Token=tok", wantErr: presign.ErrInvalidToken},
		{name: "temporary key without its token", url: dropRawParam(tempGet.URL, "X-Amz-Security-Token"), wantErr: presign.ErrInvalidToken},
		{name: "temporary key with another token", url: setRawParam(tempGet.URL, "X-Amz-Security-Token", "other"), wantErr: presign.ErrInvalidToken},
		{name: "temporary key, token duplicated", url: tempGet.URL + "&X-Amz-Security-Token=other", wantErr: presign.ErrSignatureMismatch},
		{name: "temporary key as signed", url: tempGet.URL},
		{name: "PUT without its signed content type", method: "PUT", url: put.URL, header: map[string]string{"Content-Length": "5"}, wantErr: presign.ErrSignatureMismatch},
		{name: "lookup returns an empty secret", url: get.URL, lookup: lookupFor(aws.Credentials{AccessKeyID: testAKID}), wantErr: presign.ErrUnknownAccessKey},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			method := tc.method
			if method == "" {
				method = "GET"
			}
			r := httptest.NewRequestWithContext(ctx, method, tc.url, nil)
			for k, v := range tc.header {
				r.Header.Set(k, v)
			}
			lookup := tc.lookup
			if lookup == nil {
				lookup = lookupFor(static, temp)
			}
			_, err := presign.Verify(r, lookup, &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }})
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assertNoSecrets(t, err.Error())
		})
	}
}

// TestAdversarialVerifyHeaderRows: requests signed in the Authorization
// header by the SDK's own signer, then changed on the way.
func TestAdversarialVerifyHeaderRows(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	sign := func(t *testing.T, method, target string, header map[string]string) *http.Request {
		r := httptest.NewRequestWithContext(t.Context(), method, target, nil)
		r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
		for k, v := range header {
			r.Header.Set(k, v)
		}
		signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
		require.NoError(t, signer.SignHTTP(t.Context(), creds, r, "UNSIGNED-PAYLOAD", "s3", "eu-west-1", verifyNow))
		return r
	}
	const target = "https://my-bucket.s3.eu-west-1.amazonaws.com/k?x-id=PutObject"
	rows := []struct {
		name    string
		change  func(r *http.Request)
		now     time.Duration
		wantErr error
	}{
		{name: "as signed"},
		{name: "x-amz-date header dropped", change: func(r *http.Request) { r.Header.Del("X-Amz-Date") }, wantErr: presign.ErrMalformed},
		{name: "x-amz-acl header added", change: func(r *http.Request) { r.Header.Set("X-Amz-Acl", "public-read") }, wantErr: presign.ErrMissingSignedHeader},
		{name: "signed header value changed", change: func(r *http.Request) { r.Header.Set("X-Amz-Storage-Class", "GLACIER") }, wantErr: presign.ErrSignatureMismatch},
		{name: "second value for a signed header", change: func(r *http.Request) { r.Header.Add("X-Amz-Storage-Class", "GLACIER") }, wantErr: presign.ErrSignatureMismatch},
		{name: "payload hash changed", change: func(r *http.Request) {
			r.Header.Set("X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
		}, wantErr: presign.ErrSignatureMismatch},
		{name: "query parameter added", change: func(r *http.Request) { r.URL.RawQuery += "&acl=" }, wantErr: presign.ErrSignatureMismatch},
		{name: "presigned parameters added", change: func(r *http.Request) { r.URL.RawQuery += "&X-Amz-Signature=00" }, wantErr: presign.ErrMalformed},
		{name: "15 minutes late", now: 15 * time.Minute},
		{name: "16 minutes late", now: 16 * time.Minute, wantErr: presign.ErrClockSkew},
		{name: "16 minutes early", now: -16 * time.Minute, wantErr: presign.ErrClockSkew},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			r := sign(t, "PUT", target, map[string]string{"X-Amz-Storage-Class": "STANDARD", "Content-Type": "text/plain"})
			if tc.change != nil {
				tc.change(r)
			}
			_, err := presign.Verify(r, lookupFor(creds), &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(tc.now) }})
			if tc.wantErr == nil {
				require.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assertNoSecrets(t, err.Error())
		})
	}
}

// TestAdversarialVerifyPostRows: a form the Presigner made, changed by the
// uploader, who holds the fields but not the secret. S3's rules ("Creating
// a POST policy", S3 API reference): every form field but x-amz-signature,
// file, policy and x-ignore-* must match a condition, field names are
// case-insensitive, and content-length-range bounds the file.
func TestAdversarialVerifyPostRows(t *testing.T) {
	ctx := t.Context()
	static := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	p := newTestPresigner(t, static, nil)
	exact, err := p.Post(ctx, "my-bucket", &presign.PostOptions{Key: "up/a.png", ContentType: "image/png", MaxContentLength: 100})
	require.NoError(t, err)
	prefixed, err := p.Post(ctx, "my-bucket", &presign.PostOptions{KeyPrefix: "up/", ContentTypePrefix: "image/"})
	require.NoError(t, err)
	form := func(post *presign.Post, change func(map[string][]string)) map[string][]string {
		f := map[string][]string{}
		for k, v := range post.Fields {
			f[k] = []string{v}
		}
		if change != nil {
			change(f)
		}
		return f
	}
	set := func(k, v string) func(map[string][]string) { return func(f map[string][]string) { f[k] = []string{v} } }
	rows := []struct {
		name    string
		post    *presign.Post
		change  func(map[string][]string)
		bucket  string
		size    int64
		wantErr error
	}{
		{name: "as signed", post: exact},
		{name: "field names in another case", post: exact, change: func(f map[string][]string) {
			f["Key"], f["POLICY"] = f["key"], f["policy"]
			delete(f, "key")
			delete(f, "policy")
		}},
		{name: "x-ignore- field added", post: exact, change: set("x-ignore-note", "anything")},
		{name: "key changed", post: exact, change: set("key", "up/b.png"), wantErr: presign.ErrPolicyViolation},
		{name: "key given twice in two cases", post: exact, change: set("KEY", "up/b.png"), wantErr: presign.ErrMalformed},
		{name: "key given twice", post: exact, change: func(f map[string][]string) { f["key"] = append(f["key"], "x") }, wantErr: presign.ErrMalformed},
		{name: "content type changed", post: exact, change: set("Content-Type", "text/html"), wantErr: presign.ErrPolicyViolation},
		{name: "acl added", post: exact, change: set("acl", "public-read"), wantErr: presign.ErrPolicyViolation},
		{name: "metadata added", post: exact, change: set("x-amz-meta-owner", "me"), wantErr: presign.ErrPolicyViolation},
		{name: "redirect added", post: exact, change: set("success_action_redirect", "https://evil.example/"), wantErr: presign.ErrPolicyViolation},
		{name: "storage class added", post: exact, change: set("x-amz-storage-class", "GLACIER"), wantErr: presign.ErrPolicyViolation},
		{name: "x-amz-date changed", post: exact, change: set("x-amz-date", "20260314T150927Z"), wantErr: presign.ErrPolicyViolation},
		{name: "session token added to a static key's form", post: exact, change: set("x-amz-security-token", "tok"), wantErr: presign.ErrInvalidToken},
		{name: "bucket field names another bucket", post: exact, change: set("bucket", "other-bucket"), wantErr: presign.ErrPolicyViolation},
		{name: "posted to another bucket", post: exact, bucket: "other-bucket", wantErr: presign.ErrPolicyViolation},
		{name: "policy tampered", post: exact, change: func(f map[string][]string) {
			f["policy"] = []string{strings.Replace(f["policy"][0], "A", "B", 1)}
		}, wantErr: presign.ErrSignatureMismatch},
		{name: "signature dropped", post: exact, change: func(f map[string][]string) { delete(f, "x-amz-signature") }, wantErr: presign.ErrMalformed},
		{name: "file at the maximum", post: exact, size: 100},
		{name: "file over the maximum", post: exact, size: 101, wantErr: presign.ErrPolicyViolation},
		{name: "prefix form, key under the prefix", post: prefixed, change: func(f map[string][]string) {
			f["key"] = []string{"up/x/y.png"}
			f["Content-Type"] = []string{"image/png"}
		}},
		{name: "prefix form, key outside the prefix", post: prefixed, change: func(f map[string][]string) {
			f["key"] = []string{"upx.png"}
			f["Content-Type"] = []string{"image/png"}
		}, wantErr: presign.ErrPolicyViolation},
		{name: "prefix form, content type outside the prefix", post: prefixed, change: set("Content-Type", "text/html"), wantErr: presign.ErrPolicyViolation},
		{name: "prefix form, content type missing", post: prefixed, wantErr: presign.ErrPolicyViolation},
	}
	for _, tc := range rows {
		t.Run(tc.name, func(t *testing.T) {
			bucket := tc.bucket
			if bucket == "" {
				bucket = "my-bucket"
			}
			size := tc.size
			if size == 0 {
				size = 1
			}
			_, err := presign.VerifyPost(bucket, form(tc.post, tc.change), size, lookupFor(static),
				&presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }})
			if tc.wantErr == nil {
				assert.NoError(t, err)
				return
			}
			assert.ErrorIs(t, err, tc.wantErr)
		})
	}
}
