package cloudfront_test

import (
	"crypto/rand"
	"crypto/rsa"
	"testing"

	cfsdk "github.com/aws/aws-sdk-go-v2/service/cloudfront"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/cloudfront"
	"github.com/s3secure/s3secure/internal/secrettest"
	"github.com/s3secure/s3secure/s3securetest"
)

// TestCredentialProviderErrorsHaveNoSecrets: clients whose credentials come
// from a credential_process printing output that does not parse (the SDK's
// error quotes it, secret key and session token included). The package's
// errors name the provider's error by its types and keep it in the chain,
// *StepError built around such an SDK error too.
func TestCredentialProviderErrorsHaveNoSecrets(t *testing.T) {
	ctx := t.Context()
	srv := s3securetest.NewServer(t, nil)
	leak := secrettest.NewLeak(t, srv.Config, "cloudfront")
	cf, s3c := cfsdk.NewFromConfig(leak.Config), s3.NewFromConfig(leak.Config)
	raw := leak.Raw
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)

	errs := map[string]error{"StepError": &cloudfront.StepError{Bucket: "b-leaky", Step: cloudfront.StepCreateDistribution, Err: raw}}
	_, errs["ServeBucket"] = cloudfront.ServeBucket(ctx, cf, s3c, "b-leaky", nil)
	_, errs["Migrate"] = cloudfront.Migrate(ctx, cf, s3c, "b-leaky", "E2EXAMPLE", nil)
	_, errs["CreateLegacyOAI"] = cloudfront.CreateLegacyOAI(ctx, cf, s3c, "b-leaky", nil)
	_, errs["CreateKeyGroup"] = cloudfront.CreateKeyGroup(ctx, cf, "signers", &key.PublicKey)
	leak.Check(t, errs)
}
