package localaws

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"

	"github.com/s3secure/s3secure/internal/redaction"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/testretry"
)

// ListenOptions configure [Server.Listen]. The nil value means the
// defaults: HTTPS on a free loopback port.
type ListenOptions struct {
	// Addr is the address to listen on. By default, "127.0.0.1:0" (a free
	// loopback port). The endpoint URL names the address listened on, so
	// the SDK addresses S3 path-style (it does for an IP address).
	Addr string
	// InsecureHTTP serves plain HTTP instead of HTTPS. Requests then carry
	// aws:SecureTransport=false, so a bucket policy that denies plain HTTP
	// (which securebucket writes) refuses every request, and anyone on the
	// path can read credentials' signatures and data. For tests of
	// exactly that.
	InsecureHTTP bool
	// WriteCAFile writes the authority's certificate to a new temporary
	// file ([Endpoint.CAFile]) for clients outside this process; Close
	// removes it. Ignored with InsecureHTTP.
	WriteCAFile bool
	// ErrorLog receives the HTTP server's error log: a panic in a handler
	// (with its stack), a connection that failed. net/http prints what it
	// is given, and a panic's value can quote the request, so every message
	// has its signatures and session tokens cut out first
	// (internal/redaction); TLS handshake failures (a client that does not
	// trust the authority, a port scanner) are one line for the first and
	// none after. nil means the standard logger of package log, as for
	// net/http.
	ErrorLog *log.Logger
}

// Endpoint is a [Server] listening on an address.
type Endpoint struct {
	// URL is the endpoint, for example "https://127.0.0.1:41234".
	URL string
	// Addr is the host:port listened on.
	Addr string
	// TLS is the generated authority and certificate; nil with
	// InsecureHTTP.
	TLS *TLS
	// CAFile is the path of the authority's PEM file with WriteCAFile, else
	// "".
	CAFile string

	srv       *Server
	hs        *http.Server
	done      chan struct{}
	closeOnce sync.Once
	closeErr  error
	caDir     string

	client *http.Client
}

// Listen serves s on opts.Addr until [Endpoint.Close].
//
// Errors: when the address cannot be listened on, or the certificate or CA
// file cannot be made.
func (s *Server) Listen(opts *ListenOptions) (*Endpoint, error) {
	var o ListenOptions
	if opts != nil {
		o = *opts
	}
	if o.Addr == "" {
		o.Addr = "127.0.0.1:0"
	}
	e := &Endpoint{srv: s, done: make(chan struct{})}
	scheme := "http"
	if !o.InsecureHTTP {
		scheme = "https"
		var err error
		if e.TLS, err = NewTLS(); err != nil {
			return nil, err
		}
		if o.WriteCAFile {
			if e.caDir, err = os.MkdirTemp("", "s3secure-localaws-"); err != nil {
				return nil, fmt.Errorf("localaws: CA file: %w", err)
			}
			e.CAFile = filepath.Join(e.caDir, "ca.pem")
			if err := os.WriteFile(e.CAFile, e.TLS.CAPEM, 0o600); err != nil {
				_ = os.RemoveAll(e.caDir)
				return nil, fmt.Errorf("localaws: CA file: %w", err)
			}
		}
	}
	ln, err := net.Listen("tcp", o.Addr)
	if err != nil {
		if e.caDir != "" {
			_ = os.RemoveAll(e.caDir)
		}
		return nil, fmt.Errorf("localaws: listen on %s: %w", o.Addr, err)
	}
	e.Addr = ln.Addr().String()
	e.URL = scheme + "://" + e.Addr
	e.client = e.newHTTPClient()
	e.hs = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second,
		ErrorLog: log.New(&errorLog{to: o.ErrorLog}, "", 0)}
	go func() {
		defer close(e.done)
		if e.TLS != nil {
			e.hs.TLSConfig = e.TLS.ServerConfig()
			_ = e.hs.ServeTLS(ln, "", "")
			return
		}
		_ = e.hs.Serve(ln)
	}()
	return e, nil
}

