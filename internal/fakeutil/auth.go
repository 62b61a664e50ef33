package fakeutil

import (
	"errors"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"

	"github.com/s3secure/s3secure/presign"
)

// The fake account's owner: the credentials the S3 fake
// (internal/s3fake.DefaultOwnerAccessKeyID/DefaultOwnerSecretAccessKey)
// gives its owner by default. Every fake accepts them as well as its own
// test credentials, so that one set of credentials (the embedded account's,
// as the command-line tool's -local mode uses) reaches every fake. They are
// not secrets; fakeutil's tests pin them to s3fake's.
const (
	OwnerAccessKeyID     = "AKIAS3FAKEOWNER00001"
	OwnerSecretAccessKey = "s3fake/owner/secret/DO-NOT-USE-OUTSIDE-TESTS"
)

// Credentials is a fake's table of access keys. The zero value is empty;
// it is safe for concurrent use. It never prints a secret.
type Credentials struct {
	mu   sync.RWMutex
	keys map[string]aws.Credentials
}

// NewCredentials returns a table holding creds and the fake account's
// owner ([OwnerAccessKeyID]).
func NewCredentials(creds ...aws.Credentials) *Credentials {
	c := &Credentials{}
	c.Add(aws.Credentials{AccessKeyID: OwnerAccessKeyID, SecretAccessKey: OwnerSecretAccessKey})
	for _, k := range creds {
		c.Add(k)
	}
	return c
}

// Add registers (or replaces) an access key. A key without an id or a
// secret is ignored.
func (c *Credentials) Add(k aws.Credentials) {
	if k.AccessKeyID == "" || k.SecretAccessKey == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.keys == nil {
		c.keys = map[string]aws.Credentials{}
	}
	c.keys[k.AccessKeyID] = aws.Credentials{AccessKeyID: k.AccessKeyID, SecretAccessKey: k.SecretAccessKey, SessionToken: k.SessionToken}
}

// Remove forgets an access key.
func (c *Credentials) Remove(accessKeyID string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.keys, accessKeyID)
}

// Lookup is a [presign.Lookup].
func (c *Credentials) Lookup(accessKeyID string) (aws.Credentials, bool) {
	c.mu.RLock()
	defer c.mu.RUnlock()
	k, ok := c.keys[accessKeyID]
	return k, ok
}

// String names the table without its keys.
func (c *Credentials) String() string { return "fakeutil.Credentials{<redacted>}" }

// Format prints String for every verb (%d would otherwise print the
// fields, secrets included).
func (c *Credentials) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, c.String()) }

// AuthCodes are the error codes, HTTP status and messages a service answers
// when SigV4 authentication fails; each protocol family has its own
// ([QueryAuth], [JSONAuth], [RESTJSONAuth], [S3Auth]).
type AuthCodes struct {
	// Status is the HTTP status of every refusal.
	Status int
	// Missing is the code for a request without authentication.
	Missing string
	// UnknownKey is the code for an access key (or session token) the
	// service does not know.
	UnknownKey string
	// Signature is the code for a signature that does not match, or that
	// has expired (clock skew, presigned URL past its expiry).
	Signature string
	// Incomplete is the code for authentication that cannot be parsed or
	// leaves out something required (a signed x-amz-* header, the wrong
	// credential scope).
	Incomplete string
	// s3 answers presign's S3 codes and statuses instead.
	s3 bool
}

// Authentication failure codes per protocol family. Messages are AWS's.
var (
	// QueryAuth is what awsQuery services (IAM, STS) and CloudFront's
	// REST-XML API answer: AWS's common error codes, HTTP 403.
	QueryAuth = AuthCodes{Status: http.StatusForbidden, Missing: "MissingAuthenticationToken", UnknownKey: "InvalidClientTokenId",
		Signature: "SignatureDoesNotMatch", Incomplete: "IncompleteSignature"}
	// JSONAuth is what awsJson1_1 services on the coral front end
	// (CloudTrail, KMS, DynamoDB) answer, in __type: the …Exception
	// codes, HTTP 400.
	JSONAuth = AuthCodes{Status: http.StatusBadRequest, Missing: "MissingAuthenticationTokenException", UnknownKey: "UnrecognizedClientException",
		Signature: "InvalidSignatureException", Incomplete: "IncompleteSignatureException"}
	// RESTJSONAuth is what restJson1 services (Access Analyzer, Lambda)
	// answer, in X-Amzn-ErrorType: the …Exception codes, HTTP 403.
	RESTJSONAuth = AuthCodes{Status: http.StatusForbidden, Missing: "MissingAuthenticationTokenException", UnknownKey: "UnrecognizedClientException",
		Signature: "InvalidSignatureException", Incomplete: "IncompleteSignatureException"}
	// S3Auth is what S3 and S3 Control answer: AccessDenied for a request
	// without authentication, otherwise S3's own codes and statuses
	// (SignatureDoesNotMatch, InvalidAccessKeyId, RequestTimeTooSkewed,
	// AuthorizationHeaderMalformed, …) as presign.VerifyError reports them.
	S3Auth = AuthCodes{Status: http.StatusForbidden, Missing: "AccessDenied", s3: true}
)

