package cloudfront

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/plainhttp"
	"github.com/s3secure/s3secure/internal/plainhttp/probeopt"
)

// ErrPlainHTTPEndpoint is a call refused before any request: its
// CloudFront or S3 client would send its requests over plain HTTP to a
// host that is not loopback, where anyone on the path could rewrite the
// distributions and policies its checks and warnings are read from (see
// AllowInsecureTransport of the call's options). Errors are
// [*RemotePlainHTTPError]. The value is securebucket's, shared by every
// package.
var ErrPlainHTTPEndpoint = plainhttp.ErrEndpoint

// RemotePlainHTTPError is securebucket.RemotePlainHTTPError: Call
// ("cloudfront.ServeBucket"), Endpoint (scheme and host) and Option
// ("Options.AllowInsecureTransport").
type RemotePlainHTTPError = plainhttp.Error

// refuseRemote probes cf (ListDistributions) and s3c (ListBuckets when it
// has one, as *s3.Client does, else GetBucketPolicy of bucket) for call,
// whose options type is opts, whatever their type: a wrapper that does not
// pass the per-call options on to an SDK client hides its endpoint and is
// refused, the check fails closed.
func refuseRemote(ctx context.Context, call, opts, bucket string, cf CloudFrontAPI, s3c S3API) error {
	return plainhttp.Check(ctx, plainhttp.Error{Call: "cloudfront." + call, Option: opts + ".AllowInsecureTransport"},
		func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := cf.ListDistributions(ctx, &cfsdk.ListDistributionsInput{}, probeopt.CloudFront(add))
			return err
		},
		func(ctx context.Context, add func(*middleware.Stack) error) error {
			var err error
			if l, ok := s3c.(bucketLister); ok {
				_, err = l.ListBuckets(ctx, &s3.ListBucketsInput{}, probeopt.S3(add))
			} else {
				_, err = s3c.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket}, probeopt.S3(add))
			}
			return err
		})
}

// refuseRemoteKMS probes the KMS client that ServeBucket writes the key
// policy with (ApplyKeyPolicy), as refuseRemote does the others: a read of
// the key policy over plain HTTP could be answered with anyone's, which
// the write would install.
func refuseRemoteKMS(ctx context.Context, call, opts string, c KMSAPI) error {
	return plainhttp.Check(ctx, plainhttp.Error{Call: "cloudfront." + call, Option: opts + ".AllowInsecureTransport"},
		func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := c.GetKeyPolicy(ctx, &kms.GetKeyPolicyInput{KeyId: aws.String("alias/s3secure-plain-http-probe")}, func(o *kms.Options) {
				// probeopt's other options, for the one client it has none
				// for (probeopt does not import KMS: every importer would).
				o.Credentials, o.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(o.APIOptions, add)
			})
			return err
		})
}

// bucketLister is the S3 client's ListBuckets: the probe it makes names
// no bucket, so its host is the endpoint's own.
type bucketLister interface {
	ListBuckets(ctx context.Context, in *s3.ListBucketsInput, optFns ...func(*s3.Options)) (*s3.ListBucketsOutput, error)
}
