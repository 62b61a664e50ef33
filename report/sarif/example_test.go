package sarif_test

import (
	"fmt"

	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/report/sarif"
)

func Example() {
	doc := []byte(`{"Version": "2012-10-17", "Statement": [
  {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my-bucket/*"}]}`)
	log := sarif.NewLog(sarif.Tool{Name: "s3secure"})
	for _, f := range policy.Validate(doc, nil) {
		log.Add(sarif.Location{File: "bucket-policy.json"}, f)
	}
	// log.WriteTo(os.Stdout) writes the whole log.
	r := log.Runs[0].Results[0]
	fmt.Println(r.RuleID, r.Level, r.Locations[0].PhysicalLocation.Region.StartLine)
	// Output: S3SECURE_PUBLIC_ACCESS error 2
}