// AuthError is a refused request: what the fake writes in its own error
// document. Message never holds a secret or a signature.
type AuthError struct {
	Status        int
	Code, Message string
	// Err is presign's error (nil for a request without authentication).
	Err error
}

// Error implements error.
func (e *AuthError) Error() string { return "fakeutil: " + e.Code + ": " + e.Message }

// Unwrap returns presign's error.
func (e *AuthError) Unwrap() error { return e.Err }

// Auth verifies a fake's requests with presign.Verify, the project's one
// SigV4 verifier.
type Auth struct {
	// Service is the signing name the credential scope must name
	// ("cloudfront", "iam", "s3" for S3 Control, …).
	Service string
	// Codes are the service's answers to failures.
	Codes AuthCodes
	// Credentials are the access keys the fake accepts.
	Credentials *Credentials
	// AllowUnsigned accepts requests without any authentication (signed
	// ones are still verified). It lets anyone call the fake: for tests
	// of clients that do not sign only.
	AllowUnsigned bool
}

// Check verifies r: nil when it is signed by a known key (or unsigned and
// AllowUnsigned is set), else the refusal to write. With [S3Auth] it also
// compares a signed x-amz-content-sha256 with the body ([CheckPayload]). Any signing region is
// accepted (the SDK signs custom endpoints with the configured region), and
// time is the wall clock the SDK signs with, whatever clock the fake keeps
// for its resources. For services other than s3, Check reads the body and
// puts it back in r.Body.
func (a *Auth) Check(r *http.Request) *AuthError {
	var lookup presign.Lookup
	if a.Credentials != nil {
		lookup = a.Credentials.Lookup
	} else {
		lookup = func(string) (aws.Credentials, bool) { return aws.Credentials{}, false }
	}
	v, err := presign.Verify(r, lookup, &presign.VerifyOptions{
		Now:             time.Now,
		AllowExpiryUpTo: presign.HardMaxExpiry,
		Service:         a.Service,
	})
	c := a.Codes
	if err == nil {
		if !c.s3 {
			return nil // presign.Verify hashed the body itself
		}
		// With the S3 signing name the signature covers the body only
		// through x-amz-content-sha256 (presign.Verify does not read S3
		// bodies): compare it with the body, as S3 and S3 Control do.
		sum, err := CheckPayload(r, v.PayloadHash, presign.MaxVerifiedBody)
		switch {
		case err != nil:
			return &AuthError{Status: http.StatusBadRequest, Code: "IncompleteBody", Message: "The request body could not be read whole.", Err: err}
		case sum != "":
			return &AuthError{Status: http.StatusBadRequest, Code: "XAmzContentSHA256Mismatch", Message: "The provided 'x-amz-content-sha256' header does not match what was computed."}
		}
		return nil
	}
	if errors.Is(err, presign.ErrUnsigned) {
		if a.AllowUnsigned {
			return nil
		}
		msg := "Missing Authentication Token"
		if c.s3 {
			msg = "Access Denied"
		}
		return &AuthError{Status: c.Status, Code: c.Missing, Message: msg}
	}
	var ve *presign.VerifyError
	if c.s3 && errors.As(err, &ve) {
		return &AuthError{Status: ve.HTTPStatus(), Code: ve.S3Code(), Message: ve.Reason, Err: err}
	}
	e := &AuthError{Status: c.Status, Err: err}
	switch {
	case errors.Is(err, presign.ErrUnknownAccessKey), errors.Is(err, presign.ErrInvalidToken):
		e.Code, e.Message = c.UnknownKey, "The security token included in the request is invalid."
	case errors.Is(err, presign.ErrSignatureMismatch):
		e.Code, e.Message = c.Signature, "The request signature we calculated does not match the signature you provided. Check your AWS Secret Access Key and signing method. Consult the service documentation for details."
	case errors.Is(err, presign.ErrClockSkew), errors.Is(err, presign.ErrExpired), errors.Is(err, presign.ErrExpiryTooLong):
		e.Code, e.Message = c.Signature, "Signature expired: the request time is too far from the server time or past the signature's expiry."
	default:
		e.Code, e.Message = c.Incomplete, "The request signature does not conform to AWS standards."
		if errors.As(err, &ve) && ve.Reason != "" {
			e.Message += " " + ve.Reason
		}
	}
	return e
}
