package policy_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/policy/internal/gen"
)

// dataDir is the repository's copy of the reference data, from which the
// catalog is generated; sharedDataDir is the project's shared reference data
// (../shared/data relative to the repository root), present on development
// machines and in CI, of which dataDir must be an exact copy.
const (
	dataDir       = "internal/gen/data"
	sharedDataDir = "../../shared/data"
)

func TestCatalogGeneratedFilesAreFresh(t *testing.T) {
	files, err := gen.Generate(dataDir)
	require.NoError(t, err)
	require.Contains(t, files, gen.CatalogFile)
	require.Contains(t, files, gen.CodesFile)
	require.Contains(t, files, gen.PartitionsFile)
	for name, want := range files {
		got, err := os.ReadFile(name)
		require.NoError(t, err)
		assert.Truef(t, bytes.Equal(want, got), "%s is stale: run go generate ./policy/...", name)
	}
}

// TestReferenceDataCopyIsFresh fails when the shared reference data has
// changed and the repository's copy (and so the catalog) has not been
// refreshed: copy ../shared/data/* to policy/internal/gen/data and run
// go generate ./policy/...
func TestReferenceDataCopyIsFresh(t *testing.T) {
	entries, err := os.ReadDir(sharedDataDir)
	if err != nil {
		t.Skipf("shared reference data not found at %s (%v); the repository copy is used as is", sharedDataDir, err)
	}
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		want, err := os.ReadFile(filepath.Join(sharedDataDir, e.Name()))
		require.NoError(t, err)
		got, err := os.ReadFile(filepath.Join(dataDir, e.Name()))
		if !assert.NoErrorf(t, err, "%s is missing from %s: copy it from %s", e.Name(), dataDir, sharedDataDir) {
			continue
		}
		assert.Truef(t, bytes.Equal(want, got), "%s/%s differs from %s: copy it and run go generate ./policy/...", dataDir, e.Name(), sharedDataDir)
	}
}

func TestCatalogCounts(t *testing.T) {
	// 168 actions in the 2026-02-13 service reference, 12 added later.
	assert.Len(t, policy.Actions(), 180)
	assert.Len(t, policy.ResourceTypes(), 13)
	// 46 global keys from the TSV plus the s3: keys (aws:RequestTag etc. are in both).
	assert.Greater(t, len(policy.ConditionKeys()), 90)
}

func TestLookupAction(t *testing.T) {
	tests := []struct {
		name      string
		want      string
		level     policy.AccessLevel
		resources []policy.ActionResource
	}{
		{"s3:GetObject", "s3:GetObject", policy.AccessRead, []policy.ActionResource{{ResourceType: "accesspointobject"}, {ResourceType: "object"}}},
		{"S3:getobject", "s3:GetObject", policy.AccessRead, nil},
		{"s3:ListBucket", "s3:ListBucket", policy.AccessList, []policy.ActionResource{{ResourceType: "accesspoint"}, {ResourceType: "bucket"}}},
		{"s3:PutObject", "s3:PutObject", policy.AccessWrite, nil},
		// Permissions-management and tagging actions also carry IsWrite in the
		// service reference; the generator must not call them Write.
		{"s3:PutBucketPolicy", "s3:PutBucketPolicy", policy.AccessPermissionsManagement, nil},
		{"s3:PutBucketAcl", "s3:PutBucketAcl", policy.AccessPermissionsManagement, nil},
		{"s3:PutObjectTagging", "s3:PutObjectTagging", policy.AccessTagging, nil},
		{"s3:ListAllMyBuckets", "s3:ListAllMyBuckets", policy.AccessList, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a, ok := policy.LookupAction(tt.name)
			require.True(t, ok)
			assert.Equal(t, tt.want, a.Name)
			assert.Equal(t, tt.level, a.AccessLevel)
			if tt.resources != nil {
				assert.Equal(t, tt.resources, a.Resources)
			}
		})
	}
	for _, bad := range []string{"s3:GetObjects", "GetObject", "ec2:GetObject", "", "s3:*", "s3:Get*"} {
		_, ok := policy.LookupAction(bad)
		assert.Falsef(t, ok, "LookupAction(%q)", bad)
	}
}

