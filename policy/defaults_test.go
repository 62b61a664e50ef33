package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/policy"
)

// TestDefaults pins the package's defaults; changing one is a decision, not
// an accident.
func TestDefaults(t *testing.T) {
	assert.Equal(t, 20480, policy.BucketPolicyMaxBytes)
	assert.Equal(t, 6144, policy.ManagedPolicyMaxChars)
	assert.Equal(t, 2048, policy.InlineUserPolicyMaxChars)
	assert.Equal(t, 10240, policy.InlineRolePolicyMaxChars)
	assert.Equal(t, 5120, policy.InlineGroupPolicyMaxChars)
	assert.Equal(t, "S3Secure", policy.SidPrefix)
	assert.Equal(t, "1.2", policy.MinTLSVersion)
	assert.Equal(t, "2012-10-17", policy.Version2012)
}
