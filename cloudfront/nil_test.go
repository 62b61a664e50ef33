package cloudfront_test

import (
	"context"
	"crypto/x509"
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestNilClients passes nil clients, and nil *Client pointers inside the
// interfaces, with the other client real: each call must fail with
// ErrInvalidOptions before any request reaches either fake, not panic.
func TestNilClients(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	var (
		nilCF  *cfsdk.Client
		nilS3  *s3.Client
		nilKMS *kms.Client
	)
	pub := &rsaKey(t).PublicKey
	tests := []struct {
		name string
		call func(ctx context.Context) error
	}{
		{"ServeBucket nil cf", func(ctx context.Context) error {
			_, err := cloudfront.ServeBucket(ctx, nil, e.s3c, testBucket, nil)
			return err
		}},
		{"ServeBucket typed nil cf", func(ctx context.Context) error {
			_, err := cloudfront.ServeBucket(ctx, nilCF, e.s3c, testBucket, nil)
			return err
		}},
		{"ServeBucket typed nil s3", func(ctx context.Context) error {
			_, err := cloudfront.ServeBucket(ctx, e.cfc, nilS3, testBucket, nil)
			return err
		}},
		{"ServeBucket typed nil KMS", func(ctx context.Context) error {
			_, err := cloudfront.ServeBucket(ctx, e.cfc, e.s3c, testBucket, &cloudfront.Options{ApplyKeyPolicy: true, KMS: nilKMS})
			return err
		}},
		{"Migrate typed nil cf", func(ctx context.Context) error {
			_, err := cloudfront.Migrate(ctx, nilCF, e.s3c, testBucket, "E2QWRUHEXAMPLE", nil)
			return err
		}},
		{"Migrate nil s3", func(ctx context.Context) error {
			_, err := cloudfront.Migrate(ctx, e.cfc, nil, testBucket, "E2QWRUHEXAMPLE", nil)
			return err
		}},
		{"CreateLegacyOAI typed nil cf", func(ctx context.Context) error {
			_, err := cloudfront.CreateLegacyOAI(ctx, nilCF, e.s3c, testBucket, nil)
			return err
		}},
		{"CreateLegacyOAI typed nil s3", func(ctx context.Context) error {
			_, err := cloudfront.CreateLegacyOAI(ctx, e.cfc, nilS3, testBucket, nil)
			return err
		}},
		{"CreateKeyGroup typed nil", func(ctx context.Context) error {
			_, err := cloudfront.CreateKeyGroup(ctx, nilCF, "group", pub)
			return err
		}},
		{"CreateKeyGroup nil", func(ctx context.Context) error {
			_, err := cloudfront.CreateKeyGroup(ctx, nil, "group", pub)
			return err
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e.resetCounts()
			var err error
			require.NotPanics(t, func() { err = tt.call(t.Context()) })
			assert.ErrorIs(t, err, cloudfront.ErrInvalidOptions)
			assert.Zero(t, e.s3.TotalCount(), "no S3 request may be sent")
			assert.Empty(t, e.cf.Counts(), "no CloudFront request may be sent")
		})
	}
}

// TestNilSigner: a nil or zero Signer refuses to sign instead of panicking,
// and still prints.
func TestNilSigner(t *testing.T) {
	exp := signNow.Add(time.Minute)
	for name, s := range map[string]*cloudfront.Signer{"nil": nil, "zero": {}} {
		t.Run(name, func(t *testing.T) {
			require.NotPanics(t, func() {
				_, err := s.SignURL("https://d111111abcdef8.cloudfront.net/a", exp)
				assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
				_, err = s.SignURLWithPolicy("https://d111111abcdef8.cloudfront.net/a", cloudfront.Policy{Expires: exp})
				assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
				_, err = s.SignCookies(cloudfront.Policy{Resource: "https://d111111abcdef8.cloudfront.net/*", Expires: exp}, nil)
				assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
				assert.NotEmpty(t, fmt.Sprintf("%v %+v %#v", s, s, s))
				_ = s.KeyID()
			})
		})
	}
}

// TestSignerFormatHasNoKeyMaterial formats a Signer, alone and inside
// structs, with every fmt verb and checks that no part of the private key
// (D, the primes, the DER encoding) appears, in decimal or hex.
func TestSignerFormatHasNoKeyMaterial(t *testing.T) {
	s := newSigner(t, nil)
	k := rsaKey(t)
	der, err := x509.MarshalPKCS8PrivateKey(k)
	require.NoError(t, err)
	secrets := map[string]string{
		"D (decimal)":     k.D.String(),
		"D (hex)":         k.D.Text(16),
		"P (decimal)":     k.Primes[0].String(),
		"P (hex)":         k.Primes[0].Text(16),
		"DER (hex, part)": hex.EncodeToString(der[len(der)/2 : len(der)/2+32]),
	}
	values := map[string]any{
		"*Signer":           s,
		"struct{S *Signer}": struct{ S *cloudfront.Signer }{s},
		"[]*Signer":         []*cloudfront.Signer{s},
		"map":               map[string]*cloudfront.Signer{"k": s},
	}
	verbs := []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"}
	for vname, v := range values {
		for _, verb := range verbs {
			out := strings.ToLower(fmt.Sprintf(verb, v))
			for sname, secret := range secrets {
				assert.NotContains(t, out, strings.ToLower(secret), "%s formatted with %s shows %s", vname, verb, sname)
			}
		}
	}
	assert.Contains(t, s.String(), "K2JCJMDEHXQW5F")
}
