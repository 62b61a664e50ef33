package organization_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/organization"
)

// TestRolePartitionFromTheCaller: the member accounts' roles are in the
// partition of the caller's own ARN (STS GetCallerIdentity), as an
// organization and its accounts are in one partition. It was the
// partition of cfg.Region, by prefixes typed by hand that knew cn- and
// us-gov- only, so a Region string that disagrees with the credentials
// made every role ARN wrong and every account UNREACHABLE.
func TestRolePartitionFromTheCaller(t *testing.T) {
	f := newFixture(t, 0)
	f.cfg.Region = "cn-north-1" // the fake's caller is arn:aws:iam::…:root
	reports, _, err := f.audit(t.Context(), &organization.Options{Role: role, Regions: []string{"us-east-1"}})
	require.NoError(t, err)
	r := byID(reports)[acctGood]
	require.NotNil(t, r)
	assert.Equal(t, organization.Audited, r.Status, r.Reason)
	assert.NotContains(t, r.Reason, "arn:aws-cn:")
}
