package cloudfront_test

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"errors"
	"net/netip"
	"net/url"
	"slices"
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
			checkKeyError(t, data, err)
			return
		}
		if k.N.BitLen() != cloudfront.MinRSAKeyBits {
			t.Fatalf("accepted a %d-bit key", k.N.BitLen())
		}
	})
}

// checkKeyError fails unless err, from parsing data, wraps ErrInvalidKey
// and does not repeat the start of data's PEM body.
func checkKeyError(t *testing.T, data []byte, err error) {
	t.Helper()
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
}

// fuzzSigners returns a Signer for each key (RSA 2048, ECDSA P-256) and
// hash (SHA-256, InsecureSHA1), by [useECDSA, insecureSHA1], all signing at
// signNow.
func fuzzSigners(f *testing.F) map[[2]bool]*cloudfront.Signer {
	signers := map[[2]bool]*cloudfront.Signer{}
	for _, useECDSA := range []bool{false, true} {
		for _, sha1 := range []bool{false, true} {
			var key crypto.Signer = rsaKey(f)
			if useECDSA {
				key = p256Key(f)
			}
			s, err := cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", key, &cloudfront.SignerOptions{Now: func() time.Time { return signNow }, InsecureSHA1: sha1})
			if err != nil {
				f.Fatal(err)
			}
			signers[[2]bool{useECDSA, sha1}] = s
		}
	}
	return signers
}

