package s3fake

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/s3secure/s3secure/presign"
)

// maxFormField bounds one non-file field of a POST upload form.
const maxFormField = 64 << 10

// postUpload is a browser POST upload (S3 POST Object) turned into the
// PutObject it asks for, once its form's signature and policy checked out.
type postUpload struct {
	put      *http.Request     // the PutObject request to serve
	route    route             // its route
	verified *presign.Verified // the signer, for the principal
	fields   map[string]string // lower-case form fields
	key      string
}

// postHeaders are the form fields S3 applies to the stored object, as the
// request headers a PutObject would carry.
var postHeaders = map[string]string{
	"content-type":                 "Content-Type",
	"cache-control":                "Cache-Control",
	"content-disposition":          "Content-Disposition",
	"content-encoding":             "Content-Encoding",
	"expires":                      "Expires",
	"acl":                          "X-Amz-Acl",
	"x-amz-storage-class":          "X-Amz-Storage-Class",
	"x-amz-server-side-encryption": "X-Amz-Server-Side-Encryption",
	"x-amz-server-side-encryption-aws-kms-key-id":     "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id",
	"x-amz-server-side-encryption-context":            "X-Amz-Server-Side-Encryption-Context",
	"x-amz-server-side-encryption-bucket-key-enabled": "X-Amz-Server-Side-Encryption-Bucket-Key-Enabled",
}

// preparePost reads a multipart/form-data upload, checks it with
// presign.VerifyPost (the policy's signature, expiration and conditions, as
// S3 does) and returns the PutObject request it stands for. Unsigned forms
// are refused: S3 accepts anonymous POST uploads only into buckets whose
// policy lets everyone write, which this fake does not model.
func (s *Server) preparePost(r *http.Request, rt route, now time.Time, keys *keyLookup) (*postUpload, *Error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, errf(http.StatusPreconditionFailed, "PreconditionFailed", "Bucket POST must be of the enclosure-type multipart/form-data", [2]string{"Condition", "Bucket POST must be of the enclosure-type multipart/form-data"})
	}
	fields := map[string][]string{}
	var (
		content  []byte
		filename string
		gotFile  bool
	)
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, errMalformedPOST("the multipart body could not be read")
		}
		name := part.FormName()
		if strings.EqualFold(name, "file") {
			// S3 ignores every field after the file.
			content, err = io.ReadAll(io.LimitReader(part, maxObjectBody+1))
			if err != nil || len(content) > maxObjectBody {
				return nil, errf(http.StatusBadRequest, "EntityTooLarge", "Your proposed upload exceeds the maximum allowed size")
			}
			filename, gotFile = part.FileName(), true
			break
		}
		v, err := io.ReadAll(io.LimitReader(part, maxFormField+1))
		if err != nil || len(v) > maxFormField {
			return nil, errMalformedPOST("a form field is too large")
		}
		fields[name] = append(fields[name], string(v))
	}
	if !gotFile {
		return nil, errf(http.StatusBadRequest, "InvalidArgument", "POST requires exactly one file upload per request.", [2]string{"ArgumentName", "file"})
	}
	hasSignature := false
	for k := range fields {
		if strings.EqualFold(k, "x-amz-signature") || strings.EqualFold(k, "policy") {
			hasSignature = true
		}
	}
	if !hasSignature {
		return nil, errAccessDenied()
	}
	v, err := presign.VerifyPost(rt.bucket, fields, int64(len(content)), keys.lookup, &presign.VerifyOptions{
		Now:             func() time.Time { return now },
		AllowExpiryUpTo: presign.HardMaxExpiry,
		Filename:        filename, // S3 substitutes ${filename} before it checks the policy
	})
	if err != nil {
		return nil, verifyError(err)
	}
	key := strings.ReplaceAll(v.Key, "${filename}", filename)
	if key == "" || len(key) > 1024 {
		return nil, errf(http.StatusBadRequest, "InvalidArgument", "The key of a POST upload must be 1 to 1024 bytes long", [2]string{"ArgumentName", "key"})
	}
	put, err := http.NewRequestWithContext(r.Context(), http.MethodPut, "/", bytes.NewReader(content))
	if err != nil {
		return nil, errMalformedPOST("the upload could not be read")
	}
	put.URL = &url.URL{Path: "/" + rt.bucket + "/" + key}
	put.Host, put.RemoteAddr, put.TLS = r.Host, r.RemoteAddr, r.TLS
	put.ContentLength = int64(len(content))
	put.Header.Set("Content-Length", strconv.Itoa(len(content))) // gofakes3 reads the header
	for name, value := range v.Fields {
		if h, ok := postHeaders[name]; ok {
			put.Header.Set(h, value)
		} else if strings.HasPrefix(name, "x-amz-meta-") {
			put.Header.Set(name, value)
		}
	}
	return &postUpload{
		put:   put,
		route: route{op: "PutObject", action: operationAction("PostObject", false), bucket: rt.bucket, key: key},
		verified: &presign.Verified{
			AccessKeyID: v.AccessKeyID, Region: v.Region, AuthType: "POST",
			SigningTime: v.SigningTime, PayloadHash: "UNSIGNED-PAYLOAD",
		},
		fields: v.Fields,
		key:    key,
	}, nil
}

