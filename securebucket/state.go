package securebucket

import (
	"context"
	"errors"
	"regexp"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/setuperr"
)

// part names one bucket sub-resource that can be read.
type part uint16

const (
	partPolicy part = 1 << iota
	partBPA
	partOwnership
	partACL
	partEncryption
	partVersioning
	partLifecycle
	partLogging
	partObjectLock
	partRequestPayment
	partLocation
)

var partNames = map[part]string{
	partPolicy: "bucket policy", partBPA: "public access block", partOwnership: "ownership controls",
	partACL: "bucket ACL", partEncryption: "default encryption", partVersioning: "versioning",
	partLifecycle: "lifecycle configuration", partLogging: "server access logging",
	partObjectLock: "Object Lock configuration", partRequestPayment: "request payment configuration",
	partLocation: "bucket location",
}

// state is what was read about one bucket. A sub-resource that is not
// configured reads as its zero value without an error; a read that failed
// (denied, throttled past the retries, …) is in errs and its field is
// meaningless.
type state struct {
	bucket string
	read   part
	errs   map[part]error

	policy           string                                   // "" when the bucket has no policy
	bpa              *types.PublicAccessBlockConfiguration    // nil when not configured
	ownership        types.ObjectOwnership                    // "" when not configured
	aclOwner         *types.Owner                             // from GetBucketAcl
	aclGrants        []types.Grant                            // from GetBucketAcl
	encryption       *types.ServerSideEncryptionConfiguration // nil when not configured
	versioning       types.BucketVersioningStatus             // "" when never set
	mfaDelete        types.MFADeleteStatus                    // "" when never set
	lifecycle        []types.LifecycleRule                    // nil when not configured
	lifecycleMinSize types.TransitionDefaultMinimumObjectSize
	logging          *types.LoggingEnabled          // nil when off
	objectLock       *types.ObjectLockConfiguration // nil when not configured
	requesterPays    bool                           // Payer is Requester
	location         string                         // the bucket's Region; "" before reading
}

// err returns the error of reading p, or nil.
func (s *state) err(p part) error { return s.errs[p] }

// ok reports whether p was read successfully.
func (s *state) ok(p part) bool { return s.read&p != 0 && s.errs[p] == nil }

// reader reads bucket sub-resources with retries.
type reader struct {
	client ReadAPI
	retry  Retry
	owner  *string // ExpectedBucketOwner, nil when unknown
	optFns []func(*s3.Options)
	// rerouted is set once requests were redirected to the bucket's
	// Region after S3 named it in a wrong-Region error.
	rerouted bool
	// stopAtSetup makes readState return a setup problem
	// (internal/setuperr) at once, as a *partReadError ("read PART:
	// cause"), instead of recording it and reading on: every later read
	// would fail the same way. The audit and Harden set it; Harden's plan
	// names the step that needs the part.
	stopAtSetup bool
	// stopAtDisabled makes readState return S3's AllAccessDisabled
	// (setuperr.Disabled) at once too, as a *partReadError: every later
	// read of that bucket would be refused alike. The audit and Harden
	// set it.
	stopAtDisabled bool
}

// partReadError is a setup problem met reading one part of a bucket (see
// reader.stopAtSetup).
type partReadError struct {
	part part
	err  error
}

func (e *partReadError) Error() string {
	return "read " + partNames[e.part] + ": " + credsafe.Text(e.err)
}
func (e *partReadError) Unwrap() error { return e.err }

func ownerPtr(id string) *string {
	if id == "" {
		return nil
	}
	return aws.String(id)
}

// readState reads the parts of bucket in want, one request after another
// (each read is independent; a failure is recorded, not returned). It
// returns ctx's error if ctx ends, a [*PlainHTTPError] or
// [*RemotePlainHTTPError], and with
// stopAtSetup the first setup problem (with stopAtDisabled, the first
// AllAccessDisabled).
func (r *reader) readState(ctx context.Context, bucket string, want part) (*state, error) {
	s := &state{bucket: bucket, errs: map[part]error{}}
	for p := partPolicy; p <= partLocation; p <<= 1 {
		if want&p == 0 {
			continue
		}
		err := r.readPart(ctx, s, p)
		if hint := regionHint(err); hint != "" && !r.rerouted && p != partLocation {
			// The bucket lives in another Region than the client's: S3
			// says which. Send this and every later request there.
			r.rerouted = true
			r.optFns = append(r.optFns[:len(r.optFns):len(r.optFns)], func(o *s3.Options) { o.Region = hint })
			err = r.readPart(ctx, s, p)
		}
		if err != nil {
			if ctx.Err() != nil {
				return nil, ctx.Err()
			}
			if ph := plainHTTP(err); ph != nil {
				return nil, ph
			}
			if re := remotePlainHTTP(err); re != nil {
				return nil, re
			}
			if r.stopAtSetup && setuperr.Is(err) || r.stopAtDisabled && setuperr.Disabled(err) {
				return nil, &partReadError{part: p, err: err}
			}
			s.errs[p] = err
		}
		s.read |= p
	}
	return s, nil
}

