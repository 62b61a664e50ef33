package s3controlfake_test

import (
	"encoding/xml"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3secure/s3secure/internal/s3controlfake"
)

// FuzzAccessPointRequests sends arbitrary bodies to CreateAccessPoint,
// PutAccessPointPolicy and PutPublicAccessBlock: the fake must answer each
// with a status and, for errors, S3 Control's XML error document; never
// panic.
func FuzzAccessPointRequests(f *testing.F) {
	f.Add(`<CreateAccessPointRequest><Bucket>b</Bucket><VpcConfiguration><VpcId>vpc-1</VpcId></VpcConfiguration></CreateAccessPointRequest>`,
		`<PutAccessPointPolicyRequest><Policy>{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:GetObject","Resource":"arn:aws:s3:us-east-1:111122223333:accesspoint/ap1/object/*"}]}</Policy></PutAccessPointPolicyRequest>`,
		`<PublicAccessBlockConfiguration><BlockPublicAcls>true</BlockPublicAcls></PublicAccessBlockConfiguration>`)
	f.Add(`<x/>`, `<PutAccessPointPolicyRequest><Policy>{"Statement":{}}</Policy></PutAccessPointPolicyRequest>`, `<`)
	f.Add(``, `<PutAccessPointPolicyRequest><Policy>[]</Policy></PutAccessPointPolicyRequest>`, `<PublicAccessBlockConfiguration><BlockPublicAcls>yes</BlockPublicAcls></PublicAccessBlockConfiguration>`)
	f.Fuzz(func(t *testing.T, create, policy, bpa string) {
		s := s3controlfake.New(&s3controlfake.Options{AllowUnsigned: true})
		do := func(method, path, body string) {
			req := httptest.NewRequest(method, path, strings.NewReader(body))
			req.Host = s3controlfake.DefaultAccountID + ".s3-control.us-east-1.amazonaws.com"
			req.Header.Set("x-amz-account-id", s3controlfake.DefaultAccountID)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code >= 300 {
				var e struct {
					Error struct{ Code string } `xml:"Error"`
				}
				if err := xml.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
					t.Fatalf("%s %s: status %d without an error document: %q", method, path, rec.Code, rec.Body.String())
				}
			}
		}
		do(http.MethodPut, "/v20180820/accesspoint/ap1", create)
		do(http.MethodPut, "/v20180820/accesspoint/ap1/policy", policy)
		do(http.MethodGet, "/v20180820/accesspoint/ap1/policyStatus", "")
		do(http.MethodPut, "/v20180820/configuration/publicAccessBlock", bpa)
		do(http.MethodGet, "/v20180820/configuration/publicAccessBlock", "")
		do(http.MethodGet, "/v20180820/accesspoint?maxResults=1", "")
	})
}

// FuzzMRAPRequests sends arbitrary bodies to the Multi-Region Access Point
// operations (create, put-policy, delete) and arbitrary names and tokens
// in their paths: every answer is a status and, for errors, S3 Control's
// XML error document; never a panic.
func FuzzMRAPRequests(f *testing.F) {
	f.Add(`<CreateMultiRegionAccessPointRequest><Details><Name>global</Name><Regions><Region><Bucket>b</Bucket></Region></Regions></Details></CreateMultiRegionAccessPointRequest>`,
		`<PutMultiRegionAccessPointPolicyRequest><Details><Name>global</Name><Policy>{"Version":"2012-10-17","Statement":[]}</Policy></Details></PutMultiRegionAccessPointPolicyRequest>`,
		`<DeleteMultiRegionAccessPointRequest><Details><Name>global</Name></Details></DeleteMultiRegionAccessPointRequest>`, "global")
	f.Add(`<x/>`, `<`, ``, "a%2Fb")
	f.Add(`<CreateMultiRegionAccessPointRequest><Details><Name>global</Name><PublicAccessBlock><BlockPublicAcls>no</BlockPublicAcls></PublicAccessBlock></Details></CreateMultiRegionAccessPointRequest>`,
		`<PutMultiRegionAccessPointPolicyRequest><Details><Name>global</Name><Policy>[]</Policy></Details></PutMultiRegionAccessPointPolicyRequest>`, `<DeleteMultiRegionAccessPointRequest/>`, "..")
	f.Fuzz(func(t *testing.T, create, policy, del, name string) {
		s := s3controlfake.New(&s3controlfake.Options{AllowUnsigned: true})
		do := func(method, path, body string) {
			req := httptest.NewRequest(method, "/", strings.NewReader(body))
			req.URL.Path, req.URL.RawPath = "", ""
			req.URL.Opaque = path
			req.Host = s3controlfake.DefaultAccountID + ".s3-control.us-west-2.amazonaws.com"
			req.Header.Set("x-amz-account-id", s3controlfake.DefaultAccountID)
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			if rec.Code >= 300 {
				var e struct {
					Error struct{ Code string } `xml:"Error"`
				}
				if err := xml.Unmarshal(rec.Body.Bytes(), &e); err != nil || e.Error.Code == "" {
					t.Fatalf("%s %s: status %d without an error document: %q", method, path, rec.Code, rec.Body.String())
				}
			}
		}
		do(http.MethodPost, "/v20180820/async-requests/mrap/create", create)
		do(http.MethodPost, "/v20180820/async-requests/mrap/put-policy", policy)
		do(http.MethodGet, "/v20180820/mrap/instances/"+name, "")
		do(http.MethodGet, "/v20180820/mrap/instances/"+name+"/policy", "")
		do(http.MethodGet, "/v20180820/mrap/instances/"+name+"/policystatus", "")
		do(http.MethodGet, "/v20180820/mrap/instances?maxResults=1&nextToken="+name, "")
		do(http.MethodGet, "/v20180820/async-requests/mrap/"+name, "")
		do(http.MethodPost, "/v20180820/async-requests/mrap/delete", del)
	})
}
