package securebucket

import (
	"context"
	"errors"
	"fmt"
	"net/url"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/smithy-go/middleware"

	"github.com/s3secure/s3secure/internal/plainhttp"
	"github.com/s3secure/s3secure/internal/plainhttp/probeopt"
)

// ErrPlainHTTPEndpoint means the client sends its requests over plain
// HTTP where the call cannot allow it; no request was sent. It is the
// same value in every package of s3secure (analyzer, organization, usage,
// cloudfront export it too), so one errors.Is test covers them all.
//
// Plan, Harden and Create return a [*PlainHTTPError] for any plain-HTTP
// endpoint, loopback included, while the options ask for the policy
// statement that denies requests without TLS: once written, that statement
// would refuse Harden's own next request and every later one (only the
// root user could then delete the policy). A client that does not let
// them see its endpoint (a wrapper that drops the per-call options) is
// refused with a [*RemotePlainHTTPError] whose Endpoint is empty.
//
// The audits ([Audit], [AuditAll], [AuditAccount], [AuditAccessPoints],
// [AuditMultiRegionAccessPoints], [AuditDataEvents]),
// [ReadAccountPublicAccessBlock] and the account Block Public Access plan
// and apply ([PlanAccountPublicAccessBlock], [SetAccountPublicAccessBlock],
// [ApplyAccountPublicAccessBlock]) return a
// [*RemotePlainHTTPError] when the requests would go over plain HTTP to a
// host that is not loopback (127.0.0.0/8, ::1, localhost): nothing
// authenticates a response over plain HTTP (SigV4 signs the request
// only), so anyone on the network path could rewrite the answers into a
// PASS, and read the policies. That holds for every request: a bucket's
// reads go to its Region's endpoint, and one that would go over plain
// HTTP to a remote host is refused before it is sent (Audit returns the
// error; AuditAll gives the bucket it as Report.Err). A client that does
// not let the audit see
// its endpoint (a wrapper that drops the per-call options, a test double)
// is refused the same way, with an empty Endpoint: the check fails
// closed.
var ErrPlainHTTPEndpoint = plainhttp.ErrEndpoint

// RemotePlainHTTPError reports a verdict-producing call refused because its
// client would send its requests over plain HTTP to a host that is not
// loopback. Call names the call ("securebucket.Audit"), Endpoint the
// scheme and host ("" when the client did not let the call see it), Option
// the field that allows it
// ("AuditOptions.AllowInsecureTransport"). It matches
// [ErrPlainHTTPEndpoint] with errors.Is. The other packages of s3secure
// export the same type under the same name.
type RemotePlainHTTPError = plainhttp.Error

// PlainHTTPError reports a Plan, Harden or Create whose client's endpoint
// is plain HTTP, loopback included, while the options ask for the
// TLS-only policy statement (see [ErrPlainHTTPEndpoint]). It matches
// [ErrPlainHTTPEndpoint] with [errors.Is].
type PlainHTTPError struct {
	Bucket string
	// Endpoint is the scheme and host the request was going to.
	Endpoint string
}

func (e *PlainHTTPError) Error() string {
	return fmt.Sprintf("securebucket: bucket %s: the client sends requests to %s over plain HTTP, but the bucket policy Harden writes denies every request without TLS (aws:SecureTransport false), so its own next request would be refused and the bucket locked; nothing was sent: use the endpoint's https:// URL, or, for a local test server only, set Options.AllowInsecureTransport to leave that statement out", e.Bucket, e.Endpoint)
}

// Is makes errors.Is(err, ErrPlainHTTPEndpoint) true.
func (e *PlainHTTPError) Is(target error) bool { return target == ErrPlainHTTPEndpoint }

// refusePlainHTTP returns an option for every request of a Plan, Harden or
// Create that refuses, before it is sent, a request whose resolved URL is
// plain HTTP. It sees the endpoint the SDK actually resolved (BaseEndpoint,
// AWS_ENDPOINT_URL, a custom resolver) through the client's middleware
// stack, so it works for a *s3.Client and for wrappers that pass the
// per-request options on; the very first request (a read) is refused, so
// nothing is ever written.
func refusePlainHTTP(bucket string) func(*s3.Options) {
	refuse := plainhttp.Refuse("S3SecureRefusePlainHTTP", func(u *url.URL) error {
		if u.Scheme == "http" {
			return &PlainHTTPError{Bucket: bucket, Endpoint: u.Scheme + "://" + u.Host}
		}
		return nil
	})
	return func(o *s3.Options) { o.APIOptions = plainhttp.Append(o.APIOptions, refuse) }
}

