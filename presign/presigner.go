package presign

import (
	"context"
	"encoding/base64"
	"io"
	"reflect"

	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/internal/allowupto"
	"github.com/s3secure/s3secure/internal/credsafe"
)

// Options configures a [Presigner]. The zero value (or nil) is the secure
// configuration: HTTPS only, 15-minute URLs capped at one hour, GET, HEAD
// and PUT only, URLs that never outlive temporary credentials.
type Options struct {
	// Region overrides aws.Config.Region. One of the two must be set.
	Region string

	// Endpoint overrides aws.Config.BaseEndpoint, for S3-compatible
	// services and local emulators. By default, the AWS endpoint of the
	// region is used. It must be https unless its host is a loopback
	// address (127.0.0.0/8, ::1, localhost) or InsecureAllowHTTP is set.
	Endpoint string

	// UsePathStyle puts the bucket in the path instead of the host name.
	// By default, virtual-hosted style is used where S3 allows it.
	UsePathStyle bool

	// DefaultExpiry is the lifetime of a URL whose request options leave
	// Expires zero. By default, [DefaultExpiry] (15 minutes).
	DefaultExpiry time.Duration

	// AllowExpiryUpTo is the longest expiry the Presigner signs; a longer
	// one is refused with [ErrExpiryTooLong]. By default (zero),
	// [DefaultMaxExpiry] (1 hour). It cannot exceed [HardMaxExpiry] (7
	// days, the SigV4 limit). Raising it is a weakening: a presigned URL is
	// a bearer credential that cannot be revoked short of revoking the
	// signing credentials, so a leaked URL (in a log, a referrer header, a
	// chat message) works until it expires. A value below the default
	// lowers the cap.
	AllowExpiryUpTo time.Duration

	// MaxExpiry is the former name of AllowExpiryUpTo and works the same
	// way. When both are set, the smaller applies: neither raises what the
	// other allows.
	//
	// Deprecated: use AllowExpiryUpTo, which names the weakening as every
	// other opt-out of this library is named (Allow…, Insecure…).
	MaxExpiry time.Duration

	// ClampToCredentials shortens a URL's expiry to the expiry of the
	// temporary credentials that sign it. By default, such a request fails
	// with a *[CredentialExpiryError] instead, because S3 stops honouring
	// the URL when the credentials expire, whatever X-Amz-Expires says.
	ClampToCredentials bool

	// AllowDelete enables [Presigner.Delete]. A presigned DELETE lets
	// anyone holding the URL destroy the object (or, on a versioned
	// bucket, hide it behind a delete marker) until it expires. By
	// default, Delete returns [ErrMethodNotAllowed].
	AllowDelete bool

	// AllowUploadPart enables [Presigner.UploadPart]. A presigned part
	// upload lets anyone holding the URL write up to 5 GiB into an
	// unfinished multipart upload. By default, UploadPart returns
	// [ErrMethodNotAllowed].
	AllowUploadPart bool

	// InsecureAllowHTTP accepts a plain-HTTP Endpoint on a non-loopback
	// host. The URL, including its signature, then travels in clear text:
	// anyone on the network path can read or replay it and tamper with
	// the content. By default, only HTTPS is accepted, plus HTTP to
	// loopback addresses where local emulators run.
	InsecureAllowHTTP bool

	// Now returns the signing time. By default, time.Now. Set it for
	// deterministic output in tests.
	Now func() time.Time
}

// Presigner creates presigned S3 URLs. It is safe for concurrent use and
// cheap per call: reuse one per credentials provider and region.
type Presigner struct {
	creds         aws.CredentialsProvider
	signingRegion string
	// dottedSigningRegion is used for dotted buckets in virtual-hosted
	// style (plain-HTTP custom endpoints only).
	dottedSigningRegion string
	scheme              string
	path                address
	vhost               address
	vhostOK             bool
	customHTTP          bool

	defaultExpiry time.Duration
	maxExpiry     time.Duration
	clamp         bool
	allowDelete   bool
	allowPart     bool
	now           func() time.Time

	keys  keyCache
	dates dateCache
}

