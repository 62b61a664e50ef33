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
