package presign

import (
	"errors"
	"fmt"
	"time"

	"github.com/s3secure/s3secure/internal/credsafe"
)

// Sentinel errors. Callers branch on them with [errors.Is]; the typed errors
// below wrap them and carry the details.
var (
	// ErrInvalidBucket reports a bucket name that breaks the S3 naming rules.
	ErrInvalidBucket = errors.New("presign: invalid bucket name")
	// ErrInvalidKey reports an object key that is empty, too long, not UTF-8,
	// contains control characters or "." / ".." path segments.
	ErrInvalidKey = errors.New("presign: invalid object key")
	// ErrInvalidEndpoint reports an endpoint URL that cannot be used, most
	// often plain HTTP to a host that is not a loopback address.
	ErrInvalidEndpoint = errors.New("presign: invalid endpoint")
	// ErrInvalidRegion reports a missing or malformed region.
	ErrInvalidRegion = errors.New("presign: invalid region")
	// ErrInvalidOption reports an option value that cannot be signed
	// (for example a checksum that is not base64 of the right length).
	ErrInvalidOption = errors.New("presign: invalid option")
	// ErrMissingContentType reports a PUT without a content type.
	ErrMissingContentType = errors.New("presign: content type is required for PUT")
	// ErrExpiryTooLong reports an expiry above the configured maximum or
	// above SigV4's hard limit of 7 days.
	ErrExpiryTooLong = errors.New("presign: expiry too long")
	// ErrExpiryTooShort reports an expiry under one second.
	ErrExpiryTooShort = errors.New("presign: expiry too short")
	// ErrCredentialsExpireFirst reports temporary credentials that expire
	// before the URL would.
	ErrCredentialsExpireFirst = errors.New("presign: credentials expire before the url")
	// ErrMethodNotAllowed reports DELETE or UploadPart without its opt-in.
	ErrMethodNotAllowed = errors.New("presign: method not allowed by options")
	// ErrNoCredentials reports anonymous or empty credentials.
	ErrNoCredentials = errors.New("presign: no credentials")

	// ErrMalformed reports a request whose signature parameters cannot be parsed.
	ErrMalformed = errors.New("presign: malformed signed request")
	// ErrMalformedQuery reports a query string that does not parse strictly:
	// a pair holding ';', a bad '%' escape, or a pair without a name. Such
	// text would otherwise be dropped before the signature is compared,
	// while S3 (which splits only on '&') would act on it. It wraps
	// ErrMalformed.
	ErrMalformedQuery = fmt.Errorf("%w: the query string does not parse", ErrMalformed)
	// ErrUnsigned reports a request that carries no SigV4 signature at all.
	ErrUnsigned = errors.New("presign: request is not signed")
	// ErrUnknownAccessKey reports an access key the lookup does not know.
	ErrUnknownAccessKey = errors.New("presign: unknown access key")
	// ErrSignatureMismatch reports a signature that does not match.
	ErrSignatureMismatch = errors.New("presign: signature does not match")
	// ErrExpired reports a presigned request used after its expiry, or a
	// request (or POST form) signed with temporary credentials that have
	// expired (S3's ExpiredToken).
	ErrExpired = errors.New("presign: request has expired")
	// ErrClockSkew reports a request dated too far from the verifier's clock.
	ErrClockSkew = errors.New("presign: request time too skewed")
	// ErrInvalidToken reports a session token that is missing, unexpected
	// or does not belong to the access key.
	ErrInvalidToken = errors.New("presign: invalid session token")
	// ErrMissingSignedHeader reports a header the verifier requires to be
	// signed that the request did not sign, or an x-amz-* header sent
	// without being signed.
	ErrMissingSignedHeader = errors.New("presign: required header not signed")
	// ErrPolicyViolation reports a POST form that its policy does not allow.
	ErrPolicyViolation = errors.New("presign: post form violates its policy")
	// ErrChecksumMismatch reports an aws-chunked body that does not match
	// its trailing x-amz-checksum-* value (S3's BadDigest).
	ErrChecksumMismatch = errors.New("presign: body does not match its checksum")
	// ErrUnsupportedAlgorithm reports a request signed with SigV4a
	// (AWS4-ECDSA-P256-SHA256), which [Verify] does not verify and so
	// refuses (S3 code NotImplemented, 501).
	ErrUnsupportedAlgorithm = errors.New("presign: signing algorithm not supported")
)

