package sigv4_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
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

func lookupOf(creds ...sigv4.Credentials) sigv4.LookupFunc {
	return func(id string) (sigv4.Credentials, bool) {
		for _, c := range creds {
			if c.AccessKeyID == id {
				return c, true
			}
		}
		return sigv4.Credentials{}, false
	}
}

func at(s string) func() time.Time {
	t, err := time.Parse("20060102T150405Z", s)
	if err != nil {
		panic(err)
	}
	return func() time.Time { return t }
}

// TestVectors checks the official vectors from REFERENCE.md §4.1 and §4.2.
func TestVectors(t *testing.T) {
	s3docs := sigv4.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	suite := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY"}
	const token = "6e86291e8372ff2a2260956d9b8aae1d763fbf315fa00fa31553b73ebf194267"
	suiteTok := suite
	suiteTok.SessionToken = token
	suiteQuery := "X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host"

	tests := []struct {
		name    string
		url     string
		header  map[string]string
		creds   sigv4.Credentials
		now     string
		service string
		want    error
		wantTyp string
	}{
		{
			name:  "s3 docs presigned GET",
			url:   "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
			creds: s3docs, now: "20130524T000000Z", wantTyp: sigv4.AuthTypeQuery,
		},
		{
			name:  "s3 docs presigned GET, expired a day later",
			url:   "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404",
			creds: s3docs, now: "20130525T000001Z", want: sigv4.ErrAccessDenied,
		},
		{
			name:  "s3 docs presigned GET with session token (SDK-computed)",
			url:   "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-Security-Token=TOKEN&X-Amz-SignedHeaders=host&X-Amz-Signature=8106df0212537b2c41ad3f3e824ad30bf3ac5fe751ead24ada133a57ef8d5922",
			creds: sigv4.Credentials{AccessKeyID: s3docs.AccessKeyID, SecretAccessKey: s3docs.SecretAccessKey, SessionToken: "TOKEN"},
			now:   "20130524T000000Z", wantTyp: sigv4.AuthTypeQuery,
		},
		{
			name: "s3 docs header GET with Range",
			url:  "https://examplebucket.s3.amazonaws.com/test.txt",
			header: map[string]string{
				"Range":                "bytes=0-9",
				"X-Amz-Content-Sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
				"X-Amz-Date":           "20130524T000000Z",
				"Authorization":        "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,SignedHeaders=host;range;x-amz-content-sha256;x-amz-date,Signature=f0e8bdb87c964420e857bd35b5d6ed310bd44f0170aba48dd91039c6036bdb41",
			},
			creds: s3docs, now: "20130524T000000Z", wantTyp: sigv4.AuthTypeHeader,
		},
		{
			name:   "get-vanilla header",
			url:    "https://example.amazonaws.com/",
			header: map[string]string{"X-Amz-Date": "20150830T123600Z", "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
			creds:  suite, now: "20150830T123600Z", service: "service", wantTyp: sigv4.AuthTypeHeader,
		},
		{
			name:  "get-vanilla query",
			url:   "https://example.amazonaws.com/?" + suiteQuery + "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d",
			creds: suite, now: "20150830T123600Z", service: "service", wantTyp: sigv4.AuthTypeQuery,
		},
		{
			name:  "get-vanilla-with-session-token query",
			url:   "https://example.amazonaws.com/?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fservice%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-Expires=3600&X-Amz-Security-Token=" + token + "&X-Amz-SignedHeaders=host&X-Amz-Signature=7ff2b50b376cb4d151970630573d6291dc128cc5c2a12ffb237f73cc53f67b6c",
			creds: suiteTok, now: "20150830T123600Z", service: "service", wantTyp: sigv4.AuthTypeQuery,
		},
		{
			name:  "get-vanilla query, token missing",
			url:   "https://example.amazonaws.com/?" + suiteQuery + "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d",
			creds: suiteTok, now: "20150830T123600Z", service: "service", want: sigv4.ErrInvalidToken,
		},
		{
			name:  "get-vanilla query, tampered signature",
			url:   "https://example.amazonaws.com/?" + suiteQuery + "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865e",
			creds: suite, now: "20150830T123600Z", service: "service", want: sigv4.ErrSignatureDoesNotMatch,
		},
		{
			name:  "get-vanilla query, unknown key",
			url:   "https://example.amazonaws.com/?" + suiteQuery + "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d",
			creds: s3docs, now: "20150830T123600Z", service: "service", want: sigv4.ErrInvalidAccessKeyID,
		},
		{
			name:  "get-vanilla query, wrong service expected",
			url:   "https://example.amazonaws.com/?" + suiteQuery + "&X-Amz-Signature=e93c787ed7f371d5c6b165c1b38ede9550f4dce4144713e844b25b7192d3865d",
			creds: suite, now: "20150830T123600Z", want: sigv4.ErrAuthorizationQueryParametersError,
		},
		{
			name:   "get-vanilla header, 16 minutes skew",
			url:    "https://example.amazonaws.com/",
			header: map[string]string{"X-Amz-Date": "20150830T123600Z", "Authorization": "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20150830/us-east-1/service/aws4_request, SignedHeaders=host;x-amz-date, Signature=5fa00fa31553b73ebf1942676e86291e8372ff2a2260956d9b8aae1d763fbf31"},
			creds:  suite, now: "20150830T125200Z", service: "service", want: sigv4.ErrRequestTimeTooSkewed,
		},
		{
			name:  "unsigned",
			url:   "https://example.amazonaws.com/bucket/key",
			creds: suite, now: "20150830T123600Z", want: sigv4.ErrUnsigned,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.url, nil)
			for k, v := range tt.header {
				r.Header.Set(k, v)
			}
			res, err := sigv4.Verify(r, lookupOf(tt.creds), &sigv4.VerifyOptions{Now: at(tt.now), Service: tt.service})
			if tt.want != nil {
				require.Error(t, err)
				assert.ErrorIs(t, err, tt.want)
				assert.Nil(t, res)
				assert.NotContains(t, err.Error(), tt.creds.SecretAccessKey)
				return
			}
			require.NoError(t, err)
			assert.Equal(t, tt.creds.AccessKeyID, res.AccessKeyID)
			assert.Equal(t, "us-east-1", res.Region)
			assert.Equal(t, tt.wantTyp, res.AuthType)
			assert.Equal(t, tt.wantTyp == sigv4.AuthTypeQuery, res.Presigned)
			assert.Contains(t, res.SignedHeaders, "host")
		})
	}
}

