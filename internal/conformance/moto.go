package conformance

import (
	"bytes"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/s3secure/s3secure/internal/fakeutil"
)

// MotoEndpointEnv names the environment variable that points the suite at an
// already running moto_server instead of starting one.
const MotoEndpointEnv = "S3SECURE_MOTO_ENDPOINT"

// MotoAccountID is the account moto answers for by default.
const MotoAccountID = "123456789012"

// motoStartTimeout bounds how long StartMoto waits for moto to answer.
const motoStartTimeout = 60 * time.Second

// StartMoto returns the endpoint of a moto_server for tb: the value of
// S3SECURE_MOTO_ENDPOINT when set, otherwise a moto_server it starts on a free
// loopback port and stops at tb's cleanup. When moto_server is not on PATH
// the test is skipped, unless the CI environment variable is set, in which
// case it fails. moto keeps state for its lifetime, so use unique bucket
// names.
func StartMoto(tb testing.TB) string {
	tb.Helper()
	if ep := os.Getenv(MotoEndpointEnv); ep != "" {
		return ep
	}
	return startMoto(tb)
}

// StartPrivateMoto is StartMoto for a test whose verdict depends on the
// account's state as a whole (every bucket of the account, the account's
// Block Public Access): it always starts a moto_server of its own, even when
// S3SECURE_MOTO_ENDPOINT names a shared one that other packages' tests fill
// with public buckets at the same time.
func StartPrivateMoto(tb testing.TB) string {
	tb.Helper()
	return startMoto(tb)
}

func startMoto(tb testing.TB) string {
	tb.Helper()
	bin, err := exec.LookPath("moto_server")
	if err != nil {
		if os.Getenv("CI") != "" {
			tb.Fatalf("conformance: moto_server is not on PATH and CI is set (install moto[server] or set %s)", MotoEndpointEnv)
		}
		tb.Skipf("conformance: moto_server not on PATH; install moto[server] or set %s to run the moto target", MotoEndpointEnv)
	}
	port, err := freePort()
	if err != nil {
		tb.Fatalf("conformance: no free port for moto: %v", err)
	}
	var out bytes.Buffer
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	// moto is botocore underneath: the user's AWS settings (a profile that
	// does not exist, a region, an endpoint) would change its answers.
	cmd.Env = fakeutil.ProcessEnv()
	cmd.Stdout = &out
	cmd.Stderr = &out
	if err := cmd.Start(); err != nil {
		tb.Fatalf("conformance: start moto_server: %v", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	tb.Cleanup(func() {
		_ = cmd.Process.Kill()
		<-done
	})
	endpoint := fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(motoStartTimeout)
	for {
		select {
		case <-done:
			tb.Fatalf("conformance: moto_server exited early: %s", out.String())
		default:
		}
		resp, err := client.Get(endpoint + "/moto-api/")
		if err == nil {
			resp.Body.Close()
			return endpoint
		}
		if time.Now().After(deadline) {
			tb.Fatalf("conformance: moto_server did not answer within %s", motoStartTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
