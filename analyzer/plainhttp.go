package analyzer

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/plainhttp"
	"github.com/s3secure/s3secure/internal/plainhttp/probeopt"
)

// ErrPlainHTTPEndpoint is a call that judges access refused before any
// request: its client would send the requests over plain HTTP to a host
// that is not loopback, where anyone on the path could forge "nothing
// public" (see "Security defaults"). Errors are [*RemotePlainHTTPError].
// The value is securebucket's, shared by every package.
var ErrPlainHTTPEndpoint = plainhttp.ErrEndpoint

// RemotePlainHTTPError is securebucket.RemotePlainHTTPError: Call
// ("analyzer.Fetch"), Endpoint (scheme and host) and Option
// ("FetchOptions.AllowInsecureTransport").
type RemotePlainHTTPError = plainhttp.Error

// refuseRemote returns a [*RemotePlainHTTPError] for call (whose options
// type is opts) when the client probe calls would send its requests over
// plain HTTP to a host that is not loopback; nothing is sent (see
// internal/plainhttp).
func refuseRemote(ctx context.Context, call, opts string, probes ...plainhttp.Probe) error {
	return plainhttp.Check(ctx, plainhttp.Error{Call: "analyzer." + call, Option: opts + ".AllowInsecureTransport"}, probes...)
}

// fetchProbes are the probes of the clients of a Fetch or AnalyzeAll: S3
// (GetBucketPolicy of bucket, or ListBuckets when bucket is "") and
// Control's S3 Control client.
func (o *FetchOptions) fetchProbes(client S3API, bucket string) []plainhttp.Probe {
	ps := []plainhttp.Probe{func(ctx context.Context, add func(*middleware.Stack) error) error {
		var err error
		if bucket == "" {
			_, err = client.ListBuckets(ctx, &s3.ListBucketsInput{}, probeopt.S3(add))
		} else {
			_, err = client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket}, probeopt.S3(add))
		}
		return err
	}}
	if o.Control != nil {
		c := *o.Control
		ps = append(ps, func(ctx context.Context, add func(*middleware.Stack) error) error {
			_, err := c.Client.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: &c.Account}, probeopt.S3Control(add))
			return err
		})
	}
	return ps
}

// probeAnalyzers probes an Access Analyzer client with a ListAnalyzers.
func probeAnalyzers(client API) plainhttp.Probe {
	return func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := client.ListAnalyzers(ctx, &accessanalyzer.ListAnalyzersInput{}, probeopt.AccessAnalyzer(add))
		return err
	}
}

// probeIAM probes an IAM client with a ListUsers.
func probeIAM(client IAMAPI) plainhttp.Probe {
	return func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := client.ListUsers(ctx, &iam.ListUsersInput{}, probeopt.IAM(add))
		return err
	}
}