// New returns a Presigner that signs with cfg.Credentials for cfg.Region
// (or opts.Region) at cfg.BaseEndpoint (or opts.Endpoint, or the AWS
// endpoint). Like the SDK's S3 client (s3.NewFromConfig), it follows the
// configuration's FIPS and dual-stack settings (use_fips_endpoint,
// AWS_USE_FIPS_ENDPOINT, a FIPS Region name such as "fips-us-gov-west-1";
// use_dualstack_endpoint, AWS_USE_DUALSTACK_ENDPOINT), so a deployment
// required to use FIPS endpoints gets URLs for them. It fails with a
// *[ValidationError] for a bad region or endpoint (FIPS with a custom
// endpoint, or in a Region without FIPS endpoints, among them) and an
// *[ExpiryError] for expiry options out of range.
func New(cfg aws.Config, opts *Options) (*Presigner, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	if cfg.Credentials == nil {
		return nil, fmt.Errorf("%w: aws.Config.Credentials is nil", ErrNoCredentials)
	}
	if v := reflect.ValueOf(cfg.Credentials); v.Kind() == reflect.Pointer && v.IsNil() {
		return nil, fmt.Errorf("%w: aws.Config.Credentials is a nil %T", ErrNoCredentials, cfg.Credentials)
	}
	region := o.Region
	if region == "" {
		region = cfg.Region
	}
	if err := validateRegion(region); err != nil {
		return nil, err
	}
	region, es := configEndpointSettings(cfg, region)
	rawEndpoint := o.Endpoint
	if rawEndpoint == "" && cfg.BaseEndpoint != nil {
		rawEndpoint = *cfg.BaseEndpoint
	}
	var endpoint *url.URL
	if rawEndpoint != "" {
		u, err := parseEndpoint(rawEndpoint, o.InsecureAllowHTTP)
		if err != nil {
			return nil, err
		}
		endpoint = u
	}
	p := &Presigner{
		creds:         cfg.Credentials,
		defaultExpiry: o.DefaultExpiry,
		maxExpiry:     allowupto.Merge(o.AllowExpiryUpTo, o.MaxExpiry),
		clamp:         o.ClampToCredentials,
		allowDelete:   o.AllowDelete,
		allowPart:     o.AllowUploadPart,
		now:           o.Now,
	}
	if p.now == nil {
		p.now = time.Now
	}
	for _, d := range []time.Duration{o.AllowExpiryUpTo, o.MaxExpiry} {
		switch {
		case d == 0:
		case d < MinExpiry:
			return nil, &ExpiryError{Requested: d, Err: ErrExpiryTooShort}
		case d > HardMaxExpiry:
			return nil, &ExpiryError{Requested: d, Max: HardMaxExpiry, Err: ErrExpiryTooLong}
		}
	}
	if p.maxExpiry == 0 {
		p.maxExpiry = DefaultMaxExpiry
	}
	if p.defaultExpiry == 0 {
		p.defaultExpiry = min(DefaultExpiry, p.maxExpiry)
	}
	if p.defaultExpiry < MinExpiry {
		return nil, &ExpiryError{Requested: p.defaultExpiry, Err: ErrExpiryTooShort}
	}
	if p.defaultExpiry > p.maxExpiry {
		return nil, &ExpiryError{Requested: p.defaultExpiry, Max: p.maxExpiry, Err: ErrExpiryTooLong}
	}
	if err := p.resolveAddresses(region, endpoint, o.UsePathStyle, es); err != nil {
		return nil, err
	}
	return p, nil
}

// String describes the Presigner (region, endpoint, expiry caps) without
// its credentials or derived signing keys.
func (p *Presigner) String() string {
	if p == nil {
		return "presign.Presigner(nil)"
	}
	host := p.path.host
	return fmt.Sprintf("presign.Presigner{Region: %s, Endpoint: %s://%s, DefaultExpiry: %s, AllowExpiryUpTo: %s}",
		p.signingRegion, p.scheme, host, p.defaultExpiry, p.maxExpiry)
}

