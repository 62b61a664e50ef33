package s3log_test

import (
	"bytes"
	"os"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3log"
	"github.com/s3secure/s3secure/internal/s3log/internal/gen"
	"github.com/s3secure/s3secure/policy"
)

func TestGeneratedFileIsFresh(t *testing.T) {
	want, err := gen.Generate("data/operations.tsv")
	require.NoError(t, err)
	got, err := os.ReadFile("operations_gen.go")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "operations_gen.go is stale: run go generate ./internal/s3log")
}

func TestCloudTrailGeneratedFileIsFresh(t *testing.T) {
	want, err := gen.GenerateCloudTrail("data/cloudtrail-event-names.tsv")
	require.NoError(t, err)
	got, err := os.ReadFile("cloudtrail_gen.go")
	require.NoError(t, err)
	assert.True(t, bytes.Equal(want, got), "cloudtrail_gen.go is stale: run go generate ./internal/s3log")
}

func TestGenerateCloudTrailRefusesBadRows(t *testing.T) {
	for _, tt := range []struct{ name, row, why string }{
		{"unknown API operation", "GetBucketNothing\ts3:GetNothing\tx\n", "not in policy's catalog"},
		{"not qualified", "GetBucketPublicAccessBlock\tGetPublicAccessBlock\tx\n", "not qualified"},
		{"an API name already", "GetObject\ts3:GetObject\tx\n", "API operation of policy's catalog already"},
		{"no action", "CreateSessionEvent\ts3:CreateSession\tx\n", "needs no action"},
		{"twice", "PostObject\ts3:PutObject\tx\nPostObject\ts3:PutObject\tx\n", "listed twice"},
		{"two columns", "PostObject\ts3:PutObject\n", "wrong number of fields"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			path := t.TempDir() + "/ct.tsv"
			require.NoError(t, os.WriteFile(path, []byte("event_name\tapi_operation\tsource\n"+tt.row), 0o600))
			_, err := gen.GenerateCloudTrail(path)
			require.Error(t, err)
			assert.Contains(t, err.Error(), tt.why)
		})
	}
}

