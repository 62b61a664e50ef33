package cloudfront

import (
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
	"os"
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
