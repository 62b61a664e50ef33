package cloudfront_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// ecParams is an "EC PARAMETERS" block naming a curve, as openssl ecparam
// -genkey writes before the key unless told -noout.
func ecParams(t *testing.T, c elliptic.Curve) []byte {
	t.Helper()
	oids := map[string]asn1.ObjectIdentifier{
		"P-256": {1, 2, 840, 10045, 3, 1, 7},
		"P-384": {1, 3, 132, 0, 34},
	}
	der, err := asn1.Marshal(oids[c.Params().Name])
	require.NoError(t, err)
	return pemBytes(t, "EC PARAMETERS", der, nil)
}

// TestParseSigningKeyPEM: ParsePrivateKeyPEM reads RSA keys only, so an
// ECDSA P-256 key, which CloudFront verifies ("RSA 2048 or ECDSA 256 key
// signatures", API reference, PublicKey), could not be loaded. Now
// ParseSigningKeyPEM (and LoadSigningKeyFile) return a crypto.Signer for
// NewSignerFromKey: RSA 2048 (PKCS #1 or PKCS #8) or ECDSA P-256 (SEC 1 "EC
// PRIVATE KEY", also after the "EC PARAMETERS" block openssl ecparam
// -genkey writes first, or PKCS #8), and refuse every other curve, size
// and type, encrypted PEM and extra blocks with ErrInvalidKey and no key
// material in the error. ParsePrivateKeyPEM still returns RSA keys only and
// points ECDSA ones to ParseSigningKeyPEM.
func TestParseSigningKeyPEM(t *testing.T) {
	ec := p256Key(t)
	sec1, err := x509.MarshalECPrivateKey(ec)
	require.NoError(t, err)
	ecPKCS8, err := x509.MarshalPKCS8PrivateKey(ec)
	require.NoError(t, err)
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	p384SEC1, err := x509.MarshalECPrivateKey(p384)
	require.NoError(t, err)
	p384PKCS8, err := x509.MarshalPKCS8PrivateKey(p384)
	require.NoError(t, err)
	_, ed, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	edPKCS8, err := x509.MarshalPKCS8PrivateKey(ed)
	require.NoError(t, err)
	rsaPKCS8, err := x509.MarshalPKCS8PrivateKey(rsaKey(t))
	require.NoError(t, err)
	big, err := rsa.GenerateKey(rand.Reader, 3072)
	require.NoError(t, err)
	ecPub, err := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	require.NoError(t, err)
	garbage := []byte("MIIEsecretsecretsecretsecret")

	cases := []struct {
		name string
		in   []byte
		want crypto.Signer // nil: refused
		msg  string
	}{
		{"RSA PKCS #1", pemBytes(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(rsaKey(t)), nil), rsaKey(t), ""},
		{"RSA PKCS #8", pemBytes(t, "PRIVATE KEY", rsaPKCS8, nil), rsaKey(t), ""},
		{"ECDSA P-256 SEC 1", pemBytes(t, "EC PRIVATE KEY", sec1, nil), ec, ""},
		{"ECDSA P-256 PKCS #8", pemBytes(t, "PRIVATE KEY", ecPKCS8, nil), ec, ""},
		{"ECDSA P-256 after EC PARAMETERS", append(ecParams(t, elliptic.P256()), pemBytes(t, "EC PRIVATE KEY", sec1, nil)...), ec, ""},
		{"ECDSA P-384 SEC 1", pemBytes(t, "EC PRIVATE KEY", p384SEC1, nil), nil, "P-384"},
		{"ECDSA P-384 PKCS #8", pemBytes(t, "PRIVATE KEY", p384PKCS8, nil), nil, "P-384"},
		{"P-384 parameters before a P-256 key", append(ecParams(t, elliptic.P384()), pemBytes(t, "EC PRIVATE KEY", sec1, nil)...), nil, "EC PARAMETERS"},
		{"EC PARAMETERS alone", ecParams(t, elliptic.P256()), nil, "EC PARAMETERS"},
		{"EC PARAMETERS after the key", append(pemBytes(t, "EC PRIVATE KEY", sec1, nil), ecParams(t, elliptic.P256())...), nil, "more than one"},
		{"Ed25519", pemBytes(t, "PRIVATE KEY", edPKCS8, nil), nil, "ed25519"},
		{"RSA 3072", pemBytes(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(big), nil), nil, "3072 bits"},
		{"public key", pemBytes(t, "PUBLIC KEY", ecPub, nil), nil, "not a private key"},
		{"encrypted", pemBytes(t, "EC PRIVATE KEY", garbage, map[string]string{"Proc-Type": "4,ENCRYPTED", "DEK-Info": "AES-128-CBC,00"}), nil, "encrypted"},
		{"malformed SEC 1", pemBytes(t, "EC PRIVATE KEY", garbage, nil), nil, "malformed"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := cloudfront.ParseSigningKeyPEM(tc.in)
			if tc.want != nil {
				require.NoError(t, err)
				assert.True(t, got.Public().(interface{ Equal(crypto.PublicKey) bool }).Equal(tc.want.Public()))
				_, err = cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", got, nil)
				assert.NoError(t, err)
				return
			}
			require.ErrorIs(t, err, cloudfront.ErrInvalidKey)
			assert.Nil(t, got)
			assert.Contains(t, err.Error(), tc.msg)
			assert.True(t, strings.HasPrefix(err.Error(), "cloudfront: "), err.Error())
			assert.NotContains(t, err.Error(), "secret")
			assert.NotContains(t, err.Error(), "MII")
		})
	}

	_, err = cloudfront.ParsePrivateKeyPEM(pemBytes(t, "EC PRIVATE KEY", sec1, nil))
	require.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	assert.Contains(t, err.Error(), "ParseSigningKeyPEM")

	path := filepath.Join(t.TempDir(), "ec.pem")
	require.NoError(t, os.WriteFile(path, append(ecParams(t, elliptic.P256()), pemBytes(t, "EC PRIVATE KEY", sec1, nil)...), 0o600))
	loaded, err := cloudfront.LoadSigningKeyFile(path)
	require.NoError(t, err)
	assert.True(t, loaded.(*ecdsa.PrivateKey).Equal(ec))
	require.NoError(t, os.WriteFile(path, pemBytes(t, "EC PRIVATE KEY", p384SEC1, nil), 0o600))
	_, err = cloudfront.LoadSigningKeyFile(path)
	require.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	assert.Contains(t, err.Error(), path)
	_, err = cloudfront.LoadSigningKeyFile(filepath.Join(t.TempDir(), "missing.pem"))
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
}

