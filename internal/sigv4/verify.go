package sigv4

import (
	"crypto/hmac"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Algorithm is the only signing algorithm Verify accepts.
const Algorithm = "AWS4-HMAC-SHA256"

// Payload hash markers S3 accepts in x-amz-content-sha256.
const (
	UnsignedPayload          = "UNSIGNED-PAYLOAD"
	StreamingPayload         = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD"
	StreamingPayloadTrailer  = "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER"
	StreamingUnsignedTrailer = "STREAMING-UNSIGNED-PAYLOAD-TRAILER"
)

// Authentication types as S3 reports them in the s3:authType condition key.
const (
	AuthTypeHeader = "REST-HEADER"
	AuthTypeQuery  = "REST-QUERY-STRING"
	AuthTypePOST   = "POST"
)

// emptySHA256 is the hex SHA-256 of the empty string.
const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// Credentials are the secret half of an access key, as returned by a lookup.
// String and GoString redact the secret and the session token.
type Credentials struct {
	AccessKeyID     string
	SecretAccessKey string
	// SessionToken is set for temporary credentials; a request signed with
	// them must present the same token.
	SessionToken string
}

// String returns the access key ID only; the secret and token are redacted.
func (c Credentials) String() string {
	return "sigv4.Credentials{AccessKeyID: " + c.AccessKeyID + ", SecretAccessKey: <redacted>, SessionToken: <redacted>}"
}

// GoString is like String, so %#v does not print the secret either.
func (c Credentials) GoString() string { return c.String() }

// Format prints String for every verb (%d would otherwise print the
// fields, secret included).
func (c Credentials) Format(f fmt.State, verb rune) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", c.String())
		return
	}
	_, _ = io.WriteString(f, c.String())
}

// LookupFunc returns the credentials for an access key ID, or false when the
// key is unknown.
type LookupFunc func(accessKeyID string) (Credentials, bool)

// VerifyOptions tune Verify. The nil value means the defaults, which match S3.
type VerifyOptions struct {
	// Now returns the current time. By default, time.Now.
	Now func() time.Time
	// MaxSkew is how far a header-signed request's X-Amz-Date may be from
	// Now, and how far in the future a presigned URL's X-Amz-Date may be.
	// By default, 15 minutes (S3's limit).
	MaxSkew time.Duration
	// Service is the service name the credential scope must name.
	// By default, "s3". Any other value switches to the generic SigV4 rules:
	// the canonical URI is the path as sent on the wire, URI-encoded again
	// (each segment encoded twice), where S3 encodes the decoded path once;
	// and the payload hash is the body's SHA-256 (PayloadHash), not
	// UNSIGNED-PAYLOAD. Query and header rules are the same for every
	// service. S3 Control signs as "s3" with S3's rules.
	Service string
	// PayloadHash is the hex SHA-256 of the request body, for services
	// other than s3: they sign the body's hash without sending it. When it
	// is set, it is the payload hash verified, whatever an
	// x-amz-content-sha256 header claims. By default, the header's value
	// is used when present, else the hash of an empty body (and a request
	// with a body and no header is refused).
	PayloadHash string
	// Region, when set, is the only region the credential scope may name.
	// By default any region is accepted and reported in Result.Region.
	Region string
}

// Result describes a request whose signature verified.
// It holds no secret: not the signature, not the session token.
type Result struct {
	AccessKeyID string
	Region      string
	Service     string
	// AuthType is AuthTypeHeader or AuthTypeQuery.
	AuthType string
	// Presigned is true for query-string (presigned URL) authentication.
	Presigned bool
	// SignedHeaders are the lower-case header names covered by the signature.
	SignedHeaders []string
	// SigningTime is X-Amz-Date.
	SigningTime time.Time
	// Expires is X-Amz-Expires for presigned requests (zero otherwise) and
	// ExpiresAt is SigningTime+Expires.
	Expires   time.Duration
	ExpiresAt time.Time
	// PayloadHash is the payload hash that was signed (hex SHA-256 or one of
	// the UNSIGNED/STREAMING markers). For hex values the caller is
	// responsible for checking the body against it.
	PayloadHash string
	// HasSessionToken reports whether the request presented a session token.
	HasSessionToken bool
	// Chunked reports that the payload is aws-chunked (PayloadHash is one
	// of the STREAMING markers) and that Verify replaced r.Body with a
	// *ChunkedReader, which yields the decoded payload and verifies it as
	// it is read; r.ContentLength is then x-amz-decoded-content-length.
	Chunked bool
}

