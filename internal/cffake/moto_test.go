package cffake_test

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"
)

// motoEndpoint returns the endpoint of a moto_server for this test binary:
// S3SECURE_MOTO_ENDPOINT when set, else a moto_server started on a free
// loopback port (once per binary). Without moto_server on PATH the test is
// skipped, unless CI is set, in which case it fails.
func motoEndpoint(t *testing.T) string {
	t.Helper()
	if ep := os.Getenv("S3SECURE_MOTO_ENDPOINT"); ep != "" {
		return ep
	}
	motoOnce.Do(startMoto)
	if motoErr != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("moto_server: %v", motoErr)
		}
		t.Skipf("moto_server not available: %v", motoErr)
	}
	return motoURL
}

var (
	motoOnce sync.Once
	motoURL  string
	motoErr  error
	motoCmd  *exec.Cmd
)

func startMoto() {
	path, err := exec.LookPath("moto_server")
	if err != nil {
		motoErr = err
		return
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		motoErr = err
		return
	}
	port := l.Addr().(*net.TCPAddr).Port
	_ = l.Close()
	motoCmd = exec.Command(path, "-H", "127.0.0.1", "-p", fmt.Sprint(port))
	if err := motoCmd.Start(); err != nil {
		motoErr = err
		return
	}
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		resp, err := http.Get(url + "/moto-api/")
		if err == nil {
			_ = resp.Body.Close()
			motoURL = url
			return
		}
		time.Sleep(100 * time.Millisecond)
	}
	_ = motoCmd.Process.Kill()
	motoErr = fmt.Errorf("moto_server did not answer on %s within 30s", url)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if motoCmd != nil && motoCmd.Process != nil {
		_ = motoCmd.Process.Kill()
		_ = motoCmd.Wait()
	}
	os.Exit(code)
}
