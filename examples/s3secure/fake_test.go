package main

import (
	"encoding/pem"
	"os"
	"path/filepath"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/s3secure/s3secure/internal/s3fake"
)

// trustFake makes the CLI's AWS configuration trust the fake's self-signed
// certificate through AWS_CA_BUNDLE, the way a user points the tool at
// "s3secure serve -tls". Call it after cliEnv, which clears the variable.
func trustFake(t *testing.T, f *s3fake.Fake) {
	t.Helper()
	cert := f.HTTPServer.Certificate()
	require.NotNil(t, cert, "the fake must run over HTTPS")
	path := filepath.Join(t.TempDir(), "ca.pem")
	require.NoError(t, os.WriteFile(path, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: cert.Raw}), 0o600))
	t.Setenv("AWS_CA_BUNDLE", path)
}