// MaxPresignExpiry is the longest X-Amz-Expires SigV4 allows (7 days).
const MaxPresignExpiry = 7 * 24 * time.Hour

// DefaultMaxSkew is S3's allowed clock skew.
const DefaultMaxSkew = 15 * time.Minute

const amzDateFormat = "20060102T150405Z"

// ParseAmzDate parses an X-Amz-Date value, which "must be formatted with
// the "yyyyMMddTHHmmssZ" format" (S3 API reference, Authenticating
// Requests: Using Query Parameters): that and nothing else, where
// time.Parse also takes a fractional second after the seconds
// ("20130721T201207.5Z"), which S3 refuses.
func ParseAmzDate(s string) (time.Time, bool) {
	if len(s) != len(amzDateFormat) {
		return time.Time{}, false
	}
	t, err := time.Parse(amzDateFormat, s)
	return t, err == nil
}

// Verify checks the SigV4 signature of r, signed either in the Authorization
// header or as a presigned URL, against the secret that lookup returns for
// the request's access key.
//
// Errors: ErrUnsigned (errors.Is) when r carries no SigV4 authentication;
// otherwise an *Error whose Code and StatusCode are what S3 answers
// (InvalidAccessKeyId, SignatureDoesNotMatch, RequestTimeTooSkewed,
// AccessDenied for expired or not-yet-valid presigned URLs,
// AuthorizationHeaderMalformed, AuthorizationQueryParametersError,
// InvalidToken, InvalidRequest, InvalidArgument, and for aws-chunked
// requests MissingContentLength and NotImplemented).
//
// Every x-amz-* header sent must be signed, and so must Content-Type when
// the request is signed in the Authorization header (S3's rule; presigned
// URLs need only host), else AccessDenied.
//
// The query string is parsed with ParseQuery, before anything else: query
// text that does not parse strictly (a pair holding ';', a bad '%' escape,
// a pair without a name) is refused with an InvalidArgument *Error
// wrapping ErrMalformedQuery, signed or not, instead of being dropped
// unsigned.
//
// Verify does not read the body. An S3 request whose x-amz-content-sha256
// is an aws-chunked marker gets its body replaced by a *ChunkedReader (and
// r.ContentLength set to x-amz-decoded-content-length), also when Verify
// returns ErrUnsigned: reading r.Body then yields the decoded payload, each
// signed chunk only after its signature (chained from the request's seed
// signature) has verified, and io.EOF only after the final chunk, the
// decoded length, the trailer signature and the trailing checksum have;
// any failure is an *Error (SignatureDoesNotMatch, IncompleteBody,
// InvalidChunkSizeError, MalformedTrailerError, BadDigest, InvalidRequest).
// So a handler that keeps nothing unless it reads to io.EOF never keeps an
// unverified byte. Headers that cannot describe such a body are refused by
// Verify itself: no x-amz-decoded-content-length (MissingContentLength), an
// x-amz-trailer naming anything but one checksum, or signed chunks on an
// unsigned request (InvalidRequest). SigV4a (AWS4-ECDSA-P256-SHA256, and
// the STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD markers) is not verified
// and is refused with NotImplemented.
func Verify(r *http.Request, lookup LookupFunc, opts *VerifyOptions) (*Result, error) {
	o := resolve(opts)
	authz := r.Header.Get("Authorization")
	q, err := ParseQuery(r.URL.RawQuery)
	if err != nil {
		return nil, err
	}
	hasQueryAuth := q.Has("X-Amz-Algorithm") || q.Has("X-Amz-Credential") || q.Has("X-Amz-Signature")
	hasV2Query := q.Has("AWSAccessKeyId") && q.Has("Signature")
	switch {
	case authz != "" && (hasQueryAuth || hasV2Query):
		return nil, newErr(ErrInvalidArgument, "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature query string parameter or the Authorization header should be specified")
	case authz != "":
		return verifyHeader(r, q, authz, lookup, o)
	case hasQueryAuth:
		return verifyQuery(r, q, lookup, o)
	case hasV2Query:
		return nil, newErr(ErrInvalidRequest, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
	default:
		if _, e := o.prepareBody(r, r.Header.Get("X-Amz-Content-Sha256"), nil); e != nil {
			return nil, e
		}
		return nil, ErrUnsigned
	}
}

// prepareBody installs the aws-chunked decoder for S3 requests whose
// payload is a streaming marker (see ChunkedReader) and reports whether it
// did. Other services sign the body's hash and never stream.
func (o resolved) prepareBody(r *http.Request, payload string, sign *chunkSigning) (bool, *Error) {
	if o.service != "s3" || o.payloadHash != "" || !IsStreaming(payload) {
		return false, nil
	}
	if e := installChunkedBody(r, payload, sign); e != nil {
		return false, e
	}
	return true, nil
}

type resolved struct {
	now         func() time.Time
	maxSkew     time.Duration
	service     string
	region      string
	payloadHash string
}

func resolve(opts *VerifyOptions) resolved {
	o := resolved{now: time.Now, maxSkew: DefaultMaxSkew, service: "s3"}
	if opts == nil {
		return o
	}
	if opts.Now != nil {
		o.now = opts.Now
	}
	if opts.MaxSkew > 0 {
		o.maxSkew = opts.MaxSkew
	}
	if opts.Service != "" {
		o.service = opts.Service
	}
	o.region = opts.Region
	if o.service != "s3" {
		o.payloadHash = opts.PayloadHash
	}
	return o
}

// scope is a parsed credential scope AKID/yyyymmdd/region/service/aws4_request.
type scope struct {
	akid, date, region, service string
}

func (s scope) String() string {
	return s.date + "/" + s.region + "/" + s.service + "/aws4_request"
}

func parseScope(cred string) (scope, bool) {
	parts := strings.Split(cred, "/")
	if len(parts) != 5 || parts[4] != "aws4_request" || parts[0] == "" || len(parts[1]) != 8 || parts[2] == "" || parts[3] == "" {
		return scope{}, false
	}
	for _, c := range parts[1] {
		if c < '0' || c > '9' {
			return scope{}, false
		}
	}
	return scope{akid: parts[0], date: parts[1], region: parts[2], service: parts[3]}, true
}

func (o resolved) checkScope(sc scope, base *Error) *Error {
	if sc.service != o.service {
		return newErr(base, "incorrect service \""+sc.service+"\"; this endpoint belongs to \""+o.service+"\"")
	}
	if o.region != "" && sc.region != o.region {
		return newErr(base, "the region '"+sc.region+"' is wrong; expecting '"+o.region+"'")
	}
	return nil
}

func verifyHeader(r *http.Request, q url.Values, authz string, lookup LookupFunc, o resolved) (*Result, error) {
	alg, rest, _ := strings.Cut(authz, " ")
	if alg != Algorithm {
		if alg == AlgorithmECDSA {
			return nil, newErr(ErrNotImplemented, notImplementedSigV4aMessage)
		}
		if alg == "AWS" {
			return nil, newErr(ErrInvalidRequest, "The authorization mechanism you have provided is not supported. Please use AWS4-HMAC-SHA256.")
		}
		return nil, newErr(ErrAuthorizationHeaderMalformed, "the authorization header is malformed; unsupported algorithm")
	}
	var cred, signed, sig string
	for _, f := range strings.Split(rest, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(f), "=")
		if !ok {
			return nil, newErr(ErrAuthorizationHeaderMalformed, "the authorization header is malformed; expected Credential, SignedHeaders and Signature")
		}
		switch k {
		case "Credential":
			cred = v
		case "SignedHeaders":
			signed = v
		case "Signature":
			sig = v
		}
	}
	if cred == "" || signed == "" || sig == "" {
		return nil, newErr(ErrAuthorizationHeaderMalformed, "the authorization header is malformed; expected Credential, SignedHeaders and Signature")
	}
	sc, ok := parseScope(cred)
	if !ok {
		return nil, newErr(ErrAuthorizationHeaderMalformed, "the authorization header is malformed; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\"")
	}
	if e := o.checkScope(sc, ErrAuthorizationHeaderMalformed); e != nil {
		return nil, e
	}
	amzDate := r.Header.Get("X-Amz-Date")
	t, ok := ParseAmzDate(amzDate)
	if !ok {
		return nil, newErr(ErrAccessDenied, "AWS authentication requires a valid Date or x-amz-date header")
	}
	if sc.date != amzDate[:8] {
		return nil, newErr(ErrAuthorizationHeaderMalformed, "Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	headers, e := parseSignedHeaders(signed, ErrAuthorizationHeaderMalformed)
	if e != nil {
		return nil, e
	}
	creds, ok := lookup(sc.akid)
	if !ok {
		return nil, newErr(ErrInvalidAccessKeyID, "The AWS Access Key Id you provided does not exist in our records.")
	}
	now := o.now()
	if d := now.Sub(t); d > o.maxSkew || d < -o.maxSkew {
		return nil, newErr(ErrRequestTimeTooSkewed, "The difference between the request time and the current time is too large.")
	}
	if e := checkToken(creds, r.Header.Get("X-Amz-Security-Token")); e != nil {
		return nil, e
	}
	if e := checkUnsignedAmzHeaders(r, headers); e != nil {
		return nil, e
	}
	// "If the Content-Type header is present in the request, you must add
	// it to the CanonicalHeaders list" (S3 API reference, Signature
	// Calculations for the Authorization Header). Presigned URLs are not
	// held to it.
	if _, ok := r.Header["Content-Type"]; ok && !contains(headers, "content-type") {
		return nil, newErr(ErrAccessDenied, "There were headers present in the request which were not signed: content-type")
	}
	payload := r.Header.Get("X-Amz-Content-Sha256")
	if o.payloadHash != "" {
		payload = o.payloadHash
	} else if payload == "" {
		if o.service == "s3" {
			return nil, newErr(ErrInvalidRequest, "Missing required header for this request: x-amz-content-sha256")
		}
		if r.ContentLength > 0 {
			return nil, newErr(ErrInvalidRequest, "Missing required header for this request: x-amz-content-sha256")
		}
		payload = emptySHA256
	} else if payload == StreamingECDSAPayload || payload == StreamingECDSAPayloadTrailer {
		return nil, newErr(ErrNotImplemented, notImplementedSigV4aMessage)
	} else if !validPayloadHash(payload) {
		return nil, newErr(ErrInvalidArgument, "x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-AWS4-HMAC-SHA256-PAYLOAD or a valid sha256 value.")
	}
	canon := canonicalRequest(r, q, false, headers, signed, payload, o.service)
	key := SigningKey(creds.SecretAccessKey, sc.date, sc.region, sc.service)
	want := hmacSHA256(key, StringToSign(amzDate, sc.String(), canon))
	if !equalSig(want, sig) {
		return nil, newErr(ErrSignatureDoesNotMatch, signatureDoesNotMatchMessage)
	}
	chunked, e := o.prepareBody(r, payload, &chunkSigning{key: key, seed: want, amzDate: amzDate, scope: sc.String()})
	if e != nil {
		return nil, e
	}
	return &Result{
		Chunked:         chunked,
		AccessKeyID:     sc.akid,
		Region:          sc.region,
		Service:         sc.service,
		AuthType:        AuthTypeHeader,
		SignedHeaders:   headers,
		SigningTime:     t,
		PayloadHash:     payload,
		HasSessionToken: r.Header.Get("X-Amz-Security-Token") != "",
	}, nil
}

func verifyQuery(r *http.Request, q url.Values, lookup LookupFunc, o resolved) (*Result, error) {
	const missing = "Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters."
	for _, k := range []string{"X-Amz-Algorithm", "X-Amz-Credential", "X-Amz-Signature", "X-Amz-Date", "X-Amz-SignedHeaders", "X-Amz-Expires"} {
		if len(q[k]) != 1 || q.Get(k) == "" {
			return nil, newErr(ErrAuthorizationQueryParametersError, missing)
		}
	}
	if q.Get("X-Amz-Algorithm") == AlgorithmECDSA {
		return nil, newErr(ErrNotImplemented, notImplementedSigV4aMessage)
	}
	if q.Get("X-Amz-Algorithm") != Algorithm {
		return nil, newErr(ErrAuthorizationQueryParametersError, "X-Amz-Algorithm only supports \"AWS4-HMAC-SHA256\"")
	}
	sc, ok := parseScope(q.Get("X-Amz-Credential"))
	if !ok {
		return nil, newErr(ErrAuthorizationQueryParametersError, "Error parsing the X-Amz-Credential parameter; the Credential is mal-formed; expecting \"<YOUR-AKID>/YYYYMMDD/REGION/SERVICE/aws4_request\".")
	}
	if e := o.checkScope(sc, ErrAuthorizationQueryParametersError); e != nil {
		return nil, e
	}
	amzDate := q.Get("X-Amz-Date")
	t, ok := ParseAmzDate(amzDate)
	if !ok {
		return nil, newErr(ErrAuthorizationQueryParametersError, "X-Amz-Date must be in the ISO8601 Long Format \"yyyyMMdd'T'HHmmss'Z'\"")
	}
	if sc.date != amzDate[:8] {
		return nil, newErr(ErrAuthorizationQueryParametersError, "Invalid credential date. Date is not the same as X-Amz-Date.")
	}
	expSecs, err := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
	switch {
	case err != nil:
		return nil, newErr(ErrAuthorizationQueryParametersError, "X-Amz-Expires should be a number")
	case expSecs < 0:
		return nil, newErr(ErrAuthorizationQueryParametersError, "X-Amz-Expires must be non-negative")
	case expSecs > int64(MaxPresignExpiry/time.Second):
		return nil, newErr(ErrAuthorizationQueryParametersError, "X-Amz-Expires must be less than a week (in seconds) that is 604800")
	}
	signed := q.Get("X-Amz-SignedHeaders")
	headers, e := parseSignedHeaders(signed, ErrAuthorizationQueryParametersError)
	if e != nil {
		return nil, e
	}
	creds, ok := lookup(sc.akid)
	if !ok {
		return nil, newErr(ErrInvalidAccessKeyID, "The AWS Access Key Id you provided does not exist in our records.")
	}
	now := o.now()
	expires := time.Duration(expSecs) * time.Second
	if t.Sub(now) > o.maxSkew {
		return nil, newErr(ErrAccessDenied, "Request is not yet valid")
	}
	if now.After(t.Add(expires)) {
		return nil, newErr(ErrAccessDenied, "Request has expired")
	}
	token := q.Get("X-Amz-Security-Token")
	if token == "" {
		token = r.Header.Get("X-Amz-Security-Token")
	}
	if e := checkToken(creds, token); e != nil {
		return nil, e
	}
	if e := checkUnsignedAmzHeaders(r, headers); e != nil {
		return nil, e
	}
	payload := UnsignedPayload
	if o.service != "s3" {
		payload = emptySHA256
	}
	if h := r.Header.Get("X-Amz-Content-Sha256"); h != "" && contains(headers, "x-amz-content-sha256") {
		payload = h
	} else if h := q.Get("X-Amz-Content-Sha256"); h != "" {
		payload = h
	}
	if o.payloadHash != "" {
		payload = o.payloadHash
	}
	if payload == StreamingECDSAPayload || payload == StreamingECDSAPayloadTrailer {
		return nil, newErr(ErrNotImplemented, notImplementedSigV4aMessage)
	}
	canon := canonicalRequest(r, q, true, headers, signed, payload, o.service)
	key := SigningKey(creds.SecretAccessKey, sc.date, sc.region, sc.service)
	want := hmacSHA256(key, StringToSign(amzDate, sc.String(), canon))
	if !equalSig(want, q.Get("X-Amz-Signature")) {
		return nil, newErr(ErrSignatureDoesNotMatch, signatureDoesNotMatchMessage)
	}
	chunked, e := o.prepareBody(r, payload, &chunkSigning{key: key, seed: want, amzDate: amzDate, scope: sc.String()})
	if e != nil {
		return nil, e
	}
	return &Result{
		Chunked:         chunked,
		AccessKeyID:     sc.akid,
		Region:          sc.region,
		Service:         sc.service,
		AuthType:        AuthTypeQuery,
		Presigned:       true,
		SignedHeaders:   headers,
		SigningTime:     t,
		Expires:         expires,
		ExpiresAt:       t.Add(expires),
		PayloadHash:     payload,
		HasSessionToken: token != "",
	}, nil
}

// ParseQuery parses a raw query string the way Verify does: strictly. It
// is url.ParseQuery (pairs split on '&', names and values unescaped, '+'
// read as a space; empty segments, as in "a=1&&b=2", carry nothing and are
// skipped) except that it refuses what url.ParseQuery drops or keeps under
// an empty name: a pair holding ';', a bad '%' escape, a pair without a
// name ("=x"). The error is an *Error with code InvalidArgument that
// wraps ErrMalformedQuery; it quotes no part of the query, which may hold
// a signature or a session token.
func ParseQuery(raw string) (url.Values, error) {
	q, err := url.ParseQuery(raw)
	if err != nil {
		reason := "a pair holds a bad '%' escape"
		if strings.IndexByte(raw, ';') >= 0 {
			reason = "a pair holds a ';' (S3 splits the query on '&' only)"
		}
		return nil, malformedQuery(reason)
	}
	if _, ok := q[""]; ok {
		return nil, malformedQuery("a pair has no name")
	}
	return q, nil
}

// MalformedQueryPrefix starts the Message of every ErrMalformedQuery error.
const MalformedQueryPrefix = "the query string does not parse: "

func malformedQuery(reason string) *Error {
	return &Error{Code: ErrInvalidArgument.Code, StatusCode: ErrInvalidArgument.StatusCode, cause: ErrMalformedQuery,
		Message: MalformedQueryPrefix + reason}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

func parseSignedHeaders(signed string, base *Error) ([]string, *Error) {
	headers := strings.Split(signed, ";")
	hasHost := false
	for _, h := range headers {
		if h == "" || h != strings.ToLower(h) {
			return nil, newErr(base, "SignedHeaders must be a ;-separated list of lower-case header names")
		}
		if h == "host" {
			hasHost = true
		}
	}
	if !hasHost {
		return nil, newErr(base, "SignedHeaders must include host")
	}
	return headers, nil
}

// checkToken compares the presented session token with the credential's,
// in constant time. Both empty is fine.
func checkToken(c Credentials, presented string) *Error {
	if c.SessionToken == "" && presented == "" {
		return nil
	}
	if subtle.ConstantTimeCompare([]byte(c.SessionToken), []byte(presented)) != 1 {
		return newErr(ErrInvalidToken, "The provided token is malformed or otherwise invalid.")
	}
	return nil
}

// checkUnsignedAmzHeaders refuses x-amz-* request headers the signature does
// not cover, as S3 does ("There were headers present in the request which
// were not signed").
func checkUnsignedAmzHeaders(r *http.Request, signed []string) *Error {
	for name := range r.Header {
		lower := strings.ToLower(name)
		if !strings.HasPrefix(lower, "x-amz-") {
			continue
		}
		if !contains(signed, lower) {
			return newErr(ErrAccessDenied, "There were headers present in the request which were not signed: "+lower)
		}
	}
	return nil
}

func validPayloadHash(s string) bool {
	switch s {
	case UnsignedPayload, StreamingPayload, StreamingPayloadTrailer, StreamingUnsignedTrailer:
		return true
	}
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

func equalSig(want []byte, got string) bool {
	g, err := hex.DecodeString(got)
	if err != nil || len(g) != len(want) {
		return false
	}
	return hmac.Equal(want, g)
}

// canonicalRequest builds the SigV4 canonical request. For s3 the decoded
// path is URI-encoded once; for every other service the path as sent on the
// wire (already encoded) is URI-encoded again, as aws-sdk-go-v2's signer
// does. Neither removes dot segments or empty segments.
func canonicalRequest(r *http.Request, q url.Values, presigned bool, headers []string, signed, payload, service string) string {
	var b strings.Builder
	b.Grow(512)
	b.WriteString(r.Method)
	b.WriteByte('\n')
	b.WriteString(canonicalURI(r, service))
	b.WriteByte('\n')
	b.WriteString(canonicalQuery(q, presigned))
	b.WriteByte('\n')
	for _, h := range headers {
		b.WriteString(h)
		b.WriteByte(':')
		b.WriteString(headerValue(r, h))
		b.WriteByte('\n')
	}
	b.WriteByte('\n')
	b.WriteString(signed)
	b.WriteByte('\n')
	b.WriteString(payload)
	return b.String()
}

// canonicalURI is the canonical URI of r for service.
func canonicalURI(r *http.Request, service string) string {
	if service == "s3" {
		path := r.URL.Path
		if path == "" {
			path = "/"
		}
		return uriEncode(path, false)
	}
	return uriEncode(wirePath(r), false)
}

// wirePath is r's path as the client sent it (still percent-encoded): the
// path of the request target when r came from a server, else the URL's
// escaped path.
func wirePath(r *http.Request) string {
	p := ""
	if strings.HasPrefix(r.RequestURI, "/") {
		p, _, _ = strings.Cut(r.RequestURI, "?")
	} else {
		p = r.URL.EscapedPath()
	}
	if p == "" {
		return "/"
	}
	return p
}

func headerValue(r *http.Request, h string) string {
	switch h {
	case "host":
		if r.Host != "" {
			return r.Host
		}
		return r.URL.Host
	case "content-length":
		// The SDK signs the ContentLength field, not a header.
		if r.ContentLength > 0 {
			return strconv.FormatInt(r.ContentLength, 10)
		}
		if v := r.Header.Get("Content-Length"); v != "" {
			return v
		}
		return "0"
	}
	vals := r.Header.Values(h)
	if len(vals) == 1 {
		return trimSpaces(vals[0])
	}
	out := make([]string, len(vals))
	for i, v := range vals {
		out[i] = trimSpaces(v)
	}
	return strings.Join(out, ",")
}

// trimSpaces trims and collapses runs of spaces, as SigV4 requires.
func trimSpaces(s string) string {
	s = strings.TrimSpace(s)
	if !strings.Contains(s, "  ") {
		return s
	}
	var b strings.Builder
	space := false
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == ' ' {
			if space {
				continue
			}
			space = true
		} else {
			space = false
		}
		b.WriteByte(c)
	}
	return b.String()
}

// canonicalQuery encodes every name and value, then sorts the pairs by
// encoded name and encoded value: SigV4 sorts after encoding, and the two
// orders differ ("a/b" < "a-b" once encoded as "a%2Fb").
func canonicalQuery(q url.Values, presigned bool) string {
	if len(q) == 0 {
		return ""
	}
	type pair struct{ k, v string }
	pairs := make([]pair, 0, len(q))
	for k, vals := range q {
		if presigned && k == "X-Amz-Signature" {
			continue
		}
		ek := uriEncode(k, true)
		for _, v := range vals {
			pairs = append(pairs, pair{ek, uriEncode(v, true)})
		}
	}
	sort.Slice(pairs, func(i, j int) bool {
		if pairs[i].k != pairs[j].k {
			return pairs[i].k < pairs[j].k
		}
		return pairs[i].v < pairs[j].v
	})
	var b strings.Builder
	for i, p := range pairs {
		if i > 0 {
			b.WriteByte('&')
		}
		b.WriteString(p.k)
		b.WriteByte('=')
		b.WriteString(p.v)
	}
	return b.String()
}

const upperhex = "0123456789ABCDEF"

// uriEncode percent-encodes every byte except the unreserved characters
// A-Z a-z 0-9 - _ . ~ (and '/' unless encodeSlash).
func uriEncode(s string, encodeSlash bool) string {
	needs := false
	for i := 0; i < len(s); i++ {
		if !unreserved(s[i]) && (encodeSlash || s[i] != '/') {
			needs = true
			break
		}
	}
	if !needs {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) * 3)
	for i := 0; i < len(s); i++ {
		c := s[i]
		if unreserved(c) || (!encodeSlash && c == '/') {
			b.WriteByte(c)
			continue
		}
		b.WriteByte('%')
		b.WriteByte(upperhex[c>>4])
		b.WriteByte(upperhex[c&15])
	}
	return b.String()
}

func unreserved(c byte) bool {
	return 'A' <= c && c <= 'Z' || 'a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_' || c == '.' || c == '~'
}

func hmacSHA256(key []byte, data string) []byte {
	h := hmac.New(sha256.New, key)
	h.Write([]byte(data))
	return h.Sum(nil)
}

// SigningKey derives the SigV4 signing key for a secret, date (yyyymmdd),
// region and service.
func SigningKey(secret, date, region, service string) []byte {
	k := hmacSHA256([]byte("AWS4"+secret), date)
	k = hmacSHA256(k, region)
	k = hmacSHA256(k, service)
	return hmacSHA256(k, "aws4_request")
}

// StringToSign returns the SigV4 string to sign for a canonical request.
func StringToSign(amzDate, credentialScope, canonicalRequest string) string {
	sum := sha256.Sum256([]byte(canonicalRequest))
	return Algorithm + "\n" + amzDate + "\n" + credentialScope + "\n" + hex.EncodeToString(sum[:])
}
