package organization_test

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/organizations"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/plainhttp/plainhttptest"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditRefusesRemotePlainHTTP: an organization audit whose clients
// would send their requests over plain HTTP to a host that is not
// loopback is refused before any request (anyone on the path could hide
// accounts or forge PASS rows); AllowInsecureTransport lets them go.
func TestAuditRefusesRemotePlainHTTP(t *testing.T) {
	cfg, sender := plainhttptest.Config()
	run := func(allow bool) error {
		_, err := organization.Audit(t.Context(), cfg, organizations.NewFromConfig(cfg), sts.NewFromConfig(cfg),
			func(*organization.Report) error { return nil }, &organization.Options{Role: role, AllowInsecureTransport: allow})
		return err
	}
	err := run(false)
	require.ErrorIs(t, err, organization.ErrPlainHTTPEndpoint)
	require.ErrorIs(t, err, securebucket.ErrPlainHTTPEndpoint)
	var pe *organization.RemotePlainHTTPError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, "organization.Run", pe.Call)
	assert.Equal(t, plainhttptest.Endpoint, pe.Endpoint)
	assert.Contains(t, err.Error(), "Options.AllowInsecureTransport")
	assert.Zero(t, sender.Sent(), "nothing was sent")

	err = run(true)
	assert.NotErrorIs(t, err, organization.ErrPlainHTTPEndpoint)
	assert.Positive(t, sender.Sent(), "with AllowInsecureTransport the requests go")
}

// TestAuditMemberRemotePlainHTTP: a member's S3 Control client over plain
// HTTP to a host that is not loopback gives UNKNOWN account rows saying
// so, never a verdict read from it; nothing is sent to it.
func TestAuditMemberRemotePlainHTTP(t *testing.T) {
	f := newFixture(t, 0)
	remote, sender := plainhttptest.Config()
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, AccountControls: true, Regions: []string{"us-east-1"},
		Clients: &organization.Clients{S3Control: func(aws.Config) securebucket.AccountAuditControlAPI { return s3control.NewFromConfig(remote) }}})
	require.NoError(t, err)
	r := byID(reports)[acctGood]
	require.NotNil(t, r)
	seen := map[securebucket.Control]bool{}
	for _, row := range r.Rows {
		switch row.Control {
		case securebucket.ControlAccountBPA, securebucket.ControlMultiRegionAccessPointBPA, securebucket.ControlAccessPointBPA:
			seen[row.Control] = true
			assert.Equal(t, securebucket.StatusUnknown, row.Status, "%+v", row)
			assert.Contains(t, row.Message, "over plain HTTP")
		}
	}
	assert.Len(t, seen, 3, "%+v", r.Rows)
	assert.Zero(t, sender.Sent(), "nothing was sent")
}

// TestCheckpointFingerprintInsecureTransport: a checkpoint written by a
// run with AllowInsecureTransport is not resumed by one without it (nor
// the other way round); without it the fingerprint is the one earlier
// checkpoints have.
func TestCheckpointFingerprintInsecureTransport(t *testing.T) {
	plain := &organization.Options{Role: role}
	insecure := &organization.Options{Role: role, AllowInsecureTransport: true}
	assert.NotEqual(t, organization.AuditFingerprint(plain), organization.AuditFingerprint(insecure))
	// The fingerprint of these options before AllowInsecureTransport existed.
	assert.Equal(t, "0a2c1a3112b5fef21d2560e8", organization.AuditFingerprint(plain))
}

// dropsOrgOptions and dropsSTSOptions are a caller's wrappers that do not
// pass the per-call options on to the SDK clients they wrap.
type dropsOrgOptions struct{ *organizations.Client }

func (d dropsOrgOptions) ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, _ ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	return d.Client.ListAccounts(ctx, in)
}

type dropsSTSOptions struct{ *sts.Client }

func (d dropsSTSOptions) GetCallerIdentity(ctx context.Context, in *sts.GetCallerIdentityInput, _ ...func(*sts.Options)) (*sts.GetCallerIdentityOutput, error) {
	return d.Client.GetCallerIdentity(ctx, in)
}

func (d dropsSTSOptions) AssumeRole(ctx context.Context, in *sts.AssumeRoleInput, _ ...func(*sts.Options)) (*sts.AssumeRoleOutput, error) {
	return d.Client.AssumeRole(ctx, in)
}

