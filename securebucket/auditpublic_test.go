package securebucket_test

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/securebucket"
)

// publicGrant is a bucket policy that grants one action to everyone on the
// bucket and its objects.
func publicGrant(bucket, action string) string {
	return sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":%q,"Resource":["arn:aws:s3:::%s","arn:aws:s3:::%s/*"]}]}`, action, bucket, bucket)
}

// S3.2 and S3.3 must fail whenever the policy is public by S3's definition
// and the public statement grants an action that applies to the bucket or
// its objects: Read and List actions are public read, Write, Permissions
// management and Tagging actions public write. These grants were reported
// PASS because they were missing from two hand-kept lists, while
// policy.Validate reported the same policy public.
func TestAuditPublicGrantOfAnyAction(t *testing.T) {
	f, c := startFake(t)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite}
	for _, tc := range []struct {
		action string
		fails  securebucket.Control
	}{
		{"s3:PutBucketPublicAccessBlock", securebucket.ControlPublicWrite},
		{"s3:PutObjectVersionAcl", securebucket.ControlPublicWrite},
		{"s3:ReplicateObject", securebucket.ControlPublicWrite},
		{"s3:PutBucketVersioning", securebucket.ControlPublicWrite},
		{"s3:PutObjectRetention", securebucket.ControlPublicWrite},
		{"s3:PutObjectTagging", securebucket.ControlPublicWrite},
		{"s3:GetObjectVersionAcl", securebucket.ControlPublicRead},
		{"s3:GetBucketTagging", securebucket.ControlPublicRead},
		{"s3:ListBucketVersions", securebucket.ControlPublicRead},
	} {
		t.Run(tc.action, func(t *testing.T) {
			bucket := "pub-" + strings.ToLower(strings.TrimPrefix(tc.action, "s3:"))
			bucketIn(t, f, bucket, s3fake.StateLegacy)
			doc := publicGrant(bucket, tc.action)
			putPolicy(t, c, bucket, doc)
			require.True(t, hasFinding(policy.Validate([]byte(doc), nil), policy.CodePublicAccess), "Validate says the policy is public")

			rep, err := securebucket.Audit(t.Context(), c, bucket, ao)
			require.NoError(t, err)
			for _, ctl := range ao.Controls {
				r, ok := rep.Result(ctl)
				require.True(t, ok)
				if ctl == tc.fails {
					assert.Equal(t, securebucket.StatusFail, r.Status, "%s: %s", ctl, r.Message)
					assert.Contains(t, r.Message, tc.action)
				} else {
					assert.Equal(t, securebucket.StatusPass, r.Status, "%s: %s", ctl, r.Message)
				}
			}
		})
	}
}

// Every action of the catalog that applies to a bucket or an object, granted
// to everyone, fails S3.2 or S3.3: a public statement never passes both.
func TestAuditPublicGrantNeverPassesBoth(t *testing.T) {
	if testing.Short() {
		t.Skip("audits one bucket per catalog action")
	}
	f, c := startFake(t)
	bucketIn(t, f, "every-action", s3fake.StateLegacy)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite}
	n := 0
	for _, a := range policy.Actions() {
		if !a.AppliesTo("bucket") && !a.AppliesTo("object") {
			continue
		}
		n++
		putPolicy(t, c, "every-action", publicGrant("every-action", a.Name))
		rep, err := securebucket.Audit(t.Context(), c, "every-action", ao)
		require.NoError(t, err)
		st := statuses(rep)
		read := a.AccessLevel == policy.AccessRead || a.AccessLevel == policy.AccessList
		assert.Equal(t, read, st[securebucket.ControlPublicRead] == securebucket.StatusFail, "%s (%s): S3.2 %s", a.Name, a.AccessLevel, st[securebucket.ControlPublicRead])
		assert.Equal(t, !read, st[securebucket.ControlPublicWrite] == securebucket.StatusFail, "%s (%s): S3.3 %s", a.Name, a.AccessLevel, st[securebucket.ControlPublicWrite])
	}
	assert.Greater(t, n, 100)
}

func hasFinding(fs []policy.Finding, code string) bool {
	for _, f := range fs {
		if f.Code == code {
			return true
		}
	}
	return false
}

// A public grant of an action this version's catalog does not know (AWS
// adds actions) cannot be told read or write: both controls are UNKNOWN,
// never PASS, unless a known action already fails them.
func TestAuditPublicGrantOfUnknownAction(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "pub-unknown", s3fake.StateLegacy)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite}
	// Stored as AWS would, knowing the action; the fake's PutBucketPolicy
	// knows only the catalog's and refuses it ("Policy has invalid action").
	require.NoError(t, f.SetBucketPolicy("pub-unknown", `{"Version":"2012-10-17","Statement":[{"Sid":"Future","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:FrobnicateObject"],"Resource":"arn:aws:s3:::pub-unknown/*"}]}`))
	rep, err := securebucket.Audit(t.Context(), c, "pub-unknown", ao)
	require.NoError(t, err)
	r, _ := rep.Result(securebucket.ControlPublicRead)
	assert.Equal(t, securebucket.StatusFail, r.Status, "s3:GetObject is public read whatever the other action is")
	r, _ = rep.Result(securebucket.ControlPublicWrite)
	assert.Equal(t, securebucket.StatusUnknown, r.Status, r.Message)
	assert.Contains(t, r.Message, "s3:FrobnicateObject")
	assert.Error(t, r.Err)
}

// Only actions that apply to a resource the statement names are granted:
// object actions on the bucket's objects are public read and write, the
// bucket-level s3:PutBucketPolicy on bucket/* grants nothing.
func TestAuditPublicGrantCountsApplicableActions(t *testing.T) {
	f, c := startFake(t)
	bucketIn(t, f, "pub-objects", s3fake.StateLegacy)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite}
	// S3's PutBucketPolicy refuses this statement today ("Action does not
	// apply to any resource(s) in statement"); a policy stored otherwise
	// must still be read right.
	require.NoError(t, f.SetBucketPolicy("pub-objects", `{"Version":"2012-10-17","Statement":[{"Sid":"Objects","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutBucketPolicy"],"Resource":"arn:aws:s3:::pub-objects/*"}]}`))
	rep, err := securebucket.Audit(t.Context(), c, "pub-objects", ao)
	require.NoError(t, err)
	st := statuses(rep)
	assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlPublicRead])
	assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlPublicWrite])

	putPolicy(t, c, "pub-objects", `{"Version":"2012-10-17","Statement":[{"Sid":"AllButRead","Effect":"Allow","Principal":"*","NotAction":["s3:Get*","s3:List*"],"Resource":"arn:aws:s3:::pub-objects/*"}]}`)
	rep, err = securebucket.Audit(t.Context(), c, "pub-objects", ao)
	require.NoError(t, err)
	st = statuses(rep)
	assert.Equal(t, securebucket.StatusPass, st[securebucket.ControlPublicRead], "NotAction excludes every read action")
	r, _ := rep.Result(securebucket.ControlPublicWrite)
	assert.Equal(t, securebucket.StatusFail, r.Status)
	assert.Contains(t, r.Message, `"AllButRead"`)
}

// A bucket may be named like the resource paths of other S3 resource types
// (job, accesspoint, storage-lens, storage-lens-group, access-grants,
// async-request are valid bucket names): arn:aws:s3:::job/* names the
// objects of bucket "job", since an ARN with neither Region nor account is
// a bucket or object ARN ("arn:${Partition}:s3:::${BucketName}/${ObjectName}"
// in the Service Authorization Reference). Public reads and writes of
// such a bucket's objects were reported PASS: the ARN was taken for a Batch
// Operations job, an access point or a Storage Lens configuration, to
// which s3:GetObject and s3:PutObject do not apply.
func TestAuditPublicGrantOnBucketNamedLikeAResourceType(t *testing.T) {
	f, c := startFake(t)
	ao := auditOpts()
	ao.Controls = []securebucket.Control{securebucket.ControlPublicRead, securebucket.ControlPublicWrite}
	for _, bucket := range []string{"job", "accesspoint", "storage-lens", "storage-lens-group", "access-grants", "async-request"} {
		t.Run(bucket, func(t *testing.T) {
			bucketIn(t, f, bucket, s3fake.StateLegacy)
			putPolicy(t, c, bucket, sprintf(`{"Version":"2012-10-17","Statement":[{"Sid":"Everyone","Effect":"Allow","Principal":"*","Action":["s3:GetObject","s3:PutObject"],"Resource":"arn:aws:s3:::%s/reports/2024.csv"}]}`, bucket))
			rep, err := securebucket.Audit(t.Context(), c, bucket, ao)
			require.NoError(t, err)
			st := statuses(rep)
			assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlPublicRead], "S3.2")
			assert.Equal(t, securebucket.StatusFail, st[securebucket.ControlPublicWrite], "S3.3")
		})
	}
}
