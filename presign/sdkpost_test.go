package presign_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/presign"
)

// TestVerifyPostAcceptsSDKForms checks VerifyPost against forms made by the
// SDK's own s3.PresignClient.PresignPostObject (static and temporary
// credentials), so the verifier is not only consistent with our signer.
func TestVerifyPostAcceptsSDKForms(t *testing.T) {
	for _, token := range []string{"", "FwoGZXIvYXdzEXAMPLE/+="} {
		creds := aws.Credentials{AccessKeyID: testAKID, SecretAccessKey: testSecret, SessionToken: token}
		pc := s3.NewPresignClient(s3.New(s3.Options{Region: "eu-west-1", Credentials: credentials.StaticCredentialsProvider{Value: creds}}))
		form, err := pc.PresignPostObject(t.Context(), &s3.PutObjectInput{Bucket: aws.String("sdk-bucket"), Key: aws.String("dir/file.txt")},
			func(o *s3.PresignPostOptions) { o.Expires = 10 * time.Minute })
		require.NoError(t, err)

		fields := map[string][]string{}
		for k, v := range form.Values {
			fields[k] = []string{v}
		}
		lookup := lookupFor(creds)
		v, err := presign.VerifyPost("sdk-bucket", fields, 10, lookup, nil)
		require.NoError(t, err, "token %q", token)
		assert.Equal(t, "dir/file.txt", v.Key)

		fields["key"] = []string{"dir/other.txt"}
		_, err = presign.VerifyPost("sdk-bucket", fields, 10, lookup, nil)
		assert.ErrorIs(t, err, presign.ErrPolicyViolation)
	}
}