// ValidationError reports input refused before signing. Field names the
// input ("bucket", "key", "endpoint", ...), Reason says why. It never holds
// credentials. Value is included only for bucket names and endpoints, never
// for keys (which may be sensitive) beyond their length.
type ValidationError struct {
	Field  string
	Reason string
	Err    error // one of the Err… sentinels
}

// Error implements error.
func (e *ValidationError) Error() string {
	return fmt.Sprintf("%s: %s: %s", e.Err.Error(), e.Field, e.Reason)
}

// Unwrap returns the sentinel.
func (e *ValidationError) Unwrap() error { return e.Err }

// ExpiryError reports an expiry outside the allowed range.
type ExpiryError struct {
	Requested time.Duration
	Max       time.Duration // zero for ErrExpiryTooShort
	Err       error         // ErrExpiryTooLong or ErrExpiryTooShort
}

// Error implements error.
func (e *ExpiryError) Error() string {
	if errors.Is(e.Err, ErrExpiryTooShort) {
		return fmt.Sprintf("presign: expiry %s is under the 1s minimum", e.Requested)
	}
	return fmt.Sprintf("presign: expiry %s exceeds the %s maximum", e.Requested, e.Max)
}

// Unwrap returns the sentinel.
func (e *ExpiryError) Unwrap() error { return e.Err }

// CredentialExpiryError reports temporary credentials that expire before the
// requested URL expiry. It carries the time only, never the credentials.
type CredentialExpiryError struct {
	CredentialsExpire time.Time
	URLWouldExpire    time.Time
}

// Error implements error; it names the times, never the credentials.
func (e *CredentialExpiryError) Error() string {
	return fmt.Sprintf("presign: credentials expire at %s, before the url would (%s); shorten the expiry or set ClampToCredentials",
		e.CredentialsExpire.UTC().Format(time.RFC3339), e.URLWouldExpire.UTC().Format(time.RFC3339))
}

// Unwrap returns [ErrCredentialsExpireFirst].
func (e *CredentialExpiryError) Unwrap() error { return ErrCredentialsExpireFirst }

// VerifyError reports why [Verify] refused a request. AccessKeyID is the
// (public) access key id when it could be parsed; the signature, secret and
// session token are never included.
type VerifyError struct {
	AccessKeyID string
	Reason      string
	Err         error // one of the Err… sentinels
	cause       error
	code        string
	status      int
}

// Error implements error.
func (e *VerifyError) Error() string {
	s := e.Err.Error()
	if e.Reason != "" {
		s += ": " + e.Reason
	}
	return s
}

// Unwrap returns the sentinel and, when there is one, the underlying cause.
func (e *VerifyError) Unwrap() []error {
	if e.cause != nil {
		return []error{e.Err, e.cause}
	}
	return []error{e.Err}
}

// credentialsError is a credentials provider's failure. Its message is
// internal/credsafe's: it names the types of the provider's error chain,
// never its text, as providers can quote the credentials they failed to
// hand over (aws-sdk-go-v2's credential_process provider puts the whole
// process output, secret access key and session token included, into its
// error when the output does not parse). errors.Is finds
// [ErrNoCredentials] and errors.As the provider's error, for a caller that
// wants its text and can keep it safe.
type credentialsError struct{ err error }

// Error implements error.
func (e *credentialsError) Error() string {
	return ErrNoCredentials.Error() + ": " + credsafe.Message(e.err)
}

// Unwrap returns [ErrNoCredentials] and the provider's error.
func (e *credentialsError) Unwrap() []error { return []error{ErrNoCredentials, e.err} }

// Format prints Error for every verb, so that %#v does not walk into the
// provider's error.
func (e *credentialsError) Format(f fmt.State, verb rune) { writeFormatted(f, verb, e.Error()) }
