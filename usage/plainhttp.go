package usage

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/plainhttp"
	"github.com/s3secure/s3secure/internal/plainhttp/probeopt"
)

// ErrPlainHTTPEndpoint is a Suggest refused before any request: a client
// it would read logs or policies with would send its requests over plain
// HTTP to a host that is not loopback, where anyone on the path could
// rewrite the logs and policies the proposal and its proof are made of
// (see Options.AllowInsecureTransport). Errors are
// [*RemotePlainHTTPError]. The value is securebucket's, shared by every
// package.
var ErrPlainHTTPEndpoint = plainhttp.ErrEndpoint

// RemotePlainHTTPError is securebucket.RemotePlainHTTPError: Call
// ("usage.Suggest"), Endpoint (scheme and host) and Option
// ("Options.AllowInsecureTransport").
type RemotePlainHTTPError = plainhttp.Error

// refuseRemote probes the clients Suggest reads with: those of the S3 log
// locations ([S3Location]), Input.Policy and Input.IAM.
func refuseRemote(ctx context.Context, bucket string, in *Input) error {
	var probes []plainhttp.Probe
	for _, src := range append(append([]Source(nil), in.ServerAccessLogs...), in.CloudTrail...) {
		if l, ok := src.(s3Location); ok {
			probes = append(probes, func(ctx context.Context, add func(*middleware.Stack) error) error {
				_, err := l.client.ListObjectsV2(ctx, &s3.ListObjectsV2Input{Bucket: &l.bucket}, probeopt.S3(add))
				return err
			})
		}
	}
	if in.Policy != nil {
		probes = append(probes, func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := in.Policy.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket}, probeopt.S3(add))
			return err
		})
	}
	if in.IAM != nil {
		probes = append(probes, func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := in.IAM.GetRole(ctx, &iam.GetRoleInput{RoleName: &probeRole}, probeopt.IAM(add))
			return err
		})
	}
	return plainhttp.Check(ctx, plainhttp.Error{Call: "usage.Suggest", Option: "Options.AllowInsecureTransport"}, probes...)
}

// probeRole is the role name of the IAM probe (never sent).
var probeRole = "s3secure-plain-http-probe"
