package presign

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/internal/allowupto"
	"github.com/s3secure/s3secure/internal/sigv4"
)

// Lookup returns the credentials for an access key id, or false when the
// key is unknown. For temporary credentials, SessionToken must be set: the
// request must present the same token. Set CanExpire and Expires too: once
// they have expired, requests signed with them are refused with
// [ErrExpired] (S3's ExpiredToken), whatever the URL's own expiry says.
type Lookup func(accessKeyID string) (aws.Credentials, bool)

// VerifyOptions tune [Verify]. Nil means the defaults.
type VerifyOptions struct {
	// Now returns the verifier's time. By default, time.Now.
	Now func() time.Time

	// AllowClockSkewUpTo is how far X-Amz-Date may be in the future (and,
	// for header-signed requests, in the past). By default (zero or
	// negative), [DefaultMaxClockSkew] (15 minutes, as S3). Raising it is
	// a weakening: a header-signed request stays replayable for as long in
	// the past, and a URL dated ahead lives that much longer than its
	// X-Amz-Expires says.
	AllowClockSkewUpTo time.Duration

	// MaxClockSkew is the former name of AllowClockSkewUpTo and works the
	// same way. When both are set, the smaller applies.
	//
	// Deprecated: use AllowClockSkewUpTo, which names the weakening as
	// every other opt-out of this library is named (Allow…, Insecure…).
	MaxClockSkew time.Duration

	// AllowExpiryUpTo is the longest X-Amz-Expires (and, for [VerifyPost],
	// policy lifetime) accepted; longer ones are refused with
	// [ErrExpiryTooLong], even before they expire: a URL minted with a
	// longer life than your policy allows is refused outright. By default
	// (zero or negative), [DefaultMaxExpiry] (1 hour). It is capped at
	// [HardMaxExpiry] (7 days); S3 itself accepts up to 7 days, so an S3
	// emulator sets HardMaxExpiry here. Raising it is a weakening: the
	// verifier then honours URLs that, once leaked, keep working longer.
	AllowExpiryUpTo time.Duration

	// MaxExpiry is the former name of AllowExpiryUpTo and works the same
	// way. When both are set, the smaller applies: neither raises what the
	// other allows.
	//
	// Deprecated: use AllowExpiryUpTo, which names the weakening as every
	// other opt-out of this library is named (Allow…, Insecure…).
	MaxExpiry time.Duration

	// Region, when set, is the only region the credential scope may name.
	// By default, any region is accepted and reported in [Verified].Region.
	Region string

	// RequiredSignedHeaders lists header names (any case) that must be
	// covered by the signature, for example "content-type" or
	// "x-amz-checksum-sha256" for uploads. "host" is always required.
	RequiredSignedHeaders []string

	// Service is the signing name the credential scope must name. By
	// default, "s3", with S3's canonical request: the decoded path encoded
	// once, the payload hash taken from x-amz-content-sha256 (or
	// UNSIGNED-PAYLOAD for presigned URLs) and left to the caller to check
	// against the body. S3 Control signs as "s3" too.
	//
	// Any other signing name ("cloudfront", "iam", "cloudtrail",
	// "access-analyzer", …) selects the generic SigV4 rules: the path as
	// sent is URI-encoded again (each segment encoded twice) and the payload
	// hash is the SHA-256 of the body, which Verify then reads (at most
	// [MaxVerifiedBody] bytes; a longer body is [ErrMalformed]) and puts
	// back in r.Body for the handler. An x-amz-content-sha256 header cannot
	// stand in for the body there.
	Service string

	// Filename is the uploaded file's name (the file part's filename, as
	// multipart.FileHeader.Filename gives it), for [VerifyPost] only. S3
	// replaces every ${filename} in the key field with it before it checks
	// the policy's conditions; with Filename set, VerifyPost does the same,
	// and [VerifiedPost].Key is the key S3 would write. By default the key
	// field is checked as sent, ${filename} and all.
	Filename string
}

// MaxVerifiedBody is the largest body [Verify] reads to hash it, for
// services other than s3 (their APIs take small documents; S3 bodies are
// never read).
const MaxVerifiedBody = 16 << 20

