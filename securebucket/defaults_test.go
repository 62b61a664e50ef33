package securebucket_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/securebucket"
)

// TestDefaults pins the defaults; change one only with a reason in defaults.go.
func TestDefaults(t *testing.T) {
	assert.Equal(t, 7, securebucket.DefaultAbortIncompleteMultipartDays)
	assert.Equal(t, "S3SecureAbortIncompleteMultipartUploads", securebucket.LifecycleRuleID)
	assert.Equal(t, 16, securebucket.DefaultConcurrency)
	assert.Equal(t, 8, securebucket.DefaultMaxAttempts)
	assert.Equal(t, 100*time.Millisecond, securebucket.DefaultRetryBaseDelay)
	assert.Equal(t, 5*time.Second, securebucket.DefaultRetryMaxDelay)
	assert.Equal(t, 20480, securebucket.MaxPolicySize)
	assert.Equal(t, []securebucket.Control{"S3.2", "S3.3", "S3.5", "S3Secure.DenyOutdatedTLS", "S3.6", "S3Secure.ServicePrincipalScoped", "S3.8", "S3.12", "S3Secure.SSECBlocked", "S3.14", "S3.13", "S3.10"}, securebucket.DefaultControls())
	assert.Equal(t, append(securebucket.DefaultControls(), "S3.9", "S3.15", "S3.17", "S3Secure.KMSKeyAccount", "S3.20"), securebucket.AllControls())

	// The zero Options is the secure configuration: every opt-out off.
	var o securebucket.Options
	assert.False(t, o.AllowPublicAccess || o.AllowACLs || o.AllowUnversioned || o.AllowSSEC ||
		o.AllowInsecureTransport || o.AllowOutdatedTLS || o.AllowPublicStatementRemoval || o.AllowACLGrantRemoval || o.AllowNoLifecycleRule)
}

func TestControlMetadata(t *testing.T) {
	for _, c := range append(securebucket.AllControls(), securebucket.ControlAccountBPA) {
		assert.NotEmpty(t, c.Title(), c)
		assert.Contains(t, []string{"CRITICAL", "HIGH", "MEDIUM", "LOW"}, c.Severity(), c)
	}
	assert.Equal(t, "CRITICAL", securebucket.ControlPublicRead.Severity())
	assert.Equal(t, "2.1.4", securebucket.ControlBucketBPA.CIS())
	assert.Equal(t, "2.1.2", securebucket.ControlMFADelete.CIS())
	assert.Empty(t, securebucket.Control("S3.99").Title())
}
