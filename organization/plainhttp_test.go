package organization_test

import (
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
