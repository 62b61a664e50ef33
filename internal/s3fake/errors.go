package s3fake

import (
	"encoding/xml"
	"net/http"
)

// Error is an S3 error response: the HTTP status, the error code and message
// that the fake writes as S3's XML error document. An Authorizer may return
// one to choose the exact answer (for example 405 MethodNotAllowed); any
// other error from an Authorizer is answered as 403 AccessDenied.
type Error struct {
	StatusCode int
	Code       string
	Message    string
	// Extra elements S3 adds to some errors (BucketName, Key, ArgumentName,
	// ArgumentValue, Region, …), written in this order.
	Extra [][2]string
}

// Error implements error.
func (e *Error) Error() string { return "s3fake: " + e.Code + ": " + e.Message }

// Is matches another *Error with the same Code.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Code == e.Code
}

func errf(status int, code, msg string, extra ...[2]string) *Error {
	return &Error{StatusCode: status, Code: code, Message: msg, Extra: extra}
}

// Common errors.
func errAccessDenied() *Error { return errf(http.StatusForbidden, "AccessDenied", "Access Denied") }
func errNoSuchBucket(b string) *Error {
	return errf(http.StatusNotFound, "NoSuchBucket", "The specified bucket does not exist", [2]string{"BucketName", b})
}
func errNoSuchKey(k string) *Error {
	return errf(http.StatusNotFound, "NoSuchKey", "The specified key does not exist.", [2]string{"Key", k})
}
func errMalformedXML() *Error {
	return errf(http.StatusBadRequest, "MalformedXML", "The XML you provided was not well-formed or did not validate against our published schema")
}
func errInvalidArgument(msg, name, value string) *Error {
	return errf(http.StatusBadRequest, "InvalidArgument", msg, [2]string{"ArgumentName", name}, [2]string{"ArgumentValue", value})
}
func errNotImplemented() *Error {
	return errf(http.StatusNotImplemented, "NotImplemented", "A header or query you provided implies functionality that is not implemented")
}
func errACLNotSupported() *Error {
	return errf(http.StatusBadRequest, "AccessControlListNotSupported", "The bucket does not allow ACLs")
}

type xmlError struct {
	XMLName   xml.Name `xml:"Error"`
	Code      string   `xml:"Code"`
	Message   string   `xml:"Message"`
	Extra     []xmlKV
	RequestID string `xml:"RequestId"`
	HostID    string `xml:"HostId"`
}

type xmlKV struct {
	XMLName xml.Name
	Value   string `xml:",chardata"`
}

func writeError(w http.ResponseWriter, r *http.Request, e *Error) {
	h := w.Header()
	h.Set("Content-Type", "application/xml")
	h.Del("Content-Length")
	w.WriteHeader(e.StatusCode)
	if r.Method == http.MethodHead {
		return
	}
	out := xmlError{Code: e.Code, Message: e.Message, RequestID: h.Get("x-amz-request-id"), HostID: h.Get("x-amz-id-2")}
	for _, kv := range e.Extra {
		out.Extra = append(out.Extra, xmlKV{XMLName: xml.Name{Local: kv[0]}, Value: kv[1]})
	}
	_, _ = w.Write([]byte(xml.Header))
	_ = xml.NewEncoder(w).Encode(out)
}
