package s3fake

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"github.com/s3secure/s3secure/internal/sigv4"
)

// aws-chunked uploads are verified by the project's one verifier:
// presign.Verify (internal/sigv4) replaces r.Body of every request whose
// x-amz-content-sha256 is a STREAMING marker with a reader that decodes the
// chunks and checks each chunk's signature before yielding its bytes, and
// the final chunk, the decoded length, the trailer signature and the
// trailing checksum before it yields io.EOF. gofakes3 stores an object only
// when its read reaches io.EOF, so nothing unverified is kept; the code here
// makes the fake answer S3's error for a failed read (not gofakes3's
// InternalError) and shows gofakes3 the plain upload the body decodes to.

// bodyGuard remembers the first error reading the request body returned.
type bodyGuard struct {
	io.ReadCloser
	err error
}

func (g *bodyGuard) Read(p []byte) (int, error) {
	n, err := g.ReadCloser.Read(p)
	if err != nil && err != io.EOF && g.err == nil {
		g.err = err
	}
	return n, err
}

// guardBody wraps r.Body in a bodyGuard (once).
func guardBody(r *http.Request) {
	if _, ok := r.Body.(*bodyGuard); !ok && r.Body != nil {
		r.Body = &bodyGuard{ReadCloser: r.Body}
	}
}

// bodyFailure is the S3 error for a failed read of r's body, or nil when
// the body was read without a verification error.
func bodyFailure(r *http.Request) *Error {
	g, ok := r.Body.(*bodyGuard)
	if !ok || g.err == nil {
		return nil
	}
	return readError(g.err)
}

// readError is the S3 answer to an error reading a request body: the
// verifier's own code (SignatureDoesNotMatch, IncompleteBody, BadDigest, …)
// with S3's extra elements, else IncompleteBody.
func readError(err error) *Error {
	var se *sigv4.Error
	if errors.As(err, &se) {
		return errf(se.StatusCode, se.Code, se.Message, se.Extra...)
	}
	return errf(http.StatusBadRequest, "IncompleteBody", "The request body terminated unexpectedly")
}

// chunkedForBackend shows gofakes3 an aws-chunked upload (whose body
// Verify already decodes and verifies) as the plain upload it decodes to:
// Content-Length is the decoded length, and the framing headers are
// dropped so that gofakes3 neither de-chunks the body again nor stores them
// as object metadata.
func chunkedForBackend(r *http.Request) {
	if !sigv4.IsStreaming(r.Header.Get("X-Amz-Content-Sha256")) {
		return
	}
	r.Header.Set("Content-Length", strconv.FormatInt(r.ContentLength, 10))
	r.Header.Set("X-Amz-Content-Sha256", sigv4.UnsignedPayload)
	r.Header.Del("X-Amz-Decoded-Content-Length")
	r.Header.Del("X-Amz-Trailer")
	if enc := r.Header.Get("Content-Encoding"); enc != "" {
		var keep []string
		for _, e := range strings.Split(enc, ",") {
			if e = strings.TrimSpace(e); e != "" && e != "aws-chunked" {
				keep = append(keep, e)
			}
		}
		if len(keep) == 0 {
			r.Header.Del("Content-Encoding")
		} else {
			r.Header.Set("Content-Encoding", strings.Join(keep, ","))
		}
	}
}

// checkUploadChecksum makes an upload's body (PutObject, UploadPart) match
// its x-amz-checksum-* header, as S3 does (BadDigest): the SDK sends one,
// over UNSIGNED-PAYLOAD when it is given a checksum value, and the header
// is signed while the body is not. The check is made as gofakes3 reads the
// body, which it keeps only if the read reaches io.EOF.
func checkUploadChecksum(r *http.Request) *Error {
	name, value, err := sigv4.ChecksumHeader(r.Header)
	if err != nil {
		return readError(err)
	}
	if name == "" || r.Body == nil {
		return nil
	}
	body, err := sigv4.NewChecksumReader(r.Body, name, value)
	if err != nil {
		return readError(err)
	}
	r.Body = &bodyGuard{ReadCloser: readCloser{body, r.Body}}
	return nil
}

type readCloser struct {
	io.Reader
	io.Closer
}
