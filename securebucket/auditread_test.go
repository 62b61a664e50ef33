package securebucket_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/securebucket"
)

func TestAuditUnknownForEachDeniedRead(t *testing.T) {
	cases := map[string][]securebucket.Control{
		"GetBucketPolicy":                 {securebucket.ControlTLSOnly, securebucket.ControlOutdatedTLS, securebucket.ControlCrossAccount, securebucket.ControlServicePrincipal},
		"GetPublicAccessBlock":            {securebucket.ControlBucketBPA},
		"GetBucketOwnershipControls":      {securebucket.ControlACLs},
		"GetBucketEncryption":             {securebucket.ControlSSECBlocked, securebucket.ControlKMS, securebucket.ControlKMSKeyAccount},
		"GetBucketVersioning":             {securebucket.ControlVersioning, securebucket.ControlVersionedLifecycle, securebucket.ControlMFADelete},
		"GetBucketLifecycleConfiguration": {securebucket.ControlLifecycle, securebucket.ControlVersionedLifecycle, securebucket.ControlMFADelete},
		"GetBucketLogging":                {securebucket.ControlLogging},
		"GetObjectLockConfiguration":      {securebucket.ControlObjectLock},
	}
	f, owner := startFake(t)
	bucketIn(t, f, "logs-target", s3fake.StateAWSDefault)
	bucketIn(t, f, "audited", s3fake.StateAWSDefault)
	o := opts()
	o.KMSKeyARN = kmsKey
	o.Logging = &securebucket.Logging{TargetBucket: "logs-target", TargetPrefix: "a/"}
	o.ObjectLock = &securebucket.ObjectLock{}
	_, err := securebucket.Harden(t.Context(), owner, "audited", o)
	require.NoError(t, err)
	cred := f.AddUser(account, "auditor")
	c := f.Client(cred)
	all := &securebucket.AuditOptions{AccountID: account, Retry: fastRetry, Controls: securebucket.AllControls()}
	f.SetAuthorizer(denyingAuthorizer("auditor"))
	rep, err := securebucket.Audit(t.Context(), c, "audited", all)
	require.NoError(t, err)
	for _, r := range rep.Results {
		assert.Contains(t, []securebucket.Status{securebucket.StatusPass, securebucket.StatusNotApplicable}, r.Status, "baseline %s: %s", r.Control, r.Message)
	}
	for op, ctls := range cases {
		t.Run(op, func(t *testing.T) {
			f.SetAuthorizer(denyingAuthorizer("auditor", op))
			rep, err := securebucket.Audit(t.Context(), c, "audited", all)
			require.NoError(t, err)
			st := statuses(rep)
			for _, ctl := range ctls {
				assert.Equal(t, securebucket.StatusUnknown, st[ctl], "%s with %s denied", ctl, op)
			}
			assert.True(t, rep.Failed())
		})
	}
}

func TestAuditUnknownWhenACLDenied(t *testing.T) {
	f, _ := startFake(t)
	bucketIn(t, f, "acl-on", s3fake.StateLegacy)
	cred := f.AddUser(account, "auditor")
	f.SetAuthorizer(denyingAuthorizer("auditor", "GetBucketAcl"))
	rep, err := securebucket.Audit(t.Context(), f.Client(cred), "acl-on", auditOpts())
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, securebucket.StatusUnknown, st[securebucket.ControlPublicRead])
	assert.Equal(t, securebucket.StatusUnknown, st[securebucket.ControlPublicWrite])
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlACLs])
}

func TestAuditPublicWithBucketBPAUnreadable(t *testing.T) {
	f, _ := startFake(t)
	bucketIn(t, f, "acct-blocked", s3fake.StateLegacy)
	f.SetAccountPublicAccessBlock(account, &s3fake.PublicAccessBlock{BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true})
	cred := f.AddUser(account, "auditor")
	f.SetAuthorizer(denyingAuthorizer("auditor", "GetPublicAccessBlock"))
	c := f.Client(cred)
	ao := auditOpts()
	ao.AccountControl = s3controlfake.Start(t, &s3controlfake.Options{S3: f.Server}).Client()
	rep, err := securebucket.Audit(t.Context(), c, "acct-blocked", ao)
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlAccountBPA])
	r, _ := rep.Result(securebucket.ControlPublicRead)
	assert.Equal(t, securebucket.StatusPass, r.Status, r.Message)
	assert.Equal(t, securebucket.StatusUnknown, st[securebucket.ControlBucketBPA])

	f.SetAccountPublicAccessBlock(account, nil)
	// Without the account's settings, nothing public is still a PASS (Block
	// Public Access can only take access away) ...
	rep, err = securebucket.Audit(t.Context(), c, "acct-blocked", auditOpts())
	require.NoError(t, err)
	r, _ = rep.Result(securebucket.ControlPublicRead)
	assert.Equal(t, securebucket.StatusPass, r.Status, r.Message)
	// ... while a public statement is UNKNOWN: the unread bucket settings
	// might neutralise it.
	putPolicy(t, f.OwnerClient(), "acct-blocked", fmtPolicy(publicReadPolicy, "acct-blocked"))
	rep, err = securebucket.Audit(t.Context(), c, "acct-blocked", auditOpts())
	require.NoError(t, err)
	r, _ = rep.Result(securebucket.ControlPublicRead)
	assert.Equal(t, securebucket.StatusUnknown, r.Status, r.Message)
	assert.Error(t, r.Err)
	assert.Contains(t, r.Message, "PublicRead")
}

func TestHardenACLGrantsOfEveryKind(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "granted", s3fake.StateLegacy)
	ownerID := s3fake.CanonicalUserID(account)
	otherID := s3fake.CanonicalUserID("444455556666")
	_, err := c.PutBucketAcl(t.Context(), &s3.PutBucketAclInput{Bucket: aws.String("granted"), AccessControlPolicy: &types.AccessControlPolicy{
		Owner: &types.Owner{ID: aws.String(ownerID)},
		Grants: []types.Grant{
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(ownerID)}, Permission: types.PermissionFullControl},
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String(s3fake.LogDeliveryURI)}, Permission: types.PermissionWrite},
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String(s3fake.LogDeliveryURI)}, Permission: types.PermissionReadAcp},
			{Grantee: &types.Grantee{Type: types.TypeCanonicalUser, ID: aws.String(otherID)}, Permission: types.PermissionRead},
			{Grantee: &types.Grantee{Type: types.TypeGroup, URI: aws.String(s3fake.AllUsersURI)}, Permission: types.PermissionRead},
		}}})
	require.NoError(t, err)
	f.ResetCounts()
	_, err = securebucket.Harden(t.Context(), c, "granted", opts())
	var ge *securebucket.ACLGrantsError
	require.ErrorAs(t, err, &ge)
	assert.Len(t, ge.Grants, 4, "%v", ge.Grants)
	assert.Zero(t, f.WriteCount())
	o := opts()
	o.AllowACLGrantRemoval = true
	_, err = securebucket.Harden(t.Context(), c, "granted", o)
	require.NoError(t, err)
	assertHardened(t, f, "granted")
	cfg, _ := f.Bucket("granted")
	assert.Len(t, cfg.ACL.Grants, 1, "%v", cfg.ACL.Grants)
}
