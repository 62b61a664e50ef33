package sigv4_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"

	"github.com/s3secure/s3secure/internal/sigv4"
)

// TestCredentialsFormatHasNoSecrets formats Credentials with every verb
// (including %d, which bypasses String), alone and nested.
func TestCredentialsFormatHasNoSecrets(t *testing.T) {
	c := sigv4.Credentials{AccessKeyID: "AKIDEXAMPLE", SecretAccessKey: "wJalrXUtnFEMISECRETKEY", SessionToken: "SESSIONTOKENvalue"}
	values := map[string]any{"value": c, "pointer": &c, "nested": struct{ C sigv4.Credentials }{c}, "slice": []sigv4.Credentials{c}}
	for vname, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			out := strings.ToLower(fmt.Sprintf(verb, v))
			for _, secret := range []string{c.SecretAccessKey, c.SessionToken} {
				assert.NotContains(t, out, strings.ToLower(secret), "%s with %s", vname, verb)
				assert.NotContains(t, out, hex.EncodeToString([]byte(secret)), "%s with %s (hex)", vname, verb)
			}
		}
	}
}
