package main

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strings"
	"syscall"
	"testing"
	"time"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/s3fake"
)

func total(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

// TestSetupErrors: a setup problem is one line on stderr with a hint and
// exit 2, found on the first request (no retries, no rows of UNKNOWN),
// for a command that would otherwise report per-control errors.
func TestSetupErrors(t *testing.T) {
	closed, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	refused := "http://" + closed.Addr().String()
	closed.Close()
	plain := httptest.NewServer(http.NotFoundHandler())
	defer plain.Close()

	tests := []struct {
		name    string
		env     func(t *testing.T, a *testAWS)
		args    func(a *testAWS) []string
		want    string
		maxReqs int
	}{
		{"no credentials", func(t *testing.T, a *testAWS) {
			t.Setenv("AWS_ACCESS_KEY_ID", "")
			t.Setenv("AWS_SECRET_ACCESS_KEY", "")
		}, nil, "s3secure: no credentials (hint: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or use -local)\n", 0},
		{"unknown access key", func(t *testing.T, a *testAWS) {
			t.Setenv("AWS_ACCESS_KEY_ID", "AKIAUNKNOWNKEY000001")
		}, nil, "S3 ListBuckets: InvalidAccessKeyId: ", 1},
		{"expired session", func(t *testing.T, a *testAWS) {
			sess, err := a.AWS.Owner().AddRoleSession("auditor", "expired", a.AWS.Now().Add(-time.Minute))
			if err != nil {
				t.Fatal(err)
			}
			t.Setenv("AWS_ACCESS_KEY_ID", sess.AccessKeyID)
			t.Setenv("AWS_SECRET_ACCESS_KEY", sess.SecretAccessKey)
			t.Setenv("AWS_SESSION_TOKEN", sess.SessionToken)
		}, nil, "S3 ListBuckets: ExpiredToken: The provided token has expired. (hint: the session has expired: refresh the credentials", 1},
		{"wrong secret", func(t *testing.T, a *testAWS) {
			t.Setenv("AWS_SECRET_ACCESS_KEY", "wrong-secret")
		}, nil, "S3 ListBuckets: SignatureDoesNotMatch: ", 1},
		{"untrusted certificate", func(t *testing.T, a *testAWS) {
			t.Setenv("AWS_CA_BUNDLE", "")
		}, nil, "S3 ListBuckets: the TLS certificate of 127.0.0.1:", 0},
		{"CA bundle file gone", func(t *testing.T, a *testAWS) {
			t.Setenv("AWS_CA_BUNDLE", "/nonexistent/s3secure-ca.pem")
		}, nil, "s3secure: load the AWS configuration: open /nonexistent/s3secure-ca.pem: no such file or directory " +
			"(hint: AWS_CA_BUNDLE names a file that cannot be read: point it at the server's CA certificate file " +
			"(s3secure serve -tls prints it), or unset it)\n", 0},
		{"connection refused", nil, func(*testAWS) []string {
			return []string{"-endpoint", refused, "audit", "-bucket", "setup-data"}
		}, "S3 ListBuckets: connection refused by 127.0.0.1:", 0},
		{"http to an HTTPS server", nil, func(a *testAWS) []string {
			return []string{"-endpoint", strings.Replace(a.URL, "https:", "http:", 1), "audit", "-bucket", "setup-data"}
		}, "S3 ListBuckets: HTTP 400 without an AWS error document (hint: is the endpoint an AWS-compatible server, with the right scheme", 0},
		{"https to a plain HTTP server", nil, func(*testAWS) []string {
			return []string{"-endpoint", strings.Replace(plain.URL, "http:", "https:", 1), "audit", "-bucket", "setup-data"}
		}, "does not speak TLS (hint: the server is plain HTTP: use an http:// endpoint URL)", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := startAWS(t, nil)
			if err := a.CreateBucket("setup-data", s3fake.StateLegacy); err != nil {
				t.Fatal(err)
			}
			if tt.env != nil {
				tt.env(t, a)
			}
			args := []string{"-endpoint", a.URL, "audit", "-bucket", "setup-data"}
			if tt.args != nil {
				args = tt.args(a)
			}
			code, stdout, stderr := runCLI(t, "", args...)
			assert.Equal(t, exitUsage, code)
			assert.Empty(t, stdout, "no UNKNOWN rows")
			assert.Contains(t, stderr, tt.want)
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
			assert.Contains(t, stderr, "(hint: ")
			for _, junk := range []string{"RequestID", "HostID", "operation error", "attempts", "https response error", a.OwnerCredential().SecretAccessKey} {
				assert.NotContains(t, stderr, junk)
			}
			assert.LessOrEqual(t, total(a.Requests()), tt.maxReqs, "no retries: %v", a.Requests())
		})
	}
}

