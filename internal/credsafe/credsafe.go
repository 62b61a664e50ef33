// Package credsafe keeps a credentials provider's error text out of every
// error s3secure returns or prints. A provider's error can quote the
// credentials it failed to hand over: aws-sdk-go-v2's credential_process
// provider (credentials/processcreds) puts the whole process output,
// secret access key and session token included, into its error when the
// output does not parse ("parse failed of process output: %s"), and every
// SDK call made with that provider returns that text ("operation error S3:
// ListBuckets, get identity: get credentials: …").
//
// The rule, in one place: a provider's failure is named by the types of
// its error chain, never by its text, and stays in the chain for
// errors.Is and errors.As. [Provider] applies it where s3secure holds the
// credentials (an aws.Config it is given, each call's client options);
// [Text] applies it to the message of an error that may have come from a
// client whose credentials s3secure did not wrap.
package credsafe

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// withheld ends every message that stands for a provider's error.
const withheld = "; the provider's message is withheld because it can quote credentials"

// Message describes a provider's error err by the types of its chain:
// "retrieving credentials failed (*processcreds.ProviderError; …)".
func Message(err error) string {
	return "retrieving credentials failed (" + Types(err) + withheld + ")"
}

// Types lists the types in err's chain (following Unwrap() error only),
// leaving out the fmt and errors packages' own wrappers.
func Types(err error) string {
	var types []string
	for ; err != nil; err = errors.Unwrap(err) {
		t := fmt.Sprintf("%T", err)
		if strings.HasPrefix(t, "*fmt.") || strings.HasPrefix(t, "*errors.") || len(types) > 0 && types[len(types)-1] == t {
			continue
		}
		types = append(types, t)
	}
	if len(types) == 0 {
		return "unknown error"
	}
	return strings.Join(types, " > ")
}

// Error is a credentials provider's failure whose message is [Message]:
// the provider's text is left out, the provider's error is in the chain.
type Error struct{ err error }

// New returns err as an *Error (err itself when it is one, nil for nil).
func New(err error) error {
	var e *Error
	if err == nil || errors.As(err, &e) && e == err {
		return err
	}
	return &Error{err: err}
}

// Error implements error.
func (e *Error) Error() string { return Message(e.err) }

// Unwrap returns the provider's error.
func (e *Error) Unwrap() error { return e.err }

// Format prints Error for every verb, quoted for %q, so that %#v does not
// walk into the provider's error.
func (e *Error) Format(f fmt.State, verb rune) { WriteFormatted(f, verb, e.Error()) }

// WriteFormatted writes s for any verb, quoted for %q: the Format of a
// value whose every printed form must be s.
func WriteFormatted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s)
		return
	}
	io.WriteString(f, s)
}

// Provider returns p with its Retrieve errors turned into *[Error]. A nil
// p, anonymous credentials (which the SDK looks for by type and does not
// sign with) and a provider Provider already returned are returned as
// they are. The result reports the wrapped provider to
// aws.IsCredentialsProvider and its sources to the SDK's user agent.
func Provider(p aws.CredentialsProvider) aws.CredentialsProvider {
	switch p.(type) {
	case nil, provider, aws.AnonymousCredentials, *aws.AnonymousCredentials:
		return p
	}
	if aws.IsCredentialsProvider(p, (*aws.AnonymousCredentials)(nil)) {
		return p
	}
	return provider{p}
}

type provider struct{ next aws.CredentialsProvider }

var (
	_ aws.CredentialsProvider      = provider{}
	_ aws.CredentialProviderSource = provider{}
)

func (p provider) Retrieve(ctx context.Context) (aws.Credentials, error) {
	creds, err := p.next.Retrieve(ctx)
	if err != nil {
		return creds, New(err)
	}
	return creds, nil
}

func (p provider) IsCredentialsProvider(target aws.CredentialsProvider) bool {
	return aws.IsCredentialsProvider(p.next, target)
}

func (p provider) ProviderSources() []aws.CredentialSource {
	if s, ok := p.next.(aws.CredentialProviderSource); ok {
		return s.ProviderSources()
	}
	return nil
}

// sdkMarker starts the error aws-sdk-go-v2 wraps a provider's error in
// when a client cannot retrieve credentials (internal/auth/smithy's
// CredentialsProviderAdapter: "get credentials: %w"). TestText pins it
// with the SDK in go.mod.
const sdkMarker = "get credentials: "

// Text returns err's message with the text of each credentials provider
// error in its chain (the error the SDK wraps after "get credentials: ")
// replaced by [Message]; an *[Error] in the chain is already safe. When a
// provider's text does not appear verbatim in the message (a wrapper that
// quotes or reshapes it) or a copy of it is left, the whole message is withheld and Text names
// err's types instead. Errors without a provider error keep their text.
func Text(err error) string {
	if err == nil {
		return ""
	}
	s := err.Error()
	if !strings.Contains(s, sdkMarker) {
		return s
	}
	safe := true
	var leftovers []string
	walk(err, func(e error) bool {
		if _, ok := e.(*Error); ok {
			return false
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return true
		}
		inner := u.Unwrap()
		if inner == nil || !strings.HasPrefix(e.Error(), sdkMarker) {
			return true
		}
		if _, ok := inner.(*Error); ok {
			return false
		}
		t := inner.Error()
		if t == "" || !strings.Contains(s, t) {
			safe = false
			return false
		}
		s = strings.ReplaceAll(s, t, Message(inner))
		leftovers = append(leftovers, secretLike(t)...)
		return false
	})
	for _, l := range leftovers {
		safe = safe && !strings.Contains(s, l)
	}
	if !safe {
		return "credentials could not be retrieved (" + Types(err) + withheld + ")"
	}
	return s
}

// secretLike returns the runs of at least 16 base64 characters in t, the
// shape of secret access keys and session tokens: one left in a message
// after the provider's text was replaced there means another copy of it,
// reshaped (quoted, escaped), is in the message too.
func secretLike(t string) []string {
	var runs []string
	start := -1
	for i := 0; i <= len(t); i++ {
		if i < len(t) && isBase64(t[i]) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 && i-start >= 16 {
			runs = append(runs, t[start:i])
		}
		start = -1
	}
	return runs
}

func isBase64(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '+' || c == '/' || c == '='
}

// walk calls visit on err and, while visit returns true, on what it wraps
// (Unwrap() error and Unwrap() []error).
func walk(err error, visit func(error) bool) {
	if err == nil || !visit(err) {
		return
	}
	switch u := err.(type) {
	case interface{ Unwrap() error }:
		walk(u.Unwrap(), visit)
	case interface{ Unwrap() []error }:
		for _, e := range u.Unwrap() {
			walk(e, visit)
		}
	}
}
