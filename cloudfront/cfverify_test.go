package cloudfront_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/rsa"
	_ "crypto/sha1" // CloudFront still verifies SHA-1 signatures that name no hash algorithm.
	_ "crypto/sha256"
	"encoding/base64"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// This file is the tests' CloudFront: it checks a signed URL or a set of
// signed cookies the way the CloudFront developer guide says CloudFront
// does, and no looser.
//
//   - The hash: "existing signed URLs and cookies that do not specify a
//     hash algorithm will continue to function with SHA-1" (What's New,
//     April 2026), and "When you use SHA-256, include the
//     Hash-Algorithm=SHA256 query parameter in the signed URL" (Code
//     examples for creating a signature for a signed URL); for cookies
//     "You can optionally include a fourth name-value pair,
//     CloudFront-Hash-Algorithm, to specify the hash algorithm used for the
//     signature" (Set signed cookies using a canned policy). The guide names
//     no other value and says nothing of a repeated parameter, so any other
//     value ("SHA1", "sha256", "SHA512", "") and a second Hash-Algorithm are
//     refused: a verifier must be at least as strict as CloudFront.
//   - The key: "RSA 2048 or ECDSA 256 key signatures" (API reference,
//     PublicKey): RSA PKCS #1 v1.5, or ECDSA P-256 in ASN.1 DER, the
//     encoding the SDKs that sign with ECDSA produce (aws-sdk-java-v2
//     SHA1withECDSA, aws-lc-rs ECDSA_P256_SHA1_ASN1 "Motivation: Amazon
//     CloudFront signed URLs").
//   - The encoding: CloudFront's base64, '+' → '-', '=' → '_', '/' → '~'.

// signingParams are the query parameters CloudFront reads a signature
// from (AWS CLI, cloudfront sign: "without the CloudFront signing
// parameters (Expires, Policy, Signature, Key-Pair-Id, Hash-Algorithm)").
var signingParams = []string{"Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"}

// hashNamed is the hash a signature is checked with, from the values of
// its Hash-Algorithm parameter (or CloudFront-Hash-Algorithm cookie).
func hashNamed(values []string) (crypto.Hash, error) {
	switch {
	case len(values) == 0:
		return crypto.SHA1, nil
	case len(values) > 1:
		return 0, fmt.Errorf("hash algorithm named %d times", len(values))
	case values[0] == "SHA256":
		return crypto.SHA256, nil
	}
	return 0, fmt.Errorf("unknown hash algorithm %q", values[0])
}

// cfBase64 decodes CloudFront's base64, refusing the standard alphabet's
// '+', '/' and '=', which CloudFront's never holds.
func cfBase64(s string) ([]byte, error) {
	if strings.ContainsAny(s, "+/=") {
		return nil, fmt.Errorf("%q is standard base64, not CloudFront's", s)
	}
	return base64.StdEncoding.DecodeString(strings.NewReplacer("-", "+", "_", "=", "~", "/").Replace(s))
}

// checkSignature verifies sig (CloudFront base64) over the exact policy
// bytes with pub and the hash h.
func checkSignature(pub crypto.PublicKey, h crypto.Hash, policy []byte, sig string) error {
	raw, err := cfBase64(sig)
	if err != nil {
		return err
	}
	d := h.New()
	d.Write(policy)
	digest := d.Sum(nil)
	switch k := pub.(type) {
	case *rsa.PublicKey:
		if k.N.BitLen() != 2048 {
			return fmt.Errorf("RSA key of %d bits", k.N.BitLen())
		}
		return rsa.VerifyPKCS1v15(k, h, digest, raw)
	case *ecdsa.PublicKey:
		if k.Curve.Params().Name != "P-256" {
			return fmt.Errorf("ECDSA key on %s", k.Curve.Params().Name)
		}
		if !ecdsa.VerifyASN1(k, digest, raw) {
			return errors.New("ECDSA signature (ASN.1 DER) does not verify")
		}
		return nil
	}
	return fmt.Errorf("public key %T", pub)
}

// checkedURL is what a signed URL verified as.
type checkedURL struct {
	Hash   crypto.Hash
	Policy []byte // the policy the signature covers: the Policy parameter, or the canned policy rebuilt
	Custom bool
}

