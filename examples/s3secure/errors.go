package main

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"syscall"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/smithy-go"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// errNoCredentials is a run without AWS credentials.
var errNoCredentials = errors.New("no credentials")

// regionCodes are AWS error codes that mean the request was signed for the
// wrong Region: for the command line a setup problem (-region), for the
// library a bucket's own.
var regionCodes = map[string]bool{"AuthorizationHeaderMalformed": true, "InvalidRegion": true}

// codeHints say what to do about an AWS error code.
var codeHints = map[string]string{
	"NoSuchBucket":                         "the bucket does not exist in this account/region",
	"NotFound":                             "the bucket or object does not exist in this account/region",
	"AccessDenied":                         "the credentials lack a permission for this call, or a policy (bucket, SCP, permissions boundary) denies it",
	"AccessDeniedException":                "the credentials lack a permission for this call, or a policy denies it",
	"InvalidAccessKeyId":                   "the endpoint does not know this access key: check AWS_PROFILE or AWS_ACCESS_KEY_ID (with -endpoint, use the server's keys)",
	"InvalidClientTokenId":                 "the endpoint does not know this access key: check AWS_PROFILE or AWS_ACCESS_KEY_ID (with -endpoint, use the server's keys)",
	"UnrecognizedClientException":          "the endpoint does not know this access key: check AWS_PROFILE or AWS_ACCESS_KEY_ID (with -endpoint, use the server's keys)",
	"SignatureDoesNotMatch":                "the secret key does not match the access key: check AWS_SECRET_ACCESS_KEY or the profile",
	"InvalidSignatureException":            "the secret key does not match the access key: check AWS_SECRET_ACCESS_KEY or the profile",
	"ExpiredToken":                         "the session has expired: refresh the credentials (aws sso login, or new temporary credentials)",
	"ExpiredTokenException":                "the session has expired: refresh the credentials (aws sso login, or new temporary credentials)",
	"TokenRefreshRequired":                 "the session has expired: refresh the credentials (aws sso login, or new temporary credentials)",
	"InvalidToken":                         "the session token is not valid: refresh the credentials, or unset AWS_SESSION_TOKEN",
	"RequestTimeTooSkewed":                 "this machine's clock is off: synchronise it",
	"RequestExpired":                       "this machine's clock is off: synchronise it",
	"AuthorizationHeaderMalformed":         "the request was signed for the wrong Region: give -region with the bucket's Region",
	"PermanentRedirect":                    "the bucket is in another Region: give -region with the bucket's Region",
	"MovedPermanently":                     "the bucket is in another Region: give -region with the bucket's Region",
	"InvalidBucketName":                    "bucket names are 3-63 lowercase letters, digits, dots and hyphens",
	"BucketAlreadyExists":                  "bucket names are global and this one belongs to another account: choose another name",
	"MalformedPolicy":                      "the policy is not valid: check it with s3secure lint",
	"OperationAborted":                     "another request is changing the bucket: run the command again",
	"PreconditionFailed":                   "another writer changed the configuration between this command's read and its write (nothing of theirs was overwritten): run the command again once they are done",
	"SlowDown":                             "S3 is throttling requests: run again later, or lower -concurrency",
	"Throttling":                           "AWS is throttling requests: run again later, or lower -concurrency",
	"ThrottlingException":                  "AWS is throttling requests: run again later, or lower -concurrency",
	"NotImplemented":                       "the endpoint does not implement this call (an S3-compatible server without this AWS feature?)",
	"NoSuchEntity":                         "no such IAM entity in this account",
	"TrailNotFoundException":               "no trail of that name in this account and Region (aws cloudtrail describe-trails lists them)",
	"InvalidTrailNameException":            "trail names are 3 to 128 ASCII letters, digits, periods, underscores and hyphens, starting and ending with a letter or digit, with no two of . _ - in a row, and not an IP address (or give the trail's ARN)",
	"NoSuchDistribution":                   "no CloudFront distribution with that id in this account",
	"NoSuchPublicAccessBlockConfiguration": "nothing is configured yet",
	"AWSOrganizationsNotInUseException": "the credentials' account is in no AWS Organization: run with the management account's " +
		"(or a delegated administrator's) credentials, or without -organization for this account alone",
}

// isSetupError reports whether err is a setup problem: no credentials, no
// such host, connection refused, a TLS failure, credentials the endpoint
// refuses (internal/setuperr, the library's rule), or a request signed for
// the wrong Region. Retrying cannot fix any of them.
func isSetupError(err error) bool {
	if errors.Is(err, errNoCredentials) || setuperr.Is(err) {
		return true
	}
	var ae smithy.APIError
	return errors.As(err, &ae) && regionCodes[ae.ErrorCode()]
}

