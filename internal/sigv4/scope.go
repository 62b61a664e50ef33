package sigv4

import (
	"net/http"
	"strings"
)

// Scope is the credential scope a request claims to be signed for, read
// without verifying anything.
type Scope struct {
	// AccessKeyID is the key the request names.
	AccessKeyID string
	// Region and Service are the signing region and signing name
	// ("s3", "cloudfront", "access-analyzer", "sts", …).
	Region, Service string
}

// RequestScope returns the credential scope of r's SigV4 authentication:
// the Credential field of an AWS4-HMAC-SHA256 Authorization header, or the
// X-Amz-Credential query parameter of a presigned URL. ok is false when r
// carries neither or the scope is not of the form
// AKID/YYYYMMDD/REGION/SERVICE/aws4_request. It reads neither the body nor
// any secret, and says nothing about whether the signature is valid: use it
// to route a request to the service that will [Verify] it.
func RequestScope(r *http.Request) (s Scope, ok bool) {
	cred := ""
	if alg, rest, found := strings.Cut(r.Header.Get("Authorization"), " "); found && alg == Algorithm {
		for _, f := range strings.Split(rest, ",") {
			if v, isCred := strings.CutPrefix(strings.TrimSpace(f), "Credential="); isCred {
				cred = v
				break
			}
		}
	} else if r.URL != nil {
		cred = r.URL.Query().Get("X-Amz-Credential")
	}
	sc, ok := parseScope(cred)
	if !ok {
		return Scope{}, false
	}
	return Scope{AccessKeyID: sc.akid, Region: sc.region, Service: sc.service}, true
}
