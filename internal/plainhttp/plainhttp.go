// Package plainhttp finds the endpoint an AWS SDK client really sends its
// requests to, and refuses a verdict read over plain HTTP from a host that
// is not loopback. SigV4 signs a request, but nothing authenticates the
// response that comes back over plain HTTP: anyone on the network path
// (a proxy, a typo in AWS_ENDPOINT_URL, a container name) can rewrite it
// into a PASS or a "nothing public", and read the policies on the way. A
// loopback host (127.0.0.0/8, ::1, localhost) is this machine, where the
// in-memory fakes and moto run.
//
// The endpoint is the one the SDK resolved for the request: BaseEndpoint,
// AWS_ENDPOINT_URL and AWS_ENDPOINT_URL_<SERVICE> (which the SDK's config
// loading turns into BaseEndpoint), a custom endpoint resolver, and
// EndpointOptions.DisableHTTPS, seen by a middleware placed last in the
// request's Finalize step, just before the request is sent. A client that
// does not let that middleware in (a wrapper that drops the per-call
// options, a client that is not an SDK client) has an endpoint no one can
// see, and is refused as well: the check fails closed.
package plainhttp

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ErrEndpoint is the sentinel every package exports as
// ErrPlainHTTPEndpoint: the client sends its requests over plain HTTP
// where the call cannot allow it. No request was sent.
var ErrEndpoint = errors.New("plain-HTTP endpoint")

// Error is a verdict-producing call refused because its client would send
// its requests over plain HTTP to a host that is not loopback. Packages
// export it as RemotePlainHTTPError. It matches [ErrEndpoint] with
// errors.Is.
type Error struct {
	// Call is the refused call, with its package: "analyzer.Fetch".
	Call string
	// Endpoint is the scheme and host the requests were going to; "" when
	// the client did not let the probe see its endpoint (a wrapper that
	// does not pass the per-call options on to an aws-sdk-go-v2 client,
	// or a client that is not one): whether it sends its requests over
	// plain HTTP cannot be known, so the call fails closed.
	Endpoint string
	// Option names the field that allows plain HTTP:
	// "FetchOptions.AllowInsecureTransport".
	Option string
}

func (e *Error) Error() string {
	pkg, _, _ := strings.Cut(e.Call, ".")
	if e.Endpoint == "" {
		return fmt.Sprintf("%s: %s: cannot tell where the client sends its requests: it did not pass the per-call options (APIOptions) on to an aws-sdk-go-v2 client, so whether they go over plain HTTP, where anyone on the network path can rewrite the answers its verdict is made of, is unknown; s3secure sent nothing itself: pass the optFns of every method on to the SDK client, or, for a client you trust to use TLS (or a test double), set %s",
			pkg, e.Call, e.Option)
	}
	return fmt.Sprintf("%s: %s: the client sends requests to %s over plain HTTP, where anyone on the network path can rewrite the answers its verdict is made of and read the policies (SigV4 signs the request, nothing authenticates the response); nothing was sent: use the endpoint's https:// URL, or, for a test server on a network you trust, set %s",
		pkg, e.Call, e.Endpoint, e.Option)
}

// Is makes errors.Is(err, ErrEndpoint) true.
func (e *Error) Is(target error) bool { return target == ErrEndpoint }

// IsLoopback reports whether host (without port) is "localhost" or an IP
// address in 127.0.0.0/8 or ::1.
func IsLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// Remote reports whether u is plain HTTP to a host that is not loopback.
// A loopback IP address with one label in front of it is loopback too:
// S3 Control's endpoint rules put the account id in front of the
// endpoint's host (ACCOUNT.127.0.0.1), a name no resolver answers, which
// a client can reach only by dialing the endpoint's own address.
func Remote(u *url.URL) bool {
	if u == nil || !strings.EqualFold(u.Scheme, "http") {
		return false
	}
	host := u.Hostname()
	if label, rest, ok := strings.Cut(host, "."); ok && isLabel(label) && net.ParseIP(rest) != nil {
		host = rest
	}
	return !IsLoopback(host)
}

// isLabel reports whether s is a DNS label of letters, digits and hyphens.
func isLabel(s string) bool {
	if s == "" || len(s) > 63 {
		return false
	}
	for _, c := range s {
		if !(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '-') {
			return false
		}
	}
	return true
}

