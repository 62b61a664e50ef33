package analyzer

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/plainhttp/probeopt"
)

// LocationAPI is the S3 call [CheckBucketRegions] uses.
type LocationAPI interface {
	GetBucketLocation(ctx context.Context, in *s3.GetBucketLocationInput, optFns ...func(*s3.Options)) (*s3.GetBucketLocationOutput, error)
}

var _ LocationAPI = (*s3.Client)(nil)

// RegionOptions configure [BucketRegion] and [CheckBucketRegionsWith].
// None (or nil) means the defaults.
type RegionOptions struct {
	// AllowInsecureTransport lets the call read over plain HTTP from a
	// host that is not loopback (127.0.0.0/8, ::1, localhost). By default
	// such a call is refused before any request with a
	// [*RemotePlainHTTPError]: SigV4 signs the requests, but nothing
	// authenticates the answers, so anyone on the network path (a proxy, a
	// container network, a mistyped AWS_ENDPOINT_URL) can answer with the
	// analyzer's Region for a bucket elsewhere, whose findings then list
	// nothing. A client that does not let the call see its endpoint (a
	// wrapper that drops the per-call options, a test double) is refused
	// the same way, with an empty Endpoint; this allows it too. Set it only
	// for a test server on a network you trust, or a client you know uses
	// TLS.
	AllowInsecureTransport bool
}

// BucketRegion returns the Region a bucket lives in (GetBucketLocation,
// with S3's legacy values: an empty constraint is us-east-1 and "EU" is
// eu-west-1; a wrong-Region refusal names the Region too). opts takes at
// most one [RegionOptions].
//
// Errors: [ErrInvalidInput] for a bad bucket name or more than one opts;
// [*RemotePlainHTTPError] (see RegionOptions.AllowInsecureTransport);
// [*Error] for a failed call.
func BucketRegion(ctx context.Context, client LocationAPI, bucket string, opts ...*RegionOptions) (string, error) {
	if len(opts) > 1 {
		return "", invalid("%d RegionOptions given, at most one is allowed", len(opts))
	}
	var o *RegionOptions
	if len(opts) == 1 {
		o = opts[0]
	}
	if isNil(client) {
		return "", invalid("nil client")
	}
	if !validBucketName(bucket) {
		return "", invalid("bad bucket name %q", bucket)
	}
	if err := o.refuseRemote(ctx, "BucketRegion", client, bucket); err != nil {
		return "", err
	}
	return bucketRegion(ctx, client, bucket)
}

// refuseRemote returns a [*RemotePlainHTTPError] for call when client
// would send its requests over plain HTTP to a host that is not loopback
// (probed with a GetBucketLocation of bucket), unless
// AllowInsecureTransport.
func (o *RegionOptions) refuseRemote(ctx context.Context, call string, client LocationAPI, bucket string) error {
	if o != nil && o.AllowInsecureTransport {
		return nil
	}
	return refuseRemote(ctx, call, "RegionOptions", func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: &bucket}, probeopt.S3(add))
		return err
	})
}

// bucketRegion is [BucketRegion] for a valid bucket name and a client
// whose transport was checked.
func bucketRegion(ctx context.Context, client LocationAPI, bucket string) (string, error) {
	out, err := client.GetBucketLocation(ctx, &s3.GetBucketLocationInput{Bucket: aws.String(bucket)}, noSetupRetryS3)
	if err != nil {
		if r := regionHint(err); r != "" {
			return r, nil
		}
		return "", wrap("GetBucketLocation", bucket, err)
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

// CheckBucketRegions returns a [*WrongRegionError] for the first bucket
// that is not in the analyzer's Region: Access Analyzer analyzes a bucket
// only with an analyzer in the bucket's own Region, so listing its
// findings elsewhere silently finds nothing. It is [CheckBucketRegionsWith]
// with the default options.
//
// Errors: [*WrongRegionError]; those of [BucketRegion].
func CheckBucketRegions(ctx context.Context, client LocationAPI, a *Analyzer, buckets ...string) error {
	return CheckBucketRegionsWith(ctx, client, a, buckets, nil)
}

// CheckBucketRegionsWith is [CheckBucketRegions] with options: opts nil
// means the defaults. The transport is checked once, before the first
// request.
//
// Errors: [*WrongRegionError]; those of [BucketRegion].
func CheckBucketRegionsWith(ctx context.Context, client LocationAPI, a *Analyzer, buckets []string, opts *RegionOptions) error {
	if a == nil || a.Region == "" {
		return invalid("analyzer with a Region is required")
	}
	if len(buckets) == 0 {
		return nil
	}
	if isNil(client) {
		return invalid("nil client")
	}
	for _, b := range buckets {
		if !validBucketName(b) {
			return invalid("bad bucket name %q", b)
		}
	}
	if err := opts.refuseRemote(ctx, "CheckBucketRegions", client, buckets[0]); err != nil {
		return err
	}
	for _, b := range buckets {
		r, err := bucketRegion(ctx, client, b)
		if err != nil {
			return err
		}
		if r != a.Region {
			return &WrongRegionError{What: "bucket " + b, Region: r, Want: a.Region}
		}
	}
	return nil
}