// errorLog is the writer of the HTTP server's error log (see
// ListenOptions.ErrorLog); net/http writes each message in one Write.
type errorLog struct {
	to         *log.Logger
	handshakes atomic.Int64
}

// handshakePrefix starts net/http's log of a failed TLS handshake.
const handshakePrefix = "http: TLS handshake error from "

func (l *errorLog) Write(p []byte) (int, error) {
	msg := strings.TrimSuffix(string(p), "\n")
	if from, ok := strings.CutPrefix(msg, handshakePrefix); ok {
		if l.handshakes.Add(1) > 1 {
			return len(p), nil
		}
		msg = "TLS handshake failed from " + from +
			" (a client that does not trust this server's certificate authority, or does not speak TLS); later handshake failures are not logged"
	}
	msg = redaction.Secrets(msg)
	if l.to == nil {
		return len(p), log.Output(2, msg)
	}
	return len(p), l.to.Output(2, msg)
}

// Server returns the server behind the endpoint.
func (e *Endpoint) Server() *Server { return e.srv }

// HTTPClient returns a client for the endpoint: it connects to Addr
// whatever the request's host (S3 Control's SDK client sends its requests
// to ACCOUNT.<endpoint host>, which does not resolve for an IP address;
// the Host header keeps the prefix, which S3 Control checks), trusts only
// the endpoint's authority, ignores proxy settings, and never reaches
// anything but the endpoint. Its transport is wrapped by
// testretry.Transport (the SDK's early close of a request body would
// otherwise fail some requests to an in-process server). Every call
// returns the same client; Close closes its idle connections.
func (e *Endpoint) HTTPClient() *http.Client { return e.client }

func (e *Endpoint) newHTTPClient() *http.Client {
	d := &net.Dialer{Timeout: 10 * time.Second}
	tr := &http.Transport{
		Proxy: nil,
		DialContext: func(ctx context.Context, _, _ string) (net.Conn, error) {
			return d.DialContext(ctx, "tcp", e.Addr)
		},
		MaxIdleConnsPerHost: 64,
		IdleConnTimeout:     30 * time.Second,
	}
	if e.TLS != nil {
		host, _, _ := net.SplitHostPort(e.Addr)
		tr.TLSClientConfig = e.TLS.ClientConfig(host)
	}
	return testretry.Client(&http.Client{Transport: tr})
}

// Config returns an aws.Config for the endpoint signed with c, good for
// every service client the endpoint serves (s3, s3control, sts,
// cloudfront, cloudtrail, accessanalyzer, iam): the server's region, the
// endpoint as BaseEndpoint, static credentials, [Endpoint.HTTPClient], and
// a retryer that retries no service error (an injected fault reaches the
// caller) but resends, at once and at most twice, a request whose
// connection the client's own transport closed. It reads nothing from the
// environment or shared configuration files. No fmt verb prints the
// Config's secret access key or session token.
func (e *Endpoint) Config(c s3fake.Credential) aws.Config {
	return aws.Config{
		Region:       e.srv.region,
		BaseEndpoint: aws.String(e.URL),
		Credentials: staticCredentials{&aws.Credentials{AccessKeyID: c.AccessKeyID, SecretAccessKey: c.SecretAccessKey,
			SessionToken: c.SessionToken, Source: credentials.StaticCredentialsName}},
		HTTPClient: e.HTTPClient(),
		Retryer:    func() aws.Retryer { return testretry.ClosedConn{} },
	}
}

// Close stops serving, closes open connections (in-flight requests fail)
// and the idle connections of the endpoint's clients, and removes the CA
// file. It is safe to call more than once.
func (e *Endpoint) Close() error {
	e.closeOnce.Do(func() {
		e.closeErr = e.hs.Close()
		<-e.done
		e.client.CloseIdleConnections()
		if e.caDir != "" {
			if err := os.RemoveAll(e.caDir); err != nil {
				e.closeErr = errors.Join(e.closeErr, err)
			}
		}
	})
	return e.closeErr
}
