package securebucket_test

import (
	"context"
	"net/http"
	"sync/atomic"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditsRefuseARegionsRemotePlainHTTP: the audits check the endpoint
// of every request, not only of the first: a client whose requests for
// one Region (here by its endpoint resolver) go over plain HTTP to a host
// that is not loopback, while the client's own Region's stay on loopback,
// sends nothing there. AuditAll gives that Region's bucket a Report.Err
// matching ErrPlainHTTPEndpoint (never results anyone on the path could
// have written); Audit of the bucket, which S3 sends to its Region,
// returns the *RemotePlainHTTPError. Before, the check probed the
// client's Region only, and the bucket of eu-west-1 was audited over
// plain HTTP to the remote host: its PASS could have been forged.
func TestAuditsRefuseARegionsRemotePlainHTTP(t *testing.T) {
	f := s3fake.StartHTTP(t, nil)
	bucketIn(t, f, "a-home", s3fake.StateAWSDefault)
	require.NoError(t, f.CreateBucketWith("c-eu", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, Region: "eu-west-1"}))
	remote, sent := plainhttptest.RemoteRegion(f.URL, "eu-west-1")
	c := f.Client(f.OwnerCredential(), remote)

	fleet, err := securebucket.AuditAll(t.Context(), c, &securebucket.AuditOptions{Retry: fastRetry})
	require.NoError(t, err)
	require.Len(t, fleet.Buckets, 2)
	assert.Zero(t, sent.Sent(), "no request went to the remote plain-HTTP host")
	assert.True(t, fleet.Failed())
	home, eu := fleet.Buckets[0], fleet.Buckets[1]
	require.NoError(t, home.Err)
	assert.NotEmpty(t, home.Results)
	assert.Equal(t, "c-eu", eu.Bucket)
	assert.Empty(t, eu.Results, "no verdict read over plain HTTP")
	require.ErrorIs(t, eu.Err, securebucket.ErrPlainHTTPEndpoint)
	var pe *securebucket.RemotePlainHTTPError
	require.ErrorAs(t, eu.Err, &pe)
	assert.Equal(t, "securebucket.AuditAll", pe.Call)
	assert.Contains(t, pe.Endpoint, "http://s3.eu-west-1.example.net:")

	_, err = securebucket.Audit(t.Context(), c, "c-eu", &securebucket.AuditOptions{Retry: fastRetry})
	require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "securebucket.Audit", pe.Call)
	assert.Zero(t, sent.Sent(), "no request went to the remote plain-HTTP host")

	// AllowInsecureTransport lets the requests go.
	fleet, err = securebucket.AuditAll(t.Context(), c, &securebucket.AuditOptions{Retry: fastRetry, AllowInsecureTransport: true})
	require.NoError(t, err)
	require.Len(t, fleet.Buckets, 2)
	assert.NoError(t, fleet.Buckets[1].Err)
	assert.Positive(t, sent.Sent())
}

// TestAccountPublicAccessBlockPlanRefusesARegionsRemotePlainHTTP: the
// plan reads each bucket at its Region's endpoint; a bucket whose Region's
// requests would go over plain HTTP to a host that is not loopback (here
// by the client's endpoint resolver, while the client's own Region stays
// on loopback) is not read there: it is listed in PublicBuckets as not
// checked, with the *RemotePlainHTTPError, so applying refuses by default
// rather than trust "not public" from anyone on the path.
func TestAccountPublicAccessBlockPlanRefusesARegionsRemotePlainHTTP(t *testing.T) {
	f := s3fake.StartHTTP(t, nil)
	ctl := s3controlfake.Start(t, &s3controlfake.Options{S3: f.Server})
	bucketIn(t, f, "a-home", s3fake.StateAWSDefault)
	require.NoError(t, f.CreateBucketWith("c-eu", &s3fake.BucketOptions{State: s3fake.StateAWSDefault, Region: "eu-west-1"}))
	remote, sent := plainhttptest.RemoteRegion(f.URL, "eu-west-1")
	c := f.Client(f.OwnerCredential(), remote)

	plan, err := securebucket.PlanAccountPublicAccessBlock(t.Context(), ctl.Client(), c, f.AccountID(), nil)
	require.NoError(t, err)
	assert.Zero(t, sent.Sent(), "no request went to the remote plain-HTTP host")
	assert.Equal(t, 2, plan.BucketsChecked)
	require.Len(t, plan.PublicBuckets, 1, "%+v", plan.PublicBuckets)
	eu := plan.PublicBuckets[0]
	assert.Equal(t, "c-eu", eu.Bucket)
	require.ErrorIs(t, eu.Err, securebucket.ErrPlainHTTPEndpoint)
	var pe *securebucket.RemotePlainHTTPError
	require.ErrorAs(t, eu.Err, &pe)
	assert.Equal(t, "securebucket.PlanAccountPublicAccessBlock", pe.Call)
	assert.Contains(t, pe.Endpoint, "http://s3.eu-west-1.example.net:")
	require.ErrorIs(t, securebucket.ApplyAccountPublicAccessBlock(t.Context(), ctl.Client(), plan, nil), securebucket.ErrBucketsRelyOnPublicAccess)

	// AllowInsecureTransport lets the requests go.
	plan, err = securebucket.PlanAccountPublicAccessBlock(t.Context(), ctl.Client(), c, f.AccountID(), &securebucket.AccountPublicAccessBlockOptions{AllowInsecureTransport: true})
	require.NoError(t, err)
	assert.Empty(t, plan.PublicBuckets)
	assert.Positive(t, sent.Sent())
}

