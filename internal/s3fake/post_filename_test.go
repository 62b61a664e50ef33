package s3fake_test

import (
	"net/http"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestPostUploadFilenameBeforeConditions: S3 replaces ${filename} in the
// key field before it checks the policy (Ceph s3-tests, written against
// AWS, test_post_object_set_key_from_filename), so a condition pinning the
// key to the literal "in/${filename}" fails for a file named a.csv ("in/a.csv"
// is compared with it). The fake checked the key field as sent, then
// substituted: it stored in/a.csv under a policy S3 refuses.
func TestPostUploadFilenameBeforeConditions(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("uploads", s3fake.StateLegacy))

	fields := signedForm(t, f, "uploads", nil, `["eq","$key","in/${filename}"],`)
	body, ct := multipartForm(t, fields, "a.csv", []byte("a"))
	resp, msg := postTo(t, f.HTTPClient(), f.URL+"/uploads", ct, body)
	assert.Equal(t, http.StatusForbidden, resp.StatusCode, msg)
	assert.Contains(t, msg, "Invalid according to Policy")

	fields = signedForm(t, f, "uploads", nil, `["starts-with","$key","in/a"],`)
	body, ct = multipartForm(t, fields, "a.csv", []byte("a"))
	resp, msg = postTo(t, f.HTTPClient(), f.URL+"/uploads", ct, body)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, "the substituted key in/a.csv starts with in/a: %s", msg)
	assert.Equal(t, f.URL+"/uploads/in/a.csv", resp.Header.Get("Location"))
}
