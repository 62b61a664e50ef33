package presign

import (
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// PresignRawGet signs a GET without the SDK's x-id query parameter, the
// shape of the AWS documentation's examples.
func PresignRawGet(p *Presigner, creds aws.Credentials, t time.Time, bucket, key string, expires int64) string {
	return p.presignURL(&creds, t, &spec{method: "GET", bucket: bucket, key: key, expires: expires})
}

// DeriveSigningKey exposes the key derivation for the published vector.
var DeriveSigningKey = deriveSigningKey

// SignPolicy signs a base64 POST policy as Presigner.Post does.
func SignPolicy(secret, day, region, policy string) string {
	var d [8]byte
	copy(d[:], day)
	return string(deriveKey("AKID", secret, &d, region).sign(nil, []byte(policy)))
}
