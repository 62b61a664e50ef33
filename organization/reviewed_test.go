package organization_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/accountfake"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/securebucket"
)

// TestAuditNoEnabledRegionsIsUnknown: an account whose Region listing
// names no enabled Region (AWS always has its default Regions enabled; an
// endpoint that answers so has told the audit nothing) has its
// per-Region account controls, S3.19, S3.22 and S3.23, as UNKNOWN rows,
// never left out: a gate that blocks on FAIL and UNKNOWN would otherwise
// pass an account whose access points and trails were never read.
func TestAuditNoEnabledRegionsIsUnknown(t *testing.T) {
	f := newFixture(t, 0)
	f.srv.Regions().SetRegions(acctGood, map[string]string{"ap-east-1": accountfake.Disabled})
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, AccountControls: true})
	require.NoError(t, err)
	good := byID(reports)[acctGood]
	require.Equal(t, organization.Audited, good.Status, good.Reason)
	for _, c := range []securebucket.Control{securebucket.ControlAccessPointBPA, securebucket.ControlDataEventsWrite, securebucket.ControlDataEventsRead} {
		var rows []organization.Row
		for _, row := range good.Rows {
			if row.Control == c {
				rows = append(rows, row)
			}
		}
		require.Len(t, rows, 1, "one %s row for the account", c)
		assert.Equal(t, securebucket.StatusUnknown, rows[0].Status, "%+v", rows[0])
		assert.True(t, rows[0].Blocking())
		assert.Contains(t, rows[0].Message, "no enabled Region")
	}
}

// TestAuditAccountOfUnknownStateIsAudited: Organizations lists accounts in
// five states (PENDING_ACTIVATION, ACTIVE, SUSPENDED, PENDING_CLOSURE,
// CLOSED; Organizations User Guide, "Monitor the state of your AWS
// accounts"); only those four that are not ACTIVE are skipped as not
// usable. An account whose state the audit does not know (empty, or one
// AWS adds later) is audited like an active one, not skipped with a
// NOT_APPLICABLE row a gate passes: if it cannot be reached, it is
// UNKNOWN.
func TestAuditAccountOfUnknownStateIsAudited(t *testing.T) {
	f := newFixture(t, 0)
	require.NoError(t, f.org.SetState(acctGood, ""))
	require.NoError(t, f.org.SetState(acctNoRole, "SOME_NEW_STATE"))
	reports, sum, err := f.audit(t.Context(), &organization.Options{Role: role})
	require.NoError(t, err)
	m := byID(reports)
	assert.Equal(t, organization.Audited, m[acctGood].Status, m[acctGood].Reason)
	assert.True(t, hasRow(m[acctGood], "good-data", securebucket.ControlBucketBPA, securebucket.StatusFail))
	assert.Equal(t, organization.Unreachable, m[acctNoRole].Status, "audited, and its role is missing")
	for _, row := range m[acctNoRole].Rows {
		assert.Equal(t, securebucket.StatusUnknown, row.Status, "%+v", row)
	}
	assert.Equal(t, organization.Skipped, m[acctSuspended].Status, "a suspended account is still skipped")
	assert.Equal(t, 1, sum.Skipped)

	for _, state := range []string{"PENDING_ACTIVATION", "PENDING_CLOSURE", "CLOSED"} {
		require.NoError(t, f.org.SetState(acctGood, state))
		reports, _, err := f.audit(t.Context(), &organization.Options{Role: role})
		require.NoError(t, err)
		r := byID(reports)[acctGood]
		assert.Equal(t, organization.Skipped, r.Status, state)
		assert.Contains(t, r.Reason, state)
	}
}
