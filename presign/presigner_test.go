package presign_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

func TestDefaults(t *testing.T) {
	assert.Equal(t, 15*time.Minute, presign.DefaultExpiry)
	assert.Equal(t, time.Hour, presign.DefaultMaxExpiry)
	assert.Equal(t, 604800*time.Second, presign.HardMaxExpiry)
	assert.Equal(t, time.Second, presign.MinExpiry)
	assert.Equal(t, 15*time.Minute, presign.DefaultMaxClockSkew)
	assert.Equal(t, 1024, presign.MaxKeyLength)
	assert.Equal(t, 10<<20, presign.DefaultPostMaxContentLength)

	// The zero Options really give those defaults.
	p := newTestPresigner(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, nil)
	r, err := p.Get(t.Context(), "b-ok", "k", nil)
	require.NoError(t, err)
	assert.Contains(t, r.URL, "X-Amz-Expires=900&")
	assert.Equal(t, verifyNow.Add(15*time.Minute), r.Expires)
	_, err = p.Get(t.Context(), "b-ok", "k", &presign.GetOptions{Expires: time.Hour})
	require.NoError(t, err)
	_, err = p.Get(t.Context(), "b-ok", "k", &presign.GetOptions{Expires: time.Hour + time.Second})
	require.ErrorIs(t, err, presign.ErrExpiryTooLong)
	_, err = p.Delete(t.Context(), "b-ok", "k", nil)
	require.ErrorIs(t, err, presign.ErrMethodNotAllowed)
	_, err = p.UploadPart(t.Context(), "b-ok", "k", "id", 1, nil)
	require.ErrorIs(t, err, presign.ErrMethodNotAllowed)
}

func TestExpiryCaps(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	tests := []struct {
		name    string
		opts    presign.Options
		expires time.Duration
		want    string // X-Amz-Expires, or "" for an error
		wantErr error
	}{
		{name: "default", want: "900"},
		{name: "one second", expires: time.Second, want: "1"},
		{name: "fraction truncated down", expires: 1500 * time.Millisecond, want: "1"},
		{name: "500ms refused (SDK makes it 0)", expires: 500 * time.Millisecond, wantErr: presign.ErrExpiryTooShort},
		{name: "negative refused", expires: -time.Second, wantErr: presign.ErrExpiryTooShort},
		{name: "over default max", expires: 2 * time.Hour, wantErr: presign.ErrExpiryTooLong},
		{name: "raised max", opts: presign.Options{AllowExpiryUpTo: 7 * 24 * time.Hour}, expires: 7 * 24 * time.Hour, want: "604800"},
		{name: "8 days refused even with the hard max", opts: presign.Options{AllowExpiryUpTo: 7 * 24 * time.Hour}, expires: 8 * 24 * time.Hour, wantErr: presign.ErrExpiryTooLong},
		{name: "custom default", opts: presign.Options{DefaultExpiry: time.Minute}, want: "60"},
		{name: "max below default expiry lowers the default", opts: presign.Options{AllowExpiryUpTo: 5 * time.Minute}, want: "300"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			p := newTestPresigner(t, creds, &tc.opts)
			r, err := p.Get(t.Context(), "b-ok", "k", &presign.GetOptions{Expires: tc.expires})
			if tc.wantErr != nil {
				require.ErrorIs(t, err, tc.wantErr)
				var ee *presign.ExpiryError
				assert.ErrorAs(t, err, &ee)
				return
			}
			require.NoError(t, err)
			assert.Contains(t, r.URL, "X-Amz-Expires="+tc.want+"&")
		})
	}
}

