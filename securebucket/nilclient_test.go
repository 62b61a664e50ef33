package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/securebucket"
)

// TestNilAccountClientsAreInvalidOptions: a nil client, or a nil pointer
// to a real client, is refused as ErrInvalidOptions before any request.
func TestNilAccountClientsAreInvalidOptions(t *testing.T) {
	var ctl *s3control.Client
	var ct *cloudtrail.Client
	_, err := securebucket.ReadAccountPublicAccessBlock(t.Context(), ctl, "111122223333")
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	_, err = securebucket.ReadAccountPublicAccessBlock(t.Context(), nil, "111122223333")
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	_, err = securebucket.PlanDataEvents(t.Context(), ct, "trail", nil)
	assert.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	res := securebucket.AuditAccountPublicAccessBlock(t.Context(), ctl, "111122223333")
	assert.Equal(t, securebucket.StatusUnknown, res.Status, "an unreadable setting is UNKNOWN, never PASS")
}
