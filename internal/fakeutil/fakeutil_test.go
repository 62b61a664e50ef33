package fakeutil_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"

	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
)

func TestOpsFaultTimes(t *testing.T) {
	tests := []struct {
		name  string
		fault fakeutil.Fault
		hits  []bool // whether each successive request fails
	}{
		{"once", fakeutil.Fault{Status: 503, Code: "SlowDown", Times: 1}, []bool{true, false, false}},
		{"twice", fakeutil.Fault{Status: 503, Code: "SlowDown", Times: 2}, []bool{true, true, false}},
		{"until cleared", fakeutil.Fault{Status: 500, Code: "InternalError"}, []bool{true, true, true, true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var o fakeutil.Ops
			o.SetFault("Op", tt.fault)
			for i, want := range tt.hits {
				f, failed := o.Hit("Op", nil)
				require.Equal(t, want, failed, "request %d", i)
				if failed {
					assert.Equal(t, tt.fault.Status, f.Status)
					assert.Equal(t, tt.fault.Code, f.Code)
				}
			}
			assert.Equal(t, len(tt.hits), o.Count("Op"))
			_, failed := o.Hit("Other", nil)
			assert.False(t, failed, "a fault is per operation")
		})
	}
}

func TestOpsClearAndCounts(t *testing.T) {
	var o fakeutil.Ops
	assert.Equal(t, map[string]int{}, o.Counts(), "zero value counts nothing")
	o.SetFault("A", fakeutil.Fault{Status: 500, Code: "InternalError"})
	o.SetFault("A", fakeutil.Fault{})
	_, failed := o.Hit("A", nil)
	assert.False(t, failed, "a zero Fault clears the operation's fault")

	o.SetFault("A", fakeutil.Fault{Status: 500, Code: "InternalError"})
	o.SetFault("B", fakeutil.Fault{Status: 500, Code: "InternalError"})
	o.ClearFaults()
	_, failedA := o.Hit("A", nil)
	_, failedB := o.Hit("B", nil)
	assert.False(t, failedA || failedB, "ClearFaults removes every fault")

	counts := o.Counts()
	assert.Equal(t, map[string]int{"A": 2, "B": 1}, counts)
	counts["A"] = 99
	assert.Equal(t, 2, o.Count("A"), "Counts returns a copy")
	o.ResetCounts()
	assert.Equal(t, 0, o.Count("A"))
	o.Hit("A", nil)
	assert.Equal(t, 1, o.Count("A"))
}

func TestMotoAccount(t *testing.T) {
	id := fakeutil.MotoAccountID(7)
	assert.Regexp(t, regexp.MustCompile(`^7[0-9]{11}$`), id)

	var got string
	hs := fakeutil.Serve(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r.Header.Get("x-moto-account-id")
	}))
	c := &http.Client{Transport: fakeutil.MotoAccount(id, http.DefaultTransport)}
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, hs.URL, nil)
	require.NoError(t, err)
	resp, err := c.Do(req)
	require.NoError(t, err)
	require.NoError(t, resp.Body.Close())
	assert.Equal(t, id, got)
	assert.Empty(t, req.Header.Get("x-moto-account-id"), "the caller's request is not modified")
}

func TestErrorCode(t *testing.T) {
	api := &smithy.GenericAPIError{Code: "NoSuchBucket", Message: "gone"}
	assert.Equal(t, "NoSuchBucket", fakeutil.ErrorCode(fmt.Errorf("wrapped: %w", api)))
	assert.Equal(t, "", fakeutil.ErrorCode(fmt.Errorf("plain")))
	assert.Equal(t, "", fakeutil.ErrorCode(nil))
}

func TestFaultMessageOrStatus(t *testing.T) {
	assert.Equal(t, "denied", fakeutil.Fault{Status: 403, Message: "denied"}.MessageOrStatus())
	assert.Equal(t, "Forbidden", fakeutil.Fault{Status: 403}.MessageOrStatus())
}

