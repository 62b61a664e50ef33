package credsafe_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials/processcreds"

	"github.com/s3secure/s3secure/internal/credsafe"
)

// base64ish maps fuzzed bytes onto the alphabet of AWS secret access keys
// and session tokens (base64: letters, digits, '+', '/', '='), keeping
// those already in it, and pads them to at least n characters.
func base64ish(b []byte, n int) string {
	const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
	var s strings.Builder
	for _, c := range b {
		if !strings.ContainsRune(alphabet, rune(c)) {
			c = alphabet[int(c)%len(alphabet)]
		}
		s.WriteByte(c)
	}
	for i := 0; s.Len() < n; i++ {
		s.WriteByte(alphabet[(i*7+3)%len(alphabet)])
	}
	return s.String()
}

// FuzzText: a credentials provider whose error quotes a secret access key
// (40 base64 characters) and a session token (at least 100), in text
// around them that is fuzzed, fails a real SDK call (ListBuckets on an
// endpoint that is never reached: credentials fail first), which returns
// "operation error S3: ListBuckets, get identity: get credentials: " and
// the provider's text. Neither Text of that error (alone, wrapped by
// fmt.Errorf, joined, and wrapped by a message that quotes it with %q) nor any printed form of the error a Provider-wrapped
// provider gives holds the secret or the token, nothing panics, and
// errors.As still reaches the provider's error. Seeds: the
// credential_process output the SDK quotes (secrettest's shape).
func FuzzText(f *testing.F) {
	out := func(secret, token string) string {
		return `{"Version":1,"AccessKeyId":"ASIAEXAMPLE000000001","SecretAccessKey":"` + secret + `","SessionToken":"` + token + `","Expiration":"2026-03-14 16:00:00"}`
	}
	_, err := processcreds.NewProvider("printf '%s' '" + out("SECRET", "TOKEN") + "'").Retrieve(f.Context())
	if err == nil || !strings.Contains(err.Error(), out("SECRET", "TOKEN")) {
		f.Fatalf("the SDK's credential_process error no longer quotes the output: %v", err)
	}
	before, after, _ := strings.Cut(err.(*processcreds.ProviderError).Err.Error(), out("SECRET", "TOKEN"))
	// The fuzzed text: before + secret + mid + token + after.
	f.Add("parse failed of process output: ", []byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), "", []byte("FwoGZXIvYXdzEJr//////////wEaDH"), "")
	f.Add(before+out("", "")[:len(`{"Version":1,"AccessKeyId":"ASIAEXAMPLE000000001","SecretAccessKey":"`)],
		[]byte("wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"), `","SessionToken":"`, []byte("IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJGMEQCIBVG"), `","Expiration":"2026-03-14 16:00:00"}`+after)
	f.Add("", []byte("a"), "", []byte("b"), "")
	f.Add("get credentials: ", []byte("x"), "get credentials: ", []byte("y"), "get credentials: ")

	f.Fuzz(func(t *testing.T, pre string, secretB []byte, mid string, tokenB []byte, post string) {
		secret := base64ish(secretB, 40)[:40]
		token := base64ish(tokenB, 100)
		text := pre + secret + mid + token + post
		provider := aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{}, &processcreds.ProviderError{Err: errors.New(text)}
		})
		leaks := func(s string) bool { return strings.Contains(s, secret) || strings.Contains(s, token) }

		sdkErr := listBuckets(t.Context(), provider)
		if sdkErr == nil || !strings.Contains(sdkErr.Error(), "operation error S3: ListBuckets, get identity: get credentials: process provider error: "+text) {
			t.Fatalf("not the SDK's shape: %v", sdkErr)
		}
		quoted := fmt.Errorf("x: %q: %w", sdkErr.Error(), sdkErr) // a copy that is not verbatim
		for _, err := range []error{sdkErr, fmt.Errorf("securebucket: list: %w", sdkErr), errors.Join(errors.New("other"), sdkErr), quoted} {
			if s := credsafe.Text(err); leaks(s) {
				t.Fatalf("Text leaks the secret or token: %q", s)
			}
			var pe *processcreds.ProviderError
			if !errors.As(err, &pe) {
				t.Fatalf("the provider's error is not in the chain: %T", err)
			}
		}

		safeErr := listBuckets(t.Context(), credsafe.Provider(provider))
		if safeErr == nil {
			t.Fatal("no error")
		}
		var pe *processcreds.ProviderError
		if !errors.As(safeErr, &pe) {
			t.Fatalf("the provider's error is not in the chain of the Provider's: %T", safeErr)
		}
		for _, verb := range []string{"%v", "%+v", "%s", "%q"} {
			if s := fmt.Sprintf(verb, safeErr); leaks(s) {
				t.Fatalf("%s of a Provider's error leaks the secret or token: %s", verb, s)
			}
		}
		if s := credsafe.Text(safeErr); leaks(s) {
			t.Fatalf("Text of a Provider's error leaks the secret or token: %q", s)
		}
	})
}
