package sigv4_test

import (
	"errors"
	"fmt"
	"net/http/httptest"
	"time"

	"github.com/s3secure/s3secure/internal/sigv4"
)

// Example verifies the presigned URL from the S3 documentation's SigV4
// query-string example, then the same URL a day and a second later.
func Example() {
	// DO NOT use real keys in code; this is AWS's documented example key.
	lookup := func(id string) (sigv4.Credentials, bool) {
		if id != "AKIAIOSFODNN7EXAMPLE" {
			return sigv4.Credentials{}, false
		}
		return sigv4.Credentials{AccessKeyID: id, SecretAccessKey: "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"}, true
	}
	url := "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256" +
		"&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request" +
		"&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host" +
		"&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"
	signedAt := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)

	for _, now := range []time.Time{signedAt.Add(time.Hour), signedAt.Add(24*time.Hour + time.Second)} {
		res, err := sigv4.Verify(httptest.NewRequest("GET", url, nil), lookup, &sigv4.VerifyOptions{Now: func() time.Time { return now }})
		switch {
		case errors.Is(err, sigv4.ErrAccessDenied):
			fmt.Println("refused:", err)
		case err != nil:
			fmt.Println("error:", err)
		default:
			fmt.Println("ok:", res.AccessKeyID, res.AuthType, res.ExpiresAt.Format(time.RFC3339))
		}
	}
	// Output:
	// ok: AKIAIOSFODNN7EXAMPLE REST-QUERY-STRING 2013-05-25T00:00:00Z
	// refused: sigv4: AccessDenied: Request has expired
}