// readPart reads one part into s. "Not configured" answers are not errors.
func (r *reader) readPart(ctx context.Context, s *state, p part) error {
	b := aws.String(s.bucket)
	switch p {
	case partPolicy:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetBucketPolicyOutput, error) {
			return r.client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if hasCode(err, "NoSuchBucketPolicy") {
			s.policy = ""
			return nil
		}
		if err != nil {
			return err
		}
		s.policy = aws.ToString(out.Policy)
	case partBPA:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetPublicAccessBlockOutput, error) {
			return r.client.GetPublicAccessBlock(ctx, &s3.GetPublicAccessBlockInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if hasCode(err, "NoSuchPublicAccessBlockConfiguration") {
			return nil
		}
		if err != nil {
			return err
		}
		s.bpa = out.PublicAccessBlockConfiguration
		if s.bpa == nil {
			s.bpa = &types.PublicAccessBlockConfiguration{}
		}
	case partOwnership:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetBucketOwnershipControlsOutput, error) {
			return r.client.GetBucketOwnershipControls(ctx, &s3.GetBucketOwnershipControlsInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if hasCode(err, "OwnershipControlsNotFoundError") {
			return nil
		}
		if err != nil {
			return err
		}
		if out.OwnershipControls != nil && len(out.OwnershipControls.Rules) > 0 {
			s.ownership = out.OwnershipControls.Rules[0].ObjectOwnership
		}
	case partACL:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetBucketAclOutput, error) {
			return r.client.GetBucketAcl(ctx, &s3.GetBucketAclInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if err != nil {
			return err
		}
		s.aclOwner, s.aclGrants = out.Owner, out.Grants
	case partEncryption:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetBucketEncryptionOutput, error) {
			return r.client.GetBucketEncryption(ctx, &s3.GetBucketEncryptionInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if hasCode(err, "ServerSideEncryptionConfigurationNotFoundError") {
			return nil
		}
		if err != nil {
			return err
		}
		if c := out.ServerSideEncryptionConfiguration; c != nil && len(c.Rules) > 0 {
			s.encryption = c
		}
	case partVersioning:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetBucketVersioningOutput, error) {
			return r.client.GetBucketVersioning(ctx, &s3.GetBucketVersioningInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if err != nil {
			return err
		}
		s.versioning, s.mfaDelete = out.Status, out.MFADelete
	case partLifecycle:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetBucketLifecycleConfigurationOutput, error) {
			return r.client.GetBucketLifecycleConfiguration(ctx, &s3.GetBucketLifecycleConfigurationInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if hasCode(err, "NoSuchLifecycleConfiguration") {
			return nil
		}
		if err != nil {
			return err
		}
		s.lifecycle, s.lifecycleMinSize = out.Rules, out.TransitionDefaultMinimumObjectSize
	case partLogging:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetBucketLoggingOutput, error) {
			return r.client.GetBucketLogging(ctx, &s3.GetBucketLoggingInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if err != nil {
			return err
		}
		s.logging = out.LoggingEnabled
	case partObjectLock:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetObjectLockConfigurationOutput, error) {
			return r.client.GetObjectLockConfiguration(ctx, &s3.GetObjectLockConfigurationInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if hasCode(err, "ObjectLockConfigurationNotFoundError") {
			return nil
		}
		if err != nil {
			return err
		}
		s.objectLock = out.ObjectLockConfiguration
	case partRequestPayment:
		out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetBucketRequestPaymentOutput, error) {
			return r.client.GetBucketRequestPayment(ctx, &s3.GetBucketRequestPaymentInput{Bucket: b, ExpectedBucketOwner: r.owner}, r.optFns...)
		})
		if err != nil {
			return err
		}
		s.requesterPays = out.Payer == types.PayerRequester
	case partLocation:
		region, err := r.location(ctx, s.bucket)
		if err != nil {
			return err
		}
		s.location = region
	}
	return nil
}

// location returns bucket's Region. S3 reports us-east-1 as an empty
// LocationConstraint and eu-west-1 buckets from long ago as "EU".
func (r *reader) location(ctx context.Context, bucket string) (string, error) {
	out, err := call(ctx, r.retry, func(ctx context.Context) (*s3.GetBucketLocationOutput, error) {
		return r.client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket), ExpectedBucketOwner: r.owner}, r.optFns...)
	})
	if err != nil {
		// Asked through another Region's endpoint, S3 refuses but names the
		// bucket's Region (x-amz-bucket-region, or the message of
		// AuthorizationHeaderMalformed: "… expecting 'eu-west-1'").
		if r := regionHint(err); r != "" {
			return r, nil
		}
		return "", err
	}
	switch c := string(out.LocationConstraint); c {
	case "":
		return "us-east-1", nil
	case "EU":
		return "eu-west-1", nil
	default:
		return c, nil
	}
}

var expectingRegionRe = regexp.MustCompile(`expecting '([a-z0-9-]+)'`)

// regionHint returns the bucket Region S3 names in a wrong-Region error, or "".
func regionHint(err error) string {
	var re *awshttp.ResponseError
	if errors.As(err, &re) && re.Response != nil {
		if r := re.Response.Header.Get("X-Amz-Bucket-Region"); r != "" && isRegionName(r) {
			return r
		}
	}
	if hasCode(err, "AuthorizationHeaderMalformed", "PermanentRedirect", "IllegalLocationConstraintException") {
		if m := expectingRegionRe.FindStringSubmatch(err.Error()); m != nil && isRegionName(m[1]) {
			return m[1]
		}
	}
	return ""
}