// Refuse returns an APIOptions entry that adds a middleware, last in the
// Finalize step, calling check with each request's URL just before it is
// sent; when check returns an error, the request is not sent and the call
// returns that error. The SDK's retryer does not retry it.
func Refuse(id string, check func(*url.URL) error) func(*middleware.Stack) error {
	mw := middleware.FinalizeMiddlewareFunc(id, func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if req, ok := in.Request.(*smithyhttp.Request); ok && req.URL != nil {
			if err := check(req.URL); err != nil {
				return middleware.FinalizeOutput{}, middleware.Metadata{}, err
			}
		}
		return next.HandleFinalize(ctx, in)
	})
	return func(st *middleware.Stack) error { return st.Finalize.Add(mw, middleware.After) }
}

// Guard returns an APIOptions entry that refuses, before it is sent,
// each request whose URL is plain HTTP to a host that is not loopback,
// with a copy of refused naming that endpoint. [Check] judges a call's
// first request; a call whose later requests may go elsewhere (another
// Region's endpoint: a bucket's Region from ListBuckets or from S3's
// redirect, which a custom endpoint resolver may send anywhere) guards
// each of them too. Like Check's, the entry is last in the Finalize step.
func Guard(refused Error) func(*middleware.Stack) error {
	return Refuse("S3SecureGuardPlainHTTP", func(u *url.URL) error {
		if !Remote(u) {
			return nil
		}
		e := refused
		e.Endpoint = u.Scheme + "://" + u.Host
		return &e
	})
}

// Append returns opts with add appended, never writing into opts' backing
// array (a client's options are shared by concurrent calls).
func Append(opts []func(*middleware.Stack) error, add func(*middleware.Stack) error) []func(*middleware.Stack) error {
	return append(opts[:len(opts):len(opts)], add)
}

// ProbeCredentials is the credentials provider of a [Check] probe: fixed,
// made-up credentials, so the SDK signs the request it never sends
// without retrieving the caller's.
var ProbeCredentials aws.CredentialsProvider = aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
	return aws.Credentials{AccessKeyID: "S3SECUREPROBE", SecretAccessKey: "never-sent", Source: "plainhttp probe"}, nil
})

// stopped is the error a probe request stops with.
type stopped struct{}

func (stopped) Error() string { return "plainhttp: probe request stopped before sending" }

// RetryableError tells the SDK's retryer not to retry.
func (stopped) RetryableError() bool { return false }

// Check makes each probe's request (in turn, until one is refused); a
// probe must call the client with the
// APIOptions entry it is given appended to the call's APIOptions (see
// [Append]) and with [ProbeCredentials] as its credentials (none are
// retrieved for a request that is never sent, so none can fail). The
// entry stops that request before it is sent, after the SDK resolved its
// URL. Check returns an [*Error] (with refused's Call and Option, and the
// endpoint) when that URL is plain HTTP to a host that is not loopback.
//
// It fails closed: when the entry never reached an SDK request (a wrapper
// that drops the per-call options, a client that is not an SDK client,
// which may have answered or sent the probe's request itself), the
// endpoint cannot be known, and Check returns an [*Error] whose Endpoint
// is "". A request that the SDK failed before resolving its endpoint
// (invalid input, no Region) is not refused here: the real call meets the
// same failure and reports it. Nothing is ever sent by an SDK client.
//
// The scheme judged is the one the request is sent with (after
// EndpointOptions.DisableHTTPS).
func Check(ctx context.Context, refused Error, probes ...Probe) error {
	for _, do := range probes {
		if err := check(ctx, refused, do); err != nil {
			return err
		}
	}
	return nil
}

// Probe makes one request with the APIOptions entry it is given (see
// [Check]).
type Probe = func(ctx context.Context, apiOption func(*middleware.Stack) error) error

func check(ctx context.Context, refused Error, do Probe) error {
	var seen *url.URL
	reached := false
	stop := Refuse("S3SecurePlainHTTPProbe", func(u *url.URL) error {
		c := *u
		seen = &c
		return stopped{}
	})
	mark := middleware.InitializeMiddlewareFunc("S3SecurePlainHTTPProbeReached", func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
		reached = true
		return next.HandleInitialize(ctx, in)
	})
	probe := func(st *middleware.Stack) error {
		if err := st.Initialize.Add(mark, middleware.Before); err != nil {
			return err
		}
		return stop(st)
	}
	_ = do(ctx, probe)
	switch {
	case seen == nil && reached:
		return nil // the SDK failed before resolving the endpoint
	case seen == nil:
		refused.Endpoint = ""
		return &refused
	case !Remote(seen):
		return nil
	}
	refused.Endpoint = seen.Scheme + "://" + seen.Host
	return &refused
}
