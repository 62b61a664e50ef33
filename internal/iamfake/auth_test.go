package iamfake_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/iam"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/iamfake"
	"github.com/s3secure/s3secure/internal/testretry"
)

// TestSignatureIsVerified drives the real iam client (awsQuery form body,
// hashed into the signature) with right and wrong credentials.
func TestSignatureIsVerified(t *testing.T) {
	f, c := iamfake.Start(t)
	f.AddCredential(aws.Credentials{AccessKeyID: "AKIAIAMEXTRA00000001", SecretAccessKey: "extra/secret"})
	endpoint := aws.ToString(c.Options().BaseEndpoint)
	tests := []struct {
		name, akid, secret, region string
		code                       string // "" = accepted
	}{
		{"test credentials", iamfake.TestAccessKeyID, iamfake.TestSecretAccessKey, "us-east-1", ""},
		{"any region", iamfake.TestAccessKeyID, iamfake.TestSecretAccessKey, "eu-north-1", ""},
		{"fake account owner", fakeutil.OwnerAccessKeyID, fakeutil.OwnerSecretAccessKey, "us-east-1", ""},
		{"registered credential", "AKIAIAMEXTRA00000001", "extra/secret", "us-east-1", ""},
		{"wrong secret", iamfake.TestAccessKeyID, "wrong", "us-east-1", "SignatureDoesNotMatch"},
		{"unknown key", "AKIAUNKNOWN000000001", "x", "us-east-1", "InvalidClientTokenId"},
		{"unsigned", "", "", "us-east-1", "MissingAuthenticationToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			o := iam.Options{Region: tt.region, BaseEndpoint: aws.String(endpoint), Retryer: testretry.ClosedConn{}, HTTPClient: testretry.FreshConnClient(),
				Credentials: credentials.NewStaticCredentialsProvider(tt.akid, tt.secret, "")}
			if tt.akid == "" {
				o.Credentials = aws.AnonymousCredentials{}
			}
			before := f.Calls("ListUsers")
			_, err := iam.New(o).ListUsers(t.Context(), &iam.ListUsersInput{PathPrefix: aws.String("/division_abc/")})
			if tt.code == "" {
				require.NoError(t, err)
				assert.Equal(t, before+1, f.Calls("ListUsers"))
				return
			}
			assert.Equal(t, tt.code, fakeutil.ErrorCode(err))
			var re *smithyhttp.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, http.StatusForbidden, re.HTTPStatusCode())
			assert.Equal(t, before, f.Calls("ListUsers"), "refused before the operation")
		})
	}
}
