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

// refuseRemote probes the management account's clients: org and roles
// when they are the SDK's own clients (any other client is not probed: a
// wrapper could count or answer the probe as a call), and S3 built from
// cfg, of which the members' configurations are copies.
func refuseRemote(ctx context.Context, cfg aws.Config, org OrganizationsAPI, roles STSAPI) error {
	probes := []plainhttp.Probe{func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := s3.NewFromConfig(cfg).ListBuckets(ctx, &s3.ListBucketsInput{}, probeopt.S3(add))
		return err
	}}
	if c, ok := org.(*organizations.Client); ok && c != nil {
		probes = append(probes, func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := c.ListAccounts(ctx, &organizations.ListAccountsInput{}, func(oo *organizations.Options) {
				oo.Credentials, oo.APIOptions = plainhttp.ProbeCredentials, plainhttp.Append(oo.APIOptions, add)
			})
			return err
		})
	}
	if c, ok := roles.(*sts.Client); ok && c != nil {
		probes = append(probes, func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := c.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{}, probeopt.STS(add))
			return err
		})
	}
	return plainhttp.Check(ctx, refused, probes...)
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
