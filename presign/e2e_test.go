package presign_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/base64"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/presign"
)

const e2eBucket = "presign-e2e"

// startFake runs internal/s3fake with one bucket and one object, and
// returns a Presigner that signs with the owner's credentials on the
// fake's clock.
func startFake(t *testing.T, opts *presign.Options) (*s3fake.Fake, *presign.Presigner, *s3.Client) {
	t.Helper()
	f := s3fake.Start(t, nil)
	owner := f.OwnerClient()
	_, err := owner.CreateBucket(t.Context(), &s3.CreateBucketInput{Bucket: aws.String(e2eBucket)})
	require.NoError(t, err)
	_, err = owner.PutObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String(e2eBucket), Key: aws.String("docs/report 2024+final.txt"),
		Body: strings.NewReader("quarterly numbers"), ContentType: aws.String("text/plain")})
	require.NoError(t, err)

	var o presign.Options
	if opts != nil {
		o = *opts
	}
	o.Endpoint, o.UsePathStyle, o.Now = f.URL, true, f.Now
	c := f.OwnerCredential()
	p, err := presign.New(aws.Config{Region: f.Region(),
		Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, c.SessionToken)}, &o)
	require.NoError(t, err)
	return f, p, owner
}

func do(t *testing.T, client *http.Client, method, url string, header http.Header, body []byte) (int, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), method, url, bytes.NewReader(body))
	require.NoError(t, err)
	req.ContentLength = int64(len(body))
	for k, v := range header {
		if k != "Content-Length" {
			req.Header[k] = v
		}
	}
	resp, err := client.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	require.NoError(t, err)
	return resp.StatusCode, string(b)
}

func TestEndToEndGet(t *testing.T) {
	f, p, _ := startFake(t, nil)
	hc := f.HTTPClient()
	get, err := p.Get(t.Context(), e2eBucket, "docs/report 2024+final.txt", &presign.GetOptions{ResponseContentDisposition: `attachment; filename="r.txt"`})
	require.NoError(t, err)

	status, body := do(t, hc, "GET", get.URL, nil, nil)
	require.Equal(t, http.StatusOK, status, body)
	assert.Equal(t, "quarterly numbers", body)

	head, err := p.Head(t.Context(), e2eBucket, "docs/report 2024+final.txt", nil)
	require.NoError(t, err)
	status, _ = do(t, hc, "HEAD", head.URL, nil, nil)
	assert.Equal(t, http.StatusOK, status)

	status, body = do(t, hc, "GET", tamperParam(get.URL, "X-Amz-Signature"), nil, nil)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "SignatureDoesNotMatch")

	status, body = do(t, hc, "GET", strings.Replace(get.URL, "report", "rep0rt", 1), nil, nil)
	assert.Equal(t, http.StatusForbidden, status, "another key with the same signature")
	assert.Contains(t, body, "SignatureDoesNotMatch")

	status, body = do(t, hc, "DELETE", get.URL, nil, nil)
	assert.Equal(t, http.StatusForbidden, status, "a GET URL cannot delete")
	assert.Contains(t, body, "SignatureDoesNotMatch")

	f.Advance(presign.DefaultExpiry + time.Second)
	status, body = do(t, hc, "GET", get.URL, nil, nil)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "AccessDenied")
	assert.Contains(t, body, "expired")
}

