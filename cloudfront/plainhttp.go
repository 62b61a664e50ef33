package cloudfront

import (
	"context"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
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

// refuseRemote probes cf (ListDistributions) and s3c (ListBuckets) for
// call, whose options type is opts, when they are the SDK's own clients
// (*cloudfront.Client, *s3.Client): any other client is not probed, as a
// wrapper could count, check or answer the probe as a call.
func refuseRemote(ctx context.Context, call, opts string, cf CloudFrontAPI, s3c S3API) error {
	var probes []plainhttp.Probe
	if c, ok := cf.(*cfsdk.Client); ok {
		probes = append(probes, func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := c.ListDistributions(ctx, &cfsdk.ListDistributionsInput{}, probeopt.CloudFront(add))
			return err
		})
	}
	if c, ok := s3c.(*s3.Client); ok {
		probes = append(probes, func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := c.ListBuckets(ctx, &s3.ListBucketsInput{}, probeopt.S3(add))
			return err
		})
	}
	return plainhttp.Check(ctx, plainhttp.Error{Call: "cloudfront." + call, Option: opts + ".AllowInsecureTransport"}, probes...)
}