func TestActionDetails(t *testing.T) {
	a, ok := policy.LookupAction("s3:CreateJob")
	require.True(t, ok)
	assert.Equal(t, []string{"iam:PassRole"}, a.DependentActions)
	assert.Empty(t, a.Resources)

	g, ok := policy.LookupAction("s3:GetObject")
	require.True(t, ok)
	assert.True(t, g.AppliesTo("object"))
	assert.False(t, g.AppliesTo("bucket"))
	assert.True(t, g.SupportsConditionKey("s3:ExistingObjectTag/classification"))
	assert.True(t, g.SupportsConditionKey("S3:TLSVERSION"))
	assert.False(t, g.SupportsConditionKey("s3:prefix"))

	l, ok := policy.LookupAction("s3:ListBucket")
	require.True(t, ok)
	assert.True(t, l.SupportsConditionKey("s3:prefix"))
	assert.True(t, l.SupportsConditionKey("s3:delimiter"))

	// The result is a copy: changing it does not change the catalog.
	g.ConditionKeys[0] = "changed"
	g.Resources[0].ResourceType = "changed"
	again, _ := policy.LookupAction("s3:GetObject")
	assert.NotEqual(t, "changed", again.ConditionKeys[0])
	assert.NotEqual(t, "changed", again.Resources[0].ResourceType)
}

func TestExpandActions(t *testing.T) {
	names := func(as []policy.Action) []string {
		var out []string
		for _, a := range as {
			out = append(out, a.Name)
		}
		return out
	}
	assert.Len(t, policy.ExpandActions("*"), 180)
	assert.Len(t, policy.ExpandActions("s3:*"), 180)
	assert.Len(t, policy.ExpandActions("S3:*"), 180)

	get := names(policy.ExpandActions("s3:Get*"))
	require.NotEmpty(t, get)
	assert.Contains(t, get, "s3:GetObject")
	assert.Contains(t, get, "s3:GetBucketPolicy")
	assert.NotContains(t, get, "s3:PutObject")
	for _, n := range get {
		assert.True(t, strings.HasPrefix(n, "s3:Get"), n)
	}
	assert.Equal(t, get, names(policy.ExpandActions("s3:get*")), "case-insensitive")
	assert.Equal(t, get, names(policy.ExpandActions("s3:?et*")))

	assert.Equal(t, []string{"s3:GetObject"}, names(policy.ExpandActions("s3:GetObject")))
	assert.Equal(t, []string{"s3:GetObjectAcl", "s3:GetObjectVersionAcl"}, names(policy.ExpandActions("s3:GetObject*Acl")))
	tagging := names(policy.ExpandActions("s3:*Object*Tagging"))
	assert.Contains(t, tagging, "s3:PutObjectTagging")
	assert.Contains(t, tagging, "s3:DeleteObjectVersionTagging")

	assert.Empty(t, policy.ExpandActions("s3:Frobnicate*"))
	assert.Empty(t, policy.ExpandActions("ec2:*"))
	assert.Empty(t, policy.ExpandActions(""))
}

func TestResourceTypes(t *testing.T) {
	for name, arn := range map[string]string{
		"bucket":            "arn:${Partition}:s3:::${BucketName}",
		"object":            "arn:${Partition}:s3:::${BucketName}/${ObjectName}",
		"accesspoint":       "arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}",
		"accesspointobject": "arn:${Partition}:s3:${Region}:${Account}:accesspoint/${AccessPointName}/object/${ObjectName}",
		"job":               "arn:${Partition}:s3:${Region}:${Account}:job/${JobId}",
	} {
		rt, ok := policy.LookupResourceType(name)
		require.Truef(t, ok, name)
		assert.Equal(t, arn, rt.ARNFormat)
	}
	rt, ok := policy.LookupResourceType("AccessPoint")
	require.True(t, ok)
	assert.Contains(t, rt.ConditionKeys, "s3:DataAccessPointArn")
	_, ok = policy.LookupResourceType("table")
	assert.False(t, ok)
	// Every resource type named by an action exists.
	for _, a := range policy.Actions() {
		for _, r := range a.Resources {
			_, ok := policy.LookupResourceType(r.ResourceType)
			assert.Truef(t, ok, "%s: %s", a.Name, r.ResourceType)
		}
	}
}

