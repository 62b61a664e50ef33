package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"testing"
)

// awsGuard is an HTTP proxy that every non-loopback request of this
// package's tests goes to (TestMain points HTTP_PROXY and HTTPS_PROXY at
// it; Go never proxies loopback addresses, where the fakes listen). It
// refuses every request and records its host, so a test can prove that a
// command sent nothing to AWS.
var awsGuard = &guard{}

type guard struct {
	mu    sync.Mutex
	hosts []string
}

func (g *guard) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	host := r.Host
	if r.URL.Host != "" {
		host = r.URL.Host
	}
	g.mu.Lock()
	g.hosts = append(g.hosts, host)
	g.mu.Unlock()
	http.Error(w, "s3secure test guard: no request may leave the machine", http.StatusForbidden)
}

// take returns the hosts recorded since the last call.
func (g *guard) take() []string {
	g.mu.Lock()
	defer g.mu.Unlock()
	h := g.hosts
	g.hosts = nil
	return h
}

// expectNoAWS fails t if any request left the machine while it ran.
func expectNoAWS(t *testing.T) {
	t.Helper()
	awsGuard.take()
	t.Cleanup(func() {
		if h := awsGuard.take(); len(h) > 0 {
			t.Errorf("requests left the machine (to real AWS?): %s", strings.Join(h, ", "))
		}
	})
}

// TestMain runs the tests (whose environment env_test.go's init has
// cleared of the user's AWS and proxy settings) with every non-loopback
// request sent to awsGuard, which refuses it. It fails the run if any
// request reached the guard.
func TestMain(m *testing.M) {
	if os.Getenv(runAsProgramVar) != "" {
		main() // the program itself: it exits
	}
	proxy := httptest.NewServer(awsGuard)
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy"} {
		os.Setenv(k, proxy.URL)
	}
	for _, k := range []string{"NO_PROXY", "no_proxy"} {
		os.Unsetenv(k)
	}
	code := m.Run()
	proxy.Close()
	if h := awsGuard.take(); len(h) > 0 && code == 0 {
		fmt.Fprintf(os.Stderr, "requests left the machine during the tests: %s\n", strings.Join(h, ", "))
		code = 1
	}
	os.Exit(code)
}
