package presign_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestPresignerAllowExpiryUpTo: a cap above DefaultMaxExpiry is the opt-in
// Options.AllowExpiryUpTo (greppable with every other weakening, as
// cloudfront's SignerOptions.AllowExpiryUpTo), up to HardMaxExpiry. The
// deprecated MaxExpiry still works alone; with both set the smaller cap
// applies, so that neither can raise what the other allows.
func TestPresignerAllowExpiryUpTo(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	tests := []struct {
		name    string
		opts    presign.Options
		allowed time.Duration // the longest expiry a Get may ask for
	}{
		{name: "default", allowed: presign.DefaultMaxExpiry},
		{name: "AllowExpiryUpTo", opts: presign.Options{AllowExpiryUpTo: 6 * time.Hour}, allowed: 6 * time.Hour},
		{name: "AllowExpiryUpTo the SigV4 limit", opts: presign.Options{AllowExpiryUpTo: presign.HardMaxExpiry}, allowed: presign.HardMaxExpiry},
		{name: "AllowExpiryUpTo lower than the default", opts: presign.Options{AllowExpiryUpTo: 10 * time.Minute}, allowed: 10 * time.Minute},
		{name: "deprecated MaxExpiry alone", opts: presign.Options{MaxExpiry: 6 * time.Hour}, allowed: 6 * time.Hour},
		{name: "both: AllowExpiryUpTo smaller", opts: presign.Options{AllowExpiryUpTo: 2 * time.Hour, MaxExpiry: 6 * time.Hour}, allowed: 2 * time.Hour},
		{name: "both: MaxExpiry smaller", opts: presign.Options{AllowExpiryUpTo: 6 * time.Hour, MaxExpiry: 2 * time.Hour}, allowed: 2 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := newTestPresigner(t, creds, &tt.opts)
			_, err := p.Get(t.Context(), "my-bucket", "k", &presign.GetOptions{Expires: tt.allowed})
			require.NoError(t, err)
			_, err = p.Get(t.Context(), "my-bucket", "k", &presign.GetOptions{Expires: tt.allowed + time.Second})
			require.ErrorIs(t, err, presign.ErrExpiryTooLong)
			var ee *presign.ExpiryError
			require.ErrorAs(t, err, &ee)
			assert.Equal(t, tt.allowed, ee.Max)
		})
	}
}

// TestPresignerAllowExpiryUpToOutOfRange: AllowExpiryUpTo beyond SigV4's 7
// days, or negative, is refused when the Presigner is made, as MaxExpiry
// is; with both set, either out of range is.
func TestPresignerAllowExpiryUpToOutOfRange(t *testing.T) {
	cfg := aws.Config{Region: "eu-west-1", Credentials: credentials.StaticCredentialsProvider{Value: aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}}}
	for _, tt := range []struct {
		name string
		opts presign.Options
		want error
	}{
		{"over 7 days", presign.Options{AllowExpiryUpTo: presign.HardMaxExpiry + time.Second}, presign.ErrExpiryTooLong},
		{"negative", presign.Options{AllowExpiryUpTo: -time.Hour}, presign.ErrExpiryTooShort},
		{"negative beside a MaxExpiry", presign.Options{AllowExpiryUpTo: -time.Hour, MaxExpiry: time.Hour}, presign.ErrExpiryTooShort},
		{"MaxExpiry over 7 days beside AllowExpiryUpTo", presign.Options{AllowExpiryUpTo: time.Hour, MaxExpiry: presign.HardMaxExpiry + time.Hour}, presign.ErrExpiryTooLong},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, err := presign.New(cfg, &tt.opts)
			require.ErrorIs(t, err, tt.want)
		})
	}
}

// signedGetAndPost returns a presigned GET and the fields of a POST form,
// both living expires (zero: the default), signed at verifyNow.
func signedGetAndPost(t *testing.T, creds aws.Credentials, expires time.Duration) (*presign.Request, map[string][]string) {
	t.Helper()
	p := newTestPresigner(t, creds, &presign.Options{AllowExpiryUpTo: presign.HardMaxExpiry})
	get, err := p.Get(t.Context(), "my-bucket", "k", &presign.GetOptions{Expires: expires})
	require.NoError(t, err)
	post, err := p.Post(t.Context(), "uploads-bucket", &presign.PostOptions{KeyPrefix: "u/", ContentTypePrefix: "text/", Expires: expires, MaxContentLength: 10})
	require.NoError(t, err)
	fields := map[string][]string{"Content-Type": {"text/plain"}}
	for k, v := range post.Fields {
		fields[k] = []string{v}
	}
	return get, fields
}

