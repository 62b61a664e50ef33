package testretry

import (
	"io"
	"net/http"
)

// Transport returns next (http.DefaultTransport when nil) for SDK clients
// of the in-process fakes: it hides the WriteTo method of every request
// body it passes on, so that a request whose response has already been
// read is never failed by the SDK's early close of its body.
//
// The race it removes (reproduced by TestTransportRequestBodyClosedEarly,
// and in analyzer's TestListFindings under -race on a loaded machine):
// smithy-go wraps every request body in a reader that, once closed,
// answers WriteTo with io.EOF as an error, and closes it as soon as
// http.Client.Do returns, which is when the response headers arrive.
// net/http writes a body of known length straight to the connection, then
// checks for extra bytes with one more copy, which calls WriteTo. An
// in-process fake can read the request and answer before the transport's
// write goroutine makes that last copy; the copy then gets io.EOF, the
// transport takes it for a failed write and closes the connection, and the
// response body, still being read, fails with "use of closed network
// connection". Without WriteTo the copy reads instead, and Read on the
// closed body is a plain io.EOF: the end of the body, which it is.
func Transport(next http.RoundTripper) http.RoundTripper {
	if next == nil {
		next = http.DefaultTransport
	}
	return readOnlyBodies{next}
}

// Client returns a copy of hc (a new client when nil) whose transport is
// wrapped by [Transport].
func Client(hc *http.Client) *http.Client {
	c := &http.Client{}
	if hc != nil {
		*c = *hc
	}
	c.Transport = Transport(c.Transport)
	return c
}

type readOnlyBodies struct{ next http.RoundTripper }

func (t readOnlyBodies) RoundTrip(r *http.Request) (*http.Response, error) {
	if _, ok := r.Body.(io.WriterTo); ok && r.Body != http.NoBody {
		r = r.WithContext(r.Context()) // a RoundTripper must not change r
		r.Body = readCloser{r.Body}
	}
	return t.next.RoundTrip(r)
}

// CloseIdleConnections passes the call on, as http.Client expects of its
// transport.
func (t readOnlyBodies) CloseIdleConnections() {
	if c, ok := t.next.(interface{ CloseIdleConnections() }); ok {
		c.CloseIdleConnections()
	}
}

// readCloser has only the methods of io.ReadCloser.
type readCloser struct{ io.ReadCloser }