func TestNewRefusesBadOptions(t *testing.T) {
	creds := credentials.NewStaticCredentialsProvider(testAKID, testSecret, "")
	tests := []struct {
		name    string
		cfg     aws.Config
		opts    presign.Options
		wantErr error
	}{
		{"no credentials", aws.Config{Region: "us-east-1"}, presign.Options{}, presign.ErrNoCredentials},
		{"no region", aws.Config{Credentials: creds}, presign.Options{}, presign.ErrInvalidRegion},
		{"bad region", aws.Config{Credentials: creds, Region: "us east"}, presign.Options{}, presign.ErrInvalidRegion},
		{"max over 7 days", aws.Config{Credentials: creds, Region: "us-east-1"}, presign.Options{AllowExpiryUpTo: 8 * 24 * time.Hour}, presign.ErrExpiryTooLong},
		{"default over max", aws.Config{Credentials: creds, Region: "us-east-1"}, presign.Options{DefaultExpiry: 2 * time.Hour}, presign.ErrExpiryTooLong},
		{"default under 1s", aws.Config{Credentials: creds, Region: "us-east-1"}, presign.Options{DefaultExpiry: time.Millisecond}, presign.ErrExpiryTooShort},
		{"plain http remote", aws.Config{Credentials: creds, Region: "us-east-1"}, presign.Options{Endpoint: "http://minio.example.com:9000"}, presign.ErrInvalidEndpoint},
		{"ftp", aws.Config{Credentials: creds, Region: "us-east-1"}, presign.Options{Endpoint: "ftp://example.com"}, presign.ErrInvalidEndpoint},
		{"user info", aws.Config{Credentials: creds, Region: "us-east-1"}, presign.Options{Endpoint: "https://u:p@example.com"}, presign.ErrInvalidEndpoint},
		{"query", aws.Config{Credentials: creds, Region: "us-east-1"}, presign.Options{Endpoint: "https://example.com/?a=b"}, presign.ErrInvalidEndpoint},
		{"relative", aws.Config{Credentials: creds, Region: "us-east-1"}, presign.Options{Endpoint: "example.com"}, presign.ErrInvalidEndpoint},
		{"odd path", aws.Config{Credentials: creds, Region: "us-east-1"}, presign.Options{Endpoint: "https://example.com/a%20b"}, presign.ErrInvalidEndpoint},
		{"base endpoint from config is checked too", aws.Config{Credentials: creds, Region: "us-east-1", BaseEndpoint: aws.String("http://10.0.0.1")}, presign.Options{}, presign.ErrInvalidEndpoint},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := presign.New(tc.cfg, &tc.opts)
			require.ErrorIs(t, err, tc.wantErr)
		})
	}

	for _, ok := range []string{"http://127.0.0.1:9000", "http://127.8.9.10", "http://localhost:4566", "http://[::1]:9000", "https://minio.example.com:9000/base"} {
		_, err := presign.New(aws.Config{Credentials: creds, Region: "us-east-1"}, &presign.Options{Endpoint: ok})
		assert.NoError(t, err, ok)
	}
	// The documented escape hatch for plain HTTP to a remote host.
	_, err := presign.New(aws.Config{Credentials: creds, Region: "us-east-1"}, &presign.Options{Endpoint: "http://minio.example.com:9000", InsecureAllowHTTP: true})
	assert.NoError(t, err)
}

func TestValidateKey(t *testing.T) {
	tests := []struct {
		key string
		ok  bool
	}{
		{"a", true},
		{"dir/sub/file.txt", true},
		{"日本語/ファイル.txt", true},
		{"a..b/.hidden/x.", true},
		{"with space and +&?#%", true},
		{strings.Repeat("k", 1024), true},
		{strings.Repeat("é", 512), true}, // 1024 bytes
		{"", false},
		{strings.Repeat("k", 1025), false},
		{strings.Repeat("é", 512) + "x", false},
		{"bad\xffutf8", false},
		{"nul\x00", false},
		{"new\nline", false},
		{"tab\t", false},
		{"del\x7f", false},
		{"c1\u0085control", false},
		{".", false},
		{"..", false},
		{"a/./b", false},
		{"a/../b", false},
		{"../a", false},
		{"a/..", false},
		{"a/.", false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q", tc.key), func(t *testing.T) {
			err := presign.ValidateKey(tc.key)
			if tc.ok {
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, presign.ErrInvalidKey)
			var ve *presign.ValidationError
			require.ErrorAs(t, err, &ve)
			assert.Equal(t, "key", ve.Field)
			if len(tc.key) > 3 {
				assert.NotContains(t, err.Error(), tc.key, "keys are not echoed")
			}
		})
	}
}