// TestHardenFailsClosedForHiddenEndpoint: Plan, Harden and Create refuse,
// before sending anything, a client that does not let them see its
// endpoint (a wrapper that drops the per-call options, here of
// GetBucketPolicy, their first read), as the audits do: their per-request
// check of the scheme cannot see such a request, which went over plain
// HTTP to a remote host, where anyone on the path could answer it with a
// policy Harden then writes back with its own statements (a public grant
// kept as someone else's). Before, Plan and Harden read on and planned
// from those answers. AllowInsecureTransport lets it run.
func TestHardenFailsClosedForHiddenEndpoint(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	hidden := dropsOptions{s3.NewFromConfig(cfg)}
	for _, tc := range []struct {
		call string
		run  func(o *securebucket.Options) error
	}{
		{"Plan", func(o *securebucket.Options) error {
			_, err := securebucket.Plan(t.Context(), hidden, "bkt", o)
			return err
		}},
		{"Harden", func(o *securebucket.Options) error {
			_, err := securebucket.Harden(t.Context(), hidden, "bkt", o)
			return err
		}},
		{"Create", func(o *securebucket.Options) error {
			_, err := securebucket.Create(t.Context(), hidden, "bkt", o)
			return err
		}},
	} {
		t.Run(tc.call, func(t *testing.T) {
			before := sender.Sent()
			err := tc.run(opts())
			require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
			var pe *securebucket.RemotePlainHTTPError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "securebucket."+tc.call, pe.Call)
			assert.Empty(t, pe.Endpoint)
			assert.Equal(t, "Options.AllowInsecureTransport", pe.Option)
			assert.LessOrEqual(t, sender.Sent()-before, int64(1), "nothing but the probe's read, which the wrapper sent itself without its options")

			o := opts()
			o.AllowInsecureTransport = true
			err = tc.run(o)
			assert.NotErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
			assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
		})
	}
}

