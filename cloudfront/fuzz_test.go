package cloudfront_test

import (
	"crypto/x509"
	"encoding/pem"
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/s3secure/s3secure/cloudfront"
)

// FuzzParsePrivateKeyPEM: any input either parses to a key of exactly
// MinRSAKeyBits or fails with ErrInvalidKey, and an error never repeats
// the PEM body.
func FuzzParsePrivateKeyPEM(f *testing.F) {
	key := rsaKey(f)
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(key)}))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nMIIBVQIBADANBgkqhkiG9w0BAQEFAASCAT8wggE7AgEAAkEA\n-----END PRIVATE KEY-----\n"))
	f.Add([]byte("-----BEGIN RSA PRIVATE KEY-----\nProc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\nAAAA\n-----END RSA PRIVATE KEY-----\n"))
	f.Add([]byte("not pem"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := cloudfront.ParsePrivateKeyPEM(data)
		if err != nil {
			if !errors.Is(err, cloudfront.ErrInvalidKey) {
				t.Fatalf("error %v does not wrap ErrInvalidKey", err)
			}
			if b, _ := pem.Decode(data); b != nil && len(b.Bytes) >= 8 {
				body := strings.Join(strings.Fields(string(pem.EncodeToMemory(&pem.Block{Type: "X", Bytes: b.Bytes}))), "")
				body = strings.TrimSuffix(strings.TrimPrefix(body, "-----BEGINX-----"), "-----ENDX-----")
				if len(body) >= 12 && strings.Contains(err.Error(), body[:12]) {
					t.Fatalf("error repeats key material: %v", err)
				}
			}
			return
		}
		if k.N.BitLen() != cloudfront.MinRSAKeyBits {
			t.Fatalf("accepted a %d-bit key", k.N.BitLen())
		}
	})
}

// FuzzSignURL: whatever the URL, SignURL either refuses it with
// ErrInvalidURL or returns a URL that starts with the input, carries the
// three signature parameters once, and verifies.
func FuzzSignURL(f *testing.F) {
	for _, s := range []string{
		"https://d111111abcdef8.cloudfront.net/a.jpg",
		"https://d111111abcdef8.cloudfront.net/a.jpg?x=1&y=%20",
		"https://d111111abcdef8.cloudfront.net/",
		"http://d111111abcdef8.cloudfront.net/a",
		"https://*.cloudfront.net/a",
		"https://d.cloudfront.net/a?Signature=1",
		"rtmp://s.cloudfront.net/cfx/st/a.mp4",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, raw string) {
		s, err := cloudfront.NewSigner("K2JCJMDEHXQW5F", rsaKey(t), &cloudfront.SignerOptions{Now: func() time.Time { return signNow }})
		if err != nil {
			t.Fatal(err)
		}
		signed, err := s.SignURL(raw, signNow.Add(time.Minute))
		if err != nil {
			if !errors.Is(err, cloudfront.ErrInvalidURL) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if !strings.HasPrefix(signed, raw) {
			t.Fatalf("signed URL %q does not start with %q", signed, raw)
		}
		u, err := url.Parse(signed)
		if err != nil {
			t.Fatalf("signed URL does not parse: %v", err)
		}
		q := u.Query()
		for _, p := range []string{"Expires", "Signature", "Key-Pair-Id"} {
			if len(q[p]) != 1 {
				t.Fatalf("%s appears %d times in %q", p, len(q[p]), signed)
			}
		}
		verify(t, []byte(`{"Statement":[{"Resource":"`+raw+`","Condition":{"DateLessThan":{"AWS:EpochTime":1767268860}}}]}`), q.Get("Signature"))
	})
}

// FuzzPolicyResource: a custom policy resource the Signer accepts never
// covers a URL of another scheme or host: whatever URL it matches (the way
// CloudFront matches, "*" and "?" anywhere), that URL starts with the
// resource's own "scheme://host/" (or is the resource's "scheme://host").
func FuzzPolicyResource(f *testing.F) {
	for _, s := range [][2]string{
		{"https://d111111abcdef8.cloudfront.net/*", "https://d111111abcdef8.cloudfront.net/a.jpg"},
		{"https://d?*", "https://d222222abcdef8.cloudfront.net/a.jpg"},
		{"https://d111111abcdef8.cloudfront.net?*", "https://d111111abcdef8.cloudfront.net.example.com/a"},
		{"http*://d111111abcdef8.cloudfront.net/x", "https://d2.cloudfront.net/?=://d111111abcdef8.cloudfront.net/x"},
		{"https://d111111abcdef8.cloudfront.net", "https://d111111abcdef8.cloudfront.net"},
		{"https://d111111abcdef8.cloudfront.net/a?b*", "https://d111111abcdef8.cloudfront.net/a/b"},
	} {
		f.Add(s[0], s[1])
	}
	s, err := cloudfront.NewSigner("K2JCJMDEHXQW5F", rsaKey(f), &cloudfront.SignerOptions{Now: func() time.Time { return signNow }, InsecureAllowHTTP: true})
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, resource, target string) {
		if _, err := s.SignCookies(cloudfront.Policy{Resource: resource, Expires: signNow.Add(time.Minute)}, nil); err != nil {
			return
		}
		if !cloudfront.ResourceMatches(resource, target) {
			return
		}
		scheme, rest, _ := strings.Cut(resource, "://")
		host, _, _ := strings.Cut(rest, "/")
		origin := scheme + "://" + host
		if target != origin && !strings.HasPrefix(target, origin+"/") {
			t.Fatalf("accepted resource %q covers %q, outside %s", resource, target, origin)
		}
	})
}