// GoString is like String, so that %#v does not print the credentials.
func (p *Presigner) GoString() string { return p.String() }

// Format prints String for every verb (%v, %+v, %#v, %s, %q, %x, ...):
// without it, fmt walks the struct and prints the credentials provider's
// secret access key and session token.
func (p *Presigner) Format(f fmt.State, verb rune) { writeFormatted(f, verb, p.String()) }

// ready refuses a nil or zero Presigner (one not made by [New]).
func (p *Presigner) ready() error {
	if p == nil || p.creds == nil || p.now == nil {
		return fmt.Errorf("%w: the Presigner is nil or zero; use New", ErrNoCredentials)
	}
	return nil
}

// Request is a presigned request: what to send, and until when.
// Its String and GoString methods redact the signature and session token,
// so a Request can be logged.
type Request struct {
	// Method is the HTTP method the URL is signed for.
	Method string
	// URL is the presigned URL. It is a bearer credential: treat it as a
	// secret until it expires, and log it only through [Redact].
	URL string
	// Header lists the headers the client must send exactly as given,
	// because they are signed (for PUT: Content-Type and any of
	// Content-Length, checksum and encryption headers). Nil when none.
	// Go's http.Client takes Content-Length from Request.ContentLength.
	Header http.Header
	// SignedAt is the signing time (X-Amz-Date).
	SignedAt time.Time
	// Expires is when S3 stops accepting the URL, or earlier: when the
	// temporary credentials that signed it expire, if their provider did
	// not say when (a session token from environment variables).
	Expires time.Time
}

// String returns the method and the redacted URL.
func (r Request) String() string { return r.Method + " " + Redact(r.URL) }

// GoString is like String, so that %#v does not print the signature.
func (r Request) GoString() string { return "presign.Request{" + r.String() + "}" }

// Format prints String for every verb (%d and %x included, which would
// otherwise print the URL's fields), and GoString for %#v.
func (r Request) Format(f fmt.State, verb rune) {
	if verb == 'v' && f.Flag('#') {
		io.WriteString(f, r.GoString())
		return
	}
	writeFormatted(f, verb, r.String())
}

// writeFormatted writes s for any verb, quoted for %q (credsafe.WriteFormatted).
func writeFormatted(f fmt.State, verb rune, s string) { credsafe.WriteFormatted(f, verb, s) }

// GetOptions are the per-request options of [Presigner.Get] and
// [Presigner.Head]. Nil means defaults.
type GetOptions struct {
	// Expires is the URL's lifetime. By default, Options.DefaultExpiry.
	Expires time.Duration
	// ResponseContentDisposition makes S3 answer with this
	// Content-Disposition (for example `attachment; filename="a.pdf"`),
	// so a browser downloads instead of rendering.
	ResponseContentDisposition string
	// ResponseContentType makes S3 answer with this Content-Type.
	ResponseContentType string
}

// PutOptions are the per-request options of [Presigner.Put]. Nil means
// defaults. Each non-zero field becomes a signed header the uploader must
// send with the same value.
type PutOptions struct {
	// Expires is the URL's lifetime. By default, Options.DefaultExpiry.
	Expires time.Duration
	// ContentLength, when positive, pins the exact upload size.
	ContentLength int64
	// ChecksumSHA256 is the base64 SHA-256 of the body; S3 rejects any
	// other body. Pass the value, never only an algorithm.
	ChecksumSHA256 string
	// ChecksumCRC32 is the base64 CRC32 of the body.
	ChecksumCRC32 string
	// ServerSideEncryption is "AES256", "aws:kms" or "aws:kms:dsse".
	ServerSideEncryption string
	// SSEKMSKeyID is the KMS key for "aws:kms" and "aws:kms:dsse".
	SSEKMSKeyID string
}

