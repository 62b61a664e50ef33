package cloudfront

import (
	"bytes"
	"crypto"
	"crypto/rand"
	"crypto/rsa"
	_ "crypto/sha1" // only for SignerOptions.InsecureSHA1
	_ "crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/feature/cloudfront/sign"

	"github.com/s3secure/s3secure/policy"
)

// SignerOptions configures a [Signer]. A nil *SignerOptions means the
// defaults.
type SignerOptions struct {
	// AllowExpiryUpTo raises the longest lifetime of a signed URL or cookie
	// from DefaultMaxSignedExpiry (1 hour) up to at most
	// AbsoluteMaxSignedExpiry (7 days). A signed URL cannot be revoked short
	// of removing the key from the key group, so every extra hour is an hour
	// during which a leaked URL (in a log, a referrer header, a chat message)
	// keeps working. By default 0: DefaultMaxSignedExpiry.
	AllowExpiryUpTo time.Duration

	// InsecureAllowHTTP allows signing http:// URLs and resources. The signature travels in the query string or a cookie, so on
	// plain HTTP anyone on the network path can copy it and replay it until
	// it expires. By default only https:// is signed.
	InsecureAllowHTTP bool

	// InsecureSHA1 signs with SHA-1 instead of SHA-256, and leaves out the
	// Hash-Algorithm query parameter and the CloudFront-Hash-Algorithm
	// cookie, which CloudFront then reads as SHA-1 ("existing signed URLs
	// and cookies that do not specify a hash algorithm will continue to
	// function with SHA-1", AWS's announcement of SHA-256 support; the
	// developer guide's code examples sign with SHA-1 and no
	// Hash-Algorithm). The URLs and cookies are then what
	// feature/cloudfront/sign makes (byte for byte with an RSA key; an
	// ECDSA signature differs every time). SHA-1 is broken for signatures:
	// chosen-prefix collisions are practical, so whoever can get one policy
	// signed (a resource path of their choosing, say) can prepare a second
	// policy with the same SHA-1 digest, and the signature works for both.
	// Use it only for a verifier that cannot take SHA-256 (your own, or a
	// tool pinned to SHA-1). By default the signature is SHA-256 and the
	// URL carries Hash-Algorithm=SHA256 (the cookies
	// CloudFront-Hash-Algorithm=SHA256).
	InsecureSHA1 bool

	// Now is the signer's clock. By default time.Now.
	Now func() time.Time
}

// Signer signs CloudFront URLs and cookies with the private key of a public
// key in one of the distribution's trusted key groups, RSA 2048 or ECDSA
// P-256, hashing the policy with SHA-256 (SignerOptions.InsecureSHA1 for
// SHA-1). It refuses what feature/cloudfront/sign lets through: no or past
// expiry, expiry beyond a cap, plain HTTP, wildcard hosts, keys CloudFront
// cannot verify with. A Signer is safe for concurrent use.
type Signer struct {
	keyID     string
	key       crypto.Signer
	pub       crypto.PublicKey
	keyKind   string // "RSA 2048" or "ECDSA P-256", for String
	selfCheck bool   // a crypto.Signer other than *rsa.PrivateKey or *ecdsa.PrivateKey: verify what it signs
	hash      crypto.Hash
	maxExpiry time.Duration
	allowHTTP bool
	now       func() time.Time
}

// Names and values CloudFront reads a signature from.
const (
	hashAlgorithmSHA256 = "SHA256"
	// cookieHashAlgorithmName is the fourth signed cookie: "You can
	// optionally include a fourth name-value pair, CloudFront-Hash-Algorithm,
	// to specify the hash algorithm used for the signature" (developer
	// guide, Set signed cookies using a canned policy).
	cookieHashAlgorithmName = "CloudFront-Hash-Algorithm"
)

// NewSigner returns a Signer for the CloudFront public key keyID (the ID of
// the public key in a key group, such as "K2JCJMDEHXQW5F") and its RSA
// private key, which must be 2048 bits (what CloudFront verifies). For an
// ECDSA P-256 key, or a key held elsewhere (a crypto.Signer), use
// [NewSignerFromKey].
//
// Errors: [ErrInvalidKey] for a nil or weak key or an empty key ID,
// [ErrInvalidOptions] for an out-of-range AllowExpiryUpTo.
func NewSigner(keyID string, key *rsa.PrivateKey, opts *SignerOptions) (*Signer, error) {
	if key == nil {
		return nil, fmt.Errorf("%w: no key", ErrInvalidKey)
	}
	return NewSignerFromKey(keyID, key, opts)
}

