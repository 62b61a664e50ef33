package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/secrettest"
)

// TestCredentialProcessOutputStaysSecret: a profile whose credential_process
// prints credentials that do not parse (an Expiration without its 'T')
// makes aws-sdk-go-v2's provider quote the whole output, secret access key
// and session token included, in its error ("parse failed of process
// output: %s"). Every command stops with exit 2 and a hint, and neither
// stream holds the secret or the token.
func TestCredentialProcessOutputStaysSecret(t *testing.T) {
	const secret, token = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYCLIPROCKEY", "FwoGZXIvYXdzCLIPROCTOKEN//////////wEaDH"
	a := startAWS(t, nil)
	t.Setenv("AWS_ENDPOINT_URL", a.URL)
	t.Setenv("AWS_ACCESS_KEY_ID", "")
	t.Setenv("AWS_SECRET_ACCESS_KEY", "")
	out := `{"Version":1,"AccessKeyId":"ASIACLIPROC000000001","SecretAccessKey":"` + secret +
		`","SessionToken":"` + token + `","Expiration":"2026-03-14 16:00:00"}`
	dir := t.TempDir()
	script := filepath.Join(dir, "creds.sh")
	require.NoError(t, os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s' '"+out+"'\n"), 0o700))
	path := filepath.Join(dir, "config")
	require.NoError(t, os.WriteFile(path, []byte("[profile leaky]\ncredential_process = "+script+"\n"), 0o600))
	t.Setenv("AWS_CONFIG_FILE", path)
	t.Setenv("AWS_SHARED_CREDENTIALS_FILE", filepath.Join(dir, "none"))
	t.Setenv("AWS_PROFILE", "leaky")

	for _, args := range [][]string{
		{"audit", "-bucket", "b-leaky"},
		{"audit", "-all"},
		{"-format", "json", "audit", "-all"},
		{"harden", "-bucket", "b-leaky"},
		{"analyze", "-all"},
		{"audit", "-organization", "-role", "S3SecureAudit"},
	} {
		t.Run(strings.Join(args, " "), func(t *testing.T) {
			code, stdout, stderr := runCLI(t, "", args...)
			assert.Equal(t, exitUsage, code, stderr)
			for _, s := range []string{stdout, stderr} {
				assert.NotContains(t, s, secret)
				assert.NotContains(t, s, token)
			}
			assert.True(t, strings.HasPrefix(stderr, "s3secure: no credentials: retrieving credentials failed (*processcreds.ProviderError > *time.ParseError; "),
				"as the README shows: %s", stderr)
			assert.Contains(t, stderr, "(hint: the profile's credential_process failed", "the hint names what failed")
			assert.Equal(t, 1, strings.Count(stderr, "\n"), "one line: %q", stderr)
		})
	}
}

// TestDescribeWithholdsCredentialProviderText: an error from an SDK client
// whose credentials the CLI did not wrap (a provider's text after "get
// identity: get credentials: ") is printed with the provider's error named
// by its types, on stderr (describe) and in output rows (oneLine).
func TestDescribeWithholdsCredentialProviderText(t *testing.T) {
	leak := secrettest.NewLeak(t, aws.Config{Region: "eu-west-1", BaseEndpoint: aws.String("http://127.0.0.1:1"), RetryMaxAttempts: 1}, "describe")
	secret, token := leak.Secret, leak.Token
	err := fmt.Errorf("audit: %w", leak.Raw)
	for _, s := range []string{describe(err), oneLine(err)} {
		assert.NotContains(t, s, secret)
		assert.NotContains(t, s, token)
		assert.Contains(t, s, "audit: S3 ListBuckets: ")
		assert.Contains(t, s, "processcreds.ProviderError")
	}
	assert.Contains(t, describe(err), "(hint: the profile's credential_process failed")
}