// TestFailClosedForHiddenEndpoint: an Organizations or STS client that
// does not let the run see its endpoint (a wrapper that drops the
// per-call options, here around a client that sends over plain HTTP to a
// remote host, while S3 from cfg is loopback) is refused before the run's
// requests with a *RemotePlainHTTPError whose Endpoint is ""; it was not
// probed at all, so the accounts and the caller were read from it
// unchecked. AllowInsecureTransport lets it run.
func TestFailClosedForHiddenEndpoint(t *testing.T) {
	f := newFixture(t, 0)
	remote, sender := plainhttptest.Config()
	for _, tc := range []struct {
		name  string
		org   organization.OrganizationsAPI
		roles organization.STSAPI
	}{
		{"Organizations", dropsOrgOptions{organizations.NewFromConfig(remote)}, sts.NewFromConfig(f.cfg)},
		{"STS", organizations.NewFromConfig(f.cfg), dropsSTSOptions{sts.NewFromConfig(remote)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			run := func(allow bool) error {
				_, err := organization.Audit(t.Context(), f.cfg, tc.org, tc.roles,
					func(*organization.Report) error { return nil }, &organization.Options{Role: role, AllowInsecureTransport: allow})
				return err
			}
			before := sender.Sent()
			err := run(false)
			require.ErrorIs(t, err, organization.ErrPlainHTTPEndpoint)
			var pe *organization.RemotePlainHTTPError
			require.ErrorAs(t, err, &pe)
			assert.Equal(t, "organization.Run", pe.Call)
			assert.Empty(t, pe.Endpoint)
			assert.Contains(t, err.Error(), "cannot tell where the client sends its requests")
			assert.Contains(t, err.Error(), "Options.AllowInsecureTransport")
			// The wrapper sent the probe's one request itself, without the
			// probe; the run used nothing of it and sent nothing more.
			assert.LessOrEqual(t, sender.Sent()-before, int64(1), "the run refused before its own requests")
			before = sender.Sent()

			assert.NotErrorIs(t, run(true), organization.ErrPlainHTTPEndpoint)
			assert.Greater(t, sender.Sent(), before, "with AllowInsecureTransport the requests go")
		})
	}
}

// TestWrapperPassingOptionsIsProbed: a wrapper that passes the per-call
// options on to its SDK client lets the run see the endpoint: over
// loopback the run goes, and over plain HTTP to a remote host it is
// refused naming that endpoint.
func TestWrapperPassingOptionsIsProbed(t *testing.T) {
	f := newFixture(t, 0)
	_, _, err := f.audit(t.Context(), &organization.Options{Role: role})
	require.NoError(t, err)
	reports := 0
	_, err = organization.Audit(t.Context(), f.cfg, passesOrgOptions{organizations.NewFromConfig(f.cfg)}, sts.NewFromConfig(f.cfg),
		func(*organization.Report) error { reports++; return nil }, &organization.Options{Role: role})
	require.NoError(t, err)
	assert.Positive(t, reports)

	remote, sender := plainhttptest.Config()
	_, err = organization.Audit(t.Context(), f.cfg, passesOrgOptions{organizations.NewFromConfig(remote)}, sts.NewFromConfig(f.cfg),
		func(*organization.Report) error { return nil }, &organization.Options{Role: role})
	var pe *organization.RemotePlainHTTPError
	require.ErrorAs(t, err, &pe)
	assert.Equal(t, plainhttptest.Endpoint, pe.Endpoint)
	assert.Zero(t, sender.Sent(), "nothing was sent")
}

// passesOrgOptions is a caller's wrapper that passes the per-call options
// on.
type passesOrgOptions struct{ c *organizations.Client }

func (p passesOrgOptions) ListAccounts(ctx context.Context, in *organizations.ListAccountsInput, optFns ...func(*organizations.Options)) (*organizations.ListAccountsOutput, error) {
	return p.c.ListAccounts(ctx, in, optFns...)
}

// TestCheckpointInsecureTransportNotReplayedAsSecure: rows a run read with
// AllowInsecureTransport (over plain HTTP from another host, or from a
// client whose endpoint it could not see) are not resumed by a run without
// it, whose rows must have been read over TLS or from loopback, nor the
// other way round; each is refused before any request, as written by a run
// with other options, naming AllowInsecureTransport. With the same option
// the checkpoint is resumed.
func TestCheckpointInsecureTransportNotReplayedAsSecure(t *testing.T) {
	f := newFixture(t, 0)
	for _, written := range []bool{true, false} {
		cp := filepath.Join(t.TempDir(), "org.checkpoint")
		_, _, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey, AllowInsecureTransport: written})
		require.NoError(t, err)

		err = refused(t, f, cp, &organization.Options{Role: role, CheckpointKey: testKey, AllowInsecureTransport: !written})
		require.ErrorIs(t, err, organization.ErrCheckpoint, "written with AllowInsecureTransport %v", written)
		assert.NotErrorIs(t, err, organization.ErrCheckpointIntegrity, "authentic, but of another run")
		assert.Contains(t, err.Error(), "other options")
		assert.Contains(t, err.Error(), "AllowInsecureTransport")

		_, sum, err := f.audit(t.Context(), &organization.Options{Role: role, Checkpoint: cp, CheckpointKey: testKey, AllowInsecureTransport: written})
		require.NoError(t, err)
		assert.Equal(t, 6, sum.Resumed)
	}
}

// TestRunRefusesNilClients: a nil *organizations.Client or *sts.Client
// (a typed nil in the interface, as from a constructor that was skipped)
// is ErrInvalidOptions before any request, not a panic in the transport
// probe or the listing.
func TestRunRefusesNilClients(t *testing.T) {
	f := newFixture(t, 0)
	var org *organizations.Client
	var roles *sts.Client
	for _, c := range []struct {
		org   organization.OrganizationsAPI
		roles organization.STSAPI
	}{{org, sts.NewFromConfig(f.cfg)}, {organizations.NewFromConfig(f.cfg), roles}} {
		for _, allow := range []bool{false, true} {
			_, err := organization.Audit(t.Context(), f.cfg, c.org, c.roles, func(*organization.Report) error { return nil },
				&organization.Options{Role: role, AllowInsecureTransport: allow})
			require.ErrorIs(t, err, organization.ErrInvalidOptions)
		}
	}
}
