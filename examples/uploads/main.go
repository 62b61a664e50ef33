// Command uploads shows browser uploads with a presigned POST form and
// downloads with a presigned GET URL, both capped, on the in-memory AWS of
// package s3securetest, whose S3 checks every form and URL the way S3 does
// (no AWS account is needed):
//
//	go run ./examples/uploads
//
// The server side of a web application holds the AWS credentials and never
// sees the file: it hands the browser a form (presign.Presigner.Post) that
// lets it write one object under "uploads/", of an image/ content type, of
// at most 1 MiB, for 10 minutes. The program then plays the browser: it
// posts a small PNG as multipart/form-data, and shows that S3 refuses an
// upload over the size cap, one declared as text/html, one outside the key
// prefix, and one sent after the form expired, each with S3's error code.
// Finally it presigns a 5-minute GET for the uploaded object and fetches
// it, shows that an 8-day URL is refused with presign.ErrExpiryTooLong
// before anything is signed, and prints URLs only through presign.Redact.
//
// The server runs on the wall clock, as AWS does; to show an expired form
// the story moves the server's clock forward (s3securetest's
// Server.Advance), and the presigner signs with the server's clock
// (presign.Options.Now), which real code leaves unset. Apart from the
// times, the output is the same on every run.
package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"os"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"

	"github.com/s3secure/s3secure/presign"
	"github.com/s3secure/s3secure/s3securetest"
)

const (
	bucket     = "uploads-demo"
	keyPrefix  = "uploads/"
	maxUpload  = 1 << 20 // 1 MiB
	formExpiry = 10 * time.Minute
	getExpiry  = 5 * time.Minute
	// endpointName stands for the server's URL (a random loopback port) in
	// the output.
	endpointName = "https://127.0.0.1:PORT"
)

func main() {
	if err := run(context.Background(), os.Stdout); err != nil {
		fmt.Fprintln(os.Stderr, "uploads:", err)
		os.Exit(1)
	}
}

// run tells the whole story on the in-memory AWS.
func run(ctx context.Context, w io.Writer) error {
	// The in-memory AWS of package s3securetest, over HTTPS: its S3
	// verifies SigV4 URLs and POST forms against its own clock. In your own
	// tests, s3securetest.NewServer(t, nil).
	srv, err := s3securetest.Start(nil)
	if err != nil {
		return err
	}
	defer srv.Close()
	// A bucket as AWS creates one today: Block Public Access on, ACLs off,
	// SSE-S3.
	if _, err := s3.NewFromConfig(srv.Config).CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)}); err != nil {
		return err
	}
	browser := srv.Client() // no AWS credentials: everything it sends is presigned
	fmt.Fprintf(w, "In-memory S3 at %s over HTTPS (no AWS account used); its clock reads %s.\n",
		endpointName, srv.Now().Format(time.RFC3339))

	// The application server's presigner, from the same aws.Config its S3
	// client uses. In real code that is config.LoadDefaultConfig's (DO NOT
	// hardcode credentials), and Options.Now stays unset: here the
	// presigner follows the server's clock, which the story moves forward.
	p, err := presign.New(srv.Config, &presign.Options{Now: srv.Now})
	if err != nil {
		return err
	}
	show := func(u string) string { return strings.Replace(presign.Redact(u), srv.URL, endpointName, 1) }

	fmt.Fprintf(w, "\n1. The server makes an upload form: key under %q, image/*, at most 1 MiB, valid %v.\n", keyPrefix, formExpiry)
	form, err := p.Post(ctx, bucket, &presign.PostOptions{
		KeyPrefix:         keyPrefix,
		ContentTypePrefix: "image/",
		MaxContentLength:  maxUpload,
		Expires:           formExpiry,
	})
	if err != nil {
		return err
	}
	if err := printForm(w, form, show); err != nil {
		return err
	}

	png := fakePNG(2048)
	fmt.Fprintln(w, "\n2. The browser uploads cat.png (2048 bytes, image/png).")
	if err := upload(ctx, w, browser, form, "cat.png", "image/png", png, nil); err != nil {
		return err
	}

	fmt.Fprintln(w, "\n3. Uploads the form does not allow.")
	fmt.Fprint(w, "   1 MiB + 1 byte:    ")
	if err := upload(ctx, w, browser, form, "huge.png", "image/png", fakePNG(maxUpload+1), nil); err != nil {
		return err
	}
	fmt.Fprint(w, "   text/html:         ")
	if err := upload(ctx, w, browser, form, "page.html", "text/html", []byte("<script>alert(1)</script>"), nil); err != nil {
		return err
	}
	fmt.Fprint(w, "   key outside:       ")
	if err := upload(ctx, w, browser, form, "cat.png", "image/png", png, map[string]string{"key": "avatars/admin.png"}); err != nil {
		return err
	}
	srv.Advance(formExpiry + time.Minute)
	fmt.Fprintf(w, "   %v later:       ", formExpiry+time.Minute)
	if err := upload(ctx, w, browser, form, "late.png", "image/png", png, nil); err != nil {
		return err
	}

	fmt.Fprintf(w, "\n4. The server presigns a %v download of %s.\n", getExpiry, keyPrefix+"cat.png")
	get, err := p.Get(ctx, bucket, keyPrefix+"cat.png", &presign.GetOptions{Expires: getExpiry})
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "   %s\n", show(get.URL))
	fmt.Fprintf(w, "   expires %s\n", get.Expires.Format(time.RFC3339))
	fmt.Fprint(w, "   ")
	if err := download(ctx, w, browser, get.URL, png); err != nil {
		return err
	}
	fmt.Fprintln(w, "   The refused uploads stored nothing:")
	for _, name := range []string{"huge.png", "page.html", "late.png"} {
		u, err := p.Get(ctx, bucket, keyPrefix+name, &presign.GetOptions{Expires: getExpiry})
		if err != nil {
			return err
		}
		fmt.Fprintf(w, "   %-11s", name)
		if err := download(ctx, w, browser, u.URL, nil); err != nil {
			return err
		}
	}

	fmt.Fprintln(w, "\n5. Asking for an 8-day download link.")
	_, err = p.Get(ctx, bucket, keyPrefix+"cat.png", &presign.GetOptions{Expires: 8 * 24 * time.Hour})
	if err == nil {
		return errors.New("an 8-day URL was signed")
	}
	fmt.Fprintf(w, "   refused: %v\n", err)
	fmt.Fprintf(w, "   errors.Is(err, presign.ErrExpiryTooLong) = %v\n", errors.Is(err, presign.ErrExpiryTooLong))
	return nil
}

