package securebucket_test

import (
	"context"

	"testing"

	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditsRefuseRemotePlainHTTP: every audit whose client would send
// its requests over plain HTTP to a host that is not loopback is refused
// before any request with a *RemotePlainHTTPError (ErrPlainHTTPEndpoint):
// over plain HTTP nothing authenticates the answers, so anyone on the
// path could forge a PASS. AllowInsecureTransport lets the requests go.
func TestAuditsRefuseRemotePlainHTTP(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	remote := s3.NewFromConfig(cfg)
	control := s3control.NewFromConfig(cfg)
	trails := cloudtrail.NewFromConfig(cfg)
	f := s3fake.Start(t, nil) // HTTPS on loopback
	bucketIn(t, f, "bkt", s3fake.StateAWSDefault)

	cases := []struct {
		call string
		run  func(allow bool) error
	}{
		{"Audit", func(allow bool) error {
			_, err := securebucket.Audit(t.Context(), remote, "bkt", &securebucket.AuditOptions{AllowInsecureTransport: allow, Retry: fastRetry})
			return err
		}},
		{"Audit", func(allow bool) error { // the account's settings over plain HTTP
			_, err := securebucket.Audit(t.Context(), f.OwnerClient(), "bkt",
				&securebucket.AuditOptions{AccountID: account, AccountControl: control, AllowInsecureTransport: allow, Retry: fastRetry})
			return err
		}},
		{"AuditAll", func(allow bool) error {
			_, err := securebucket.AuditAll(t.Context(), remote, &securebucket.AuditOptions{AllowInsecureTransport: allow, Retry: fastRetry})
			return err
		}},
		{"AuditAll", func(allow bool) error {
			_, err := securebucket.AuditAll(t.Context(), f.OwnerClient(),
				&securebucket.AuditOptions{AccountID: account, AccountControl: control, AllowInsecureTransport: allow, Retry: fastRetry})
			return err
		}},
		{"AuditAccount", func(allow bool) error {
			_, err := securebucket.AuditAccount(t.Context(), control, nil, account, &securebucket.AccountAuditOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"AuditAccount", func(allow bool) error {
			_, err := securebucket.AuditAccount(t.Context(), nil, trails, account, &securebucket.AccountAuditOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"AuditAccessPoints", func(allow bool) error {
			_, err := securebucket.AuditAccessPoints(t.Context(), control, account, &securebucket.AccessPointAuditOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"AuditMultiRegionAccessPoints", func(allow bool) error {
			_, err := securebucket.AuditMultiRegionAccessPoints(t.Context(), control, account,
				&securebucket.MultiRegionAccessPointAuditOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"AuditDataEvents", func(allow bool) error {
			_, err := securebucket.AuditDataEvents(t.Context(), trails, &securebucket.DataEventsAuditOptions{AllowInsecureTransport: allow})
			return err
		}},
	}
	for _, tc := range cases {
		t.Run(tc.call, func(t *testing.T) {
			before := sender.Sent()
			err := tc.run(false)
			require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
			var pe *securebucket.RemotePlainHTTPError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "securebucket."+tc.call, pe.Call)
			// S3 Control puts the account id in front of the host.
			assert.Regexp(t, `^http://([0-9]{12}\.)?192\.0\.2\.1:9$`, pe.Endpoint)
			assert.Contains(t, err.Error(), "AllowInsecureTransport")
			assert.Equal(t, before, sender.Sent(), "nothing was sent")

			err = tc.run(true)
			assert.NotErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
			assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
		})
	}
}

// TestAuditLoopbackPlainHTTP: plain HTTP to a loopback host (the fakes,
// s3secure serve, moto) is this machine: the audit runs.
func TestAuditLoopbackPlainHTTP(t *testing.T) {
	f := s3fake.StartHTTP(t, nil)
	bucketIn(t, f, "bkt", s3fake.StateAWSDefault)
	rep, err := securebucket.Audit(t.Context(), f.OwnerClient(), "bkt", nil)
	require.NoError(t, err)
	assert.NotEmpty(t, rep.Results)
	fleet, err := securebucket.AuditAll(t.Context(), f.OwnerClient(), nil)
	require.NoError(t, err)
	assert.Len(t, fleet.Buckets, 1)
}

// dropsOptions is a caller's wrapper that does not pass the per-call
// options on to the SDK client it wraps.
type dropsOptions struct{ *s3.Client }

func (d dropsOptions) GetBucketPolicy(ctx context.Context, in *s3.GetBucketPolicyInput, _ ...func(*s3.Options)) (*s3.GetBucketPolicyOutput, error) {
	return d.Client.GetBucketPolicy(ctx, in)
}

func (d dropsOptions) ListBuckets(ctx context.Context, in *s3.ListBucketsInput, _ ...func(*s3.Options)) (*s3.ListBucketsOutput, error) {
	return d.Client.ListBuckets(ctx, in)
}

// TestAuditsFailClosedForHiddenEndpoint: a client that does not let the
// audit see its endpoint (here a wrapper that drops the per-call options,
// around a client that sends over plain HTTP to a remote host) is
// refused with a *RemotePlainHTTPError whose Endpoint is "": whether its
// answers can be trusted cannot be known. AllowInsecureTransport lets it
// run.
func TestAuditsFailClosedForHiddenEndpoint(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	hidden := dropsOptions{s3.NewFromConfig(cfg)}
	for _, tc := range []struct {
		call string
		run  func(allow bool) error
	}{
		{"Audit", func(allow bool) error {
			_, err := securebucket.Audit(t.Context(), hidden, "bkt", &securebucket.AuditOptions{AllowInsecureTransport: allow, Retry: fastRetry})
			return err
		}},
		{"AuditAll", func(allow bool) error {
			_, err := securebucket.AuditAll(t.Context(), hidden, &securebucket.AuditOptions{AllowInsecureTransport: allow, Retry: fastRetry})
			return err
		}},
	} {
		t.Run(tc.call, func(t *testing.T) {
			err := tc.run(false)
			require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
			var pe *securebucket.RemotePlainHTTPError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "securebucket."+tc.call, pe.Call)
			assert.Empty(t, pe.Endpoint)
			assert.Contains(t, err.Error(), "cannot tell where the client sends its requests")
			assert.Contains(t, err.Error(), "AuditOptions.AllowInsecureTransport")

			before := sender.Sent()
			err = tc.run(true)
			assert.NotErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
			assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
		})
	}
}

// TestReadAccountPublicAccessBlockRefusesRemotePlainHTTP: the account's
// Block Public Access settings (S3.1, and what Plan and Audit build on)
// are read over TLS or from loopback only; an S3 Control client that
// would send over plain HTTP to a remote host is refused before any
// request, by ReadAccountPublicAccessBlock (with an error) and by
// AuditAccountPublicAccessBlock (UNKNOWN, never PASS), unless
// AccountReadOptions.AllowInsecureTransport. More than one options value
// is ErrInvalidOptions, before any request.
func TestReadAccountPublicAccessBlockRefusesRemotePlainHTTP(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	control := s3control.NewFromConfig(cfg)
	assertRefused := func(t *testing.T, err error) {
		t.Helper()
		require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
		var pe *securebucket.RemotePlainHTTPError
		require.ErrorAs(t, err, &pe)
		assert.Equal(t, "securebucket.ReadAccountPublicAccessBlock", pe.Call)
		assert.Equal(t, "http://"+account+".192.0.2.1:9", pe.Endpoint)
		assert.Contains(t, err.Error(), "AccountReadOptions.AllowInsecureTransport")
	}

	before := sender.Sent()
	_, err := securebucket.ReadAccountPublicAccessBlock(t.Context(), control, account)
	assertRefused(t, err)
	_, err = securebucket.ReadAccountPublicAccessBlock(t.Context(), control, account, nil)
	assertRefused(t, err)
	r := securebucket.AuditAccountPublicAccessBlock(t.Context(), control, account)
	assert.Equal(t, securebucket.StatusUnknown, r.Status)
	assertRefused(t, r.Err)
	_, err = securebucket.ReadAccountPublicAccessBlock(t.Context(), control, account, &securebucket.AccountReadOptions{}, &securebucket.AccountReadOptions{})
	require.ErrorIs(t, err, securebucket.ErrInvalidOptions)
	assert.Equal(t, before, sender.Sent(), "nothing was sent")

	allow := &securebucket.AccountReadOptions{AllowInsecureTransport: true}
	_, err = securebucket.ReadAccountPublicAccessBlock(t.Context(), control, account, allow)
	assert.NotErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	r = securebucket.AuditAccountPublicAccessBlock(t.Context(), control, account, allow)
	assert.NotErrorIs(t, r.Err, securebucket.ErrPlainHTTPEndpoint)
	assert.Equal(t, before+2, sender.Sent(), "with AllowInsecureTransport the requests go")
}

// TestReadAccountPublicAccessBlockLoopback: the S3 Control fake serves
// plain HTTP on loopback, which is this machine: the settings are read
// with no options.
func TestReadAccountPublicAccessBlockLoopback(t *testing.T) {
	e := newAcctEnv(t)
	require.Regexp(t, `^http://127\.0\.0\.1:`, e.ctl.URL)
	e.setAccountBPA(t, securebucket.AllPublicAccessBlocked())
	bpa, err := securebucket.ReadAccountPublicAccessBlock(t.Context(), e.control, e.account)
	require.NoError(t, err)
	assert.True(t, bpa.Settings.AllOn())
	assert.Equal(t, securebucket.StatusPass, securebucket.AuditAccountPublicAccessBlock(t.Context(), e.control, e.account).Status)
}

// TestAccountPublicAccessBlockPlanRefusesRemotePlainHTTP: the plan's reads
// (the account's settings, and each bucket's Block Public Access, policy
// and ACL) decide whether applying refuses to cut off public buckets; over
// plain HTTP to a remote host anyone on the path could forge "no public
// bucket" (or "all on already"), so PlanAccountPublicAccessBlock,
// SetAccountPublicAccessBlock and ApplyAccountPublicAccessBlock refuse an
// S3 Control or S3 client that would send that way before any request,
// unless AccountPublicAccessBlockOptions.AllowInsecureTransport. Nothing
// is written.
func TestAccountPublicAccessBlockPlanRefusesRemotePlainHTTP(t *testing.T) {
	e := newAcctEnv(t) // loopback fakes
	e.publicPolicyBucket(t, "website")
	cfg, sender := plainhttptest.Config()
	remoteControl, remoteS3 := s3control.NewFromConfig(cfg), s3.NewFromConfig(cfg)
	ctlCount := func() int { return e.ctl.Count("GetPublicAccessBlock") + e.ctl.Count("PutPublicAccessBlock") }
	for _, tc := range []struct {
		name     string
		control  securebucket.AccountControlAPI
		buckets  securebucket.AccountBucketsAPI
		endpoint string
	}{
		{"S3 Control", remoteControl, e.s3, "http://" + e.account + ".192.0.2.1:9"},
		{"S3", e.control, remoteS3, plainhttptest.Endpoint},
	} {
		t.Run(tc.name, func(t *testing.T) {
			for _, call := range []string{"PlanAccountPublicAccessBlock", "SetAccountPublicAccessBlock"} {
				run := func(allow bool) error {
					o := &securebucket.AccountPublicAccessBlockOptions{AllowInsecureTransport: allow}
					if call == "PlanAccountPublicAccessBlock" {
						_, err := securebucket.PlanAccountPublicAccessBlock(t.Context(), tc.control, tc.buckets, e.account, o)
						return err
					}
					_, err := securebucket.SetAccountPublicAccessBlock(t.Context(), tc.control, tc.buckets, e.account, o)
					return err
				}
				e.s3f.ResetCounts()
				ctlBefore := ctlCount()
				before := sender.Sent()
				err := run(false)
				require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint, call)
				var pe *securebucket.RemotePlainHTTPError
				require.ErrorAs(t, err, &pe)
				assert.Equal(t, "securebucket."+call, pe.Call)
				assert.Equal(t, tc.endpoint, pe.Endpoint)
				assert.Contains(t, err.Error(), "AccountPublicAccessBlockOptions.AllowInsecureTransport")
				assert.Equal(t, before, sender.Sent(), "nothing was sent")
				assert.Zero(t, e.s3f.TotalCount(), "nothing was sent to S3")
				assert.Equal(t, ctlBefore, ctlCount(), "nothing was sent to S3 Control")

				assert.NotErrorIs(t, run(true), securebucket.ErrPlainHTTPEndpoint)
				assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
			}
		})
	}
	bpa, err := securebucket.ReadAccountPublicAccessBlock(t.Context(), e.control, e.account)
	require.NoError(t, err)
	assert.False(t, bpa.Configured, "nothing was written")

	// Apply reads the settings again before writing (and writes nothing
	// when they read as all on): over a remote plain-HTTP S3 Control
	// client it is refused too.
	plan, err := securebucket.PlanAccountPublicAccessBlock(t.Context(), e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	require.False(t, plan.NoChange())
	before := sender.Sent()
	err = securebucket.ApplyAccountPublicAccessBlock(t.Context(), remoteControl, plan, &securebucket.AccountPublicAccessBlockOptions{AllowBlockingPublicBuckets: true})
	require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	var pe *securebucket.RemotePlainHTTPError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "securebucket.ApplyAccountPublicAccessBlock", pe.Call)
	assert.Equal(t, before, sender.Sent(), "nothing was sent")
}

// TestAccountPublicAccessBlockPlanLoopback: over the loopback fakes the
// plan, with no options, names the public bucket.
func TestAccountPublicAccessBlockPlanLoopback(t *testing.T) {
	e := newAcctEnv(t)
	require.Regexp(t, `^http://127\.0\.0\.1:`, e.ctl.URL)
	e.publicPolicyBucket(t, "website")
	plan, err := securebucket.PlanAccountPublicAccessBlock(t.Context(), e.control, e.s3, e.account, nil)
	require.NoError(t, err)
	require.Len(t, plan.PublicBuckets, 1)
	assert.Equal(t, "website", plan.PublicBuckets[0].Bucket)
}
