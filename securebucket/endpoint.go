package securebucket

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go/middleware"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// ErrPlainHTTPEndpoint means the client sends its requests over plain HTTP
// while the options ask for the policy statement that denies requests
// without TLS: once written, that statement would refuse Harden's own next
// request and every later one (only the root user could then delete the
// policy). No request was sent. The error is a [*PlainHTTPError].
var ErrPlainHTTPEndpoint = errors.New("securebucket: plain-HTTP endpoint with a TLS-only bucket policy")

// PlainHTTPError reports a client whose endpoint is plain HTTP. It matches
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
	mw := middleware.FinalizeMiddlewareFunc("S3SecureRefusePlainHTTP", func(ctx context.Context, in middleware.FinalizeInput, next middleware.FinalizeHandler) (middleware.FinalizeOutput, middleware.Metadata, error) {
		if req, ok := in.Request.(*smithyhttp.Request); ok && req.URL != nil && req.URL.Scheme == "http" {
			return middleware.FinalizeOutput{}, middleware.Metadata{}, &PlainHTTPError{Bucket: bucket, Endpoint: req.URL.Scheme + "://" + req.URL.Host}
		}
		return next.HandleFinalize(ctx, in)
	})
	return func(o *s3.Options) {
		// A copy: never append to the client's own slice.
		o.APIOptions = append(o.APIOptions[:len(o.APIOptions):len(o.APIOptions)], func(st *middleware.Stack) error {
			return st.Finalize.Add(mw, middleware.After)
		})
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