// DeleteOptions are the per-request options of [Presigner.Delete].
type DeleteOptions struct {
	// Expires is the URL's lifetime. By default, Options.DefaultExpiry.
	Expires time.Duration
}

// UploadPartOptions are the per-request options of [Presigner.UploadPart].
type UploadPartOptions struct {
	// Expires is the URL's lifetime. By default, Options.DefaultExpiry.
	Expires time.Duration
	// ContentLength, when positive, pins the exact part size.
	ContentLength int64
	// ChecksumSHA256 is the base64 SHA-256 of the part.
	ChecksumSHA256 string
	// ChecksumCRC32 is the base64 CRC32 of the part.
	ChecksumCRC32 string
}

// Get presigns a GetObject request. Errors: *[ValidationError] (bucket,
// key, option), *[ExpiryError], *[CredentialExpiryError], and the
// credentials provider's error wrapped with [ErrNoCredentials] (errors.As
// reaches it; its text is left out of the message, as a provider's error
// can quote the credentials).
func (p *Presigner) Get(ctx context.Context, bucket, key string, opts *GetOptions) (*Request, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	var o GetOptions
	if opts != nil {
		o = *opts
	}
	s := spec{method: http.MethodGet, bucket: bucket, key: key, xid: "GetObject",
		responseContentDisposition: o.ResponseContentDisposition, responseContentType: o.ResponseContentType}
	if err := validateResponseOverrides(&o); err != nil {
		return nil, err
	}
	return p.presign(ctx, &s, o.Expires)
}

// Head presigns a HeadObject request. Errors as for [Presigner.Get].
func (p *Presigner) Head(ctx context.Context, bucket, key string, opts *GetOptions) (*Request, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	var o GetOptions
	if opts != nil {
		o = *opts
	}
	s := spec{method: http.MethodHead, bucket: bucket, key: key,
		responseContentDisposition: o.ResponseContentDisposition, responseContentType: o.ResponseContentType}
	if err := validateResponseOverrides(&o); err != nil {
		return nil, err
	}
	return p.presign(ctx, &s, o.Expires)
}

// Put presigns a PutObject request. contentType is required and signed:
// the uploader must send it unchanged. Errors as for [Presigner.Get], plus
// [ErrMissingContentType] and *[ValidationError] for malformed checksums
// or encryption settings.
func (p *Presigner) Put(ctx context.Context, bucket, key, contentType string, opts *PutOptions) (*Request, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	var o PutOptions
	if opts != nil {
		o = *opts
	}
	if err := validateContentType(contentType); err != nil {
		return nil, err
	}
	s := spec{method: http.MethodPut, bucket: bucket, key: key, xid: "PutObject", contentType: contentType}
	if err := fillBody(&s, o.ContentLength, o.ChecksumSHA256, o.ChecksumCRC32); err != nil {
		return nil, err
	}
	if err := fillSSE(&s, o.ServerSideEncryption, o.SSEKMSKeyID); err != nil {
		return nil, err
	}
	return p.presign(ctx, &s, o.Expires)
}

// Delete presigns a DeleteObject request. It fails with
// [ErrMethodNotAllowed] unless Options.AllowDelete is set; otherwise
// errors as for [Presigner.Get].
func (p *Presigner) Delete(ctx context.Context, bucket, key string, opts *DeleteOptions) (*Request, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	if !p.allowDelete {
		return nil, fmt.Errorf("%w: DELETE needs Options.AllowDelete", ErrMethodNotAllowed)
	}
	var o DeleteOptions
	if opts != nil {
		o = *opts
	}
	s := spec{method: http.MethodDelete, bucket: bucket, key: key, xid: "DeleteObject"}
	return p.presign(ctx, &s, o.Expires)
}