func TestValidateBucket(t *testing.T) {
	good := []string{"abc", "my-bucket", "my.dotted.bucket", "a1b2c3", strings.Repeat("a", 63), "1bucket9"}
	bad := []string{"", "ab", strings.Repeat("a", 64), "My-Bucket", "my_bucket", "-bucket", "bucket-", ".bucket", "bucket.", "my..bucket",
		"192.168.5.4", "xn--bucket", "sthree-bucket", "amzn-s3-demo-bucket", "bucket-s3alias", "bucket--ol-s3", "bucket.mrap",
		"bucket--x-s3", "bucket--table-s3", "arn:aws:s3:::b", "buck et", "bück"}
	for _, b := range good {
		assert.NoError(t, presign.ValidateBucket(b), b)
	}
	for _, b := range bad {
		assert.ErrorIs(t, presign.ValidateBucket(b), presign.ErrInvalidBucket, b)
	}
}

func TestPresignRefusesBadInput(t *testing.T) {
	p := newTestPresigner(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, &presign.Options{AllowUploadPart: true})
	ctx := t.Context()
	_, err := p.Get(ctx, "Bad_Bucket", "k", nil)
	assert.ErrorIs(t, err, presign.ErrInvalidBucket)
	_, err = p.Head(ctx, "b-ok", "../etc/passwd", nil)
	assert.ErrorIs(t, err, presign.ErrInvalidKey)
	_, err = p.Get(ctx, "b-ok", "k", &presign.GetOptions{ResponseContentType: "text/html\r\nX: y"})
	assert.ErrorIs(t, err, presign.ErrInvalidOption)
	_, err = p.Put(ctx, "b-ok", "k", "", nil)
	assert.ErrorIs(t, err, presign.ErrMissingContentType)
	_, err = p.Put(ctx, "b-ok", "k", "   ", nil)
	assert.ErrorIs(t, err, presign.ErrInvalidOption)
	_, err = p.Put(ctx, "b-ok", "k", "text/plain", &presign.PutOptions{ChecksumSHA256: "not-base64"})
	assert.ErrorIs(t, err, presign.ErrInvalidOption)
	_, err = p.Put(ctx, "b-ok", "k", "text/plain", &presign.PutOptions{ChecksumCRC32: "AAAAAAAA"})
	assert.ErrorIs(t, err, presign.ErrInvalidOption, "a CRC32 is 4 bytes")
	_, err = p.Put(ctx, "b-ok", "k", "text/plain", &presign.PutOptions{ContentLength: -1})
	assert.ErrorIs(t, err, presign.ErrInvalidOption)
	_, err = p.Put(ctx, "b-ok", "k", "text/plain", &presign.PutOptions{ServerSideEncryption: "rot13"})
	assert.ErrorIs(t, err, presign.ErrInvalidOption)
	_, err = p.Put(ctx, "b-ok", "k", "text/plain", &presign.PutOptions{ServerSideEncryption: "aws:kms", SSEKMSKeyID: "bad\nid"})
	assert.ErrorIs(t, err, presign.ErrInvalidOption)
	_, err = p.UploadPart(ctx, "b-ok", "k", "", 1, nil)
	assert.ErrorIs(t, err, presign.ErrInvalidOption)
	_, err = p.UploadPart(ctx, "b-ok", "k", "id", 10001, nil)
	assert.ErrorIs(t, err, presign.ErrInvalidOption)
}