// refuseHidden returns, unless AllowInsecureTransport, the
// [*RemotePlainHTTPError] (Endpoint "") of a client that does not let
// call (Plan, Harden, Create) see its endpoint: [refusePlainHTTP] judges
// each request's scheme from inside the request, which such a client (a
// wrapper that drops the per-call options) hides, so its requests could go
// over plain HTTP unseen, and a policy read there could be anyone's that
// Harden then writes back. A client whose endpoint is seen is left to
// refusePlainHTTP. s3secure sends nothing (the wrapper may send the
// probe's read itself, without its options).
func (h *hardener) refuseHidden(ctx context.Context, call string) error {
	if h.o.AllowInsecureTransport {
		return nil
	}
	err := refuseRemote(ctx, call, "Options", probeS3(h.r.client, h.bucket))
	var pe *RemotePlainHTTPError
	if errors.As(err, &pe) && pe.Endpoint == "" {
		return err
	}
	return nil
}

// refuseRemote returns a [*RemotePlainHTTPError] for call (an audit, whose
// options type is opts) when the client that probe calls would send its
// requests over plain HTTP to a host that is not loopback; nothing is
// sent (see internal/plainhttp). probe makes the call's first request
// with the APIOptions entry it is given.
func refuseRemote(ctx context.Context, call, opts string, probe plainhttp.Probe) error {
	return plainhttp.Check(ctx, plainhttp.Error{Call: "securebucket." + call, Option: opts + ".AllowInsecureTransport"}, probe)
}

// guard returns the per-request option of an audit's bucket reads that
// refuses each request going over plain HTTP to a host that is not
// loopback with a [*RemotePlainHTTPError] for call, or nothing with
// AllowInsecureTransport. refuseRemote probes the client's first request
// only, and a bucket's reads go to its Region's endpoint (from
// ListBuckets, or S3's redirect), which the client's endpoint resolver
// may place anywhere.
func (a *auditor) guard(call string) []func(*s3.Options) {
	if a.o.AllowInsecureTransport {
		return nil
	}
	g := plainhttp.Guard(plainhttp.Error{Call: "securebucket." + call, Option: "AuditOptions.AllowInsecureTransport"})
	return []func(*s3.Options){func(o *s3.Options) { o.APIOptions = plainhttp.Append(o.APIOptions, g) }}
}

// probeS3 probes client with a GetBucketPolicy of bucket, or a ListBuckets
// when bucket is "".
func probeS3(client ReadAPI, bucket string) plainhttp.Probe {
	return func(ctx context.Context, add func(*middleware.Stack) error) error {
		opt := probeopt.S3(add)
		var err error
		if bucket == "" {
			_, err = client.ListBuckets(ctx, &s3.ListBucketsInput{}, opt)
		} else {
			_, err = client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket}, opt)
		}
		return err
	}
}

// probeBucketPolicy probes a client with a GetBucketPolicy of bucket.
func probeBucketPolicy(client interface {
	GetBucketPolicy(context.Context, *s3.GetBucketPolicyInput, ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error)
}, bucket string) plainhttp.Probe {
	return func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := client.GetBucketPolicy(ctx, &s3.GetBucketPolicyInput{Bucket: &bucket}, probeopt.S3(add))
		return err
	}
}

// probeControl probes an S3 Control client with the account's Block Public
// Access read.
func probeControl(client AccountControlAPI, accountID string) plainhttp.Probe {
	return func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := client.GetPublicAccessBlock(ctx, &s3control.GetPublicAccessBlockInput{AccountId: &accountID}, probeopt.S3Control(add))
		return err
	}
}

// probeBuckets probes an S3 client with a ListBuckets.
func probeBuckets(client AccountBucketsAPI) plainhttp.Probe {
	return func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := client.ListBuckets(ctx, &s3.ListBucketsInput{}, probeopt.S3(add))
		return err
	}
}

// probeAccessPoints probes an S3 Control client with a ListAccessPoints.
func probeAccessPoints(client AccessPointAPI, accountID string) plainhttp.Probe {
	return func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := client.ListAccessPoints(ctx, &s3control.ListAccessPointsInput{AccountId: &accountID}, probeopt.S3Control(add))
		return err
	}
}

// probeMRAP probes an S3 Control client with a ListMultiRegionAccessPoints.
func probeMRAP(client MultiRegionAccessPointAPI, accountID string) plainhttp.Probe {
	return func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := client.ListMultiRegionAccessPoints(ctx, &s3control.ListMultiRegionAccessPointsInput{AccountId: &accountID}, probeopt.S3Control(add))
		return err
	}
}

// probeTrails probes a CloudTrail client with a DescribeTrails.
func probeTrails(client TrailsAPI) plainhttp.Probe {
	return func(ctx context.Context, add func(*middleware.Stack) error) error {
		_, err := client.DescribeTrails(ctx, &cloudtrail.DescribeTrailsInput{}, probeopt.CloudTrail(add))
		return err
	}
}

// plainHTTP returns the [*PlainHTTPError] in err's chain, or nil.
func plainHTTP(err error) *PlainHTTPError {
	var ph *PlainHTTPError
	if errors.As(err, &ph) {
		return ph
	}
	return nil
}

// remotePlainHTTP returns the [*RemotePlainHTTPError] in err's chain (a
// request [auditor.guard] refused), or nil.
func remotePlainHTTP(err error) error {
	var re *RemotePlainHTTPError
	if errors.As(err, &re) {
		return re
	}
	return nil
}
