package policy_test

import (
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/policy"
)

func TestRequiredActions(t *testing.T) {
	assert.Equal(t, []string{"s3:ListBucket", "s3:GetObject"}, policy.RequiredActions(false, "ListObjectsV2", "GetObject", "HeadObject"))
	assert.Equal(t, []string{"s3:DeleteObject", "s3:DeleteObjectVersion"}, policy.RequiredActions(true, "DeleteObject", "DeleteObjects"))
	assert.Equal(t, []string{"s3:PutObject"}, policy.RequiredActions(false, "PutObject", "CreateMultipartUpload", "UploadPart", "CompleteMultipartUpload"))
	assert.Empty(t, policy.RequiredActions(true, "NoSuchOperation"))
	assert.Empty(t, policy.RequiredActions(true))

	// The intents, derived from the operations they serve.
	assert.Equal(t, []string{"s3:ListBucket"}, policy.ListOnly.Actions())
	assert.Equal(t, []string{"s3:ListBucket", "s3:GetObject"}, policy.ReadOnly.Actions())
	assert.Equal(t, []string{"s3:PutObject", "s3:AbortMultipartUpload"}, policy.WriteOnly.Actions())
	assert.Equal(t, []string{"s3:ListBucket", "s3:GetObject", "s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"}, policy.ReadWrite.Actions())
	assert.Nil(t, policy.Intent("admin").Actions())
}
