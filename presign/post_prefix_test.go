package presign_test

import (
	"maps"
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestPostKeyPrefixNeedsSlash: a form's key condition is starts-with, so
// a KeyPrefix that does not end in '/' lets the form write every key
// that merely starts with it: "users/alice" also writes
// "users/alice-evil/x", a folder of another name (one a second user may
// own). Post accepted such a prefix silently; it now refuses it with a
// ValidationError on KeyPrefix unless AllowKeyPrefixWithoutSlash is set.
// Against the fake, which checks forms as S3 does, the opt-in form
// writes the longer name and the '/'-ended one is refused it.
func TestPostKeyPrefixNeedsSlash(t *testing.T) {
	f, _, _ := startFake(t, nil)
	c := f.OwnerCredential()
	p, err := presign.New(aws.Config{Region: f.Region(), Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, "")},
		&presign.Options{Endpoint: f.URL, UsePathStyle: true, Now: f.Now})
	require.NoError(t, err)

	_, err = p.Post(t.Context(), e2eBucket, &presign.PostOptions{KeyPrefix: "users/alice", ContentType: "image/png"})
	require.ErrorIs(t, err, presign.ErrInvalidOption)
	var ve *presign.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.Equal(t, "KeyPrefix", ve.Field)
	assert.Contains(t, err.Error(), "AllowKeyPrefixWithoutSlash")

	upload := func(post *presign.Post, key string) int {
		t.Helper()
		fields := maps.Clone(post.Fields)
		fields["key"] = key
		body, ct := postForm(t, &presign.Post{URL: post.URL, Fields: fields}, nil, "x.png", []byte("x"))
		status, _ := do(t, f.HTTPClient(), "POST", post.URL, http.Header{"Content-Type": {ct}}, body.Bytes())
		return status
	}
	open, err := p.Post(t.Context(), e2eBucket, &presign.PostOptions{KeyPrefix: "users/alice", ContentType: "image/png", AllowKeyPrefixWithoutSlash: true})
	require.NoError(t, err)
	assert.Equal(t, http.StatusNoContent, upload(open, "users/alice-evil/x"), "the opt-in form writes a longer name")

	closed, err := p.Post(t.Context(), e2eBucket, &presign.PostOptions{KeyPrefix: "users/alice/", ContentType: "image/png"})
	require.NoError(t, err)
	assert.Equal(t, http.StatusForbidden, upload(closed, "users/alice-evil/x"))
	assert.Equal(t, http.StatusNoContent, upload(closed, "users/alice/x"))
}
