package s3fake

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"strconv"
	"strings"
)

// maxObjectBody bounds a de-chunked upload held in memory.
const maxObjectBody = 256 << 20

// dechunkTrailer decodes an aws-chunked body with trailing checksum
// (x-amz-content-sha256 STREAMING-UNSIGNED-PAYLOAD-TRAILER or
// STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER), which the SDK sends by default
// over TLS and gofakes3 would otherwise store framed. It verifies the
// trailing checksum (CRC32, CRC32C, SHA1, SHA256) and rewrites the request as
// a plain upload. Chunk signatures are not verified.
func dechunkTrailer(r *http.Request) *Error {
	mode := r.Header.Get("X-Amz-Content-Sha256")
	if mode != "STREAMING-UNSIGNED-PAYLOAD-TRAILER" && mode != "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER" {
		return nil
	}
	incomplete := errf(http.StatusBadRequest, "IncompleteBody", "The request body terminated unexpectedly")
	br := bufio.NewReader(io.LimitReader(r.Body, maxObjectBody))
	var out bytes.Buffer
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			return incomplete
		}
		sizeHex, _, _ := strings.Cut(strings.TrimRight(line, "\r\n"), ";")
		size, err := strconv.ParseInt(strings.TrimSpace(sizeHex), 16, 64)
		if err != nil || size < 0 || int64(out.Len())+size > maxObjectBody {
			return incomplete
		}
		if size == 0 {
			break
		}
		if _, err := io.CopyN(&out, br, size); err != nil {
			return incomplete
		}
		if crlf, err := br.ReadString('\n'); err != nil || strings.TrimRight(crlf, "\r\n") != "" {
			return incomplete
		}
	}
	trailers := map[string]string{}
	for {
		line, err := br.ReadString('\n')
		line = strings.TrimRight(line, "\r\n")
		if line == "" {
			break
		}
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			return incomplete
		}
		trailers[strings.ToLower(strings.TrimSpace(k))] = strings.TrimSpace(v)
		if err != nil {
			break
		}
	}
	if want, ok := r.Header["X-Amz-Decoded-Content-Length"]; ok && len(want) == 1 {
		if n, err := strconv.Atoi(want[0]); err != nil || n != out.Len() {
			return incomplete
		}
	}
	for name, value := range trailers {
		var h hash.Hash
		switch name {
		case "x-amz-checksum-crc32":
			h = crc32.NewIEEE()
		case "x-amz-checksum-crc32c":
			h = crc32.New(crc32.MakeTable(crc32.Castagnoli))
		case "x-amz-checksum-sha1":
			h = sha1.New()
		case "x-amz-checksum-sha256":
			h = sha256.New()
		default:
			continue
		}
		h.Write(out.Bytes())
		if base64.StdEncoding.EncodeToString(h.Sum(nil)) != value {
			return errf(http.StatusBadRequest, "BadDigest", "The "+strings.TrimPrefix(name, "x-amz-checksum-")+" you specified did not match the calculated checksum.")
		}
		r.Header.Set(name, value)
	}
	r.Body = io.NopCloser(bytes.NewReader(out.Bytes()))
	r.ContentLength = int64(out.Len())
	r.Header.Set("Content-Length", strconv.Itoa(out.Len()))
	r.Header.Set("X-Amz-Content-Sha256", "UNSIGNED-PAYLOAD")
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
	return nil
}
