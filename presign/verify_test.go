package presign_test

import (
	"bytes"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

const (
	testAKID   = "AKIAS3SECURETEST0001"
	testSecret = "s3cr3t/KEY+with=special/chars0123456789AB"
	testToken  = "FwoGZXIvYXdzEXAMPLETOKEN/+=="
)

var verifyNow = time.Date(2026, 3, 14, 15, 9, 26, 0, time.UTC)

func lookupFor(creds ...aws.Credentials) presign.Lookup {
	return func(akid string) (aws.Credentials, bool) {
		for _, c := range creds {
			if c.AccessKeyID == akid {
				return c, true
			}
		}
		return aws.Credentials{}, false
	}
}

func newTestPresigner(t testing.TB, creds aws.Credentials, opts *presign.Options) *presign.Presigner {
	t.Helper()
	var o presign.Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = func() time.Time { return verifyNow }
	}
	if o.Endpoint == "" {
		o.Endpoint = "https://s3.eu-west-1.amazonaws.com"
	}
	p, err := presign.New(aws.Config{Region: "eu-west-1", Credentials: credentials.StaticCredentialsProvider{Value: creds}}, &o)
	require.NoError(t, err)
	return p
}

func requestFor(t testing.TB, pr *presign.Request) *http.Request {
	t.Helper()
	r := httptest.NewRequestWithContext(context.Background(), pr.Method, pr.URL, nil)
	for k, v := range pr.Header {
		r.Header[k] = v
	}
	return r
}

func TestVerify(t *testing.T) {
	static := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	temp := aws.Credentials{AccessKeyID: "ASIATEMPORARY0000001", SecretAccessKey: testSecret, SessionToken: testToken,
		CanExpire: true, Expires: verifyNow.Add(6 * time.Hour)}
	ctx := t.Context()
	at := func(d time.Duration) func() time.Time { return func() time.Time { return verifyNow.Add(d) } }

	get, err := newTestPresigner(t, static, nil).Get(ctx, "my-bucket", "dir/a b+c/日本.txt", nil)
	require.NoError(t, err)
	put, err := newTestPresigner(t, static, nil).Put(ctx, "my-bucket", "up/load.png", "image/png",
		&presign.PutOptions{ContentLength: 5, ChecksumSHA256: "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="})
	require.NoError(t, err)
	tempGet, err := newTestPresigner(t, temp, nil).Get(ctx, "my-bucket", "k", &presign.GetOptions{Expires: time.Hour})
	require.NoError(t, err)
	long, err := newTestPresigner(t, static, &presign.Options{AllowExpiryUpTo: 48 * time.Hour}).Get(ctx, "my-bucket", "k", &presign.GetOptions{Expires: 2 * time.Hour})
	require.NoError(t, err)

	tests := []struct {
		name    string
		req     func() *http.Request
		lookup  presign.Lookup
		opts    *presign.VerifyOptions
		wantErr error
		code    string
	}{
		{name: "fresh GET", req: func() *http.Request { return requestFor(t, get) }},
		{name: "GET just before expiry", req: func() *http.Request { return requestFor(t, get) }, opts: &presign.VerifyOptions{Now: at(15 * time.Minute)}},
		{name: "expired GET", req: func() *http.Request { return requestFor(t, get) }, opts: &presign.VerifyOptions{Now: at(15*time.Minute + time.Second)}, wantErr: presign.ErrExpired, code: "AccessDenied"},
		{name: "dated in the future", req: func() *http.Request { return requestFor(t, get) }, opts: &presign.VerifyOptions{Now: at(-16 * time.Minute)}, wantErr: presign.ErrClockSkew, code: "AccessDenied"},
		{name: "small future skew tolerated", req: func() *http.Request { return requestFor(t, get) }, opts: &presign.VerifyOptions{Now: at(-14 * time.Minute)}},
		{name: "tampered signature", req: func() *http.Request {
			return requestFor(t, &presign.Request{Method: "GET", URL: tamperParam(get.URL, "X-Amz-Signature")})
		}, wantErr: presign.ErrSignatureMismatch, code: "SignatureDoesNotMatch"},
		{name: "tampered key", req: func() *http.Request {
			return requestFor(t, &presign.Request{Method: "GET", URL: strings.Replace(get.URL, "/dir/", "/dix/", 1)})
		}, wantErr: presign.ErrSignatureMismatch},
		{name: "tampered expiry", req: func() *http.Request {
			return requestFor(t, &presign.Request{Method: "GET", URL: strings.Replace(get.URL, "X-Amz-Expires=900", "X-Amz-Expires=901", 1)})
		}, wantErr: presign.ErrSignatureMismatch},
		{name: "method changed", req: func() *http.Request { return requestFor(t, &presign.Request{Method: "DELETE", URL: get.URL}) }, wantErr: presign.ErrSignatureMismatch},
		{name: "unknown access key", req: func() *http.Request { return requestFor(t, get) }, lookup: lookupFor(), wantErr: presign.ErrUnknownAccessKey, code: "InvalidAccessKeyId"},
		{name: "wrong secret", req: func() *http.Request { return requestFor(t, get) },
			lookup: lookupFor(aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: "other"}), wantErr: presign.ErrSignatureMismatch},
		{name: "region pinned", req: func() *http.Request { return requestFor(t, get) }, opts: &presign.VerifyOptions{Region: "us-east-1"}, wantErr: presign.ErrMalformed},
		{name: "content-type required but GET signs none", req: func() *http.Request { return requestFor(t, get) },
			opts: &presign.VerifyOptions{RequiredSignedHeaders: []string{"Content-Type"}}, wantErr: presign.ErrMissingSignedHeader},
		{name: "PUT with its headers", req: func() *http.Request { r := requestFor(t, put); r.ContentLength = 5; return r },
			opts: &presign.VerifyOptions{RequiredSignedHeaders: []string{"content-type", "x-amz-checksum-sha256"}}},
		{name: "PUT with another content type", req: func() *http.Request {
			r := requestFor(t, put)
			r.ContentLength = 5
			r.Header.Set("Content-Type", "text/html")
			return r
		}, wantErr: presign.ErrSignatureMismatch},
		{name: "PUT with another length", req: func() *http.Request { r := requestFor(t, put); r.ContentLength = 6; return r }, wantErr: presign.ErrSignatureMismatch},
		{name: "PUT without checksum header", req: func() *http.Request {
			r := requestFor(t, put)
			r.ContentLength = 5
			r.Header.Del("X-Amz-Checksum-Sha256")
			return r
		}, wantErr: presign.ErrSignatureMismatch},
		{name: "unsigned x-amz header added", req: func() *http.Request { r := requestFor(t, get); r.Header.Set("X-Amz-Acl", "public-read"); return r },
			wantErr: presign.ErrMissingSignedHeader, code: "AccessDenied"},
		{name: "session token", req: func() *http.Request { return requestFor(t, tempGet) }, lookup: lookupFor(temp)},
		{name: "session token of another session", req: func() *http.Request { return requestFor(t, tempGet) },
			lookup: lookupFor(aws.Credentials{AccessKeyID: temp.AccessKeyID, SecretAccessKey: testSecret, SessionToken: "other"}), wantErr: presign.ErrInvalidToken, code: "InvalidToken"},
		{name: "expiry above verifier maximum", req: func() *http.Request { return requestFor(t, long) }, wantErr: presign.ErrExpiryTooLong},
		{name: "expiry within raised maximum", req: func() *http.Request { return requestFor(t, long) }, opts: &presign.VerifyOptions{AllowExpiryUpTo: 2 * time.Hour}},
		{name: "unsigned", req: func() *http.Request {
			return httptest.NewRequest("GET", "https://my-bucket.s3.eu-west-1.amazonaws.com/k", nil)
		}, wantErr: presign.ErrUnsigned},
		{name: "garbage credential", req: func() *http.Request {
			return httptest.NewRequest("GET", "https://h/k?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=x&X-Amz-Date=1&X-Amz-Expires=1&X-Amz-SignedHeaders=host&X-Amz-Signature=00", nil)
		}, wantErr: presign.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			lookup := tc.lookup
			if lookup == nil {
				lookup = lookupFor(static, temp)
			}
			opts := tc.opts
			if opts == nil {
				opts = &presign.VerifyOptions{}
			}
			if opts.Now == nil {
				opts.Now = at(time.Minute)
			}
			v, err := presign.Verify(tc.req(), lookup, opts)
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.True(t, v.Presigned)
				assert.Equal(t, "REST-QUERY-STRING", v.AuthType)
				assert.Contains(t, v.SignedHeaders, "host")
				assert.Equal(t, "eu-west-1", v.Region)
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			var ve *presign.VerifyError
			require.ErrorAs(t, err, &ve)
			if tc.code != "" {
				assert.Equal(t, tc.code, ve.S3Code())
			}
			assert.GreaterOrEqual(t, ve.HTTPStatus(), 400)
			assertNoSecrets(t, err.Error())
		})
	}
}

