package cloudfront_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/asn1"
	"errors"
	"fmt"
	"io"
	"math/big"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
)

var (
	ecOnce sync.Once
	ecKey  *ecdsa.PrivateKey
)

// p256Key is the tests' ECDSA P-256 key.
func p256Key(t testing.TB) *ecdsa.PrivateKey {
	t.Helper()
	ecOnce.Do(func() {
		k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
		if err != nil {
			panic(err)
		}
		ecKey = k
	})
	return ecKey
}

func newECDSASigner(t *testing.T, opts *cloudfront.SignerOptions) *cloudfront.Signer {
	t.Helper()
	o := cloudfront.SignerOptions{}
	if opts != nil {
		o = *opts
	}
	o.Now = func() time.Time { return signNow }
	s, err := cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", p256Key(t), &o)
	require.NoError(t, err)
	return s
}

// ecdsaSig is an ECDSA signature in ASN.1: SEQUENCE { r INTEGER, s INTEGER }.
type ecdsaSig struct{ R, S *big.Int }

// requireDER: sig (CloudFront base64) is exactly the DER encoding of an
// ECDSA signature, nothing before or after, not the raw r||s form.
func requireDER(t *testing.T, sig string) {
	t.Helper()
	raw := cfDecode(t, sig)
	var v ecdsaSig
	rest, err := asn1.Unmarshal(raw, &v)
	require.NoError(t, err, "ECDSA signature is ASN.1")
	require.Empty(t, rest)
	again, err := asn1.Marshal(v)
	require.NoError(t, err)
	require.Equal(t, raw, again, "DER: the one encoding")
}

// TestSignECDSAP256: CloudFront "supports signed URLs and signed cookies
// with RSA 2048 or ECDSA 256 key signatures" (API reference, PublicKey);
// the Signer took RSA keys only. Now NewSignerFromKey takes an ECDSA P-256
// key: URLs (canned and custom) and cookies are signed with SHA-256 by
// default, an ASN.1 DER signature that crypto/ecdsa verifies with the
// public key over the exact policy bytes; with InsecureSHA1, over SHA-1,
// in the SDK's URL shape.
func TestSignECDSAP256(t *testing.T) {
	key := p256Key(t)
	s := newECDSASigner(t, nil)
	exp := signNow.Add(30 * time.Minute)
	assert.Contains(t, s.String(), "ECDSA P-256")
	assert.Contains(t, s.String(), "SHA-256")

	raw := "https://d111111abcdef8.cloudfront.net/images/cat.jpg?size=large"
	signed, err := s.SignURL(raw, exp)
	require.NoError(t, err)
	m := regexp.MustCompile(`^` + regexp.QuoteMeta(raw) + `&Expires=1767270600&Signature=([A-Za-z0-9~_-]+)&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256$`).FindStringSubmatch(signed)
	require.Len(t, m, 2, signed)
	requireDER(t, m[1])
	digest := sha256.Sum256([]byte(cannedPolicy(raw, exp)))
	assert.True(t, ecdsa.VerifyASN1(&key.PublicKey, digest[:], cfDecode(t, m[1])), "ECDSA-SHA256 over the canned policy")
	d1 := sha1.Sum([]byte(cannedPolicy(raw, exp)))
	assert.False(t, ecdsa.VerifyASN1(&key.PublicKey, d1[:], cfDecode(t, m[1])), "not over SHA-1")
	requireSHA256URL(t, &key.PublicKey, "K2JCJMDEHXQW5F", signed)

	custom, err := s.SignURLWithPolicy("https://d111111abcdef8.cloudfront.net/videos/a.mp4", cloudfront.Policy{
		Resource: "https://d111111abcdef8.cloudfront.net/videos/*", Expires: exp, SourceIP: "192.0.2.0/24",
	})
	require.NoError(t, err)
	c := requireSHA256URL(t, &key.PublicKey, "K2JCJMDEHXQW5F", custom)
	assert.True(t, c.Custom)
	assert.Equal(t, `{"Statement":[{"Resource":"https://d111111abcdef8.cloudfront.net/videos/*","Condition":{"IpAddress":{"AWS:SourceIp":"192.0.2.0/24"},"DateLessThan":{"AWS:EpochTime":1767270600}}}]}`, string(c.Policy))

	cookies, err := s.SignCookies(cloudfront.Policy{Resource: "https://d111111abcdef8.cloudfront.net/private/*", Expires: exp}, nil)
	require.NoError(t, err)
	require.Len(t, cookies, 4)
	requireDER(t, cookies[1].Value)
	h, _, err := verifyCookies(&key.PublicKey, "K2JCJMDEHXQW5F", cookies)
	require.NoError(t, err)
	assert.Equal(t, crypto.SHA256, h)

	// The SHA-1 opt-in: the SDK's URL (ECDSA signatures differ each time,
	// so the signature is compared by verifying it).
	s1 := newECDSASigner(t, &cloudfront.SignerOptions{InsecureSHA1: true})
	got, err := s1.SignURL(raw, exp)
	require.NoError(t, err)
	want, err := sign.NewURLSigner("K2JCJMDEHXQW5F", key).Sign(raw, exp)
	require.NoError(t, err)
	sigRE := regexp.MustCompile(`Signature=[^&]+`)
	assert.Equal(t, sigRE.ReplaceAllString(want, "Signature=X"), sigRE.ReplaceAllString(got, "Signature=X"))
	checked, err := verifyURL(&key.PublicKey, "K2JCJMDEHXQW5F", got)
	require.NoError(t, err)
	assert.Equal(t, crypto.SHA1, checked.Hash)
	// And the SDK's own SHA-1 ECDSA URL passes the same verifier.
	_, err = verifyURL(&key.PublicKey, "K2JCJMDEHXQW5F", want)
	assert.NoError(t, err)
}

