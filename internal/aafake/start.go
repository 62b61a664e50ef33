package aafake

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/accessanalyzer"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/testretry"
)

// Test credentials the clients from [NewClient] sign with. The fake
// verifies every request's SigV4 signature against them (and the others
// [Server.AddCredential] documents). They are not secrets.
const (
	TestAccessKeyID     = "AKIAAAFAKEEXAMPLE"
	TestSecretAccessKey = "aafake-secret"
)

// Fake is a running [Server] with its URL.
type Fake struct {
	*Server
	// URL is the base endpoint of the fake.
	URL string
}

// Start runs a Server on a loopback port for the duration of the test and
// returns it with a real accessanalyzer client (static test credentials,
// no retries) for the fake's default Region.
func Start(t testing.TB, opts *Options) (*Fake, *accessanalyzer.Client) {
	t.Helper()
	s := New(opts)
	f := &Fake{Server: s, URL: fakeutil.Serve(t, s).URL}
	return f, f.Client(s.opts.Region)
}

// Client returns a real accessanalyzer client for the fake, signing for
// the given Region (analyzers are Regional, so a client for another Region
// sees other analyzers).
func (f *Fake) Client(region string) *accessanalyzer.Client {
	return NewClient(f.URL, region)
}

// NewClient returns an accessanalyzer client pointed at endpoint with
// static test credentials and no retries of service errors ([ClosedConnRetryer]).
func NewClient(endpoint, region string) *accessanalyzer.Client {
	return accessanalyzer.New(accessanalyzer.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider(TestAccessKeyID, TestSecretAccessKey, ""),
		Retryer:      ClosedConnRetryer{},
		HTTPClient:   testretry.FreshConnClient(),
	})
}
