package main

import (
	"encoding/pem"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
	"github.com/s3secure/s3secure/internal/sigv4"
)

// testAWS is the in-memory AWS (internal/localaws: every fake behind one
// HTTPS endpoint, routed by the service in each request's SigV4 scope), as
// "s3secure serve" runs it, with a count of the requests per service. It
// embeds the S3 fake (as an s3fake.Fake whose URL is the endpoint) and
// exposes the owner account's other fakes for seeding and inspection.
type testAWS struct {
	*s3fake.Fake
	AWS        *localaws.Server
	Control    *s3controlfake.Server
	Trails     *cloudtrailfake.Server
	CloudFront *cffake.Fake
	Analyzer   *aafake.Server
	IAM        *iamfake.Server

	mu       sync.Mutex
	services map[string]int
	// before, when set, is called with each request before it is served.
	before func(*http.Request)
}

// startAWS starts a testAWS, sets the environment of a CLI run that signs
// as the owner account's root and trusts the endpoint's certificate, and
// fails t if any request goes to real AWS.
func startAWS(t *testing.T, opts *localaws.Options) *testAWS {
	t.Helper()
	srv, err := localaws.New(opts)
	require.NoError(t, err)
	owner := srv.Owner()
	a := &testAWS{AWS: srv, Control: owner.S3Control, Trails: owner.CloudTrail, CloudFront: owner.CloudFront,
		Analyzer: owner.AccessAnalyzer, IAM: owner.IAM, services: map[string]int{}}
	hs := httptest.NewTLSServer(a)
	t.Cleanup(hs.Close)
	a.Fake = &s3fake.Fake{Server: srv.S3(), URL: hs.URL, HTTPServer: hs}
	root := owner.Root()
	cliEnv(t, root.AccessKeyID, root.SecretAccessKey)
	trustFake(t, a.Fake)
	return a
}

// ServeHTTP counts the request by its SigV4 signing name (s3control for S3
// Control, which signs as s3) and serves it.
func (a *testAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	svc := ""
	if sc, ok := sigv4.RequestScope(r); ok {
		svc = sc.Service
	}
	if svc == "s3" && strings.HasPrefix(r.URL.Path, "/v20180820/") {
		svc = "s3control"
	}
	a.mu.Lock()
	a.services[svc]++
	before := a.before
	a.mu.Unlock()
	if before != nil {
		before(r)
	}
	a.AWS.ServeHTTP(w, r)
}

// Requests returns how many requests each service (SigV4 signing name;
// "s3control" for S3 Control) received.
func (a *testAWS) Requests() map[string]int {
	a.mu.Lock()
	defer a.mu.Unlock()
	out := map[string]int{}
	for k, v := range a.services {
		out[k] = v
	}
	return out
}

// cliEnv sets the AWS environment of a CLI run: these static credentials,
// nothing else from any profile, and a guard that fails the test if a
// request goes to real AWS. (TestMain removed every AWS_* variable.)
func cliEnv(t *testing.T, key, secret string) {
	t.Helper()
	t.Setenv("AWS_ACCESS_KEY_ID", key)
	t.Setenv("AWS_SECRET_ACCESS_KEY", secret)
	expectNoAWS(t)
}

// trustFake makes the CLI's AWS configuration trust the fake's self-signed
// certificate through AWS_CA_BUNDLE, the way a user points the tool at
// "s3secure serve -tls".
func trustFake(t *testing.T, f *s3fake.Fake) {
	t.Helper()
	cert := f.HTTPServer.Certificate()
	require.NotNil(t, cert, "the fake must run over HTTPS")
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))
	t.Setenv("AWS_CA_BUNDLE", path)
}
