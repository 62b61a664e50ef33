package s3controlfake

import (
	"context"
	"net"
	"net/http"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3control"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/testretry"
)

// Test credentials the clients from [NewClient] sign with. The fake
// verifies every request's SigV4 signature against them (and the others
// [Server.AddCredential] documents). They are not secrets.
const (
	TestAccessKeyID     = "AKIAS3CONTROLFAKE"
	TestSecretAccessKey = "s3controlfake-secret"
)

// TestServer is a running fake: the handler, its URL and its loopback address.
type TestServer struct {
	*Server
	// URL is the base URL (http://127.0.0.1:PORT) to use as BaseEndpoint.
	URL string
	// Addr is the host:port the fake listens on.
	Addr string
}

// Start runs a fake with opts on a loopback port until the test ends.
func Start(tb testing.TB, opts *Options) *TestServer {
	tb.Helper()
	s := New(opts)
	hs := fakeutil.Serve(tb, s)
	return &TestServer{Server: s, URL: hs.URL, Addr: hs.Listener.Addr().String()}
}

// Client returns the real s3control client pointed at the fake, with static
// credentials, no retries and a transport that dials the fake whatever the
// (account-prefixed) host.
func (ts *TestServer) Client(optFns ...func(*s3control.Options)) *s3control.Client {
	return NewClient(ts.URL, ts.Addr, ts.region, optFns...)
}

// NewClient returns an s3control client whose BaseEndpoint is endpoint and
// whose connections all go to addr (host:port). This is how tests reach a
// fake or moto_server: the SDK sends requests to ACCOUNT.<endpoint host>,
// which does not resolve, so the dialer ignores the host.
func NewClient(endpoint, addr, region string, optFns ...func(*s3control.Options)) *s3control.Client {
	o := s3control.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(TestAccessKeyID, TestSecretAccessKey, ""),
		HTTPClient:   LoopbackHTTPClient(addr),
		Retryer:      testretry.ClosedConn{},
	}
	for _, fn := range optFns {
		fn(&o)
	}
	return s3control.New(o)
}

// LoopbackHTTPClient returns an HTTP client that connects to addr for every
// request, whatever the URL's host; the Host header still carries the
// original host (which is how moto_server routes s3control).
func LoopbackHTTPClient(addr string) *http.Client {
	d := &net.Dialer{Timeout: 5 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			return d.DialContext(ctx, network, addr)
		},
		// A new connection per request: see testretry.FreshConnClient.
		DisableKeepAlives: true,
	}
	return testretry.Client(&http.Client{Transport: tr, Timeout: 30 * time.Second})
}