// NewSignerFromKey returns a Signer for the CloudFront public key keyID and
// its private key: an *rsa.PrivateKey of 2048 bits, an *ecdsa.PrivateKey on
// P-256, or any other crypto.Signer whose Public key is one of those (a key
// in an HSM, say), as CloudFront "supports signed URLs and signed cookies
// with RSA 2048 or ECDSA 256 key signatures" (API reference, PublicKey).
// RSA signs with PKCS #1 v1.5 and ECDSA with an ASN.1 DER signature, as
// crypto.Signer does; what another crypto.Signer returns is verified with
// its public key before a URL or cookie carries it; the Signer is safe for
// concurrent use when that crypto.Signer is.
//
// Errors: [ErrInvalidKey] for a nil key, a key of another type, size or
// curve, or an empty key ID or one holding a character that would break
// the query string or a cookie ("&=?#;, "); [ErrInvalidOptions] for an out-of-range
// AllowExpiryUpTo. Nothing is signed before these checks pass.
func NewSignerFromKey(keyID string, key crypto.Signer, opts *SignerOptions) (*Signer, error) {
	var o SignerOptions
	if opts != nil {
		o = *opts
	}
	if keyID == "" || strings.ContainsAny(keyID, "&=?#;, ") {
		return nil, fmt.Errorf("%w: key id must be a CloudFront public key ID", ErrInvalidKey)
	}
	pub, kind, native, err := checkSigningKey(key)
	if err != nil {
		return nil, err
	}
	max := DefaultMaxSignedExpiry
	switch {
	case o.AllowExpiryUpTo < 0 || o.AllowExpiryUpTo > AbsoluteMaxSignedExpiry:
		return nil, fmt.Errorf("%w: AllowExpiryUpTo %v is outside (0, %v]", ErrInvalidOptions, o.AllowExpiryUpTo, AbsoluteMaxSignedExpiry)
	case o.AllowExpiryUpTo > 0:
		max = o.AllowExpiryUpTo
	}
	now := o.Now
	if now == nil {
		now = time.Now
	}
	hash := DefaultSignatureHash
	if o.InsecureSHA1 {
		hash = crypto.SHA1
	}
	return &Signer{
		keyID: keyID, key: key, pub: pub, keyKind: kind, selfCheck: !native, hash: hash,
		maxExpiry: max, allowHTTP: o.InsecureAllowHTTP, now: now,
	}, nil
}

// KeyID returns the public key ID the signer signs for ("" for a nil
// Signer).
func (s *Signer) KeyID() string {
	if s == nil {
		return ""
	}
	return s.keyID
}

// String describes the signer without key material.
func (s *Signer) String() string {
	if s == nil {
		return "cloudfront.Signer(nil)"
	}
	return fmt.Sprintf("cloudfront.Signer{KeyID: %s, Key: %s, Hash: %s, MaxExpiry: %v}", s.keyID, s.keyKind, s.hashName(), s.maxExpiry)
}

// GoString is like String, so that %#v prints no key material either.
func (s *Signer) GoString() string { return s.String() }

// Format prints String for every verb (%v, %+v, %#v, %s, %q, %x, ...), so
// that no verb walks the struct and reaches the private key.
func (s *Signer) Format(f fmt.State, verb rune) {
	switch verb {
	case 'q':
		fmt.Fprintf(f, "%q", s.String())
	default:
		io.WriteString(f, s.String())
	}
}

func (s *Signer) hashName() string {
	switch s.hash {
	case crypto.SHA256:
		return "SHA-256"
	case crypto.SHA1:
		return "SHA-1 (insecure)"
	}
	return "none"
}

// ready refuses a nil or zero Signer (one not made by [NewSigner]).
func (s *Signer) ready() error {
	if s == nil || s.key == nil || s.pub == nil || s.now == nil || (s.hash != crypto.SHA256 && s.hash != crypto.SHA1) {
		return fmt.Errorf("%w: the Signer is nil or zero; use NewSigner", ErrInvalidKey)
	}
	return nil
}

