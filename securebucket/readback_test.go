package securebucket_test

import (
	"context"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// dropsBlockedTypes is an endpoint that accepts PutBucketEncryption but
// silently drops BlockedEncryptionTypes, as moto 5.2.1 does.
type dropsBlockedTypes struct{ *s3.Client }

func (d dropsBlockedTypes) PutBucketEncryption(ctx context.Context, in *s3.PutBucketEncryptionInput, optFns ...func(*s3.Options)) (*s3.PutBucketEncryptionOutput, error) {
	c := *in
	cfg := *in.ServerSideEncryptionConfiguration
	cfg.Rules = append([]types.ServerSideEncryptionRule(nil), cfg.Rules...)
	for i := range cfg.Rules {
		cfg.Rules[i].BlockedEncryptionTypes = nil
	}
	c.ServerSideEncryptionConfiguration = &cfg
	return d.Client.PutBucketEncryption(ctx, &c, optFns...)
}

// TestHardenReportsWhatTheEndpointDoesNotKeep: a setting the endpoint
// drops is reported as not-kept after one write, not rewritten without end
// nor reported as an update again; the rest of the configuration applies.
// From a bucket without encryption (the write is kept in part) and from
// one with SSE-S3 (the read-back equals the read before the write, which
// is first waited out as a possibly stale read).
func TestHardenReportsWhatTheEndpointDoesNotKeep(t *testing.T) {
	for _, withSSES3 := range []bool{false, true} {
		f, c := startFake(t)
		bucketIn(t, f, "drops", s3fake.StateLegacy)
		if withSSES3 {
			_, err := c.PutBucketEncryption(t.Context(), &s3.PutBucketEncryptionInput{Bucket: aws.String("drops"),
				ServerSideEncryptionConfiguration: &types.ServerSideEncryptionConfiguration{Rules: []types.ServerSideEncryptionRule{{
					ApplyServerSideEncryptionByDefault: &types.ServerSideEncryptionByDefault{SSEAlgorithm: types.ServerSideEncryptionAes256}}}}})
			require.NoError(t, err)
		}
		dc := dropsBlockedTypes{c}
		for run := 1; run <= 2; run++ {
			f.ResetCounts()
			res, err := securebucket.Harden(t.Context(), dc, "drops", opts())
			require.NoError(t, err, "run %d", run)
			enc := stepOf(t, res.Steps, securebucket.StepEncryption)
			assert.Equal(t, securebucket.ActionNotKept, enc.Action, "run %d: %s", run, enc)
			assert.True(t, enc.Applied)
			assert.Contains(t, enc.Detail, "the endpoint did not keep: block SSE-C")
			assert.Equal(t, 1, f.Count("PutBucketEncryption"), "run %d: written once, not again and again", run)
			for _, s := range res.Steps {
				if s.Name != securebucket.StepEncryption && run == 2 {
					assert.Equal(t, securebucket.ActionNone, s.Action, "run 2: %s", s)
				}
			}
		}
		cfg, _ := f.Bucket("drops")
		require.NotNil(t, cfg.Encryption)
		assert.Equal(t, "AES256", cfg.Encryption.SSEAlgorithm)
		assert.False(t, cfg.Encryption.BlocksSSEC())
		f.ResetCounts()
		_, err := securebucket.Harden(t.Context(), c, "drops", opts())
		require.NoError(t, err)
		assert.Equal(t, 1, f.WriteCount(), "an endpoint that keeps it gets it")
		assertHardened(t, f, "drops")
	}
}

// TestHardenRefusesPlainHTTP: over plain HTTP, the TLS-only statement
// Harden writes would refuse its own next request (the fake enforces it
// as AWS does). Plan, Harden and Create refuse before sending anything;
// AllowInsecureTransport leaves the statement out, and then runs.
func TestHardenRefusesPlainHTTP(t *testing.T) {
	f := s3fake.StartHTTP(t, nil)
	require.True(t, strings.HasPrefix(f.URL, "http://"))
	c := f.OwnerClient()
	bucketIn(t, f, "plain", s3fake.StateLegacy)
	f.ResetCounts()
	_, err := securebucket.Harden(t.Context(), c, "plain", opts())
	var pe *securebucket.PlainHTTPError
	require.ErrorAs(t, err, &pe)
	assert.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	assert.Equal(t, "plain", pe.Bucket)
	assert.Equal(t, f.URL, pe.Endpoint)
	assert.Contains(t, err.Error(), "AllowInsecureTransport")
	_, err = securebucket.Plan(t.Context(), c, "plain", opts())
	assert.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	_, err = securebucket.Create(t.Context(), c, "plain-new", opts())
	assert.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	assert.Zero(t, f.TotalCount(), "nothing was sent: %v", f.Counts())

	o := opts()
	o.AllowInsecureTransport = true
	for range 2 {
		_, err = securebucket.Harden(t.Context(), c, "plain", o)
		require.NoError(t, err, "the owner is not locked out")
	}
	cfg, _ := f.Bucket("plain")
	assert.NotContains(t, cfg.Policy, "SecureTransport")
}
