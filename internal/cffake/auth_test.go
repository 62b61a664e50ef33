package cffake_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/cffake"
	"github.com/s3secure/s3secure/internal/fakeutil"
)

// TestSignatureIsVerified drives the real CloudFront client with right and
// wrong credentials: only a correct SigV4 signature (any region) gets in.
func TestSignatureIsVerified(t *testing.T) {
	srv := cffake.Start(t, nil)
	srv.AddCredential(aws.Credentials{AccessKeyID: "AKIACFEXTRA000000001", SecretAccessKey: "extra/secret"})
	client := func(akid, secret, region string) *cloudfront.Client {
		return cloudfront.New(srv.Client().Options(), func(o *cloudfront.Options) {
			o.Region = region
			if akid == "" {
				o.Credentials = aws.AnonymousCredentials{}
				return
			}
			o.Credentials = credentials.NewStaticCredentialsProvider(akid, secret, "")
		})
	}
	tests := []struct {
		name, akid, secret, region string
		code                       string // "" = accepted
	}{
		{"test credentials", cffake.TestAccessKeyID, cffake.TestSecretAccessKey, "us-east-1", ""},
		{"any region", cffake.TestAccessKeyID, cffake.TestSecretAccessKey, "ap-southeast-2", ""},
		{"fake account owner", fakeutil.OwnerAccessKeyID, fakeutil.OwnerSecretAccessKey, "eu-west-1", ""},
		{"registered credential", "AKIACFEXTRA000000001", "extra/secret", "us-east-1", ""},
		{"wrong secret", cffake.TestAccessKeyID, "wrong-secret", "us-east-1", "SignatureDoesNotMatch"},
		{"unknown key", "AKIAUNKNOWN000000001", "whatever", "us-east-1", "InvalidClientTokenId"},
		{"unsigned", "", "", "us-east-1", "MissingAuthenticationToken"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := srv.Writes()
			name := "oac-" + strings.ReplaceAll(tt.name, " ", "-")
			_, err := client(tt.akid, tt.secret, tt.region).CreateOriginAccessControl(t.Context(),
				&cloudfront.CreateOriginAccessControlInput{OriginAccessControlConfig: oacConfig(name)})
			if tt.code == "" {
				require.NoError(t, err)
				return
			}
			require.Error(t, err)
			var ae smithy.APIError
			require.ErrorAs(t, err, &ae)
			assert.Equal(t, tt.code, ae.ErrorCode())
			var re *smithyhttp.ResponseError
			require.ErrorAs(t, err, &re)
			assert.Equal(t, http.StatusForbidden, re.HTTPStatusCode())
			assert.Equal(t, before+1, srv.Writes(), "counted, not performed")
			list, lerr := srv.Client().ListOriginAccessControls(t.Context(), &cloudfront.ListOriginAccessControlsInput{})
			require.NoError(t, lerr)
			for _, it := range list.OriginAccessControlList.Items {
				assert.NotEqual(t, name, aws.ToString(it.Name), "a refused request creates nothing")
			}
		})
	}
}
