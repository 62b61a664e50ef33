package main

import (
	"encoding/pem"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/aafake"
	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

// testAWS is every fake the CLI talks to behind one HTTPS endpoint, routed
// by the service in the request's SigV4 credential scope (S3 Control,
// which signs as s3, by its /v20180820/ path), as "s3secure serve" and
// moto are reached: one -endpoint for every service. STS answers
// GetCallerIdentity with the S3 fake's account.
type testAWS struct {
	*s3fake.Fake
	Control    *s3controlfake.Server
	Trails     *cloudtrailfake.Server
	CloudFront *cffake.Fake
	Analyzer   *aafake.Server
	IAM        *iamfake.Server

	mu       sync.Mutex
	services map[string]int
	sts      fakeutil.Auth
}

// startAWS starts a testAWS with s3opts for the S3 fake, sets the
// environment of a CLI run that signs as the account owner and trusts the
// endpoint's certificate, and fails t if any request goes to real AWS.
func startAWS(t *testing.T, s3opts *s3fake.Options) *testAWS {
	t.Helper()
	s3srv, err := s3fake.New(s3opts)
	require.NoError(t, err)
	a := &testAWS{
		Control:    s3controlfake.New(&s3controlfake.Options{AccountID: s3srv.AccountID(), Region: s3srv.Region(), S3: s3srv}),
		Trails:     cloudtrailfake.New(&cloudtrailfake.Options{AccountID: s3srv.AccountID(), Region: s3srv.Region()}),
		CloudFront: cffake.New(&cffake.Options{AccountID: s3srv.AccountID()}),
		Analyzer:   aafake.New(&aafake.Options{Account: s3srv.AccountID()}),
		IAM:        iamfake.New(),
		services:   map[string]int{},
		sts:        fakeutil.Auth{Service: "sts", Codes: fakeutil.QueryAuth, Credentials: fakeutil.NewCredentials()},
	}
	hs := httptest.NewTLSServer(a)
	t.Cleanup(hs.Close)
	a.Fake = &s3fake.Fake{Server: s3srv, URL: hs.URL, HTTPServer: hs}
	owner := s3srv.OwnerCredential()
	cliEnv(t, owner.AccessKeyID, owner.SecretAccessKey)
	trustFake(t, a.Fake)
	return a
}

var scopeRe = regexp.MustCompile(`Credential=[^/,]+/[^/]+/[^/]+/([^/]+)/aws4_request`)

// service returns the SigV4 signing name of r ("" when unsigned).
func service(r *http.Request) string {
	if m := scopeRe.FindStringSubmatch(r.Header.Get("Authorization")); m != nil {
		return m[1]
	}
	if c := r.URL.Query().Get("X-Amz-Credential"); c != "" {
		if parts := strings.Split(c, "/"); len(parts) == 5 {
			return parts[3]
		}
	}
	return ""
}

func (a *testAWS) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	svc := service(r)
	if svc == "s3" && strings.HasPrefix(r.URL.Path, "/v20180820/") {
		svc = "s3control"
	}
	a.mu.Lock()
	a.services[svc]++
	a.mu.Unlock()
	switch svc {
	case "", "s3":
		a.Server.ServeHTTP(w, r)
	case "s3control":
		a.Control.ServeHTTP(w, r)
	case "cloudtrail":
		a.Trails.ServeHTTP(w, r)
	case "cloudfront":
		a.CloudFront.ServeHTTP(w, r)
	case "access-analyzer":
		a.Analyzer.ServeHTTP(w, r)
	case "iam":
		a.IAM.ServeHTTP(w, r)
	case "sts":
		a.serveSTS(w, r)
	default:
		http.Error(w, "no fake for "+svc, http.StatusNotImplemented)
	}
}

// serveSTS answers GetCallerIdentity for the account owner.
func (a *testAWS) serveSTS(w http.ResponseWriter, r *http.Request) {
	if ae := a.sts.Check(r); ae != nil {
		w.Header().Set("Content-Type", "text/xml")
		w.WriteHeader(ae.Status)
		fmt.Fprintf(w, `<ErrorResponse><Error><Type>Sender</Type><Code>%s</Code><Message>%s</Message></Error><RequestId>r</RequestId></ErrorResponse>`, ae.Code, ae.Message)
		return
	}
	_ = r.ParseForm()
	if r.Form.Get("Action") != "GetCallerIdentity" {
		http.Error(w, "not implemented", http.StatusNotImplemented)
		return
	}
	acct := a.AccountID()
	w.Header().Set("Content-Type", "text/xml")
	fmt.Fprintf(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
		`<Arn>arn:aws:iam::%s:root</Arn><UserId>%s</UserId><Account>%s</Account></GetCallerIdentityResult>`+
		`<ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetCallerIdentityResponse>`, acct, acct, acct)
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

var _ = url.Parse
