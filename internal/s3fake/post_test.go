package s3fake_test

import (
	"bytes"
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
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
	"github.com/s3secure/s3secure/internal/sigv4"
	"github.com/s3secure/s3secure/presign"
)

// multipartForm writes fields (in order) and then the file, as browsers do.
func multipartForm(t *testing.T, fields [][2]string, filename string, content []byte) (*bytes.Buffer, string) {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	for _, f := range fields {
		require.NoError(t, mw.WriteField(f[0], f[1]))
	}
	fw, err := mw.CreateFormFile("file", filename)
	require.NoError(t, err)
	_, err = fw.Write(content)
	require.NoError(t, err)
	require.NoError(t, mw.Close())
	return &buf, mw.FormDataContentType()
}

func postTo(t *testing.T, hc *http.Client, url, contentType string, body io.Reader) (*http.Response, string) {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodPost, url, body)
	require.NoError(t, err)
	req.Header.Set("Content-Type", contentType)
	resp, err := hc.Do(req)
	require.NoError(t, err)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp, string(b)
}

// signedForm signs a hand-written POST policy the way S3's documentation
// describes, for the success_action_* fields presign.Presigner.Post does
// not offer.
func signedForm(t *testing.T, f *s3fake.Fake, bucket string, extra [][2]string, conditions string) [][2]string {
	t.Helper()
	c := f.OwnerCredential()
	now := f.Now().UTC()
	date := now.Format("20060102")
	credential := c.AccessKeyID + "/" + date + "/" + f.Region() + "/s3/aws4_request"
	amzDate := now.Format("20060102T150405Z")
	policy := `{"expiration":"` + now.Add(10*time.Minute).Format("2006-01-02T15:04:05.000Z") + `","conditions":[` +
		`{"bucket":"` + bucket + `"},["starts-with","$key","in/"],` + conditions +
		`{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"` + credential + `"},{"x-amz-date":"` + amzDate + `"}]}`
	b64 := base64.StdEncoding.EncodeToString([]byte(policy))
	mac := hmac.New(sha256.New, sigv4.SigningKey(c.SecretAccessKey, date, f.Region(), "s3"))
	mac.Write([]byte(b64))
	fields := [][2]string{{"key", "in/${filename}"}}
	fields = append(fields, extra...)
	return append(fields,
		[2]string{"x-amz-algorithm", "AWS4-HMAC-SHA256"}, [2]string{"x-amz-credential", credential},
		[2]string{"x-amz-date", amzDate}, [2]string{"policy", b64},
		[2]string{"x-amz-signature", hex.EncodeToString(mac.Sum(nil))})
}