// TestVerifyHeaderSigned checks a request signed in the Authorization header
// by the SDK's own signer.
func TestVerifyHeaderSigned(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	body := []byte("hello")
	r := httptest.NewRequest("PUT", "https://s3.eu-west-1.amazonaws.com/my-bucket/k%20ey?x-id=PutObject", bytes.NewReader(body))
	r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
	r.Header.Set("Content-Type", "text/plain")
	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	require.NoError(t, signer.SignHTTP(t.Context(), creds, r, "UNSIGNED-PAYLOAD", "s3", "eu-west-1", verifyNow))

	v, err := presign.Verify(r, lookupFor(creds), &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }})
	require.NoError(t, err)
	assert.False(t, v.Presigned)
	assert.Equal(t, "REST-HEADER", v.AuthType)
	assert.Equal(t, testAKID, v.AccessKeyID)

	_, err = presign.Verify(r, lookupFor(creds), &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(16 * time.Minute) }})
	require.ErrorIs(t, err, presign.ErrClockSkew)

	r.Header.Set("Content-Type", "text/html")
	_, err = presign.Verify(r, lookupFor(creds), &presign.VerifyOptions{Now: func() time.Time { return verifyNow }})
	require.ErrorIs(t, err, presign.ErrSignatureMismatch)
	assertNoSecrets(t, err.Error())
}

// tamperParam flips the last character of a query parameter's value.
func tamperParam(u, name string) string {
	i := strings.Index(u, name+"=")
	if i < 0 {
		return u
	}
	j := strings.IndexByte(u[i:], '&')
	if j < 0 {
		j = len(u) - i
	}
	end := i + j - 1
	c := byte('0')
	if u[end] == '0' {
		c = '1'
	}
	return u[:end] + string(c) + u[end+1:]
}

func assertNoSecrets(t *testing.T, s string) {
	t.Helper()
	for _, secret := range []string{testSecret, testToken, "X-Amz-Signature=", "Signature="} {
		assert.NotContains(t, s, secret)
	}
}