func TestSigningKeyVector(t *testing.T) {
	// REFERENCE.md §4.1: signing key for the S3 docs example.
	k := sigv4.SigningKey("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "20130524", "us-east-1", "s3")
	assert.Equal(t, "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378", hex.EncodeToString(k))
}

// sdkServer runs Verify in a real HTTP server so that the server-side view of
// the request (Host, escaped path, Content-Length) is what gets verified.
func sdkServer(t *testing.T, creds sigv4.Credentials, now func() time.Time) *httptest.Server {
	t.Helper()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.Copy(io.Discard, r.Body)
		res, err := sigv4.Verify(r, lookupOf(creds), &sigv4.VerifyOptions{Now: now})
		var e *sigv4.Error
		switch {
		case errors.As(err, &e):
			w.WriteHeader(e.StatusCode)
			fmt.Fprint(w, e.Code)
		case err != nil:
			w.WriteHeader(http.StatusUnauthorized)
			fmt.Fprint(w, err)
		default:
			fmt.Fprintf(w, "%s %s %s", res.AuthType, res.AccessKeyID, strings.Join(res.SignedHeaders, ";"))
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

func escapeKey(key string) string {
	parts := strings.Split(key, "/")
	for i, p := range parts {
		parts[i] = strings.ReplaceAll(url.PathEscape(p), "+", "%2B")
	}
	return strings.Join(parts, "/")
}

// TestSDKSigner checks requests signed by aws-sdk-go-v2's own v4 signer, sent
// over a real connection.
func TestSDKSigner(t *testing.T) {
	now := time.Now().UTC()
	clock := func() time.Time { return now }
	perm := sigv4.Credentials{AccessKeyID: "AKIAPERMANENT0000001", SecretAccessKey: "perm/secret+key"}
	temp := sigv4.Credentials{AccessKeyID: "ASIATEMPORARY0000001", SecretAccessKey: "temp-secret", SessionToken: "the-session-token"}
	srvPerm := sdkServer(t, perm, clock)
	srvTemp := sdkServer(t, temp, clock)
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })

	keys := []string{"plain.txt", "dir/a b+c.txt", "unicodé/ключ ☃.bin", "sp ace/+plus+/~tilde!*'()"}
	for _, key := range keys {
		for _, c := range []struct {
			name  string
			srv   *httptest.Server
			creds sigv4.Credentials
		}{{"permanent", srvPerm, perm}, {"session", srvTemp, temp}} {
			awsCreds := aws.Credentials{AccessKeyID: c.creds.AccessKeyID, SecretAccessKey: c.creds.SecretAccessKey, SessionToken: c.creds.SessionToken}
			u := c.srv.URL + "/bucket/" + escapeKey(key) + "?x-id=PutObject"

			t.Run("header PUT "+c.name+" "+key, func(t *testing.T) {
				body := []byte("hello world")
				req, err := http.NewRequest(http.MethodPut, u, bytes.NewReader(body))
				require.NoError(t, err)
				req.Header.Set("Content-Type", "text/plain")
				req.Header.Set("X-Amz-Content-Sha256", sha(body))
				require.NoError(t, signer.SignHTTP(t.Context(), awsCreds, req, sha(body), "s3", "us-east-1", now))
				resp, err := c.srv.Client().Do(req)
				require.NoError(t, err)
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode, string(got))
				assert.Contains(t, string(got), "content-length")
			})

			t.Run("presigned GET "+c.name+" "+key, func(t *testing.T) {
				req, err := http.NewRequest(http.MethodGet, c.srv.URL+"/bucket/"+escapeKey(key)+"?X-Amz-Expires=900&response-content-disposition=attachment%3B%20filename%3D%22a%20b.txt%22", nil)
				require.NoError(t, err)
				signed, _, err := signer.PresignHTTP(t.Context(), awsCreds, req, sigv4.UnsignedPayload, "s3", "us-east-1", now)
				require.NoError(t, err)
				resp, err := c.srv.Client().Get(signed)
				require.NoError(t, err)
				got, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				assert.Equal(t, http.StatusOK, resp.StatusCode, string(got))
				assert.Contains(t, string(got), sigv4.AuthTypeQuery)

				// Tampering with any part of the URL breaks the signature.
				tampered := strings.Replace(signed, "filename", "fileName", 1)
				resp, err = c.srv.Client().Get(tampered)
				require.NoError(t, err)
				got, _ = io.ReadAll(resp.Body)
				resp.Body.Close()
				assert.Equal(t, http.StatusForbidden, resp.StatusCode)
				assert.Equal(t, "SignatureDoesNotMatch", string(got))
			})
		}
	}

	t.Run("wrong secret", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, srvPerm.URL+"/bucket/k", nil)
		require.NoError(t, err)
		req.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
		bad := aws.Credentials{AccessKeyID: perm.AccessKeyID, SecretAccessKey: "not-the-secret"}
		require.NoError(t, signer.SignHTTP(t.Context(), bad, req, sigv4.UnsignedPayload, "s3", "us-east-1", now))
		resp, err := srvPerm.Client().Do(req)
		require.NoError(t, err)
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, "SignatureDoesNotMatch", string(got))
	})

	t.Run("unsigned x-amz header added after signing", func(t *testing.T) {
		req, err := http.NewRequest(http.MethodGet, srvPerm.URL+"/bucket/k", nil)
		require.NoError(t, err)
		req.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
		require.NoError(t, signer.SignHTTP(t.Context(), aws.Credentials{AccessKeyID: perm.AccessKeyID, SecretAccessKey: perm.SecretAccessKey}, req, sigv4.UnsignedPayload, "s3", "us-east-1", now))
		req.Header.Set("X-Amz-Acl", "public-read")
		resp, err := srvPerm.Client().Do(req)
		require.NoError(t, err)
		got, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		assert.Equal(t, "AccessDenied", string(got))
	})
}

