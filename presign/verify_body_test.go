package presign_test

import (
	"bytes"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	v4 "github.com/aws/aws-sdk-go-v2/aws/signer/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// countingBody counts the bytes read from it.
type countingBody struct {
	r    *bytes.Reader
	read int
}

func (c *countingBody) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.read += n
	return n, err
}

func (c *countingBody) Close() error { return nil }

// TestVerifyDoesNotReadAnS3Body pins Verify's promise that it does not read
// an S3 body (a presigned PUT's, or a header-signed one's with a hex or
// UNSIGNED-PAYLOAD hash): the handler streams it, and r.Body is left as it
// came, every byte unread.
func TestVerifyDoesNotReadAnS3Body(t *testing.T) {
	creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret}
	payload := []byte("hello, body")
	opts := &presign.VerifyOptions{Now: func() time.Time { return verifyNow.Add(time.Minute) }}

	put, err := newTestPresigner(t, creds, nil).Put(t.Context(), "my-bucket", "k", "text/plain", nil)
	require.NoError(t, err)
	r := requestFor(t, put)
	body := &countingBody{r: bytes.NewReader(payload)}
	r.Body = body
	_, err = presign.Verify(r, lookupFor(creds), opts)
	require.NoError(t, err)
	assert.Same(t, body, r.Body, "presigned PUT: r.Body replaced")
	assert.Zero(t, body.read, "presigned PUT: body read")

	signer := v4.NewSigner(func(o *v4.SignerOptions) { o.DisableURIPathEscaping = true })
	for _, hash := range []string{"UNSIGNED-PAYLOAD", hexSHA256(payload)} {
		r := httptest.NewRequest("PUT", "https://s3.eu-west-1.amazonaws.com/my-bucket/k", bytes.NewReader(payload))
		r.Header.Set("X-Amz-Content-Sha256", hash)
		require.NoError(t, signer.SignHTTP(t.Context(), creds, r, hash, "s3", "eu-west-1", verifyNow))
		body := &countingBody{r: bytes.NewReader(payload)}
		r.Body = body
		v, err := presign.Verify(r, lookupFor(creds), opts)
		require.NoError(t, err, hash)
		assert.Equal(t, hash, v.PayloadHash)
		assert.Same(t, body, r.Body, "header-signed %s: r.Body replaced", hash)
		assert.Zero(t, body.read, "header-signed %s: body read", hash)
	}
}
