package credsafe_test

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/secrettest"
)

// leaky is secrettest.LeakyCredentialProcess's provider: its error quotes
// the whole output of the credential process.
func leaky(t *testing.T) (aws.CredentialsProvider, string, string) {
	return secrettest.LeakyCredentialProcess(t, "credsafe")
}

func listBuckets(ctx context.Context, creds aws.CredentialsProvider) error {
	client := s3.NewFromConfig(aws.Config{Region: "eu-west-1", Credentials: creds, RetryMaxAttempts: 1},
		func(o *s3.Options) { o.BaseEndpoint = aws.String("http://127.0.0.1:1") })
	_, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
	return err
}

func TestProviderWithholdsTheProvidersMessage(t *testing.T) {
	l, secret, token := leaky(t)
	p := credsafe.Provider(l)
	_, err := p.Retrieve(t.Context())
	require.Error(t, err)
	var pe *processcreds.ProviderError
	assert.ErrorAs(t, err, &pe, "the provider's error stays in the chain")
	assert.Contains(t, err.Error(), "processcreds.ProviderError")
	secrettest.Check(t, []any{err}, secret, token)

	sdkErr := listBuckets(t.Context(), p)
	require.Error(t, sdkErr)
	assert.ErrorAs(t, sdkErr, &pe)
	assert.Contains(t, sdkErr.Error(), "get identity: get credentials:")
	for _, verb := range []string{"%v", "%+v", "%s", "%q"} {
		s := fmt.Sprintf(verb, sdkErr)
		assert.NotContains(t, s, secret, verb)
		assert.NotContains(t, s, token, verb)
	}
}

func TestProviderKeepsWhatTheSDKAsksOfIt(t *testing.T) {
	assert.Nil(t, credsafe.Provider(nil))
	anon := aws.AnonymousCredentials{}
	assert.Equal(t, aws.CredentialsProvider(anon), credsafe.Provider(anon), "anonymous credentials are not signed with; the SDK looks for them by type")
	cache, _, _ := leaky(t)
	p := credsafe.Provider(cache)
	assert.Equal(t, p, credsafe.Provider(p), "wrapping twice wraps once")
	assert.True(t, aws.IsCredentialsProvider(p, (*processcreds.Provider)(nil)), "IsCredentialsProvider sees the wrapped provider")
	_, ok := p.(aws.CredentialProviderSource)
	assert.True(t, ok)

	static := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
		return aws.Credentials{AccessKeyID: "AKIAEXAMPLE", SecretAccessKey: "s"}, nil
	})
	got, err := credsafe.Provider(static).Retrieve(t.Context())
	require.NoError(t, err)
	assert.Equal(t, "AKIAEXAMPLE", got.AccessKeyID)
}

// TestText: an SDK client on an unwrapped provider puts the provider's
// text after "get identity: get credentials: "; Text puts the types in
// its place and keeps the rest.
func TestText(t *testing.T) {
	l, secret, token := leaky(t)
	sdkErr := listBuckets(t.Context(), l)
	require.Error(t, sdkErr)
	require.Contains(t, sdkErr.Error(), secret, "the oracle: the SDK quotes the provider's error")
	wrapped := fmt.Errorf("securebucket: list: %w", sdkErr)
	for _, err := range []error{sdkErr, wrapped, errors.Join(errors.New("other"), wrapped)} {
		s := credsafe.Text(err)
		assert.NotContains(t, s, secret)
		assert.NotContains(t, s, token)
		assert.Contains(t, s, "operation error S3: ListBuckets, get identity: get credentials: ")
		assert.Contains(t, s, "processcreds.ProviderError")
	}
	assert.Contains(t, credsafe.Text(wrapped), "securebucket: list: operation error S3")

	plain := fmt.Errorf("securebucket: x: %w", errors.New("AccessDenied"))
	assert.Equal(t, plain.Error(), credsafe.Text(plain), "other errors keep their text")
	assert.Empty(t, credsafe.Text(nil))

	// A wrapper that does not quote the provider's text verbatim: all is withheld.
	quoted := fmt.Errorf("x: %q: %w", sdkErr.Error(), sdkErr)
	s := credsafe.Text(quoted)
	assert.NotContains(t, s, secret)
	assert.NotContains(t, s, token)
	assert.Contains(t, s, "processcreds.ProviderError")
}
