package localaws

import (
	"context"
	"fmt"
	"io"

	"github.com/aws/aws-sdk-go-v2/aws"
)

// Every type here that holds a secret (a secret access key, a session
// token, a private key) formats as its String for every fmt verb: without
// that, %v walks the struct, and a verb a field's type does not take
// (%d, %x on a struct) prints the whole value, secrets included.

// String describes the options without the owner's secret access key.
func (o Options) String() string {
	secret := ""
	if o.OwnerSecretAccessKey != "" {
		secret = "<redacted>"
	}
	return fmt.Sprintf("localaws.Options{AccountID: %s, Region: %s, OwnerAccessKeyID: %s, OwnerSecretAccessKey: %s, LegacyBuckets: %t, Latency: %s}",
		o.AccountID, o.Region, o.OwnerAccessKeyID, secret, o.LegacyBuckets, o.Latency)
}

// GoString is like String.
func (o Options) GoString() string { return o.String() }

// Format prints String for every verb.
func (o Options) Format(f fmt.State, verb rune) { writeFormatted(f, verb, o.String()) }

// String names the server by owner account and Region, without keys.
func (s *Server) String() string {
	if s == nil {
		return "localaws.Server(nil)"
	}
	return "localaws.Server{Owner: " + s.owner.ID + ", Region: " + s.region + "}"
}

// GoString is like String.
func (s *Server) GoString() string { return s.String() }

// Format prints String for every verb.
func (s *Server) Format(f fmt.State, verb rune) { writeFormatted(f, verb, s.String()) }

// String names the account and its root's access key id, never its secret.
// (Value receivers: an Account copied out of its pointer prints no secret
// either. Server and Endpoint hold locks and are never copied.)
func (a Account) String() string {
	return "localaws.Account{ID: " + a.ID + ", Root: " + a.root.AccessKeyID + "}"
}

// GoString is like String.
func (a Account) GoString() string { return a.String() }

// Format prints String for every verb.
func (a Account) Format(f fmt.State, verb rune) { writeFormatted(f, verb, a.String()) }

// String names the endpoint's URL and CA file.
func (e *Endpoint) String() string {
	if e == nil {
		return "localaws.Endpoint(nil)"
	}
	return "localaws.Endpoint{URL: " + e.URL + ", CAFile: " + e.CAFile + "}"
}

// GoString is like String.
func (e *Endpoint) GoString() string { return e.String() }

// Format prints String for every verb.
func (e *Endpoint) Format(f fmt.State, verb rune) { writeFormatted(f, verb, e.String()) }

// String names the TLS material without its private keys.
func (t *TLS) String() string { return "localaws.TLS{<private keys redacted>}" }

// GoString is like String.
func (t *TLS) GoString() string { return t.String() }

// Format prints String for every verb.
func (t *TLS) Format(f fmt.State, verb rune) { writeFormatted(f, verb, t.String()) }

// staticCredentials is the credentials provider of [Endpoint.Config]: static
// credentials, as the SDK's credentials.StaticCredentialsProvider, that
// never print their secret. It holds a pointer, so fmt reaching it through
// another type's unexported field prints an address.
type staticCredentials struct{ c *aws.Credentials }

// Retrieve returns the credentials.
func (s staticCredentials) Retrieve(context.Context) (aws.Credentials, error) { return *s.c, nil }

// ProviderSources says the credentials were given in code.
func (s staticCredentials) ProviderSources() []aws.CredentialSource {
	return []aws.CredentialSource{aws.CredentialSourceCode}
}

// String names the access key id only.
func (s staticCredentials) String() string {
	return "localaws.Credentials{AccessKeyID: " + s.c.AccessKeyID + ", SecretAccessKey: <redacted>}"
}

// GoString is like String.
func (s staticCredentials) GoString() string { return s.String() }

// Format prints String for every verb.
func (s staticCredentials) Format(f fmt.State, verb rune) { writeFormatted(f, verb, s.String()) }

func writeFormatted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s)
		return
	}
	_, _ = io.WriteString(f, s)
}
