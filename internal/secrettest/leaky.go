package secrettest

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"
	"github.com/aws/aws-sdk-go-v2/service/s3"
)

// LeakyCredentialProcess returns aws-sdk-go-v2's credential_process
// provider (credentials/processcreds), in a credentials cache as the SDK's
// configuration loader puts it, running a command that prints credentials
// whose Expiration lacks its 'T'. The SDK's error then quotes the whole
// output ("parse failed of process output: %s"), secret access key and
// session token included; it fails t unless it does (the oracle). The
// secret and token hold tag, so that each test looks for its own.
func LeakyCredentialProcess(t testing.TB, tag string) (p aws.CredentialsProvider, secret, token string) {
	t.Helper()
	tag = strings.ToUpper(tag)
	secret, token = "wJalrXUtnFEMI/K7MDENG/"+tag+"SECRETKEY", "FwoGZXIvYXdz"+tag+"SESSIONTOKEN//////////wEaDH"
	out := `{"Version":1,"AccessKeyId":"ASIAEXAMPLE000000001","SecretAccessKey":"` + secret +
		`","SessionToken":"` + token + `","Expiration":"2026-03-14 16:00:00"}`
	process := processcreds.NewProvider("printf '%s' '" + out + "'")
	if _, err := process.Retrieve(t.Context()); err == nil || !strings.Contains(err.Error(), secret) || !strings.Contains(err.Error(), token) {
		t.Fatalf("secrettest: the SDK's credential_process error no longer quotes the output: %v", err)
	}
	return aws.NewCredentialsCache(process), secret, token
}

// CheckProviderErrors fails t for each error of errs (by name) that is
// nil, that errors.As does not take to the *processcreds.ProviderError of
// [LeakyCredentialProcess], whose message does not name that type, or
// that prints secret or token with %v, %+v, %s or %q.
func CheckProviderErrors(t testing.TB, errs map[string]error, secret, token string) {
	t.Helper()
	for name, err := range errs {
		if err == nil {
			t.Errorf("%s: no error", name)
			continue
		}
		var pe *processcreds.ProviderError
		if !errors.As(err, &pe) {
			t.Errorf("%s: the provider's error is not in the chain: %v", name, err)
		}
		if !strings.Contains(err.Error(), "processcreds.ProviderError") {
			t.Errorf("%s: the message does not name what failed: %v", name, err)
		}
		for _, verb := range []string{"%v", "%+v", "%s", "%q"} {
			if s := fmt.Sprintf(verb, err); strings.Contains(s, secret) || strings.Contains(s, token) {
				t.Errorf("%s: %s prints the secret key or session token: %s", name, verb, s)
			}
		}
	}
}

// Leak is a configuration whose credentials leak when they fail.
type Leak struct {
	// Config is a copy of the configuration given to [NewLeak], with
	// LeakyCredentialProcess's credentials.
	Config aws.Config
	// Raw is the error of an S3 ListBuckets made with Config by a client
	// whose credentials nothing wrapped: its text quotes Secret and Token.
	Raw           error
	Secret, Token string
}

// NewLeak returns cfg with [LeakyCredentialProcess]'s credentials.
func NewLeak(t testing.TB, cfg aws.Config, tag string) *Leak {
	t.Helper()
	l := &Leak{Config: cfg.Copy()}
	l.Config.Credentials, l.Secret, l.Token = LeakyCredentialProcess(t, tag)
	_, l.Raw = s3.NewFromConfig(l.Config).ListBuckets(t.Context(), &s3.ListBucketsInput{})
	if l.Raw == nil || !strings.Contains(l.Raw.Error(), l.Secret) {
		t.Fatalf("secrettest: an SDK call on the provider no longer quotes its output: %v", l.Raw)
	}
	return l
}

// Check is [CheckProviderErrors] for l's secret and token.
func (l *Leak) Check(t testing.TB, errs map[string]error) {
	t.Helper()
	CheckProviderErrors(t, errs, l.Secret, l.Token)
}