// TestDescribe pins the one-line form of the errors a run can meet: the
// SDK's chain (request and host ids, retry counts) is shortened to the
// service, operation, code and message, transport failures to what
// happened and where, each with its hint; secrets are redacted.
func TestDescribe(t *testing.T) {
	op := func(err error) error {
		return &smithy.OperationError{ServiceID: "S3", OperationName: "GetBucketPolicy", Err: err}
	}
	urlErr := func(err error) error {
		return &smithyhttp.RequestSendError{Err: &url.Error{Op: "Get", URL: "https://s3.us-east-9.amazonaws.com/b?policy", Err: err}}
	}
	api := &smithy.GenericAPIError{Code: "AccessDenied", Message: "Access Denied"}
	for _, tc := range []struct {
		err  error
		want string
	}{
		{fmt.Errorf("securebucket: bucket b: read the policy: %w", op(&awshttp.ResponseError{
			ResponseError: &smithyhttp.ResponseError{Response: &smithyhttp.Response{Response: &http.Response{StatusCode: 403}}, Err: api},
			RequestID:     "REQ123"})),
			"securebucket: bucket b: read the policy: S3 GetBucketPolicy: AccessDenied: Access Denied " +
				"(hint: the credentials lack a permission for this call, or a policy (bucket, SCP, permissions boundary) denies it)"},
		{op(urlErr(&net.DNSError{Err: "no such host", Name: "s3.us-east-9.amazonaws.com", IsNotFound: true})),
			"S3 GetBucketPolicy: cannot resolve host s3.us-east-9.amazonaws.com (hint: check -endpoint (or AWS_ENDPOINT_URL) and -region: " +
				"a misspelt Region makes an AWS host name that does not exist)"},
		{op(urlErr(&net.OpError{Op: "dial", Net: "tcp", Err: &os.SyscallError{Syscall: "connect", Err: syscall.ECONNREFUSED}})),
			"S3 GetBucketPolicy: connection refused by s3.us-east-9.amazonaws.com (hint: nothing listens at the endpoint: " +
				"is the server (s3secure serve, moto) running, on that port?)"},
		{op(urlErr(x509.UnknownAuthorityError{})),
			"S3 GetBucketPolicy: the TLS certificate of s3.us-east-9.amazonaws.com is not trusted " +
				"(hint: set AWS_CA_BUNDLE to the server's CA certificate file (s3secure serve -tls prints it))"},
		{op(urlErr(x509.HostnameError{Certificate: &x509.Certificate{}, Host: "h"})),
			"S3 GetBucketPolicy: the TLS certificate of s3.us-east-9.amazonaws.com is for another host name " +
				"(hint: use the host name the certificate names in -endpoint)"},
		{fmt.Errorf("%w: %w", errNoCredentials, errors.New("failed to refresh cached credentials, the SSO session has expired")),
			"no credentials: failed to refresh cached credentials, the SSO session has expired (hint: set AWS_PROFILE or AWS_ACCESS_KEY_ID, or use -local)"},
		{fmt.Errorf("%w: distribution E1 changed between each of 3 reads and the write that followed it: %w", cloudfront.ErrConcurrentUpdate,
			&smithy.OperationError{ServiceID: "CloudFront", OperationName: "UpdateDistribution", Err: &smithy.GenericAPIError{Code: "PreconditionFailed", Message: "The precondition given in one or more of the request-header fields evaluated to false."}}),
			"cloudfront: the configuration kept changing while it was being written: distribution E1 changed between each of 3 reads and the write that followed it: " +
				"CloudFront UpdateDistribution: PreconditionFailed: The precondition given in one or more of the request-header fields evaluated to false. " +
				"(hint: another writer changed the configuration between this command's read and its write (nothing of theirs was overwritten): run the command again once they are done)"},
		{errors.New("presign: GET https://b.s3.amazonaws.com/k?X-Amz-Signature=deadbeef\nfailed"),
			"presign: GET https://b.s3.amazonaws.com/k?X-Amz-Signature=REDACTED failed"},
	} {
		assert.Equal(t, tc.want, describe(tc.err))
	}
}

// TestBadProfile: a profile that does not exist is one line with a hint.
func TestBadProfile(t *testing.T) {
	cliEnv(t, "", "")
	t.Setenv("AWS_PROFILE", "no-such-profile")
	code, stdout, stderr := runCLI(t, "", "audit", "-all")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "s3secure: load the AWS configuration: failed to get shared config profile, no-such-profile "+
		"(hint: check AWS_PROFILE, AWS_CONFIG_FILE and ~/.aws/config)\n", stderr)
}