// signPolicy marshals p as CloudFront reads it (what feature/cloudfront/sign
// marshals: no HTML escaping, no surrounding space) and signs it. It
// returns the policy in CloudFront's base64 and the signature, also in
// CloudFront's base64.
func (s *Signer) signPolicy(p *sign.Policy) (b64Policy, b64Sig string, err error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(p); err != nil {
		return "", "", fmt.Errorf("%w: %v", ErrInvalidPolicy, err)
	}
	policyJSON := bytes.TrimSpace(buf.Bytes())
	h := s.hash.New()
	h.Write(policyJSON)
	digest := h.Sum(nil)
	sig, err := s.key.Sign(rand.Reader, digest, s.hash)
	if err != nil {
		// The error's text is not repeated: a remote signer's can quote
		// credentials.
		return "", "", fmt.Errorf("%w: the key did not sign (%T)", ErrInvalidKey, err)
	}
	if s.selfCheck {
		if err := verifyDigest(s.pub, s.hash, digest, sig); err != nil {
			return "", "", err
		}
	}
	return cfBase64(policyJSON), cfBase64(sig), nil
}

// cfBase64 is CloudFront's URL-safe base64: standard base64 with '+' → '-',
// '=' → '_' and '/' → '~'.
func cfBase64(b []byte) string {
	return strings.NewReplacer("+", "-", "=", "_", "/", "~").Replace(base64.StdEncoding.EncodeToString(b))
}

// signedURL appends the signature parameters to rawURL in the order of the
// developer guide's examples: Expires (canned) or Policy (custom),
// Signature, Key-Pair-Id, then Hash-Algorithm=SHA256 ("...&Key-Pair-Id=
// K2JCJMDEHXQW5F&Hash-Algorithm=SHA256", Create a signed URL using a
// canned policy).
func (s *Signer) signedURL(rawURL, first, b64Sig string) string {
	sep := "?"
	if strings.Contains(rawURL, "?") {
		sep = "&"
	}
	out := rawURL + sep + first + "&Signature=" + b64Sig + "&Key-Pair-Id=" + s.keyID
	if s.hash == crypto.SHA256 {
		out += "&Hash-Algorithm=" + hashAlgorithmSHA256
	}
	return out
}

// Policy is a CloudFront custom policy: what a signed URL or cookie allows,
// until when, from where.
type Policy struct {
	// Resource is the URL the policy covers. CloudFront reads every "*" in
	// it as any run of characters and every "?" as any one character,
	// wherever they stand, and has no way to escape them (CloudFront
	// developer guide, "Create a signed URL using a custom policy": "You
	// can use the wildcard character that matches zero or more characters
	// (*) or the wild-card character that matches exactly one character
	// (?) anywhere in the string"). So wildcards are accepted only after
	// the "/" that ends the host
	// ("https://d111111abcdef8.cloudfront.net/videos/*"): one in the
	// scheme or the host, or a "?" before the path, would let the
	// signature work for other hosts, and is refused with ErrInvalidURL.
	//
	// For [Signer.SignURLWithPolicy] an empty Resource means exactly the URL
	// being signed; a URL holding "*" or "?" (a query string included)
	// would be read as a pattern, so it is refused with ErrInvalidPolicy:
	// set Resource to that pattern on purpose, or use [Signer.SignURL],
	// whose canned policy matches the URL exactly. A Resource that does not
	// match the URL is refused with ErrInvalidPolicy (CloudFront would
	// answer 403).
	Resource string
	// Expires is when access ends. Required, in the future and within the
	// signer's maximum lifetime.
	Expires time.Time
	// NotBefore, when set, is when access starts (DateGreaterThan).
	NotBefore time.Time
	// SourceIP, when set, restricts access to an IP address or CIDR range,
	// IPv4 or IPv6 ("192.0.2.0/24", "2001:db8::/32", "192.0.2.7").
	SourceIP string
}

// SignURL returns rawURL signed with a canned policy: the exact URL, until
// expires. The parameters follow rawURL's own in the developer guide's
// order: Expires, Signature, Key-Pair-Id and Hash-Algorithm=SHA256 (left
// out with SignerOptions.InsecureSHA1). Canned URLs are shorter and cacheable; use [Signer.SignURLWithPolicy]
// for a start time, an IP range or a wildcard.
//
// Errors: [ErrNoExpiry], [ErrExpired], [ErrExpiryTooLong], [ErrInvalidURL].
func (s *Signer) SignURL(rawURL string, expires time.Time) (string, error) {
	if err := s.ready(); err != nil {
		return "", err
	}
	if err := s.checkExpiry(expires); err != nil {
		return "", err
	}
	if err := s.checkURL(rawURL, false); err != nil {
		return "", err
	}
	_, sig, err := s.signPolicy(&sign.Policy{Statements: []sign.Statement{{
		Resource: rawURL, Condition: sign.Condition{DateLessThan: sign.NewAWSEpochTime(expires.UTC())},
	}}})
	if err != nil {
		return "", err
	}
	return s.signedURL(rawURL, "Expires="+strconv.FormatInt(expires.Unix(), 10), sig), nil
}