// UploadPart presigns one part of a multipart upload. It fails with
// [ErrMethodNotAllowed] unless Options.AllowUploadPart is set, with a
// *[ValidationError] for an empty uploadID or a part number outside
// 1..10000; otherwise errors as for [Presigner.Put].
func (p *Presigner) UploadPart(ctx context.Context, bucket, key, uploadID string, partNumber int32, opts *UploadPartOptions) (*Request, error) {
	if err := p.ready(); err != nil {
		return nil, err
	}
	if !p.allowPart {
		return nil, fmt.Errorf("%w: UploadPart needs Options.AllowUploadPart", ErrMethodNotAllowed)
	}
	var o UploadPartOptions
	if opts != nil {
		o = *opts
	}
	if uploadID == "" {
		return nil, &ValidationError{Field: "uploadID", Reason: "must not be empty", Err: ErrInvalidOption}
	}
	if partNumber < 1 || partNumber > 10000 {
		return nil, &ValidationError{Field: "partNumber", Reason: "must be 1 to 10000, got " + strconv.Itoa(int(partNumber)), Err: ErrInvalidOption}
	}
	s := spec{method: http.MethodPut, bucket: bucket, key: key, xid: "UploadPart", uploadID: uploadID, partNum: partNumber}
	if err := fillBody(&s, o.ContentLength, o.ChecksumSHA256, o.ChecksumCRC32); err != nil {
		return nil, err
	}
	return p.presign(ctx, &s, o.Expires)
}

// presign validates s, settles the expiry and signs.
func (p *Presigner) presign(ctx context.Context, s *spec, expires time.Duration) (*Request, error) {
	if err := ValidateBucket(s.bucket); err != nil {
		return nil, err
	}
	if err := ValidateKey(s.key); err != nil {
		return nil, err
	}
	exp, err := p.expiry(expires)
	if err != nil {
		return nil, err
	}
	creds, now, exp, err := p.credentialsFor(ctx, exp)
	if err != nil {
		return nil, err
	}
	s.expires = int64(exp / time.Second)
	u := p.presignURL(&creds, now, s)
	return &Request{Method: s.method, URL: u, Header: s.header(), SignedAt: now, Expires: now.Add(exp)}, nil
}

// credentialsFor retrieves the credentials and the signing time, and
// settles the expiry against temporary credentials' own expiry.
func (p *Presigner) credentialsFor(ctx context.Context, exp time.Duration) (aws.Credentials, time.Time, time.Duration, error) {
	creds, err := p.creds.Retrieve(ctx)
	if err != nil {
		return aws.Credentials{}, time.Time{}, 0, &credentialsError{err: err}
	}
	if creds.AccessKeyID == "" || creds.SecretAccessKey == "" {
		return aws.Credentials{}, time.Time{}, 0, fmt.Errorf("%w: the provider returned an empty access key or secret", ErrNoCredentials)
	}
	now := p.now().UTC().Truncate(time.Second)
	if creds.CanExpire {
		until := now.Add(exp)
		if until.After(creds.Expires) {
			if !p.clamp {
				return aws.Credentials{}, time.Time{}, 0, &CredentialExpiryError{CredentialsExpire: creds.Expires, URLWouldExpire: until}
			}
			exp = creds.Expires.Sub(now).Truncate(time.Second)
			if exp < MinExpiry {
				return aws.Credentials{}, time.Time{}, 0, &CredentialExpiryError{CredentialsExpire: creds.Expires, URLWouldExpire: now.Add(MinExpiry)}
			}
		}
	}
	return creds, now, exp, nil
}

// expiry applies the default and the caps to a requested expiry.
func (p *Presigner) expiry(d time.Duration) (time.Duration, error) {
	if d == 0 {
		return p.defaultExpiry, nil
	}
	if d < MinExpiry {
		return 0, &ExpiryError{Requested: d, Err: ErrExpiryTooShort}
	}
	if d > p.maxExpiry {
		return 0, &ExpiryError{Requested: d, Max: p.maxExpiry, Err: ErrExpiryTooLong}
	}
	return d.Truncate(time.Second), nil
}

