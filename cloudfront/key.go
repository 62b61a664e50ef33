package cloudfront

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/asn1"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
	"reflect"
)

// MinRSAKeyBits is the size of RSA key a [Signer] accepts: CloudFront
// "supports signed URLs and signed cookies with RSA 2048 or ECDSA 256 key
// signatures" (CloudFront API reference, PublicKey), so a shorter key is
// weak and a longer one cannot be in a key group: both are refused, as
// [CreateKeyGroup] refuses them.
const MinRSAKeyBits = 2048

// ParsePrivateKeyPEM parses the RSA private key of a CloudFront key pair from
// PEM ("RSA PRIVATE KEY", PKCS #1, as openssl genrsa writes it, or "PRIVATE
// KEY", PKCS #8). Encrypted PEM, other key types and RSA keys of any other
// size than MinRSAKeyBits (2048) are refused. For ECDSA P-256 keys, use
// [ParseSigningKeyPEM].
//
// Errors wrap [ErrInvalidKey] and never contain the input: they name the PEM
// block type at most.
//
// DO NOT embed private keys in source code; load them from a secret store.
func ParsePrivateKeyPEM(data []byte) (*rsa.PrivateKey, error) {
	key, err := ParseSigningKeyPEM(data)
	if err != nil {
		return nil, err
	}
	rk, ok := key.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("%w: the key is %T, not RSA; load it with ParseSigningKeyPEM and sign with NewSignerFromKey", ErrInvalidKey, key)
	}
	return rk, nil
}

// ParseSigningKeyPEM parses the private key of a CloudFront key pair from
// PEM, for [NewSignerFromKey]: RSA 2048 ("RSA PRIVATE KEY", PKCS #1, or
// "PRIVATE KEY", PKCS #8) or ECDSA P-256 ("EC PRIVATE KEY", SEC 1, as
// openssl ecparam -genkey writes it, also after the "EC PARAMETERS" block
// it writes first unless told -noout; or "PRIVATE KEY", PKCS #8), the keys
// CloudFront verifies ("RSA 2048 or ECDSA 256 key signatures", API
// reference, PublicKey). It returns an *rsa.PrivateKey or an
// *ecdsa.PrivateKey. Encrypted PEM, more than one key, other key types,
// other curves and RSA keys of any other size are refused.
//
// Errors wrap [ErrInvalidKey] and never contain the input: they name the PEM
// block type at most.
//
// DO NOT embed private keys in source code; load them from a secret store.
func ParseSigningKeyPEM(data []byte) (crypto.Signer, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block found", ErrInvalidKey)
	}
	if block.Type == "EC PARAMETERS" {
		if !namesP256(block.Bytes) {
			return nil, fmt.Errorf("%w: the EC PARAMETERS block names a curve other than P-256, the one CloudFront verifies ECDSA signatures on", ErrInvalidKey)
		}
		next, after := pem.Decode(rest)
		if next == nil || next.Type != "EC PRIVATE KEY" {
			return nil, fmt.Errorf("%w: the EC PARAMETERS block is not followed by an EC PRIVATE KEY", ErrInvalidKey)
		}
		block, rest = next, after
	}
	if _, ok := block.Headers["DEK-Info"]; ok || block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, fmt.Errorf("%w: the PEM block is encrypted; decrypt it first", ErrInvalidKey)
	}
	if extra, _ := pem.Decode(rest); extra != nil {
		return nil, fmt.Errorf("%w: more than one PEM block (found %q after %q)", ErrInvalidKey, extra.Type, block.Type)
	}
	var key crypto.Signer
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: malformed PKCS #1 RSA private key", ErrInvalidKey)
		}
		key = k
	case "EC PRIVATE KEY":
		k, err := x509.ParseECPrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: malformed SEC 1 EC private key, or one on a curve Go does not know (CloudFront verifies P-256 only)", ErrInvalidKey)
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: malformed PKCS #8 private key", ErrInvalidKey)
		}
		switch k := k.(type) {
		case *rsa.PrivateKey:
			key = k
		case *ecdsa.PrivateKey:
			key = k
		default:
			return nil, fmt.Errorf("%w: PKCS #8 key is %T, not RSA or ECDSA", ErrInvalidKey, k)
		}
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fmt.Errorf("%w: PEM block %q is not a private key (CloudFront keeps the public key; sign with the private one)", ErrInvalidKey, block.Type)
	default:
		return nil, fmt.Errorf("%w: unsupported PEM block type %q", ErrInvalidKey, block.Type)
	}
	if _, _, _, err := checkSigningKey(key); err != nil {
		return nil, err
	}
	return key, nil
}

// namesP256 reports whether der, the content of an EC PARAMETERS block, is
// the named curve prime256v1 (P-256, OID 1.2.840.10045.3.1.7, RFC 5480).
func namesP256(der []byte) bool {
	var oid asn1.ObjectIdentifier
	rest, err := asn1.Unmarshal(der, &oid)
	return err == nil && len(rest) == 0 && oid.Equal(asn1.ObjectIdentifier{1, 2, 840, 10045, 3, 1, 7})
}

// LoadPrivateKeyFile reads a PEM RSA private key from a file; see
// [ParsePrivateKeyPEM]. Errors name the file, never its content.
func LoadPrivateKeyFile(path string) (*rsa.PrivateKey, error) {
	return loadKeyFile(path, ParsePrivateKeyPEM)
}

// LoadSigningKeyFile reads a PEM RSA 2048 or ECDSA P-256 private key from a
// file; see [ParseSigningKeyPEM]. Errors name the file, never its content.
func LoadSigningKeyFile(path string) (crypto.Signer, error) {
	return loadKeyFile(path, ParseSigningKeyPEM)
}

