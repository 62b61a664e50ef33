package organization_test

import (
	"slices"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/organization"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// TestRolePolicyValidates: the printed policy passes policy.Validate with
// no error or warning, and grants no wildcard action.
func TestRolePolicyValidates(t *testing.T) {
	doc, err := organization.RolePolicy()
	require.NoError(t, err)
	b, err := doc.MarshalIndent("", "  ")
	require.NoError(t, err)
	for _, f := range policy.Validate(b, &policy.ValidateOptions{Kind: policy.KindInlineRole}) {
		assert.NotContains(t, []policy.Severity{policy.SeverityError, policy.SeveritySecurityWarning, policy.SeverityWarning}, f.Severity, "%+v", f)
	}
	for _, s := range doc.Statements {
		assert.Equal(t, policy.Allow, s.Effect)
		for _, a := range s.Action {
			assert.NotContains(t, a, "*", "no wildcard action")
		}
	}
}

// TestRolePolicyCoversEveryCall runs the audit (every control, account
// controls) and checks that every S3 and S3 Control operation it called in
// the member account is granted by the role policy, with the actions AWS's
// reference says it needs.
func TestRolePolicyCoversEveryCall(t *testing.T) {
	f := newFixture(t, 0)
	f.srv.S3().ResetCounts()
	_, _, err := f.audit(t.Context(), &organization.Options{Role: role, AccountControls: true, Controls: securebucket.AllControls()})
	require.NoError(t, err)
	doc, err := organization.RolePolicy()
	require.NoError(t, err)
	var granted []string
	for _, s := range doc.Statements {
		granted = append(granted, s.Action...)
	}
	covers := func(name string) {
		o, ok := policy.LookupOperation(name)
		require.True(t, ok, name)
		require.NotEmpty(t, o.Required, "%s needs an s3 action", name)
		for _, a := range o.Required {
			assert.True(t, slices.Contains(granted, a), "the audit calls %s, which needs %s", name, a)
		}
	}
	called := 0
	for op, n := range f.srv.S3().Counts() {
		if n > 0 {
			called++
			covers(op)
		}
	}
	assert.Greater(t, called, 8)
	member, ok := f.srv.Account(acctGood)
	require.True(t, ok)
	controlCalled := 0
	for _, o := range policy.Operations() {
		if o.Service == "s3control" && member.Count(localaws.ServiceS3Control, o.Name) > 0 {
			controlCalled++
			covers("s3control:" + o.Name)
		}
	}
	assert.GreaterOrEqual(t, controlCalled, 2, "the account's Block Public Access and its access points")
	for _, a := range []string{"s3:GetLifecycleConfiguration", "s3:GetAccountPublicAccessBlock", "s3:ListAccessPoints", "s3:GetAccessPoint",
		"s3:ListMultiRegionAccessPoints", "s3:GetMultiRegionAccessPoint", "cloudtrail:DescribeTrails", "cloudtrail:GetTrailStatus", "cloudtrail:GetEventSelectors", "account:ListRegions", "iam:ListAccessKeys"} {
		assert.Contains(t, granted, a)
	}
}
