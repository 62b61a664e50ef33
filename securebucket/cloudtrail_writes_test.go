package securebucket_test

import (
	"context"
	"sync"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	cttypes "github.com/aws/aws-sdk-go-v2/service/cloudtrail/types"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/securebucket"
)

// trailsHook is a trail client whose PutEventSelectors passes through
// put (the endpoint or another writer at that moment).
type trailsHook struct {
	securebucket.TrailsAPI
	mu   sync.Mutex
	puts int
	put  func(n int, next func() error) error
}

func (h *trailsHook) PutEventSelectors(ctx context.Context, in *cloudtrail.PutEventSelectorsInput, optFns ...func(*cloudtrail.Options)) (*cloudtrail.PutEventSelectorsOutput, error) {
	h.mu.Lock()
	h.puts++
	n := h.puts
	h.mu.Unlock()
	var out *cloudtrail.PutEventSelectorsOutput
	err := h.put(n, func() error {
		var err error
		out, err = h.TrailsAPI.PutEventSelectors(ctx, in, optFns...)
		return err
	})
	if err != nil {
		return nil, err
	}
	if out == nil {
		out = &cloudtrail.PutEventSelectorsOutput{}
	}
	return out, nil
}

// TestApplyDataEventsVerifiesTheWrite: PutEventSelectors replaces every
// selector of the trail, so ApplyDataEvents writes them with the package's
// write discipline: a fresh read compared with the plan's, the write, and
// a read back. Before, it wrote once and returned nil whatever happened
// next: an endpoint that answered success without keeping the selectors,
// or another writer who replaced them right after, left the trail without
// the data events and no error; a throttled write failed at once.
func TestApplyDataEventsVerifiesTheWrite(t *testing.T) {
	ctx := t.Context()
	planFor := func(t *testing.T) (ctTrailEnv, *securebucket.DataEventsPlan) {
		e := newCtTrailEnv(t)
		e.trail(t, "main", true, true)
		e.put(t, "main", cloudtrail.PutEventSelectorsInput{EventSelectors: []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeAll)}})
		plan, err := securebucket.PlanDataEvents(ctx, e.client, "main", nil)
		require.NoError(t, err)
		require.False(t, plan.NoChange())
		return e, plan
	}
	audit := func(t *testing.T, e ctTrailEnv) map[string]securebucket.Status {
		rs, err := securebucket.AuditDataEvents(ctx, e.client, nil)
		require.NoError(t, err)
		return acctStatuses(rs)
	}
	logged := map[string]securebucket.Status{"S3.22": securebucket.StatusPass, "S3.23": securebucket.StatusPass}

	t.Run("the endpoint does not keep the write", func(t *testing.T) {
		e, plan := planFor(t)
		c := &trailsHook{TrailsAPI: e.client, put: func(int, func() error) error { return nil }}
		err := securebucket.ApplyDataEvents(ctx, c, plan)
		require.ErrorIs(t, err, securebucket.ErrConflict)
		var te *securebucket.TrailError
		require.ErrorAs(t, err, &te)
		assert.Equal(t, "PutEventSelectors", te.Operation)
		assert.Contains(t, err.Error(), "did not keep")
		assert.Equal(t, 1, c.puts, "written once: writing again would change nothing")
	})
	t.Run("another writer replaces the selectors after the write", func(t *testing.T) {
		e, plan := planFor(t)
		theirs := []cttypes.EventSelector{ctBasic(cttypes.ReadWriteTypeReadOnly)}
		c := &trailsHook{TrailsAPI: e.client, put: func(n int, next func() error) error {
			if err := next(); err != nil {
				return err
			}
			e.put(t, "main", cloudtrail.PutEventSelectorsInput{EventSelectors: theirs})
			return nil
		}}
		err := securebucket.ApplyDataEvents(ctx, c, plan)
		require.ErrorIs(t, err, securebucket.ErrDataEventsChanged, "their selectors were not in the plan: plan again")
		got, err := e.client.GetEventSelectors(ctx, &cloudtrail.GetEventSelectorsInput{TrailName: aws.String("main")})
		require.NoError(t, err)
		assert.Equal(t, cttypes.ReadWriteTypeReadOnly, got.EventSelectors[0].ReadWriteType, "the other writer's change stands")
	})
	t.Run("a throttled write is retried", func(t *testing.T) {
		e, plan := planFor(t)
		c := &trailsHook{TrailsAPI: e.client, put: func(n int, next func() error) error {
			if n == 1 {
				return &smithy.GenericAPIError{Code: "ThrottlingException", Message: "Rate exceeded"}
			}
			return next()
		}}
		require.NoError(t, securebucket.ApplyDataEvents(ctx, c, plan))
		assert.Equal(t, 2, c.puts)
		assert.Equal(t, logged, audit(t, e))
	})
}