// assertVerifiesBoth checks that Verify and VerifyPost both accept get
// and the form, or both refuse them with want (nil: accept).
func assertVerifiesBoth(t *testing.T, creds aws.Credentials, get *presign.Request, fields map[string][]string, o *presign.VerifyOptions, want error) {
	t.Helper()
	_, err := presign.Verify(requestFor(t, get), lookupFor(creds), o)
	_, perr := presign.VerifyPost("uploads-bucket", fields, 5, lookupFor(creds), o)
	if want == nil {
		assert.NoError(t, err)
		assert.NoError(t, perr)
		return
	}
	assert.ErrorIs(t, err, want)
	assert.ErrorIs(t, perr, want)
}

// TestVerifyAllowExpiryUpTo: a verifier accepts presigned URLs (and POST
// policies) living longer than DefaultMaxExpiry only through the opt-in
// VerifyOptions.AllowExpiryUpTo; the deprecated MaxExpiry still works
// alone, and with both set the smaller applies.
func TestVerifyAllowExpiryUpTo(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	long, fields := signedGetAndPost(t, creds, 2*time.Hour)
	for _, tt := range []struct {
		name string
		opts presign.VerifyOptions
		ok   bool
	}{
		{name: "default", ok: false},
		{name: "AllowExpiryUpTo", opts: presign.VerifyOptions{AllowExpiryUpTo: 2 * time.Hour}, ok: true},
		{name: "AllowExpiryUpTo too short", opts: presign.VerifyOptions{AllowExpiryUpTo: 2*time.Hour - time.Second}, ok: false},
		{name: "deprecated MaxExpiry alone", opts: presign.VerifyOptions{MaxExpiry: 2 * time.Hour}, ok: true},
		{name: "both: AllowExpiryUpTo smaller", opts: presign.VerifyOptions{AllowExpiryUpTo: time.Hour, MaxExpiry: 2 * time.Hour}, ok: false},
		{name: "both: MaxExpiry smaller", opts: presign.VerifyOptions{AllowExpiryUpTo: 2 * time.Hour, MaxExpiry: time.Hour}, ok: false},
		{name: "both allow it", opts: presign.VerifyOptions{AllowExpiryUpTo: 3 * time.Hour, MaxExpiry: 2 * time.Hour}, ok: true},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.Now = func() time.Time { return verifyNow }
			var want error
			if !tt.ok {
				want = presign.ErrExpiryTooLong
			}
			assertVerifiesBoth(t, creds, long, fields, &o, want)
		})
	}
}

// TestVerifyAllowClockSkewUpTo: tolerating an X-Amz-Date further ahead of
// the verifier's clock than S3's 15 minutes is the opt-in
// VerifyOptions.AllowClockSkewUpTo; the former MaxClockSkew still works
// alone (deprecated), and with both set the smaller applies. Verify and
// VerifyPost read it alike.
func TestVerifyAllowClockSkewUpTo(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	get, fields := signedGetAndPost(t, creds, 0)
	// The verifier's clock is 20 minutes behind the signer's.
	behind := func() time.Time { return verifyNow.Add(-20 * time.Minute) }
	for _, tt := range []struct {
		name string
		opts presign.VerifyOptions
		ok   bool
	}{
		{name: "default 15 minutes", ok: false},
		{name: "AllowClockSkewUpTo", opts: presign.VerifyOptions{AllowClockSkewUpTo: 30 * time.Minute}, ok: true},
		{name: "deprecated MaxClockSkew alone", opts: presign.VerifyOptions{MaxClockSkew: 30 * time.Minute}, ok: true},
		{name: "both: AllowClockSkewUpTo smaller", opts: presign.VerifyOptions{AllowClockSkewUpTo: 10 * time.Minute, MaxClockSkew: 30 * time.Minute}, ok: false},
		{name: "both: MaxClockSkew smaller", opts: presign.VerifyOptions{AllowClockSkewUpTo: 30 * time.Minute, MaxClockSkew: 10 * time.Minute}, ok: false},
	} {
		t.Run(tt.name, func(t *testing.T) {
			o := tt.opts
			o.Now = behind
			var want error
			if !tt.ok {
				want = presign.ErrClockSkew
			}
			assertVerifiesBoth(t, creds, get, fields, &o, want)
		})
	}
}