// SignURLWithPolicy returns rawURL signed with the custom policy p, with
// the parameters Policy, Signature, Key-Pair-Id and Hash-Algorithm=SHA256
// (left out with SignerOptions.InsecureSHA1). An empty p.Resource means
// rawURL exactly (see [Policy].Resource).
//
// Errors: [ErrNoExpiry], [ErrExpired], [ErrExpiryTooLong], [ErrInvalidURL],
// [ErrInvalidPolicy] (also when p.Resource does not match rawURL, or is
// empty and rawURL holds a wildcard character).
func (s *Signer) SignURLWithPolicy(rawURL string, p Policy) (string, error) {
	if err := s.ready(); err != nil {
		return "", err
	}
	if err := s.checkURL(rawURL, false); err != nil {
		return "", err
	}
	if p.Resource == "" {
		if strings.ContainsAny(rawURL, "*?") {
			return "", fmt.Errorf("%w: %q holds '*' or '?', which CloudFront reads as wildcards in a policy Resource (they cannot be escaped there), so it would cover other URLs; set Policy.Resource to sign that pattern on purpose, or use SignURL for this exact URL", ErrInvalidPolicy, rawURL)
		}
		p.Resource = rawURL
	}
	sp, err := s.policy(p)
	if err != nil {
		return "", err
	}
	// CloudFront refuses a signed URL whose policy resource does not match
	// it: say so now rather than hand out a URL that answers 403.
	if !policy.MatchString(p.Resource, rawURL) {
		return "", fmt.Errorf("%w: resource %q does not cover %q", ErrInvalidPolicy, p.Resource, rawURL)
	}
	b64Policy, sig, err := s.signPolicy(sp)
	if err != nil {
		return "", err
	}
	return s.signedURL(rawURL, "Policy="+b64Policy, sig), nil
}

// CookieOptions configures signed cookies. A nil *CookieOptions means the
// defaults: Secure, HttpOnly, SameSite=Lax, host-only (no Domain), Path "/",
// session cookies (no Expires or Max-Age: the browser deletes them when it
// closes, as CloudFront's developer guide recommends; the policy still
// ends their use at its expiry).
type CookieOptions struct {
	// Domain is the cookie's Domain attribute, for example
	// "media.example.com". By default the cookie is host-only. Every host
	// under Domain receives the cookies and can replay them, so name the
	// most precise one: "apex.example.com is preferable to example.com,
	// especially when you don't control example.com" (CloudFront developer
	// guide, Preventing misuse of signed cookies).
	Domain string
	// Path is the cookie's Path attribute. By default "/".
	Path string
	// SameSite is the SameSite attribute. By default http.SameSiteLaxMode:
	// cookies go with top-level navigation to the distribution but not with
	// cross-site subrequests. http.SameSiteStrictMode is stricter;
	// http.SameSiteNoneMode needs AllowSameSiteNone.
	SameSite http.SameSite
	// AllowSameSiteNone permits SameSite=None, which sends the cookies with
	// every cross-site request, so any site can make a visitor's browser
	// fetch the protected content with the visitor's access.
	AllowSameSiteNone bool
	// InsecureAllowNonSecureCookie drops the Secure attribute, so the
	// browser also sends the cookies over plain HTTP, where anyone on the
	// network path can copy them.
	InsecureAllowNonSecureCookie bool
	// AllowPersistentCookies gives the cookies an Expires attribute, the
	// policy's expiry, so they outlive the browser session: whoever opens
	// the browser next (on a shared computer, say) has the access until
	// the policy expires. CloudFront's developer guide: "In general, we
	// recommend that you exclude Expires and Max-Age attributes ... which
	// reduces the possibility of someone getting unauthorized access to
	// your content." By default the cookies are session cookies.
	AllowPersistentCookies bool
}