// respond serves the PutObject and answers as S3 answers a POST upload:
// success_action_redirect (303 to the URL with bucket, key and etag),
// success_action_status 200 or 201 (with a PostResponse document), or by
// default 204. Errors are passed on unchanged.
func (p *postUpload) respond(w http.ResponseWriter, r *http.Request, serve func(http.ResponseWriter)) {
	rec := httptest.NewRecorder()
	serve(rec)
	res := rec.Result()
	if res.StatusCode/100 != 2 {
		for k, v := range res.Header {
			w.Header()[k] = v
		}
		w.WriteHeader(res.StatusCode)
		_, _ = io.Copy(w, res.Body)
		return
	}
	etag := res.Header.Get("ETag")
	for _, h := range []string{"ETag", "X-Amz-Version-Id", "X-Amz-Server-Side-Encryption", "X-Amz-Server-Side-Encryption-Aws-Kms-Key-Id"} {
		if v := res.Header.Get(h); v != "" {
			w.Header().Set(h, v)
		}
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	location := scheme + "://" + r.Host + (&url.URL{Path: "/" + p.route.bucket + "/" + p.key}).EscapedPath()
	w.Header().Set("Location", location)
	if redirect := p.fields["success_action_redirect"]; redirect != "" {
		if u, err := url.Parse(redirect); err == nil && (u.Scheme == "http" || u.Scheme == "https") {
			q := u.Query()
			q.Set("bucket", p.route.bucket)
			q.Set("key", p.key)
			q.Set("etag", etag)
			u.RawQuery = q.Encode()
			w.Header().Set("Location", u.String())
			w.WriteHeader(http.StatusSeeOther)
			return
		}
	}
	switch p.fields["success_action_status"] {
	case "200":
		w.WriteHeader(http.StatusOK)
	case "201":
		body, _ := xml.Marshal(struct {
			XMLName  xml.Name `xml:"PostResponse"`
			Location string   `xml:"Location"`
			Bucket   string   `xml:"Bucket"`
			Key      string   `xml:"Key"`
			ETag     string   `xml:"ETag"`
		}{Location: location, Bucket: p.route.bucket, Key: p.key, ETag: etag})
		w.Header().Set("Content-Type", "application/xml")
		w.WriteHeader(http.StatusCreated)
		_, _ = w.Write([]byte(xml.Header))
		_, _ = w.Write(body)
	default:
		w.WriteHeader(http.StatusNoContent)
	}
}

// verifyError turns a presign verification failure into S3's answer. The
// message never holds a secret: presign's reasons do not.
func verifyError(err error) *Error {
	var ve *presign.VerifyError
	if !errors.As(err, &ve) {
		return errAccessDenied()
	}
	msg := ve.Reason
	switch {
	case errors.Is(err, presign.ErrPolicyViolation) && ve.S3Code() == "AccessDenied" && !strings.HasPrefix(msg, "Invalid according to Policy"):
		msg = "Invalid according to Policy: " + ve.Reason
	case msg == "":
		msg = "Access Denied"
	}
	return errf(ve.HTTPStatus(), ve.S3Code(), msg)
}

func errMalformedPOST(why string) *Error {
	return errf(http.StatusBadRequest, "MalformedPOSTRequest", "The body of your POST request is not well-formed multipart/form-data: "+why)
}
