package fakeutil_test

import (
	"fmt"
	"net/http"
	"regexp"
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
				f, failed := o.Hit("Op")
				require.Equal(t, want, failed, "request %d", i)
				if failed {
					assert.Equal(t, tt.fault.Status, f.Status)
					assert.Equal(t, tt.fault.Code, f.Code)
				}
			}
			assert.Equal(t, len(tt.hits), o.Count("Op"))
			_, failed := o.Hit("Other")
			assert.False(t, failed, "a fault is per operation")
		})
	}
}

func TestOpsClearAndCounts(t *testing.T) {
	var o fakeutil.Ops
	assert.Equal(t, map[string]int{}, o.Counts(), "zero value counts nothing")
	o.SetFault("A", fakeutil.Fault{Status: 500, Code: "InternalError"})
	o.SetFault("A", fakeutil.Fault{})
	_, failed := o.Hit("A")
	assert.False(t, failed, "a zero Fault clears the operation's fault")

	o.SetFault("A", fakeutil.Fault{Status: 500, Code: "InternalError"})
	o.SetFault("B", fakeutil.Fault{Status: 500, Code: "InternalError"})
	o.ClearFaults()
	_, failedA := o.Hit("A")
	_, failedB := o.Hit("B")
	assert.False(t, failedA || failedB, "ClearFaults removes every fault")

	counts := o.Counts()
	assert.Equal(t, map[string]int{"A": 2, "B": 1}, counts)
	counts["A"] = 99
	assert.Equal(t, 2, o.Count("A"), "Counts returns a copy")
	o.ResetCounts()
	assert.Equal(t, 0, o.Count("A"))
	o.Hit("A")
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