// verifyURL checks a signed URL as CloudFront does: each signing parameter
// at most once (read from the raw query, where a repeat is visible), the
// key ID, and the signature over the policy: the Policy parameter for a
// custom policy, else the canned policy rebuilt from the URL without the
// signing parameters and Expires.
func verifyURL(pub crypto.PublicKey, keyID, signed string) (*checkedURL, error) {
	base, query, ok := strings.Cut(signed, "?")
	if !ok {
		return nil, errors.New("no query string")
	}
	got := map[string][]string{}
	var kept []string
	for _, pair := range strings.Split(query, "&") {
		name, value, _ := strings.Cut(pair, "=")
		isSigning := false
		for _, p := range signingParams {
			if name == p {
				got[p] = append(got[p], value)
				isSigning = true
			}
		}
		if !isSigning {
			kept = append(kept, pair)
		}
	}
	for p, vs := range got {
		if len(vs) > 1 && p != "Hash-Algorithm" {
			return nil, fmt.Errorf("%s appears %d times", p, len(vs))
		}
	}
	h, err := hashNamed(got["Hash-Algorithm"])
	if err != nil {
		return nil, err
	}
	if len(got["Key-Pair-Id"]) != 1 || got["Key-Pair-Id"][0] != keyID {
		return nil, fmt.Errorf("Key-Pair-Id %v, want %s", got["Key-Pair-Id"], keyID)
	}
	if len(got["Signature"]) != 1 {
		return nil, errors.New("no Signature")
	}
	c := &checkedURL{Hash: h}
	switch {
	case len(got["Policy"]) == 1 && len(got["Expires"]) == 0:
		if c.Policy, err = cfBase64(got["Policy"][0]); err != nil {
			return nil, err
		}
		c.Custom = true
	case len(got["Expires"]) == 1 && len(got["Policy"]) == 0:
		resource := base
		if len(kept) > 0 {
			resource += "?" + strings.Join(kept, "&")
		}
		c.Policy = []byte(`{"Statement":[{"Resource":"` + resource + `","Condition":{"DateLessThan":{"AWS:EpochTime":` + got["Expires"][0] + `}}}]}`)
	default:
		return nil, errors.New("needs exactly one of Expires and Policy")
	}
	if err := checkSignature(pub, h, c.Policy, got["Signature"][0]); err != nil {
		return nil, err
	}
	return c, nil
}

// verifyCookies checks CloudFront signed cookies (custom policy) as
// CloudFront does, and returns the hash and the policy.
func verifyCookies(pub crypto.PublicKey, keyID string, cookies []*http.Cookie) (crypto.Hash, []byte, error) {
	got := map[string][]string{}
	for _, c := range cookies {
		got[c.Name] = append(got[c.Name], c.Value)
	}
	for _, name := range []string{"CloudFront-Policy", "CloudFront-Signature", "CloudFront-Key-Pair-Id"} {
		if len(got[name]) != 1 {
			return 0, nil, fmt.Errorf("%s appears %d times", name, len(got[name]))
		}
	}
	if got["CloudFront-Key-Pair-Id"][0] != keyID {
		return 0, nil, fmt.Errorf("CloudFront-Key-Pair-Id %s, want %s", got["CloudFront-Key-Pair-Id"][0], keyID)
	}
	h, err := hashNamed(got["CloudFront-Hash-Algorithm"])
	if err != nil {
		return 0, nil, err
	}
	policy, err := cfBase64(got["CloudFront-Policy"][0])
	if err != nil {
		return 0, nil, err
	}
	return h, policy, checkSignature(pub, h, policy, got["CloudFront-Signature"][0])
}

// requireSHA256URL: signed verifies, with SHA-256.
func requireSHA256URL(t *testing.T, pub crypto.PublicKey, keyID, signed string) *checkedURL {
	t.Helper()
	c, err := verifyURL(pub, keyID, signed)
	require.NoError(t, err, signed)
	require.Equal(t, crypto.SHA256, c.Hash, signed)
	return c
}

// cannedPolicy is the canned policy CloudFront rebuilds for rawURL.
func cannedPolicy(rawURL string, expires time.Time) string {
	return fmt.Sprintf(`{"Statement":[{"Resource":"%s","Condition":{"DateLessThan":{"AWS:EpochTime":%d}}}]}`, rawURL, expires.Unix())
}