func TestPutSignsHeaders(t *testing.T) {
	p := newTestPresigner(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, nil)
	r, err := p.Put(t.Context(), "b-ok", "k", "image/png", &presign.PutOptions{ContentLength: 42, ChecksumSHA256: "LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ=",
		ChecksumCRC32: "DUoRhQ==", ServerSideEncryption: "aws:kms", SSEKMSKeyID: "alias/uploads"})
	require.NoError(t, err)
	assert.Equal(t, "PUT", r.Method)
	assert.Contains(t, r.URL, "X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-checksum-crc32%3Bx-amz-checksum-sha256%3Bx-amz-server-side-encryption%3Bx-amz-server-side-encryption-aws-kms-key-id&")
	assert.NotContains(t, r.URL, "Checksum-Algorithm", "never an algorithm without a value")
	assert.Equal(t, map[string][]string{
		"Content-Length":                              {"42"},
		"Content-Type":                                {"image/png"},
		"X-Amz-Checksum-Crc32":                        {"DUoRhQ=="},
		"X-Amz-Checksum-Sha256":                       {"LPJNul+wow4m6DsqxbninhsWHlwfp0JecwQzYpOLmCQ="},
		"X-Amz-Server-Side-Encryption":                {"aws:kms"},
		"X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id": {"alias/uploads"},
	}, map[string][]string(r.Header))
}

// expiringProvider returns temporary credentials expiring at a fixed time.
type expiringProvider struct{ expires time.Time }

func (e expiringProvider) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "ASIATEMP", SecretAccessKey: testSecret, SessionToken: testToken, CanExpire: true, Expires: e.expires}, nil
}

type failingProvider struct{}

func (failingProvider) Retrieve(context.Context) (aws.Credentials, error) {
	return aws.Credentials{}, errors.New("imds: no role attached")
}

func TestTemporaryCredentials(t *testing.T) {
	now := func() time.Time { return verifyNow }
	mk := func(credExp time.Time, clamp bool) *presign.Presigner {
		p, err := presign.New(aws.Config{Region: "us-east-1", Credentials: expiringProvider{credExp}}, &presign.Options{Now: now, ClampToCredentials: clamp})
		require.NoError(t, err)
		return p
	}
	ctx := t.Context()

	r, err := mk(verifyNow.Add(time.Hour), false).Get(ctx, "b-ok", "k", nil)
	require.NoError(t, err)
	assert.Contains(t, r.URL, "X-Amz-Security-Token=")
	assert.NotContains(t, r.String(), "EXAMPLETOKEN")
	assert.Contains(t, r.String(), "X-Amz-Security-Token=REDACTED")

	_, err = mk(verifyNow.Add(10*time.Minute), false).Get(ctx, "b-ok", "k", nil)
	require.ErrorIs(t, err, presign.ErrCredentialsExpireFirst)
	var ce *presign.CredentialExpiryError
	require.ErrorAs(t, err, &ce)
	assert.Equal(t, verifyNow.Add(10*time.Minute), ce.CredentialsExpire)
	assert.Contains(t, err.Error(), "2026-03-14T15:19:26Z")
	assertNoSecrets(t, err.Error())

	r, err = mk(verifyNow.Add(10*time.Minute+500*time.Millisecond), true).Get(ctx, "b-ok", "k", nil)
	require.NoError(t, err)
	assert.Contains(t, r.URL, "X-Amz-Expires=600&", "clamped to the credentials, whole seconds down")
	assert.Equal(t, verifyNow.Add(10*time.Minute), r.Expires)

	_, err = mk(verifyNow.Add(500*time.Millisecond), true).Get(ctx, "b-ok", "k", nil)
	require.ErrorIs(t, err, presign.ErrCredentialsExpireFirst, "clamping below 1s is refused")

	p, err := presign.New(aws.Config{Region: "us-east-1", Credentials: failingProvider{}}, nil)
	require.NoError(t, err)
	_, err = p.Get(ctx, "b-ok", "k", nil)
	require.ErrorIs(t, err, presign.ErrNoCredentials)
	p, err = presign.New(aws.Config{Region: "us-east-1", Credentials: aws.AnonymousCredentials{}}, nil)
	require.NoError(t, err)
	_, err = p.Get(ctx, "b-ok", "k", nil)
	require.ErrorIs(t, err, presign.ErrNoCredentials)
}

