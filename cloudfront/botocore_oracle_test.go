package cloudfront_test

import (
	"bytes"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
)

// botocorePython returns python3 when botocore and cryptography import,
// or skips (fails in CI, where moto, which depends on both, is installed).
func botocorePython(t *testing.T) string {
	t.Helper()
	missing := func(why string) {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the botocore oracle cannot run in CI: %s (moto installs botocore and cryptography)", why)
		}
		t.Skipf("skipping the botocore oracle: %s", why)
	}
	py, err := exec.LookPath("python3")
	if err != nil {
		missing("python3 is not on PATH")
	}
	if out, err := exec.Command(py, "-c", "import botocore.signers, cryptography").CombinedOutput(); err != nil {
		missing("botocore or cryptography does not import: " + strings.TrimSpace(string(out)))
	}
	return py
}

type oracleCase struct {
	Name      string      `json:"name"`
	Key       string      `json:"key"`  // "rsa" or "ecdsa"
	Hash      string      `json:"hash"` // "SHA256" or "SHA1"
	Kind      string      `json:"kind"` // "canned", "custom" or "cookies"
	URL       string      `json:"url,omitempty"`
	Resource  string      `json:"resource,omitempty"`
	Expires   int64       `json:"expires"`
	NotBefore int64       `json:"not_before,omitempty"`
	IP        string      `json:"ip,omitempty"`
	Signed    string      `json:"signed,omitempty"`
	CookieSet [][2]string `json:"-"`

	wantError bool
}

// MarshalJSON keeps the cookies in order (a JSON object, in the order
// signed).
func (c oracleCase) MarshalJSON() ([]byte, error) {
	type plain oracleCase
	b, err := json.Marshal(plain(c))
	if err != nil || c.CookieSet == nil {
		return b, err
	}
	var obj bytes.Buffer
	obj.WriteString(`{`)
	for i, kv := range c.CookieSet {
		if i > 0 {
			obj.WriteString(",")
		}
		k, _ := json.Marshal(kv[0])
		v, _ := json.Marshal(kv[1])
		obj.Write(k)
		obj.WriteString(":")
		obj.Write(v)
	}
	obj.WriteString(`}`)
	return append(b[:len(b)-1], []byte(`,"cookies":`+obj.String()+`}`)...), nil
}

