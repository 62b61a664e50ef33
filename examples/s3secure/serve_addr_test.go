package main

import (
	"net"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/aws-sdk-go-v2/config"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestServeAddressInUse: serve on a port something else holds (MinIO's
// default is 9000, serve's too) is one line and exit 2 with a hint that
// says what to do: -addr with another port, or port 0 for any free one.
func TestServeAddressInUse(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	require.NoError(t, err)
	defer l.Close()
	code, stdout, stderr := runCLI(t, "", "serve", "-addr", l.Addr().String())
	assert.Equal(t, exitUsage, code)
	assert.Empty(t, stdout)
	assert.Equal(t, 1, strings.Count(stderr, "\n"), stderr)
	assert.Contains(t, stderr, "address already in use")
	assert.Contains(t, stderr, "(hint: another program listens on "+l.Addr().String()+": give serve -addr with another port, "+
		"or -addr 127.0.0.1:0 for any free one)")
}

// TestServeSaysWhoseKeysItUses: serve's help and the README say that the
// owner's keys are serve's own AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY
// when both are set (TestServeTLSWithEnvironmentCredentials: the secret is
// then not printed) and a pair made for the run otherwise
// (TestServeGeneratedCredentials), so a shell with real AWS keys in it is
// not surprised to see its own key id in the export lines.
func TestServeSaysWhoseKeysItUses(t *testing.T) {
	_, help := commandFlags(t, "serve")
	assert.Contains(t, help, "the owner's keys are serve's AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY when both are set "+
		"(the secret is not printed), else a pair made for the run")
	text := strings.Join(strings.Fields(readmeSections(t)["The command-line tool"]), " ")
	assert.Contains(t, text, "The keys are serve's own `AWS_ACCESS_KEY_ID` and `AWS_SECRET_ACCESS_KEY` when both are set "+
		"(the secret is then not printed), else a pair made for the run.")
}

// TestServeS3ControlNeedsTheTool: the README says that S3 Control's
// requests go to ACCOUNT.HOST, so a client configured only from serve's
// export lines (the SDK's default configuration, as the AWS CLI's) cannot
// reach serve's S3 Control by the 127.0.0.1 endpoint, and s3secure's own
// commands can.
func TestServeS3ControlNeedsTheTool(t *testing.T) {
	expectNoAWS(t)
	_, exports := serveInBackground(t, "-tls")
	pasteExports(t, exports)
	cfg, err := config.LoadDefaultConfig(t.Context())
	require.NoError(t, err)
	// Not through the test's guard proxy, which counts the attempt as
	// leaving the machine: the name is looked up, and resolves nowhere.
	cfg.HTTPClient = awshttp.NewBuildableClient().WithTransportOptions(func(tr *http.Transport) { tr.Proxy = nil })
	cfg.RetryMaxAttempts = 1
	_, err = s3control.NewFromConfig(cfg).GetPublicAccessBlock(t.Context(), &s3control.GetPublicAccessBlockInput{AccountId: aws.String("111122223333")})
	require.Error(t, err)
	assert.Contains(t, err.Error(), "111122223333.127.0.0.1")

	code, stdout, stderr := runCLI(t, "", "account-bpa")
	assert.Equal(t, exitOK, code, stderr)
	assert.Contains(t, stdout, "the account has no Block Public Access configuration")

	text := strings.Join(strings.Fields(readmeSections(t)["The command-line tool"]), " ")
	assert.Contains(t, text, "S3 Control's requests go to `ACCOUNT.HOST`, a name that resolves nowhere for `127.0.0.1`: "+
		"s3secure's commands reach serve's S3 Control, `aws s3control` and SDK clients configured from the export lines do not.")
}
