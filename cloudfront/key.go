package cloudfront

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
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
// size than MinRSAKeyBits (2048) are refused.
//
// Errors wrap [ErrInvalidKey] and never contain the input: they name the PEM
// block type at most.
//
// DO NOT embed private keys in source code; load them from a secret store.
func ParsePrivateKeyPEM(data []byte) (*rsa.PrivateKey, error) {
	block, rest := pem.Decode(data)
	if block == nil {
		return nil, fmt.Errorf("%w: no PEM block found", ErrInvalidKey)
	}
	if _, ok := block.Headers["DEK-Info"]; ok || block.Type == "ENCRYPTED PRIVATE KEY" {
		return nil, fmt.Errorf("%w: the PEM block is encrypted; decrypt it first", ErrInvalidKey)
	}
	if extra, _ := pem.Decode(rest); extra != nil {
		return nil, fmt.Errorf("%w: more than one PEM block (found %q after %q)", ErrInvalidKey, extra.Type, block.Type)
	}
	var key *rsa.PrivateKey
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: malformed PKCS #1 RSA private key", ErrInvalidKey)
		}
		key = k
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, fmt.Errorf("%w: malformed PKCS #8 private key", ErrInvalidKey)
		}
		rk, ok := k.(*rsa.PrivateKey)
		if !ok {
			return nil, fmt.Errorf("%w: PKCS #8 key is %T, not RSA", ErrInvalidKey, k)
		}
		key = rk
	case "PUBLIC KEY", "RSA PUBLIC KEY", "CERTIFICATE":
		return nil, fmt.Errorf("%w: PEM block %q is not a private key (CloudFront keeps the public key; sign with the private one)", ErrInvalidKey, block.Type)
	default:
		return nil, fmt.Errorf("%w: unsupported PEM block type %q", ErrInvalidKey, block.Type)
	}
	if err := checkRSAKey(key); err != nil {
		return nil, err
	}
	return key, nil
}

// LoadPrivateKeyFile reads a PEM private key from a file; see
// [ParsePrivateKeyPEM]. Errors name the file, never its content.
func LoadPrivateKeyFile(path string) (*rsa.PrivateKey, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		var pe *os.PathError
		if errors.As(err, &pe) {
			err = pe.Err
		}
		return nil, fmt.Errorf("%w: reading %s: %v", ErrInvalidKey, path, err)
	}
	key, err := ParsePrivateKeyPEM(data)
	clear(data)
	if err != nil {
		return nil, fmt.Errorf("%w (file %s)", err, path)
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
	switch p := key.Public().(type) {
	case *rsa.PublicKey:
		if p == nil || p.N == nil || p.N.BitLen() != MinRSAKeyBits {
			return nil, "", false, fmt.Errorf("%w: %T holds no RSA %d key; CloudFront verifies signed URLs and cookies with RSA 2048 or ECDSA P-256 keys only", ErrInvalidKey, key, MinRSAKeyBits)
		}
		return p, "RSA 2048", false, nil
	case *ecdsa.PublicKey:
		if err := checkECDSAPublicKey(p); err != nil {
			return nil, "", false, err
		}
		return p, "ECDSA P-256", false, nil
	default:
		return nil, "", false, fmt.Errorf("%w: %T has a %T public key; CloudFront verifies signed URLs and cookies with RSA 2048 or ECDSA P-256 keys only", ErrInvalidKey, key, p)
	}
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