// SignCookies returns the CloudFront signed cookies for the custom policy
// p: CloudFront-Policy, CloudFront-Signature, CloudFront-Key-Pair-Id and
// CloudFront-Hash-Algorithm=SHA256 (the last one left out with
// SignerOptions.InsecureSHA1). p.Resource is required and usually ends in
// a wildcard. The cookies are HttpOnly, Secure and session cookies (see
// [CookieOptions]); CloudFront refuses them after the policy's expiry.
//
// Errors: as for [Signer.SignURLWithPolicy], plus [ErrInvalidOptions] for
// SameSite=None without AllowSameSiteNone.
func (s *Signer) SignCookies(p Policy, opts *CookieOptions) ([]*http.Cookie, error) {
	if err := s.ready(); err != nil {
		return nil, err
	}
	var o CookieOptions
	if opts != nil {
		o = *opts
	}
	if o.SameSite == 0 || o.SameSite == http.SameSiteDefaultMode {
		o.SameSite = DefaultCookieSameSite
	}
	if o.SameSite == http.SameSiteNoneMode && !o.AllowSameSiteNone {
		return nil, fmt.Errorf("%w: SameSite=None needs AllowSameSiteNone", ErrInvalidOptions)
	}
	if o.Path == "" {
		o.Path = DefaultCookiePath
	}
	if p.Resource == "" {
		return nil, fmt.Errorf("%w: a cookie policy needs a resource", ErrInvalidURL)
	}
	sp, err := s.policy(p)
	if err != nil {
		return nil, err
	}
	b64Policy, sig, err := s.signPolicy(sp)
	if err != nil {
		return nil, err
	}
	cookies := []*http.Cookie{
		{Name: sign.CookiePolicyName, Value: b64Policy},
		{Name: sign.CookieSignatureName, Value: sig},
		{Name: sign.CookieKeyIDName, Value: s.keyID},
	}
	if s.hash == crypto.SHA256 {
		cookies = append(cookies, &http.Cookie{Name: cookieHashAlgorithmName, Value: hashAlgorithmSHA256})
	}
	for _, c := range cookies {
		c.Domain = o.Domain
		c.Path = o.Path
		c.Secure = !o.InsecureAllowNonSecureCookie
		c.HttpOnly = true
		c.SameSite = o.SameSite
		if o.AllowPersistentCookies {
			c.Expires = p.Expires.UTC()
		}
	}
	return cookies, nil
}

func (s *Signer) checkExpiry(expires time.Time) error {
	if expires.IsZero() {
		return ErrNoExpiry
	}
	now := s.now()
	if !expires.After(now) {
		return fmt.Errorf("%w: %s is not after now (%s)", ErrExpired, expires.UTC().Format(time.RFC3339), now.UTC().Format(time.RFC3339))
	}
	if d := expires.Sub(now); d > s.maxExpiry {
		return fmt.Errorf("%w: %v from now exceeds %v", ErrExpiryTooLong, d.Round(time.Second), s.maxExpiry)
	}
	return nil
}

// unsafeURLChars may not appear unescaped in a URL to sign.
const unsafeURLChars = "\"<>\\^`{|}#"

// reservedParams are the query parameters CloudFront reads the signature
// from; a URL that already has them cannot be signed.
// (AWS CLI, cloudfront sign: "without the CloudFront signing parameters
// (Expires, Policy, Signature, Key-Pair-Id, Hash-Algorithm)").
var reservedParams = []string{"Expires", "Policy", "Signature", "Key-Pair-Id", "Hash-Algorithm"}