// fakeSigner is a crypto.Signer outside the standard library (an HSM, a
// KMS-backed key): pub is its public key and sign its signing.
type fakeSigner struct {
	pub  crypto.PublicKey
	sign func(digest []byte, opts crypto.SignerOpts) ([]byte, error)
}

func (f *fakeSigner) Public() crypto.PublicKey { return f.pub }
func (f *fakeSigner) Sign(_ io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	return f.sign(digest, opts)
}

// TestSignerKeyRefusals: NewSigner and NewSignerFromKey refuse, with
// ErrInvalidKey and before anything is signed, every key CloudFront cannot
// verify with (an RSA key of another size, ECDSA on another curve,
// Ed25519, nil and typed-nil keys, an ECDSA key whose private half does
// not match its public half) and take RSA 2048 and ECDSA P-256, also
// behind another crypto.Signer, whose signatures are then checked: one
// that does not verify is refused with ErrInvalidKey instead of becoming a
// URL CloudFront answers 403, and its error's text is not repeated.
func TestSignerKeyRefusals(t *testing.T) {
	gen := func(c elliptic.Curve) *ecdsa.PrivateKey {
		k, err := ecdsa.GenerateKey(c, rand.Reader)
		require.NoError(t, err)
		return k
	}
	rsa3072, err := rsa.GenerateKey(rand.Reader, 3072)
	require.NoError(t, err)
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	require.NoError(t, err)
	mismatched := *p256Key(t)
	mismatched.D = new(big.Int).Add(mismatched.D, big.NewInt(1)) // a tampered private half
	p384 := gen(elliptic.P384())

	for _, tc := range []struct {
		name string
		key  crypto.Signer
		ok   bool
	}{
		{"RSA 2048", rsaKey(t), true},
		{"ECDSA P-256", p256Key(t), true},
		{"RSA 3072", rsa3072, false},
		{"ECDSA P-224", gen(elliptic.P224()), false},
		{"ECDSA P-384", p384, false},
		{"ECDSA P-521", gen(elliptic.P521()), false},
		{"Ed25519", edKey, false},
		{"nil", nil, false},
		{"nil *rsa.PrivateKey", (*rsa.PrivateKey)(nil), false},
		{"nil *ecdsa.PrivateKey", (*ecdsa.PrivateKey)(nil), false},
		{"nil *fakeSigner", (*fakeSigner)(nil), false},
		{"ECDSA private key not matching its public key", &mismatched, false},
		{"signer with a P-384 public key", &fakeSigner{pub: &p384.PublicKey}, false},
		{"signer with no public key", &fakeSigner{pub: nil}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var s *cloudfront.Signer
			var err error
			require.NotPanics(t, func() { s, err = cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", tc.key, nil) })
			if tc.ok {
				require.NoError(t, err)
				require.NotNil(t, s)
				return
			}
			assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
			assert.Nil(t, s)
		})
	}
	_, err = cloudfront.NewSigner("K2JCJMDEHXQW5F", nil, nil)
	assert.ErrorIs(t, err, cloudfront.ErrInvalidKey)
	// A key ID that would break the query string or a cookie value.
	for _, id := range []string{"", "K1&x=1", "K1;Path=/", "K1,K2", "K1 K2", "K1#", "K1?"} {
		_, err = cloudfront.NewSignerFromKey(id, p256Key(t), nil)
		assert.ErrorIs(t, err, cloudfront.ErrInvalidKey, id)
	}

	exp := signNow.Add(time.Minute)
	const raw = "https://d111111abcdef8.cloudfront.net/a.jpg"
	opts := &cloudfront.SignerOptions{Now: func() time.Time { return signNow }}

	// A crypto.Signer that signs correctly is used as it is.
	for name, k := range map[string]crypto.Signer{"RSA": rsaKey(t), "ECDSA": p256Key(t)} {
		var hashes []crypto.Hash
		hsm := &fakeSigner{pub: k.Public(), sign: func(d []byte, o crypto.SignerOpts) ([]byte, error) {
			hashes = append(hashes, o.HashFunc())
			return k.Sign(rand.Reader, d, o)
		}}
		s, err := cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", hsm, opts)
		require.NoError(t, err, name)
		signed, err := s.SignURL(raw, exp)
		require.NoError(t, err, name)
		requireSHA256URL(t, k.Public(), "K2JCJMDEHXQW5F", signed)
		assert.Equal(t, []crypto.Hash{crypto.SHA256}, hashes, name)
	}

	// One that returns what does not verify, or fails, is refused.
	for name, f := range map[string]func([]byte, crypto.SignerOpts) ([]byte, error){
		"garbage":  func([]byte, crypto.SignerOpts) ([]byte, error) { return []byte("not a signature"), nil },
		"raw r||s": func(d []byte, _ crypto.SignerOpts) ([]byte, error) { return rawRS(t, d), nil },
		"wrong hash": func(d []byte, _ crypto.SignerOpts) ([]byte, error) {
			h := sha1.Sum(d)
			return p256Key(t).Sign(rand.Reader, h[:], crypto.SHA1)
		},
		"error w/ secret": func([]byte, crypto.SignerOpts) ([]byte, error) { return nil, errors.New("AKIASECRET token=hunter2") },
	} {
		s, err := cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", &fakeSigner{pub: &p256Key(t).PublicKey, sign: f}, opts)
		require.NoError(t, err, name)
		signed, err := s.SignURL(raw, exp)
		assert.ErrorIs(t, err, cloudfront.ErrInvalidKey, name)
		assert.Empty(t, signed, name)
		if err != nil {
			assert.NotContains(t, err.Error(), "hunter2", name)
		}
		_, err = s.SignCookies(cloudfront.Policy{Resource: raw, Expires: exp}, nil)
		assert.ErrorIs(t, err, cloudfront.ErrInvalidKey, name)
	}
}

// rawRS signs d with the P-256 test key and returns r||s (the JWS form),
// which CloudFront does not read.
func rawRS(t *testing.T, d []byte) []byte {
	der, err := p256Key(t).Sign(rand.Reader, d, crypto.SHA256)
	require.NoError(t, err)
	var v ecdsaSig
	_, err = asn1.Unmarshal(der, &v)
	require.NoError(t, err)
	out := make([]byte, 64)
	v.R.FillBytes(out[:32])
	v.S.FillBytes(out[32:])
	return out
}

// TestSignerStringNamesKeyAndHash: String says which key and hash sign,
// so a log shows a signer left on SHA-1, and no verb prints an ECDSA
// signer's private scalar.
func TestSignerStringNamesKeyAndHash(t *testing.T) {
	assert.Equal(t, "cloudfront.Signer{KeyID: K2JCJMDEHXQW5F, Key: RSA 2048, Hash: SHA-256, MaxExpiry: 1h0m0s}", newSigner(t, nil).String())
	ec := newECDSASigner(t, &cloudfront.SignerOptions{InsecureSHA1: true})
	assert.True(t, strings.Contains(ec.String(), "Key: ECDSA P-256, Hash: SHA-1 (insecure)"))
	d := p256Key(t).D // the secret the output must not hold
	for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%x", "%d"} {
		out := strings.ToLower(fmt.Sprintf(verb, struct{ S *cloudfront.Signer }{ec}))
		assert.NotContains(t, out, d.Text(16), verb)
		assert.NotContains(t, out, d.String(), verb)
	}
}
