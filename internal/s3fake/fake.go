package s3fake

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/internal/testretry"
)

// Fake is a Server running on an httptest server, for tests. It embeds the
// *Server, so every Server method (AddUser, CreateBucket, InjectFault,
// Count, Advance, …) is available on it.
type Fake struct {
	*Server
	// URL is the base URL, e.g. "https://127.0.0.1:41234".
	URL string
	// HTTPServer is the running httptest server.
	HTTPServer *httptest.Server
}

// Start runs a fake S3 over HTTPS for the duration of tb (closed by
// tb.Cleanup), as AWS's endpoints are: requests carry
// aws:SecureTransport=true and s3:TlsVersion, so a bucket policy that denies
// plain HTTP (which securebucket.Harden writes) behaves as on AWS. The
// certificate is httptest's self-signed one; the clients from Client,
// OwnerClient and HTTPClient trust it. opts nil means the defaults; invalid
// opts fail tb.
func Start(tb testing.TB, opts *Options) *Fake {
	tb.Helper()
	return start(tb, opts, true)
}

// StartTLS is Start; the name says so where HTTPS matters to a test.
func StartTLS(tb testing.TB, opts *Options) *Fake {
	tb.Helper()
	return start(tb, opts, true)
}

// StartHTTP runs the fake over plain HTTP, for tests of what happens to
// requests without TLS (aws:SecureTransport=false).
func StartHTTP(tb testing.TB, opts *Options) *Fake {
	tb.Helper()
	return start(tb, opts, false)
}

func start(tb testing.TB, opts *Options, tls bool) *Fake {
	tb.Helper()
	s, err := New(opts)
	if err != nil {
		tb.Fatalf("s3fake: %v", err)
	}
	var hs *httptest.Server
	if tls {
		hs = httptest.NewTLSServer(s)
	} else {
		hs = httptest.NewServer(s)
	}
	tb.Cleanup(hs.Close)
	return &Fake{Server: s, URL: hs.URL, HTTPServer: hs}
}

// HTTPClient returns an *http.Client that reaches the fake (and trusts its
// certificate under StartTLS).
func (f *Fake) HTTPClient() *http.Client { return f.HTTPServer.Client() }

// OwnerClient returns an S3 client signed with the owner root's credentials.
func (f *Fake) OwnerClient() *s3.Client { return f.Client(f.OwnerCredential()) }

// Client returns an S3 client for cred, configured as tests should be:
// static credentials, path-style, checksums only when required, no retries,
// the server's region.
func (f *Fake) Client(cred Credential, optFns ...func(*s3.Options)) *s3.Client {
	return NewClient(f.URL, f.Region(), f.HTTPClient(),
		credentials.NewStaticCredentialsProvider(cred.AccessKeyID, cred.SecretAccessKey, cred.SessionToken), optFns...)
}

// AnonymousClient returns an S3 client that sends unsigned requests.
func (f *Fake) AnonymousClient(optFns ...func(*s3.Options)) *s3.Client {
	return NewClient(f.URL, f.Region(), f.HTTPClient(), aws.AnonymousCredentials{}, optFns...)
}

// NewClient builds an S3 client for any endpoint the way tests against fakes
// (and moto) need it: BaseEndpoint, UsePathStyle, RequestChecksumCalculation
// and ResponseChecksumValidation WhenRequired, testretry.ClosedConn (no
// retries of service errors), and httpClient (http.DefaultClient's settings
// when nil) with its transport wrapped by testretry.Transport.
func NewClient(endpoint, region string, httpClient *http.Client, creds aws.CredentialsProvider, optFns ...func(*s3.Options)) *s3.Client {
	o := s3.Options{
		Region:                     region,
		BaseEndpoint:               aws.String(endpoint),
		UsePathStyle:               true,
		Credentials:                creds,
		RequestChecksumCalculation: aws.RequestChecksumCalculationWhenRequired,
		ResponseChecksumValidation: aws.ResponseChecksumValidationWhenRequired,
		Retryer:                    testretry.ClosedConn{},
	}
	o.HTTPClient = testretry.Client(httpClient)
	return s3.New(o, optFns...)
}