// checkURL validates a URL to sign (wildcards false) or a policy resource
// (wildcards true).
func (s *Signer) checkURL(raw string, wildcards bool) error {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		return fmt.Errorf("%w: %q has no scheme", ErrInvalidURL, raw)
	}
	if strings.ContainsAny(scheme, "*?") {
		// "http*://H/x" also matches "https://OTHER/?=://H/x".
		return fmt.Errorf("%w: a wildcard in the scheme of %q runs on into the host and would let the signature work on other distributions", ErrInvalidURL, raw)
	}
	switch scheme {
	case "https":
	case "http":
		if !s.allowHTTP {
			return fmt.Errorf("%w: %s:// exposes the signature on the network; use https or SignerOptions.InsecureAllowHTTP", ErrInvalidURL, scheme)
		}
	default:
		return fmt.Errorf("%w: scheme %q is not https (lower case)", ErrInvalidURL, scheme)
	}
	// CloudFront checks the signature against the URL the browser sends,
	// which escapes these characters, drops the fragment and lower-cases
	// the host: a URL that differs would be signed but never work.
	for _, r := range raw {
		if r > 0x7e || r < 0x21 || strings.ContainsRune(unsafeURLChars, r) {
			return fmt.Errorf("%w: %q must be printable ASCII without spaces, fragments or %s (escape it first)", ErrInvalidURL, raw, unsafeURLChars)
		}
	}
	// In a URL the host ends at "/" or "?"; in a policy resource, where "?"
	// is a wildcard, only at "/".
	host, _, _ := strings.Cut(rest, "/")
	if !wildcards {
		host, _, _ = strings.Cut(host, "?")
	}
	if host == "" {
		return fmt.Errorf("%w: %q has no host", ErrInvalidURL, raw)
	}
	if strings.ToLower(host) != host {
		return fmt.Errorf("%w: host %q must be lower case", ErrInvalidURL, host)
	}
	if strings.ContainsAny(host, "*?") {
		return fmt.Errorf("%w: wildcard in host %q would let the signature work on other distributions (in a policy resource the host ends at the first '/', and '?' is a wildcard too)", ErrInvalidURL, host)
	}
	if !wildcards {
		u, err := url.Parse(raw)
		if err != nil {
			return fmt.Errorf("%w: %v", ErrInvalidURL, err)
		}
		if err := checkReservedParams(u.RawQuery); err != nil {
			return err
		}
	}
	return nil
}

// checkReservedParams refuses a query that names a signing parameter, read
// from the raw query pair by pair as CloudFront reads it, not through
// url.Values: url.Values drops a pair whose value holds a bad '%' escape
// ("Signature=%"), so such a URL passed and was signed with a second
// Signature that CloudFront would see (FuzzSignURL). A name counts as it
// is written and as it unescapes, and pairs are split on ';' as well as
// '&', so no spelling of a reserved name gets through; a name that does
// not unescape is refused.
func checkReservedParams(rawQuery string) error {
	for pair := range strings.FieldsFuncSeq(rawQuery, func(r rune) bool { return r == '&' || r == ';' }) {
		name, _, _ := strings.Cut(pair, "=")
		decoded, err := url.QueryUnescape(name)
		if err != nil {
			return fmt.Errorf("%w: a query parameter name holds a bad '%%' escape", ErrInvalidURL)
		}
		for _, p := range reservedParams {
			if name == p || decoded == p {
				return fmt.Errorf("%w: query parameter %s is reserved for the signature", ErrInvalidURL, p)
			}
		}
	}
	return nil
}

// policy validates p and converts it to the SDK's policy.
func (s *Signer) policy(p Policy) (*sign.Policy, error) {
	if err := s.checkExpiry(p.Expires); err != nil {
		return nil, err
	}
	if err := s.checkURL(p.Resource, true); err != nil {
		return nil, err
	}
	cond := sign.Condition{DateLessThan: sign.NewAWSEpochTime(p.Expires.UTC())}
	if !p.NotBefore.IsZero() {
		if !p.NotBefore.Before(p.Expires) {
			return nil, fmt.Errorf("%w: NotBefore %s is not before Expires %s", ErrInvalidPolicy,
				p.NotBefore.UTC().Format(time.RFC3339), p.Expires.UTC().Format(time.RFC3339))
		}
		cond.DateGreaterThan = sign.NewAWSEpochTime(p.NotBefore.UTC())
	}
	if p.SourceIP != "" {
		prefix, err := parseSourceIP(p.SourceIP)
		if err != nil {
			return nil, err
		}
		cond.IPAddress = &sign.IPAddress{SourceIP: prefix}
	}
	return &sign.Policy{Statements: []sign.Statement{{Resource: p.Resource, Condition: cond}}}, nil
}

func parseSourceIP(v string) (string, error) {
	if prefix, err := netip.ParsePrefix(v); err == nil {
		if prefix != prefix.Masked() {
			return "", fmt.Errorf("%w: SourceIP %q has host bits set (did you mean %s?)", ErrInvalidPolicy, v, prefix.Masked())
		}
		return prefix.String(), nil
	}
	addr, err := netip.ParseAddr(v)
	if err != nil || addr.Zone() != "" {
		return "", fmt.Errorf("%w: SourceIP %q is not an IP address or CIDR range", ErrInvalidPolicy, v)
	}
	return netip.PrefixFrom(addr, addr.BitLen()).String(), nil
}
