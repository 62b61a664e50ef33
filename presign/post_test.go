package presign_test

import (
	"encoding/base64"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// The S3 documentation's browser-upload example (REFERENCE.md §4.3).
const docPostPolicy = "eyAiZXhwaXJhdGlvbiI6ICIyMDE1LTEyLTMwVDEyOjAwOjAwLjAwMFoiLA0KICAiY29uZGl0aW9ucyI6IFsNCiAgICB7ImJ1Y2tldCI6ICJzaWd2NGV4YW1wbGVidWNrZXQifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRrZXkiLCAidXNlci91c2VyMS8iXSwNCiAgICB7ImFjbCI6ICJwdWJsaWMtcmVhZCJ9LA0KICAgIHsic3VjY2Vzc19hY3Rpb25fcmVkaXJlY3QiOiAiaHR0cDovL3NpZ3Y0ZXhhbXBsZWJ1Y2tldC5zMy5hbWF6b25hd3MuY29tL3N1Y2Nlc3NmdWxfdXBsb2FkLmh0bWwifSwNCiAgICBbInN0YXJ0cy13aXRoIiwgIiRDb250ZW50LVR5cGUiLCAiaW1hZ2UvIl0sDQogICAgeyJ4LWFtei1tZXRhLXV1aWQiOiAiMTQzNjUxMjM2NTEyNzQifSwNCiAgICB7IngtYW16LXNlcnZlci1zaWRlLWVuY3J5cHRpb24iOiAiQUVTMjU2In0sDQogICAgWyJzdGFydHMtd2l0aCIsICIkeC1hbXotbWV0YS10YWciLCAiIl0sDQoNCiAgICB7IngtYW16LWNyZWRlbnRpYWwiOiAiQUtJQUlPU0ZPRE5ON0VYQU1QTEUvMjAxNTEyMjkvdXMtZWFzdC0xL3MzL2F3czRfcmVxdWVzdCJ9LA0KICAgIHsieC1hbXotYWxnb3JpdGhtIjogIkFXUzQtSE1BQy1TSEEyNTYifSwNCiAgICB7IngtYW16LWRhdGUiOiAiMjAxNTEyMjlUMDAwMDAwWiIgfQ0KICBdDQp9"

const docPostSignature = "8afdbf4008c03f22c2cd3cdb72e4afbb1f6a588f3255ac628749a66d7f09699e"

func TestPostDocumentationExample(t *testing.T) {
	assert.Equal(t, docPostSignature, presign.SignPolicy(docSecret, "20151229", "us-east-1", docPostPolicy))

	form := map[string][]string{
		"key":                          {"user/user1/${filename}"},
		"acl":                          {"public-read"},
		"success_action_redirect":      {"http://sigv4examplebucket.s3.amazonaws.com/successful_upload.html"},
		"Content-Type":                 {"image/jpeg"},
		"x-amz-meta-uuid":              {"14365123651274"},
		"x-amz-server-side-encryption": {"AES256"},
		"X-Amz-Credential":             {"AKIAIOSFODNN7EXAMPLE/20151229/us-east-1/s3/aws4_request"},
		"X-Amz-Algorithm":              {"AWS4-HMAC-SHA256"},
		"X-Amz-Date":                   {"20151229T000000Z"},
		"x-amz-meta-tag":               {""},
		"Policy":                       {docPostPolicy},
		"X-Amz-Signature":              {docPostSignature},
	}
	lookup := lookupFor(aws.Credentials{AccessKeyID: docAKID, SecretAccessKey: docSecret})
	opts := &presign.VerifyOptions{Now: func() time.Time { return time.Date(2015, 12, 29, 10, 0, 0, 0, time.UTC) }, AllowExpiryUpTo: 48 * time.Hour}
	v, err := presign.VerifyPost("sigv4examplebucket", form, 1234, lookup, opts)
	require.NoError(t, err)
	assert.Equal(t, "user/user1/${filename}", v.Key)
	assert.Equal(t, "image/jpeg", v.Fields["content-type"])

	_, err = presign.VerifyPost("otherbucket", form, 1234, lookup, opts)
	require.ErrorIs(t, err, presign.ErrPolicyViolation)
	_, err = presign.VerifyPost("sigv4examplebucket", form, 1234, lookup, &presign.VerifyOptions{Now: opts.Now})
	require.ErrorIs(t, err, presign.ErrExpiryTooLong, "a 36h policy is over the 1h default maximum")
}

func TestPost(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	p := newTestPresigner(t, creds, nil)
	lookup := lookupFor(creds)
	later := &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }}

	post, err := p.Post(t.Context(), "uploads-bucket", &presign.PostOptions{KeyPrefix: "user/42/", ContentTypePrefix: "image/", MaxContentLength: 1000, ServerSideEncryption: "AES256"})
	require.NoError(t, err)
	assert.Equal(t, "https://uploads-bucket.s3.eu-west-1.amazonaws.com/", post.URL)
	assert.Equal(t, "user/42/${filename}", post.Fields["key"])
	assert.Equal(t, verifyNow.Add(presign.DefaultExpiry), post.Expires)
	assert.NotContains(t, post.String(), post.Fields["x-amz-signature"])

	raw, err := base64.StdEncoding.DecodeString(post.Fields["policy"])
	require.NoError(t, err)
	var doc map[string]any
	require.NoError(t, json.Unmarshal(raw, &doc))
	assert.Equal(t, "2026-03-14T15:24:26.000Z", doc["expiration"])
	assert.Contains(t, string(raw), `["content-length-range",0,1000]`)
	assert.Contains(t, string(raw), `["starts-with","$key","user/42/"]`)
	assert.Contains(t, string(raw), `{"x-amz-server-side-encryption":"AES256"}`)

	form := func(edit func(map[string][]string)) map[string][]string {
		f := map[string][]string{"Content-Type": {"image/png"}}
		for k, v := range post.Fields {
			f[k] = []string{v}
		}
		if edit != nil {
			edit(f)
		}
		return f
	}
	tests := []struct {
		name     string
		form     map[string][]string
		size     int64
		opts     *presign.VerifyOptions
		wantErr  error
		wantCode string // the S3 error code, when the case pins it
	}{
		{name: "valid", form: form(nil), size: 1000},
		{name: "too large", form: form(nil), size: 1001, wantErr: presign.ErrPolicyViolation, wantCode: "EntityTooLarge"},
		{name: "key outside prefix", form: form(func(f map[string][]string) { f["key"] = []string{"user/43/x"} }), size: 1, wantErr: presign.ErrPolicyViolation, wantCode: "AccessDenied"},
		{name: "wrong content type", form: form(func(f map[string][]string) { f["Content-Type"] = []string{"text/html"} }), size: 1, wantErr: presign.ErrPolicyViolation},
		{name: "extra field", form: form(func(f map[string][]string) { f["acl"] = []string{"public-read"} }), size: 1, wantErr: presign.ErrPolicyViolation},
		{name: "ignored extra field", form: form(func(f map[string][]string) { f["x-ignore-me"] = []string{"1"} }), size: 1},
		// The policy's bucket condition covers a form field named bucket,
		// so that field's value must meet it too ("The form field value
		// must match the value specified", S3 API reference, POST Policy).
		{name: "bucket field naming another bucket", form: form(func(f map[string][]string) { f["bucket"] = []string{"other-bucket"} }), size: 1,
			wantErr: presign.ErrPolicyViolation, wantCode: "AccessDenied"},
		{name: "Bucket field naming another bucket", form: form(func(f map[string][]string) { f["Bucket"] = []string{"uploads-bucket-2"} }), size: 1,
			wantErr: presign.ErrPolicyViolation, wantCode: "AccessDenied"},
		{name: "empty bucket field", form: form(func(f map[string][]string) { f["bucket"] = []string{""} }), size: 1,
			wantErr: presign.ErrPolicyViolation, wantCode: "AccessDenied"},
		{name: "bucket field naming this bucket", form: form(func(f map[string][]string) { f["bucket"] = []string{"uploads-bucket"} }), size: 1},
		{name: "encryption dropped", form: form(func(f map[string][]string) { delete(f, "x-amz-server-side-encryption") }), size: 1, wantErr: presign.ErrPolicyViolation},
		{name: "tampered policy", form: form(func(f map[string][]string) {
			f["policy"] = []string{base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), "1000", "9999999", 1)))}
		}), size: 1, wantErr: presign.ErrSignatureMismatch},
		{name: "expired", form: form(nil), size: 1, opts: &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(16 * time.Minute) }}, wantErr: presign.ErrExpired},
		{name: "duplicate field", form: form(func(f map[string][]string) { f["KEY"] = []string{"user/42/a"} }), size: 1, wantErr: presign.ErrMalformed},
		{name: "missing signature", form: form(func(f map[string][]string) { delete(f, "x-amz-signature") }), size: 1, wantErr: presign.ErrMalformed},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			opts := tc.opts
			if opts == nil {
				opts = later
			}
			v, err := presign.VerifyPost("uploads-bucket", tc.form, tc.size, lookup, opts)
			if tc.wantErr == nil {
				require.NoError(t, err)
				assert.Equal(t, "user/42/${filename}", v.Key)
				assert.NotContains(t, v.Fields, "bucket", "the bucket is the caller's argument, not an object setting")
				assert.Equal(t, "image/png", v.Fields["content-type"])
				return
			}
			require.ErrorIs(t, err, tc.wantErr)
			assertNoSecrets(t, err.Error())
			if tc.wantCode != "" {
				var ve *presign.VerifyError
				require.ErrorAs(t, err, &ve)
				assert.Equal(t, tc.wantCode, ve.S3Code())
			}
		})
	}
}