// Every event name of the table stands for an operation whose actions
// are those of the API it links to, and other names are their own.
func TestCloudTrailAPIOperation(t *testing.T) {
	for _, tt := range []struct{ event, action string }{
		{"GetBucketPublicAccessBlock", "s3:GetBucketPublicAccessBlock"},
		{"PutBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
		{"DeleteBucketPublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
		{"GetAccountPublicAccessBlock", "s3:GetAccountPublicAccessBlock"},
		{"PutAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"},
		{"DeleteAccountPublicAccessBlock", "s3:PutAccountPublicAccessBlock"},
		{"PostObject", "s3:PutObject"},
		{"GetObject", "s3:GetObject"},
		{"GetBucketLifecycle", "s3:GetLifecycleConfiguration"},
		{"PutBucketNotification", "s3:PutBucketNotification"},
	} {
		t.Run(tt.event, func(t *testing.T) {
			op, ok := policy.LookupOperation(s3log.CloudTrailAPIOperation(tt.event))
			require.True(t, ok, s3log.CloudTrailAPIOperation(tt.event))
			assert.Equal(t, []string{tt.action}, op.Required)
		})
	}
	assert.Equal(t, "NoSuchEvent", s3log.CloudTrailAPIOperation("NoSuchEvent"))
}

func TestGenerateRefusesBadRows(t *testing.T) {
	for name, row := range map[string]string{
		"unknown API operation": "REST.GET.X\tbucket\tGetNothing\tderived\n",
		"bad level":             "REST.GET.OBJECT\tkey\tGetObject\tdoc\n",
		"bad source":            "REST.GET.OBJECT\tobject\tGetObject\trumour\n",
		"different actions":     "REST.GET.X\tobject\tGetObject|PutObject\tderived\n",
		"no action first":       "REST.GET.X\tbucket\tCreateSession\tderived\n",
		"twice":                 "REST.GET.OBJECT\tobject\tGetObject\tdoc\nREST.GET.OBJECT\tobject\tGetObject\tdoc\n",
	} {
		t.Run(name, func(t *testing.T) {
			path := t.TempDir() + "/ops.tsv"
			require.NoError(t, os.WriteFile(path, []byte("operation\tlevel\tapi_operations\tsource\n"+row), 0o600))
			_, err := gen.Generate(path)
			assert.Error(t, err)
		})
	}
}

func TestLookup(t *testing.T) {
	tests := []struct {
		name   string
		level  s3log.Level
		api    string
		action string
	}{
		{"REST.GET.OBJECT", s3log.Object, "GetObject", "s3:GetObject"},
		{"REST.GET.ACL", s3log.Bucket, "GetBucketAcl", "s3:GetBucketAcl"},
		{"REST.GET.ACL", s3log.Object, "GetObjectAcl", "s3:GetObjectAcl"},
		{"REST.GET.BUCKET", s3log.Bucket, "ListObjects", "s3:ListBucket"},
		{"REST.PUT.BUCKETPOLICY", s3log.Bucket, "PutBucketPolicy", "s3:PutBucketPolicy"},
		{"REST.COPY.OBJECT_GET", s3log.Object, "GetObject", "s3:GetObject"},
		{"REST.COPY.OBJECT", s3log.Object, "CopyObject", "s3:PutObject"},
		{"BATCH.DELETE.OBJECT", s3log.Object, "DeleteObjects", "s3:DeleteObject"},
		{"REST.GET.LOGGING_STATUS", s3log.Bucket, "GetBucketLogging", "s3:GetBucketLogging"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o, ok := s3log.Lookup(tt.name, tt.level)
			require.True(t, ok)
			require.NotEmpty(t, o.APIOperations)
			assert.Equal(t, tt.api, o.APIOperations[0])
			op, ok := policy.LookupOperation(o.APIOperations[0])
			require.True(t, ok)
			assert.Equal(t, []string{tt.action}, op.Required)
		})
	}
	_, ok := s3log.Lookup("REST.GET.OBJECT", s3log.Bucket)
	assert.False(t, ok, "an object operation is not looked up on a bucket")
	o, ok := s3log.Lookup("REST.OPTIONS.PREFLIGHT", s3log.Bucket)
	require.True(t, ok)
	assert.Empty(t, o.APIOperations, "a CORS preflight needs no permission")
	o.Name = "changed"
	again, _ := s3log.Lookup("REST.OPTIONS.PREFLIGHT", s3log.Bucket)
	assert.Equal(t, "REST.OPTIONS.PREFLIGHT", again.Name)
}

func TestName(t *testing.T) {
	for _, tt := range []struct {
		api   string
		level s3log.Level
		want  string
	}{
		{"GetObject", s3log.Object, "REST.GET.OBJECT"},
		{"ListObjectsV2", s3log.Bucket, "REST.GET.BUCKET"},
		{"DeleteObject", s3log.Object, "REST.DELETE.OBJECT"},
		{"DeleteObjects", s3log.Bucket, "REST.POST.MULTI_OBJECT_DELETE"},
		{"GetBucketLifecycleConfiguration", s3log.Bucket, "REST.GET.LIFECYCLE"},
		{"PutBucketLogging", s3log.Bucket, "REST.PUT.LOGGING_STATUS"},
	} {
		got, ok := s3log.Name(tt.api, tt.level)
		assert.True(t, ok, tt.api)
		assert.Equal(t, tt.want, got, tt.api)
	}
	_, ok := s3log.Name("GetObject", s3log.Bucket)
	assert.False(t, ok)
}

func TestEveryOperationRoundTrips(t *testing.T) {
	for _, o := range s3log.Operations() {
		got, ok := s3log.Lookup(o.Name, o.Level)
		require.True(t, ok, o.Name)
		assert.Equal(t, o, got)
	}
}
