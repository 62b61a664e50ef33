package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	aatypes "github.com/aws/aws-sdk-go-v2/service/accessanalyzer/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// endpointCommands are command lines that together call every AWS service
// the CLI uses, each with the services it must reach (by SigV4 signing
// name; s3control for S3 Control), on the test AWS prepared by
// seedEndpointAWS.
var endpointCommands = []struct {
	args     []string
	code     int
	services []string
}{
	{[]string{"audit", "-bucket", "ep-data", "-account-controls"}, exitFindings, []string{"s3", "s3control", "cloudtrail", "sts"}},
	{[]string{"audit", "-all"}, exitFindings, []string{"s3"}},
	{[]string{"harden", "-bucket", "ep-data", "-dry-run"}, exitOK, []string{"s3"}},
	{[]string{"cloudfront", "-bucket", "ep-site"}, exitOK, []string{"s3", "cloudfront"}},
	{[]string{"analyze", "-all"}, exitOK, []string{"access-analyzer"}},
	{[]string{"analyze", "-bucket", "ep-data"}, exitOK, []string{"access-analyzer", "s3"}},
	{[]string{"analyze", "-offline", "-all"}, exitOK, []string{"s3", "s3control", "sts"}},
	{[]string{"accesspoint", "create", "-bucket", "ep-data", "-name", "ep-app", "-vpc", "vpc-1"}, exitOK, []string{"s3", "s3control", "sts"}},
	{[]string{"account-bpa"}, exitOK, []string{"s3control", "sts"}},
	{[]string{"data-events", "-trail", "main"}, exitOK, []string{"cloudtrail"}},
	{[]string{"keys"}, exitOK, []string{"iam"}},
	// Last: the log delivery grant it writes is a finding for analyze.
	{[]string{"harden", "-bucket", "ep-logged", "-log-bucket", "ep-logs"}, exitOK, []string{"s3", "sts"}},
}

// seedEndpointAWS gives a test AWS what endpointCommands need.
func seedEndpointAWS(t *testing.T, a *testAWS) {
	t.Helper()
	for _, b := range []string{"ep-data", "ep-logged", "ep-logs", "ep-site"} {
		require.NoError(t, a.CreateBucket(b, s3fake.StateAWSDefault))
	}
	a.Trails.AddTrail(cloudtrailfake.Trail{Name: "main", S3BucketName: "ep-logs", IsMultiRegionTrail: true, Logging: true})
	a.Analyzer.AddAnalyzer(a.Region(), "main", aatypes.TypeAccount)
	a.IAM.AddUser("alice", time.Now(), iamfake.Key{ID: "AKIAALICEKEY00000001", Created: time.Now(), LastUsed: time.Now()})
}

// TestEndpointReachesEveryService: with -endpoint (or the SDK's
// AWS_ENDPOINT_URL, or endpoint_url in the profile) every command sends
// every request, for every service it calls, to that one endpoint, and
// nothing to AWS (cliEnv's guard fails the test otherwise).
func TestEndpointReachesEveryService(t *testing.T) {
	for _, how := range []string{"-endpoint", "AWS_ENDPOINT_URL", "profile endpoint_url"} {
		t.Run(how, func(t *testing.T) {
			a := startAWS(t, nil)
			seedEndpointAWS(t, a)
			var base []string
			switch how {
			case "-endpoint":
				// -endpoint wins over the SDK's settings.
				t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
				t.Setenv("AWS_ENDPOINT_URL_IAM", "http://127.0.0.1:1")
				base = []string{"-endpoint", a.URL}
			case "AWS_ENDPOINT_URL":
				t.Setenv("AWS_ENDPOINT_URL", a.URL)
			default:
				path := filepath.Join(t.TempDir(), "config")
				require.NoError(t, os.WriteFile(path, []byte("[profile local]\nendpoint_url = "+a.URL+"\nregion = us-east-1\n"), 0o600))
				t.Setenv("AWS_CONFIG_FILE", path)
				t.Setenv("AWS_PROFILE", "local")
			}
			for _, c := range endpointCommands {
				before := a.Requests()
				code, stdout, stderr := runCLI(t, "", append(base, c.args...)...)
				require.Equal(t, c.code, code, "%v\n%s%s", c.args, stdout, stderr)
				after := a.Requests()
				for _, svc := range c.services {
					assert.Greater(t, after[svc], before[svc], "%v sent no %s request to the endpoint", c.args, svc)
				}
			}
		})
	}
}

