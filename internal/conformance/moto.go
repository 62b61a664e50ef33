package conformance

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
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
	// The port is free when freePort returns, but another process (another
	// package's test server) can take it before moto binds it: moto then
	// exits with "Address already in use", and is started again on another
	// port. The readiness probe checks that moto answers, so another server
	// on the port is never taken for it.
	const attempts = 5
	var last string
	for range attempts {
		endpoint, out, err := startMotoOnce(tb, bin)
		if err == nil {
			return endpoint
		}
		if !errors.Is(err, errPortTaken) {
			tb.Fatalf("conformance: %v: %s", err, out)
		}
		last = out
	}
	tb.Fatalf("conformance: moto_server found its port taken %d times: %s", attempts, last)
	return ""
}

// errPortTaken is startMotoOnce's error when moto could not bind its port.
var errPortTaken = errors.New("moto_server's port was taken")

// motoMarker is in the page moto_server serves at /moto-api/.
const motoMarker = "<title>Moto"

// startMotoOnce starts moto_server on a free port and waits until it
// answers. On success moto is stopped at tb's cleanup; otherwise it is
// stopped before returning, with what it printed.
func startMotoOnce(tb testing.TB, bin string) (endpoint, output string, err error) {
	tb.Helper()
	port, err := pickPort()
	if err != nil {
		return "", "", fmt.Errorf("no free port for moto: %w", err)
	}
	out := &syncBuffer{}
	cmd := exec.Command(bin, "-H", "127.0.0.1", "-p", strconv.Itoa(port))
	// moto is botocore underneath: the user's AWS settings (a profile that
	// does not exist, a region, an endpoint) would change its answers.
	cmd.Env = fakeutil.ProcessEnv()
	cmd.Stdout = out
	cmd.Stderr = out
	if err := cmd.Start(); err != nil {
		return "", "", fmt.Errorf("start moto_server: %w", err)
	}
	done := make(chan struct{})
	go func() { _ = cmd.Wait(); close(done) }()
	stop := func() {
		_ = cmd.Process.Kill()
		<-done
	}
	endpoint = fmt.Sprintf("http://127.0.0.1:%d", port)
	client := &http.Client{Timeout: 2 * time.Second}
	deadline := time.Now().Add(motoStartTimeout)
	for {
		select {
		case <-done:
			if portTaken(out.String()) {
				return "", out.String(), errPortTaken
			}
			return "", out.String(), errors.New("moto_server exited early")
		default:
		}
		if isMoto(client, endpoint) {
			tb.Cleanup(stop)
			return endpoint, "", nil
		}
		if time.Now().After(deadline) {
			stop()
			return "", out.String(), fmt.Errorf("moto_server did not answer within %s", motoStartTimeout)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// isMoto reports whether the server at endpoint is a moto_server: its
// /moto-api/ page, not only an answer.
func isMoto(client *http.Client, endpoint string) bool {
	resp, err := client.Get(endpoint + "/moto-api/")
	if err != nil {
		return false
	}
	defer resp.Body.Close()
	page, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	return err == nil && resp.StatusCode == http.StatusOK && bytes.Contains(page, []byte(motoMarker))
}

// portTaken reports whether moto_server's output says its port was in use.
func portTaken(out string) bool {
	return strings.Contains(out, "Address already in use") || strings.Contains(out, "is in use by another program")
}

// syncBuffer is a bytes.Buffer that the process's output goroutines and
// the test may use at once.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// pickPort picks moto's port; a test replaces it to take the port first.
var pickPort = freePort

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
