package s3fake_test

import (
	"encoding/hex"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// TestFormatHasNoSecrets formats the server (which holds every access
// key's secret), the fake, its options and credentials with every fmt verb,
// alone and nested, and checks that no secret or session token appears.
func TestFormatHasNoSecrets(t *testing.T) {
	const ownerSecret = "OWNERsecretKEY0123456789abcdefghijKLMNOP"
	opts := &s3fake.Options{OwnerAccessKeyID: "AKIAOWNEREXAMPLE0001", OwnerSecretAccessKey: ownerSecret}
	f := s3fake.StartHTTP(t, opts)
	user := f.AddUser("", "alice")
	role := f.AddRoleUntil("", "reader", "s1", time.Now().Add(time.Hour))
	require.NotEmpty(t, role.SessionToken)
	secrets := map[string]string{
		"owner secret": ownerSecret,
		"user secret":  user.SecretAccessKey,
		"role secret":  role.SecretAccessKey,
		"role token":   role.SessionToken,
	}
	values := map[string]any{
		"*Fake":        f,
		"*Server":      f.Server,
		"*Options":     opts,
		"Options":      *opts,
		"Credential":   user,
		"*Credential":  &role,
		"[]Credential": []s3fake.Credential{user, role},
		"nested": struct {
			F *s3fake.Fake
			C s3fake.Credential
		}{f, role},
	}
	for vname, v := range values {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%d", "%T"} {
			out := strings.ToLower(fmt.Sprintf(verb, v))
			for sname, secret := range secrets {
				assert.NotContains(t, out, strings.ToLower(secret), "%s with %s shows the %s", vname, verb, sname)
				assert.NotContains(t, out, hex.EncodeToString([]byte(secret)), "%s with %s shows the %s in hex", vname, verb, sname)
			}
		}
	}
	assert.Contains(t, f.Server.String(), f.AccountID())
}