func TestPostValidation(t *testing.T) {
	p := newTestPresigner(t, aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}, nil)
	tests := []struct {
		name    string
		bucket  string
		opts    *presign.PostOptions
		wantErr error
	}{
		{"nil options", "b-ok", nil, presign.ErrInvalidOption},
		{"no key", "b-ok", &presign.PostOptions{ContentType: "image/png"}, presign.ErrInvalidOption},
		{"key and prefix", "b-ok", &presign.PostOptions{Key: "a", KeyPrefix: "b/", ContentType: "image/png"}, presign.ErrInvalidOption},
		{"no content type", "b-ok", &presign.PostOptions{Key: "a"}, presign.ErrMissingContentType},
		{"bad bucket", "B", &presign.PostOptions{Key: "a", ContentType: "image/png"}, presign.ErrInvalidBucket},
		{"bad key", "b-ok", &presign.PostOptions{Key: "a/../b", ContentType: "image/png"}, presign.ErrInvalidKey},
		{"over 5 GiB", "b-ok", &presign.PostOptions{Key: "a", ContentType: "image/png", MaxContentLength: 6 << 30}, presign.ErrInvalidOption},
		{"expiry over max", "b-ok", &presign.PostOptions{Key: "a", ContentType: "image/png", Expires: 2 * time.Hour}, presign.ErrExpiryTooLong},
		{"kms key without kms", "b-ok", &presign.PostOptions{Key: "a", ContentType: "image/png", SSEKMSKeyID: "k"}, presign.ErrInvalidOption},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			_, err := p.Post(t.Context(), tc.bucket, tc.opts)
			require.ErrorIs(t, err, tc.wantErr)
		})
	}
}
