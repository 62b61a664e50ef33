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
	op, ok := policy.LookupOperation("CreateSession")
	require.True(t, ok)
	assert.Empty(t, op.Required, "an operation the reference gives no s3 action has none")
}

func TestOperationsAreCopiesAndResolve(t *testing.T) {
	ops := policy.Operations()
	require.Greater(t, len(ops), 100)
	for _, op := range ops {
		for _, a := range append(append([]string{}, op.Required...), op.VersionRequired...) {
			_, ok := policy.LookupAction(a)
			assert.Truef(t, ok, "%s: %s is in the action catalog", op.Name, a)
		}
		if len(op.Actions) > 0 {
			assert.NotEmptyf(t, op.Required, "%s lists actions but none is required", op.Name)
		}
	}
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
