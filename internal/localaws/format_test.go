package localaws_test

import (
	"crypto/ecdsa"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/localaws"
	"github.com/s3secure/s3secure/internal/secrettest"
)

// TestNoVerbPrintsASecret: the server, its options, accounts, endpoint,
// TLS material and Configs print no secret access key, session token or
// private key with any fmt verb (the owner's secret sat in Options and in
// every Account's root credential, each printed by %v).
func TestNoVerbPrintsASecret(t *testing.T) {
	opts := localaws.Options{OwnerAccessKeyID: "AKIAFORMATTEST000001", OwnerSecretAccessKey: "ownerSecretThatMustNeverPrint/0123456789"}
	srv, err := localaws.New(&opts)
	require.NoError(t, err)
	ep, err := srv.Listen(nil)
	require.NoError(t, err)
	t.Cleanup(func() { _ = ep.Close() })
	acct, err := srv.AddAccount("444455556666")
	require.NoError(t, err)
	user, err := acct.AddUser("alice")
	require.NoError(t, err)
	session, err := acct.AddRoleSession("auditor", "s1", time.Now().Add(time.Hour))
	require.NoError(t, err)
	require.NotEmpty(t, session.SessionToken)
	cfg := ep.Config(session)

	key := ep.TLS.ServerConfig().Certificates[0].PrivateKey.(*ecdsa.PrivateKey)
	d := key.D.String()
	secrettest.Check(t, []any{opts, &opts, srv, acct, *acct, srv.Owner(), *srv.Owner(), ep, ep.TLS, *ep.TLS, cfg, &cfg, cfg.Credentials},
		opts.OwnerSecretAccessKey, user.SecretAccessKey, session.SecretAccessKey, session.SessionToken, d, key.D.Text(16))
}
