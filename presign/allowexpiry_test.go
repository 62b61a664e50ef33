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

// TestVerifyAllowExpiryUpTo: a verifier accepts presigned URLs (and POST
// policies) living longer than DefaultMaxExpiry only through the opt-in
// VerifyOptions.AllowExpiryUpTo; the deprecated MaxExpiry still works
// alone, and with both set the smaller applies.
func TestVerifyAllowExpiryUpTo(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	p := newTestPresigner(t, creds, &presign.Options{AllowExpiryUpTo: presign.HardMaxExpiry})
	long, err := p.Get(t.Context(), "my-bucket", "k", &presign.GetOptions{Expires: 2 * time.Hour})
	require.NoError(t, err)
	post, err := p.Post(t.Context(), "uploads-bucket", &presign.PostOptions{KeyPrefix: "u/", ContentTypePrefix: "text/", Expires: 2 * time.Hour, MaxContentLength: 10})
	require.NoError(t, err)
	now := func() time.Time { return verifyNow }
	fields := map[string][]string{"Content-Type": {"text/plain"}}
	for k, v := range post.Fields {
		fields[k] = []string{v}
	}
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
			o.Now = now
			_, err := presign.Verify(requestFor(t, long), lookupFor(creds), &o)
			_, perr := presign.VerifyPost("uploads-bucket", fields, 5, lookupFor(creds), &o)
			if tt.ok {
				assert.NoError(t, err)
				assert.NoError(t, perr)
				return
			}
			assert.ErrorIs(t, err, presign.ErrExpiryTooLong)
			assert.ErrorIs(t, perr, presign.ErrExpiryTooLong)
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
	p := newTestPresigner(t, creds, nil)
	get, err := p.Get(t.Context(), "my-bucket", "k", nil)
	require.NoError(t, err)
	post, err := p.Post(t.Context(), "uploads-bucket", &presign.PostOptions{KeyPrefix: "u/", ContentTypePrefix: "text/", MaxContentLength: 10})
	require.NoError(t, err)
	fields := map[string][]string{"Content-Type": {"text/plain"}}
	for k, v := range post.Fields {
		fields[k] = []string{v}
	}
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
			_, err := presign.Verify(requestFor(t, get), lookupFor(creds), &o)
			_, perr := presign.VerifyPost("uploads-bucket", fields, 5, lookupFor(creds), &o)
			if tt.ok {
				assert.NoError(t, err)
				assert.NoError(t, perr)
				return
			}
			assert.ErrorIs(t, err, presign.ErrClockSkew)
			assert.ErrorIs(t, perr, presign.ErrClockSkew)
		})
	}
}