// FuzzSignURL: whatever the URL, key (RSA 2048 or ECDSA P-256) and hash
// (SHA-256, or SHA-1 with InsecureSHA1), SignURL either refuses the URL
// with ErrInvalidURL or returns a URL that starts with the input, carries
// each signature parameter once (Hash-Algorithm=SHA256 last, and only for
// SHA-256), and verifies as CloudFront reads it: with the hash it names,
// over the canned policy for exactly the input.
func FuzzSignURL(f *testing.F) {
	for _, s := range []string{
		"https://d111111abcdef8.cloudfront.net/a.jpg",
		"https://d111111abcdef8.cloudfront.net/a.jpg?x=1&y=%20",
		"https://d111111abcdef8.cloudfront.net/",
		"https://d111111abcdef8.cloudfront.net/a?",
		"https://d111111abcdef8.cloudfront.net/a?Hash-Algorithm=SHA1",
		"https://d111111abcdef8.cloudfront.net/a?x&hash-algorithm=SHA256",
		"http://d111111abcdef8.cloudfront.net/a",
		"https://*.cloudfront.net/a",
		"https://d.cloudfront.net/a?Signature=1",
		"rtmp://s.cloudfront.net/cfx/st/a.mp4",
	} {
		f.Add(s, false, false)
		f.Add(s, true, false)
		f.Add(s, false, true)
	}
	signers := fuzzSigners(f)
	f.Fuzz(func(t *testing.T, raw string, useECDSA, insecureSHA1 bool) {
		s := signers[[2]bool{useECDSA, insecureSHA1}]
		var pub crypto.PublicKey = &rsaKey(t).PublicKey
		if useECDSA {
			pub = &p256Key(t).PublicKey
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
		wantHash, wantParam := crypto.SHA256, []string{"SHA256"}
		if insecureSHA1 {
			wantHash, wantParam = crypto.SHA1, nil
		}
		if !slices.Equal(q["Hash-Algorithm"], wantParam) {
			t.Fatalf("Hash-Algorithm %v in %q, want %v", q["Hash-Algorithm"], signed, wantParam)
		}
		if !insecureSHA1 && !strings.HasSuffix(signed, "&Key-Pair-Id=K2JCJMDEHXQW5F&Hash-Algorithm=SHA256") {
			t.Fatalf("%q does not end in Key-Pair-Id then Hash-Algorithm", signed)
		}
		c, err := verifyURL(pub, "K2JCJMDEHXQW5F", signed)
		if err != nil {
			t.Fatalf("%q does not verify: %v", signed, err)
		}
		if c.Hash != wantHash || c.Custom {
			t.Fatalf("%q verified with %v (custom %v)", signed, c.Hash, c.Custom)
		}
		if string(c.Policy) != cannedPolicy(raw, signNow.Add(time.Minute)) {
			t.Fatalf("%q verified over %s, not the canned policy of the input", signed, c.Policy)
		}
	})
}

// FuzzSignCookies: whatever the resource and source IP, key and hash,
// SignCookies either refuses them with a sentinel or returns cookies that
// verify as CloudFront reads them (the hash named by
// CloudFront-Hash-Algorithm, or SHA-1 when there is none) over a policy
// whose JSON decodes to exactly the resource asked for, with the expiry
// and IP range given: what is signed is what CloudFront will enforce.
func FuzzSignCookies(f *testing.F) {
	for _, s := range [][2]string{
		{"https://d111111abcdef8.cloudfront.net/*", ""},
		{"https://d111111abcdef8.cloudfront.net/a?b=*&c=<d>", "192.0.2.0/24"},
		{"https://d111111abcdef8.cloudfront.net/\\u0026*", "2001:db8::/32"},
		{"https://d111111abcdef8.cloudfront.net/a%22b/*", "192.0.2.7"},
		{"https://d111111abcdef8.cloudfront.net/a&amp;b", "::1"},
	} {
		f.Add(s[0], s[1], false, false)
		f.Add(s[0], s[1], true, true)
	}
	signers := fuzzSigners(f)
	exp := signNow.Add(time.Minute)
	f.Fuzz(func(t *testing.T, resource, ip string, useECDSA, insecureSHA1 bool) {
		cookies, err := signers[[2]bool{useECDSA, insecureSHA1}].SignCookies(cloudfront.Policy{Resource: resource, Expires: exp, SourceIP: ip}, nil)
		if err != nil {
			if !errors.Is(err, cloudfront.ErrInvalidURL) && !errors.Is(err, cloudfront.ErrInvalidPolicy) {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		var pub crypto.PublicKey = &rsaKey(t).PublicKey
		if useECDSA {
			pub = &p256Key(t).PublicKey
		}
		h, policy, err := verifyCookies(pub, "K2JCJMDEHXQW5F", cookies)
		if err != nil {
			t.Fatalf("cookies for %q do not verify: %v", resource, err)
		}
		if want := map[bool]crypto.Hash{false: crypto.SHA256, true: crypto.SHA1}[insecureSHA1]; h != want {
			t.Fatalf("verified with %v, want %v", h, want)
		}
		var doc struct {
			Statement []struct {
				Resource  string
				Condition struct {
					IpAddress *struct {
						SourceIp string `json:"AWS:SourceIp"`
					}
					DateLessThan struct {
						EpochTime int64 `json:"AWS:EpochTime"`
					}
				}
			}
		}
		if err := json.Unmarshal(policy, &doc); err != nil || len(doc.Statement) != 1 {
			t.Fatalf("policy %s does not decode to one statement: %v", policy, err)
		}
		st := doc.Statement[0]
		if st.Resource != resource {
			t.Fatalf("policy resource %q, asked for %q", st.Resource, resource)
		}
		if st.Condition.DateLessThan.EpochTime != exp.Unix() {
			t.Fatalf("policy expiry %d, want %d", st.Condition.DateLessThan.EpochTime, exp.Unix())
		}
		if (ip == "") != (st.Condition.IpAddress == nil) {
			t.Fatalf("IP %q signed as %+v", ip, st.Condition.IpAddress)
		}
		if ip != "" {
			want, err := netip.ParsePrefix(st.Condition.IpAddress.SourceIp)
			if err != nil {
				t.Fatalf("signed IP range %q does not parse", st.Condition.IpAddress.SourceIp)
			}
			if asked, err := netip.ParseAddr(ip); err == nil {
				if want.Bits() != asked.BitLen() || want.Addr() != asked {
					t.Fatalf("IP %q signed as %s", ip, want)
				}
			} else if p, err := netip.ParsePrefix(ip); err != nil || p != want {
				t.Fatalf("IP %q signed as %s", ip, want)
			}
		}
	})
}

// FuzzParseSigningKeyPEM: any input either parses to an RSA 2048 or ECDSA
// P-256 key that NewSignerFromKey takes, or fails with ErrInvalidKey, and
// an error never repeats the PEM body.
func FuzzParseSigningKeyPEM(f *testing.F) {
	sec1, err := x509.MarshalECPrivateKey(p256Key(f))
	if err != nil {
		f.Fatal(err)
	}
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1}))
	f.Add(append([]byte("-----BEGIN EC PARAMETERS-----\nBggqhkjOPQMBBw==\n-----END EC PARAMETERS-----\n"), pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: sec1})...))
	f.Add([]byte("-----BEGIN EC PARAMETERS-----\nBgUrgQQAIg==\n-----END EC PARAMETERS-----\n"))
	f.Add(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(rsaKey(f))}))
	f.Add([]byte("-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n"))
	f.Fuzz(func(t *testing.T, data []byte) {
		k, err := cloudfront.ParseSigningKeyPEM(data)
		if err != nil {
			checkKeyError(t, data, err)
			return
		}
		switch k := k.(type) {
		case *rsa.PrivateKey:
			if k.N.BitLen() != cloudfront.MinRSAKeyBits {
				t.Fatalf("accepted a %d-bit key", k.N.BitLen())
			}
		case *ecdsa.PrivateKey:
			if k.Curve != elliptic.P256() {
				t.Fatalf("accepted a key on %s", k.Curve.Params().Name)
			}
		default:
			t.Fatalf("accepted a %T", k)
		}
		if _, err := cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", k, nil); err != nil {
			t.Fatalf("parsed a key NewSignerFromKey refuses: %v", err)
		}
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