// transportProblemHint describes, in a few words, why a request could not
// be sent or answered, with a hint, or returns "" for other errors.
func transportProblemHint(err error) (problem, hint string) {
	host := ""
	var ue *url.Error
	if errors.As(err, &ue) {
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Host
		}
	}
	var dnsErr *net.DNSError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalid x509.CertificateInvalidError
	var verify *tls.CertificateVerificationError
	var record tls.RecordHeaderError
	switch {
	case errors.As(err, &dnsErr) && dnsErr.IsNotFound:
		return "cannot resolve host " + dnsErr.Name,
			"check -endpoint (or AWS_ENDPOINT_URL) and -region: a misspelt Region makes an AWS host name that does not exist"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused by " + host, "nothing listens at the endpoint: is the server (s3secure serve, moto) running, on that port?"
	case errors.As(err, &unknownCA), errors.As(err, &verify), errors.As(err, &invalid):
		return "the TLS certificate of " + host + " is not trusted",
			"set AWS_CA_BUNDLE to the server's CA certificate file (s3secure serve -tls prints it)"
	case errors.As(err, &hostErr):
		return "the TLS certificate of " + host + " is for another host name", "use the host name the certificate names in -endpoint"
	case errors.As(err, &record), strings.Contains(err.Error(), "server gave HTTP response to HTTPS client"):
		return host + " does not speak TLS", "the server is plain HTTP: use an http:// endpoint URL"
	}
	return "", ""
}

// describe returns err as one line for stderr: every AWS SDK error in it is
// shortened to its service, operation, error code and message (no request
// ids, host ids or retry chatter), a hint is added when one is known,
// and secrets are redacted.
func describe(err error) string {
	msg := credsafe.Text(err)
	hint := ""
	var he *hintError
	if errors.As(err, &he) {
		hint = he.hint
	}
	if errors.Is(err, errNoCredentials) {
		// The SDK's chain ends with instance metadata, whose refusal says
		// nothing more than "none found"; any other cause (an expired SSO
		// session, a broken profile) is kept.
		// (The provider's own text is only looked at, never printed.)
		walk(err, func(e error) {
			if strings.Contains(e.Error(), "no EC2 IMDS role found") {
				msg = errNoCredentials.Error()
			}
		})
		hint = "set AWS_PROFILE or AWS_ACCESS_KEY_ID, or use -local"
	}
	var re *setuperr.RegionError
	if errors.As(err, &re) {
		// Not the credentials' problem everywhere (the client's Region
		// accepted them): "Session tokens from Regional AWS STS endpoints
		// are valid in all AWS Regions", and "Version 2 tokens are valid
		// in all Regions" (IAM user guide, "Managing AWS STS in an AWS
		// Region"; IAM API reference, SetSecurityTokenServicePreferences).
		hint = "enable the Region for the account, or use credentials valid there: a session token from a Regional STS endpoint " +
			"(AWS_STS_REGIONAL_ENDPOINTS=regional), or version 2 tokens from the global one (aws iam set-security-token-service-preferences)"
	}
	var pe *processcreds.ProviderError
	if errors.As(err, &pe) {
		hint = "the profile's credential_process failed or printed credentials that do not parse: " +
			"run it by hand to see why; its output holds the secret key, so do not paste it anywhere"
	}
	walk(err, func(e error) {
		op, ok := e.(*smithy.OperationError)
		if !ok {
			return
		}
		short, h := shortOperationError(op)
		msg = strings.Replace(msg, credsafe.Text(op), short, 1)
		if hint == "" {
			hint = h
		}
	})
	if p, h := transportProblemHint(err); p != "" && hint == "" {
		hint = h
	}
	msg = strings.Join(strings.Fields(msg), " ")
	if hint != "" {
		msg += " (hint: " + hint + ")"
	}
	return redact(msg)
}

// shortOperationError is op as "Service Operation: Code: message", or
// with the transport problem when there was no answer; and its hint.
func shortOperationError(op *smithy.OperationError) (string, string) {
	prefix := op.ServiceID + " " + op.OperationName + ": "
	var ae smithy.APIError
	if errors.As(op.Err, &ae) {
		code, m := ae.ErrorCode(), ae.ErrorMessage()
		s := prefix + code
		if m != "" && m != code {
			s += ": " + m
		}
		return s, codeHints[code]
	}
	if p, h := transportProblemHint(op.Err); p != "" {
		return prefix + p, h
	}
	var re *awshttp.ResponseError
	if errors.As(op.Err, &re) && re.Response != nil {
		return prefix + fmt.Sprintf("HTTP %d without an AWS error document", re.Response.StatusCode),
			"is the endpoint an AWS-compatible server, with the right scheme (http or https) and port?"
	}
	if text := credsafe.Text(op.Err); text != op.Err.Error() {
		// A credentials provider's error, named by its types.
		return prefix + text, ""
	}
	// The innermost error says what happened; the layers above it are the
	// SDK's retry and send wrappers.
	inner := op.Err
	for {
		next := errors.Unwrap(inner)
		if next == nil {
			break
		}
		inner = next
	}
	return prefix + inner.Error(), ""
}

// walk calls fn on err and every error it wraps.
func walk(err error, fn func(error)) {
	if err == nil {
		return
	}
	fn(err)
	switch x := err.(type) {
	case interface{ Unwrap() error }:
		walk(x.Unwrap(), fn)
	case interface{ Unwrap() []error }:
		for _, e := range x.Unwrap() {
			walk(e, fn)
		}
	}
}

// oneLine is an error's message on one line, shortened and redacted like
// describe's (without the hint), for output rows.
func oneLine(err error) string {
	msg := credsafe.Text(err)
	walk(err, func(e error) {
		if op, ok := e.(*smithy.OperationError); ok {
			short, _ := shortOperationError(op)
			msg = strings.Replace(msg, credsafe.Text(op), short, 1)
		}
	})
	return redact(strings.Join(strings.Fields(msg), " "))
}
