package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditDataEventsNotLoggingSaysStartLogging: when the only thing
// missing is a trail's logging (it selects the data events but is
// stopped), S3.22 and S3.23 say to start it (CloudTrail StartLogging):
// they told the user to set up data events with PlanDataEvents, which
// writes event selectors the trail already has and leaves it stopped, so
// the advice, followed, changed nothing. A trail that does not select
// them still gets the PlanDataEvents advice, and both problems get both.
func TestAuditDataEventsNotLoggingSaysStartLogging(t *testing.T) {
	all := cloudtrail.PutEventSelectorsInput{EventSelectors: []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll, "arn:aws:s3")}}

	e := newCtTrailEnv(t)
	e.trail(t, "main", true, false)
	e.put(t, "main", all)
	rs, err := securebucket.AuditDataEvents(t.Context(), e.client, nil)
	require.NoError(t, err)
	require.Len(t, rs, 2)
	for _, r := range rs {
		assert.Equal(t, securebucket.StatusFail, r.Status)
		assert.Equal(t, "trail main selects them but is not logging; start its logging (CloudTrail StartLogging)", r.Message)
	}

	e = newCtTrailEnv(t)
	e.trail(t, "a-stopped", true, false)
	e.put(t, "a-stopped", all)
	e.trail(t, "b-management", true, true)
	rs, err = securebucket.AuditDataEvents(t.Context(), e.client, nil)
	require.NoError(t, err)
	for _, r := range rs {
		assert.Contains(t, r.Message, "trail a-stopped selects them but is not logging; ")
		assert.Contains(t, r.Message, "start the logging of trail a-stopped (CloudTrail StartLogging), or set up data events with securebucket.PlanDataEvents (they are billed per event)")
	}
}
