package s3fake

import (
	"fmt"
	"io"
)

// String describes the server by account and region. It never prints the
// owner's or any user's secret access key or session token.
func (s *Server) String() string {
	if s == nil {
		return "s3fake.Server(nil)"
	}
	return "s3fake.Server{AccountID: " + s.accountID + ", Region: " + s.region + ", Owner: " + s.owner.AccessKeyID + "}"
}

// GoString is like String.
func (s *Server) GoString() string { return s.String() }

// Format prints String for every verb: without it %+v and %#v walk the
// struct and print the credential table's secrets.
func (s *Server) Format(f fmt.State, verb rune) { writeFormatted(f, verb, s.String()) }

// String describes the options without the owner's secret access key.
func (o Options) String() string {
	secret := ""
	if o.OwnerSecretAccessKey != "" {
		secret = "<redacted>"
	}
	return fmt.Sprintf("s3fake.Options{AccountID: %s, Region: %s, OwnerAccessKeyID: %s, OwnerSecretAccessKey: %s, CreateBucketState: %s}",
		o.AccountID, o.Region, o.OwnerAccessKeyID, secret, o.CreateBucketState)
}

// GoString is like String.
func (o Options) GoString() string { return o.String() }

// Format prints String for every verb, so no verb prints the secret.
func (o Options) Format(f fmt.State, verb rune) { writeFormatted(f, verb, o.String()) }

// Format prints String for every verb (%x included), so no verb prints the
// secret or the session token.
func (c Credential) Format(f fmt.State, verb rune) { writeFormatted(f, verb, c.String()) }

func writeFormatted(f fmt.State, verb rune, s string) {
	if verb == 'q' {
		fmt.Fprintf(f, "%q", s)
		return
	}
	_, _ = io.WriteString(f, s)
}
