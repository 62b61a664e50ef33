package presign_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/presign"
	"github.com/s3secure/s3secure/s3securetest"
)

// exampleConfig returns the AWS documentation's example credentials. DO NOT
// hardcode credentials in real code: use config.LoadDefaultConfig.
func exampleConfig() aws.Config {
	return aws.Config{Region: "us-east-1",
		Credentials: credentials.NewStaticCredentialsProvider("AKIAIOSFODNN7EXAMPLE", "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY", "")}
}

// A fixed signing time, so the output below is stable. Leave Options.Now
// unset in real code.
func exampleClock() time.Time { return time.Date(2026, 5, 24, 12, 0, 0, 0, time.UTC) }

func ExamplePresigner_Get() {
	p, err := presign.New(exampleConfig(), &presign.Options{Now: exampleClock})
	if err != nil {
		fmt.Println(err)
		return
	}
	req, err := p.Get(context.Background(), "examplebucket", "reports/q3 2026.pdf", &presign.GetOptions{
		ResponseContentDisposition: `attachment; filename="q3.pdf"`,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.URL)
	fmt.Println("expires:", req.Expires.Format(time.RFC3339))
	// Log the request, never the raw URL: String redacts the signature.
	fmt.Println(req)
	// Output:
	// https://examplebucket.s3.us-east-1.amazonaws.com/reports/q3%202026.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260524T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&response-content-disposition=attachment%3B%20filename%3D%22q3.pdf%22&x-id=GetObject&X-Amz-Signature=b7e5b85d377ed97e25ea07bff0353492b301074f7e37cbdfa208aa56e2d9999b
	// expires: 2026-05-24T12:15:00Z
	// GET https://examplebucket.s3.us-east-1.amazonaws.com/reports/q3%202026.pdf?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260524T120000Z&X-Amz-Expires=900&X-Amz-SignedHeaders=host&response-content-disposition=attachment%3B%20filename%3D%22q3.pdf%22&x-id=GetObject&X-Amz-Signature=REDACTED
}

func ExamplePresigner_Put() {
	p, err := presign.New(exampleConfig(), &presign.Options{Now: exampleClock})
	if err != nil {
		fmt.Println(err)
		return
	}
	req, err := p.Put(context.Background(), "examplebucket", "uploads/avatar.png", "image/png", &presign.PutOptions{
		Expires:              5 * time.Minute,
		ContentLength:        2048,
		ServerSideEncryption: "AES256",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.Method, presign.Redact(req.URL))
	// The uploader must send these headers exactly: they are signed.
	for _, k := range sortedHeaderNames(req.Header) {
		fmt.Printf("%s: %s\n", k, req.Header.Get(k))
	}
	// Output:
	// PUT https://examplebucket.s3.us-east-1.amazonaws.com/uploads/avatar.png?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260524T120000Z&X-Amz-Expires=300&X-Amz-SignedHeaders=content-length%3Bcontent-type%3Bhost%3Bx-amz-server-side-encryption&x-id=PutObject&X-Amz-Signature=REDACTED
	// Content-Length: 2048
	// Content-Type: image/png
	// X-Amz-Server-Side-Encryption: AES256
}

func ExamplePresigner_Post() {
	p, err := presign.New(exampleConfig(), &presign.Options{Now: exampleClock})
	if err != nil {
		fmt.Println(err)
		return
	}
	form, err := p.Post(context.Background(), "examplebucket", &presign.PostOptions{
		KeyPrefix:         "avatars/user-42/",
		ContentTypePrefix: "image/",
		MaxContentLength:  1 << 20,
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("action:", form.URL)
	for _, k := range sortedFieldNames(form.Fields) {
		if k == "policy" || k == "x-amz-signature" {
			fmt.Printf("%s: (%d characters)\n", k, len(form.Fields[k]))
			continue
		}
		fmt.Printf("%s: %s\n", k, form.Fields[k])
	}
	// Output:
	// action: https://examplebucket.s3.us-east-1.amazonaws.com/
	// key: avatars/user-42/${filename}
	// policy: (472 characters)
	// x-amz-algorithm: AWS4-HMAC-SHA256
	// x-amz-credential: AKIAIOSFODNN7EXAMPLE/20260524/us-east-1/s3/aws4_request
	// x-amz-date: 20260524T120000Z
	// x-amz-signature: (64 characters)
}

func ExamplePresigner_Get_expiryCap() {
	p, err := presign.New(exampleConfig(), nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	_, err = p.Get(context.Background(), "examplebucket", "k", &presign.GetOptions{Expires: 24 * time.Hour})
	fmt.Println(err)
	fmt.Println(errors.Is(err, presign.ErrExpiryTooLong))
	// Output:
	// presign: expiry 24h0m0s exceeds the 1h0m0s maximum
	// true
}

func ExampleRedact() {
	fmt.Println(presign.Redact("https://b.s3.amazonaws.com/k?X-Amz-Security-Token=FQoG%2Fsecret&X-Amz-Signature=0123abcd"))
	// Output:
	// https://b.s3.amazonaws.com/k?X-Amz-Security-Token=REDACTED&X-Amz-Signature=REDACTED
}

// Example runs a presigned download against the in-memory AWS of package
// s3securetest, whose S3 checks SigV4 like S3 (with the verifier under
// [Verify]): the URL works, and stops working once it is altered or has
// expired.
func Example() {
	ctx := context.Background()
	srv, err := s3securetest.Start(nil) // in a test: s3securetest.NewServer(t, nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	defer srv.Close()
	client := s3.NewFromConfig(srv.Config)
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("reports")}); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := client.PutObject(ctx, &s3.PutObjectInput{Bucket: aws.String("reports"), Key: aws.String("q3.txt"), Body: strings.NewReader("revenue up")}); err != nil {
		fmt.Println(err)
		return
	}

	// The server's clock, so that Advance below can expire the URL. Leave
	// Options.Now unset in real code.
	p, err := presign.New(srv.Config, &presign.Options{Now: srv.Now})
	if err != nil {
		fmt.Println(err)
		return
	}
	req, err := p.Get(ctx, "reports", "q3.txt", &presign.GetOptions{Expires: time.Minute})
	if err != nil {
		fmt.Println(err)
		return
	}
	get := func(url string) {
		resp, err := srv.Client().Get(url) // trusts the server's certificate
		if err != nil {
			fmt.Println(err)
			return
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			var code string
			if _, rest, ok := strings.Cut(string(body), "<Code>"); ok {
				code, _, _ = strings.Cut(rest, "</Code>")
			}
			fmt.Println(resp.StatusCode, code)
			return
		}
		fmt.Println(resp.StatusCode, string(body))
	}
	get(req.URL)
	get(strings.Replace(req.URL, "q3.txt", "q4.txt", 1))
	srv.Advance(61 * time.Second)
	get(req.URL)
	// Output:
	// 200 revenue up
	// 403 SignatureDoesNotMatch
	// 403 AccessDenied
}

func ExampleVerify() {
	p, err := presign.New(exampleConfig(), &presign.Options{Now: exampleClock})
	if err != nil {
		fmt.Println(err)
		return
	}
	req, err := p.Get(context.Background(), "examplebucket", "k", nil)
	if err != nil {
		fmt.Println(err)
		return
	}
	lookup := func(accessKeyID string) (aws.Credentials, bool) {
		// Look the secret up in your own store.
		c, err := exampleConfig().Credentials.Retrieve(context.Background())
		return c, err == nil && c.AccessKeyID == accessKeyID
	}
	check := func(at time.Time) {
		r, _ := http.NewRequest(req.Method, req.URL, nil)
		v, err := presign.Verify(r, lookup, &presign.VerifyOptions{Now: func() time.Time { return at }})
		if err != nil {
			var ve *presign.VerifyError
			errors.As(err, &ve)
			fmt.Println(ve.S3Code(), errors.Is(err, presign.ErrExpired))
			return
		}
		fmt.Println("ok", v.AccessKeyID, v.ExpiresAt.Format(time.RFC3339))
	}
	check(exampleClock().Add(time.Minute))
	check(exampleClock().Add(16 * time.Minute))
	// Output:
	// ok AKIAIOSFODNN7EXAMPLE 2026-05-24T12:15:00Z
	// AccessDenied true
}

func sortedHeaderNames(h http.Header) []string {
	names := make([]string, 0, len(h))
	for k := range h {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

func sortedFieldNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	sort.Strings(names)
	return names
}

// UploadPart (and Delete) are opt-ins. A presigned part upload lets whoever
// holds the URL write up to 5 GiB into your unfinished multipart upload
// until it expires: hand such URLs only to the uploader, keep them short,
// and pin each part's size and checksum.
func ExamplePresigner_UploadPart() {
	p, err := presign.New(exampleConfig(), &presign.Options{Now: exampleClock, AllowUploadPart: true})
	if err != nil {
		fmt.Println(err)
		return
	}
	req, err := p.UploadPart(context.Background(), "examplebucket", "videos/big.mp4", "upload-id-from-CreateMultipartUpload", 3,
		&presign.UploadPartOptions{ContentLength: 8 << 20, Expires: 10 * time.Minute})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println(req.Method, presign.Redact(req.URL))
	fmt.Println("Content-Length:", req.Header.Get("Content-Length"))

	// Without the opt-in the method is refused.
	strict, _ := presign.New(exampleConfig(), nil)
	_, err = strict.UploadPart(context.Background(), "examplebucket", "videos/big.mp4", "id", 3, nil)
	fmt.Println(err)
	// Output:
	// PUT https://examplebucket.s3.us-east-1.amazonaws.com/videos/big.mp4?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20260524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20260524T120000Z&X-Amz-Expires=600&X-Amz-SignedHeaders=content-length%3Bhost&partNumber=3&uploadId=upload-id-from-CreateMultipartUpload&x-id=UploadPart&X-Amz-Signature=REDACTED
	// Content-Length: 8388608
	// presign: method not allowed by options: UploadPart needs Options.AllowUploadPart
}

// ExampleVerify_chunked verifies the S3 API reference's chunked upload as a
// server does: Verify checks the request's signature, and reading r.Body
// checks each chunk's signature before handing over its bytes. A body
// changed in transit fails the read; keep nothing of a body that did not
// reach io.EOF.
//
// The request is "Example: PUT Object" of "Signature Calculations for the
// Authorization Header: Transferring Payload in Multiple Chunks"
// (https://docs.aws.amazon.com/AmazonS3/latest/API/sigv4-streaming.html):
// 66,560 bytes of 'a' in a 64 KiB and a 1 KiB chunk, signed with the
// documentation's example key on 24 May 2013, with its published
// signatures.
func ExampleVerify_chunked() {
	docKey := aws.Credentials{AccessKeyID: "AKIAIOSFODNN7EXAMPLE", SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}
	chunkSignatures := []string{
		"ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648",
		"0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497",
		"b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9",
	}
	var body bytes.Buffer // aws-chunked: size;chunk-signature=SIG CRLF data CRLF, ending with an empty chunk
	for i, size := range []int{64 * 1024, 1024, 0} {
		fmt.Fprintf(&body, "%x;chunk-signature=%s\r\n%s\r\n", size, chunkSignatures[i], bytes.Repeat([]byte("a"), size))
	}
	newRequest := func(body []byte) *http.Request {
		r := httptest.NewRequest(http.MethodPut, "https://s3.amazonaws.com/examplebucket/chunkObject.txt", bytes.NewReader(body))
		r.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request,"+
			"SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"+
			"Signature=4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9")
		r.Header.Set("Content-Encoding", "aws-chunked")
		r.Header.Set("X-Amz-Content-Sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD")
		r.Header.Set("X-Amz-Date", "20130524T000000Z")
		r.Header.Set("X-Amz-Decoded-Content-Length", "66560")
		r.Header.Set("X-Amz-Storage-Class", "REDUCED_REDUNDANCY")
		return r
	}
	// Your server looks the access key up in its own store of credentials.
	lookup := func(accessKeyID string) (aws.Credentials, bool) {
		return docKey, accessKeyID == docKey.AccessKeyID
	}
	// The request was signed in 2013; a server leaves Now unset.
	opts := &presign.VerifyOptions{Now: func() time.Time { return time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC) }}

	tampered := bytes.Replace(body.Bytes(), []byte("aaaa\r\n400;"), []byte("aaab\r\n400;"), 1) // the first chunk's last byte
	for _, b := range [][]byte{body.Bytes(), tampered} {
		r := newRequest(b)
		v, err := presign.Verify(r, lookup, opts)
		if err != nil {
			fmt.Println(err)
			return
		}
		n, err := io.Copy(io.Discard, r.Body) // your store, which must discard on error
		var ve *presign.VerifyError
		if errors.As(err, &ve) {
			fmt.Println("refused after", n, "verified bytes:", ve.S3Code(), errors.Is(err, presign.ErrSignatureMismatch))
			continue
		}
		fmt.Println("chunked:", v.Chunked, "bytes:", n, "of", r.ContentLength)
	}
	// Output:
	// chunked: true bytes: 66560 of 66560
	// refused after 0 verified bytes: SignatureDoesNotMatch true
}
