package cffake

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/testretry"
)

// Test credentials the clients from [NewClient] sign with. The fake
// verifies every request's SigV4 signature against them (and the fake
// account owner's, fakeutil.OwnerAccessKeyID, and any [Fake.AddCredential]
// registers). They are not secrets.
const (
	TestAccessKeyID     = "AKIACFFAKEEXAMPLE"
	TestSecretAccessKey = "cffake-not-a-secret"
)

// Server is a [Fake] served over HTTP on a loopback address.
type Server struct {
	*Fake
	// URL is the base endpoint, for cloudfront.Options.BaseEndpoint.
	URL string
}

// Start runs a fake on an httptest server that is closed when the test ends.
func Start(tb testing.TB, opts *Options) *Server {
	tb.Helper()
	f := New(opts)
	return &Server{Fake: f, URL: fakeutil.Serve(tb, f).URL}
}

// Client returns a real CloudFront client pointed at the server.
func (s *Server) Client() *cloudfront.Client { return NewClient(s.URL) }

// NewClient returns a real CloudFront client for endpoint (a fake or
// moto_server), with static test credentials, region us-east-1 and no
// retries, so every request the library makes reaches the server exactly
// once.
func NewClient(endpoint string) *cloudfront.Client {
	return cloudfront.New(cloudfront.Options{
		BaseEndpoint: aws.String(endpoint),
		Region:       "us-east-1",
		Credentials:  credentials.NewStaticCredentialsProvider(TestAccessKeyID, TestSecretAccessKey, ""),
		Retryer:      testretry.ClosedConn{},
		HTTPClient:   testretry.FreshConnClient(),
	})
}
