package s3securetest_test

import (
	"fmt"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/secrettest"
	"github.com/s3secure/s3secure/s3securetest"
)

// TestNoVerbPrintsASecret: a Server, its Config and the Configs AddUser,
// AddAccount and AddMember return print no secret access key or session
// token with any fmt verb. %+v of a Server printed the Config's static
// credentials, secret key included.
func TestNoVerbPrintsASecret(t *testing.T) {
	srv := s3securetest.NewServer(t, &s3securetest.Options{Organization: true})
	user, err := srv.AddUser("", "alice")
	require.NoError(t, err)
	other, err := srv.AddAccount("444455556666")
	require.NoError(t, err)
	member, err := srv.AddMember("777788889999", nil)
	require.NoError(t, err)
	var secrets []string
	for _, cfg := range []aws.Config{srv.Config, user, other, member} {
		c, err := cfg.Credentials.Retrieve(t.Context())
		require.NoError(t, err)
		require.NotEmpty(t, c.SecretAccessKey)
		secrets = append(secrets, c.SecretAccessKey, c.SessionToken)
	}
	secrettest.Check(t, []any{srv, *srv, srv.Config, &srv.Config, user, other, member, srv.Config.Credentials}, secrets...)

	// What String shows instead: where the server is and whose it is.
	s := srv.String()
	assert.Contains(t, s, srv.URL)
	assert.Contains(t, s, srv.AccountID)
	assert.Equal(t, s, fmt.Sprintf("%+v", srv))
}
