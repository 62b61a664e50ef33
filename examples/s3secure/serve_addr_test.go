package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

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

// TestServeWarnsWhenReachableFromOtherMachines: serve listens on loopback
// by default; an -addr other machines can reach (every interface) is
// served, with one warning line on stderr that says so and how to serve
// this machine only. A loopback address gives none.
func TestServeWarnsWhenReachableFromOtherMachines(t *testing.T) {
	for _, tt := range []struct {
		addr, want string
	}{
		{"0.0.0.0:0", "plain HTTP"},
		{":0", "plain HTTP"},
		{"127.0.0.1:0", ""},
		{"localhost:0", ""},
		{"[::1]:0", ""},
	} {
		t.Run(tt.addr, func(t *testing.T) {
			ctx, cancel := context.WithCancel(t.Context())
			var stdout, stderr syncBuffer
			done := make(chan int, 1)
			go func() { done <- run(ctx, []string{"serve", "-addr", tt.addr}, strings.NewReader(""), &stdout, &stderr) }()
			require.Eventually(t, func() bool { return strings.Contains(stdout.String(), "serving until Ctrl-C") }, 10*time.Second, 10*time.Millisecond)
			cancel()
			assert.Equal(t, exitOK, <-done)
			if tt.want == "" {
				assert.Empty(t, stderr.String())
				return
			}
			assert.Equal(t, 1, strings.Count(stderr.String(), "\n"), stderr.String())
			assert.Contains(t, stderr.String(), "s3secure serve: warning: "+tt.addr+" is not a loopback address: other machines can reach this server")
			assert.Contains(t, stderr.String(), tt.want)
			assert.Contains(t, stderr.String(), "use -addr 127.0.0.1:PORT to serve this machine only")
			text := strings.Join(strings.Fields(readmeSections(t)["The command-line tool"]), " ")
			assert.Contains(t, text, "an `-addr` other machines can reach (`0.0.0.0:PORT`, `:PORT`) is served with a warning on stderr")
		})
	}
}

// syncBuffer is a bytes.Buffer that a command writes to while the test
// reads it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