// TestServiceEndpointsFromEnvironment: AWS_ENDPOINT_URL_<SERVICE> and a
// profile's services section reach each service; when some services have a
// custom endpoint and the one a command needs has none, the command is
// refused before any request instead of calling AWS.
func TestServiceEndpointsFromEnvironment(t *testing.T) {
	a := startAWS(t, nil)
	seedEndpointAWS(t, a)
	t.Setenv("AWS_ENDPOINT_URL_S3", a.URL)
	t.Setenv("AWS_ENDPOINT_URL_IAM", a.URL)

	code, _, stderr := runCLI(t, "", "audit", "-bucket", "ep-data")
	assert.Equal(t, exitFindings, code, stderr)
	code, _, stderr = runCLI(t, "", "keys")
	assert.Equal(t, exitOK, code, stderr)

	before := a.Requests()
	code, stdout, stderr := runCLI(t, "", "cloudfront", "-bucket", "ep-site")
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, "s3secure: an endpoint is configured for S3, IAM but not for CloudFront, whose requests would go to AWS: "+
		"give -endpoint, or set AWS_ENDPOINT_URL or AWS_ENDPOINT_URL_CLOUDFRONT\n", stderr)
	assert.Equal(t, before, a.Requests(), "refused before any request")

	code, _, stderr = runCLI(t, "", "audit", "-bucket", "ep-data", "-account-controls", "-account-id", a.AccountID())
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "not for S3 Control")
	assert.Contains(t, stderr, "AWS_ENDPOINT_URL_S3_CONTROL")

	// The profile's services section sets the rest.
	path := filepath.Join(t.TempDir(), "config")
	require.NoError(t, os.WriteFile(path, []byte("[profile local]\nservices = local-services\n\n[services local-services]\n"+
		"cloudfront =\n  endpoint_url = "+a.URL+"\ns3_control =\n  endpoint_url = "+a.URL+"\ncloudtrail =\n  endpoint_url = "+a.URL+"\n"), 0o600))
	t.Setenv("AWS_CONFIG_FILE", path)
	t.Setenv("AWS_PROFILE", "local")
	code, _, stderr = runCLI(t, "", "cloudfront", "-bucket", "ep-site")
	assert.Equal(t, exitOK, code, stderr)
	code, _, stderr = runCLI(t, "", "audit", "-bucket", "ep-data", "-account-controls", "-account-id", a.AccountID())
	assert.Equal(t, exitFindings, code, stderr)
	assert.Positive(t, a.Requests()["cloudfront"])
}

// TestIgnoreConfiguredEndpoints: with AWS_IGNORE_CONFIGURED_ENDPOINT_URLS
// the SDK's endpoint settings are ignored, as the SDK documents, and the
// requests go to AWS (here: to the test guard, which refuses them).
func TestIgnoreConfiguredEndpoints(t *testing.T) {
	a := startAWS(t, nil)
	seedEndpointAWS(t, a)
	t.Setenv("AWS_ENDPOINT_URL", a.URL)
	t.Setenv("AWS_IGNORE_CONFIGURED_ENDPOINT_URLS", "true")
	code, _, stderr := runCLI(t, "", "keys")
	assert.Equal(t, exitUsage, code)
	assert.Zero(t, a.Requests()["iam"])
	assert.Contains(t, awsGuard.take(), "iam.amazonaws.com:443", stderr)

	// -endpoint is the command line's own choice, and still applies.
	code, _, stderr = runCLI(t, "", "-endpoint", a.URL, "keys")
	assert.Equal(t, exitOK, code, stderr)
}

