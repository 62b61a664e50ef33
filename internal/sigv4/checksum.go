package sigv4

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base64"
	"hash"
	"hash/crc32"
	"hash/crc64"
	"io"
	"net/http"
	"strings"
)

// checksumAlgorithm is one of S3's additional checksums ("Checking object
// integrity", S3 user guide): the x-amz-checksum-* header or trailer that
// carries it, base64 of the big-endian digest.
type checksumAlgorithm struct {
	label string // as S3 names it in BadDigest messages
	new   func() hash.Hash
}

// crc64NVME is the reflected NVMe polynomial, as hash/crc64.MakeTable takes
// it (aws-sdk-go-v2 service/internal/checksum uses the same constant).
const crc64NVME = 0x9a6c_9329_ac4b_c9b5

var (
	crc32cTable    = crc32.MakeTable(crc32.Castagnoli)
	crc64NVMETable = crc64.MakeTable(crc64NVME)
)

var checksumAlgorithms = map[string]checksumAlgorithm{
	"x-amz-checksum-crc32":     {"CRC32", func() hash.Hash { return crc32.NewIEEE() }},
	"x-amz-checksum-crc32c":    {"CRC32C", func() hash.Hash { return crc32.New(crc32cTable) }},
	"x-amz-checksum-crc64nvme": {"CRC64NVME", func() hash.Hash { return crc64.New(crc64NVMETable) }},
	"x-amz-checksum-sha1":      {"SHA1", sha1.New},
	"x-amz-checksum-sha256":    {"SHA256", sha256.New},
}

// checkChecksum compares value (base64, as sent in the header or trailer
// named name) with the digest computed over the body. where is "header" or
// "trailing header", for the message.
func checkChecksum(name, value string, sum []byte, where string) *Error {
	got, err := base64.StdEncoding.DecodeString(value)
	if err != nil || len(got) != len(sum) {
		return newErr(ErrInvalidRequest, "Value for "+name+" "+where+" is invalid.")
	}
	if string(got) != string(sum) {
		return newErr(ErrBadDigest, "The "+checksumAlgorithms[name].label+" you specified did not match the calculated checksum.")
	}
	return nil
}

// ChecksumHeader returns the name (lower case) and value of the one
// x-amz-checksum-<algorithm> header of h that names a body checksum
// (CRC32, CRC32C, CRC64NVME, SHA1, SHA256), or "" when there is none.
// x-amz-checksum-mode and x-amz-checksum-type say nothing about the body
// and are not returned. More than one checksum header is InvalidRequest.
func ChecksumHeader(h http.Header) (name, value string, err error) {
	for k, v := range h {
		lk := strings.ToLower(k)
		if _, ok := checksumAlgorithms[lk]; !ok {
			continue
		}
		if name != "" || len(v) != 1 {
			return "", "", newErr(ErrInvalidRequest, singleChecksumMessage)
		}
		name, value = lk, v[0]
	}
	return name, value, nil
}

// NewChecksumReader returns a reader over body that computes the checksum
// header name names (as returned by ChecksumHeader) and, at the end of
// body, compares it with value: the final Read returns io.EOF only when
// they match, else an *Error (BadDigest, as S3 answers a body that does not
// match its x-amz-checksum-* header; InvalidRequest for a value that is not
// base64 of the right length). Bytes are passed on as they are read, so a
// consumer must keep nothing unless it reaches io.EOF. An unknown name is
// InvalidRequest.
func NewChecksumReader(body io.Reader, name, value string) (io.Reader, error) {
	alg, ok := checksumAlgorithms[strings.ToLower(name)]
	if !ok {
		return nil, newErr(ErrInvalidRequest, "unsupported checksum header "+name)
	}
	return &checksumReader{src: body, name: strings.ToLower(name), value: value, sum: alg.new()}, nil
}

type checksumReader struct {
	src         io.Reader
	name, value string
	sum         hash.Hash
	err         error
}

func (c *checksumReader) Read(p []byte) (int, error) {
	if c.err != nil {
		return 0, c.err
	}
	n, err := c.src.Read(p)
	c.sum.Write(p[:n])
	if err == io.EOF {
		if e := checkChecksum(c.name, c.value, c.sum.Sum(nil), "header"); e != nil {
			c.err = e
			if n == 0 {
				return 0, e
			}
			return n, nil // the bytes read are returned; the error comes next
		}
	}
	if err != nil {
		c.err = err
	}
	return n, err
}