// Verified describes a request whose signature checked out. It holds no
// secret: not the signature, not the session token.
type Verified struct {
	AccessKeyID string
	Region      string
	// Presigned is true for query-string (presigned URL) authentication,
	// false for a signed Authorization header.
	Presigned bool
	// AuthType is the value of the s3:authType condition key:
	// "REST-QUERY-STRING" for presigned URLs, "REST-HEADER" otherwise.
	AuthType string
	// SignedHeaders are the lower-case header names the signature covers.
	SignedHeaders []string
	// SigningTime is X-Amz-Date.
	SigningTime time.Time
	// ExpiresAt is when a presigned request stops verifying:
	// SigningTime+X-Amz-Expires, or the expiry of the temporary
	// credentials that signed it when that comes first (the lookup's
	// CanExpire and Expires). Zero for header-signed requests.
	ExpiresAt time.Time
	// PayloadHash is the signed payload hash: a hex SHA-256 (the caller
	// checks the body against it), UNSIGNED-PAYLOAD or a STREAMING marker.
	PayloadHash string
	// HasSessionToken reports whether the request presented a session token.
	HasSessionToken bool
	// Chunked reports an aws-chunked upload (PayloadHash is a STREAMING
	// marker): [Verify] has replaced r.Body with a reader of the decoded
	// payload that verifies every chunk as it is read, and set
	// r.ContentLength to the payload's length.
	Chunked bool
}

// chunkedBody is r.Body of an aws-chunked request: it reports read
// failures as *VerifyError values.
type chunkedBody struct {
	*sigv4.ChunkedReader
	r   *http.Request
	err error
}

// Read implements io.Reader.
func (b *chunkedBody) Read(p []byte) (int, error) {
	n, err := b.ChunkedReader.Read(p)
	if err == nil || err == io.EOF {
		return n, err
	}
	if b.err == nil {
		b.err = mapSigV4Error(b.r, err, time.Time{}, 0)
	}
	return n, b.err
}

// Verify checks the SigV4 signature of r, presigned (query string) or
// signed in the Authorization header, against the secret lookup returns:
// the signature in constant time, the session token, the expiry (of the
// URL, and of temporary credentials: the lookup's CanExpire and Expires),
// the maximum expiry, the clock skew and the signed headers (every x-amz-*
// header sent must be signed, and Content-Type too when the request is
// signed in the Authorization header, as S3's SigV4 rules say; plus
// opts.RequiredSignedHeaders). Verify does not read an S3 body.
//
// An aws-chunked upload (x-amz-content-sha256
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD, its -TRAILER variant, or
// STREAMING-UNSIGNED-PAYLOAD-TRAILER) is verified as it is read: Verify
// replaces r.Body with a reader of the decoded payload and sets
// r.ContentLength to x-amz-decoded-content-length, also when it returns
// [ErrUnsigned]. The reader checks each chunk's signature (chained from
// the request's signature, as "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks" in the S3
// API reference describes) before it returns any byte of that chunk, and
// returns io.EOF only once the final chunk, the payload length, the
// trailer signature and the trailing checksum have verified; otherwise a
// *[VerifyError] wrapping [ErrSignatureMismatch] (a chunk or trailer
// signature), [ErrChecksumMismatch] (the trailing checksum) or
// [ErrMalformed] (framing, chunk sizes, length, trailers). Keep nothing
// of a body that did not end in io.EOF. SigV4a (AWS4-ECDSA-P256-SHA256
// and its STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD chunks) is refused
// with [ErrUnsupportedAlgorithm] (501 NotImplemented), never accepted
// unchecked.
//
// The raw query string is parsed strictly, for signed and unsigned requests
// alike: a pair holding ';', a bad '%' escape or a pair without a name is
// refused with [ErrMalformedQuery] (400 InvalidArgument). url.Query would
// drop such text silently, so it would never be compared with the
// signature, while S3, which splits the query on '&' only, acts on it.
//
// Errors are *[VerifyError] values wrapping one of [ErrUnsigned],
// [ErrMalformed] (or [ErrMalformedQuery], which wraps it), [ErrUnknownAccessKey], [ErrSignatureMismatch],
// [ErrInvalidToken], [ErrExpired], [ErrClockSkew], [ErrExpiryTooLong],
// [ErrMissingSignedHeader] or [ErrUnsupportedAlgorithm]; [VerifyError.S3Code] and
// [VerifyError.HTTPStatus] give what S3 would answer.
//
// This is the project's one SigV4 verifier: it is built on
// internal/sigv4, which the S3 fake uses.
func Verify(r *http.Request, lookup Lookup, opts *VerifyOptions) (*Verified, error) {
	o := opts.withDefaults()
	if r == nil || r.URL == nil {
		return nil, &VerifyError{Err: ErrMalformed, Reason: "nil request"}
	}
	if lookup == nil {
		return nil, &VerifyError{Err: ErrUnknownAccessKey, Reason: "no credentials lookup"}
	}
	service := o.Service
	if service == "" {
		service = serviceS3
	}
	var bodyHash string
	if service != serviceS3 {
		h, err := hashBody(r)
		if err != nil {
			return nil, err
		}
		bodyHash = h
	}
	// The verifier runs at one instant, so expiry and skew decisions below
	// agree with internal/sigv4's.
	now := o.Now()
	var signer aws.Credentials
	res, err := sigv4.Verify(r, func(akid string) (sigv4.Credentials, bool) {
		c, ok := lookup(akid)
		if !ok || c.SecretAccessKey == "" {
			return sigv4.Credentials{}, false
		}
		signer = c
		return sigv4.Credentials{AccessKeyID: akid, SecretAccessKey: c.SecretAccessKey, SessionToken: c.SessionToken}, true
	}, &sigv4.VerifyOptions{Now: func() time.Time { return now }, MaxSkew: o.AllowClockSkewUpTo, Region: o.Region, Service: service, PayloadHash: bodyHash})
	if c, ok := r.Body.(*sigv4.ChunkedReader); ok {
		// aws-chunked: reads verify the chunks; their errors are ours too.
		r.Body = &chunkedBody{ChunkedReader: c, r: r}
	}
	if err != nil {
		return nil, mapSigV4Error(r, err, now, o.AllowClockSkewUpTo)
	}
	if err := checkCredentialExpiry(signer, res.AccessKeyID, now); err != nil {
		return nil, err
	}
	v := &Verified{
		Chunked:         res.Chunked,
		AccessKeyID:     res.AccessKeyID,
		Region:          res.Region,
		Presigned:       res.Presigned,
		AuthType:        res.AuthType,
		SignedHeaders:   res.SignedHeaders,
		SigningTime:     res.SigningTime,
		ExpiresAt:       res.ExpiresAt,
		PayloadHash:     res.PayloadHash,
		HasSessionToken: res.HasSessionToken,
	}
	if res.Presigned && signer.CanExpire && signer.Expires.Before(v.ExpiresAt) {
		v.ExpiresAt = signer.Expires
	}
	if res.Presigned && res.Expires > o.AllowExpiryUpTo {
		return nil, &VerifyError{AccessKeyID: res.AccessKeyID, Err: ErrExpiryTooLong, code: "AccessDenied", status: http.StatusForbidden,
			Reason: "X-Amz-Expires " + res.Expires.String() + " exceeds the " + o.AllowExpiryUpTo.String() + " maximum"}
	}
	for _, h := range o.RequiredSignedHeaders {
		h = strings.ToLower(h)
		found := false
		for _, s := range res.SignedHeaders {
			if s == h {
				found = true
				break
			}
		}
		if !found {
			return nil, &VerifyError{AccessKeyID: res.AccessKeyID, Err: ErrMissingSignedHeader, code: "AccessDenied", status: http.StatusForbidden,
				Reason: "header " + strconv.Quote(h) + " must be signed"}
		}
	}
	return v, nil
}

