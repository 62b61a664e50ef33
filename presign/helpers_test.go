package presign_test

import (
	"encoding/base64"

	"github.com/s3secure/s3secure/presign"
)

func base64Std(b []byte) string { return base64.StdEncoding.EncodeToString(b) }

// signingConditions are the conditions that pin the x-amz-algorithm,
// x-amz-credential and x-amz-date fields handSignedPost sends.
func signingConditions(amzDate string) string {
	return `{"x-amz-algorithm":"AWS4-HMAC-SHA256"},{"x-amz-credential":"` + testAKID + "/" + amzDate[:8] +
		`/eu-west-1/s3/aws4_request"},{"x-amz-date":"` + amzDate + `"}`
}

// handSignedPost returns the form fields of a POST whose policy document
// is doc, signed with testSecret for eu-west-1 on the day of amzDate, with
// testAKID's credential and the key field key.
func handSignedPost(doc, amzDate, key string) map[string][]string {
	day := amzDate[:8]
	policy := base64.StdEncoding.EncodeToString([]byte(doc))
	return map[string][]string{
		"key":              {key},
		"policy":           {policy},
		"x-amz-algorithm":  {"AWS4-HMAC-SHA256"},
		"x-amz-credential": {testAKID + "/" + day + "/eu-west-1/s3/aws4_request"},
		"x-amz-date":       {amzDate},
		"x-amz-signature":  {presign.SignPolicy(testSecret, day, "eu-west-1", policy)},
	}
}