func loadKeyFile[K any](path string, parse func([]byte) (K, error)) (K, error) {
	var none K
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return none, fmt.Errorf("%w: reading %s: %v", ErrInvalidKey, path, err)
	}
	key, err := parse(data)
	clear(data)
	if err != nil {
		return none, fmt.Errorf("%w (file %s)", err, path)
	}
	return key, nil
}

func checkRSAKey(key *rsa.PrivateKey) error {
	if key == nil || key.N == nil {
		return fmt.Errorf("%w: no key", ErrInvalidKey)
	}
	if bits := key.N.BitLen(); bits < MinRSAKeyBits {
		return fmt.Errorf("%w: RSA key is %d bits, need at least %d", ErrInvalidKey, bits, MinRSAKeyBits)
	} else if bits > MinRSAKeyBits {
		return fmt.Errorf("%w: RSA key is %d bits; CloudFront verifies signed URLs and cookies with RSA %d keys only", ErrInvalidKey, bits, MinRSAKeyBits)
	}
	if err := key.Validate(); err != nil {
		return fmt.Errorf("%w: RSA key fails validation", ErrInvalidKey)
	}
	return nil
}

// checkSigningKey accepts the keys CloudFront verifies signed URLs and
// cookies with, RSA 2048 and ECDSA P-256, and returns the public key, a
// description for String, and whether the key is one of the standard
// library's (whose signatures need no check).
func checkSigningKey(key crypto.Signer) (pub crypto.PublicKey, kind string, native bool, err error) {
	switch k := key.(type) {
	case nil:
		return nil, "", false, fmt.Errorf("%w: no key", ErrInvalidKey)
	case *rsa.PrivateKey:
		if err := checkRSAKey(k); err != nil {
			return nil, "", false, err
		}
		return &k.PublicKey, "RSA 2048", true, nil
	case *ecdsa.PrivateKey:
		if k == nil {
			return nil, "", false, fmt.Errorf("%w: no key", ErrInvalidKey)
		}
		if err := checkECDSAPublicKey(&k.PublicKey); err != nil {
			return nil, "", false, err
		}
		// The private scalar must be valid and match the public key.
		priv, err := k.ECDH()
		if err != nil {
			return nil, "", false, fmt.Errorf("%w: ECDSA private key fails validation", ErrInvalidKey)
		}
		if pub, err := k.PublicKey.ECDH(); err != nil || !priv.PublicKey().Equal(pub) {
			return nil, "", false, fmt.Errorf("%w: ECDSA private key does not match its public key", ErrInvalidKey)
		}
		return &k.PublicKey, "ECDSA P-256", true, nil
	}
	if v := reflect.ValueOf(key); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, "", false, fmt.Errorf("%w: no key (nil %T)", ErrInvalidKey, key)
	}
	pub = key.Public()
	kind, err = checkPublicKey(pub)
	if err != nil {
		return nil, "", false, fmt.Errorf("%w (the public key of %T)", err, key)
	}
	return pub, kind, false, nil
}

// checkPublicKey accepts the public keys CloudFront verifies signed URLs
// and cookies with: RSA 2048 and ECDSA P-256.
func checkPublicKey(pub crypto.PublicKey) (kind string, err error) {
	switch p := pub.(type) {
	case *rsa.PublicKey:
		if p == nil || p.N == nil || p.N.BitLen() != MinRSAKeyBits {
			return "", fmt.Errorf("%w: not an RSA %d key; CloudFront verifies signed URLs and cookies with RSA 2048 or ECDSA P-256 keys only", ErrInvalidKey, MinRSAKeyBits)
		}
		return "RSA 2048", nil
	case *ecdsa.PublicKey:
		if err := checkECDSAPublicKey(p); err != nil {
			return "", err
		}
		return "ECDSA P-256", nil
	}
	return "", fmt.Errorf("%w: a %T public key; CloudFront verifies signed URLs and cookies with RSA 2048 or ECDSA P-256 keys only", ErrInvalidKey, pub)
}

// checkECDSAPublicKey accepts a valid point on P-256, the one curve
// CloudFront verifies with ("ECDSA 256").
func checkECDSAPublicKey(p *ecdsa.PublicKey) error {
	if p == nil || p.Curve == nil {
		return fmt.Errorf("%w: no ECDSA public key", ErrInvalidKey)
	}
	if p.Curve != elliptic.P256() {
		return fmt.Errorf("%w: ECDSA key on %s; CloudFront verifies ECDSA signatures on P-256 only", ErrInvalidKey, p.Curve.Params().Name)
	}
	if _, err := p.ECDH(); err != nil {
		return fmt.Errorf("%w: ECDSA public key is not a point on P-256", ErrInvalidKey)
	}
	return nil
}

// verifyDigest checks a signature a crypto.Signer made over digest: RSA
// PKCS #1 v1.5, or ECDSA in ASN.1 DER.
func verifyDigest(pub crypto.PublicKey, h crypto.Hash, digest, sig []byte) error {
	ok := false
	switch k := pub.(type) {
	case *rsa.PublicKey:
		ok = rsa.VerifyPKCS1v15(k, h, digest, sig) == nil
	case *ecdsa.PublicKey:
		ok = ecdsa.VerifyASN1(k, digest, sig)
	}
	if !ok {
		return fmt.Errorf("%w: the key's signature does not verify with its public key (RSA PKCS #1 v1.5 or ECDSA ASN.1 DER expected)", ErrInvalidKey)
	}
	return nil
}