// checkCredentialExpiry refuses a request signed with temporary
// credentials that have expired by now: "If you created a presigned URL
// using a temporary token, the URL expires when the token expires, even if
// the URL was created with a later expiration time" (S3 user guide), and
// S3 answers ExpiredToken (400). Credentials that cannot expire pass,
// whatever their Expires; ones that can but carry no time have expired.
func checkCredentialExpiry(c aws.Credentials, akid string, now time.Time) error {
	if !c.CanExpire || now.Before(c.Expires) {
		return nil
	}
	return &VerifyError{AccessKeyID: akid, Err: ErrExpired, code: "ExpiredToken", status: http.StatusBadRequest,
		Reason: "The provided token has expired."}
}

// hashBody reads r.Body (up to MaxVerifiedBody), puts an equivalent body
// back and returns the hex SHA-256 of what it read.
func hashBody(r *http.Request) (string, error) {
	var b []byte
	if r.Body != nil && r.Body != http.NoBody {
		var err error
		b, err = io.ReadAll(io.LimitReader(r.Body, MaxVerifiedBody+1))
		_ = r.Body.Close()
		if err != nil {
			return "", &VerifyError{Err: ErrMalformed, cause: err, code: "IncompleteBody", status: http.StatusBadRequest, Reason: "cannot read the body"}
		}
		if len(b) > MaxVerifiedBody {
			return "", &VerifyError{Err: ErrMalformed, code: "EntityTooLarge", status: http.StatusRequestEntityTooLarge,
				Reason: "body longer than " + strconv.Itoa(MaxVerifiedBody) + " bytes"}
		}
		r.Body = io.NopCloser(bytes.NewReader(b))
	}
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:]), nil
}