func TestEndToEndPut(t *testing.T) {
	f, p, owner := startFake(t, nil)
	hc := f.HTTPClient()
	content := []byte("<svg xmlns='http://www.w3.org/2000/svg'/>")
	sum := sha256.Sum256(content)
	put, err := p.Put(t.Context(), e2eBucket, "uploads/日本 logo.svg", "image/svg+xml", &presign.PutOptions{
		ContentLength: int64(len(content)), ChecksumSHA256: base64.StdEncoding.EncodeToString(sum[:]), ServerSideEncryption: "AES256"})
	require.NoError(t, err)

	// Deviations from the signed headers are refused.
	wrongType := put.Header.Clone()
	wrongType.Set("Content-Type", "text/html")
	status, body := do(t, hc, "PUT", put.URL, wrongType, content)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "SignatureDoesNotMatch")

	status, body = do(t, hc, "PUT", put.URL, put.Header, append(content, '!'))
	assert.Equal(t, http.StatusForbidden, status, "another length")
	assert.Contains(t, body, "SignatureDoesNotMatch")

	withACL := put.Header.Clone()
	withACL.Set("X-Amz-Acl", "public-read")
	status, _ = do(t, hc, "PUT", put.URL, withACL, content)
	assert.Equal(t, http.StatusForbidden, status, "unsigned x-amz-acl header")

	status, body = do(t, hc, "PUT", put.URL, put.Header, content)
	require.Equal(t, http.StatusOK, status, body)
	out, err := owner.GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String(e2eBucket), Key: aws.String("uploads/日本 logo.svg")})
	require.NoError(t, err)
	defer out.Body.Close()
	got, err := io.ReadAll(out.Body)
	require.NoError(t, err)
	assert.Equal(t, content, got)
	assert.Equal(t, "image/svg+xml", aws.ToString(out.ContentType))

	f.Advance(presign.DefaultExpiry + time.Second)
	status, body = do(t, hc, "PUT", put.URL, put.Header, content)
	assert.Equal(t, http.StatusForbidden, status)
	assert.Contains(t, body, "AccessDenied")
}

func postForm(t *testing.T, post *presign.Post, extra map[string]string, filename string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for k, v := range post.Fields {
		require.NoError(t, mw.WriteField(k, v))
	}
	for k, v := range extra {
		require.NoError(t, mw.WriteField(k, v))
	}
	fw, err := mw.CreateFormFile("file", filename) // the file is the last field
	require.NoError(t, err)
	_, err = fw.Write(content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

func TestEndToEndPost(t *testing.T) {
	// internal/s3fake takes browser POST uploads and checks them with
	// presign.VerifyPost, as S3 checks the form's signature and policy.
	f, _, _ := startFake(t, nil)
	c := f.OwnerCredential()
	p, err := presign.New(aws.Config{Region: f.Region(), Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, "")},
		&presign.Options{Endpoint: f.URL, UsePathStyle: true, Now: f.Now})
	require.NoError(t, err)
	hc := f.HTTPClient()

	post, err := p.Post(t.Context(), e2eBucket, &presign.PostOptions{KeyPrefix: "avatars/u42/", ContentTypePrefix: "image/", MaxContentLength: 64})
	require.NoError(t, err)
	require.Equal(t, f.URL+"/"+e2eBucket, post.URL)

	send := func(url string, extra map[string]string, filename string, content []byte) (int, string) {
		body, ct := postForm(t, post, extra, filename, content)
		return do(t, hc, "POST", url, http.Header{"Content-Type": {ct}}, body.Bytes())
	}

	status, msg := send(post.URL, map[string]string{"Content-Type": "image/png"}, "me.png", []byte("\x89PNG"))
	require.Equal(t, http.StatusNoContent, status, msg)
	get, err := p.Get(t.Context(), e2eBucket, "avatars/u42/me.png", nil)
	require.NoError(t, err)
	status, msg = do(t, hc, "GET", get.URL, nil, nil)
	require.Equal(t, http.StatusOK, status)
	assert.Equal(t, "\x89PNG", msg)

	status, msg = send(post.URL, map[string]string{"Content-Type": "text/html"}, "x.html", []byte("<script>"))
	assert.Equal(t, http.StatusForbidden, status, "content type outside the prefix")
	assert.Contains(t, msg, "Policy Condition failed")
	status, msg = send(post.URL, map[string]string{"Content-Type": "image/png"}, "big.png", bytes.Repeat([]byte("x"), 65))
	assert.Equal(t, http.StatusBadRequest, status, "over the size range")
	assert.Contains(t, msg, "EntityTooLarge")
	status, _ = send(post.URL, map[string]string{"Content-Type": "image/png", "acl": "public-read"}, "a.png", []byte("x"))
	assert.Equal(t, http.StatusForbidden, status, "field outside the policy")
	status, _ = send(f.URL+"/other-bucket", map[string]string{"Content-Type": "image/png"}, "a.png", []byte("x"))
	assert.Equal(t, http.StatusForbidden, status, "another bucket")

	f.Advance(presign.DefaultExpiry + time.Second)
	status, msg = send(post.URL, map[string]string{"Content-Type": "image/png"}, "late.png", []byte("x"))
	assert.Equal(t, http.StatusForbidden, status, "expired")
	assert.Contains(t, msg, "expired")
}