func TestEndpointValidation(t *testing.T) {
	cliEnv(t, "AKIAEXAMPLEEXAMPLE01", "secret")
	for _, tc := range []struct{ endpoint, stderr string }{
		{"ftp://127.0.0.1:21", `-endpoint "ftp://127.0.0.1:21" is not an endpoint URL`},
		{"127.0.0.1:9000", `-endpoint "127.0.0.1:9000" is not an endpoint URL`},
		{"localhost:9000", `-endpoint "localhost:9000" is not an endpoint URL`},
		{"http://", `-endpoint "http://" is not an endpoint URL`},
		{"http://127.0.0.1:9000/bucket", "has a path, query or fragment"},
		{"http://127.0.0.1:9000?x=1", "has a path, query or fragment"},
		{"http://127.0.0.1:9000/#x", "has a path, query or fragment"},
		{"http://user:pw@127.0.0.1:9000", "must not carry credentials"},
		{"http://127.0.0.1:99999", "has an invalid port"},
	} {
		for _, args := range [][]string{{"-endpoint", tc.endpoint, "audit", "-all"}, {"keys", "-endpoint", tc.endpoint}} {
			code, stdout, stderr := runCLI(t, "", args...)
			assert.Equal(t, exitUsage, code, args)
			assert.Empty(t, stdout)
			assert.Contains(t, stderr, tc.stderr, args)
			assert.NotContains(t, stderr, "pw@", "credentials in a URL are not echoed")
		}
	}
	for _, v := range []string{"AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_IAM"} {
		t.Run(v, func(t *testing.T) {
			t.Setenv(v, "http://127.0.0.1:9000/path")
			code, _, stderr := runCLI(t, "", "keys")
			assert.Equal(t, exitUsage, code)
			assert.Contains(t, stderr, "has a path, query or fragment")
			assert.Contains(t, stderr, "AWS_ENDPOINT_URL")
		})
	}
	for _, tc := range []struct {
		args   []string
		stderr string
	}{
		{[]string{"-region", "us east 1", "keys"}, `-region "us east 1" is not an AWS Region name`},
		{[]string{"-region", "us-east-l", "keys"}, `-region "us-east-l" is not an AWS Region name`},
		{[]string{"-region", "Local_1", "-endpoint", "http://127.0.0.1:1", "keys"}, `-region "Local_1" is not an AWS Region name`},
	} {
		code, _, stderr := runCLI(t, "", tc.args...)
		assert.Equal(t, exitUsage, code, tc.args)
		assert.Contains(t, stderr, tc.stderr, tc.args)
	}
	t.Setenv("AWS_REGION", "moon-1")
	code, _, stderr := runCLI(t, "", "keys")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, `the configured Region "moon-1" is not an AWS Region name`)
	assert.Equal(t, 1, strings.Count(stderr, "\n"))
}

// TestLocalHasEveryService: -local is one in-memory AWS for the run with
// every service on one endpoint (IAM, S3 Control, CloudTrail, CloudFront
// beside S3); a service it lacks is refused by name.
func TestLocalHasEveryService(t *testing.T) {
	expectNoAWS(t)
	code, stdout, stderr := runCLI(t, "", "-local", "-format", "json", "keys")
	assert.Equal(t, exitOK, code, stderr)
	assert.Empty(t, jsonRows(t, stdout), "the in-memory account has no IAM users")
	code, _, stderr = runCLI(t, "", "-local", "audit", "-bucket", "local-acct", "-account-controls")
	assert.Equal(t, exitFindings, code, stderr)
	code, _, stderr = runCLI(t, "", "-local", "cloudfront", "-bucket", "local-site", "-apply-key-policy")
	assert.Equal(t, exitUsage, code)
	assert.Contains(t, stderr, "-local has no KMS")
}