// withDefaults returns a copy of opts (nil means none) with every unset
// field at its default: AllowClockSkewUpTo and AllowExpiryUpTo the smaller
// of each and its deprecated name (MaxClockSkew, MaxExpiry, then set to
// the same), AllowExpiryUpTo capped at HardMaxExpiry.
func (opts *VerifyOptions) withDefaults() VerifyOptions {
	var o VerifyOptions
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	o.AllowClockSkewUpTo = allowupto.Merge(o.AllowClockSkewUpTo, o.MaxClockSkew)
	if o.AllowClockSkewUpTo <= 0 {
		o.AllowClockSkewUpTo = DefaultMaxClockSkew
	}
	o.MaxClockSkew = o.AllowClockSkewUpTo
	o.AllowExpiryUpTo = allowupto.Merge(o.AllowExpiryUpTo, o.MaxExpiry)
	if o.AllowExpiryUpTo <= 0 {
		o.AllowExpiryUpTo = DefaultMaxExpiry
	}
	o.AllowExpiryUpTo = min(o.AllowExpiryUpTo, HardMaxExpiry)
	o.MaxExpiry = o.AllowExpiryUpTo
	return o
}

// mapSigV4Error turns internal/sigv4's S3-coded errors into ours, keeping
// the original in the chain.
func mapSigV4Error(r *http.Request, err error, now time.Time, skew time.Duration) error {
	if errors.Is(err, sigv4.ErrUnsigned) {
		return &VerifyError{Err: ErrUnsigned, cause: err, code: "AccessDenied", status: http.StatusForbidden}
	}
	var se *sigv4.Error
	if !errors.As(err, &se) {
		return &VerifyError{Err: ErrMalformed, cause: err, code: "InvalidRequest", status: http.StatusBadRequest}
	}
	ve := &VerifyError{AccessKeyID: accessKeyOf(r), cause: err, code: se.Code, status: se.StatusCode}
	switch {
	case errors.Is(err, sigv4.ErrMalformedQuery):
		ve.Err, ve.AccessKeyID = ErrMalformedQuery, ""
		ve.Reason = strings.TrimPrefix(se.Message, sigv4.MalformedQueryPrefix)
		return ve
	case errors.Is(err, sigv4.ErrInvalidAccessKeyID):
		ve.Err = ErrUnknownAccessKey
	case errors.Is(err, sigv4.ErrSignatureDoesNotMatch):
		ve.Err = ErrSignatureMismatch
	case errors.Is(err, sigv4.ErrBadDigest):
		ve.Err = ErrChecksumMismatch
	case errors.Is(err, sigv4.ErrNotImplemented):
		ve.Err = ErrUnsupportedAlgorithm
	case errors.Is(err, sigv4.ErrRequestTimeTooSkewed):
		ve.Err = ErrClockSkew
	case errors.Is(err, sigv4.ErrInvalidToken):
		ve.Err = ErrInvalidToken
	case errors.Is(err, sigv4.ErrAccessDenied):
		// AccessDenied covers expiry, not-yet-valid and unsigned x-amz-*
		// headers; tell them apart from the (already validated) query.
		ve.Err = ErrMissingSignedHeader
		q := r.URL.Query()
		if t, ok := sigv4.ParseAmzDate(q.Get("X-Amz-Date")); ok {
			secs, _ := strconv.ParseInt(q.Get("X-Amz-Expires"), 10, 64)
			switch {
			case now.After(t.Add(time.Duration(secs) * time.Second)):
				ve.Err = ErrExpired
			case t.Sub(now) > skew:
				ve.Err = ErrClockSkew
			}
		} else if _, ok := sigv4.ParseAmzDate(r.Header.Get("X-Amz-Date")); r.Header.Get("Authorization") != "" && !ok {
			// No X-Amz-Date header, or one out of format.
			ve.Err = ErrMalformed
		}
	default:
		ve.Err = ErrMalformed
	}
	ve.Reason = se.Message
	return ve
}

// accessKeyOf returns the access key id of a signed request, for error
// context, or "".
func accessKeyOf(r *http.Request) string {
	cred := r.URL.Query().Get("X-Amz-Credential")
	if cred == "" {
		a := r.Header.Get("Authorization")
		if _, rest, ok := strings.Cut(a, "Credential="); ok {
			cred, _, _ = strings.Cut(rest, ",")
		}
	}
	akid, _, ok := strings.Cut(cred, "/")
	if !ok || len(akid) > 128 {
		return ""
	}
	return akid
}

// S3Code is the error code S3 answers for this failure (for example
// "SignatureDoesNotMatch"), for servers built on Verify.
func (e *VerifyError) S3Code() string {
	if e.code == "" {
		return "AccessDenied"
	}
	return e.code
}

// HTTPStatus is the HTTP status S3 answers for this failure.
func (e *VerifyError) HTTPStatus() int {
	if e.status == 0 {
		return http.StatusForbidden
	}
	return e.status
}