// printForm prints what the browser receives: the form's action, its
// fields (the signature redacted) and the conditions its policy pins.
func printForm(w io.Writer, form *presign.Post, show func(string) string) error {
	fmt.Fprintf(w, "   action   POST %s\n", show(form.URL))
	names := make([]string, 0, len(form.Fields))
	for k := range form.Fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		v := form.Fields[k]
		switch k {
		case "x-amz-signature", "x-amz-security-token":
			v = "REDACTED"
		case "policy":
			v = fmt.Sprintf("(base64, %d characters; decoded below)", len(v))
		}
		fmt.Fprintf(w, "   field    %s = %s\n", k, v)
	}
	// The policy is what S3 checks the upload against; it is signed, so the
	// browser cannot change it.
	raw, err := base64.StdEncoding.DecodeString(form.Fields["policy"])
	if err != nil {
		return err
	}
	var pol struct {
		Expiration string            `json:"expiration"`
		Conditions []json.RawMessage `json:"conditions"`
	}
	if err := json.Unmarshal(raw, &pol); err != nil {
		return err
	}
	fmt.Fprintf(w, "   policy   expiration %s\n", pol.Expiration)
	for _, c := range pol.Conditions {
		fmt.Fprintf(w, "   policy   %s\n", c)
	}
	return nil
}

// upload posts a file with the form's fields as a browser's
// multipart/form-data submission would, with override replacing fields,
// and prints S3's answer.
func upload(ctx context.Context, w io.Writer, c *http.Client, form *presign.Post, filename, contentType string, content []byte, override map[string]string) error {
	var body bytes.Buffer
	mw := multipart.NewWriter(&body)
	fields := map[string]string{}
	for k, v := range form.Fields {
		fields[k] = v
	}
	for k, v := range override {
		fields[k] = v
	}
	// The form's policy requires Content-Type to start with image/; a page
	// sets this field from the chosen file's type.
	fields["Content-Type"] = contentType
	names := make([]string, 0, len(fields))
	for k := range fields {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if err := mw.WriteField(k, fields[k]); err != nil {
			return err
		}
	}
	// The file must be the last field: S3 ignores anything after it.
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, filename))
	h.Set("Content-Type", contentType)
	part, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := part.Write(content); err != nil {
		return err
	}
	if err := mw.Close(); err != nil {
		return err
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, form.URL, &body)
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	answer, _ := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode/100 == 2 {
		loc := resp.Header.Get("Location")
		if i := strings.Index(loc, "/"+bucket+"/"); i >= 0 {
			loc = loc[i:]
		}
		fmt.Fprintf(w, "   -> %d stored at %s\n", resp.StatusCode, loc)
		return nil
	}
	fmt.Fprintf(w, "-> %d %s\n", resp.StatusCode, describe(s3Error(answer)))
	return nil
}

// download fetches a presigned URL and checks it returns want.
func download(ctx context.Context, w io.Writer, c *http.Client, rawURL string, want []byte) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return err
	}
	resp, err := c.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, 2*maxUpload))
	if err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		fmt.Fprintf(w, "GET -> %d %s\n", resp.StatusCode, describe(s3Error(got)))
		return nil
	}
	fmt.Fprintf(w, "GET -> %d, %d bytes, Content-Type %s, same bytes as uploaded: %v\n",
		resp.StatusCode, len(got), resp.Header.Get("Content-Type"), bytes.Equal(got, want))
	return nil
}

// s3Error returns the Code and Message of an S3 XML error document.
func s3Error(body []byte) (code, message string) {
	var doc struct {
		Code    string `xml:"Code"`
		Message string `xml:"Message"`
	}
	if err := xml.Unmarshal(body, &doc); err != nil || doc.Code == "" {
		return "?", "not an S3 error document"
	}
	return doc.Code, doc.Message
}

// describe formats an S3 error code and its message, if any.
func describe(code, message string) string {
	if message == "" {
		return code
	}
	return code + " (" + message + ")"
}

// fakePNG returns n bytes that start with the PNG signature, as a browser
// would send an image file.
func fakePNG(n int) []byte {
	b := make([]byte, n)
	copy(b, "\x89PNG\r\n\x1a\n")
	for i := 8; i < n; i++ {
		b[i] = byte(i * 31)
	}
	return b
}
