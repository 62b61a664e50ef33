package main

import (
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestServeUnsetsEveryServiceEndpoint: serve's unset line names the
// AWS_ENDPOINT_URL_<SERVICE> variable of every service the tool calls,
// whether or not serve's own environment has it: the lines are pasted into
// another shell, where AWS_ENDPOINT_URL_S3 (say) would beat the exported
// AWS_ENDPOINT_URL. It named only those set in serve's environment.
func TestServeUnsetsEveryServiceEndpoint(t *testing.T) {
	cliEnv(t, "", "")
	for _, s := range awsServices {
		t.Setenv(envName(s.id), "")
		os.Unsetenv(envName(s.id))
	}
	vals := startServe(t)
	for _, s := range awsServices {
		v, ok := vals[envName(s.id)]
		assert.True(t, ok && v == "", "%s is unset", envName(s.id))
	}
}