// TestBotocoreOracle checks the Signer against an implementation that
// shares no code with it: botocore's CloudFrontSigner builds the canned
// policy CloudFront rebuilds and lays out the signed URL, and the Python
// cryptography package verifies the signatures. With an RSA 2048 key
// (PKCS #1 v1.5 is deterministic) every URL equals botocore's to the byte,
// Hash-Algorithm=SHA256 last (CloudFront developer guide, Create a signed
// URL using a canned policy); with ECDSA P-256 the URL layout is the same
// and cryptography verifies our ASN.1 DER signature over the exact policy
// bytes. Custom policies and cookies carry the policy botocore builds for
// the same resource and conditions. Both SHA-256 (the default) and the
// InsecureSHA1 opt-in. Cases that must fail (a SHA-256 signature presented
// as SHA-1, a tampered URL) show the oracle is not vacuous.
func TestBotocoreOracle(t *testing.T) {
	py := botocorePython(t)
	now := time.Unix(1767222000, 0)
	exp := now.Add(50 * time.Minute)
	rsaPKCS8, err := x509.MarshalPKCS8PrivateKey(rsaKey(t))
	require.NoError(t, err)
	ecPKCS8, err := x509.MarshalPKCS8PrivateKey(p256Key(t))
	require.NoError(t, err)

	var cases []oracleCase
	for _, keyName := range []string{"rsa", "ecdsa"} {
		for _, hash := range []string{"SHA256", "SHA1"} {
			opts := &cloudfront.SignerOptions{Now: func() time.Time { return now }, InsecureSHA1: hash == "SHA1"}
			var s *cloudfront.Signer
			if keyName == "rsa" {
				s, err = cloudfront.NewSigner("K2JCJMDEHXQW5F", rsaKey(t), opts)
			} else {
				s, err = cloudfront.NewSignerFromKey("K2JCJMDEHXQW5F", p256Key(t), opts)
			}
			require.NoError(t, err)
			prefix := keyName + "/" + hash + "/"
			for _, raw := range []string{
				"https://d111111abcdef8.cloudfront.net/image.jpg",
				"https://d111111abcdef8.cloudfront.net/images/image.jpg?color=red&size=medium",
				"https://www.example.com/a%20b/c.mp4?x=1&y=%26&z",
			} {
				signed, err := s.SignURL(raw, exp)
				require.NoError(t, err)
				cases = append(cases, oracleCase{Name: prefix + "canned " + raw, Key: keyName, Hash: hash, Kind: "canned", URL: raw, Expires: exp.Unix(), Signed: signed})
			}
			for _, p := range []cloudfront.Policy{
				{Resource: "https://d111111abcdef8.cloudfront.net/videos/*", Expires: exp},
				{Resource: "https://d111111abcdef8.cloudfront.net/videos/*", Expires: exp, NotBefore: now.Add(-time.Minute)},
				{Resource: "https://d111111abcdef8.cloudfront.net/videos/*.mp4?q=*", Expires: exp, NotBefore: now.Add(time.Minute), SourceIP: "192.0.2.0/24"},
				{Resource: "https://d111111abcdef8.cloudfront.net/videos/intro.mp4", Expires: exp, SourceIP: "2001:db8::/32"},
			} {
				const raw = "https://d111111abcdef8.cloudfront.net/videos/intro.mp4?q=1"
				rawURL := raw
				if !strings.Contains(p.Resource, "?") && !strings.HasSuffix(p.Resource, "*") {
					rawURL = p.Resource
				}
				signed, err := s.SignURLWithPolicy(rawURL, p)
				require.NoError(t, err, p.Resource)
				c := oracleCase{Name: prefix + "custom " + p.Resource + " " + p.SourceIP, Key: keyName, Hash: hash, Kind: "custom", URL: rawURL, Resource: p.Resource, Expires: exp.Unix(), IP: p.SourceIP, Signed: signed}
				if !p.NotBefore.IsZero() {
					c.NotBefore = p.NotBefore.Unix()
				}
				cases = append(cases, c)

				cookies, err := s.SignCookies(p, nil)
				require.NoError(t, err)
				cc := c
				cc.Name, cc.Kind, cc.Signed = prefix+"cookies "+p.Resource+" "+p.SourceIP, "cookies", ""
				for _, k := range cookies {
					cc.CookieSet = append(cc.CookieSet, [2]string{k.Name, k.Value})
				}
				cases = append(cases, cc)
			}
		}
	}
	// Cases that must fail.
	n := len(cases)
	for _, c := range cases[:n] {
		if c.Kind != "canned" || !strings.HasSuffix(c.Name, "image.jpg") {
			continue
		}
		bad := c
		if c.Hash == "SHA256" {
			bad.Name, bad.Hash, bad.wantError = "must fail: SHA-256 presented as SHA-1: "+c.Name, "SHA1", true
			bad.Signed = strings.TrimSuffix(c.Signed, "&Hash-Algorithm=SHA256")
		} else {
			bad.Name, bad.Hash, bad.wantError = "must fail: SHA-1 presented as SHA-256: "+c.Name, "SHA256", true
			bad.Signed = c.Signed + "&Hash-Algorithm=SHA256"
		}
		cases = append(cases, bad)
		tampered := c
		tampered.Name, tampered.wantError = "must fail: other path: "+c.Name, true
		tampered.Signed = strings.Replace(c.Signed, "/image.jpg", "/imagf.jpg", 1)
		tampered.URL = strings.Replace(c.URL, "/image.jpg", "/imagf.jpg", 1)
		cases = append(cases, tampered)
	}
	require.Greater(t, len(cases), n+4)

	req, err := json.Marshal(map[string]any{
		"key_pair_id": "K2JCJMDEHXQW5F",
		"keys": map[string]string{
			"rsa":   string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: rsaPKCS8})),
			"ecdsa": string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecPKCS8})),
		},
		"cases": cases,
	})
	require.NoError(t, err)
	cmd := exec.CommandContext(t.Context(), py, "testdata/botocore_oracle.py")
	cmd.Stdin = bytes.NewReader(req)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	require.NoError(t, err, stderr.String())
	var results []struct {
		Name  string `json:"name"`
		Error string `json:"error"`
	}
	require.NoError(t, json.Unmarshal(out, &results), string(out))
	require.Len(t, results, len(cases))
	for i, r := range results {
		require.Equal(t, cases[i].Name, r.Name)
		if cases[i].wantError {
			assert.NotEmpty(t, r.Error, "%s: the oracle accepted it", r.Name)
		} else {
			assert.Empty(t, r.Error, r.Name)
		}
	}
}
