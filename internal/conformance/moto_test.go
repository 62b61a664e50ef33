package conformance

import (
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os/exec"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestStartMotoPortTaken pins what StartMoto does when another process
// takes moto's port between freePort and moto's bind: moto exits with
// "Address already in use", and startMoto starts it again on another port
// instead of failing the test (it failed with "moto_server exited early").
// The first two ports picked are taken by listeners here.
func TestStartMotoPortTaken(t *testing.T) {
	if _, err := exec.LookPath("moto_server"); err != nil {
		t.Skip("moto_server not on PATH")
	}
	var picked []int
	pickPort = func() (int, error) {
		port, err := freePort()
		if err == nil && len(picked) < 2 {
			l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
			require.NoError(t, err)
			t.Cleanup(func() { l.Close() })
		}
		picked = append(picked, port)
		return port, err
	}
	t.Cleanup(func() { pickPort = freePort })

	endpoint := startMoto(t)
	require.Len(t, picked, 3, "ports picked")
	assert.Equal(t, "http://127.0.0.1:"+strconv.Itoa(picked[2]), endpoint)
	assert.True(t, isMoto(&http.Client{Timeout: 2 * time.Second}, endpoint))
}

// TestIsMotoRefusesAnotherServer: a server that answers /moto-api/ with 200
// but is not moto (another package's fake on the port moto meant to take)
// is never taken for moto.
func TestIsMotoRefusesAnotherServer(t *testing.T) {
	other := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = io.WriteString(w, "<html><title>Not it</title></html>")
	}))
	defer other.Close()
	assert.False(t, isMoto(&http.Client{Timeout: 2 * time.Second}, other.URL))
}
