package fakeutil

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"net/http"
	"strings"
)

// ErrPayloadTooLarge is CheckPayload's error for a body longer than its
// limit.
var ErrPayloadTooLarge = errors.New("fakeutil: body longer than the fake reads")

// CheckPayload compares payloadHash, the signed x-amz-content-sha256 of an
// S3 or S3 Control request, with r's body, as S3 does: a SigV4 signature
// with the S3 signing name covers the body only through that hash, so a
// body changed after signing has to be refused (XAmzContentSHA256Mismatch).
// A payloadHash that is not a hex SHA-256 (UNSIGNED-PAYLOAD, a streaming
// marker) or a request without a body is not checked. CheckPayload reads
// the body, at most limit bytes, and puts an equal one back. It returns ""
// when the body matches (or is not checked), else the body's hex SHA-256;
// the error is the body's read error or [ErrPayloadTooLarge].
func CheckPayload(r *http.Request, payloadHash string, limit int64) (mismatch string, err error) {
	if len(payloadHash) != sha256.Size*2 || r.Body == nil || r.Body == http.NoBody {
		return "", nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return "", err
	}
	if int64(len(body)) > limit {
		return "", ErrPayloadTooLarge
	}
	r.Body = io.NopCloser(bytes.NewReader(body))
	sum := sha256.Sum256(body)
	got := hex.EncodeToString(sum[:])
	if strings.EqualFold(got, payloadHash) {
		return "", nil
	}
	return got, nil
}
