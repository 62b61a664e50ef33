package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/policy"
)

func TestLookupOperation(t *testing.T) {
	tests := []struct {
		op       string
		required []string
		version  []string
	}{
		// Rule 1: the action named like the operation.
		{"GetObject", []string{"s3:GetObject"}, []string{"s3:GetObjectVersion"}},
		{"PutBucketPolicy", []string{"s3:PutBucketPolicy"}, nil},
		{"DeleteObject", []string{"s3:DeleteObject"}, []string{"s3:DeleteObjectVersion"}},
		{"GetObjectAcl", []string{"s3:GetObjectAcl"}, []string{"s3:GetObjectVersionAcl"}},
		{"DeleteObjectTagging", []string{"s3:DeleteObjectTagging"}, []string{"s3:DeleteObjectVersionTagging"}},
		// Rule 2: the only action.
		{"HeadBucket", []string{"s3:ListBucket"}, nil},
		{"GetBucketEncryption", []string{"s3:GetEncryptionConfiguration"}, nil},
		{"UploadPart", []string{"s3:PutObject"}, nil},
		// Rule 3: the action also listed for s3-object-lambda.
		{"HeadObject", []string{"s3:GetObject"}, []string{"s3:GetObjectVersion"}},
		{"CopyObject", []string{"s3:PutObject"}, nil},
		{"ListObjectsV2", []string{"s3:ListBucket"}, nil},
		{"CreateMultipartUpload", []string{"s3:PutObject"}, nil},
		// Rule 4: without version forms and unnamed Permissions management.
		{"GetObjectAttributes", []string{"s3:GetObject"}, []string{"s3:GetObjectVersion"}},
		{"DeleteObjects", []string{"s3:DeleteObject"}, []string{"s3:DeleteObjectVersion"}},
		// Rule 5: the only Write-level action.
		{"UploadPartCopy", []string{"s3:PutObject"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.op, func(t *testing.T) {
			op, ok := policy.LookupOperation(tt.op)
			require.True(t, ok)
			assert.Equal(t, tt.op, op.Name)
			assert.Equal(t, tt.required, op.Required)
			assert.Equal(t, tt.version, op.VersionRequired)
			for _, a := range op.Required {
				assert.Contains(t, op.Actions, a, "a required action is one the reference lists")
			}
		})
	}
	_, ok := policy.LookupOperation("getobject")
	assert.False(t, ok, "operation names are compared exactly")
	_, ok = policy.LookupOperation("GetBucket")
	assert.False(t, ok, "an s3control-only operation is not an s3 operation")
	_, ok = policy.LookupOperation("s3control:GetObject")
	assert.False(t, ok, "an s3-only operation is not an s3control operation")
	_, ok = policy.LookupOperation("s3express:CreateSession")
	assert.False(t, ok, "only the s3 and s3control SDK services")
	op, ok := policy.LookupOperation("CreateSession")
	require.True(t, ok)
	assert.Empty(t, op.Required, "an operation authorized by another service's action (s3express:CreateSession) needs no s3 action")
}

// TestLookupOperationSupplement: the operations AWS's service reference
// lists without actions, or once for both SDK services, take theirs from
// policy/internal/gen/data/operations-supplement.tsv (the S3 API Reference).
func TestLookupOperationSupplement(t *testing.T) {
	tests := []struct {
		name, service string
		required      []string
	}{
		// Listed without actions.
		{"GetBucketLifecycleConfiguration", "s3", []string{"s3:GetLifecycleConfiguration"}},
		{"PutBucketLifecycleConfiguration", "s3", []string{"s3:PutLifecycleConfiguration"}},
		{"s3:GetBucketLifecycleConfiguration", "s3", []string{"s3:GetLifecycleConfiguration"}},
		{"GetBucketAbac", "s3", []string{"s3:GetBucketAbac"}},
		{"s3control:GetAccessPointScope", "s3control", nil},                 // s3express:GetAccessPointScope
		{"s3control:ListAccessPointsForDirectoryBuckets", "s3control", nil}, // s3express:
		{"s3control:DeleteBucketLifecycleConfiguration", "s3control", nil},  // s3-outposts:PutLifecycleConfiguration
		// One entry for both services: the S3 operation keeps the
		// reference's actions, S3 Control's has its own.
		{"GetPublicAccessBlock", "s3", []string{"s3:GetBucketPublicAccessBlock"}},
		{"s3control:GetPublicAccessBlock", "s3control", []string{"s3:GetAccountPublicAccessBlock"}},
		{"s3control:PutPublicAccessBlock", "s3control", []string{"s3:PutAccountPublicAccessBlock"}},
		{"s3control:DeletePublicAccessBlock", "s3control", []string{"s3:PutAccountPublicAccessBlock"}},
		{"DeleteBucket", "s3", []string{"s3:DeleteBucket"}},
		{"s3control:DeleteBucket", "s3control", nil},                    // s3-outposts:DeleteBucket
		{"s3control:GetBucketLifecycleConfiguration", "s3control", nil}, // s3-outposts:GetLifecycleConfiguration
		// S3 Control operations the reference maps.
		{"s3control:ListAccessPoints", "s3control", []string{"s3:ListAccessPoints"}},
		{"s3control:GetAccessPointPolicy", "s3control", []string{"s3:GetAccessPointPolicy"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			op, ok := policy.LookupOperation(tt.name)
			require.True(t, ok)
			assert.Equal(t, tt.service, op.Service)
			assert.Equal(t, tt.required, op.Required)
			if tt.required == nil {
				assert.Empty(t, op.Actions)
			}
		})
	}
}

func TestOperationsAreCopiesAndResolve(t *testing.T) {
	ops := policy.Operations()
	require.Greater(t, len(ops), 100)
	services := map[string]int{}
	for i, op := range ops {
		services[op.Service]++
		if i > 0 {
			prev := ops[i-1]
			assert.Truef(t, prev.Service < op.Service || prev.Service == op.Service && prev.Name < op.Name,
				"%s:%s after %s:%s: S3's operations, then S3 Control's, each in name order", op.Service, op.Name, prev.Service, prev.Name)
		}
		got, ok := policy.LookupOperation(op.Service + ":" + op.Name)
		if assert.Truef(t, ok, "%s:%s", op.Service, op.Name) {
			assert.Equal(t, op, got)
		}
		for _, a := range append(append([]string{}, op.Required...), op.VersionRequired...) {
			_, ok := policy.LookupAction(a)
			assert.Truef(t, ok, "%s: %s is in the action catalog", op.Name, a)
		}
		if len(op.Actions) > 0 {
			assert.NotEmptyf(t, op.Required, "%s lists actions but none is required", op.Name)
		}
	}
	assert.Equal(t, map[string]int{"s3": 111, "s3control": 97}, services, "the reference's 190 operations, 18 of them in both SDKs")
	ops[0].Name = "changed"
	if len(ops[0].Actions) > 0 {
		ops[0].Actions[0] = "changed"
	}
	again := policy.Operations()
	assert.NotEqual(t, "changed", again[0].Name)
	if len(again[0].Actions) > 0 {
		assert.NotEqual(t, "changed", again[0].Actions[0])
	}
}
