package securebucket_test

import (
	"context"
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/smithy-go"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestHardenBucketDisabled: S3 answers every request to a bucket AWS has
// disabled with 403 AllAccessDisabled ("All access to this Amazon S3
// resource has been disabled. Contact Amazon Web Services Support for
// further assistance.", S3 API reference, list of error codes). Plan,
// Harden and Create stop at the first such answer, with the *StepError
// Audit returns for it (wrapping the SDK error, saying the bucket is
// disabled and whom to contact), after one request and with nothing
// written; Create sends no CreateBucket for the name. Hardening another
// bucket that logs into the disabled one stops at the target's first
// read, saying so. Before, Plan and
// Harden read every part of the bucket (each refused alike) before
// failing on the first step's read, with no word that the bucket itself
// was disabled, and Create sent CreateBucket after the refused look. The
// same client still hardens the account's other buckets.
func TestHardenBucketDisabled(t *testing.T) {
	f := s3fake.Start(t, nil)
	for _, b := range []string{"shut", "open"} {
		require.NoError(t, f.CreateBucket(b, s3fake.StateLegacy))
	}
	// Every request the client sends to the disabled bucket, at the HTTP
	// layer (path-style; the query names the sub-resource).
	rec := &fakeutil.QueryRecorder{Match: func(r *http.Request) bool {
		return r.URL.Path == "/shut" || strings.HasPrefix(r.URL.Path, "/shut/")
	}}
	client := f.Client(f.OwnerCredential(), func(o *s3.Options) {
		rec.Next, o.HTTPClient = o.HTTPClient, rec
	})
	f.InjectFault(s3fake.AnyOperation, s3fake.Fault{Code: s3fake.FaultAllAccessDisabled, Bucket: "shut"})

	calls := []struct {
		name   string
		bucket string // the StepError's
		step   securebucket.StepName
		call   func(ctx context.Context) error
	}{
		{"Plan", "shut", securebucket.StepBlockPublicAccess, func(ctx context.Context) error {
			_, err := securebucket.Plan(ctx, client, "shut", opts())
			return err
		}},
		{"Harden", "shut", securebucket.StepBlockPublicAccess, func(ctx context.Context) error {
			res, err := securebucket.Harden(ctx, client, "shut", opts())
			if res != nil {
				for _, st := range res.Steps {
					assert.False(t, st.Applied, "%s", st.Name)
				}
			}
			return err
		}},
		{"Harden with logging", "shut", securebucket.StepBlockPublicAccess, func(ctx context.Context) error {
			o := opts()
			o.Logging = &securebucket.Logging{TargetBucket: "open"}
			_, err := securebucket.Harden(ctx, client, "shut", o)
			return err
		}},
		{"Create", "shut", securebucket.StepCreate, func(ctx context.Context) error {
			_, err := securebucket.Create(ctx, client, "shut", opts())
			return err
		}},
		// Another bucket's hardening, logging into the disabled one: the
		// target's first read (its Region) stops it.
		{"logging target", "open", securebucket.StepLogging, func(ctx context.Context) error {
			o := opts()
			o.Logging = &securebucket.Logging{TargetBucket: "shut"}
			_, err := securebucket.Harden(ctx, client, "open", o)
			assert.ErrorContains(t, err, "logging target shut: all access to the bucket has been disabled")
			return err
		}},
	}
	for _, c := range calls {
		t.Run(c.name, func(t *testing.T) {
			f.ResetCounts()
			before := len(rec.Queries())
			err := c.call(t.Context())
			var se *securebucket.StepError
			require.ErrorAs(t, err, &se)
			assert.Equal(t, c.bucket, se.Bucket)
			assert.Equal(t, c.step, se.Step, "the first step: every step needs the bucket")
			var ae smithy.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, "AllAccessDisabled", ae.ErrorCode())
			assert.Contains(t, err.Error(), "all access to the bucket has been disabled")
			assert.Contains(t, err.Error(), "AWS Support")
			sent := rec.Queries()[before:]
			assert.Len(t, sent, 1, "one request, then stop: %q", sent)
			assert.Zero(t, f.WriteCount(), "nothing written: %v", f.Counts())
		})
	}

	t.Run("the other buckets", func(t *testing.T) {
		before := len(rec.Queries())
		defer func() { assert.Len(t, rec.Queries(), before, "no request to the disabled bucket") }()
		res, err := securebucket.Harden(t.Context(), client, "open", opts())
		require.NoError(t, err)
		assert.NotEmpty(t, res.Steps)
		rep, err := securebucket.Audit(t.Context(), client, "open", &securebucket.AuditOptions{Retry: fastRetry})
		require.NoError(t, err)
		assert.False(t, rep.Failed(), "%v", rep.Results)
	})
}