func TestPresignQueryErrors(t *testing.T) {
	creds := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "secret"}
	base := "https://h/b/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIDEXAMPLE%2F20150830%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20150830T123600Z&X-Amz-SignedHeaders=host&X-Amz-Signature=00"
	tests := []struct {
		name, url string
		want      error
		msg       string
	}{
		{"expires too long", base + "&X-Amz-Expires=604801", sigv4.ErrAuthorizationQueryParametersError, "604800"},
		{"expires negative", base + "&X-Amz-Expires=-1", sigv4.ErrAuthorizationQueryParametersError, "non-negative"},
		{"expires not a number", base + "&X-Amz-Expires=soon", sigv4.ErrAuthorizationQueryParametersError, "number"},
		{"expires missing", base, sigv4.ErrAuthorizationQueryParametersError, "requires"},
		{"host not signed", strings.Replace(base, "SignedHeaders=host", "SignedHeaders=x-amz-date", 1) + "&X-Amz-Expires=60", sigv4.ErrAuthorizationQueryParametersError, "host"},
		{"bad credential", strings.Replace(base, "aws4_request", "aws5_request", 1) + "&X-Amz-Expires=60", sigv4.ErrAuthorizationQueryParametersError, "Credential"},
		{"header and query", base + "&X-Amz-Expires=60", sigv4.ErrInvalidArgument, "one auth"},
		{"sigv2 query", "https://h/b/k?AWSAccessKeyId=AKIDEXAMPLE&Signature=x&Expires=1", sigv4.ErrInvalidRequest, "AWS4-HMAC-SHA256"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := httptest.NewRequest(http.MethodGet, tt.url, nil)
			if tt.name == "header and query" {
				r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=x")
			}
			_, err := sigv4.Verify(r, lookupOf(creds), &sigv4.VerifyOptions{Now: at("20150830T123600Z")})
			require.Error(t, err)
			assert.ErrorIs(t, err, tt.want)
			assert.Contains(t, err.Error(), tt.msg)
			assert.NotContains(t, err.Error(), creds.SecretAccessKey)
		})
	}
}

