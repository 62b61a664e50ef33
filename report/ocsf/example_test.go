package ocsf_test

import (
	"encoding/json"
	"fmt"
	"time"

	"github.com/s3secure/s3secure/report/ocsf"
)

func ExampleNewDetectionFinding() {
	f := ocsf.NewDetectionFinding(ocsf.Product{Name: "s3secure", VendorName: "s3secure"}, ocsf.Check{
		ID:       "S3.5",
		Title:    "S3 general purpose buckets should require requests to use SSL",
		Outcome:  "FAIL",
		Severity: ocsf.ParseSeverity("MEDIUM"),
		Message:  "the bucket policy does not deny requests over plain HTTP",
		Resource: ocsf.Resource{UID: "arn:aws:s3:::my-bucket", Name: "my-bucket", Type: "AWS::S3::Bucket"},
		Time:     time.Date(2026, 5, 1, 12, 0, 0, 0, time.UTC),
	})
	b, _ := json.Marshal(f) // json.NewEncoder(os.Stdout).Encode(f) writes one record per line
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	fmt.Println(m["class_uid"], m["type_uid"], m["severity"], m["status"], m["status_code"])
	fmt.Println(f.FindingInfo.UID)
	// Output:
	// 2004 200401 Medium New FAIL
	// s3secure/S3.5/arn:aws:s3:::my-bucket
}
