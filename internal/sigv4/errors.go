package sigv4

import (
	"errors"
	"net/http"
)

// Error is a verification failure with the S3 error code and HTTP status a
// real S3 endpoint answers for it. Message never contains a secret key, a
// session token or a signature.
//
// Compare with the sentinels using errors.Is: an *Error matches a sentinel
// with the same Code.
type Error struct {
	// Code is the S3 error code, for example "SignatureDoesNotMatch".
	Code string
	// Message is the human-readable explanation (S3's wording where known).
	Message string
	// StatusCode is the HTTP status S3 uses for Code.
	StatusCode int
	// Extra holds the elements S3 adds to this error's XML document, in
	// order (NumberBytesExpected and NumberBytesProvided for IncompleteBody,
	// Chunk and BadChunkSize for InvalidChunkSizeError).
	Extra [][2]string
	// cause is a more specific sentinel (ErrMalformedQuery), or nil.
	cause error
}

// Unwrap returns the more specific sentinel the error carries, if any.
func (e *Error) Unwrap() error { return e.cause }

// Error implements error.
func (e *Error) Error() string {
	if e.Message == "" {
		return "sigv4: " + e.Code
	}
	return "sigv4: " + e.Code + ": " + e.Message
}

// Is reports whether target is an *Error with the same Code, so that
// errors.Is(err, ErrSignatureDoesNotMatch) works for any message.
func (e *Error) Is(target error) bool {
	var t *Error
	if !errors.As(target, &t) {
		return false
	}
	return t.Code == e.Code
}

// Sentinels, one per S3 error code Verify can return. Use errors.Is.
var (
	// ErrUnsigned means the request carries no SigV4 authentication at all
	// (no Authorization header, no X-Amz-* query authentication). Callers
	// usually treat such a request as anonymous.
	ErrUnsigned = errors.New("sigv4: request is not signed")

	// ErrMalformedQuery means the raw query string does not parse strictly:
	// a pair holding ';', a bad '%' escape, or a pair without a name. The
	// lenient url.Query drops such pairs, so they would never be compared
	// with the signature, while S3 splits the query on '&' only and would
	// act on them. It comes inside an *Error with code InvalidArgument
	// (400), whether or not the request is signed.
	ErrMalformedQuery = errors.New("sigv4: malformed query string")

	// ErrInvalidAccessKeyID: the access key is not known (403).
	ErrInvalidAccessKeyID = &Error{Code: "InvalidAccessKeyId", StatusCode: http.StatusForbidden}
	// ErrSignatureDoesNotMatch: the signature is wrong (403).
	ErrSignatureDoesNotMatch = &Error{Code: "SignatureDoesNotMatch", StatusCode: http.StatusForbidden}
	// ErrRequestTimeTooSkewed: a header-signed request's time is more than
	// the allowed skew (15 minutes) away from the server clock (403).
	ErrRequestTimeTooSkewed = &Error{Code: "RequestTimeTooSkewed", StatusCode: http.StatusForbidden}
	// ErrAccessDenied: a presigned URL has expired or is not valid yet (403).
	ErrAccessDenied = &Error{Code: "AccessDenied", StatusCode: http.StatusForbidden}
	// ErrAuthorizationHeaderMalformed: the Authorization header cannot be
	// parsed or names the wrong date, region or service (400).
	ErrAuthorizationHeaderMalformed = &Error{Code: "AuthorizationHeaderMalformed", StatusCode: http.StatusBadRequest}
	// ErrAuthorizationQueryParametersError: presigned query parameters are
	// missing or malformed, or X-Amz-Expires exceeds 604800 (400).
	ErrAuthorizationQueryParametersError = &Error{Code: "AuthorizationQueryParametersError", StatusCode: http.StatusBadRequest}
	// ErrInvalidToken: the session token is missing, not expected, or does
	// not belong to the access key (400).
	ErrInvalidToken = &Error{Code: "InvalidToken", StatusCode: http.StatusBadRequest}
	// ErrInvalidRequest: the request is missing something SigV4 for S3
	// requires, such as x-amz-content-sha256 (400).
	ErrInvalidRequest = &Error{Code: "InvalidRequest", StatusCode: http.StatusBadRequest}
	// ErrInvalidArgument: more than one authentication mechanism was used (400).
	ErrInvalidArgument = &Error{Code: "InvalidArgument", StatusCode: http.StatusBadRequest}
	// ErrNotImplemented: the request is signed with SigV4a
	// (AWS4-ECDSA-P256-SHA256, in the Authorization header or the
	// STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD chunks), which is not
	// verified here and so is refused rather than accepted unchecked (501).
	ErrNotImplemented = &Error{Code: "NotImplemented", StatusCode: http.StatusNotImplemented}

	// The errors below come from reading an aws-chunked body (ChunkedReader)
	// or a body with a checksum header (NewChecksumReader), and from
	// Verify when the headers cannot describe such a body.

	// ErrIncompleteBody: the aws-chunked framing is malformed or cut short,
	// or the payload is not x-amz-decoded-content-length bytes long (400).
	ErrIncompleteBody = &Error{Code: "IncompleteBody", StatusCode: http.StatusBadRequest}
	// ErrInvalidChunkSize: a chunk other than the last is under 8 KiB
	// (MinChunkSize), or a signed chunk is over MaxSignedChunkSize (403, as
	// S3 answers it).
	ErrInvalidChunkSize = &Error{Code: "InvalidChunkSizeError", StatusCode: http.StatusForbidden}
	// ErrMalformedTrailer: the trailing headers are not well formed, are not
	// the one x-amz-trailer declared, or lack x-amz-trailer-signature on
	// signed chunks (400).
	ErrMalformedTrailer = &Error{Code: "MalformedTrailerError", StatusCode: http.StatusBadRequest}
	// ErrBadDigest: the body does not match its x-amz-checksum-* header or
	// trailer (400).
	ErrBadDigest = &Error{Code: "BadDigest", StatusCode: http.StatusBadRequest}
	// ErrMissingContentLength: an aws-chunked request without
	// x-amz-decoded-content-length (411).
	ErrMissingContentLength = &Error{Code: "MissingContentLength", StatusCode: http.StatusLengthRequired}
)

func newErr(sentinel *Error, msg string) *Error {
	return &Error{Code: sentinel.Code, StatusCode: sentinel.StatusCode, Message: msg}
}