func TestCredentialsRedacted(t *testing.T) {
	c := sigv4.Credentials{AccessKeyID: "AKID", SecretAccessKey: "s3cr3t", SessionToken: "t0k3n"}
	for _, s := range []string{fmt.Sprint(c), fmt.Sprintf("%+v", c), fmt.Sprintf("%#v", c), c.String()} {
		assert.NotContains(t, s, "s3cr3t")
		assert.NotContains(t, s, "t0k3n")
		assert.Contains(t, s, "AKID")
	}
}

// TestParseQueryIsStrict pins ParseQuery against url.ParseQuery: the same
// values where both succeed, an InvalidArgument ErrMalformedQuery where
// url.ParseQuery reports an error or keeps a pair under an empty name.
func TestParseQueryIsStrict(t *testing.T) {
	for _, raw := range []string{"", "a=1", "a=1&&b=2&", "uploads", "a=&b", "a+b=c+d&x-id=GetObject", "k=%2F%20%3B"} {
		got, err := sigv4.ParseQuery(raw)
		require.NoError(t, err, raw)
		want, _ := url.ParseQuery(raw)
		assert.Equal(t, want, got, raw)
	}
	for _, raw := range []string{"a=1;b=2", "a=1&b=x;y", "a=%zz", "a=%4", "%g0=1", "=x", "a=1&=", "="} {
		_, err := sigv4.ParseQuery(raw)
		require.ErrorIs(t, err, sigv4.ErrMalformedQuery, raw)
		require.ErrorIs(t, err, sigv4.ErrInvalidArgument, raw)
		var e *sigv4.Error
		require.ErrorAs(t, err, &e)
		assert.Equal(t, http.StatusBadRequest, e.StatusCode)
		assert.NotContains(t, err.Error(), raw, "the query may hold secrets: never quoted")
	}
	// Unsigned requests are refused too: a server must not act on query
	// text it parsed differently from S3.
	r := httptest.NewRequest(http.MethodGet, "https://h/b/k?a=1;b=2", nil)
	_, err := sigv4.Verify(r, lookupOf(), nil)
	assert.ErrorIs(t, err, sigv4.ErrMalformedQuery)
}