func TestLookupConditionKey(t *testing.T) {
	tests := []struct {
		in, name, typ string
		limits        bool
	}{
		{"aws:SourceIp", "aws:SourceIp", "IPAddress", true},
		{"AWS:sourceip", "aws:SourceIp", "IPAddress", true},
		{"aws:SecureTransport", "aws:SecureTransport", "Bool", false},
		{"aws:CurrentTime", "aws:CurrentTime", "Date", false},
		{"aws:PrincipalArn", "aws:PrincipalArn", "ARN", true},
		{"aws:PrincipalOrgID", "aws:PrincipalOrgID", "String", true},
		{"aws:SourceVpce", "aws:SourceVpce", "String", true},
		{"aws:userid", "aws:userid", "String", true},
		{"aws:username", "aws:username", "String", false},
		{"aws:TagKeys", "aws:TagKeys", "ArrayOfString", false},
		{"aws:PrincipalTag/team", "aws:PrincipalTag/${TagKey}", "String", false},
		{"aws:PrincipalTag/${TagKey}", "aws:PrincipalTag/${TagKey}", "String", false},
		{"aws:ResourceTag/Owner", "aws:ResourceTag/${TagKey}", "String", false},
		{"s3:TlsVersion", "s3:TlsVersion", "Numeric", false},
		{"s3:prefix", "s3:prefix", "String", false},
		{"s3:ExistingObjectTag/classification", "s3:ExistingObjectTag/<key>", "String", false},
		{"s3:DataAccessPointArn", "s3:DataAccessPointArn", "ARN", true},
		{"s3:DataAccessPointAccount", "s3:DataAccessPointAccount", "String", true},
		{"s3:x-amz-server-side-encryption-aws-kms-key-id", "s3:x-amz-server-side-encryption-aws-kms-key-id", "ARN", true},
		{"s3:object-lock-retain-until-date", "s3:object-lock-retain-until-date", "Date", false},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			k, ok := policy.LookupConditionKey(tt.in)
			require.True(t, ok)
			assert.Equal(t, tt.name, k.Name)
			assert.Equal(t, tt.typ, k.Type)
			assert.Equal(t, tt.limits, k.LimitsPublicAccess)
		})
	}
	for _, bad := range []string{"aws:SourceIP2", "aws:PrincipalTag", "aws:PrincipalTag/", "s3:foo", "ec2:Region", "", "SourceIp"} {
		_, ok := policy.LookupConditionKey(bad)
		assert.Falsef(t, ok, "LookupConditionKey(%q)", bad)
	}
	k, _ := policy.LookupConditionKey("aws:TagKeys")
	assert.True(t, k.MultiValued())
	assert.True(t, k.Global())
	k, _ = policy.LookupConditionKey("s3:prefix")
	assert.False(t, k.MultiValued())
	assert.False(t, k.Global())
	// Every key an action names resolves.
	for _, a := range policy.Actions() {
		for _, key := range a.ConditionKeys {
			_, ok := policy.LookupConditionKey(key)
			assert.Truef(t, ok, "%s: %s", a.Name, key)
		}
	}
}

func TestGeneratorRejectsBadData(t *testing.T) {
	_, err := gen.Generate(t.TempDir())
	require.Error(t, err)

	// A supplement that disagrees with the access-level flags is an error,
	// not a silently different catalog.
	dir := t.TempDir()
	for _, f := range []string{"aws-service-reference-s3.json", "aws-service-reference-s3.additions.json", "global-condition-keys.tsv", "access-analyzer-checks.tsv"} {
		b, err := os.ReadFile(filepath.Join(dataDir, f))
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o600))
	}
	sup, err := os.ReadFile(filepath.Join(dataDir, "aws-service-reference-s3.supplement.json"))
	require.NoError(t, err)
	sup = bytes.Replace(sup, []byte(`"AccessLevel": "Permissions management"`), []byte(`"AccessLevel": "Write"`), 1)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "aws-service-reference-s3.supplement.json"), sup, 0o600))
	_, err = gen.Generate(dir)
	assert.ErrorContains(t, err, "access level")
}

// TestCatalogHasLaterActions pins the merge of the additions file: the
// actions AWS added after the main snapshot are in the catalog with their
// access level, resource types and condition keys.
func TestCatalogHasLaterActions(t *testing.T) {
	a, ok := policy.LookupAction("s3:AllowVendedLogDeliveryForResource")
	require.True(t, ok)
	assert.Equal(t, policy.AccessRead, a.AccessLevel)
	assert.Equal(t, []policy.ActionResource{{ResourceType: "bucket", Required: true}}, a.Resources)
	assert.Contains(t, a.ConditionKeys, "s3:logType")
	a, ok = policy.LookupAction("s3:PutObjectAnnotation")
	require.True(t, ok)
	assert.Equal(t, policy.AccessWrite, a.AccessLevel)
	assert.Contains(t, a.ConditionKeys, "s3:x-amz-object-if-match")
	for _, k := range []string{"s3:annotation-prefix", "s3:max-annotation-results", "aws:SourceVpcArn", "aws:IsMcpServiceAction"} {
		_, ok := policy.LookupConditionKey(k)
		assert.Truef(t, ok, "LookupConditionKey(%q)", k)
	}
}