func TestPostUpload(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("uploads", s3fake.StateAWSDefault))
	c := f.OwnerCredential()
	p, err := presign.New(aws.Config{Region: f.Region(), Credentials: credentials.NewStaticCredentialsProvider(c.AccessKeyID, c.SecretAccessKey, "")},
		&presign.Options{Endpoint: f.URL, UsePathStyle: true, Now: f.Now})
	require.NoError(t, err)
	post, err := p.Post(t.Context(), "uploads", &presign.PostOptions{KeyPrefix: "avatars/", ContentType: "image/png", MaxContentLength: 16})
	require.NoError(t, err)
	form := func() [][2]string {
		var fields [][2]string
		for k, v := range post.Fields {
			fields = append(fields, [2]string{k, v})
		}
		return fields // with the exact Content-Type the policy requires
	}

	f.ResetCounts()
	body, ct := multipartForm(t, form(), "me.png", []byte("\x89PNG"))
	resp, msg := postTo(t, f.HTTPClient(), post.URL, ct, body)
	require.Equal(t, http.StatusNoContent, resp.StatusCode, msg)
	assert.NotEmpty(t, resp.Header.Get("ETag"))
	assert.Equal(t, f.URL+"/uploads/avatars/me.png", resp.Header.Get("Location"))
	assert.Equal(t, 1, f.Count("PostObject"))

	got, err := f.OwnerClient().GetObject(t.Context(), &s3.GetObjectInput{Bucket: aws.String("uploads"), Key: aws.String("avatars/me.png")})
	require.NoError(t, err)
	data, _ := io.ReadAll(got.Body)
	got.Body.Close()
	assert.Equal(t, "\x89PNG", string(data))
	assert.Equal(t, "image/png", aws.ToString(got.ContentType))
	assert.Equal(t, "AES256", string(got.ServerSideEncryption), "bucket default encryption applies to POST uploads")

	t.Run("too large", func(t *testing.T) {
		body, ct := multipartForm(t, form(), "big.png", bytes.Repeat([]byte("x"), 17))
		resp, msg := postTo(t, f.HTTPClient(), post.URL, ct, body)
		assert.Equal(t, http.StatusBadRequest, resp.StatusCode, "S3 answers a size outside content-length-range with 400")
		assert.Contains(t, msg, "<Code>EntityTooLarge</Code>")
	})
	t.Run("field the policy does not cover", func(t *testing.T) {
		body, ct := multipartForm(t, append(form(), [2]string{"acl", "public-read"}), "a.png", []byte("x"))
		resp, _ := postTo(t, f.HTTPClient(), post.URL, ct, body)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("tampered policy", func(t *testing.T) {
		fields := form()
		for i := range fields {
			if fields[i][0] == "policy" {
				raw, _ := base64.StdEncoding.DecodeString(fields[i][1])
				fields[i][1] = base64.StdEncoding.EncodeToString([]byte(strings.Replace(string(raw), `"avatars/"`, `""`, 1)))
			}
		}
		body, ct := multipartForm(t, fields, "a.png", []byte("x"))
		resp, msg := postTo(t, f.HTTPClient(), post.URL, ct, body)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
		assert.Contains(t, msg, "SignatureDoesNotMatch")
		assert.NotContains(t, msg, c.SecretAccessKey)
	})
	t.Run("unsigned form", func(t *testing.T) {
		body, ct := multipartForm(t, [][2]string{{"key", "avatars/anon.png"}}, "a.png", []byte("x"))
		resp, _ := postTo(t, f.HTTPClient(), post.URL, ct, body)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
	t.Run("not multipart", func(t *testing.T) {
		resp, _ := postTo(t, f.HTTPClient(), post.URL, "application/x-www-form-urlencoded", strings.NewReader("key=a"))
		assert.Equal(t, http.StatusPreconditionFailed, resp.StatusCode)
	})
	t.Run("expired", func(t *testing.T) {
		f.Advance(presign.DefaultExpiry + time.Second)
		body, ct := multipartForm(t, form(), "late.png", []byte("x"))
		resp, _ := postTo(t, f.HTTPClient(), post.URL, ct, body)
		assert.Equal(t, http.StatusForbidden, resp.StatusCode)
	})
}

func TestPostUploadSuccessActions(t *testing.T) {
	f := s3fake.Start(t, nil)
	require.NoError(t, f.CreateBucket("uploads", s3fake.StateLegacy))

	fields := signedForm(t, f, "uploads", [][2]string{{"success_action_status", "201"}}, `{"success_action_status":"201"},`)
	body, ct := multipartForm(t, fields, "report.csv", []byte("a,b\n"))
	resp, msg := postTo(t, f.HTTPClient(), f.URL+"/uploads", ct, body)
	require.Equal(t, http.StatusCreated, resp.StatusCode, msg)
	assert.Contains(t, msg, "<PostResponse>")
	assert.Contains(t, msg, "<Key>in/report.csv</Key>")
	assert.Contains(t, msg, "<Bucket>uploads</Bucket>")

	fields = signedForm(t, f, "uploads", [][2]string{{"success_action_redirect", "https://example.com/done"}}, `{"success_action_redirect":"https://example.com/done"},`)
	body, ct = multipartForm(t, fields, "second.csv", []byte("c,d\n"))
	hc := f.HTTPClient()
	noFollow := *hc
	noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, _ = postTo(t, &noFollow, f.URL+"/uploads", ct, body)
	require.Equal(t, http.StatusSeeOther, resp.StatusCode)
	assert.True(t, strings.HasPrefix(resp.Header.Get("Location"), "https://example.com/done?"), resp.Header.Get("Location"))
	assert.Contains(t, resp.Header.Get("Location"), "key=in%2Fsecond.csv")

	// A public ACL in the form is refused under BucketOwnerEnforced, as a
	// PutObject with x-amz-acl would be.
	require.NoError(t, f.CreateBucket("enforced", s3fake.StateAWSDefault))
	fields = signedForm(t, f, "enforced", [][2]string{{"acl", "public-read"}}, `{"acl":"public-read"},`)
	body, ct = multipartForm(t, fields, "x.csv", []byte("x"))
	resp, msg = postTo(t, f.HTTPClient(), f.URL+"/enforced", ct, body)
	assert.Equal(t, http.StatusBadRequest, resp.StatusCode, msg)
	assert.Contains(t, msg, "AccessControlListNotSupported")
}

// TestResendsAreNotCounted: the counters count operations, so an SDK's
// resend of the same operation (Amz-Sdk-Request attempt=2) is not counted
// again, while other clients' requests (no header) always are.
func TestResendsAreNotCounted(t *testing.T) {
	f := s3fake.Start(t, nil)
	send := func(attempt string) {
		req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, f.URL+"/", nil)
		require.NoError(t, err)
		if attempt != "" {
			req.Header.Set("Amz-Sdk-Request", attempt)
		}
		resp, err := f.HTTPClient().Do(req)
		require.NoError(t, err)
		resp.Body.Close()
	}
	send("attempt=1; max=3")
	send("attempt=2; max=3")
	send("")
	assert.Equal(t, 2, f.Count("ListBuckets"))
}
