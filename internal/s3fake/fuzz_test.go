package s3fake_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// FuzzServe sends arbitrary unsigned requests (method, path and query,
// body, one header) to a fake whose authorizer allows everything. The fake
// must not panic, must answer a valid status, and must never change an
// object's bytes through a configuration sub-resource.
func FuzzServe(f *testing.F) {
	f.Add("PUT", "/fuzz-bucket?policy", `{"Statement":[{"Effect":"Allow","Principal":"*","Action":"s3:*","Resource":"arn:aws:s3:::fuzz-bucket/*"}]}`, "X-Amz-Acl", "private")
	f.Add("PUT", "/fuzz-bucket/obj?tagging", `<Tagging><TagSet><Tag><Key>a</Key><Value>b</Value></Tag></TagSet></Tagging>`, "", "")
	f.Add("PUT", "/fuzz-bucket/obj?acl", `<AccessControlPolicy><Owner><ID>x</ID></Owner></AccessControlPolicy>`, "X-Amz-Grant-Read", `uri="http://acs.amazonaws.com/groups/global/AllUsers"`)
	f.Add("PUT", "/fuzz-bucket?encryption", `<ServerSideEncryptionConfiguration><Rule><ApplyServerSideEncryptionByDefault><SSEAlgorithm>aws:kms</SSEAlgorithm></ApplyServerSideEncryptionByDefault></Rule></ServerSideEncryptionConfiguration>`, "", "")
	f.Add("PUT", "/fuzz-bucket?versioning", `<VersioningConfiguration><Status>Enabled</Status><MfaDelete>Enabled</MfaDelete></VersioningConfiguration>`, "X-Amz-Mfa", "serial 123")
	f.Add("PUT", "/fuzz-bucket?object-lock", `<ObjectLockConfiguration><ObjectLockEnabled>Enabled</ObjectLockEnabled><Rule><DefaultRetention><Mode>GOVERNANCE</Mode><Days>1</Days></DefaultRetention></Rule></ObjectLockConfiguration>`, "", "")
	f.Add("PUT", "/fuzz-bucket?logging", `<BucketLoggingStatus><LoggingEnabled><TargetBucket>fuzz-bucket</TargetBucket><TargetPrefix>l/</TargetPrefix></LoggingEnabled></BucketLoggingStatus>`, "", "")
	f.Add("PUT", "/fuzz-bucket?lifecycle", `<LifecycleConfiguration><Rule><ID>x</ID><Status>Enabled</Status></Rule></LifecycleConfiguration>`, "", "")
	f.Add("DELETE", "/fuzz-bucket/obj?tagging", "", "", "")
	f.Add("PUT", "/new-bucket", `<CreateBucketConfiguration><LocationConstraint>eu-west-1</LocationConstraint></CreateBucketConfiguration>`, "X-Amz-Object-Ownership", "ObjectWriter")
	f.Add("PUT", "/fuzz-bucket/obj2", "content", "X-Amz-Tagging", "a=b&c")
	f.Add("PUT", "/fuzz-bucket/obj3", "5\r\nhello\r\n0\r\nx-amz-checksum-crc32:NhCmhg==\r\n\r\n", "X-Amz-Content-Sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER")
	f.Add("GET", "/?max-buckets=0", "", "", "")

	f.Fuzz(func(t *testing.T, method, target, body, hk, hv string) {
		if !strings.HasPrefix(target, "/") || strings.ContainsAny(target, " \r\n\t#") {
			return
		}
		srv := s3fake.MustNew(&s3fake.Options{Authorize: func(context.Context, *s3fake.AccessRequest) error { return nil }})
		if err := srv.CreateBucket("fuzz-bucket", s3fake.StateLegacy); err != nil {
			t.Fatal(err)
		}
		put := httptest.NewRequest(http.MethodPut, "/fuzz-bucket/obj", strings.NewReader("original bytes"))
		put.Header.Set("Content-Length", "14")
		seed := httptest.NewRecorder()
		srv.ServeHTTP(seed, put)
		if seed.Code != http.StatusOK {
			t.Fatalf("seed PUT: %d %s", seed.Code, seed.Body)
		}

		req, err := http.NewRequest(method, "http://s3.local"+target, strings.NewReader(body))
		if err != nil {
			return
		}
		if hk != "" && !strings.ContainsAny(hk, ": \r\n") && !strings.ContainsAny(hv, "\r\n") {
			req.Header.Set(hk, hv)
		}
		req.Header.Set("Content-Length", strconv.Itoa(len(body)))
		req.RemoteAddr = "192.0.2.1:1234"
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		if rec.Code < 200 || rec.Code > 599 {
			t.Fatalf("status %d", rec.Code)
		}
		if q := req.URL.Query(); (q.Has("acl") || q.Has("tagging")) && req.URL.Path == "/fuzz-bucket/obj" {
			get := httptest.NewRecorder()
			srv.ServeHTTP(get, httptest.NewRequest(http.MethodGet, "/fuzz-bucket/obj", nil))
			if b, _ := io.ReadAll(get.Body); string(b) != "original bytes" {
				t.Fatalf("object body changed to %q by %s %s", b, method, target)
			}
		}
	})
}
