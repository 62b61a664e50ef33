package cloudfront

import (
	"crypto/rsa"
	"fmt"
	"io"
	"net/http"
	"net/netip"
	"net/url"
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

	// Now is the signer's clock. By default time.Now.
	Now func() time.Time
}

// Signer signs CloudFront URLs and cookies with the private key of a public
// key in one of the distribution's trusted key groups. It wraps
// feature/cloudfront/sign and refuses what that package lets through: no or
// past expiry, expiry beyond a cap, plain HTTP, wildcard hosts, weak keys.
// A Signer is safe for concurrent use.
type Signer struct {
	keyID     string
	key       *rsa.PrivateKey
	urls      *sign.URLSigner
	cookies   *sign.CookieSigner
	maxExpiry time.Duration
	allowHTTP bool
	now       func() time.Time
}

// NewSigner returns a Signer for the CloudFront public key keyID (the ID of
// the public key in a key group, such as "K2JCJMDEHXQW5F") and its RSA
// private key, which must be 2048 bits (what CloudFront verifies).
//
// Errors: [ErrInvalidKey] for a nil or weak key or an empty key ID,
// [ErrInvalidOptions] for an out-of-range AllowExpiryUpTo.
func NewSigner(keyID string, key *rsa.PrivateKey, opts *SignerOptions) (*Signer, error) {
	var o SignerOptions
	if opts != nil {
		o = *opts
	}
	if keyID == "" || strings.ContainsAny(keyID, "&=?# ") {
		return nil, fmt.Errorf("%w: key id must be a CloudFront public key ID", ErrInvalidKey)
	}
	if err := checkRSAKey(key); err != nil {
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
	return &Signer{
		keyID: keyID, key: key,
		urls:      sign.NewURLSigner(keyID, key),
		cookies:   sign.NewCookieSigner(keyID, key),
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
	return fmt.Sprintf("cloudfront.Signer{KeyID: %s, MaxExpiry: %v}", s.keyID, s.maxExpiry)
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

// ready refuses a nil or zero Signer (one not made by [NewSigner]).
func (s *Signer) ready() error {
	if s == nil || s.key == nil || s.urls == nil || s.cookies == nil || s.now == nil {
		return fmt.Errorf("%w: the Signer is nil or zero; use NewSigner", ErrInvalidKey)
	}
	return nil
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
// expires. Canned URLs are shorter and cacheable; use [Signer.SignURLWithPolicy]
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
	signed, err := s.urls.Sign(rawURL, expires)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidURL, err)
	}
	return signed, nil
}

// SignURLWithPolicy returns rawURL signed with the custom policy p. An
// empty p.Resource means rawURL exactly (see [Policy].Resource).
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
	signed, err := s.urls.SignWithPolicy(rawURL, sp)
	if err != nil {
		return "", fmt.Errorf("%w: %v", ErrInvalidURL, err)
	}
	return signed, nil
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

// SignCookies returns the three CloudFront signed cookies
// (CloudFront-Policy, CloudFront-Signature, CloudFront-Key-Pair-Id) for the
// custom policy p. p.Resource is required and usually ends in a wildcard.
// The cookies are HttpOnly, Secure and session cookies (see
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
	cookies, err := s.cookies.SignWithPolicy(sp, func(co *sign.CookieOptions) {
		co.Domain = o.Domain
		co.Path = o.Path
		co.Secure = !o.InsecureAllowNonSecureCookie
		co.SameSite = o.SameSite
		if o.AllowPersistentCookies {
			co.Expires = p.Expires.UTC()
		}
	})
	if err != nil {
		return nil, fmt.Errorf("%w: %v", ErrInvalidURL, err)
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
var reservedParams = []string{"Expires", "Policy", "Signature", "Key-Pair-Id"}

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
		q := u.Query()
		for _, p := range reservedParams {
			if q.Has(p) {
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
