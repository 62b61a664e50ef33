package usage_test

import (
	"context"
	"io"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/credsafe"
	"github.com/s3secure/s3secure/internal/secrettest"
	"github.com/s3secure/s3secure/policy"
	"github.com/s3secure/s3secure/s3securetest"
	"github.com/s3secure/s3secure/usage"
)

// TestCredentialProviderErrorsHaveNoSecrets: clients whose credentials come
// from a credential_process printing output that does not parse (the SDK's
// error quotes it, secret key and session token included). Suggest's
// errors (reading the bucket policy, listing the logs)
// name the provider's error by its types and keep it in the chain.
func TestCredentialProviderErrorsHaveNoSecrets(t *testing.T) {
	ctx := t.Context()
	srv := s3securetest.NewServer(t, nil)
	leak := secrettest.NewLeak(t, srv.Config, "usage")
	s3c := s3.NewFromConfig(leak.Config)
	logs, err := usage.S3Location(s3c, "s3://b-logs/logs/")
	require.NoError(t, err)
	bucketPolicy, err := policy.Parse([]byte(`{"Version":"2012-10-17","Statement":[]}`))
	require.NoError(t, err)
	line := `79a59df900b949e55d96a1e698fbacedfd6e09d98eacf8f8d5218e7cd47ef2be b-leaky [06/Feb/2026:00:00:38 +0000] 192.0.2.3 arn:aws:sts::111122223333:assumed-role/app/s 3E57427F3EXAMPLE REST.GET.OBJECT k "GET /b-leaky/k HTTP/1.1" 200 - 1 1 1 1 "-" "ua" - x SigV4 ECDHE-RSA-AES128-GCM-SHA256 AuthHeader b-leaky.s3.amazonaws.com TLSv1.2 - -` + "\n"
	lines := usage.Stream("log", func(context.Context) (io.ReadCloser, error) { return io.NopCloser(strings.NewReader(line)), nil })

	errs := map[string]error{"Error": &usage.Error{Op: "GetRole", Resource: "app", Err: leak.Raw},
		"ReadError": &usage.ReadError{Object: "s3://b-logs/logs/x", Err: leak.Raw}}
	_, errs["Suggest policy"] = usage.Suggest(ctx, "b-leaky", usage.Input{ServerAccessLogs: []usage.Source{lines}, BucketOwner: "111122223333", Policy: s3c}, nil)
	_, errs["Suggest logs"] = usage.Suggest(ctx, "b-leaky", usage.Input{ServerAccessLogs: []usage.Source{logs}, BucketOwner: "111122223333", BucketPolicy: bucketPolicy}, nil)
	leak.Check(t, errs)
	// Every request wraps the client's credentials, so the SDK's own
	// error in the chain is safe too, not only this package's message.
	for _, name := range []string{"Suggest policy", "Suggest logs"} {
		var safe *credsafe.Error
		require.ErrorAs(t, errs[name], &safe, name)
	}
}