func TestRedact(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2F20260314&X-Amz-Security-Token=tok%2B&X-Amz-Signature=abcdef",
			"https://b.s3.amazonaws.com/k?X-Amz-Credential=AKID%2F20260314&X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED"},
		{"https://h/k?x-amz-signature=abc&X%2DAmz%2DSignature=def", "https://h/k?x-amz-signature=REDACTED&X%2DAmz%2DSignature=REDACTED"},
		{"https://h/k", "https://h/k"},
		{"https://h/k?a=1&X-Amz-Signature=abc#frag", "https://h/k?a=1&X-Amz-Signature=REDACTED"},
		{"not a url ?X-Amz-Signature=s3cr3t", "not a url ?X-Amz-Signature=REDACTED"},
		{"https://h/k?%58-Amz-Signature=s3cr3t&X-Amz-Security%2dToken=t0k", "https://h/k?%58-Amz-Signature=REDACTED&X-Amz-Security%2dToken=REDACTED"},
	}
	for _, tc := range tests {
		assert.Equal(t, tc.want, presign.Redact(tc.in))
	}
}

// TestRedactOtherSeparators: a URL as it reaches a log is not always as
// the Presigner wrote it: HTML-escaped ("&amp;"), or joined by ';' or a
// second '?'. Each still carries a working signature (undo the escaping
// and the URL works), so Redact hides a secret parameter that follows
// any of them; a value holding ';' is not cut short.
func TestRedactOtherSeparators(t *testing.T) {
	tests := []struct{ in, want string }{
		{"https://h/k?a=1&amp;X-Amz-Security-Token=t0k&amp;X-Amz-Signature=s3cr3t",
			"https://h/k?a=1&amp;X-Amz-Security-Token=REDACTED&amp;X-Amz-Signature=REDACTED"},
		{"https://h/k?a=1;X-Amz-Signature=s3cr3t", "https://h/k?a=1;X-Amz-Signature=REDACTED"},
		{"https://h/k?a=1;x%2Damz%2Dsignature=s3cr3t;b=2&c=3", "https://h/k?a=1;x%2Damz%2Dsignature=REDACTED&c=3"},
		{"https://h/k?a=b?X-Amz-Signature=s3cr3t", "https://h/k?a=b?X-Amz-Signature=REDACTED"},
		{"https://h/k?X-Amz-Signature=s3c;r3t&a=1", "https://h/k?X-Amz-Signature=REDACTED&a=1"},
		{"https://h/k?response-content-disposition=attachment;filename=a.pdf&a=1",
			"https://h/k?response-content-disposition=attachment;filename=a.pdf&a=1"},
	}
	for _, tc := range tests {
		got := presign.Redact(tc.in)
		assert.Equal(t, tc.want, got)
		assert.NotContains(t, got, "s3c")
		assert.NotContains(t, got, "t0k")
	}
}

func TestRedactedRequestFormats(t *testing.T) {

	p := newTestPresigner(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, nil)
	r, err := p.Get(t.Context(), "b-ok", "k", nil)
	require.NoError(t, err)
	sig := r.URL[strings.LastIndex(r.URL, "=")+1:]
	for _, s := range []string{r.String(), fmt.Sprint(r), fmt.Sprintf("%v %+v %#v %s", r, r, r, *r), fmt.Sprintf("%#v", *r)} {
		assert.NotContains(t, s, sig)
	}
}
