package cloudtrailfake_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudtrail"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cloudtrailfake"
	"github.com/s3secure/s3secure/internal/fakeutil"
)

// TestSignatureIsVerified drives the real cloudtrail client (JSON 1.1 body,
// hashed into the signature) with right and wrong credentials.
func TestSignatureIsVerified(t *testing.T) {
	ts := cloudtrailfake.Start(t, nil)
	ts.AddCredential(aws.Credentials{AccessKeyID: "ASIACTEXTRA000000001", SecretAccessKey: "temp/secret", SessionToken: "tok"})
	tests := []struct {
		name, akid, secret, token, region string
		code                              string // "" = accepted
	}{
		{"test credentials", cloudtrailfake.TestAccessKeyID, cloudtrailfake.TestSecretAccessKey, "", "us-east-1", ""},
		{"any region", cloudtrailfake.TestAccessKeyID, cloudtrailfake.TestSecretAccessKey, "", "sa-east-1", ""},
		{"fake account owner", fakeutil.OwnerAccessKeyID, fakeutil.OwnerSecretAccessKey, "", "us-east-1", ""},
		{"registered temporary credential", "ASIACTEXTRA000000001", "temp/secret", "tok", "us-east-1", ""},
		{"wrong session token", "ASIACTEXTRA000000001", "temp/secret", "other", "us-east-1", "UnrecognizedClientException"},
		{"wrong secret", cloudtrailfake.TestAccessKeyID, "wrong", "", "us-east-1", "InvalidSignatureException"},
		{"unknown key", "AKIAUNKNOWN000000001", "x", "", "us-east-1", "UnrecognizedClientException"},
		{"unsigned", "", "", "", "us-east-1", "MissingAuthenticationTokenException"},
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ts.Client(func(o *cloudtrail.Options) {
				o.Region = tt.region
				if tt.akid == "" {
					o.Credentials = aws.AnonymousCredentials{}
				} else {
					o.Credentials = credentials.NewStaticCredentialsProvider(tt.akid, tt.secret, tt.token)
				}
			})
			name := "trail-" + string(rune('a'+i))
			_, err := c.CreateTrail(t.Context(), &cloudtrail.CreateTrailInput{Name: aws.String(name), S3BucketName: aws.String("logs")})
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			assert.Equal(t, tt.code, fakeutil.ErrorCode(err))
			var re *smithyhttp.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, http.StatusBadRequest, re.HTTPStatusCode())
			got, gerr := ts.Client().GetTrail(t.Context(), &cloudtrail.GetTrailInput{Name: aws.String(name)})
			assert.Error(t, gerr, "a refused CreateTrail creates nothing")
			assert.Nil(t, got)
		})
	}
}