// TestAccessPointWritersRefuseRemotePlainHTTP: DelegateToAccessPoints,
// PlanAccessPoint and CreateAccessPoint, which read the bucket policy and
// write it back merged with their statement (every other statement kept),
// refuse before any request a client that would send over plain HTTP to
// a host that is not loopback: anyone on the path could answer the read
// with a grant of their own, which the write, signed by the caller, would
// put into the bucket policy. They never checked. AllowInsecureTransport
// (DelegateOptions, AccessPointOptions) lets the requests go.
func TestAccessPointWritersRefuseRemotePlainHTTP(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	stop := &cancelOnSend{next: cfg.HTTPClient}
	cfg.HTTPClient = stop

	remote := s3.NewFromConfig(cfg)
	control := s3control.NewFromConfig(cfg)
	const account = "111122223333"
	for _, tc := range []struct {
		call string
		run  func(ctx context.Context, allow bool) error
	}{
		{"DelegateToAccessPoints", func(ctx context.Context, allow bool) error {
			_, err := securebucket.DelegateToAccessPoints(ctx, remote, "bkt", account, &securebucket.DelegateOptions{AllowInsecureTransport: allow})
			return err
		}},
		{"PlanAccessPoint", func(ctx context.Context, allow bool) error {
			_, err := securebucket.PlanAccessPoint(ctx, control, remote, account, "us-east-1", "bkt", "app-ap",
				&securebucket.AccessPointOptions{VPCID: "vpc-1", AllowInsecureTransport: allow})
			return err
		}},
		{"CreateAccessPoint", func(ctx context.Context, allow bool) error {
			_, err := securebucket.CreateAccessPoint(ctx, control, remote, account, "us-east-1", "bkt", "app-ap",
				&securebucket.AccessPointOptions{VPCID: "vpc-1", AllowInsecureTransport: allow})
			return err
		}},
	} {
		t.Run(tc.call, func(t *testing.T) {
			before := sender.Sent()
			err := tc.run(t.Context(), false)
			require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
			var pe *securebucket.RemotePlainHTTPError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "securebucket."+tc.call, pe.Call)
			assert.Regexp(t, `^http://([0-9]{12}\.)?192\.0\.2\.1:9$`, pe.Endpoint)
			assert.Equal(t, before, sender.Sent(), "nothing was sent")

			// The requests it lets go fail (nothing answers), and the
			// writers retry them (DelegateToAccessPoints for seconds): the
			// call's context ends once a request has been sent. (A 300 ms
			// timeout ended it before, which a loaded machine could reach
			// before the first request, and then nothing was sent.)
			ctx, cancel := context.WithCancel(t.Context())
			defer cancel()
			stop.cancel.Store(&cancel)
			err = tc.run(ctx, true)
			assert.NotErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
			assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
		})
	}
	_, err := securebucket.DelegateToAccessPoints(t.Context(), remote, "bkt", account, &securebucket.DelegateOptions{}, &securebucket.DelegateOptions{})
	require.ErrorIs(t, err, securebucket.ErrInvalidOptions)
}

// cancelOnSend is an HTTP client that passes each request to next, then
// calls the cancel function stored last, if any.
type cancelOnSend struct {
	next   aws.HTTPClient
	cancel atomic.Pointer[context.CancelFunc]
}

func (c *cancelOnSend) Do(req *http.Request) (*http.Response, error) {
	resp, err := c.next.Do(req)
	if cancel := c.cancel.Load(); cancel != nil {
		(*cancel)()
	}
	return resp, err
}

// TestDataEventsWritersRefuseRemotePlainHTTP: PlanDataEvents and
// ApplyDataEvents, which read a trail's event selectors and write them
// back with the plan's added, refuse before any request a client that
// would send over plain HTTP to a host that is not loopback: anyone on
// the path could answer the read with other selectors, and the write,
// signed by the caller, would replace the trail's own with them (the
// logging of other buckets lost). They never checked.
// DataEventsOptions.AllowInsecureTransport (kept in the plan for
// ApplyDataEvents) lets the requests go.
func TestDataEventsWritersRefuseRemotePlainHTTP(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	trails := cloudtrail.NewFromConfig(cfg)
	plan := &securebucket.DataEventsPlan{Trail: "arn:aws:cloudtrail:us-east-1:111122223333:trail/main", Logs: []string{"write events of every bucket"}}

	before := sender.Sent()
	_, err := securebucket.PlanDataEvents(t.Context(), trails, "main", nil)
	require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	var pe *securebucket.RemotePlainHTTPError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "securebucket.PlanDataEvents", pe.Call)
	assert.Equal(t, "DataEventsOptions.AllowInsecureTransport", pe.Option)
	err = securebucket.ApplyDataEvents(t.Context(), trails, plan)
	require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "securebucket.ApplyDataEvents", pe.Call)
	assert.Equal(t, before, sender.Sent(), "nothing was sent")

	_, err = securebucket.PlanDataEvents(t.Context(), trails, "main", &securebucket.DataEventsOptions{AllowInsecureTransport: true})
	assert.NotErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")

	// A plan made with AllowInsecureTransport (here on loopback) lets
	// ApplyDataEvents send.
	ts := cloudtrailfake.Start(t, &cloudtrailfake.Options{Region: "us-east-1"})
	e := ctTrailEnv{ts, ts.Client()}
	e.trail(t, "main", true, true)
	allowed, err := securebucket.PlanDataEvents(t.Context(), e.client, "main", &securebucket.DataEventsOptions{AllowInsecureTransport: true})
	require.NoError(t, err)
	require.False(t, allowed.NoChange())
	before = sender.Sent()
	err = securebucket.ApplyDataEvents(t.Context(), trails, allowed)
	assert.NotErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	assert.Greater(t, sender.Sent(), before, "a plan made with AllowInsecureTransport lets the requests go")
}
