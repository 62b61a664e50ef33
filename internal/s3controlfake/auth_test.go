package s3controlfake_test

import (
	"net/http"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/s3control"
	"github.com/aws/aws-sdk-go-v2/service/s3control/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/fakeutil"
	"github.com/s3secure/s3secure/internal/s3controlfake"
	"github.com/s3secure/s3secure/internal/s3fake"
)

const emptySHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

// TestSignatureIsVerified drives the real s3control client (account-prefixed
// host, x-amz-content-sha256) with right and wrong credentials.
func TestSignatureIsVerified(t *testing.T) {
	s3f := s3fake.Start(t, nil)
	ts := s3controlfake.Start(t, &s3controlfake.Options{S3: s3f.Server})
	ts.AddCredential(aws.Credentials{AccessKeyID: "AKIACTLEXTRA00000001", SecretAccessKey: "extra+secret/=="})
	owner := s3f.OwnerCredential()
	acct := s3f.AccountID()
	tests := []struct {
		name, akid, secret, region string
		code                       string // "" = accepted
		status                     int
	}{
		{"test credentials", s3controlfake.TestAccessKeyID, s3controlfake.TestSecretAccessKey, "us-east-1", "", 0},
		{"any region", s3controlfake.TestAccessKeyID, s3controlfake.TestSecretAccessKey, "eu-central-1", "", 0},
		{"S3 fake's owner", owner.AccessKeyID, owner.SecretAccessKey, "us-east-1", "", 0},
		{"fake account owner", fakeutil.OwnerAccessKeyID, fakeutil.OwnerSecretAccessKey, "us-east-1", "", 0},
		{"registered credential", "AKIACTLEXTRA00000001", "extra+secret/==", "us-east-1", "", 0},
		{"wrong secret", s3controlfake.TestAccessKeyID, "wrong", "us-east-1", "SignatureDoesNotMatch", http.StatusForbidden},
		{"unknown key", "AKIAUNKNOWN000000001", "x", "us-east-1", "InvalidAccessKeyId", http.StatusForbidden},
		{"unsigned", "", "", "us-east-1", "AccessDenied", http.StatusForbidden},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := ts.Client(func(o *s3control.Options) {
				o.Region = tt.region
				if tt.akid == "" {
					o.Credentials = aws.AnonymousCredentials{}
				} else {
					o.Credentials = credentials.NewStaticCredentialsProvider(tt.akid, tt.secret, "")
				}
			})
			_, err := c.PutPublicAccessBlock(t.Context(), &s3control.PutPublicAccessBlockInput{AccountId: aws.String(acct),
				PublicAccessBlockConfiguration: &types.PublicAccessBlockConfiguration{BlockPublicAcls: aws.Bool(tt.code == "")}})
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			assert.Equal(t, tt.code, fakeutil.ErrorCode(err))
			var re *smithyhttp.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, tt.status, re.HTTPStatusCode())
			// A refused write changes nothing.
			got, gerr := ts.Client().GetPublicAccessBlock(t.Context(), &s3control.GetPublicAccessBlockInput{AccountId: aws.String(acct)})
			require.NoError(t, gerr)
			assert.True(t, aws.ToBool(got.PublicAccessBlockConfiguration.BlockPublicAcls))
		})
	}
}
