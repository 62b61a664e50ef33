package presign_test

import (
	"encoding/hex"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

const (
	docAKID   = "AKIAIOSFODNN7EXAMPLE"
	docSecret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
)

// TestAWSDocumentationExample reproduces the S3 documentation's presigned
// GET (REFERENCE.md §4.1) byte for byte.
func TestAWSDocumentationExample(t *testing.T) {
	at := time.Date(2013, 5, 24, 0, 0, 0, 0, time.UTC)
	key := presign.DeriveSigningKey(docSecret, "20130524", "us-east-1", "s3")
	assert.Equal(t, "dbb893acc010964918f1fd433add87c70e8b0db6be30c1fbeafefa5ec6ba8378", hex.EncodeToString(key))

	for _, tc := range []struct {
		name, token, want string
	}{
		{"static", "", "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-SignedHeaders=host&X-Amz-Signature=aeeed9bbccd4d02ee5c0109b86d86835f995330da4c265957d157751f604d404"},
		{"session token", "TOKEN", "https://examplebucket.s3.amazonaws.com/test.txt?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAIOSFODNN7EXAMPLE%2F20130524%2Fus-east-1%2Fs3%2Faws4_request&X-Amz-Date=20130524T000000Z&X-Amz-Expires=86400&X-Amz-Security-Token=TOKEN&X-Amz-SignedHeaders=host&X-Amz-Signature=8106df0212537b2c41ad3f3e824ad30bf3ac5fe751ead24ada133a57ef8d5922"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			creds := aws.Credentials{AccessKeyID: docAKID, SecretAccessKey: docSecret, SessionToken: tc.token}
			p, err := presign.New(aws.Config{Region: "us-east-1", Credentials: credentials.StaticCredentialsProvider{Value: creds}},
				&presign.Options{Endpoint: "https://s3.amazonaws.com", AllowExpiryUpTo: 24 * time.Hour})
			require.NoError(t, err)
			assert.Equal(t, tc.want, presign.PresignRawGet(p, creds, at, "examplebucket", "test.txt", 86400))
		})
	}
}
