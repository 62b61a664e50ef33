// Package setuperr tells a setup problem from other failures of an AWS
// call: no credentials (they cannot be retrieved), credentials the
// endpoint refuses, a machine clock the endpoint refuses that the SDK
// could not correct, an untrusted certificate or one for another host, an
// endpoint that cannot be reached (no such host, connection refused) or
// that does not speak TLS. Retrying cannot fix any of them: the same
// request fails the same way until someone changes the configuration, so
// s3secure neither retries them nor goes on to the next bucket.
package setuperr

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"net"
	"strings"
	"syscall"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/aws/smithy-go"
)

// credentialCodes are AWS error codes that mean the endpoint does not
// accept the credentials or the signature made with them.
var credentialCodes = map[string]bool{
	"InvalidAccessKeyId": true, "InvalidClientTokenId": true, "UnrecognizedClientException": true,
	"SignatureDoesNotMatch": true, "InvalidSignatureException": true,
	"ExpiredToken": true, "ExpiredTokenException": true, "TokenRefreshRequired": true, "InvalidToken": true,
	"IncompleteSignature": true, "IncompleteSignatureException": true,
	"MissingAuthenticationToken": true, "MissingAuthenticationTokenException": true,
}

// clockCodes are AWS error codes that say the request's time, which the
// SDK takes from this machine's clock, is too far from the service's:
// S3's RequestTimeTooSkewed ("The difference between the request time and
// the server's time is too large") and the common RequestExpired of the
// other services ("the date stamp on the request is more than 15 minutes
// in the future", or in the past; AWS API references, "Common Errors").
// SignatureDoesNotMatch and InvalidSignatureException, which STS and the
// JSON services answer for a skewed clock too, are in credentialCodes.
var clockCodes = map[string]bool{"RequestTimeTooSkewed": true, "RequestExpired": true}

// Is reports whether err is a setup problem: credentials that cannot be
// retrieved (the SDK's identity or signing error), an AWS error code that refuses the
// credentials or the signature (InvalidAccessKeyId, SignatureDoesNotMatch,
// ExpiredToken, …) or the request's time (RequestTimeTooSkewed,
// RequestExpired: this machine's clock), a host name that does not resolve, a refused
// connection, a TLS certificate that is not trusted, not valid or for
// another host, or a server that does not speak TLS. A cancelled or
// expired context is not one.
//
// An error the SDK marks as probable clock skew is not one either: the
// SDK has learnt the service's time from the response's Date header and
// signs the next attempt, and every later request of that client, with
// it (aws-sdk-go-v2's clock skew correction), so a retry can succeed.
// The same code coming back from a request signed with the corrected
// time, or with no Date to correct from, is one: every request of that
// client will be refused alike.
func Is(err error) bool {
	if err == nil || errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return false
	}
	var (
		sign     *v4.SigningError
		api      smithy.APIError
		dns      *net.DNSError
		unknown  x509.UnknownAuthorityError
		hostname x509.HostnameError
		invalid  x509.CertificateInvalidError
		verify   *tls.CertificateVerificationError
		record   tls.RecordHeaderError
	)
	switch {
	case errors.As(err, &sign), credentialsUnavailable(err):
		return true
	case sdkCorrectsClock(err):
		return false
	case errors.As(err, &api):
		return credentialCodes[api.ErrorCode()] || clockCodes[api.ErrorCode()]
	case errors.As(err, &dns):
		return dns.IsNotFound
	case errors.Is(err, syscall.ECONNREFUSED),
		errors.As(err, &unknown), errors.As(err, &hostname), errors.As(err, &invalid), errors.As(err, &verify),
		errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return true
	}
	return false
}

// Disabled reports whether err is S3's 403 AllAccessDisabled: "All access
// to this Amazon S3 resource has been disabled. Contact Amazon Web
// Services Support for further assistance." (S3 API reference, the Error
// type's list of codes). It is not a setup problem ([Is] is false): the
// caller's configuration cannot fix it, and it is the bucket's own state,
// answered to every caller, signed or not, while the account's other
// buckets answer. Every other request to that bucket fails the same way,
// so a run stops reading it at the first and goes on with the others.
func Disabled(err error) bool {
	var api smithy.APIError
	return err != nil && errors.As(err, &api) && api.ErrorCode() == "AllAccessDisabled"
}

// sdkCorrectsClock reports whether the SDK marked err as retryable clock
// skew: its retry middleware wraps a skew error code in an error whose
// RetryableError method says true when the response's Date is more than
// its threshold away from the time the request was signed with (the only
// error of aws-sdk-go-v2 or smithy-go with that method; TestIs pins it
// with the SDK in go.mod).
func sdkCorrectsClock(err error) bool {
	var r interface{ RetryableError() bool }
	return errors.As(err, &r) && r.RetryableError()
}

// credentialsUnavailable reports whether the SDK could not retrieve the
// credentials to sign with: its identity resolution says "get identity: get
// credentials: …" (TestIs pins the wording of the SDK in go.mod).
func credentialsUnavailable(err error) bool {
	return strings.Contains(err.Error(), "get identity: get credentials:")
}

// Retryer returns r, except that it never retries an error [Is] reports,
// whatever r would do (the SDK's standard retryer retries refused
// connections, and a signing error around an unreachable credential
// source). Set it per call: func(o *s3.Options) { o.Retryer =
// setuperr.Retryer(o.Retryer) }. A nil r stays nil.
func Retryer(r aws.Retryer) aws.Retryer {
	if r == nil {
		return nil
	}
	if _, ok := r.(retryer); ok {
		return r
	}
	return retryer{r}
}

type retryer struct{ aws.Retryer }

var _ aws.RetryerV2 = retryer{}

func (r retryer) IsErrorRetryable(err error) bool {
	return !Is(err) && r.Retryer.IsErrorRetryable(err)
}

// GetAttemptToken is the wrapped retryer's, for an aws.RetryerV2, else its
// GetInitialToken (as the SDK does for a plain aws.Retryer).
func (r retryer) GetAttemptToken(ctx context.Context) (func(error) error, error) {
	if v2, ok := r.Retryer.(aws.RetryerV2); ok {
		return v2.GetAttemptToken(ctx)
	}
	return r.GetInitialToken(), nil
}
