package organization

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/plainhttp"
	"github.com/s3secure/s3secure/internal/plainhttp/probeopt"
	"github.com/s3secure/s3secure/securebucket"
)

// ErrPlainHTTPEndpoint is a run refused before any request: a client
// would send its requests over plain HTTP to a host that is not loopback,
// where anyone on the path could forge the rows (see
// Options.AllowInsecureTransport). Errors are [*RemotePlainHTTPError]. The
// value is securebucket's, shared by every package.
var ErrPlainHTTPEndpoint = plainhttp.ErrEndpoint

// RemotePlainHTTPError is securebucket.RemotePlainHTTPError: Call
// ("organization.Run"), Endpoint (scheme and host) and Option
// ("Options.AllowInsecureTransport").
type RemotePlainHTTPError = plainhttp.Error

var refused = plainhttp.Error{Call: "organization.Run", Option: "Options.AllowInsecureTransport"}

// refuseRemote probes the management account's clients, org and roles
// (whatever their type: a wrapper that does not pass the per-call options
// on to an SDK client hides its endpoint and is refused, the check fails
// closed), and S3 built from cfg, of which the members' configurations
// are copies.
func refuseRemote(ctx context.Context, cfg aws.Config, org OrganizationsAPI, roles STSAPI) error {
	return plainhttp.Check(ctx, refused,
		func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{}, probeopt.S3(add))
			return err
		},
		func(ctx context.Context, add func(*middleware.Stack) error) error {
			// Not in probeopt: its importers would all need Organizations.
			_, err := org.ListAccounts(ctx, &organizations.ListAccountsInput{}, func(oo *organizations.Options) {
				oo.Credentials, oo.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(oo.APIOptions, add)
			})
			return err
		},
		func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := roles.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, probeopt.STS(add))
			return err
		})
}

// refuseRemoteControl probes a member's S3 Control client, unless
// AllowInsecureTransport.
func refuseRemoteControl(ctx context.Context, control securebucket.AccountControlAPI, account string, o *Options) error {
	if o.AllowInsecureTransport {
		return nil
	}
	return plainhttp.Check(ctx, refused, func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := control.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: &account}, probeopt.S3Control(add))
		return err
	})
}
