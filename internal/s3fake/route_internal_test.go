package s3fake

import (
	"net/http"
	"net/url"
	"testing"

	"github.com/stretchr/testify/assert"
)

// Every operation the fake routes has the IAM action AWS's reference gives
// it; the table holds operations only.
func TestOperationActions(t *testing.T) {
	for sub, byMethod := range bucketOps {
		for m, op := range byMethod {
			assert.NotEmpty(t, operationAction(op, false), "%s %s ?%s", op, m, sub)
		}
	}
	for _, tc := range []struct {
		method, target, op, action string
	}{
		{http.MethodGet, "/", "ListBuckets", "s3:ListAllMyBuckets"},
		{http.MethodHead, "/b", "HeadBucket", "s3:ListBucket"},
		{http.MethodGet, "/b?list-type=2", "ListObjectsV2", "s3:ListBucket"},
		{http.MethodGet, "/b?lifecycle", "GetBucketLifecycleConfiguration", "s3:GetLifecycleConfiguration"},
		{http.MethodPut, "/b?lifecycle", "PutBucketLifecycleConfiguration", "s3:PutLifecycleConfiguration"},
		{http.MethodDelete, "/b?lifecycle", "DeleteBucketLifecycle", "s3:PutLifecycleConfiguration"},
		{http.MethodDelete, "/b?publicAccessBlock", "DeletePublicAccessBlock", "s3:PutBucketPublicAccessBlock"},
		{http.MethodGet, "/b?encryption", "GetBucketEncryption", "s3:GetEncryptionConfiguration"},
		{http.MethodPost, "/b?delete", "DeleteObjects", "s3:DeleteObject"},
		{http.MethodPost, "/b", "PostObject", "s3:PutObject"},
		{http.MethodGet, "/b/k", "GetObject", "s3:GetObject"},
		{http.MethodGet, "/b/k?versionId=v1", "GetObject", "s3:GetObjectVersion"},
		{http.MethodHead, "/b/k?versionId=v1", "HeadObject", "s3:GetObjectVersion"},
		{http.MethodPut, "/b/k?acl&versionId=v1", "PutObjectAcl", "s3:PutObjectVersionAcl"},
		{http.MethodDelete, "/b/k?tagging", "DeleteObjectTagging", "s3:DeleteObjectTagging"},
		{http.MethodDelete, "/b/k?versionId=v1", "DeleteObject", "s3:DeleteObjectVersion"},
		{http.MethodPost, "/b/k?uploads", "CreateMultipartUpload", "s3:PutObject"},
		{http.MethodPut, "/b/k?uploadId=u&partNumber=1", "UploadPart", "s3:PutObject"},
		{http.MethodDelete, "/b/k?uploadId=u", "AbortMultipartUpload", "s3:AbortMultipartUpload"},
		{http.MethodGet, "/b/k?uploadId=u", "ListParts", "s3:ListMultipartUploadParts"},
	} {
		u, err := url.Parse(tc.target)
		if !assert.NoError(t, err) {
			continue
		}
		r := &http.Request{Method: tc.method, URL: u, Header: http.Header{}}
		rt := classify(r, u.Query())
		assert.Equal(t, tc.op, rt.op, tc.target)
		assert.Equal(t, tc.action, rt.action, "%s %s", tc.method, tc.target)
	}
	assert.Empty(t, operationAction("NoSuchOperation", false))
}