// header returns the signed headers the client must send, or nil.
func (s *spec) header() http.Header {
	if s.contentType == "" && s.contentLength <= 0 && s.crc32 == "" && s.sha256 == "" && s.sse == "" {
		return nil
	}
	h := make(http.Header, 6)
	if s.contentLength > 0 {
		h["Content-Length"] = []string{strconv.FormatInt(s.contentLength, 10)}
	}
	if s.contentType != "" {
		h["Content-Type"] = []string{s.contentType}
	}
	if s.crc32 != "" {
		h["X-Amz-Checksum-Crc32"] = []string{s.crc32}
	}
	if s.sha256 != "" {
		h["X-Amz-Checksum-Sha256"] = []string{s.sha256}
	}
	if s.sse != "" {
		h["X-Amz-Server-Side-Encryption"] = []string{s.sse}
	}
	if s.sseKMSKeyID != "" {
		h["X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"] = []string{s.sseKMSKeyID}
	}
	return h
}

func fillBody(s *spec, length int64, sha, crc string) error {
	if length < 0 {
		return &ValidationError{Field: "ContentLength", Reason: "must not be negative", Err: ErrInvalidOption}
	}
	if length > 5<<40 {
		return &ValidationError{Field: "ContentLength", Reason: "exceeds the 5 TiB object size limit", Err: ErrInvalidOption}
	}
	if sha != "" {
		if b, err := base64.StdEncoding.Strict().DecodeString(sha); err != nil || len(b) != 32 {
			return &ValidationError{Field: "ChecksumSHA256", Reason: "must be the base64 of a 32-byte SHA-256 digest", Err: ErrInvalidOption}
		}
	}
	if crc != "" {
		if b, err := base64.StdEncoding.Strict().DecodeString(crc); err != nil || len(b) != 4 {
			return &ValidationError{Field: "ChecksumCRC32", Reason: "must be the base64 of a 4-byte CRC32", Err: ErrInvalidOption}
		}
	}
	s.contentLength, s.sha256, s.crc32 = length, sha, crc
	return nil
}

func fillSSE(s *spec, sse, kmsKey string) error {
	switch sse {
	case "", "AES256":
		if kmsKey != "" {
			return &ValidationError{Field: "SSEKMSKeyID", Reason: `needs ServerSideEncryption "aws:kms" or "aws:kms:dsse"`, Err: ErrInvalidOption}
		}
	case "aws:kms", "aws:kms:dsse":
		if err := validateHeaderValue("SSEKMSKeyID", kmsKey, false); err != nil {
			return err
		}
	default:
		return &ValidationError{Field: "ServerSideEncryption", Reason: `must be "AES256", "aws:kms" or "aws:kms:dsse"`, Err: ErrInvalidOption}
	}
	s.sse, s.sseKMSKeyID = sse, kmsKey
	return nil
}

func validateContentType(ct string) error {
	if ct == "" {
		return ErrMissingContentType
	}
	return validateHeaderValue("contentType", ct, true)
}

// validateHeaderValue accepts printable ASCII (and, unless required, the
// empty string), at most 1024 bytes, not only spaces.
func validateHeaderValue(field, v string, required bool) error {
	if v == "" {
		if required {
			return &ValidationError{Field: field, Reason: "must not be empty", Err: ErrInvalidOption}
		}
		return nil
	}
	if len(v) > 1024 {
		return &ValidationError{Field: field, Reason: "longer than 1024 bytes", Err: ErrInvalidOption}
	}
	blank := true
	for i := 0; i < len(v); i++ {
		c := v[i]
		if c < 0x20 || c > 0x7e {
			return &ValidationError{Field: field, Reason: "must be printable ASCII", Err: ErrInvalidOption}
		}
		if c != ' ' {
			blank = false
		}
	}
	if blank {
		return &ValidationError{Field: field, Reason: "must not be blank", Err: ErrInvalidOption}
	}
	return nil
}

func validateResponseOverrides(o *GetOptions) error {
	if err := validateHeaderValue("ResponseContentDisposition", o.ResponseContentDisposition, false); err != nil {
		return err
	}
	return validateHeaderValue("ResponseContentType", o.ResponseContentType, false)
}