// TestSignedDistributionECDSA: CreateKeyGroup uploaded RSA 2048 keys only.
// Now it uploads an ECDSA P-256 public key too (and refuses other curves
// before any request), and a URL signed by NewSignerFromKey with its
// private half verifies, with SHA-256, against the public key CloudFront
// holds for the key group.
func TestSignedDistributionECDSA(t *testing.T) {
	e := newEnv(t, s3fake.StateAWSDefault)
	ctx := t.Context()
	p384, err := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	require.NoError(t, err)
	_, err = cloudfront.CreateKeyGroup(ctx, e.cfc, "p384", &p384.PublicKey)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	edPub, _, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	_, err = cloudfront.CreateKeyGroup(ctx, e.cfc, "ed", edPub)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	_, err = cloudfront.CreateKeyGroup(ctx, e.cfc, "typed-nil", (*ecdsa.PublicKey)(nil))
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	assert.Empty(t, e.cf.Counts(), "refused before any request")

	kg, err := cloudfront.CreateKeyGroup(ctx, e.cfc, "ec-signers", &p256Key(t).PublicKey)
	require.NoError(t, err)
	again, err := cloudfront.CreateKeyGroup(ctx, e.cfc, "ec-signers", &p256Key(t).PublicKey)
	require.NoError(t, err, "run again: the same key is adopted")
	assert.Equal(t, kg.PublicKeyID, again.PublicKeyID)

	got, err := e.cfc.GetPublicKey(ctx, &cfsdk.GetPublicKeyInput{Id: aws.String(kg.PublicKeyID)})
	require.NoError(t, err)
	block, _ := pem.Decode([]byte(aws.ToString(got.PublicKey.PublicKeyConfig.EncodedKey)))
	require.NotNil(t, block)
	held, err := x509.ParsePKIXPublicKey(block.Bytes)
	require.NoError(t, err)

	s, err := cloudfront.NewSignerFromKey(kg.PublicKeyID, p256Key(t), &cloudfront.SignerOptions{Now: func() time.Time { return signNow }})
	require.NoError(t, err)
	signed, err := s.SignURL("https://d111111abcdef8.cloudfront.net/reports/q3.pdf", signNow.Add(time.Minute))
	require.NoError(t, err)
	requireSHA256URL(t, held, kg.PublicKeyID, signed)
}
