package cloudtrailfake_test

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
)

// FuzzPutEventSelectors sends arbitrary bodies to PutEventSelectors and
// GetEventSelectors: the fake must answer every one with a JSON document
// (a result or an error with __type), never panic, and never store
// selectors it would then fail to serve.
func FuzzPutEventSelectors(f *testing.F) {
	f.Add(`{"TrailName":"main","EventSelectors":[{"ReadWriteType":"All","DataResources":[{"Type":"AWS::S3::Object","Values":["arn:aws:s3"]}]}]}`)
	f.Add(`{"TrailName":"main","AdvancedEventSelectors":[{"FieldSelectors":[{"Field":"eventCategory","Equals":["Data"]},{"Field":"resources.type","Equals":["AWS::S3::Object"]}]}]}`)
	f.Add(`{"TrailName":"main","EventSelectors":[],"AdvancedEventSelectors":[]}`)
	f.Add(`{"TrailName":"arn:aws:cloudtrail:us-east-1:111122223333:trail/main"}`)
	f.Add(`{"TrailName":5}`)
	f.Add(`[`)
	f.Fuzz(func(t *testing.T, body string) {
		s := cloudtrailfake.New(&cloudtrailfake.Options{AllowUnsigned: true})
		s.AddTrail(cloudtrailfake.Trail{Name: "main", S3BucketName: "logs", IsMultiRegionTrail: true})
		for _, op := range []string{"PutEventSelectors", "GetEventSelectors"} {
			req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(body))
			req.Header.Set("X-Amz-Target", "CloudTrail_20131101."+op)
			req.Header.Set("Content-Type", "application/x-amz-json-1.1")
			rec := httptest.NewRecorder()
			s.ServeHTTP(rec, req)
			var out map[string]any
			if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
				t.Fatalf("%s answered %d with a body that is not a JSON object: %q", op, rec.Code, rec.Body.String())
			}
			if rec.Code != http.StatusOK && out["__type"] == nil {
				t.Fatalf("%s error without __type: %q", op, rec.Body.String())
			}
		}
		// Whatever was stored must still be served.
		req := httptest.NewRequest(http.MethodPost, "/", strings.NewReader(`{"TrailName":"main"}`))
		req.Header.Set("X-Amz-Target", "CloudTrail_20131101.GetEventSelectors")
		req.Header.Set("Content-Type", "application/x-amz-json-1.1")
		rec := httptest.NewRecorder()
		s.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK {
			t.Fatalf("GetEventSelectors after %q: %d %s", body, rec.Code, rec.Body.String())
		}
	})
}