func TestResentRequestsAreNotCountedAgain(t *testing.T) {
	req := func(header string) *http.Request {
		r := httptest.NewRequest(http.MethodPost, "/", nil)
		if header != "" {
			r.Header.Set("Amz-Sdk-Request", header)
		}
		return r
	}
	assert.False(t, fakeutil.Resent(nil))
	assert.False(t, fakeutil.Resent(req("")), "no header: another client's request")
	assert.False(t, fakeutil.Resent(req("attempt=1; max=3")))
	assert.True(t, fakeutil.Resent(req("attempt=2; max=3")))
	assert.True(t, fakeutil.Resent(req("ttl=20260101T000000Z; attempt=3; max=3")))
	assert.False(t, fakeutil.Resent(req("attempt=x")))

	var o fakeutil.Ops
	o.SetFault("Op", fakeutil.Fault{Status: 500, Code: "InternalError", Times: 2})
	_, failed1 := o.Hit("Op", req("attempt=1; max=3"))
	_, failed2 := o.Hit("Op", req("attempt=2; max=3"))
	assert.True(t, failed1)
	assert.True(t, failed2, "a resend still meets the injected fault")
	assert.Equal(t, 1, o.Count("Op"), "the resend is the same operation")
}

// TestProcessEnv: a started process sees none of the user's AWS or proxy
// settings, and what the test sets wins.
func TestProcessEnv(t *testing.T) {
	t.Setenv("AWS_PROFILE", "nonexistent")
	t.Setenv("AWS_ENDPOINT_URL", "http://127.0.0.1:1")
	t.Setenv("aws_region", "mars-1")
	t.Setenv("BOTO_CONFIG", "/nonexistent")
	t.Setenv("HTTPS_PROXY", "http://127.0.0.1:1")
	t.Setenv("S3SECURE_KEPT", "yes")
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Skip("no sh")
	}
	cmd := exec.Command(sh, "-c", "env")
	cmd.Env = fakeutil.ProcessEnv("AWS_REGION=us-east-1", "AWS_CONFIG_FILE=/etc/test-config")
	out, err := cmd.Output()
	require.NoError(t, err)
	got := map[string]string{}
	for _, line := range strings.Split(string(out), "\n") {
		if k, v, ok := strings.Cut(line, "="); ok {
			got[k] = v
		}
	}
	for _, k := range []string{"AWS_PROFILE", "AWS_ENDPOINT_URL", "aws_region", "BOTO_CONFIG", "HTTPS_PROXY"} {
		assert.NotContains(t, got, k)
	}
	assert.Equal(t, "yes", got["S3SECURE_KEPT"], "the rest of the environment is kept")
	assert.Equal(t, "us-east-1", got["AWS_REGION"])
	assert.Equal(t, "/etc/test-config", got["AWS_CONFIG_FILE"], "what the test sets wins")
	assert.Equal(t, "/dev/null", got["AWS_SHARED_CREDENTIALS_FILE"])
	assert.Equal(t, "true", got["AWS_EC2_METADATA_DISABLED"])
}

func TestIsolateAWSEnv(t *testing.T) {
	t.Setenv("AWS_USE_FIPS_ENDPOINT", "true")
	t.Setenv("Https_Proxy", "http://127.0.0.1:1")
	t.Setenv("S3SECURE_KEPT", "yes")
	fakeutil.IsolateAWSEnv()
	for _, k := range []string{"AWS_USE_FIPS_ENDPOINT", "Https_Proxy"} {
		_, set := os.LookupEnv(k)
		assert.False(t, set, k)
	}
	assert.Equal(t, "yes", os.Getenv("S3SECURE_KEPT"))
	assert.Equal(t, "/dev/null", os.Getenv("AWS_CONFIG_FILE"))
	assert.Equal(t, "/dev/null", os.Getenv("AWS_SHARED_CREDENTIALS_FILE"))
}
