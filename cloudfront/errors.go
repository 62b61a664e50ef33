package cloudfront

import (
	"errors"
	"fmt"
	"reflect"
)

// Sentinel errors. Callers branch on them with errors.Is.
var (
	// ErrInvalidBucket means the bucket name is not a valid S3 bucket name
	// for a CloudFront S3 origin (dots are refused: they break the TLS
	// certificate of the virtual-hosted REST endpoint).
	ErrInvalidBucket = errors.New("cloudfront: invalid bucket name")
	// ErrPublicAccessBlockOff means the bucket's Block Public Access settings
	// are missing or not all on, and Options.AllowPublicAccessBlockOff was
	// not set.
	ErrPublicAccessBlockOff = errors.New("cloudfront: bucket block public access is not fully on")
	// ErrAmbiguousDistribution means more than one distribution serves the
	// bucket and no distribution ID was given.
	ErrAmbiguousDistribution = errors.New("cloudfront: more than one distribution serves the bucket")
	// ErrOriginNotFound means the given distribution has no S3 origin for the
	// bucket.
	ErrOriginNotFound = errors.New("cloudfront: distribution has no origin for the bucket")
	// ErrUsesOAI means the bucket's origin still uses a legacy origin access
	// identity; [Migrate] moves it to origin access control.
	ErrUsesOAI = errors.New("cloudfront: origin uses a legacy origin access identity")
	// ErrNotDeployed means the distribution did not reach the Deployed state
	// before the wait ended; the step that needs it was not done and running
	// the same call again continues from there.
	ErrNotDeployed = errors.New("cloudfront: distribution is not deployed yet")
	// ErrInvalidOptions means an option value is out of range or two options
	// contradict each other.
	ErrInvalidOptions = errors.New("cloudfront: invalid options")
	// ErrOACMisconfigured means an origin access control with the expected
	// name exists but is not for S3 origins, so it cannot be reused or fixed
	// in place. (One for S3 that signs with other settings is updated to
	// SigV4, always.)
	ErrOACMisconfigured = errors.New("cloudfront: origin access control exists with an insecure configuration")

	// ErrNoExpiry means a signed URL or cookie was requested without an
	// expiry time.
	ErrNoExpiry = errors.New("cloudfront: expiry is required")
	// ErrExpired means the expiry time is not in the future.
	ErrExpired = errors.New("cloudfront: expiry is in the past")
	// ErrExpiryTooLong means the expiry is further away than the signer's
	// maximum.
	ErrExpiryTooLong = errors.New("cloudfront: expiry exceeds the maximum")
	// ErrInvalidURL means the URL or policy resource cannot be signed as
	// asked (not http(s), not ASCII, reserved query parameters, a wildcard
	// host, or plain http without the opt-in).
	ErrInvalidURL = errors.New("cloudfront: invalid url")
	// ErrInvalidPolicy means a custom policy's conditions are invalid (bad
	// IP range, start time after expiry).
	ErrInvalidPolicy = errors.New("cloudfront: invalid signing policy")
	// ErrInvalidKey means the private key cannot be used: not PEM, encrypted,
	// not RSA, or shorter than 2048 bits. The error never contains key
	// material.
	ErrInvalidKey = errors.New("cloudfront: invalid private key")
)

// StepError reports which step of wiring, migration or OAI setup failed. It
// wraps the cause (an SDK smithy.APIError, reachable with errors.As, or one
// of this package's sentinels).
type StepError struct {
	// Bucket is the S3 bucket being served.
	Bucket string
	// Distribution is the distribution ID, when known.
	Distribution string
	// Step names the step, for example "update-distribution".
	Step string
	// Err is the cause.
	Err error
}

// Error implements error: the step, the bucket and distribution, the cause.
func (e *StepError) Error() string {
	where := "bucket " + e.Bucket
	if e.Distribution != "" {
		where += ", distribution " + e.Distribution
	}
	return fmt.Sprintf("cloudfront: %s (%s): %v", e.Step, where, e.Err)
}

// Unwrap returns the cause.
func (e *StepError) Unwrap() error { return e.Err }

// isNil reports a nil client, including a typed nil pointer inside the
// interface (a nil *cloudfront.Client or *s3.Client), which would otherwise
// panic in the SDK on the first request.
func isNil(client any) bool {
	if client == nil {
		return true
	}
	v := reflect.ValueOf(client)
	return v.Kind() == reflect.Pointer && v.IsNil()
}

// checkClients refuses nil clients before any request.
func checkClients(cf CloudFrontAPI, s3c S3API) error {
	if isNil(cf) {
		return fmt.Errorf("%w: nil CloudFront client", ErrInvalidOptions)
	}
	if isNil(s3c) {
		return fmt.Errorf("%w: nil S3 client", ErrInvalidOptions)
	}
	return nil
}
